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
from google.protobuf.json_format import MessageToDict, ParseDict

from jobextract.proto import extraction_pb2 as pb
from jobextract.proto import extraction_pb2_grpc as pb_grpc
from router_svc.grounding import close, found_in, norm, stated_numbers
from router_svc.salary import find_salaries

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
    # Label-free checks, on every set: what came back is in the text (nothing invented).
    text = norm(posting.text)
    for name in ("title", "company", "location"):
        if job.HasField(name):
            tally.add("strings_in_text", found_in(getattr(job, name), text))
    if job.HasField("salary_min") or job.HasField("salary_max"):
        # stated as written ("55.50", "120k") or as a range the reader reads ("60-80K")
        numbers = stated_numbers(posting.text) | {v for m in find_salaries(posting.text)
                                                  for v in (m.low, m.high)}
        tally.add("salary_figures_in_text", all(
            any(close(v, n) for n in numbers)
            for v in (job.salary_min, job.salary_max) if v))
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


def load_records(path: Path | None) -> dict[str, dict]:
    """Per-posting records of an earlier, possibly interrupted, run (a cut line is dropped)."""
    records = {}
    if path and path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                record = json.loads(line)
                records[record["id"]] = record
            except (ValueError, KeyError, TypeError):
                continue
    return records


async def run(address: str, postings: list[Posting], concurrency: int,
              timeout: float, progress=None, records_path: Path | None = None) -> dict:
    """Extract every posting not yet in `records_path`, appending one record each, then
    score all records: an interrupted evaluation resumes where it stopped."""
    records = load_records(records_path)
    todo = [p for p in postings if p.id not in records]
    semaphore = asyncio.Semaphore(concurrency)
    sink = open(records_path, "a", encoding="utf-8") if records_path else None
    started = time.monotonic()
    try:
        async with grpc.aio.insecure_channel(address) as channel:
            stub = pb_grpc.RouterStub(channel)

            async def one(posting: Posting) -> None:
                decision = await stub.Analyze(pb.AnalyzeRequest(content=posting.text))
                record = {"id": posting.id, "use_local": decision.use_local}
                async with semaphore:
                    t = time.monotonic()
                    try:
                        reply = await stub.Extract(pb.ExtractRequest(
                            content=posting.text, request_id=posting.id), timeout=timeout)
                        record.update(ok=True, route=pb.Route.Name(reply.route),
                                      job=MessageToDict(reply.job,
                                                        preserving_proto_field_name=True))
                    except grpc.aio.AioRpcError as e:
                        record.update(ok=False, error=f"{e.code().name}: {e.details()}")
                    record["seconds"] = time.monotonic() - t
                records[posting.id] = record
                if sink:
                    sink.write(json.dumps(record) + "\n")
                    sink.flush()
                if progress:
                    progress(len(records), len(postings))

            await asyncio.gather(*(one(p) for p in todo))
    finally:
        if sink:
            sink.close()
    return report([records[p.id] for p in postings if p.id in records],
                  {p.id: p for p in postings}, time.monotonic() - started, len(todo))


def report(records: list[dict], postings: dict[str, Posting], wall: float,
           new: int) -> dict:
    tally, skills = Tally(), {"predicted": 0, "gold": 0, "matched_predicted": 0,
                              "matched_gold": 0}
    routes: dict[str, int] = {}
    for record in records:
        if record["ok"]:
            routes[record["route"]] = routes.get(record["route"], 0) + 1
            score(postings[record["id"]], ParseDict(record["job"], pb.JobPosting()), tally,
                  skills)
    n = len(records)
    latencies = [r["seconds"] for r in records]
    result = {
        "postings": n, "schema_valid_rate": sum(r["ok"] for r in records) / n if n else 0.0,
        "local_rate_by_threshold": sum(r["use_local"] for r in records) / n if n else 0.0,
        "routes": routes, "fields": tally.rates(),
        "errors": {r["id"]: r["error"] for r in records if not r["ok"]},
        "latency_seconds": {"p50": statistics.median(latencies) if latencies else 0.0,
                            "max": max(latencies, default=0.0)},
        "this_run": {"postings": new, "wall_seconds": wall,
                     "postings_per_minute": 60 * new / wall if wall and new else 0.0},
    }
    if skills["gold"]:
        precision = skills["matched_predicted"] / skills["predicted"] if skills["predicted"] else 0.0
        recall = skills["matched_gold"] / skills["gold"]
        result["skills_soft"] = {"precision": precision, "recall": recall,
                                 "f1": 2 * precision * recall / (precision + recall)
                                 if precision + recall else 0.0, **skills}
    return result


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

    args.out.mkdir(parents=True, exist_ok=True)
    reports = {}
    for name, postings in sets.items():
        records = args.out / f"records-{name.lower().replace(' ', '-')}.jsonl"
        print(f"{name}: {len(postings)} postings (records in {records}; a rerun resumes)")
        reports[name] = asyncio.run(run(args.address, postings, args.concurrency, args.timeout,
                                        progress, records))
    stamp = datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S")
    (args.out / f"eval-{stamp}.json").write_text(json.dumps(reports, indent=2))
    table = markdown(reports)
    (args.out / f"eval-{stamp}.md").write_text(table)
    print(table)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
