"""Keep what the posting does not state out of the result.

A small model invents: asked for a salary it produces one whether or not the posting states
it (measured on EMSCAD: all 18 postings without a salary came back with one), it writes
"Remote" as the company, a sentence as the title. Every answer, local or cloud, passes
through these checks (answer.check_answer) before it is returned:

- salary: the salary reader (salary.py) confirms the model's figures against a pay mention
  in the text and takes its range, period and currency from there; fills a salary the model
  missed from a clearly marked mention; drops figures the text does not state. The source
  is recorded in a note.
- title, company, location and skills must be found in the posting after normalising case,
  whitespace and punctuation. An unfound title is re-asked (the failure fed back) while
  attempts remain, then null; an unfound company, location or skill is dropped.
"""

from __future__ import annotations

import math
import re

from router_svc.errors import InvalidOutput
from router_svc.salary import SalaryMention, find_salaries, parse_amount, plausible
from router_svc.schema import JobPosting

# 120,000 · 120000 · 55.50 · 120k · 1.5m (a "k"/"m" right after the number multiplies it)
NUMBER = re.compile(r"(?<![\w.])(\d{1,3}(?:[,.\u00a0 ]\d{3})+|\d+(?:\.\d+)?)\s?([kKmM])?(?![\w])")
# Answers that name no organisation, whatever the posting says.
NOT_A_COMPANY = {"remote", "hybrid", "onsite", "on site", "confidential", "undisclosed",
                 "unknown", "not specified", "n a", "none", "null", "company", "the company",
                 "our client", "client", "employer", "various"}


def norm(text: str | None) -> str:
    """Case, punctuation and whitespace folded away: 'Sr. Engineer (m/f)' -> 'sr engineer m f'."""
    return " ".join(re.sub(r"[^\w]+", " ", (text or "").casefold()).split())


def found_in(value: str, normalised_text: str) -> bool:
    key = norm(value)
    return bool(key) and f" {key} " in f" {normalised_text} "


# Two capitals after a comma that are legal forms, not states or countries.
_LEGAL_FORMS = {"AG", "SA", "NV", "BV", "AB", "AS", "OY", "SE", "KG", "SL", "LP"}


def looks_like_a_place(value: str) -> bool:
    """'US, PA, Kutztown', 'Austin, TX', 'GB, LND': a place written the way postings write
    locations (a state or country code between commas), not an organisation."""
    parts = [p.strip() for p in value.split(",")]
    return len(parts) >= 2 and any(len(p) == 2 and p.isalpha() and p.isupper()
                                   and p not in _LEGAL_FORMS for p in parts)


def stated_numbers(text: str) -> set[float]:
    """Every number written in `text`, with and without a k/m suffix applied."""
    numbers = set()
    for digits, suffix in NUMBER.findall(text):
        numbers |= {v for v in (parse_amount(digits), parse_amount(digits, suffix) if suffix
                                else None) if v is not None}
    return numbers


def close(value: float, stated: float) -> bool:
    """Equal within 1% (how salary figures are compared, here and in the evaluation)."""
    return abs(value - stated) <= 0.01 * max(abs(stated), 1.0)


def _figure(value) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return None
    return float(value)


def _take(data: dict, mention: SalaryMention) -> None:
    model_period = data.get("salary_period")
    period = mention.period or (model_period if plausible(mention.low, model_period)
                                and plausible(mention.high, model_period) else None)
    data.update(salary_min=mention.low, salary_max=mention.high,
                salary_currency=mention.currency, salary_period=period)


def _best_match(figures: list[float], mentions: list[SalaryMention]) -> SalaryMention | None:
    """The mention agreeing with most of the model's figures (marked pay, then first, wins)."""
    scored = [(sum(close(f, m.low) or close(f, m.high) for f in figures), m.strong, -m.start, m)
              for m in mentions]
    best = max(scored, key=lambda s: s[:3], default=None)
    return best[3] if best and best[0] > 0 else None


def reconcile_salary(data: dict, text: str) -> tuple[list[str], bool]:
    """Set the answer's salary fields from what the text states; notes and whether dropped.

    Works on the decoded answer before validation, so a model's swapped or half-wrong range
    is corrected from the text instead of failing validation."""
    if not isinstance(data, dict):
        return [], False
    figures = [f for f in (_figure(data.get("salary_min")), _figure(data.get("salary_max")))
               if f is not None]
    mentions = find_salaries(text)
    pay = next((m for m in mentions if m.strong), None)  # the first amount marked as pay
    if not figures:
        if pay is None:
            return [], False
        _take(data, pay)
        return [f"salary from the posting ({pay.text!r}); the model gave none"], False
    matched = _best_match(figures, mentions)
    if matched is not None and (matched.strong or pay is None):
        _take(data, matched)
        return [f"salary from the posting ({matched.text!r}), confirming the model"], False
    if matched is not None:  # an amount not marked as pay, while the pay is stated
        _take(data, pay)
        return [f"salary from the posting ({pay.text!r}); the model gave {matched.text!r}, "
                "an amount not marked as pay"], False
    numbers = stated_numbers(text)
    missing = [f for f in figures if not any(close(f, n) for n in numbers)]
    if not missing:
        return ["salary from the model (figures stated in the posting, not as pay the "
                "salary reader recognises)"], False
    data.update(salary_min=None, salary_max=None, salary_currency=None, salary_period=None)
    notes = ["salary dropped: " + ", ".join(f"{v:g}" for v in missing)
             + " not stated in the posting"]
    if pay is not None:
        _take(data, pay)
        notes.append(f"salary from the posting ({pay.text!r}); the model gave another")
    return notes, True


def ground_strings(job: JobPosting, text: str, final: bool) -> tuple[JobPosting, list[str]]:
    """Drop company, location and skills not found in the text; re-ask for an unfound title
    (InvalidOutput) unless this is the last attempt, when the title becomes null."""
    normalised = norm(text)
    update, notes = {}, []
    if job.title is not None and not found_in(job.title, normalised):
        if not final:
            raise InvalidOutput(
                f"title {job.title!r} does not appear in the posting: give the job's name "
                "exactly as the posting writes it, or null if it names none")
        update["title"] = None
        notes.append(f"title {job.title!r} dropped: not in the posting")
    if job.company is not None and (norm(job.company) in NOT_A_COMPANY
                                    or norm(job.company) == norm(job.location)
                                    or looks_like_a_place(job.company)
                                    or not found_in(job.company, normalised)):
        update["company"] = None
        notes.append(f"company {job.company!r} dropped: not an organisation named in the posting")
    if job.location is not None and not found_in(job.location, normalised):
        update["location"] = None
        notes.append(f"location {job.location!r} dropped: not in the posting")
    skills = [s for s in job.skills if found_in(s, normalised)]
    if len(skills) < len(job.skills):
        update["skills"] = skills
        notes.append(f"{len(job.skills) - len(skills)} skill(s) dropped: not in the posting")
    return (job.model_copy(update=update) if update else job), notes
