"""The router's answer check replayed over recorded raw answers: no model, seconds.

A records file (`jobextract eval --record FILE`, or any set's records file) keeps each
posting's raw answer, the JSON the model generated before the check grounded it. Replaying
puts every answer through today's check (router_svc.answer.check_answer: the one module
here that runs the router's text handling, because that is what it measures) and compares,
field by field, the model's value with the checked one:

- what the check did: kept, respelt (same words, the posting's spelling), replaced, filled
  (the model gave none), dropped, or nothing on either side;
- against the labels: helped (model wrong, checked right), hurt (model right, checked wrong
  or empty: a "lost" value) or neutral;
- by rule: the check's notes name what changed a field; each note, its values blanked, is a
  rule's row, with how often it fired, changed the field, helped and hurt. A field changed
  without a note counts under NO_NOTE.

A line may carry its own posting ("text", "labels", "source"): a hand-written answers file
needs no evaluation data.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from jobextract.v1 import extraction_pb2 as pb
from jobextract_tools.eval.datasets import INDEED_LABELS, Posting, by_set, in_part, views
from jobextract_tools.eval.matching import close, norm
from jobextract_tools.eval.runner import text_id
from jobextract_tools.eval.scoring import ABOUT, quality, verdicts
from router_svc.answer import check_answer, decode
from router_svc.errors import InvalidOutput

FIELDS = tuple(f.name for f in pb.JobPosting.DESCRIPTOR.fields)
SALARY = ("salary_min", "salary_max", "salary_currency", "salary_period")
KINDS = ("kept", "respelt", "replaced", "filled", "dropped", "none")
PERIODS = {name.removeprefix("SALARY_PERIOD_").lower(): value
           for name, value in pb.SalaryPeriod.items() if value}
# Changes no rule notes: validation (a period without a figure, a repeated list item) and
# the posting's own spelling of a value.
NO_NOTE = "(no note: validation or the posting's spelling)"


def group_of(name: str) -> str:
    """The salary's four fields change together and one note names them: one group."""
    return "salary" if name in SALARY else name


def as_job(data) -> pb.JobPosting:
    """A raw answer's values as they are, each of the right type (the model's own answer,
    scored as if nothing checked it)."""
    job = pb.JobPosting()
    if not isinstance(data, dict):
        return job
    for name in ("title", "company", "location", "salary_currency", "description"):
        if isinstance(data.get(name), str) and data[name].strip():
            setattr(job, name, data[name].strip())
    for name in ("salary_min", "salary_max"):
        value = data.get(name)
        if isinstance(value, (int, float)) and not isinstance(value, bool) \
                and math.isfinite(value) and value >= 0:
            setattr(job, name, value)
    if data.get("salary_period") in PERIODS:
        job.salary_period = PERIODS[data["salary_period"]]
    for name in ("skills", "requirements", "benefits"):
        if isinstance(data.get(name), list):
            getattr(job, name).extend(i.strip() for i in data[name]
                                      if isinstance(i, str) and i.strip())
    return job


def value_of(job: pb.JobPosting, name: str):
    if name in ("skills", "requirements", "benefits"):
        return tuple(getattr(job, name))
    if name == "description" or job.HasField(name):
        return getattr(job, name) or None
    return None


def change(name: str, model: pb.JobPosting, checked: pb.JobPosting) -> str:
    """What the check did to field `name`: one of KINDS."""
    before, after = value_of(model, name), value_of(checked, name)
    if not before and not after:
        return "none"
    if not before:
        return "filled"
    if isinstance(before, (int, float)) and after is not None:  # a figure, a period
        return "kept" if close(after, before) else "replaced"
    if before == after:
        return "kept"
    if not after or isinstance(before, tuple) and set(after) < set(before):
        return "dropped"  # all of it, or some items of a list
    if isinstance(before, tuple):
        same = [norm(i) for i in before] == [norm(i) for i in after]
    else:
        same = norm(before) == norm(after)
    return "respelt" if same else "replaced"


# A value the note quotes: 'Data Engineer' or "Joe's Diner", not the apostrophe of "posting's".
_QUOTED = re.compile(r"(?<!\w)(['\"])(?:\\.|(?!\1).)*\1(?!\w)")
_FIELD_WORDS = {"skill": "skills", **{name: name for name in (*FIELDS, "salary")}}


def rule_of(note: str) -> tuple[str | None, str]:
    """(the field group a note of the check is about, its rule): the note with the values it
    quotes and its figures blanked, so one rule's notes group together. None: a note about
    the whole posting."""
    first = re.match(r"(?:\d+ )?(\w+)", note)
    name = _FIELD_WORDS.get(first[1]) if first else None
    rule = re.sub(r"\d+(?:\.\d+)?", "N", _QUOTED.sub("…", note))
    return (group_of(name) if name else None), rule


@dataclass
class Replayed:
    posting: Posting
    model: pb.JobPosting
    checked: pb.JobPosting | None          # None: the check rejected the answer
    rejected: str = ""
    notes: list[str] = field(default_factory=list)


def replay_one(posting: Posting, answer: str) -> Replayed:
    try:
        model = as_job(decode(answer))
    except InvalidOutput:
        model = pb.JobPosting()
    try:
        result = check_answer(answer, posting.text)
    except InvalidOutput as e:
        return Replayed(posting, model, None, str(e))
    return Replayed(posting, model, result.job.to_proto(), notes=result.notes)


def outcome(before: dict[str, bool], after: dict[str, bool], names) -> str | None:
    """helped / hurt / neutral over the scores `names`; None where none of them is scored."""
    scored = [n for n in names if n in before and n in after]
    if not scored:
        return None
    if any(before[n] and not after[n] for n in scored):
        return "hurt"
    return "helped" if any(after[n] and not before[n] for n in scored) else "neutral"


def summarise(replayed: list[Replayed]) -> dict:
    """One set's (or part's) replay: scores of the model alone and after the check, what the
    check did per field, its effect per labelled score and per rule."""
    checked = [r for r in replayed if r.checked is not None]
    changes = {name: Counter() for name in FIELDS}
    scores: dict[str, Counter] = defaultdict(Counter)
    rules: dict[tuple[str, str], Counter] = defaultdict(Counter)
    lost: list[dict] = []  # each model value right by the label that the check lost
    for r in checked:
        kinds = {name: change(name, r.model, r.checked) for name in FIELDS}
        for name, kind in kinds.items():
            changes[name][kind] += 1
        before, after = verdicts(r.posting, r.model), verdicts(r.posting, r.checked)
        for name in before.keys() & after.keys():
            effect = outcome(before, after, [name])
            scores[name].update({effect: 1, "scored": 1, "model_right": int(before[name]),
                                 "checked_right": int(after[name])})
        noted: dict[str, list[str]] = defaultdict(list)
        for note in r.notes:
            group, rule = rule_of(note)
            if group:
                noted[group].append(rule)
        for name in before.keys() & after.keys():
            if outcome(before, after, [name]) == "hurt":
                about = ABOUT[name]
                scores[name][f"lost_{kinds[about]}"] += 1
                lost.append({"id": r.posting.id, "score": name,
                             "model": value_of(r.model, about),
                             "checked": value_of(r.checked, about),
                             "rules": noted[group_of(about)] or [NO_NOTE]})
        for group in {group_of(name) for name in FIELDS}:
            changed = any(kind not in ("kept", "none") for name, kind in kinds.items()
                          if group_of(name) == group)
            effect = outcome(before, after, [n for n, about in ABOUT.items()
                                             if group_of(about) == group])
            for rule in noted[group] or ([NO_NOTE] if changed else []):
                rules[group, rule].update({"fired": 1, "changed": int(changed),
                                           **({effect: 1} if effect else {})})
    return {
        "answers": len(replayed),
        "rejected_by_check": {r.posting.id: r.rejected for r in replayed if r.checked is None},
        "model_alone": quality((r.posting, r.model) for r in replayed),
        "checked": quality((r.posting, r.checked) for r in checked),
        "changes": {name: dict(c) for name, c in changes.items() if set(c) - {"none"}},
        "scores": {name: dict(scores[name]) for name in ABOUT if name in scores},
        "lost": lost,
        "rules": [{"field": group, "rule": rule, **c} for (group, rule), c in
                  sorted(rules.items(), key=lambda item: (item[0][0], -item[1]["fired"]))],
    }


def posting_of(record: dict) -> Posting | None:
    """The posting a hand-written line carries, or None (it names a set's posting)."""
    if "text" not in record:
        return None
    labels = dict(record.get("labels", {}))
    if isinstance(labels.get("salary"), list):
        labels["salary"] = tuple(labels["salary"])
    return Posting(record["id"], record["text"], labels, record.get("source", "indeed"),
                   paste=record.get("paste", ""))


def replay(records: dict[str, dict], data: Path, part: str, parts: tuple[str, ...],
           indeed_labels: Path = INDEED_LABELS,
           files: dict[str, list[Posting]] | None = None) -> tuple[dict, dict]:
    """Replay every recorded answer of `part` ("all": both); a report per set and part,
    and what was skipped (no raw answer, posting not found, text changed since).

    `files`: the postings of labelled files by set name ("File postings.jsonl"), for records
    kept without their posting (a committed recording: the file's labels are today's)."""
    found: dict[str, dict[str, Posting]] = {
        name: {p.id: p for p in postings} for name, postings in (files or {}).items()}
    by_set_name: dict[str, list[Replayed]] = defaultdict(list)
    skipped: Counter = Counter()
    for record in records.values():
        name = record.get("set") or "(unnamed)"
        if not record.get("answer"):
            skipped["no raw answer recorded"] += 1
            continue
        posting = posting_of(record)
        if posting is None:
            if name not in found:
                try:
                    found[name] = {p.id: p for p in by_set(name, data, indeed_labels)}
                except (ValueError, OSError):
                    found[name] = {}
            posting = found[name].get(record["id"])
            if posting is None:
                skipped["posting not found in the data"] += 1
                continue
            if record.get("text_id", text_id(posting.text)) != text_id(posting.text):
                skipped["posting text changed since recorded"] += 1
                continue
        if in_part(posting, part):
            by_set_name[name].append(replay_one(posting, record["answer"]))
    reports = {name: {view: summarise(mine) for view, mine in
                      views(replayed, parts, lambda r: r.posting).items()}
               for name, replayed in by_set_name.items()}
    return reports, dict(skipped)
