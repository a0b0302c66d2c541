"""The evaluation sets: real labelled postings read from a copy of ../shared/evaldata.

- EMSCAD: rows become posting text (title, location, salary, company profile, description,
  requirements, benefits under plain headers); labels: title, location, salary.
- SkillSpan: postings with expert skill spans (company, place and pay are masked).
- Indeed (2020): the scraped text, one long line, pasted two ways: `text` (the text alone)
  and `page` (the listing's title, company and location lines above it, as a page copy
  gives them). Labels: the listing's title, company and location, and the salary labels
  made for this project by reading each posting (labels/indeed_salary.jsonl, see
  labels/README.md). Only labelled rows are used; repeated texts count once.
"""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass
from pathlib import Path

from jobextract_tools.records import read_records

DEFAULT_DATA = Path(__file__).resolve().parents[3] / "shared" / "evaldata"
INDEED_CSV = "indeed_2020_tech_postings_393.csv"
INDEED_LABELS = Path(__file__).resolve().parent / "labels" / "indeed_salary.jsonl"
INDEED_VARIANTS = ("text", "page")
SECTIONS = (("title", "Job title"), ("location", "Location"), ("salary_range", "Salary"),
            ("company_profile", "About the company"), ("description", "Description"),
            ("requirements", "Requirements"), ("benefits", "Benefits"))


@dataclass
class Posting:
    id: str
    text: str
    labels: dict
    source: str   # emscad | skillspan | indeed


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


def indeed(data: Path, variant: str, with_dollar: int | None = None,
           without_dollar: int | None = None, labels_path: Path = INDEED_LABELS) -> list[Posting]:
    """Labelled Indeed rows pasted as `variant`: the first `with_dollar` rows whose text has
    a dollar figure and the first `without_dollar` without one (None: all)."""
    if variant not in INDEED_VARIANTS:
        raise ValueError(f"variant must be one of {INDEED_VARIANTS}")
    labels = read_records(labels_path)
    picked: dict[bool, list[Posting]] = {True: [], False: []}
    seen: set[str] = set()
    with open(data / INDEED_CSV, newline="", encoding="utf-8") as f:
        for number, row in enumerate(csv.DictReader(f)):
            key = f"indeed-{number}"
            if key not in labels or row["Text"] in seen:
                continue
            seen.add(row["Text"])
            label = labels[key]
            text = row["Text"] if variant == "text" else \
                f"{row['Title']}\n{row['Company']}\n{row['Location']}\n\n{row['Text']}"
            salary = (None if label["salary_min"] is None
                      else (float(label["salary_min"]), float(label["salary_max"])))
            picked["$" in row["Text"]].append(Posting(
                f"{key}-{variant}", text,
                {"title": row["Title"], "company": row["Company"], "location": row["Location"],
                 "salary": salary, "period": label["period"], "currency": label["currency"]},
                "indeed"))
    return picked[True][:with_dollar] + picked[False][:without_dollar]
