"""The evaluation sets: real labelled postings read from a copy of ../shared/evaldata.

- EMSCAD: rows become posting text (title, location, salary, company profile, description,
  requirements, benefits under plain headers); labels: title, location, salary (the row's
  salary range; where that is empty, the pay its text states, read for this project:
  labels/emscad_salary.jsonl, see labels/README.md).
- SkillSpan: postings with expert skill spans (company, place and pay are masked).
- Indeed (2020): the scraped text, one long line, pasted two ways: `text` (the text alone)
  and `page` (the listing's title, company and location lines above it, as a page copy
  gives them). Labels: the listing's title, company and location, and the salary labels
  made for this project by reading each posting (labels/indeed_salary.jsonl, see
  labels/README.md). Only labelled rows are used; repeated texts count once.
- Glassdoor (2019): data-science postings as employers wrote them (headings and line
  breaks kept, often not naming the title, company or place): the description alone.
  Labels: the listing's title, company and location (its salary is mostly Glassdoor's
  estimate, not the posting's: not scored).
- Your own (`labelled_file`): any JSONL of labelled postings, one object a line, scored
  like Indeed's listing fields.

Requirements and benefits are labelled for 80 Glassdoor and Indeed-text postings
(labels/lists.jsonl: each item as the span of the posting's text it is, see
labels/README.md).

Every set is split, by a fixed hash of each row's id, into a tuning part (look at it,
write rules from it) and a held-out part (report figures on it): see `part_of`.
"""

from __future__ import annotations

import csv
import functools
import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

from jobextract_tools.records import read_records

DEFAULT_DATA = Path(__file__).resolve().parents[3] / "shared" / "evaldata"
INDEED_CSV = "indeed_2020_tech_postings_393.csv"
INDEED_LABELS = Path(__file__).resolve().parent / "labels" / "indeed_salary.jsonl"
LIST_LABELS = Path(__file__).resolve().parent / "labels" / "lists.jsonl"
# Postings written for this project, labelled (probe/README.md): --postings reads them; and
# the embedded model's raw answers to them, kept without the postings, which --answers
# replays beside --postings
PROBE_POSTINGS = Path(__file__).resolve().parent / "probe" / "postings.jsonl"
PROBE_ANSWERS = Path(__file__).resolve().parent / "probe" / "answers.jsonl"
EMSCAD_SALARY_LABELS = Path(__file__).resolve().parent / "labels" / "emscad_salary.jsonl"
LIST_FIELDS = ("requirements", "benefits")
INDEED_VARIANTS = ("text", "page")
GLASSDOOR_CSV = "glassdoor_2019_ds_postings_407.csv"

# The share of every set held out: rows whose id hashes below it are never looked at to
# write or tune a rule, and the figures reported are theirs. One half: the labelled sets
# are small (115 Indeed rows), and a third would leave ~40 held-out rows per paste.
HELD_OUT_SHARE = 1 / 2
HELD_OUT, TUNING = "held-out", "tuning"
PARTS = (HELD_OUT, TUNING)
SECTIONS = (("title", "Job title"), ("location", "Location"), ("salary_range", "Salary"),
            ("company_profile", "About the company"), ("description", "Description"),
            ("requirements", "Requirements"), ("benefits", "Benefits"))


def part_of(source: str, row: str) -> str:
    """HELD_OUT or TUNING for row `row` of `source`: the first byte of sha256("<source>:<row>")
    against HELD_OUT_SHARE, so a row stays in its part whatever the code, the order or the
    limits of a run."""
    first = hashlib.sha256(f"{source}:{row}".encode()).digest()[0]
    return HELD_OUT if first < HELD_OUT_SHARE * 256 else TUNING


@dataclass
class Posting:
    id: str
    text: str
    labels: dict
    source: str   # emscad | skillspan | indeed | glassdoor
    row: str = ""  # the row's id in its source (both pastes of an Indeed row share it); "": id
    paste: str = ""  # how it was pasted, where a labelled file says: "page", "description"

    @property
    def part(self) -> str:
        return part_of(self.source, self.row or self.id)


def with_list_labels(posting: Posting, labels_path: Path = LIST_LABELS) -> Posting:
    """`posting` with its labelled requirements and benefits (the text of each item's span),
    where labels/lists.jsonl has them; unchanged otherwise."""
    labelled = _labels_by_id(labels_path).get(posting.id)
    if labelled is not None:
        for field in LIST_FIELDS:
            posting.labels[field] = [posting.text[start:end] for start, end in labelled[field]]
    return posting


@functools.cache
def _labels_by_id(path: Path) -> dict:
    """The labels of `path` by posting id, read once (every set's reader asks)."""
    return read_records(path) if path.is_file() else {}


def in_part(posting: Posting, part: str) -> bool:
    """`part`: HELD_OUT, TUNING or "all"."""
    return part == "all" or posting.part == part


def views(items: list, parts: tuple[str, ...], posting=lambda item: item) -> dict[str, list]:
    """The items (`posting(item)` is each one's posting) of each part, and where postings
    say how they were pasted, of each paste within it: "held-out", "held-out, page",
    "held-out, description". The figures a report shows side by side."""
    out = {}
    for part in parts:
        mine = [i for i in items if posting(i).part == part]
        out[part] = mine
        for paste in sorted({posting(i).paste for i in mine} - {""}):
            out[f"{part}, {paste}"] = [i for i in mine if posting(i).paste == paste]
    return out


def emscad(data: Path, limit: int, part: str = "all") -> list[Posting]:
    out = []
    with open(data / "emscad_fake_job_postings_first500.csv", newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if len(out) >= limit:
                break
            text = "\n\n".join(f"{header}:\n{row[key]}" for key, header in SECTIONS if row[key])
            posting_id = f"emscad-{row['job_id']}"
            salary = salary_label(row["salary_range"]) or stated_salary(posting_id)
            posting = Posting(posting_id, text, {"title": row["title"],
                                                 "location": row["location"],
                                                 "salary": salary}, "emscad", row["job_id"])
            if in_part(posting, part):
                out.append(posting)
    return out



def stated_salary(posting_id: str) -> tuple[float, float] | None:
    """The pay an EMSCAD posting's text states where its salary range is empty (the
    English-teacher posts' "$1,500+ USD monthly"), as labels/emscad_salary.jsonl has it."""
    label = _labels_by_id(EMSCAD_SALARY_LABELS).get(posting_id)
    if label is None or not label["states_pay"]:
        return None
    return float(label["salary_min"]), float(label["salary_max"])


def salary_label(text: str) -> tuple[float, float] | None:
    match = re.fullmatch(r"\s*(\d+)\s*-\s*(\d+)\s*", text or "")
    return (float(match[1]), float(match[2])) if match else None  # "09-Dec" is an artefact


def skillspan(data: Path, split: str, limit: int | None = None,
              part: str = "all") -> list[Posting]:
    out = []
    with open(data / "skillspan_postings.jsonl", encoding="utf-8") as f:
        for line in f:
            row = json.loads(line)
            if row["split"] != split:
                continue
            key = f"{split}-{row['source']}-{row['idx']}"
            posting = Posting(f"skillspan-{key}", row["text"],
                              {"skills": row["skills"] + row["knowledge"]}, "skillspan", key)
            if in_part(posting, part):
                out.append(posting)
    return out[:limit] if limit is not None else out


def indeed(data: Path, variant: str, with_dollar: int | None = None,
           without_dollar: int | None = None, labels_path: Path = INDEED_LABELS,
           part: str = "all") -> list[Posting]:
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
            posting = with_list_labels(Posting(
                f"{key}-{variant}", text,
                {"title": row["Title"], "company": row["Company"], "location": row["Location"],
                 "salary": salary, "period": label["period"], "currency": label["currency"]},
                "indeed", str(number)))
            if in_part(posting, part):
                picked["$" in row["Text"]].append(posting)
    return picked[True][:with_dollar] + picked[False][:without_dollar]


LABELLED_FILE = "file"  # the source of its postings (their split hashes "file:<id>")


def labelled_file(path: Path, part: str = "all") -> list[Posting]:
    """The postings of a JSONL file of your own (ValueError: a line without "id" and
    "text", or an id twice). A line's labels are any of "title", "company", "location",
    "salary_min", "salary_max", "salary_currency" and "salary_period"; a field left out is
    not scored, and salary_min and salary_max null label a posting that states no pay
    (scored too; one end alone is pay stated as a single figure). A line's "paste" ("page":
    the whole listing page; "description": its description alone) splits the reports by
    it."""
    out, seen = [], set()
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            if not line.strip():
                continue
            row = json.loads(line)
            if not isinstance(row, dict) or not isinstance(row.get("id"), str) \
                    or not isinstance(row.get("text"), str):
                raise ValueError(f"{path}:{number}: a line needs a string \"id\" and \"text\"")
            if row["id"] in seen:
                raise ValueError(f"{path}:{number}: the id {row['id']!r} is given twice")
            seen.add(row["id"])
            labels = {name: row.get(name) or "" for name in ("title", "company", "location")}
            if "salary_min" in row:
                low, high = row["salary_min"], row.get("salary_max")
                # one end alone ("up to $21") is a single figure
                low, high = (low if low is not None else high), (high if high is not None else low)
                labels.update(salary=None if low is None else (float(low), float(high)),
                              period=row.get("salary_period"),
                              currency=row.get("salary_currency"))
            paste = row.get("paste") or ""
            if not isinstance(paste, str):
                raise ValueError(f"{path}:{number}: \"paste\" is a string, e.g. \"page\"")
            posting = Posting(row["id"], row["text"], labels, LABELLED_FILE, paste=paste)
            if in_part(posting, part):
                out.append(posting)
    return out


def glassdoor(data: Path, limit: int | None = None, part: str = "all") -> list[Posting]:
    """The description alone, as pasted; labels: the listing's title, company and place."""
    out = []
    with open(data / GLASSDOOR_CSV, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            posting = with_list_labels(Posting(
                f"glassdoor-{row['id']}", row["job_description"],
                {"title": row["job_title"], "company": row["company"],
                 "location": row["location"]}, "glassdoor", row["id"]))
            if in_part(posting, part):
                out.append(posting)
    return out[:limit] if limit is not None else out


def by_set(name: str, data: Path, indeed_labels: Path = INDEED_LABELS) -> list[Posting]:
    """Every posting of the set the evaluation names `name` ("EMSCAD", "SkillSpan dev",
    "Indeed text", "Glassdoor"), both parts: where a replay finds recorded postings."""
    kind, _, variant = name.partition(" ")
    readers = {"EMSCAD": lambda: emscad(data, 10 ** 9),
               "SkillSpan": lambda: skillspan(data, variant),
               "Indeed": lambda: indeed(data, variant, labels_path=indeed_labels),
               "Glassdoor": lambda: glassdoor(data)}
    if kind not in readers:
        raise ValueError(f"no evaluation set is named {name!r}")
    return readers[kind]()
