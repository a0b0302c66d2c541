"""n-gram speculative decoding on or off, at concurrency 1, on the embedded 0.5B model.

    python -m bench.speculation [--postings 6] [--tokens 4]

Two stacks side by side (inference + router each), one with INFERENCE_SPECULATIVE_TOKENS,
one without; each real Indeed posting goes to both, one after the other, alternating which
goes first (every posting is new to both engines). Reported: seconds per posting, decoding
tokens per second after the first token, and whether the answers are identical (greedy).
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
from datetime import datetime, timezone
from pathlib import Path

import grpc

from jobextract.proto import extraction_pb2 as pb
from jobextract.proto import extraction_pb2_grpc as pb_grpc
from jobextract_tools.eval.datasets import DEFAULT_DATA, indeed
from jobextract_tools.launch import free_port, start_stack
from jobextract_tools.records import as_dict

RESULTS = Path(__file__).resolve().parent / "results"


async def extract(address: str, text: str) -> dict:
    async with grpc.aio.insecure_channel(address) as channel:
        reply = await pb_grpc.RouterStub(channel).Extract(pb.ExtractRequest(content=text),
                                                          timeout=1800)
    t = reply.timings
    decode_s = (t.generation_ms - (t.first_token_ms - t.decision_ms)) / 1000
    return {"total_s": t.total_ms / 1000, "answer_tokens": reply.usage.completion_tokens,
            "decode_tokens_per_s": reply.usage.completion_tokens / decode_s if decode_s else 0,
            "job": as_dict(reply.job)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postings", type=int, default=6)
    parser.add_argument("--tokens", type=int, default=4, help="speculative tokens per step")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    args = parser.parse_args(argv)
    if not (args.data / "indeed_2020_tech_postings_393.csv").exists():
        print(f"skipped: the Indeed postings are not at {args.data} (../shared/evaldata)")
        return 0
    texts = [p.text for p in indeed(args.data, "text")][:args.postings]
    rows = {"off": [], "on": []}
    with tempfile.TemporaryDirectory() as logs:
        stacks = {}
        try:
            for name, tokens in (("off", 0), ("on", args.tokens)):
                env = {**os.environ, "ROUTER_LOG_LEVEL": "WARNING",
                       "INFERENCE_SPECULATIVE_TOKENS": str(tokens)}
                stacks[name] = start_stack(Path(logs) / name, free_port(), free_port(), env=env)
            for i, text in enumerate(texts):
                order = ["off", "on"] if i % 2 == 0 else ["on", "off"]
                for name in order:
                    rows[name].append(asyncio.run(extract(stacks[name].router.address, text)))
                print(f"posting {i + 1}: off {rows['off'][-1]['total_s']:.1f} s, "
                      f"on {rows['on'][-1]['total_s']:.1f} s", file=sys.stderr, flush=True)
        finally:
            for stack in stacks.values():
                stack.stop()
    out = {"date": datetime.now(timezone.utc).strftime("%Y-%m-%d"), "host": platform.node(),
           "speculative_tokens": args.tokens, "postings": len(texts)}
    for name, measured in rows.items():
        out[name] = {"seconds_per_posting": statistics.mean(r["total_s"] for r in measured),
                     "decode_tokens_per_s": statistics.mean(r["decode_tokens_per_s"]
                                                            for r in measured),
                     "answer_tokens": statistics.mean(r["answer_tokens"] for r in measured)}
    out["on_over_off_speed"] = out["off"]["seconds_per_posting"] / out["on"]["seconds_per_posting"]
    out["identical_answers"] = sum(a["job"] == b["job"] for a, b in zip(rows["off"], rows["on"]))
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{out['date']}-{out['host']}-speculation.json"
    path.write_text(json.dumps(out, indent=2))
    print(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
