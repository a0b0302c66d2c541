"""Extraction quality on real labelled postings, through a running router.

    jobextract eval --emscad 100 --skillspan dev --indeed all
    jobextract eval --data DIR ...        any copy of the evaluation data

Writes one record per posting (a rerun resumes), a JSON report and a markdown table.
"""

from __future__ import annotations

import argparse
import asyncio
import json
from datetime import datetime, timezone
from pathlib import Path

from jobextract_tools.eval.datasets import (DEFAULT_DATA, INDEED_LABELS, INDEED_VARIANTS,
                                            emscad, indeed, skillspan)
from jobextract_tools.eval.report import markdown
from jobextract_tools.eval.runner import run


def main(argv: list[str] | None = None, prog: str | None = None) -> int:
    """`prog`: the name usage and errors give (`jobextract eval` from the CLI)."""
    parser = argparse.ArgumentParser(prog=prog, description=__doc__.splitlines()[0])
    parser.add_argument("--address", default="localhost:50051", help="the router")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--emscad", type=int, default=100, help="EMSCAD rows (0: none)")
    parser.add_argument("--skillspan", default="dev", help="split: train, dev, test or none")
    parser.add_argument("--skillspan-limit", type=int, default=None)
    parser.add_argument("--indeed", default="all", choices=["all", "text", "page", "none"],
                        help="Indeed pastes: text alone, page-like, or both")
    parser.add_argument("--indeed-dollar", type=int, default=None,
                        help="Indeed rows with a dollar figure (default: every labelled one)")
    parser.add_argument("--indeed-no-dollar", type=int, default=None,
                        help="Indeed rows without one (default: every labelled one)")
    parser.add_argument("--indeed-labels", type=Path, default=INDEED_LABELS,
                        help="salary labels of the Indeed rows (default: the project's)")
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--timeout", type=float, default=1800)
    parser.add_argument("--out", type=Path, default=Path("eval-results"))
    args = parser.parse_args(argv)
    if not args.data.is_dir():
        print(f"evaluation data not found at {args.data} (use --data DIR)")
        return 2
    sets = {}
    if args.emscad:
        sets["EMSCAD"] = emscad(args.data, args.emscad)
    if args.skillspan != "none":
        sets[f"SkillSpan {args.skillspan}"] = skillspan(args.data, args.skillspan,
                                                        args.skillspan_limit)
    variants = INDEED_VARIANTS if args.indeed == "all" else \
        () if args.indeed == "none" else (args.indeed,)
    for variant in variants:
        sets[f"Indeed {variant}"] = indeed(args.data, variant, args.indeed_dollar,
                                           args.indeed_no_dollar, args.indeed_labels)

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
