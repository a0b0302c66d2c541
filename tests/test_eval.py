"""The quality evaluation: its readers and scoring on small fixtures of its own, the shared
data where it is beside the checkout, and a smoke run through the real router and the tiny
model (scores are meaningless there; the pipeline is not)."""

from __future__ import annotations

import csv
import hashlib
import json
import re
from pathlib import Path

import pytest

from jobextract.v1 import extraction_pb2 as pb
from jobextract_tools.eval import datasets, replay, scoring
from jobextract_tools.eval.datasets import DEFAULT_DATA, Posting
from jobextract_tools.eval.report import markdown
from jobextract_tools.eval.runner import run
from jobextract_tools.records import as_dict, read_records

needs_shared_data = pytest.mark.skipif(
    not DEFAULT_DATA.is_dir(),
    reason=f"the shared evaluation data is not beside this checkout ({DEFAULT_DATA})")

# Written in the style of the Indeed set (one long line, pay repeated at the end); not
# copied from any posting.
INDEED_ROWS = [
    {"Title": "Data Engineer", "Company": "Northwind Traders LLC", "Location": "Denver, CO",
     "Text": "Data Engineer Denver, CO Northwind Traders is growing. You will build pipelines in "
             "Python and SQL. Job Type: Full-time Pay: $95,000.00 - $120,000.00 per year "
             "Benefits: Dental Insurance"},
    {"Title": "IT Support Technician", "Company": "Contoso", "Location": "Remote",
     "Text": "We raised $40M last year. Help our users with laptops and tickets."},
    {"Title": "Data Engineer", "Company": "Northwind Traders LLC", "Location": "Denver, CO",
     "Text": "Data Engineer Denver, CO Northwind Traders is growing. You will build pipelines in "
             "Python and SQL. Job Type: Full-time Pay: $95,000.00 - $120,000.00 per year "
             "Benefits: Dental Insurance"},  # a repeated text counts once
    {"Title": "Unlabelled", "Company": "X", "Location": "Y", "Text": "not labelled"},
]
INDEED_LABELS = [
    {"id": "indeed-0", "salary_min": 95000, "salary_max": 120000, "currency": "USD",
     "period": "year"},
    {"id": "indeed-1", "salary_min": None, "salary_max": None, "currency": None,
     "period": None},
    {"id": "indeed-2", "salary_min": 95000, "salary_max": 120000, "currency": "USD",
     "period": "year"},
]


def write_indeed_fixture(folder):
    """A small copy of the Indeed set in `folder`, and its labels file."""
    with open(folder / datasets.INDEED_CSV, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=["Title", "Company", "Location", "Text"])
        writer.writeheader()
        writer.writerows(INDEED_ROWS)
    labels = folder / "labels.jsonl"
    labels.write_text("".join(json.dumps(label) + "\n" for label in INDEED_LABELS))
    return folder, labels


@pytest.fixture
def indeed_data(tmp_path):
    return write_indeed_fixture(tmp_path)


def test_indeed_pastes_from_labelled_rows(indeed_data):
    data, labels = indeed_data
    text = datasets.indeed(data, "text", labels_path=labels)
    page = datasets.indeed(data, "page", labels_path=labels)
    assert [p.id for p in text] == ["indeed-0-text", "indeed-1-text"]
    assert text[0].text == INDEED_ROWS[0]["Text"]
    assert page[0].text.startswith("Data Engineer\nNorthwind Traders LLC\nDenver, CO\n\n")
    assert text[0].labels["salary"] == (95000, 120000) and text[1].labels["salary"] is None
    assert [p.id for p in datasets.indeed(data, "text", 1, 0, labels)] == ["indeed-0-text"]


def job(**fields) -> pb.JobPosting:
    return pb.JobPosting(description="d", **fields)


def test_indeed_scoring_counts_only_what_the_text_gives(indeed_data):
    data, labels = indeed_data
    pay, no_pay = datasets.indeed(data, "text", labels_path=labels)
    tally = scoring.Tally()
    scoring.score(pay, job(title="Data Engineer", company="Northwind", location="Denver, CO",
                           salary_min=95000, salary_max=120000,
                           salary_period=pb.SALARY_PERIOD_YEAR), tally, {})
    scoring.score(no_pay, job(title="IT Support", salary_min=40e6, salary_max=40e6), tally, {})
    rates = tally.rates()
    # The no-pay posting's title, company and location are not in its text: not scored.
    assert rates["title_exact"]["total"] == 1 and rates["title_exact"]["hits"] == 1
    assert rates["company"] == {"rate": 1.0, "hits": 1, "total": 1}  # "LLC" left out
    assert rates["salary_min"]["hits"] == rates["salary_period"]["hits"] == 1
    assert rates["salary_null_where_none"] == {"rate": 0.0, "hits": 0, "total": 1}


def test_a_labelled_file_is_scored_on_the_fields_it_labels(tmp_path):
    mine = tmp_path / "mine.jsonl"
    mine.write_text(json.dumps({"id": "a", "text": "Barista\nPay: $15 an hour.",
                                "title": "Barista", "salary_min": 15, "salary_max": 15,
                                "salary_currency": "USD", "salary_period": "hour"}) + "\n\n"
                    + json.dumps({"id": "b", "text": "Tutor wanted. Volunteers only.",
                                  "title": "Tutor", "salary_min": None}) + "\n"
                    + json.dumps({"id": "c", "text": "Pay: up to $21 an hour.",
                                  "salary_min": None, "salary_max": 21}) + "\n")
    a, b, c = datasets.labelled_file(mine)
    assert a.labels["salary"] == (15.0, 15.0) and a.labels["period"] == "hour"
    # one end labelled ("up to $21") is pay stated as a single figure, not pay left unstated
    assert b.labels["salary"] is None and c.labels["salary"] == (21.0, 21.0)
    assert a.part == datasets.part_of("file", "a")
    right = pb.JobPosting(title="Barista", salary_min=15, salary_max=15,
                          salary_period=pb.SALARY_PERIOD_HOUR)
    # a field the file does not label (company, location) is not scored
    assert scoring.verdicts(a, right) == {"title_exact": True, "title_relaxed": True,
                                          "salary_min": True, "salary_max": True,
                                          "salary_period": True}
    assert scoring.verdicts(b, pb.JobPosting(title="Tutor", salary_min=20)) == {
        "title_exact": True, "title_relaxed": True, "salary_null_where_none": False}
    mine.write_text('{"id": "c"}\n')
    with pytest.raises(ValueError, match="mine.jsonl:1"):
        datasets.labelled_file(mine)


def test_the_probe_set_is_a_labelled_file():
    postings = datasets.labelled_file(datasets.PROBE_POSTINGS)
    assert len(postings) == 2850 and len({p.id for p in postings}) == 2850
    assert all(p.labels["title"] and p.labels["company"] and p.labels["location"]
               and "salary" in p.labels for p in postings)
    # both halves of the split hold postings of every writer ("A01" .. "Z25", "AA01" ..
    # "AZ25", "BA01" .. "BZ25", "CA01" .. "CZ25", "DA01" .. "DJ25")
    writers = [*"ABCDEFGHIJKLMNOPQRSTUVWXYZ",
               *(f"A{letter}" for letter in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"),
               *(f"B{letter}" for letter in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"),
               *(f"C{letter}" for letter in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"),
               *(f"D{letter}" for letter in "ABCDEFGHIJ")]
    assert {(p.id.rstrip("0123456789"), p.part) for p in postings} == {
        (w, part) for w in writers for part in datasets.PARTS}
    # each says how it was pasted, and both halves hold both kinds
    assert {(p.paste, p.part) for p in postings} == {
        (paste, part) for paste in ("page", "description") for part in datasets.PARTS}


# What the probe's committed answers were asked with: the prompt's messages and the schema
# generation follows. A change to either leaves them stale (the figures they replay to are
# no longer what the service answers): record them again (probe/README.md) and set this.
PROBE_ANSWERS_ASKED_WITH = "de8ff4a6183b75e8"


def test_the_probe_answers_were_recorded_with_todays_prompt_and_schema():
    from router_svc import prompt
    from router_svc.schema import schema_text

    asked = json.dumps([prompt.messages(""), schema_text()])
    assert hashlib.sha256(asked.encode()).hexdigest()[:16] == PROBE_ANSWERS_ASKED_WITH, \
        "the prompt or the schema changed since jobextract_tools/eval/probe/answers.jsonl " \
        "was recorded: record it again (probe/README.md) and set PROBE_ANSWERS_ASKED_WITH"


# The README's probe table: its columns, as the scorer names the rates they show
README_PROBE_COLUMNS = (("title_exact",), ("company",), ("location_relaxed",),
                        ("salary_min", "salary_max", "salary_period"),
                        ("salary_null_where_none",))


def readme_probe_figures(label: str) -> tuple[int, dict[str, tuple[int, int]]]:
    """The README probe table's row whose label starts with `label`: its count of
    postings, and rate -> (hits, total)."""
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    table = readme.split("\n| probe half |", 1)[1].split("\n\n", 1)[0]
    (row,) = [line for line in table.splitlines() if line.startswith(f"| {label}")]
    label_cell, *cells = row.strip("|").split("|")
    figures = {}
    for names, cell in zip(README_PROBE_COLUMNS, cells, strict=True):
        pairs = re.findall(r"(\d+)/(\d+)", cell)
        assert len(pairs) == len(names), cell
        figures.update({n: (int(h), int(t)) for n, (h, t) in zip(names, pairs)})
    return int(re.search(r"\((\d+)", label_cell)[1]), figures


# The README probe table's rows: the replay's view of the held-out half -> the row's label
README_PROBE_ROWS = {"held-out": "held-out (", "held-out, description": "held-out, descriptions",
                     "held-out, page": "held-out, page copies"}


def test_the_probe_answers_replay_to_the_readmes_held_out_figures(tmp_path, capsys):
    """The committed answers (the embedded model's, recorded once) replay against today's
    postings, every record found with its text unchanged, and today's check makes of the
    held-out answers what the README's probe table states, for as many, in all and by
    paste: a change that moves a figure updates the README with it."""
    from jobextract_tools.eval.command import main

    assert main(["--answers", str(datasets.PROBE_ANSWERS),
                 "--postings", str(datasets.PROBE_POSTINGS), "--out", str(tmp_path)]) == 0
    capsys.readouterr()
    (written,) = tmp_path.glob("replay-*.json")
    report = json.loads(written.read_text())
    assert report["skipped"] == {}
    views = report["sets"]["File postings.jsonl"]
    assert set(views) == set(README_PROBE_ROWS)
    for view, label in README_PROBE_ROWS.items():
        assert not views[view]["rejected_by_check"]
        rates = views[view]["checked"]["fields"]
        count, figures = readme_probe_figures(label)
        assert count == views[view]["answers"], view
        assert {name: (rates[name]["hits"], rates[name]["total"]) for name in figures} \
            == figures, view


def test_salary_not_in_this_paste_is_not_scored():
    posting = Posting("p", "Analyst wanted.", {"title": "Analyst", "company": "", "location": "",
                                               "salary": (50000.0, 60000.0), "period": "year"},
                      "indeed")
    tally = scoring.Tally()
    scoring.score(posting, job(), tally, {})
    assert "salary_min" not in tally.rates()


def test_a_value_copied_from_glued_text_is_not_counted_as_invented():
    posting = Posting("p", "Position Title: Payroll ClerkReports to: Controller", {}, "indeed")
    tally = scoring.Tally()
    scoring.score_grounding(posting, pb.JobPosting(title="Payroll Clerk"), tally)
    scoring.score_grounding(posting, pb.JobPosting(title="Payroll Manager"), tally)
    assert tally.rates()["strings_in_text"] == {"hits": 1, "total": 2, "rate": 0.5}


@pytest.mark.parametrize("answer, label, same", [
    ("Phoenix, AZ", "US, AZ, Phoenix", True), ("Washington DC", "US, DC, Washington", True),
    ("Rockville, MD", "US, MD, ", True), ("Austin", "Austin, TX", True),
    ("Fort Worth, TX", "US, FL, Fort Worth", False), ("Dallas, TX", "US, TX, Austin", False),
])
def test_a_place_is_the_same_however_its_parts_are_ordered(answer, label, same):
    assert scoring.same_place(answer, label) is same


def test_copies_of_the_prompts_examples_are_counted_from_the_raw_answer():
    from tests.test_router_units import answer

    text = "We hire a Payroll Clerk in Reno, NV. Fabrikam runs payroll for 40 clinics."
    raw = answer(title="Payroll Clerk", company="Quillmark Press", location="Ogden, UT",
                 requirements=["have built one site before", "payroll"],
                 description="Keeps the publisher's online shop running.",
                 salary_min=18, salary_max=18, salary_currency="USD", salary_period="hour")
    # a currency code or a period is the example's word in any answer: not a copy
    assert scoring.example_copies(raw, text) == {"company", "location", "requirements",
                                                 "description"}
    # a value the posting itself contains is not a copy
    assert "company" not in scoring.example_copies(raw, text + " Quillmark Press prints.")
    assert scoring.example_copies("not json", text) == set()
    posting = Posting("p", text, {"title": "Payroll Clerk", "company": "Fabrikam",
                                  "location": "Reno, NV", "salary": None, "period": None},
                      "indeed")
    record = {"id": "p", "ok": True, "route": "ROUTE_LOCAL", "attempts": 1, "seconds": 1.0,
              "use_local": True, "job": {"title": "Payroll Clerk"}, "answer": raw}
    report = scoring.summarise([record], {"p": posting}, 60.0, 1)
    assert report["fields"]["answers_copying_an_example"]["hits"] == 1
    assert report["example_copies_by_field"]["requirements"] == 1
    table = markdown({"one": {"held-out": report}})
    assert "| postings/min (this run, all parts) | 1.00 |" in table


@needs_shared_data
def test_reading_the_shared_evaluation_data():
    rows = datasets.emscad(DEFAULT_DATA, 500)
    assert len(rows) == 500 and rows[0].text.startswith("Job title:")
    with_salary = [r for r in rows if r.labels["salary"]]
    # 81 salary ranges (of 82 values, one is the "09-Dec" artefact), and 40 rows with none
    # whose text states pay (labels/emscad_salary.jsonl)
    assert len(with_salary) == 81 + 40
    dev = datasets.skillspan(DEFAULT_DATA, "dev")
    assert len(dev) == 58 and all(p.labels["skills"] for p in dev[:5])
    assert datasets.salary_label("50000-65000") == (50000, 65000)
    assert datasets.salary_label("09-Dec") is None
    for variant in datasets.INDEED_VARIANTS:
        postings = datasets.indeed(DEFAULT_DATA, variant)
        # 122 labelled rows, some with the same text as an earlier one
        assert 100 < len(postings) <= 122
        assert len({p.text for p in postings}) == len(postings)
    labels = read_records(datasets.INDEED_LABELS)
    assert len(labels) == 122 and sum(r["salary_min"] is not None for r in labels.values()) == 64


async def test_smoke_run_writes_a_report(start_router, tmp_path, indeed_data):
    router = await start_router()
    data, labels = indeed_data
    postings = (datasets.indeed(data, "text", labels_path=labels)
                + [Posting("skills-1", "Python developer, Kubernetes and SQL.",
                           {"skills": ["Python", "SQL"]}, "skillspan")])
    index = {p.id: p for p in postings}
    records = tmp_path / "records.jsonl"
    outcome = await run(router.address, postings, concurrency=2, timeout=120,
                        records_path=records, set_name="smoke")
    report = scoring.summarise(outcome.records, index, outcome.wall_seconds, outcome.new)
    assert report["postings"] == 3 and len(records.read_text().splitlines()) == 3
    answered = sum(report["routes"].values())
    assert answered + len(report["errors"]) == 3
    assert report["schema_valid_rate"] == answered / 3
    assert report["local_rate_by_threshold"] == 1.0
    assert report["generations_per_posting"] >= 1
    table = markdown({"smoke": {"all": report}})
    assert table.count("\n") >= 3 and "| smoke | postings | 3 |" in table
    json.dumps(report)  # serialisable as written by the command
    # Each record keeps the raw answer its result was checked from: replayed through the
    # same check, it gives the same job.
    for record in outcome.records:
        assert record["set"] == "smoke" and "answer" in record
        if record["ok"]:
            replayed = replay.replay_one(index[record["id"]], record["answer"])
            assert as_dict(replayed.checked) == record["job"]
    again = await run(router.address, postings, concurrency=2, timeout=120,
                      records_path=records)
    assert again.new == 0 and again.records == outcome.records
