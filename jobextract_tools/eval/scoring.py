"""Scoring extracted postings against labels; every figure is counted from the replies.

Label-free checks run on every set (returned strings and salary figures are in the text).
A field is scored only where the posting gives it: a title, company or location that the
text does not contain, or a salary whose figures the pasted text does not state, is not
counted for or against the extraction.
"""

from __future__ import annotations

import html
import re
import statistics
from dataclasses import dataclass, field

from google.protobuf.json_format import ParseDict

from jobextract.proto import extraction_pb2 as pb
from jobextract_tools.eval.datasets import Posting
from router_svc.grounding import COPIED, close, found_in, norm
from router_svc.salary import find_salaries, parse_amount
from router_svc.schema import FIELDS, PERIODS

# Words a listing's company name carries that the text often leaves out ("Acme Inc" is
# named by "Acme").
LEGAL_WORDS = {"inc", "incorporated", "llc", "l l c", "corp", "corporation", "co", "company",
               "ltd", "limited", "lp", "llp", "plc", "pllc", "the", "group", "holdings"}
PERIOD_NAMES = {value: name for name, value in PERIODS.items()}


def soft_match(a: str, b: str) -> bool:
    a, b = norm(a), norm(b)
    return bool(a and b) and (a in b or b in a)


def same_place(answer: str, label: str) -> bool:
    """The same place however its parts are ordered: "Phoenix, AZ" is "US, AZ, Phoenix";
    an answer naming more of it than a label that gives only the state ("Rockville, MD" for
    "US, MD, ") or less ("Austin" for "Austin, TX") matches, as soft_match does."""
    if soft_match(answer, label):
        return True
    words = [set(norm(place).split()) - {"us", "usa"} for place in (answer, label)]
    return all(words) and (words[0] <= words[1] or words[1] <= words[0])


def company_core(name: str) -> str:
    words = norm(name).split()
    while words and words[-1] in LEGAL_WORDS:
        words.pop()
    while words and words[0] == "the":
        words.pop(0)
    return " ".join(words)


# 120,000 · 120000 · 55.50 · 120k · 1.5m (a "k"/"m" right after the number multiplies it)
NUMBER = re.compile(r"(?<![\w.])(\d{1,3}(?:[,.\u00a0 ]\d{3})+|\d+(?:\.\d+)?)\s?([kKmM])?(?![\w])")


def stated_numbers(text: str) -> set[float]:
    """Every number written in `text`, with and without a k/m suffix applied."""
    numbers = set()
    for digits, suffix in NUMBER.findall(text):
        numbers |= {v for v in (parse_amount(digits), parse_amount(digits, suffix) if suffix
                                else None) if v is not None}
    return numbers


def figures_in(text: str) -> set[float]:
    """Numbers the text states, as written ("55.50", "120k") or read as ranges ("60-80K")."""
    return stated_numbers(text) | {v for m in find_salaries(text) for v in (m.low, m.high)}


@dataclass
class Tally:
    counts: dict = field(default_factory=dict)

    def add(self, name: str, hit: bool) -> None:
        hits, total = self.counts.get(name, (0, 0))
        self.counts[name] = (hits + bool(hit), total + 1)

    def rates(self) -> dict:
        return {name: {"rate": hits / total, "hits": hits, "total": total}
                for name, (hits, total) in self.counts.items()}


def letters(text: str) -> str:
    """Only the letters and digits, case folded: text flattened from a page glues words
    ("Payroll ClerkReports to"), and a value copied from it is still in it."""
    return re.sub(r"[\W_]+", "", text.casefold())


def score_grounding(posting: Posting, job: pb.JobPosting, tally: Tally) -> None:
    """Label-free: what came back is in the text (nothing invented): as words, or as the
    same letters where the text glues words together."""
    written = html.unescape(posting.text)  # "&amp;" in a scraped text is "&"
    text, glued = norm(written), letters(written)
    for name in ("title", "company", "location"):
        if job.HasField(name):
            value = getattr(job, name)
            tally.add("strings_in_text", found_in(value, text) or
                      bool(letters(value)) and letters(value) in glued)
    if job.HasField("salary_min") or job.HasField("salary_max"):
        numbers = figures_in(posting.text)
        tally.add("salary_figures_in_text", all(
            any(close(v, n) for n in numbers) for v in (job.salary_min, job.salary_max) if v))


def score_salary(labels: dict, text: str, job: pb.JobPosting, tally: Tally) -> None:
    salary = labels.get("salary")
    has = job.HasField("salary_min") or job.HasField("salary_max")
    if salary is None:
        tally.add("salary_null_where_none", not has)
        return
    numbers = figures_in(text)
    if not all(any(close(v, n) for n in numbers) for v in salary):
        return  # this paste does not state the labelled pay
    low, high = salary
    tally.add("salary_min", job.HasField("salary_min") and close(job.salary_min, low))
    tally.add("salary_max", job.HasField("salary_max") and close(job.salary_max, high))
    if has and labels.get("period"):
        tally.add("salary_period", PERIOD_NAMES.get(job.salary_period) == labels["period"])


def score(posting: Posting, job: pb.JobPosting, tally: Tally, skills: dict) -> None:
    labels = posting.labels
    score_grounding(posting, job, tally)
    text = norm(posting.text)
    if posting.source == "emscad":
        tally.add("title_exact", norm(job.title) == norm(labels["title"]))
        tally.add("title_relaxed", soft_match(job.title, labels["title"]))
        if labels["location"].strip(", "):
            tally.add("location_relaxed", job.HasField("location")
                      and same_place(job.location, labels["location"]))
        if labels["salary"]:
            low, high = labels["salary"]
            tally.add("salary_min", job.HasField("salary_min") and close(job.salary_min, low))
            tally.add("salary_max", job.HasField("salary_max") and close(job.salary_max, high))
        else:
            tally.add("salary_absent_kept_null", not job.HasField("salary_min")
                      and not job.HasField("salary_max"))
    elif posting.source == "indeed":
        if found_in(labels["title"], text):
            tally.add("title_exact", norm(job.title) == norm(labels["title"]))
            tally.add("title_relaxed", job.HasField("title")
                      and soft_match(job.title, labels["title"]))
        core = company_core(labels["company"])
        if core and found_in(core, text):
            tally.add("company", job.HasField("company") and soft_match(job.company, core))
        if labels["location"] and found_in(labels["location"], text):
            tally.add("location_relaxed", job.HasField("location")
                      and same_place(job.location, labels["location"]))
        score_salary(labels, posting.text, job, tally)
    else:
        gold = labels["skills"]
        predicted = list(job.skills)
        skills["predicted"] += len(predicted)
        skills["gold"] += len(gold)
        skills["matched_predicted"] += sum(any(soft_match(p, g) for g in gold) for p in predicted)
        skills["matched_gold"] += sum(any(soft_match(p, g) for p in predicted) for g in gold)


def example_copies(reasoning: str) -> set[str]:
    """The fields whose value the model copied from the prompt's worked examples, as the
    router's notes say ("2 requirements item(s) dropped: copied from the prompt's example");
    the copies themselves are never returned."""
    copied, field_name = set(), None
    for part in reasoning.split("; "):  # a note may itself hold "; ": its field comes first
        first = re.match(r"(?:\d+ )?(\w+)", part)
        if first and first[1] in FIELDS:
            field_name = first[1]
        if COPIED in part and field_name:
            copied.add(field_name)
    return copied


def summarise(records: list[dict], postings: dict[str, Posting], wall: float,
              new: int) -> dict:
    """The report of one set from its per-posting records."""
    tally, skills = Tally(), {"predicted": 0, "gold": 0, "matched_predicted": 0,
                              "matched_gold": 0}
    routes: dict[str, int] = {}
    copies: dict[str, int] = {}
    for record in records:
        if record["ok"]:
            routes[record["route"]] = routes.get(record["route"], 0) + 1
            score(postings[record["id"]], ParseDict(record["job"], pb.JobPosting()), tally,
                  skills)
            copied = example_copies(record.get("reasoning", ""))
            tally.add("answers_copying_an_example", bool(copied))  # lower is better
            for name in copied:
                copies[name] = copies.get(name, 0) + 1
    n = len(records)
    latencies = [r["seconds"] for r in records]
    generations = [r["attempts"] for r in records if r["ok"] and "attempts" in r]
    result = {
        "postings": n, "schema_valid_rate": sum(r["ok"] for r in records) / n if n else 0.0,
        "local_rate_by_threshold": sum(r["use_local"] for r in records) / n if n else 0.0,
        "routes": routes, "fields": tally.rates(), "example_copies_by_field": copies,
        "generations_per_posting": statistics.mean(generations) if generations else None,
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
