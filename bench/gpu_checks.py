"""The spec's GPU checks, on a machine with a CUDA GPU and the gpu-16gb profile's models.

    python -m bench.gpu_checks [--switches 5]

- model load under 60 s (GetModelInfo.load_seconds of the first model);
- GPU memory in use under 15 GB with the model resident (nvidia-smi);
- a typical job (the spec's sample posting through Router.Extract) under 5 s;
- switching stable: repeated LoadModel round trips all succeed, each under 60 s, and memory
  after the last one within 1 GB of the first.
Without a GPU it says so and exits 3: nothing is measured, nothing is claimed.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import grpc

from bench.pipeline import start_router
from jobextract.proto import extraction_pb2 as pb
from jobextract.proto import extraction_pb2_grpc as pb_grpc
from jobextract_tools.launch import free_port, start_inference, stop, wait_serving
from jobextract_tools.samples import SPEC_SAMPLE  # the spec's sample posting

NO_GPU = 3


def gpu_memory_mb() -> list[int] | None:
    """MB in use per GPU, or None when there is no NVIDIA GPU to ask."""
    if shutil.which("nvidia-smi") is None:
        return None
    result = subprocess.run(["nvidia-smi", "--query-gpu=memory.used", "--format=csv,noheader,nounits"],
                            capture_output=True, text=True)
    if result.returncode != 0 or not result.stdout.strip():
        return None
    return [int(line) for line in result.stdout.split()]


async def checks(inference_address: str, router_address: str, switches: int) -> list:
    out = []
    async with grpc.aio.insecure_channel(inference_address) as ich, \
            grpc.aio.insecure_channel(router_address) as rch:
        inference, router = pb_grpc.InferenceStub(ich), pb_grpc.RouterStub(rch)
        info = await inference.GetModelInfo(pb.GetModelInfoRequest())
        out.append((f"model load < 60 s ({info.name})", f"{info.load_seconds:.1f} s",
                    info.load_seconds < 60))
        first_memory = max(gpu_memory_mb())
        out.append(("GPU memory < 15 GB", f"{first_memory / 1024:.1f} GB", first_memory < 15 * 1024))
        await router.Extract(pb.ExtractRequest(content=SPEC_SAMPLE))  # warm-up
        started = time.perf_counter()
        reply = await router.Extract(pb.ExtractRequest(content=SPEC_SAMPLE))
        took = time.perf_counter() - started
        out.append((f"typical job < 5 s ({reply.decision.model})", f"{took:.2f} s", took < 5))
        times, failures = [], 0
        for _ in range(switches):
            for tier in (pb.TIER_MAXIMUM, pb.TIER_PRIMARY):
                try:
                    times.append((await inference.LoadModel(pb.LoadModelRequest(tier=tier))).switch_seconds)
                except grpc.aio.AioRpcError as e:
                    failures += 1
                    print(f"switch failed: {e.code().name}: {e.details()}")
        last_memory = max(gpu_memory_mb())
        stable = failures == 0 and max(times, default=99) < 60 and abs(last_memory - first_memory) < 1024
        out.append((f"switching stable ({2 * switches} switches)",
                    f"{failures} failed, max {max(times, default=0):.1f} s, memory "
                    f"{first_memory / 1024:.1f} -> {last_memory / 1024:.1f} GB", stable))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--switches", type=int, default=5)
    args = parser.parse_args(argv)
    if gpu_memory_mb() is None:
        print("no NVIDIA GPU here (nvidia-smi absent or sees none): the GPU checks were not "
              "run. Run this on the GPU host with the gpu-16gb profile's models available.")
        return NO_GPU
    env = {**os.environ, "INFERENCE_PROFILE": "gpu-16gb", "INFERENCE_HOST": "127.0.0.1",
           "INFERENCE_PORT": str(free_port()), "INFERENCE_INITIAL_TIER": "primary"}
    with tempfile.TemporaryDirectory() as tmp:
        inference = start_inference(env, Path(tmp) / "inference.log")
        router = None
        try:
            wait_serving(inference, timeout=900)
            router = start_router(inference.address, Path(tmp) / "router.log")
            results = asyncio.run(checks(inference.address, router.address, args.switches))
        finally:
            stop([s for s in (router, inference) if s is not None])
    for name, value, ok in results:
        print(f"{'PASS' if ok else 'FAIL'}  {name}: {value}")
    return 0 if all(ok for *_, ok in results) else 1


if __name__ == "__main__":
    sys.exit(main())
