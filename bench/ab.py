"""Two engine settings side by side on the embedded 0.5B model and real postings.

    python -m bench.ab --b INFERENCE_SPECULATIVE_TOKENS=4                  # speculation, c1
    python -m bench.ab --a INFERENCE_MAX_NUM_SEQS=4 --b INFERENCE_MAX_NUM_SEQS=8 \\
        --concurrency 8 --postings 16

Two stacks (inference + router each) run at once, A with the `--a` environment, B with
`--b`; batches of `--concurrency` real Indeed postings go to one, then the next batch to the
other, alternating which goes first, every posting new to both engines. Reported per side:
postings per minute, seconds per posting, decoding tokens per second after the first token,
answer tokens; and, when both sides saw the same postings (`--same`), identical answers.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

import grpc

from jobextract.v1 import extraction_pb2 as pb
from jobextract.v1 import extraction_pb2_grpc as pb_grpc
from bench.postings import bench_texts
from jobextract_tools.eval.datasets import DEFAULT_DATA
from jobextract_tools.launch import free_port, start_stack
from jobextract_tools.records import as_dict

RESULTS = Path(__file__).resolve().parent / "results"


async def batch(address: str, texts: list[str]) -> tuple[float, list[dict]]:
    async with grpc.aio.insecure_channel(address) as channel:
        stub = pb_grpc.RouterServiceStub(channel)

        async def one(text: str) -> dict:
            reply = await stub.Extract(pb.ExtractRequest(content=text), timeout=3600)
            t = reply.timings
            decode_s = (t.generation_ms - (t.first_token_ms - t.decision_ms)) / 1000
            return {"total_s": t.total_ms / 1000,
                    "answer_tokens": reply.usage.completion_tokens,
                    "decode_tokens_per_s": (reply.usage.completion_tokens / decode_s
                                            if decode_s else 0.0),
                    "job": as_dict(reply.job)}

        started = time.monotonic()
        rows = await asyncio.gather(*(one(text) for text in texts))
        return time.monotonic() - started, rows


def environment(pairs: list[str]) -> dict[str, str]:
    return dict(pair.split("=", 1) for pair in pairs)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--a", nargs="*", default=[], help="A's environment, NAME=VALUE ...")
    parser.add_argument("--b", nargs="*", default=[], help="B's environment, NAME=VALUE ...")
    parser.add_argument("--concurrency", type=int, default=1)
    parser.add_argument("--postings", type=int, default=6, help="per side")
    parser.add_argument("--same", action="store_true",
                        help="send each batch to both sides and compare the answers (each "
                             "side has its own engine, so neither has the other's cache)")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA,
                        help="folder of the evaluation sets; without them, the postings "
                             "written in bench/postings.py")
    args = parser.parse_args(argv)
    texts = bench_texts(args.data, "indeed", args.postings * (1 if args.same else 2))
    # Each side its own postings (alternate rows), or the same ones with --same.
    postings = ({"A": texts, "B": texts} if args.same
                else {"A": texts[0::2], "B": texts[1::2]})
    sides = {"A": environment(args.a), "B": environment(args.b)}
    rows: dict[str, list[dict]] = {"A": [], "B": []}
    walls: dict[str, float] = {"A": 0.0, "B": 0.0}
    with tempfile.TemporaryDirectory() as logs:
        stacks = {}
        try:
            for name, env in sides.items():
                stacks[name] = start_stack(Path(logs) / name, free_port(), free_port(),
                                           env={**os.environ, "ROUTER_LOG_LEVEL": "WARNING", **env})
            step = args.concurrency
            for n, start in enumerate(range(0, args.postings, step)):
                order = ["A", "B"] if n % 2 == 0 else ["B", "A"]
                for name in order:
                    chunk = postings[name][start:start + step]
                    wall, measured = asyncio.run(batch(stacks[name].router.address, chunk))
                    walls[name] += wall
                    rows[name] += measured
                    print(f"batch {n + 1} {name}: {60 * len(chunk) / wall:.2f} postings/min",
                          file=sys.stderr, flush=True)
        finally:
            for stack in stacks.values():
                stack.stop()
    out = {"date": datetime.now(timezone.utc).strftime("%Y-%m-%d"), "host": platform.node(),
           "concurrency": args.concurrency, "A": sides["A"], "B": sides["B"]}
    for name, measured in rows.items():
        out[f"{name}_result"] = {
            "postings": len(measured), "postings_per_minute": 60 * len(measured) / walls[name],
            "seconds_per_posting": statistics.mean(r["total_s"] for r in measured),
            "decode_tokens_per_s": statistics.mean(r["decode_tokens_per_s"] for r in measured),
            "answer_tokens": statistics.mean(r["answer_tokens"] for r in measured)}
    out["B_over_A_postings_per_minute"] = (out["B_result"]["postings_per_minute"]
                                           / out["A_result"]["postings_per_minute"])
    if args.same:
        out["identical_answers"] = sum(a["job"] == b["job"] for a, b in zip(rows["A"], rows["B"]))
    RESULTS.mkdir(exist_ok=True)
    label = "-".join(f"{k}={v}" for k, v in sides["B"].items()).lower() or "ab"
    path = RESULTS / f"{out['date']}-{out['host']}-ab-{label}-c{args.concurrency}.json"
    path.write_text(json.dumps(out, indent=2))
    print(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
