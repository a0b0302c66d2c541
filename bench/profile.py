"""Where one real extraction's time goes, on the embedded 0.5B model, and what a field mask
saves: the realistic row of `make bench`.

    python -m bench.profile [--postings 8] [--concurrency 4] [--c1 3]

Both services run as `jobextract serve` runs them (cpu profile, embedded model). Real
Indeed postings (--data, by default ../shared/evaldata; without it the postings written in
bench/postings.py) go through
RouterService.Extract in interleaved rounds, each posting once (no posting is cached from an
earlier call): the full JobPosting, and the core fields only (title, company, location,
salary) through `ExtractRequest.fields`. Per call: prompt tokens by part (the fixed system
prompt and examples vs the posting), prefix-cache hits, time to the first token (prefill
plus queueing) vs the rest (decoding), answer tokens in all and by field, generations.
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
from jobextract_tools.launch import ROOT, start_stack
from jobextract_tools.records import as_dict
from router_svc import prompt

RESULTS = Path(__file__).resolve().parent / "results"
CORE = ["title", "company", "location", "salary"]
VARIANTS = {"full": [], "core fields": CORE}


def fixed_prompt_tokens(tokenizer) -> int:
    """The chat-templated prompt without a posting: the part every call shares."""
    text = tokenizer.apply_chat_template(prompt.messages(""), tokenize=False,
                                         add_generation_prompt=True)
    return len(tokenizer.encode(text, add_special_tokens=False))


def field_tokens(tokenizer, job: dict) -> dict[str, int]:
    return {name: len(tokenizer.encode(json.dumps({name: value}, separators=(",", ":")))) - 2
            for name, value in job.items()}


async def run(address: str, texts: list[str], fields: list[str], concurrency: int,
              tokenizer) -> dict:
    semaphore = asyncio.Semaphore(concurrency)
    rows = []
    async with grpc.aio.insecure_channel(address) as channel:
        stub = pb_grpc.RouterServiceStub(channel)

        async def one(text: str) -> None:
            async with semaphore:
                reply = await stub.Extract(pb.ExtractRequest(content=text, fields=fields),
                                           timeout=1800)
            t = reply.timings
            rows.append({
                "prompt_tokens": reply.usage.prompt_tokens,
                "cached_tokens": reply.usage.cached_prompt_tokens,
                "answer_tokens": reply.usage.completion_tokens,
                "generations": reply.attempts,
                "first_token_s": (t.first_token_ms - t.decision_ms) / 1000,
                "after_first_token_s": (t.generation_ms - (t.first_token_ms - t.decision_ms)) / 1000,
                "total_s": t.total_ms / 1000,
                "by_field": field_tokens(tokenizer, as_dict(reply.job))})

        started = time.monotonic()
        await asyncio.gather(*(one(text) for text in texts))
        wall = time.monotonic() - started
    return {"wall_s": wall, "postings": len(texts), "rows": rows}


def summary(runs: list[dict], fixed: int) -> dict:
    rows = [row for r in runs for row in r["rows"]]
    wall = sum(r["wall_s"] for r in runs)
    mean = lambda key: statistics.mean(row[key] for row in rows)  # noqa: E731
    fields: dict[str, list[int]] = {}
    for row in rows:
        for name, count in row["by_field"].items():
            fields.setdefault(name, []).append(count)
    return {
        "postings": len(rows), "postings_per_minute": 60 * len(rows) / wall,
        "prompt_tokens": mean("prompt_tokens"), "fixed_prompt_tokens": fixed,
        "posting_tokens": mean("prompt_tokens") - fixed, "cached_tokens": mean("cached_tokens"),
        "answer_tokens": mean("answer_tokens"), "generations": mean("generations"),
        "first_token_s": mean("first_token_s"), "after_first_token_s": mean("after_first_token_s"),
        "total_s_p50": statistics.median(row["total_s"] for row in rows),
        "answer_tokens_by_field": {name: statistics.mean(v) for name, v in
                                   sorted(fields.items(), key=lambda kv: -sum(kv[1]))}}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postings", type=int, default=8, help="per variant at --concurrency")
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--c1", type=int, default=3, help="postings per variant at concurrency 1")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA,
                        help="folder of the evaluation sets; without them, the postings "
                             "written in bench/postings.py")
    args = parser.parse_args(argv)
    from transformers import AutoTokenizer

    from inference_svc.registry import EMBEDDED_MODELS

    tokenizer = AutoTokenizer.from_pretrained(ROOT / "models" / EMBEDDED_MODELS["0.5b"])
    fixed = fixed_prompt_tokens(tokenizer)
    texts = bench_texts(args.data, "indeed", len(VARIANTS) * (args.postings + args.c1))
    per_round = args.postings // args.rounds
    runs: dict[str, dict[int, list[dict]]] = {v: {args.concurrency: [], 1: []} for v in VARIANTS}
    with tempfile.TemporaryDirectory() as logs:
        stack = start_stack(Path(logs), env={**os.environ, "ROUTER_LOG_LEVEL": "WARNING"})
        try:
            address = stack.router.address
            asyncio.run(run(address, ["Warm-up: Cook, Lisbon."], [], 1, tokenizer))
            position = 0
            for round_number in range(args.rounds):
                order = list(VARIANTS.items())
                if round_number % 2:
                    order.reverse()
                for name, fields in order:
                    chunk = texts[position:position + per_round]
                    position += per_round
                    result = asyncio.run(run(address, chunk, fields, args.concurrency, tokenizer))
                    runs[name][args.concurrency].append(result)
                    print(f"round {round_number + 1} {name} c{args.concurrency}: "
                          f"{60 * result['postings'] / result['wall_s']:.2f} postings/min",
                          file=sys.stderr, flush=True)
            for name, fields in VARIANTS.items():
                chunk = texts[position:position + args.c1]
                position += args.c1
                runs[name][1].append(asyncio.run(run(address, chunk, fields, 1, tokenizer)))
        finally:
            stack.stop()
    out = {"date": datetime.now(timezone.utc).strftime("%Y-%m-%d"), "host": platform.node(),
           "cpus": len(os.sched_getaffinity(0)), "model": EMBEDDED_MODELS["0.5b"],
           "variants": {name: {f"c{c}": summary(r, fixed) for c, r in by_c.items() if r}
                        for name, by_c in runs.items()}}
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{out['date']}-{out['host']}-profile.json"
    path.write_text(json.dumps(out, indent=2))
    print(json.dumps(out["variants"], indent=2))
    print(f"written: {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
