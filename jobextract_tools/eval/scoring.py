"""Scoring extracted postings against labels; every figure is counted from the replies.

Label-free checks run on every set (returned strings and salary figures are in the text).
A field is scored only where the posting gives it: a title, company or location that the
text does not contain, or a salary whose figures the pasted text does not state, is not
counted for or against the extraction.

Text is matched by the scorer's own rules (matching.py), never by the router's: a value the
router keeps because it finds it in the text would otherwise be "in the text" by
construction.
"""

from __future__ import annotations

import json
import statistics
from dataclasses import dataclass, field

from google.protobuf.json_format import ParseDict

from jobextract.v1 import extraction_pb2 as pb
from jobextract_tools.eval.datasets import LABELLED_FILE, Posting, views
from jobextract_tools.eval.matching import close, contains, figures, letters, norm, stated
from router_svc.prompt import EXAMPLES

# Words a listing's company name carries that the text often leaves out ("Acme Inc" is
# named by "Acme").
LEGAL_WORDS = {"inc", "incorporated", "llc", "l l c", "corp", "corporation", "co", "company",
               "ltd", "limited", "lp", "llp", "plc", "pllc", "the", "group", "holdings"}
PERIOD_NAMES = {value: name.removeprefix("SALARY_PERIOD_").lower()
                for name, value in pb.SalaryPeriod.items()}
# The JobPosting field each labelled score is about.
ABOUT = {"title_exact": "title", "title_relaxed": "title", "company": "company",
         "location_relaxed": "location", "salary_min": "salary_min",
         "salary_max": "salary_max", "salary_period": "salary_period",
         "salary_null_where_none": "salary_min", "salary_absent_kept_null": "salary_min"}


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


@dataclass
class Tally:
    counts: dict = field(default_factory=dict)

    def add(self, name: str, hit: bool) -> None:
        hits, total = self.counts.get(name, (0, 0))
        self.counts[name] = (hits + bool(hit), total + 1)

    def rates(self) -> dict:
        return {name: {"rate": hits / total, "hits": hits, "total": total}
                for name, (hits, total) in self.counts.items()}


def score_grounding(posting: Posting, job: pb.JobPosting, tally: Tally) -> None:
    """Label-free: what came back is in the text (nothing invented): as words, or as the
    same letters where the text glues words together."""
    text, glued = norm(posting.text), letters(posting.text)
    for name in ("title", "company", "location"):
        if job.HasField(name):
            value = getattr(job, name)
            tally.add("strings_in_text", contains(text, value) or
                      bool(letters(value)) and letters(value) in glued)
    if job.HasField("salary_min") or job.HasField("salary_max"):
        numbers = figures(posting.text)
        tally.add("salary_figures_in_text", all(
            stated(v, numbers) for v in (job.salary_min, job.salary_max) if v))


def salary_verdicts(labels: dict, text: str, job: pb.JobPosting) -> dict[str, bool]:
    salary = labels.get("salary")
    has = job.HasField("salary_min") or job.HasField("salary_max")
    if salary is None:
        return {"salary_null_where_none": not has}
    numbers = figures(text)
    if not all(stated(v, numbers) for v in salary):
        return {}  # this paste does not state the labelled pay
    low, high = salary
    out = {"salary_min": job.HasField("salary_min") and close(job.salary_min, low),
           "salary_max": job.HasField("salary_max") and close(job.salary_max, high)}
    if has and labels.get("period"):
        out["salary_period"] = PERIOD_NAMES.get(job.salary_period) == labels["period"]
    return out


def verdicts(posting: Posting, job: pb.JobPosting) -> dict[str, bool]:
    """Score name -> right or wrong, for every labelled field the posting gives (ABOUT says
    which field each is about)."""
    labels, out = posting.labels, {}
    if posting.source == "emscad":
        out["title_exact"] = norm(job.title) == norm(labels["title"])
        out["title_relaxed"] = soft_match(job.title, labels["title"])
        if labels["location"].strip(", "):
            out["location_relaxed"] = job.HasField("location") \
                and same_place(job.location, labels["location"])
        if labels["salary"]:
            low, high = labels["salary"]
            out["salary_min"] = job.HasField("salary_min") and close(job.salary_min, low)
            out["salary_max"] = job.HasField("salary_max") and close(job.salary_max, high)
        else:
            out["salary_absent_kept_null"] = not job.HasField("salary_min") \
                and not job.HasField("salary_max")
    elif posting.source in ("indeed", "glassdoor", LABELLED_FILE):  # the listing's, where stated
        text = norm(posting.text)
        if contains(text, labels["title"]):
            out["title_exact"] = norm(job.title) == norm(labels["title"])
            out["title_relaxed"] = job.HasField("title") and soft_match(job.title,
                                                                        labels["title"])
        core = company_core(labels["company"])
        if core and contains(text, core):
            out["company"] = job.HasField("company") and soft_match(job.company, core)
        if labels["location"] and contains(text, labels["location"]):
            out["location_relaxed"] = job.HasField("location") \
                and same_place(job.location, labels["location"])
        if "salary" in labels:
            out.update(salary_verdicts(labels, posting.text, job))
    return out


def same_item(answer: str, label: str) -> bool:
    """A list item matching a labelled one: the same words, or one holding the other where
    it is most of it (a skill "SQL" does not match a requirement sentence mentioning SQL)."""
    a, b = norm(answer), norm(label)
    return bool(a and b) and (a == b or (a in b or b in a)
                              and min(len(a), len(b)) >= .6 * max(len(a), len(b)))


# Labelled item lists, each with how an answer's item is matched to a labelled one.
ITEM_LISTS = {"skills": soft_match, "requirements": same_item, "benefits": same_item}


def score(posting: Posting, job: pb.JobPosting, tally: Tally, lists: dict) -> None:
    score_grounding(posting, job, tally)
    for name, right in verdicts(posting, job).items():
        tally.add(name, right)
    for field, match in ITEM_LISTS.items():
        if field not in posting.labels:
            continue
        gold, predicted = posting.labels[field], list(getattr(job, field))
        counts = lists.setdefault(field, {"predicted": 0, "gold": 0, "matched_predicted": 0,
                                          "matched_gold": 0})
        counts["predicted"] += len(predicted)
        counts["gold"] += len(gold)
        counts["matched_predicted"] += sum(any(match(p, g) for g in gold) for p in predicted)
        counts["matched_gold"] += sum(any(match(p, g) for p in predicted) for g in gold)


def quality(scored) -> dict:
    """The field rates and the item lists' precision and recall (skills matched softly,
    requirements and benefits item by item) of (posting, job) pairs."""
    tally, lists = Tally(), {}
    for posting, job in scored:
        score(posting, job, tally, lists)
    result = {"fields": tally.rates()}
    for field, counts in lists.items():
        if counts["gold"]:
            precision = counts["matched_predicted"] / counts["predicted"] \
                if counts["predicted"] else 0.0
            recall = counts["matched_gold"] / counts["gold"]
            result[f"{field}_items"] = {"precision": precision, "recall": recall,
                                        "f1": 2 * precision * recall / (precision + recall)
                                        if precision + recall else 0.0, **counts}
    return result


# Fields whose values are codes ("USD", "hour"): the same word in any answer, never a copy.
CODED = ("salary_currency", "salary_period")


def _example_values() -> dict[str, frozenset[str]]:
    """Field -> the values of the prompt's worked examples, normalised (coded fields aside)."""
    values: dict[str, set[str]] = {}
    for _, answer in EXAMPLES:
        for name, value in json.loads(answer).items():
            if name in CODED:
                continue
            for item in value if isinstance(value, list) else [value]:
                if isinstance(item, str) and norm(item):
                    values.setdefault(name, set()).add(norm(item))
    return {name: frozenset(v) for name, v in values.items()}


EXAMPLE_VALUES = _example_values()


def example_copies(answer: str | None, text: str) -> set[str]:
    """The fields where the model's raw answer repeats a value of the prompt's worked
    examples that the posting does not contain (the router drops such copies, so they are
    counted from the answer itself)."""
    try:
        data = json.loads(answer or "", strict=False)
    except ValueError:
        return set()
    normalised, copied = norm(text), set()
    for name, value in data.items() if isinstance(data, dict) else ():
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, str) and norm(item) in EXAMPLE_VALUES.get(name, ()) \
                    and not contains(normalised, item):
                copied.add(name)
    return copied


def summarise(records: list[dict], postings: dict[str, Posting], wall: float,
              new: int) -> dict:
    """The report of one set (or part of one) from its per-posting records."""
    answered = [r for r in records if r["ok"]]
    result = quality((postings[r["id"]], ParseDict(r["job"], pb.JobPosting()))
                     for r in answered)
    routes: dict[str, int] = {}
    copies: dict[str, int] = {}
    tally = Tally()
    for record in answered:
        routes[record["route"]] = routes.get(record["route"], 0) + 1
        if "answer" in record:  # records of runs before raw answers were kept have none
            copied = example_copies(record["answer"], postings[record["id"]].text)
            tally.add("answers_copying_an_example", bool(copied))  # lower is better
            for name in copied:
                copies[name] = copies.get(name, 0) + 1
    result["fields"].update(tally.rates())
    n = len(records)
    latencies = [r["seconds"] for r in records]
    generations = [r["attempts"] for r in records if r["ok"] and "attempts" in r]
    result.update({
        "postings": n, "schema_valid_rate": len(answered) / n if n else 0.0,
        "local_rate_by_threshold": sum(bool(r.get("use_local")) for r in records) / n
        if n else 0.0,
        "routes": routes, "example_copies_by_field": copies,
        "generations_per_posting": statistics.mean(generations) if generations else None,
        "errors": {r["id"]: r["error"] for r in records if not r["ok"]},
        "latency_seconds": {"p50": statistics.median(latencies) if latencies else 0.0,
                            "max": max(latencies, default=0.0)},
        "this_run": {"postings": new, "wall_seconds": wall,
                     "postings_per_minute": 60 * new / wall if wall and new else 0.0},
    })
    return result


def by_part(records: list[dict], postings: list[Posting], parts: tuple[str, ...],
            wall: float, new: int) -> dict[str, dict]:
    """One report per part of the split (datasets.PARTS), and per paste within it where the
    postings say (datasets.views), from one run of a set."""
    index = {p.id: p for p in postings}
    return {view: summarise(mine, index, wall, new)
            for view, mine in views(records, parts, lambda r: index[r["id"]]).items()}
