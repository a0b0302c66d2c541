"""`jobextract batch` memory on 10,000 vs 100,000 lines: flat, not proportional to the input.

    python -m bench.batch_memory [--lines 10000 100000] [--concurrency 16]

A router backed by the tiny model (inference on tiny-a, no cloud, TOKEN_THRESHOLD=16):
every 1,000th line is a short posting extracted on the model; the others are ~2 KB
postings above the threshold that the router answers at once (FAILED_PRECONDITION: no
cloud), so 100,000 lines run in minutes and still pass through every part of the batch
(read, call, record, progress). The batch command runs as its own process; its peak RSS
(VmHWM) is read while it runs, then the run is repeated with every line already done (a
resume that skips them all).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from jobextract_tools import launch
from jobextract_tools.launch import (ROOT, free_port, start_inference, tiny_inference_env,
                                     wait_serving)
from jobextract_tools.samples import SPEC_SAMPLE
from jobextract_tools.tiny_model import build_tiny_qwen3

LONG = (SPEC_SAMPLE + "\n") * 3   # ~2 KB, far above the threshold


def write_lines(path: Path, count: int) -> None:
    with open(path, "w", encoding="utf-8") as f:
        for i in range(count):
            content = f"Cook {i}, Lisbon" if i % 1000 == 0 else f"#{i}\n{LONG}"
            f.write(json.dumps({"id": f"p{i}", "content": content}) + "\n")


def run_batch(address: str, source: Path, out: Path, concurrency: int,
              *options: str) -> dict:
    """The batch command as a process: seconds, exit code, peak RSS in MB."""
    started = time.monotonic()
    log = out.with_suffix(".stderr")
    with open(log, "w") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-m", "jobextract_tools.cli", "--address", address, "batch",
             str(source), "--out", str(out), "--concurrency", str(concurrency), *options],
            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=stderr)
        peak_kb = 0
        while process.poll() is None:
            peak_kb = max(peak_kb, _high_water_kb(process.pid))
            time.sleep(0.05)
    lines = log.read_text(errors="replace").replace("\r", "\n").strip().splitlines()
    return {"seconds": time.monotonic() - started, "exit": process.returncode,
            "peak_rss_mb": peak_kb / 1024, "summary": lines[-2:]}


def _high_water_kb(pid: int) -> int:
    """The process's peak RSS since its exec (VmHWM). Not ru_maxrss: a forked child
    carries its parent's (this bench's, with torch loaded) high-water mark until exec."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--concurrency", type=int, default=16)
    args = parser.parse_args(argv)
    results = {}
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        models = {"a": build_tiny_qwen3(tmp / "tiny-a", seed=0),
                  "b": build_tiny_qwen3(tmp / "tiny-b", seed=1)}
        inference = start_inference(tiny_inference_env(models, free_port()), tmp / "inference.log")
        router = None
        try:
            wait_serving(inference)
            env = {**os.environ, "ROUTER_HOST": "127.0.0.1", "ROUTER_PORT": str(free_port()),
                   "ROUTER_INFERENCE_ADDRESS": inference.address, "OPENAI_API_KEY": "",
                   "TOKEN_THRESHOLD": "16", "ROUTER_LOG_LEVEL": "WARNING",
                   "ROUTER_MAX_CONCURRENT": "256"}
            router = launch.start_router(env, tmp / "router.log")
            wait_serving(router, launch.ROUTER, 60)
            for count in args.lines:
                source, out = tmp / f"in-{count}.jsonl", tmp / f"out-{count}.jsonl"
                write_lines(source, count)
                first = run_batch(router.address, source, out, args.concurrency)
                # Every line done: the failures by design are not retried (resume only).
                resumed = run_batch(router.address, source, out, args.concurrency,
                                    "--no-retry-failed")
                results[count] = {"input_mb": source.stat().st_size / 2**20, "run": first,
                                  "resume_all_done": resumed}
                print(json.dumps({count: results[count]}, indent=2), flush=True)
        finally:
            launch.stop([s for s in (router, inference) if s is not None])
    if len(args.lines) >= 2:
        small, large = args.lines[0], args.lines[-1]
        ratio = results[large]["run"]["peak_rss_mb"] / results[small]["run"]["peak_rss_mb"]
        print(f"peak RSS {large} / {small} lines: {ratio:.2f}x (flat: under 1.2x)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
