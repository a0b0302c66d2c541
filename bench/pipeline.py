"""What the gRPC pair costs and gains: the same work through four paths, side by side.

    python -m bench.pipeline            # `make bench`: the quick version, under 10 minutes
    python -m bench.pipeline --rounds 3 --realistic 8

Every path gets the same work: EMSCAD postings from --data (by default ../shared/evaldata;
without it the postings written in bench/postings.py), the router's prompt
and JSON schema, greedy decoding, the same model and engine settings:
  (a) engine    AsyncLLM in this process, the limit, with the router's request (16 tokens
                per streamed output, ROUTER_STREAM_INTERVAL);
  (b) generate  InferenceService.Generate over gRPC, the same request;
      generate-1   the same with every token its own message (stream_interval 0);
  (c) extract   RouterService.Extract, the whole pipeline (count, route, generate, validate, ground);
  (d) vllm      vLLM's own OpenAI-compatible server, openai client, response_format json_schema,
                streamed, its defaults (every token).
Each call's posting starts with a line of its own, so no engine serves a posting from its
prefix cache (the shared system prompt and worked example are cached, as in production).
Paths are interleaved within each round and the order rotates between rounds; throughput is
the median over rounds, latencies are pooled. The overhead rows use a tiny checkpoint (the
model's quality does not matter there); one realistic row runs the embedded 0.5B model
through (b) and (c). Also measured: tiktoken count plus routing decision at 1K/8K/32K
tokens, answer validation, gRPC's own cost for a call that waits (bench/grpc_floor.py: the
floor under the router's own time), a tiny-to-tiny switch, the embedded model's cold start,
and the peak memory of each service. These machines are shared and noisy: read the ratios.
Results: bench/results/<date>-<host>.json and .md (--out names another place).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

import grpc

from bench.grpc_floor import grpc_wait_floor
from bench.load import batch_size, compare, paired_added_latency
from bench.micro import micro, tree_peak_mb
from bench.paths import (CONTEXT, ENGINE_ENV, MAX_NUM_SEQS, MAX_TOKENS, EnginePath,
                         ExtractPath, GeneratePath, VllmPath)
from bench.report import markdown, targets
from inference_svc.registry import EMBEDDED_MODELS
from jobextract.v1 import extraction_pb2 as pb
from jobextract.v1 import extraction_pb2_grpc as pb_grpc
from jobextract_tools import launch
from bench.postings import bench_texts
from jobextract_tools.eval.datasets import DEFAULT_DATA
from jobextract_tools.launch import (ROOT, free_port, start_inference, start_openai_server,
                                     tiny_inference_env, wait_serving)
from jobextract_tools.tiny_model import build_tiny_qwen3

RESULTS = Path(__file__).resolve().parent / "results"
EMBEDDED = ROOT / "models" / EMBEDDED_MODELS["0.5b"]


def start_router(inference_address: str, log: Path) -> launch.ServiceProcess:
    """A router on loopback in front of `inference_address`, serving (no cloud)."""
    env = {**os.environ, "ROUTER_HOST": "127.0.0.1", "ROUTER_PORT": str(free_port()),
           "ROUTER_INFERENCE_ADDRESS": inference_address, "ROUTER_LOG_LEVEL": "WARNING",
           "ROUTER_LOCAL_MAX_TOKENS": str(MAX_TOKENS), "OPENAI_API_KEY": ""}
    router = launch.start_router(env, log)
    wait_serving(router, launch.ROUTER, 60)
    return router


async def tiny_rows(args, tmp: Path, texts: list[str], results: dict) -> None:
    models = {"a": build_tiny_qwen3(tmp / "tiny-a", seed=0, max_position_embeddings=CONTEXT),
              "b": build_tiny_qwen3(tmp / "tiny-b", seed=1, max_position_embeddings=CONTEXT)}
    env = tiny_inference_env(models, free_port(), **ENGINE_ENV)
    saved_environment = dict(os.environ)  # (a) configures this process like the service
    os.environ["VLLM_CPU_KVCACHE_SPACE"] = ENGINE_ENV["VLLM_CPU_KVCACHE_SPACE"]  # for (d)
    inference = start_inference(env, tmp / "inference.log")
    router = vllm = engine = None
    try:
        wait_serving(inference)
        router = start_router(inference.address, tmp / "router.log")
        vllm = start_openai_server(
            models["a"], "tiny-a", "bench-key", tmp / "vllm.log", max_model_len=CONTEXT,
            extra_args=["--max-num-seqs", str(MAX_NUM_SEQS), "--structured-outputs-config",
                        json.dumps({"backend": "xgrammar", "disable_any_whitespace": True})])
        engine = EnginePath(env)
        await engine.start()
        async with grpc.aio.insecure_channel(inference.address) as ich, \
                grpc.aio.insecure_channel(router.address) as rch:
            paths = {"engine": engine, "generate": GeneratePath(ich),
                     "generate-1": GeneratePath(ich, stream_interval=0),
                     "extract": ExtractPath(rch),
                     "vllm": VllmPath(vllm.address, "bench-key", "tiny-a")}
            print("tiny model, four paths:", flush=True)
            results["tiny"] = await compare(paths, texts, args.concurrency, args.rounds)
            results["router_added"] = await paired_added_latency(
                paths["generate"], paths["extract"], texts, args.pairs)
            results["router_added"].update(await grpc_wait_floor())
            results["peak_memory_mb"] = {
                "inference service": tree_peak_mb(inference.process.pid),
                "router": tree_peak_mb(router.process.pid),
                "vllm server": tree_peak_mb(vllm.process.pid),
                "bench process with engine (a)": tree_peak_mb(
                    os.getpid(), exclude=(inference.process.pid, router.process.pid, vllm.process.pid))}
            stub = pb_grpc.InferenceServiceStub(ich)
            switches = []
            for _ in range(args.switches):
                for tier in (pb.TIER_MAXIMUM, pb.TIER_PRIMARY):
                    switches.append((await stub.LoadModel(
                        pb.LoadModelRequest(tier=tier))).switch_seconds)
            results["switch_seconds"] = switches
    finally:
        os.environ.clear()
        os.environ.update(saved_environment)
        if engine:
            engine.shutdown()
        launch.stop([s for s in (router, vllm, inference) if s is not None])


async def realistic_row(args, tmp: Path, texts: list[str], results: dict) -> None:
    if not (EMBEDDED / "config.json").is_file():
        print(f"embedded model not prepared at {EMBEDDED}: run `jobextract models prepare`")
        return
    env = {**os.environ, **ENGINE_ENV, "INFERENCE_PROFILE": "cpu",
           "INFERENCE_HOST": "127.0.0.1", "INFERENCE_PORT": str(free_port()),
           "INFERENCE_INITIAL_TIER": "primary"}
    started = time.monotonic()
    inference = start_inference(env, tmp / "inference-embedded.log")
    router = None
    try:
        wait_serving(inference, timeout=600)
        cold = time.monotonic() - started
        router = start_router(inference.address, tmp / "router-embedded.log")
        async with grpc.aio.insecure_channel(inference.address) as ich, \
                grpc.aio.insecure_channel(router.address) as rch:
            info = (await pb_grpc.InferenceServiceStub(ich).GetModelInfo(pb.GetModelInfoRequest())).info
            results["embedded_cold_start_s"] = {"process_to_serving": cold,
                                                "engine_load": info.load_seconds}
            print(f"embedded model {info.name}, (b) and (c):", flush=True)
            paths = {"generate": GeneratePath(ich), "extract": ExtractPath(rch)}
            results["embedded"] = await compare(paths, texts[:args.realistic],
                                                [args.realistic], 1)
            results["peak_memory_mb"]["inference service (embedded 0.5B)"] = tree_peak_mb(
                inference.process.pid)
    finally:
        launch.stop([s for s in (router, inference) if s is not None])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=1,
                        help="interleaved rounds (1 keeps `make bench` under 10 minutes)")
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 4, 16])
    parser.add_argument("--realistic", type=int, default=4,
                        help="postings (and concurrency) for the embedded-model row; 0: skip")
    parser.add_argument("--switches", type=int, default=1, help="switch round trips")
    parser.add_argument("--pairs", type=int, default=16,
                        help="Generate/Extract pairs for the router's added latency")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA,
                        help="folder of the evaluation sets; without them, the postings "
                             "written in bench/postings.py")
    parser.add_argument("--out", type=Path, default=None,
                        help="where to write the results, without a suffix (.json and .md "
                             "are added); by default bench/results/<date>-<host>, which a "
                             "second run the same day overwrites")
    args = parser.parse_args(argv)
    # Postings that fit the tiny model's byte-level context with the prompt around them.
    texts = bench_texts(args.data, "emscad", batch_size(max(args.concurrency)), max_chars=6000)
    results = {"date": datetime.now(timezone.utc).strftime("%Y-%m-%d"),
               "host": platform.node(), "cpus": len(os.sched_getaffinity(0)),
               "postings": len(texts), "rounds": args.rounds, "max_tokens": MAX_TOKENS,
               "micro": micro(texts)}
    with tempfile.TemporaryDirectory() as tmp:
        asyncio.run(tiny_rows(args, Path(tmp), texts, results))
        if args.realistic:
            asyncio.run(realistic_row(args, Path(tmp), texts, results))
    results["targets"] = targets(results, args.concurrency)
    stem = args.out or RESULTS / f"{results['date']}-{results['host']}"
    stem.parent.mkdir(parents=True, exist_ok=True)
    Path(f"{stem}.json").write_text(json.dumps(results, indent=2))
    table = markdown(results, args.concurrency)
    Path(f"{stem}.md").write_text(table)
    print(table)
    print(f"written: {stem}.json, {stem}.md")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
