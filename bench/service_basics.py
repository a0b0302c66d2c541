"""First measurements of the pair on tiny checkpoints, every figure from one run.

    python -m bench.service_basics [--rounds 3] [--calls 24]

- engine start of the tiny model (GetModelInfo.load_seconds) and process start to SERVING;
- one model switch (tiny-a -> tiny-b and back, LoadModel.switch_seconds);
- 8 concurrent Generate calls against 8 sequential ones, rounds interleaved: output tokens/s
  and their ratio;
- the router's added latency: Router.Extract against Inference.Generate with the same
  prompt, schema and token budget, calls interleaved, medians.
The machine is shared and noisy: compare ratios from the same run, not absolute numbers.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

import grpc

from jobextract.proto import extraction_pb2 as pb
from jobextract.proto import extraction_pb2_grpc as pb_grpc
from router_svc import prompt
from router_svc.schema import schema_text
from tests.services import free_port, inference_env, start_inference, wait_serving
from tests.tiny_model import build_tiny_qwen3

SAMPLE = ("Software Engineer - Full Stack\nCompany: Tech Innovations Inc\n"
          "Location: San Francisco, CA (Remote OK)\nSalary: $120,000 - $180,000\n"
          "Requirements: Python, React, PostgreSQL\n")


def generate_request(max_tokens: int, **kw) -> pb.GenerateRequest:
    return pb.GenerateRequest(
        messages=[pb.ChatMessage(role="user", content="Describe the job in detail.")],
        max_tokens=max_tokens, sampling=pb.SamplingOptions(ignore_eos=True), **kw)


async def tokens_of(stub, request) -> int:
    last = None
    async for last in stub.Generate(request):
        pass
    return last.usage.completion_tokens


async def batch_throughput(stub, n: int, max_tokens: int, concurrent: bool) -> float:
    started = time.perf_counter()
    if concurrent:
        counts = await asyncio.gather(*(tokens_of(stub, generate_request(max_tokens))
                                        for _ in range(n)))
    else:
        counts = [await tokens_of(stub, generate_request(max_tokens)) for _ in range(n)]
    return sum(counts) / (time.perf_counter() - started)


async def router_overhead(inference_stub, router_stub, calls: int) -> tuple[float, float]:
    messages = [pb.ChatMessage(**m) for m in prompt.messages(SAMPLE)]
    direct_request = pb.GenerateRequest(messages=messages, json_schema=schema_text(),
                                        max_tokens=1536, tier=pb.TIER_THINKING)
    direct, routed = [], []
    for _ in range(2):  # warm both paths
        await tokens_of(inference_stub, direct_request)
        await router_stub.Extract(pb.ExtractRequest(content=SAMPLE))
    for _ in range(calls):
        started = time.perf_counter()
        await tokens_of(inference_stub, direct_request)
        direct.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        await router_stub.Extract(pb.ExtractRequest(content=SAMPLE))
        routed.append((time.perf_counter() - started) * 1000)
    return statistics.median(direct), statistics.median(routed)


async def measure(args, inference_address: str, router_address: str) -> dict:
    async with grpc.aio.insecure_channel(inference_address) as ich, \
            grpc.aio.insecure_channel(router_address) as rch:
        inference = pb_grpc.InferenceStub(ich)
        router = pb_grpc.RouterStub(rch)
        info = await inference.GetModelInfo(pb.GetModelInfoRequest())
        results = {"engine_start_s": info.load_seconds}
        await batch_throughput(inference, 2, 16, True)  # warm-up
        sequential, concurrent = [], []
        for _ in range(args.rounds):
            sequential.append(await batch_throughput(inference, 8, args.max_tokens, False))
            concurrent.append(await batch_throughput(inference, 8, args.max_tokens, True))
        results["sequential_tok_s"] = statistics.median(sequential)
        results["concurrent_tok_s"] = statistics.median(concurrent)
        results["concurrency_ratio"] = results["concurrent_tok_s"] / results["sequential_tok_s"]
        direct, routed = await router_overhead(inference, router, args.calls)
        results.update(direct_generate_ms=direct, router_extract_ms=routed,
                       router_added_ms=routed - direct)
        there = await inference.LoadModel(pb.LoadModelRequest(tier=pb.TIER_MAXIMUM))
        back = await inference.LoadModel(pb.LoadModelRequest(tier=pb.TIER_PRIMARY))
        results["switch_s"] = [there.switch_seconds, back.switch_seconds]
        return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--calls", type=int, default=24)
    parser.add_argument("--max-tokens", type=int, default=256)
    args = parser.parse_args()
    import os
    import subprocess
    import sys

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        models = {"a": build_tiny_qwen3(tmp / "tiny-a", seed=0),
                  "b": build_tiny_qwen3(tmp / "tiny-b", seed=1)}
        port = free_port()
        env = inference_env(models, port, INFERENCE_SWITCH_GRACE_SECONDS="0",
                            INFERENCE_MAX_PENDING="64")
        started = time.monotonic()
        service = start_inference(env, tmp / "inference.log")
        router = None
        try:
            wait_serving(service)
            process_to_serving = time.monotonic() - started
            router_port = free_port()
            router = subprocess.Popen(
                [sys.executable, "-m", "router_svc"],
                env={**os.environ, "ROUTER_HOST": "127.0.0.1", "ROUTER_PORT": str(router_port),
                     "ROUTER_INFERENCE_ADDRESS": service.address, "ROUTER_LOG_LEVEL": "WARNING"},
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(3)
            results = asyncio.run(measure(args, service.address, f"127.0.0.1:{router_port}"))
        finally:
            if router:
                router.terminate()
                router.wait()
            service.stop()
    results["process_to_serving_s"] = process_to_serving
    print(f"engine start (tiny model)       {results['engine_start_s']:.1f} s "
          f"(process start to SERVING {results['process_to_serving_s']:.1f} s)")
    print(f"model switch tiny-a -> tiny-b    {results['switch_s'][0]:.1f} s, back "
          f"{results['switch_s'][1]:.1f} s")
    print(f"8 sequential Generate            {results['sequential_tok_s']:.0f} output tokens/s")
    print(f"8 concurrent Generate            {results['concurrent_tok_s']:.0f} output tokens/s")
    print(f"concurrent / sequential          {results['concurrency_ratio']:.2f}x "
          f"(median of {args.rounds} interleaved rounds, {args.max_tokens} tokens per call)")
    print(f"direct Generate, median          {results['direct_generate_ms']:.1f} ms")
    print(f"Router.Extract, median           {results['router_extract_ms']:.1f} ms")
    print(f"router added latency             {results['router_added_ms']:.1f} ms "
          f"({args.calls} calls each, interleaved)")


if __name__ == "__main__":
    main()
