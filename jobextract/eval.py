"""Extraction quality on real labelled postings (../shared/evaldata), through a running router.

    python -m jobextract.eval --address localhost:50051 --emscad 100 --skillspan dev

EMSCAD rows become posting text (title, location, salary, company profile, description,
requirements, benefits under plain headers); their labels score title, location and
salary. SkillSpan postings score skills (SKILL and KNOWLEDGE spans, soft-matched). Writes
a JSON report and a markdown table; every figure is counted from the replies.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import re
import statistics
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import grpc

from jobextract.proto import extraction_pb2 as pb
from jobextract.proto import extraction_pb2_grpc as pb_grpc

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "evaldata"
SECTIONS = (("title", "Job title"), ("location", "Location"), ("salary_range", "Salary"),
            ("company_profile", "About the company"), ("description", "Description"),
            ("requirements", "Requirements"), ("benefits", "Benefits"))


@dataclass
class Posting:
    id: str
    text: str
    labels: dict
    source: str


def norm(text: str | None) -> str:
    return " ".join(re.sub(r"[^\w]+", " ", (text or "").casefold()).split())


def emscad(data: Path, limit: int) -> list[Posting]:
    out = []
    with open(data / "emscad_fake_job_postings_first500.csv", newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if len(out) >= limit:
                break
            text = "\n\n".join(f"{header}:\n{row[key]}" for key, header in SECTIONS if row[key])
            out.append(Posting(f"emscad-{row['job_id']}", text,
                               {"title": row["title"], "location": row["location"],
                                "salary": salary_label(row["salary_range"])}, "emscad"))
    return out


def salary_label(text: str) -> tuple[float, float] | None:
    match = re.fullmatch(r"\s*(\d+)\s*-\s*(\d+)\s*", text or "")
    return (float(match[1]), float(match[2])) if match else None  # "09-Dec" is an artefact


def skillspan(data: Path, split: str, limit: int | None = None) -> list[Posting]:
    out = []
    with open(data / "skillspan_postings.jsonl", encoding="utf-8") as f:
        for line in f:
            row = json.loads(line)
            if row["split"] != split:
                continue
            out.append(Posting(f"skillspan-{split}-{row['source']}-{row['idx']}", row["text"],
                               {"skills": row["skills"] + row["knowledge"]}, "skillspan"))
    return out[:limit] if limit is not None else out


def close(a: float, b: float) -> bool:
    return abs(a - b) <= 0.01 * max(abs(b), 1.0)


def soft_match(a: str, b: str) -> bool:
    a, b = norm(a), norm(b)
    return bool(a and b) and (a in b or b in a)


@dataclass
class Tally:
    counts: dict = field(default_factory=dict)

    def add(self, name: str, hit: bool) -> None:
        hits, total = self.counts.get(name, (0, 0))
        self.counts[name] = (hits + bool(hit), total + 1)

    def rates(self) -> dict:
        return {name: {"rate": hits / total, "hits": hits, "total": total}
                for name, (hits, total) in self.counts.items()}


def score(posting: Posting, job: pb.JobPosting, tally: Tally, skills: dict) -> None:
    labels = posting.labels
    if posting.source == "emscad":
        tally.add("title_exact", norm(job.title) == norm(labels["title"]))
        tally.add("title_relaxed", soft_match(job.title, labels["title"]))
        if labels["location"].strip(", "):
            tally.add("location_relaxed", job.HasField("location")
                      and soft_match(job.location, labels["location"]))
        if labels["salary"]:
            low, high = labels["salary"]
            tally.add("salary_min", job.HasField("salary_min") and close(job.salary_min, low))
            tally.add("salary_max", job.HasField("salary_max") and close(job.salary_max, high))
        else:
            tally.add("salary_absent_kept_null", not job.HasField("salary_min")
                      and not job.HasField("salary_max"))
    else:
        gold = labels["skills"]
        predicted = list(job.skills)
        skills["predicted"] += len(predicted)
        skills["gold"] += len(gold)
        skills["matched_predicted"] += sum(any(soft_match(p, g) for g in gold) for p in predicted)
        skills["matched_gold"] += sum(any(soft_match(p, g) for p in predicted) for g in gold)


async def run(address: str, postings: list[Posting], concurrency: int,
              timeout: float, progress=None) -> dict:
    tally, skills = Tally(), {"predicted": 0, "gold": 0, "matched_predicted": 0,
                              "matched_gold": 0}
    latencies, errors, local, routed = [], {}, 0, {}
    semaphore = asyncio.Semaphore(concurrency)
    started = time.monotonic()
    async with grpc.aio.insecure_channel(address) as channel:
        stub = pb_grpc.RouterStub(channel)

        async def one(posting: Posting) -> None:
            nonlocal local
            decision = await stub.Analyze(pb.AnalyzeRequest(content=posting.text))
            local += decision.use_local
            async with semaphore:
                t = time.monotonic()
                try:
                    reply = await stub.Extract(pb.ExtractRequest(content=posting.text,
                                                                 request_id=posting.id),
                                               timeout=timeout)
                except grpc.aio.AioRpcError as e:
                    errors[posting.id] = f"{e.code().name}: {e.details()}"
                    reply = None
                latencies.append(time.monotonic() - t)
            if reply is not None:
                routed[pb.Route.Name(reply.route)] = routed.get(pb.Route.Name(reply.route), 0) + 1
                score(posting, reply.job, tally, skills)
            if progress:
                progress(len(latencies), len(postings))

        await asyncio.gather(*(one(p) for p in postings))
    wall = time.monotonic() - started
    n = len(postings)
    report = {
        "postings": n, "schema_valid_rate": (n - len(errors)) / n if n else 0.0,
        "local_rate_by_threshold": local / n if n else 0.0, "routes": routed,
        "fields": tally.rates(), "errors": errors, "wall_seconds": wall,
        "postings_per_minute": 60 * n / wall if wall else 0.0,
        "latency_seconds": {"p50": statistics.median(latencies) if latencies else 0.0,
                            "max": max(latencies, default=0.0)},
    }
    if skills["gold"]:
        precision = skills["matched_predicted"] / skills["predicted"] if skills["predicted"] else 0.0
        recall = skills["matched_gold"] / skills["gold"]
        report["skills_soft"] = {"precision": precision, "recall": recall,
                                 "f1": 2 * precision * recall / (precision + recall)
                                 if precision + recall else 0.0, **skills}
    return report


def markdown(reports: dict) -> str:
    lines = ["| set | postings | schema-valid | local by threshold | p50 s/posting | field | score |",
             "|---|---|---|---|---|---|---|"]
    for name, r in reports.items():
        head = (f"| {name} | {r['postings']} | {r['schema_valid_rate']:.0%} | "
                f"{r['local_rate_by_threshold']:.0%} | {r['latency_seconds']['p50']:.1f} |")
        rows = [(k, f"{v['rate']:.0%} ({v['hits']}/{v['total']})") for k, v in r["fields"].items()]
        if "skills_soft" in r:
            s = r["skills_soft"]
            rows.append(("skills (soft) P/R/F1", f"{s['precision']:.0%} / {s['recall']:.0%} / {s['f1']:.0%}"))
        for i, (field_name, value) in enumerate(rows or [("-", "-")]):
            lines.append((head if i == 0 else "| | | | | |") + f" {field_name} | {value} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--address", default="localhost:50051", help="the router")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--emscad", type=int, default=100, help="EMSCAD rows (0: none)")
    parser.add_argument("--skillspan", default="dev", help="split: train, dev, test or none")
    parser.add_argument("--skillspan-limit", type=int, default=None)
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=900)
    parser.add_argument("--out", type=Path, default=Path("eval-results"))
    args = parser.parse_args(argv)
    if not args.data.is_dir():
        print(f"evaluation data not found at {args.data} (use --data)")
        return 2
    sets = {}
    if args.emscad:
        sets["EMSCAD"] = emscad(args.data, args.emscad)
    if args.skillspan != "none":
        sets[f"SkillSpan {args.skillspan}"] = skillspan(args.data, args.skillspan,
                                                        args.skillspan_limit)

    def progress(done: int, total: int) -> None:
        print(f"\r  {done}/{total}", end="" if done < total else "\n", flush=True)

    reports = {}
    for name, postings in sets.items():
        print(f"{name}: {len(postings)} postings")
        reports[name] = asyncio.run(run(args.address, postings, args.concurrency, args.timeout,
                                        progress))
    args.out.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S")
    (args.out / f"eval-{stamp}.json").write_text(json.dumps(reports, indent=2))
    table = markdown(reports)
    (args.out / f"eval-{stamp}.md").write_text(table)
    print(table)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
