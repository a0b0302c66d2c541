"""A smoke run of the quality evaluation: 3 EMSCAD rows and 2 SkillSpan postings through
the real router and the tiny model (scores are meaningless here; the pipeline is not)."""

from __future__ import annotations

import json

from jobextract import eval as evaluation


def test_reading_the_evaluation_data():
    rows = evaluation.emscad(evaluation.DEFAULT_DATA, 500)
    assert len(rows) == 500 and rows[0].text.startswith("Job title:")
    with_salary = [r for r in rows if r.labels["salary"]]
    assert len(with_salary) == 81  # 82 salary_range values, one is the "09-Dec" artefact
    dev = evaluation.skillspan(evaluation.DEFAULT_DATA, "dev")
    assert len(dev) == 58 and all(p.labels["skills"] for p in dev[:5])
    assert evaluation.salary_label("50000-65000") == (50000, 65000)
    assert evaluation.salary_label("09-Dec") is None


async def test_smoke_run_writes_a_report(start_router, tmp_path):
    router = await start_router()
    postings = (evaluation.emscad(evaluation.DEFAULT_DATA, 3)
                + evaluation.skillspan(evaluation.DEFAULT_DATA, "dev", 2))
    records = tmp_path / "records.jsonl"
    report = await evaluation.run(router.address, postings, concurrency=2, timeout=120,
                                  records_path=records)
    assert report["postings"] == 5 and len(records.read_text().splitlines()) == 5
    answered = sum(report["routes"].values())
    assert answered + len(report["errors"]) == 5
    assert report["schema_valid_rate"] == answered / 5
    assert report["local_rate_by_threshold"] == 1.0
    table = evaluation.markdown({"smoke": report})
    assert table.count("\n") >= 3 and "| smoke | 5 |" in table
    json.dumps(report)  # serialisable as written by main()
    again = await evaluation.run(router.address, postings, concurrency=2, timeout=120,
                                 records_path=records)
    assert again["this_run"]["postings"] == 0 and again["fields"] == report["fields"]
