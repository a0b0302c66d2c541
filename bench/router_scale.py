"""The router at scale: Analyze calls per second on one router process pinned to one core,
and Extract at concurrency 64 on the tiny model.

    python -m bench.router_scale [--seconds 10] [--in-flight 64]

The router runs as `python -m router_svc` pinned to CPU 0 (taskset semantics through
sched_setaffinity); the load comes from this process on the other core(s), with a fixed
number of calls in flight. Analyze does the router's own work only (count tokens on the
spec's sample, decide); Extract goes through inference on the tiny model.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import tempfile
import time
from pathlib import Path

import grpc

from jobextract.v1 import extraction_pb2 as pb
from jobextract.v1 import extraction_pb2_grpc as pb_grpc
from jobextract_tools import launch
from jobextract_tools.launch import free_port, start_inference, tiny_inference_env, wait_serving
from jobextract_tools.samples import SPEC_SAMPLE
from jobextract_tools.tiny_model import build_tiny_qwen3


async def sustained(call, seconds: float, in_flight: int) -> dict:
    """Keep `in_flight` calls going for `seconds`: calls per second and latency."""
    latencies: list[float] = []
    errors = 0
    ends = time.monotonic() + seconds

    async def worker():
        nonlocal errors
        while time.monotonic() < ends:
            started = time.perf_counter()
            try:
                await call()
                latencies.append(time.perf_counter() - started)
            except grpc.aio.AioRpcError:
                errors += 1

    started = time.monotonic()
    await asyncio.gather(*(worker() for _ in range(in_flight)))
    elapsed = time.monotonic() - started
    ordered = sorted(latencies)
    return {"calls_per_second": len(latencies) / elapsed, "calls": len(latencies),
            "errors": errors, "p50_ms": statistics.median(ordered) * 1000 if ordered else None,
            "p99_ms": ordered[int(0.99 * len(ordered))] * 1000 if ordered else None}


def pin(pid: int, cpus: set[int]) -> None:
    os.sched_setaffinity(pid, cpus)
    for child in Path(f"/proc/{pid}/task").iterdir():  # every thread already started
        os.sched_setaffinity(int(child.name), cpus)


async def measure(router_address: str, seconds: float, in_flight: int, extract: bool) -> dict:
    out = {}
    async with grpc.aio.insecure_channel(router_address) as channel:
        stub = pb_grpc.RouterServiceStub(channel)
        analyze = pb.AnalyzeRequest(content=SPEC_SAMPLE)
        await sustained(lambda: stub.Analyze(analyze), 1, in_flight)  # warm up
        out["analyze"] = await sustained(lambda: stub.Analyze(analyze), seconds, in_flight)
        if extract:
            request = pb.ExtractRequest(content=SPEC_SAMPLE)
            out["extract_c64"] = await sustained(lambda: stub.Extract(request, timeout=300),
                                                 seconds * 3, 64)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--in-flight", type=int, default=64)
    parser.add_argument("--no-extract", action="store_true")
    args = parser.parse_args(argv)
    cpus = sorted(os.sched_getaffinity(0))
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        inference = router = None
        try:
            inference_address = f"127.0.0.1:{free_port()}"
            if not args.no_extract:
                models = {"a": build_tiny_qwen3(tmp / "tiny-a", seed=0),
                          "b": build_tiny_qwen3(tmp / "tiny-b", seed=1)}
                inference = start_inference(
                    tiny_inference_env(models, free_port(), INFERENCE_MAX_NUM_SEQS="16",
                                       INFERENCE_MAX_PENDING="128"), tmp / "inference.log")
                wait_serving(inference)
                inference_address = inference.address
            env = {**os.environ, "ROUTER_HOST": "127.0.0.1", "ROUTER_PORT": str(free_port()),
                   "ROUTER_INFERENCE_ADDRESS": inference_address, "OPENAI_API_KEY": "",
                   "ROUTER_LOG_LEVEL": "WARNING", "ROUTER_MAX_CONCURRENT": "1024"}
            router = launch.start_router(env, tmp / "router.log")
            if inference is not None:
                wait_serving(router, launch.ROUTER, 60)
            else:
                time.sleep(3)
            pin(router.process.pid, {cpus[0]})
            if len(cpus) > 1:
                os.sched_setaffinity(0, set(cpus[1:]))
            results = asyncio.run(measure(router.address, args.seconds, args.in_flight,
                                          not args.no_extract))
        finally:
            os.sched_setaffinity(0, set(cpus))
            launch.stop([s for s in (router, inference) if s is not None])
    results["router_cpu"] = cpus[0]
    print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
