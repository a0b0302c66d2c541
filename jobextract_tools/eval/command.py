"""Extraction quality on real labelled postings, through a running router.

    jobextract eval --emscad 100 --skillspan dev --indeed all --glassdoor 100
    jobextract eval --part all ...            held-out and tuning figures side by side
    jobextract eval --record answers.jsonl    every set's records, raw answers included
    jobextract eval --answers answers.jsonl   today's answer check replayed: no model
    jobextract eval --data DIR ...            any copy of the evaluation data
    jobextract eval --postings mine.jsonl     your own labelled postings (see below)

Writes one record per posting (a rerun resumes), a JSON report and a markdown table.

--postings FILE scores postings of your own: JSON Lines, one posting a line, {"id", "text"}
and the labels you have of "title", "company", "location", "salary_min", "salary_max",
"salary_currency", "salary_period" (hour, day, week, month or year); salary_min null labels
a posting that states no pay. The fixed split applies to it too: --part all scores every
line. Its records keep each posting, so they replay (--answers) without the file; records
kept without it (as jobextract_tools/eval/probe/answers.jsonl is) replay with --postings
FILE beside --answers, scored against the file's labels.
"""

from __future__ import annotations

import argparse
import asyncio
import json
from datetime import datetime, timezone
from pathlib import Path

from jobextract_tools.eval.datasets import (DEFAULT_DATA, HELD_OUT, HELD_OUT_SHARE,
                                            INDEED_LABELS, INDEED_VARIANTS, PARTS, emscad,
                                            glassdoor, indeed, labelled_file, skillspan)
from jobextract_tools.eval.replay import replay
from jobextract_tools.eval.report import markdown, replay_markdown
from jobextract_tools.eval.runner import run
from jobextract_tools.eval.scoring import by_part
from jobextract_tools.records import read_records


def _write(out: Path, kind: str, reports: dict, table: str) -> None:
    """The report as JSON and markdown under `out`, and the table on stdout."""
    out.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S")
    (out / f"{kind}-{stamp}.json").write_text(json.dumps(reports, indent=2))
    (out / f"{kind}-{stamp}.md").write_text(table)
    print(table)


def _replay(args, parts: tuple[str, ...]) -> int:
    if not args.answers.is_file():
        print(f"no recorded answers at {args.answers}")
        return 2
    try:
        files = _files(args.postings)
    except (OSError, ValueError) as e:
        print(f"labelled postings: {e}")
        return 2
    reports, skipped = replay(read_records(args.answers), args.data, args.part, parts,
                              args.indeed_labels, files)
    _write(args.out, "replay", {"sets": reports, "skipped": skipped},
           replay_markdown(reports, skipped))
    return 0


def main(argv: list[str] | None = None, prog: str | None = None) -> int:
    """`prog`: the name usage and errors give (`jobextract eval` from the CLI)."""
    parser = argparse.ArgumentParser(prog=prog, description=__doc__.splitlines()[0])
    parser.add_argument("--address", default="localhost:50051", help="the router")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--emscad", type=int, help="EMSCAD rows (0: none; default 100)")
    parser.add_argument("--skillspan", help="split: train, dev, test or none (default dev)")
    parser.add_argument("--skillspan-limit", type=int, default=None)
    parser.add_argument("--indeed", choices=["all", "text", "page", "none"],
                        help="Indeed pastes: text alone, page-like, or both (default all)")
    parser.add_argument("--indeed-dollar", type=int, default=None,
                        help="Indeed rows with a dollar figure (default: every labelled one)")
    parser.add_argument("--indeed-no-dollar", type=int, default=None,
                        help="Indeed rows without one (default: every labelled one)")
    parser.add_argument("--indeed-labels", type=Path, default=INDEED_LABELS,
                        help="salary labels of the Indeed rows (default: the project's)")
    parser.add_argument("--glassdoor", type=int,
                        help="Glassdoor rows, the description alone (0: none; default 100)")
    parser.add_argument("--postings", type=Path, metavar="FILE", action="append", default=[],
                        help="a JSONL file of your own labelled postings, scored as a set of "
                             "its own (repeatable; the format is in this command's module "
                             "docstring and the README); beside --answers, where the "
                             "records without their posting find it")
    parser.add_argument("--part", default=HELD_OUT, choices=[*PARTS, "all"],
                        help=f"the part of every set's fixed split to run: held-out (the "
                             f"figures to report: {HELD_OUT_SHARE:.0%}% of each set's rows, "
                             f"by a hash of their ids), tuning (what rules may be written "
                             f"from) or all (both, side by side)")
    parser.add_argument("--record", type=Path, metavar="FILE",
                        help="keep every set's records in FILE, each with the model's raw "
                             "answer (the JSON before the router's answer check), to replay "
                             "with --answers; a rerun resumes (default: one records file per "
                             "set under --out, which replay as well)")
    parser.add_argument("--answers", type=Path, metavar="FILE",
                        help="no router, no model: replay the router's answer check of this "
                             "checkout over the raw answers recorded in FILE and score it, "
                             "with per field what the check kept, replaced, filled or dropped "
                             "and whether that helped or hurt against the labels")
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--timeout", type=float, default=1800)
    parser.add_argument("--out", type=Path, default=Path("eval-results"))
    args = parser.parse_args(argv)
    _default_sets(args)
    parts = PARTS if args.part == "all" else (args.part,)
    if args.answers:
        return _replay(args, parts)
    if args.wants_shared and not args.data.is_dir():
        print(f"evaluation data not found at {args.data} (use --data DIR)")
        return 2
    try:
        sets = _sets(args)
    except FileNotFoundError as e:
        print(f"evaluation set not found: {e.filename} (use --data DIR, or leave the set "
              f"out, e.g. --glassdoor 0)")
        return 2
    except ValueError as e:  # a labelled file's line
        print(f"labelled postings: {e}")
        return 2

    def progress(done: int, total: int) -> None:
        print(f"\r  {done}/{total}", end="" if done < total else "\n", flush=True)

    args.out.mkdir(parents=True, exist_ok=True)
    reports = {}
    for name, postings in sets.items():
        records = args.record or args.out / f"records-{name.lower().replace(' ', '-')}.jsonl"
        print(f"{name} ({args.part}): {len(postings)} postings (records in {records}; "
              f"a rerun resumes)")
        outcome = asyncio.run(run(args.address, postings, args.concurrency, args.timeout,
                                  progress, records, name))
        reports[name] = by_part(outcome.records, postings, parts, outcome.wall_seconds,
                                outcome.new)
    _write(args.out, "eval", reports, markdown(reports))
    return 0


# The shared sets run when asked for, or by these defaults when no --postings file is given.
SHARED_DEFAULTS = {"emscad": 100, "skillspan": "dev", "indeed": "all", "glassdoor": 100}
SHARED_NONE = {"emscad": 0, "skillspan": "none", "indeed": "none", "glassdoor": 0}


def _default_sets(args) -> None:
    """Fill the shared sets' options left out: their defaults, or none beside --postings.
    `args.wants_shared`: whether any shared set is to run."""
    defaults = SHARED_NONE if args.postings else SHARED_DEFAULTS
    for name, default in defaults.items():
        if getattr(args, name) is None:
            setattr(args, name, default)
    args.wants_shared = any(getattr(args, name) != none for name, none in SHARED_NONE.items())


def _files(paths: list[Path], part: str = "all") -> dict:
    """The postings of each labelled file, by the set name its records carry."""
    return {f"File {path.name}": labelled_file(path, part) for path in paths}


def _sets(args) -> dict:
    """The postings of every set asked for, by set name (FileNotFoundError: one is missing)."""
    sets = _files(args.postings, args.part)
    if args.emscad:
        sets["EMSCAD"] = emscad(args.data, args.emscad, args.part)
    if args.skillspan != "none":
        sets[f"SkillSpan {args.skillspan}"] = skillspan(args.data, args.skillspan,
                                                        args.skillspan_limit, args.part)
    variants = INDEED_VARIANTS if args.indeed == "all" else \
        () if args.indeed == "none" else (args.indeed,)
    for variant in variants:
        sets[f"Indeed {variant}"] = indeed(args.data, variant, args.indeed_dollar,
                                           args.indeed_no_dollar, args.indeed_labels,
                                           args.part)
    if args.glassdoor:
        sets["Glassdoor"] = glassdoor(args.data, args.glassdoor, args.part)
    return sets
