"""The load driver: postings through a path at a given concurrency, interleaved rounds,
and the statistics read from them."""

from __future__ import annotations

import asyncio
import statistics
import time
import uuid
from dataclasses import dataclass, field

from bench.paths import Sample


@dataclass
class Run:
    path: str
    concurrency: int
    wall: list[float] = field(default_factory=list)
    samples: list[Sample] = field(default_factory=list)
    per_round: list[tuple[float, float]] = field(default_factory=list)  # postings/s, tok/s


def batch_size(concurrency: int) -> int:
    """Postings per run: enough that every concurrent slot gets two."""
    return max(4, 2 * concurrency)


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] if ordered else 0.0


async def drive(call, texts: list[str], concurrency: int) -> tuple[float, list[Sample]]:
    """All `texts` through `call`, at most `concurrency` at a time; wall seconds and samples."""
    gate = asyncio.Semaphore(concurrency)

    async def one(text: str) -> Sample:
        async with gate:
            return await call(f"Posting reference {uuid.uuid4().hex}\n{text}")

    started = time.perf_counter()
    samples = await asyncio.gather(*(one(t) for t in texts))
    return time.perf_counter() - started, samples


async def compare(paths: dict, texts: list[str], levels: list[int], rounds: int) -> dict:
    runs = {(p, c): Run(p, c) for p in paths for c in levels}
    for call in paths.values():  # warm every path (grammar compile, caches)
        await drive(call, texts[:2], 2)
    order = list(paths)
    for r in range(rounds):
        for c in levels:
            batch = texts[:batch_size(c)]
            for name in order[r % len(order):] + order[:r % len(order)]:
                wall, samples = await drive(paths[name], batch, c)
                run = runs[(name, c)]
                run.samples += samples
                run.per_round.append((len(batch) / wall,
                                      sum(s.output_tokens for s in samples) / wall))
                print(f"  round {r + 1} c={c:<2} {name:<9} {len(batch) / wall:6.2f} postings/s",
                      flush=True)
    table = {}
    for (name, c), run in runs.items():
        latencies = [s.seconds * 1000 for s in run.samples]
        firsts = [s.first_token_seconds * 1000 for s in run.samples
                  if s.first_token_seconds is not None]
        table.setdefault(str(c), {})[name] = {
            "postings_per_s": statistics.median(p for p, _ in run.per_round),
            "output_tokens_per_s": statistics.median(t for _, t in run.per_round),
            "latency_ms": {"p50": pct(latencies, .5), "p90": pct(latencies, .9),
                           "p99": pct(latencies, .99)},
            "first_token_ms_p50": pct(firsts, .5) if firsts else None,
            "calls": len(run.samples),
        }
        if name == "extract":
            table[str(c)][name]["router_own_ms_p50"] = pct(
                [s.router_ms for s in run.samples], .5)
    for row in table.values():
        base = row.get("engine", {}).get("output_tokens_per_s")
        for name, cell in row.items():
            cell["vs_engine"] = cell["output_tokens_per_s"] / base if base else None
        if "extract" in row and "vllm" in row:
            row["extract"]["vs_vllm"] = (row["extract"]["output_tokens_per_s"]
                                         / row["vllm"]["output_tokens_per_s"])
    return table


async def paired_added_latency(generate, extract, texts: list[str], pairs: int) -> dict:
    """One at a time, Generate then Extract on the same posting (each new to the engine):
    the median of the per-pair differences is what the router adds for a caller; the
    router's own time per call (Extract at the client minus its time in Generate) shows
    how much of it is the router's work, and its parts: counting and deciding, and the
    answer check (in its worker process); the rest is gRPC, prompt and reply."""
    differences, own, decision, check = [], [], [], []
    for i in range(pairs):
        text = texts[i % len(texts)]
        (_, (direct,)), (_, (routed,)) = (await drive(generate, [text], 1),
                                         await drive(extract, [text], 1))
        differences.append((routed.seconds - direct.seconds) * 1000)
        own.append(routed.router_ms)
        decision.append(routed.decision_ms)
        check.append(routed.check_ms)
    return {"pairs": pairs, "difference_ms_p50": statistics.median(differences),
            "difference_ms_p90": pct(differences, .9),
            "router_own_ms_p50": statistics.median(own), "router_own_ms_p90": pct(own, .9),
            "decision_ms_p50": statistics.median(decision),
            "check_ms_p50": statistics.median(check)}
