"""Held-out discipline and replays: the fixed split, a scorer written apart from the router,
and the answer check replayed over recorded answers. Postings and answers here are written
for these tests (none is copied from a data set); no model and no shared data is needed."""

from __future__ import annotations

import ast
import csv
import json
from collections import Counter
from pathlib import Path

import pytest

from jobextract.v1 import extraction_pb2 as pb
from jobextract_tools.eval import datasets, replay
from jobextract_tools.eval.command import main
from jobextract_tools.eval.datasets import HELD_OUT, PARTS, TUNING, Posting, part_of
from jobextract_tools.eval.report import markdown, replay_markdown
from jobextract_tools.eval.runner import _carried, text_id
from jobextract_tools.eval.scoring import by_part, quality
from tests.test_eval import write_indeed_fixture

EVAL = Path(datasets.__file__).parent
# The router's text handling: what the scorer must not use to judge the router's output.
ROUTER_TEXT = ("router_svc.readers", "router_svc.grounding", "router_svc.instructions")


def test_the_split_is_fixed_by_the_ids_hash():
    # sha256("indeed:0") starts with 0x0d, below half of 256: the scheme is pinned, so a
    # change to it (which would mix tuning rows into the held-out part) fails here.
    assert part_of("indeed", "0") == HELD_OUT
    assert part_of("glassdoor", "gd00a1b2c3d4") == part_of("glassdoor", "gd00a1b2c3d4")
    ids = [str(i) for i in range(4000)]
    held = sum(part_of("emscad", i) == HELD_OUT for i in ids) / len(ids)
    assert abs(held - datasets.HELD_OUT_SHARE) < 0.03
    # the set's name is part of the hash: one id is not in the same part in every set
    assert [part_of("emscad", i) for i in ids] != [part_of("indeed", i) for i in ids]


def test_readers_split_every_set_and_both_pastes_of_a_row_share_a_part(tmp_path):
    data, labels = write_indeed_fixture(tmp_path)
    text = datasets.indeed(data, "text", labels_path=labels)
    page = datasets.indeed(data, "page", labels_path=labels)
    assert [p.part for p in text] == [p.part for p in page]
    assert [p.part for p in text] == [part_of("indeed", p.id.split("-")[1]) for p in text]
    held = datasets.indeed(data, "text", labels_path=labels, part=HELD_OUT)
    tuning = datasets.indeed(data, "text", labels_path=labels, part=TUNING)
    assert sorted(p.id for p in held + tuning) == sorted(p.id for p in text)
    assert all(p.part == HELD_OUT for p in held) and all(p.part == TUNING for p in tuning)


def test_glassdoor_rows_are_descriptions_labelled_with_the_listing(tmp_path):
    rows = [{"id": "gd0000000001", "job_title": "Data Analyst", "company": "Fabrikam",
             "location": "Reno, NV", "salary_estimate": "$50K-$60K (Glassdoor est.)",
             "job_description": "Job Description\nFabrikam needs a Data Analyst in Reno, NV."}]
    with open(tmp_path / datasets.GLASSDOOR_CSV, "w", newline="", encoding="utf-8") as f:
        import csv
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    (posting,) = datasets.glassdoor(tmp_path)
    assert posting.text == rows[0]["job_description"] and posting.source == "glassdoor"
    assert posting.labels == {"title": "Data Analyst", "company": "Fabrikam",
                              "location": "Reno, NV"}  # no salary: it is Glassdoor's guess
    assert datasets.by_set("Glassdoor", tmp_path)[0].id == posting.id
    assert len(datasets.glassdoor(tmp_path, part=posting.part)) == 1


def imports_of(path: Path) -> set[str]:
    modules = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            modules |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            modules |= {node.module, *(f"{node.module}.{a.name}" for a in node.names)}
    return modules


def test_the_scorer_does_not_use_the_routers_text_handling():
    modules = sorted(EVAL.glob("*.py"))
    assert EVAL / "scoring.py" in modules and EVAL / "matching.py" in modules
    for path in modules:
        used = {m for m in imports_of(path)
                if any(m == t or m.startswith(t + ".") for t in ROUTER_TEXT)}
        assert not used or path.name == "replay.py", f"{path.name} imports {used}"
    # the replay runs the router's check: that is what it measures
    assert "router_svc.answer.check_answer" in imports_of(EVAL / "replay.py")


def line(posting_id, text, labels, answer):
    """One recorded answer that carries its own posting (as a hand-written file may)."""
    full = {"title": "", "company": "", "location": "", "salary": None, "period": None,
            **labels}
    return {"id": posting_id, "set": "Handwritten", "source": "indeed", "text": text,
            "labels": full, "answer": answer if isinstance(answer, str) else json.dumps(
                {"title": None, "company": None, "location": None, "salary_min": None,
                 "salary_max": None, "salary_currency": None, "salary_period": None,
                 "skills": [], "requirements": [], "benefits": [], "description": "x",
                 **answer})}


# What the check does to each, and how that compares with the label:
# - bakery: the model's "Baker" (a part of the page's title) -> "Head Baker": helped; its
#   50,000 -> the stated 52,000 and its "month" -> the stated year: helped; a requirement
#   copied from the prompt's example is dropped (no label).
# - studio: a salary the posting does not state is dropped: helped.
# - remote: a company named "Remote" is dropped as a placeholder: hurt (lost, dropped).
# - nurse: the model's right title is replaced by the page's first line: hurt (lost,
#   replaced).
# - broken: not JSON; the check rejects it (the router would ask again).
ANSWERS = [
    line("bakery", "Head Baker\nCrumb & Co\nPortland, OR\n\nCrumb & Co bakes sourdough for "
                   "cafes across Portland. Pay: $52,000 - $58,000 per year. You will shape "
                   "loaves before dawn.",
         {"title": "Head Baker", "company": "Crumb & Co", "location": "Portland, OR",
          "salary": [52000, 58000], "period": "year"},
         {"title": "Baker", "company": "Crumb & Co", "location": "Portland, OR",
          "salary_min": 50000, "salary_max": 58000, "salary_currency": "USD",
          "salary_period": "month", "requirements": ["2 years on a forklift"]}),
    line("studio", "Hybrid is a small design studio in Leeds. We need a Motion Designer who "
                   "animates product films. Apply with a reel.",
         {"title": "Motion Designer", "company": "Hybrid", "location": "Leeds"},
         {"title": "Motion Designer", "company": "Hybrid", "location": "Leeds",
          "salary_min": 40000, "salary_max": 40000, "salary_currency": "GBP",
          "salary_period": "year"}),
    line("remote", "Remote is a global payroll platform. We hire a Support Engineer to "
                   "answer customer tickets from Lisbon.",
         {"title": "Support Engineer", "company": "Remote", "location": "Lisbon"},
         {"title": "Support Engineer", "company": "Remote", "location": "Lisbon"}),
    line("nurse", "Charge Nurse\nWe are hiring a Registered Nurse for nights at Riverside "
                  "Clinic, Dayton, OH.",
         {"title": "Registered Nurse", "company": "Riverside Clinic", "location": "Dayton, OH"},
         {"title": "Registered Nurse", "company": "Riverside Clinic",
          "location": "Dayton, OH"}),
    line("broken", "Dog walker wanted in Hove.", {"title": "Dog walker"}, "{not json"),
]


def test_replay_counts_what_the_check_changed_and_whether_it_helped():
    report = replay.summarise([replay.replay_one(replay.posting_of(a), a["answer"])
                               for a in ANSWERS])
    assert report["answers"] == 5 and list(report["rejected_by_check"]) == ["broken"]
    scores = report["scores"]
    assert scores["title_exact"] == {"scored": 4, "model_right": 3, "checked_right": 3,
                                     "helped": 1, "hurt": 1, "neutral": 2,
                                     "lost_replaced": 1}
    assert scores["company"]["hurt"] == 1 and scores["company"]["lost_dropped"] == 1
    assert scores["salary_min"] == {"scored": 1, "model_right": 0, "checked_right": 1,
                                    "helped": 1}
    assert scores["salary_null_where_none"]["helped"] == 1
    assert scores["salary_period"] == scores["salary_min"]
    assert not any(s.get("hurt") for name, s in scores.items()
                   if name not in ("title_exact", "title_relaxed", "company"))
    assert report["changes"]["title"] == {"replaced": 2, "kept": 2}
    assert report["changes"]["requirements"]["dropped"] == 1
    assert report["changes"]["salary_period"] == {"replaced": 1, "dropped": 1, "none": 2}
    assert report["changes"]["company"] == {"kept": 3, "dropped": 1}
    rules = {(r["field"], r["rule"]): r for r in report["rules"]}
    dropped = rules["company", "company … dropped: not an organisation named in the posting"]
    assert dropped == {"field": "company", "rule": dropped["rule"], "fired": 1, "changed": 1,
                       "hurt": 1}
    copied = rules["requirements", "N requirements item(s) dropped: copied from the prompt's "
                                   "example"]
    assert copied["fired"] == copied["changed"] == 1 and "hurt" not in copied
    # scored as it stood, the model's own answer is a figure the check improves on
    model, checked = report["model_alone"]["fields"], report["checked"]["fields"]
    assert model["salary_min"]["hits"] == 0 and checked["salary_min"]["hits"] == 1
    table = replay_markdown({"Handwritten": {"all": report}}, {})
    assert "**Model values right by the label that the check lost:** " in table
    assert "title_exact 1 (replaced 1)" in table and "company 1 (dropped 1)" in table
    # each lost value is listed with the rule that lost it, to read the posting
    nurse = next(x for x in report["lost"] if x["id"] == "nurse" and x["score"] == "title_exact")
    assert (nurse["score"], nurse["model"], nurse["checked"]) == \
        ("title_exact", "Registered Nurse", "Charge Nurse")
    assert nurse["rules"] == ["title … from the posting by first-line-naming-a-job (…); the "
                              "model gave …, the posting gives it as its title"]
    assert "- nurse title_exact: 'Registered Nurse' -> 'Charge Nurse' (title … from the " \
           "posting by first-line-naming-a-job" in table


def test_rules_are_notes_with_their_values_blanked():
    assert replay.rule_of("title 'Head Baker' from the posting ('Head Baker'); the model "
                          "gave \"Baker's Mate\", a part of it") == (
        "title", "title … from the posting (…); the model gave …, a part of it")
    assert replay.rule_of("2 skill(s) dropped: not in the posting") == (
        "skills", "N skill(s) dropped: not in the posting")
    assert replay.rule_of("salary from the posting ('$52,000'); confirming the model")[0] \
        == "salary"
    assert replay.rule_of("sentences addressed to the reader (instructions) are not read "
                          "as facts")[0] is None


def test_the_command_replays_an_answers_file_without_a_model(tmp_path, capsys):
    answers = tmp_path / "answers.jsonl"
    answers.write_text("".join(json.dumps(a) + "\n" for a in ANSWERS)
                       + json.dumps({"id": "old", "set": "Handwritten"}) + "\n")
    out = tmp_path / "out"
    assert main(["--answers", str(answers), "--part", "all", "--out", str(out),
                 "--data", str(tmp_path / "none")], prog="jobextract eval") == 0
    printed = capsys.readouterr().out
    assert "## Handwritten, held-out" in printed and "## Handwritten, tuning" in printed
    assert "Skipped: 1 no raw answer recorded" in printed
    (written,) = out.glob("replay-*.json")
    sets = json.loads(written.read_text())["sets"]["Handwritten"]
    assert set(sets) == set(PARTS)
    hurt = Counter()
    for part in sets.values():
        hurt.update({name: s.get("hurt", 0) for name, s in part["scores"].items()})
    assert hurt["title_exact"] == hurt["company"] == 1 and hurt["salary_min"] == 0
    assert sum(part["answers"] for part in sets.values()) == 5
    # held-out only (the default): the postings of the other part are not replayed
    assert main(["--answers", str(answers), "--out", str(out)]) == 0
    held = [a for a in ANSWERS if part_of("indeed", a["id"]) == HELD_OUT]
    assert f"## Handwritten, held-out: {len(held)} recorded answers" in capsys.readouterr().out


def test_records_kept_without_their_posting_find_it_in_the_labelled_file(tmp_path, capsys):
    """A committed recording keeps only ids and answers: --postings FILE beside --answers
    gives the texts and today's labels; a posting whose text changed since is skipped."""
    postings = tmp_path / "mine.jsonl"
    rows = [{"id": a["id"], "text": a["text"], "title": a["labels"]["title"]}
            for a in ANSWERS if a["id"] != "broken"]
    rows[0]["title"] = "Baker"  # a label corrected after the recording: today's counts
    rows[1]["text"] += " Apply by Friday."  # the text changed after the recording
    postings.write_text("".join(json.dumps(r) + "\n" for r in rows))
    answers = tmp_path / "answers.jsonl"
    answers.write_text("".join(
        json.dumps({"id": a["id"], "set": "File mine.jsonl", "answer": a["answer"],
                    "text_id": text_id(a["text"])}) + "\n" for a in ANSWERS))
    out = tmp_path / "out"
    assert main(["--answers", str(answers), "--part", "all", "--out", str(out)]) == 0
    assert "Skipped: 5 posting not found in the data" in capsys.readouterr().out
    assert main(["--answers", str(answers), "--postings", str(postings), "--part", "all",
                 "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "1 posting text changed since recorded; 1 posting not found in the data" in printed
    report = json.loads(max(out.glob("replay-*.json")).read_text())["sets"]["File mine.jsonl"]
    assert sum(part["answers"] for part in report.values()) == 3
    checked = Counter()
    for part in report.values():
        fields = part["checked"]["fields"]
        checked.update({name: fields[name]["hits"] for name in ("title_exact",)
                        if name in fields})
    # bakery's label is now "Baker": the check's "Head Baker" no longer counts; nurse's
    # "Charge Nurse" does not either; remote's title does
    assert checked["title_exact"] == 1


def test_the_command_documents_its_options(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["--help"], prog="jobextract eval")
    assert exit_.value.code == 0
    usage = capsys.readouterr().out
    for option in ("--part {held-out,tuning,all}", "--record FILE", "--answers FILE",
                   "--glassdoor"):
        assert option in usage
    assert "raw answer" in usage and "helped or" in usage


def record(posting: Posting, **job) -> dict:
    return {"id": posting.id, "ok": True, "route": "ROUTE_LOCAL", "attempts": 1,
            "seconds": 2.0, "use_local": True, "job": job, "answer": json.dumps(job)}


def test_a_run_is_reported_by_part_side_by_side():
    postings = [Posting(f"p{i}", "Data Engineer in Denver, CO.",
                        {"title": "Data Engineer", "company": "", "location": "Denver, CO",
                         "salary": None, "period": None}, "indeed") for i in range(8)]
    assert {p.part for p in postings} == set(PARTS)
    records = [record(p, title="Data Engineer", location="Denver, CO") for p in postings]
    reports = {"Indeed text": by_part(records, postings, PARTS, 60.0, 8)}
    held = sum(p.part == HELD_OUT for p in postings)
    assert reports["Indeed text"][HELD_OUT]["postings"] == held
    assert reports["Indeed text"][TUNING]["postings"] == 8 - held
    table = markdown(reports)
    assert table.splitlines()[0] == "| set | figure | held-out | tuning |"
    assert f"| Indeed text | postings | {held} | {8 - held} |" in table
    assert f"|  | title_exact | 100% ({held}/{held}) | 100% ({8 - held}/{8 - held}) |" in table


def test_a_file_saying_how_each_posting_was_pasted_is_reported_by_paste_too(tmp_path):
    """A labelled file's "paste" ("page", "description") adds each kind's figures beside
    the part's, in a run and in a replay of its records."""
    mine = tmp_path / "mine.jsonl"
    pastes = ("page", "description", None)
    mine.write_text("".join(json.dumps(
        {"id": f"p{i}", "text": "Data Engineer\nNorthwind Labs\nDenver, CO",
         "title": "Data Engineer", **({"paste": pastes[i % 3]} if pastes[i % 3] else {})})
        + "\n" for i in range(12)))
    postings = datasets.labelled_file(mine)
    # the model is right on the page copies only
    records = {p.id: {**record(p, title="Data Engineer" if p.paste == "page" else "Analyst"),
                      "set": "File mine.jsonl", **_carried(p)} for p in postings}
    run = by_part(list(records.values()), postings, PARTS, 60.0, 12)
    replayed = replay.replay(records, tmp_path, "all", PARTS)[0]["File mine.jsonl"]
    for part in PARTS:
        pages = sum(p.part == part and p.paste == "page" for p in postings)
        for report, fields in ((run, lambda r: r["fields"]),
                               (replayed, lambda r: r["model_alone"]["fields"])):
            assert set(report) == {f"{part}{view}" for part in PARTS
                                   for view in ("", ", page", ", description")}
            assert fields(report[f"{part}, page"])["title_exact"]["hits"] == pages
            assert fields(report[f"{part}, page"])["title_exact"]["total"] == pages
            assert fields(report[f"{part}, description"])["title_exact"]["hits"] == 0
            assert fields(report[part])["title_exact"]["total"] == sum(
                p.part == part for p in postings)
    mine.write_text(json.dumps({"id": "x", "text": "Cook", "paste": 1}) + "\n")
    with pytest.raises(ValueError, match="mine.jsonl:1"):
        datasets.labelled_file(mine)


def test_requirements_and_benefits_are_scored_item_by_item_against_labelled_spans(tmp_path):
    text = "Data Analyst\nRequirements\nFive years of SQL reporting\nA degree in statistics\n"
    labels = tmp_path / "lists.jsonl"
    start = text.index("Five")
    labels.write_text(json.dumps({"id": "gd-1", "requirements": [
        [start, start + len("Five years of SQL reporting")],
        [text.index("A degree"), len(text) - 1]], "benefits": []}) + "\n")
    listing = {"title": "Data Analyst", "company": "", "location": ""}
    posting = datasets.with_list_labels(Posting("gd-1", text, dict(listing), "glassdoor"),
                                        labels)
    assert posting.labels["requirements"] == ["Five years of SQL reporting",
                                              "A degree in statistics"]
    job = pb.JobPosting(requirements=["Five years of SQL reporting.", "SQL"],
                        benefits=["Dental cover"])
    q = quality([(posting, job)])
    # "SQL" is in a labelled item but is not that item; an item where none is labelled is wrong
    assert (q["requirements_items"]["matched_predicted"], q["requirements_items"]["predicted"],
            q["requirements_items"]["matched_gold"]) == (1, 2, 1)
    assert "benefits_items" not in q  # nothing labelled: no recall to give
    unlabelled = datasets.with_list_labels(Posting("gd-2", text, dict(listing), "glassdoor"),
                                           labels)
    assert "requirements" not in unlabelled.labels


def test_emscad_pay_stated_in_the_text_is_the_label_where_the_salary_range_is_empty(tmp_path):
    columns = ("job_id", "title", "location", "salary_range", "company_profile",
               "description", "requirements", "benefits")
    rows = [("100", "English Teacher Abroad", "US, NY", "", "", "Jobs in Asia", "", ""),
            ("215", "Recruiter", "US, TX", "", "", "Run pay negotiations.", "", ""),
            ("7", "Clerk", "US, OH", "30000-40000", "", "File papers.", "", ""),
            ("999999", "Cook", "US, CA", "", "", "Cook meals.", "", "")]
    with open(tmp_path / "emscad_fake_job_postings_first500.csv", "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(columns)
        writer.writerows(rows)
    salaries = {p.id: p.labels["salary"] for p in datasets.emscad(tmp_path, 10)}
    # labelled as stating pay; labelled as stating none; the row's own range; unlabelled
    assert salaries == {"emscad-100": (1500.0, 1500.0), "emscad-215": None,
                        "emscad-7": (30000.0, 40000.0), "emscad-999999": None}
