"""The salary reader and the grounding checks: what the posting states, and nothing else.

Cases are written in the style of the evaluation data (EMSCAD's run-together sections,
SkillSpan's spaced tokens, common UK/EU/US formats), not copied from any held-out posting.
"""

from __future__ import annotations

import pytest

from router_svc.answer import check_answer
from router_svc.errors import InvalidOutput
from router_svc.grounding import norm
from router_svc.salary import find_salaries
from tests.test_router_units import answer


def salary(job):
    return (job.salary_min, job.salary_max, job.salary_currency, job.salary_period)


# ---- the reader ------------------------------------------------------------------------------

@pytest.mark.parametrize("text,expected", [
    ("Salary: $120,000 - $180,000", (120000, 180000, "USD", None)),
    ("Compensation: EUR 50k-60k per year", (50000, 60000, "EUR", "year")),
    ("$55-60/hr, paid weekly", (55, 60, "USD", "hour")),
    ("Gehalt: 45.000 - 55.000 EUR", (45000, 55000, "EUR", None)),
    ("Salary:\n20000-28000", (20000, 28000, None, None)),
    ("60-80K salary, based on experience", (60000, 80000, None, None)),
    ("Starting Pay: $8.50 an hourTop performers earn more", (8.5, 8.5, "USD", "hour")),
    ("Hours 7am-3:30 pm $14- $18hr Applicant must", (14, 18, "USD", "hour")),
    ("Salary Scale: $44,624 - $53,764 annualized salary", (44624, 53764, "USD", "year")),
    ("Jobs in Asia$1,500+ USD monthly ($200 Cost of living)", (1500, 1500, "USD", "month")),
    ("£25,000 - £30,000 pa plus benefits", (25000, 30000, "GBP", "year")),
    ("Rate: £350 per day inside IR35", (350, 350, "GBP", "day")),
    ("You will earn 30 USD/h", (30, 30, "USD", "hour")),
    ("paid $500 per week", (500, 500, "USD", "week")),
    ("up to $25/hour depending on experience", (25, 25, "USD", "hour")),
    ("base salary of $120k-$150k plus equity", (120000, 150000, "USD", None)),
    ("a salary of C$ 85,000 per annum", (85000, 85000, "CAD", "year")),
    ("Annual salary : 42 000 € gross", (42000, 42000, "EUR", "year")),
    ("Løn : 45 000 kr . om måneden ( salary )", (45000, 45000, None, None)),
])
def test_reader_finds_the_stated_pay(text, expected):
    first = find_salaries(text)[0]
    assert (first.low, first.high, first.currency, first.period) == expected


@pytest.mark.parametrize("text", [
    "Competitive salary and a 401k plan",
    "2+ years of experience; 24/7 support rota",
    "typing skills required - 7,000 keystrokes per hour",
    "manage a P&L in excess of $100 million annually",
    "salary review every year since 2015",
    "We are 250 employees in 12 countries",
    "",
])
def test_reader_finds_no_pay_where_none_is_stated(text):
    assert [m for m in find_salaries(text) if m.strong] == []


def test_a_bare_amount_is_weak():
    (mention,) = find_salaries("a $3250 commission on a good deal")
    assert not mention.strong


# ---- salary checks on an answer --------------------------------------------------------------

@pytest.mark.parametrize("text,model,expected,note", [
    # confirmed, range and period taken from the text
    ("Salary: $120,000 - $180,000 a year", (120000, 180000, "USD", "year"),
     (120000, 180000, "USD", "year"), "confirming"),
    # a swapped range would fail validation; the text settles it
    ("Love travel? Jobs in Asia$1,500+ USD monthly ($200 Cost of living)",
     (1500, 200, "USD", "month"), (1500, 1500, "USD", "month"), "confirming"),
    # an hourly rate the model called weekly
    ("Pay: $18-20/hr, weekly paychecks", (18, 20, "USD", "week"), (18, 20, "USD", "hour"),
     "confirming"),
    # stated without currency: none is invented
    ("Salary:\n20000-28000", (20000, 28000, "USD", "year"), (20000, 28000, None, "year"),
     "confirming"),
    # a period that cannot be right for the figure is not kept
    ("Salary:\n20000-28000", (20000, 28000, None, "hour"), (20000, 28000, None, None),
     "confirming"),
    # the model took an amount that is not the pay: the marked pay wins
    ("Get paid to travel! Jobs in Asia$1,500+ USD monthly ($200 Cost of living)",
     (200, 200, "USD", "month"),
     (1500, 1500, "USD", "month"), "not marked as pay"),
    # missed by the model, filled from a clearly marked mention
    ("Starting pay is $10.00 per hour", (None, None, None, None), (10, 10, "USD", "hour"),
     "the model gave none"),
    # invented: dropped
    ("Competitive salary and a 401k plan", (50000, 60000, "EUR", "year"),
     (None, None, None, None), "salary dropped"),
    ("Great team, no figures here", (15000, 20000, "USD", "year"), (None, None, None, None),
     "salary dropped"),
    # invented while the text states another: dropped, and the stated one taken
    ("Salary: £25,000 - £30,000 pa", (50000, 60000, "EUR", "year"),
     (25000, 30000, "GBP", "year"), "salary dropped"),
])
def test_salary_is_what_the_text_states(text, model, expected, note):
    low, high, currency, period = model
    checked = check_answer(answer(salary_min=low, salary_max=high, salary_currency=currency,
                                  salary_period=period), f"Engineer\n{text}", final=False)
    assert salary(checked.job) == expected
    assert any(note in n for n in checked.notes)
    assert checked.salary_dropped == (note == "salary dropped")


def test_no_salary_anywhere_stays_null_without_a_note():
    checked = check_answer(answer(), "Engineer wanted. Great team.", final=False)
    assert salary(checked.job) == (None, None, None, None) and checked.notes == []


def test_a_bare_amount_confirms_but_never_supplies():
    text = "Engineer: a $3250 commission on a good deal"
    assert salary(check_answer(answer(), text, final=False).job) == (None, None, None, None)
    kept = check_answer(answer(salary_min=3250, salary_max=3250), text, final=False).job
    assert (kept.salary_min, kept.salary_currency) == (3250, "USD")


def test_an_ambiguous_currency_is_left_null_instead_of_failing():
    # a model's "kr" is not an ISO code; the reader knows "kr" but not which krone
    checked = check_answer(answer(salary_min=45000, salary_max=45000, salary_currency="kr"),
                           "Engineer. Løn : 45 000 kr . om måneden ( salary )", final=False)
    assert salary(checked.job)[:3] == (45000, 45000, None)


# ---- strings ---------------------------------------------------------------------------------

POSTING = """Job title:
Sr. Data Engineer (m/f/d)

Location:
US, NY, New York

About the company:
Northwind Traders builds supply-chain software. We use Python, dbt and Snowflake."""


def test_normalising_folds_case_punctuation_and_spacing():
    assert norm("  Sr. Data-Engineer (m/f/d)\n") == "sr data engineer m f d"


def test_grounded_strings_are_kept():
    checked = check_answer(answer(title="Sr. Data Engineer", company="Northwind Traders",
                                  location="US, NY, New York", skills=["python", "DBT"]),
                           POSTING, final=False)
    job = checked.job
    assert (job.title, job.company, job.location) == ("Sr. Data Engineer", "Northwind Traders",
                                                      "US, NY, New York")
    assert job.skills == ["python", "DBT"] and checked.notes == []


@pytest.mark.parametrize("company", ["Remote", "Acme Corp", "US, NY, New York", "our client",
                                     "US, NY"])
def test_a_company_not_named_in_the_posting_is_dropped(company):
    checked = check_answer(answer(company=company, location="US, NY, New York"), POSTING + " Remote",
                           final=False)
    assert checked.job.company is None
    assert any(n.startswith("company") for n in checked.notes)


def test_a_place_written_as_a_location_is_not_a_company():
    from router_svc.grounding import looks_like_a_place

    assert looks_like_a_place("US, PA, Kutztown") and looks_like_a_place("Austin, TX")
    assert not looks_like_a_place("Siemens, AG") and not looks_like_a_place("Acme, Inc.")
    assert not looks_like_a_place("Northwind Traders")


def test_unfound_location_and_skills_are_dropped():
    checked = check_answer(answer(location="Berlin", skills=["Python", "Kubernetes"]), POSTING,
                           final=False)
    assert checked.job.location is None and checked.job.skills == ["Python"]


def test_an_unfound_title_is_reasked_then_nulled():
    invented = answer(title="We are looking for a rockstar")
    with pytest.raises(InvalidOutput, match="does not appear in the posting"):
        check_answer(invented, POSTING, final=False)
    checked = check_answer(invented, POSTING, final=True)
    assert checked.job.title is None and checked.job.to_proto().HasField("title") is False


def test_a_word_inside_another_word_is_not_found():
    with pytest.raises(InvalidOutput):
        check_answer(answer(title="Data Eng"), POSTING, final=False)
