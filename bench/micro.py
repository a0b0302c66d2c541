"""Measurements inside this process: counting and deciding, validating an answer, and the
peak memory of a process tree."""

from __future__ import annotations

import statistics
import time
from pathlib import Path

from router_svc import prompt
from router_svc.answer import check_answer
from router_svc.routing import decide
from router_svc.tokens import count_tokens, encoding


def posting_of(tokens: int, texts: list[str]) -> str:
    enc = encoding()
    ids: list[int] = []
    while len(ids) < tokens:
        for text in texts:
            ids += enc.encode(text + "\n\n")
    return enc.decode(ids[:tokens])


def micro(texts: list[str], reps: int = 30) -> dict:
    def median_ms(fn) -> float:
        times = []
        for _ in range(reps):
            started = time.perf_counter()
            fn()
            times.append((time.perf_counter() - started) * 1000)
        return statistics.median(times)

    out = {}
    for size in (1000, 8000, 32000):
        text = posting_of(size, texts)
        out[f"count_and_decide_{size // 1000}k_ms"] = median_ms(
            lambda: decide(count_tokens(text), 8000, 2000, 5000))
    out["validate_and_ground_ms"] = median_ms(
        lambda: check_answer(prompt.EXAMPLES[0][1], prompt.EXAMPLES[0][0]))
    return out


def tree_peak_mb(pid: int, exclude: tuple[int, ...] = ()) -> float:
    """Sum of the peak resident sizes (VmHWM) of a process and its descendants (but not
    the `exclude` trees): an upper bound of the tree's peak, as the peaks need not coincide."""
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        if current in exclude:
            continue
        try:
            status = Path(f"/proc/{current}/status").read_text()
            children = [c for task in Path(f"/proc/{current}/task").iterdir()
                        for c in (task / "children").read_text().split()]
        except OSError:
            continue
        total += next(int(line.split()[1]) for line in status.splitlines()
                      if line.startswith("VmHWM"))
        todo += [int(c) for c in children]
    return total / 1024
