"""The GPU profile's checks, on a host with an NVIDIA GPU and the gpu-16gb tiers prepared.

    make gpu-check        # python -m bench.gpu_checks [--switches 10] [--timeout 600]

Run `jobextract models prepare --profile gpu-16gb` first (or the first loads include the
downloads). With INFERENCE_SMALL_MODEL=thinking the small tier is the thinking model.
The service gets a GPU memory pool that fits `--budget-gb` (15) on any card, so the memory
check means "this tier runs a 12,288-token context inside 15 GB", on a 16 GB or a 24 GB card.

For every tier (thinking included), in a fresh service:
- load time (the first load of each tier, a cold start from the prepared cache) < 60 s;
- GPU memory held by the service's processes with the tier resident (NVML, by process)
  < budget;
- the spec's sample, a 5,000- and a 7,500-token posting through Inference.Generate on that
  tier with the router's own prompt and schema: schema-valid JSON, seconds, reasoning tokens;
then:
- a typical job (the spec's sample through Router.Extract, warm) < 5 s;
- `--switches` switches cycling the three tiers, each under `--timeout`: p95 switch time
  (a wake in sleep mode, a reload otherwise), none failed, memory after the cycle within
  1 GB of before it.
Prints a table and PASS/FAIL lines; exits 0 when all pass, 1 otherwise, and 3 without an
NVIDIA GPU (nothing is measured, nothing is claimed).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import grpc
import jsonschema

from bench.micro import posting_of
from bench.paths import generate_request
from bench.pipeline import start_router
from inference_svc.device import nvidia_gpus
from jobextract.proto import extraction_pb2 as pb
from jobextract.proto import extraction_pb2_grpc as pb_grpc
from jobextract_tools.launch import free_port, start_inference, stop, wait_serving
from jobextract_tools.samples import SPEC_SAMPLE  # the spec's sample posting
from router_svc.schema import generation_schema

NO_GPU = 3
TIERS = {"thinking": pb.TIER_THINKING, "primary": pb.TIER_PRIMARY, "maximum": pb.TIER_MAXIMUM}
CONTEXT_OVERHEAD_GB = 0.6   # CUDA context and non-torch allocations outside vLLM's pool


def memory_fraction(budget_gb: float, total_bytes: int) -> float:
    """vLLM's gpu_memory_utilization that keeps the service inside `budget_gb`."""
    return round(min(0.85, (budget_gb - CONTEXT_OVERHEAD_GB) * 2**30 / total_bytes), 3)


def postings() -> dict[str, str]:
    return {"spec sample": SPEC_SAMPLE, "5K posting": posting_of(5000, [SPEC_SAMPLE]),
            "7.5K posting": posting_of(7500, [SPEC_SAMPLE])}


async def extract_on(inference, tier: int, text: str, timeout: float) -> dict:
    """The router's prompt and schema for `text`, generated on `tier`."""
    request = generate_request(text, tier=tier)
    started, answer, last = time.perf_counter(), "", None
    async for response in inference.Generate(request, timeout=timeout):
        answer += response.delta
        last = response
    seconds = time.perf_counter() - started
    try:
        jsonschema.validate(json.loads(answer, strict=False), generation_schema())
        valid = True
    except (ValueError, jsonschema.ValidationError):
        valid = False
    return {"seconds": seconds, "valid": valid, "finish": pb.FinishReason.Name(last.finish_reason),
            "completion": last.usage.completion_tokens, "reasoning": last.usage.reasoning_tokens}


async def checks(inference_address: str, router_address: str, args, budget_bytes: int) -> tuple:
    rows, results = [], []
    async with grpc.aio.insecure_channel(inference_address) as ich, \
            grpc.aio.insecure_channel(router_address) as rch:
        inference, router = pb_grpc.InferenceStub(ich), pb_grpc.RouterStub(rch)
        for tier, enum in TIERS.items():
            started = time.perf_counter()
            loaded = await inference.LoadModel(pb.LoadModelRequest(tier=enum), timeout=args.timeout)
            load = loaded.switch_seconds if loaded.switched else loaded.info.load_seconds
            info = await inference.GetModelInfo(pb.GetModelInfoRequest())
            row = {"tier": tier, "model": info.name, "dtype": info.dtype,
                   "load_s": load, "call_s": time.perf_counter() - started,
                   "gpu_gb": info.memory_bytes / 2**30, "memory_kind": info.memory_kind}
            for name, text in postings().items():
                row[name] = await extract_on(inference, enum, text, args.timeout)
            rows.append(row)
            results.append((f"{tier} loads < 60 s ({info.name})", f"{load:.1f} s", load < 60))
            results.append((f"{tier} GPU memory < {budget_bytes / 2**30:.0f} GB",
                            f"{row['gpu_gb']:.2f} GB ({info.memory_kind})",
                            info.memory_bytes < budget_bytes))
            for name in postings():
                r = row[name]
                results.append((f"{tier} {name}: schema-valid JSON",
                                f"{r['seconds']:.1f} s, {r['completion']} tokens "
                                f"({r['reasoning']} reasoning), {r['finish']}", r["valid"]))
        await router.Extract(pb.ExtractRequest(content=SPEC_SAMPLE), timeout=args.timeout)
        started = time.perf_counter()
        reply = await router.Extract(pb.ExtractRequest(content=SPEC_SAMPLE), timeout=args.timeout)
        took = time.perf_counter() - started
        results.append((f"typical job < 5 s (Router.Extract, {reply.decision.model})",
                        f"{took:.2f} s", took < 5))
        before = (await inference.GetModelInfo(pb.GetModelInfoRequest())).memory_bytes
        times, failures = [], []
        order = list(TIERS.values())
        for i in range(args.switches):
            tier = order[i % len(order)]
            try:
                switched = await inference.LoadModel(pb.LoadModelRequest(tier=tier),
                                                     timeout=args.timeout)
                if switched.switched:
                    times.append(switched.switch_seconds)
            except grpc.aio.AioRpcError as e:
                failures.append(f"{e.code().name}: {e.details()}")
        info = await inference.GetModelInfo(pb.GetModelInfoRequest())
        p95 = statistics.quantiles(times, n=20)[-1] if len(times) >= 2 else max(times, default=0)
        drift = abs(info.memory_bytes - before) / 2**30
        results.append((f"{args.switches} switches ({info.switch_mode}: {info.switch_mode_note})",
                        f"p95 {p95:.1f} s, max {max(times, default=0):.1f} s, "
                        f"{len(failures)} failed, memory drift {drift:.2f} GB",
                        not failures and p95 < 60 and drift < 1.0))
        for failure in failures:
            print(f"switch failed: {failure}")
        if info.switch_mode == "sleep":
            results.append(("sleep-mode wake p95 < 10 s", f"{p95:.1f} s", p95 < 10))
    return rows, results


def print_table(rows: list[dict]) -> None:
    names = list(postings())
    print("| tier | model | dtype | load s | GPU GB | " + " | ".join(f"{n} s (tokens, reasoning)"
                                                           for n in names) + " |")
    print("|---" * (5 + len(names)) + "|")
    for row in rows:
        cells = [f"{row[n]['seconds']:.1f} ({row[n]['completion']}, {row[n]['reasoning']})"
                 + ("" if row[n]["valid"] else " INVALID") for n in names]
        print(f"| {row['tier']} | {row['model']} | {row['dtype']} | {row['load_s']:.1f} | "
              f"{row['gpu_gb']:.2f} | " + " | ".join(cells) + " |")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--switches", type=int, default=10)
    parser.add_argument("--timeout", type=float, default=600, help="seconds per call")
    parser.add_argument("--budget-gb", type=float, default=15.0)
    args = parser.parse_args(argv)
    gpus = nvidia_gpus()
    if not gpus:
        print("no NVIDIA GPU here (NVML sees none): the GPU checks were not run. Run "
              "`make gpu-check` on the GPU host after `jobextract models prepare --profile "
              "gpu-16gb`.")
        return NO_GPU
    gpu = gpus[0]
    fraction = memory_fraction(args.budget_gb, gpu.total_bytes)
    print(f"{gpu.name}, compute capability {gpu.capability[0]}.{gpu.capability[1]}, "
          f"{gpu.total_bytes / 2**30:.1f} GiB; VLLM_GPU_MEMORY={fraction}")
    env = {**os.environ, "INFERENCE_PROFILE": "gpu-16gb", "INFERENCE_HOST": "127.0.0.1",
           "INFERENCE_PORT": str(free_port()), "INFERENCE_INITIAL_TIER": "thinking",
           "VLLM_GPU_MEMORY": str(fraction)}
    with tempfile.TemporaryDirectory() as tmp:
        inference = start_inference(env, Path(tmp) / "inference.log")
        router = None
        try:
            wait_serving(inference, timeout=900)  # a cold first load (compile, graphs)
            router = start_router(inference.address, Path(tmp) / "router.log")
            rows, results = asyncio.run(checks(inference.address, router.address, args,
                                               int(args.budget_gb * 2**30)))
        except Exception as e:  # noqa: BLE001
            print(f"the checks stopped: {type(e).__name__}: {e}")
            print(inference.log_tail())
            return 1
        finally:
            stop([s for s in (router, inference) if s is not None])
    print_table(rows)
    for name, value, ok in results:
        print(f"{'PASS' if ok else 'FAIL'}  {name}: {value}")
    return 0 if all(ok for *_, ok in results) else 1


if __name__ == "__main__":
    sys.exit(main())
