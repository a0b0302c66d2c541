"""Keep what the posting does not state out of the result.

A small model asked for a salary tends to produce one, stated or not (measured on EMSCAD:
every one of 18 postings without a salary came back with one, often the worked example's).
A salary figure stays only when the posting states that number, in any common form
("120,000", "120000", "$120k", "55.50", "50k-60k"); otherwise the salary fields are
dropped and the reason is recorded.
"""

from __future__ import annotations

import re

from router_svc.schema import JobPosting

# 120,000 · 120000 · 55.50 · 120k · 1.5m (a "k"/"m" right after the number multiplies it)
NUMBER = re.compile(r"(?<![\w.])(\d{1,3}(?:[,.\u00a0 ]\d{3})+|\d+(?:\.\d+)?)\s?([kKmM])?(?![\w])")


def stated_numbers(text: str) -> set[float]:
    numbers = set()
    for digits, suffix in NUMBER.findall(text):
        plain = re.sub(r"[,\u00a0 ]", "", digits)
        if re.fullmatch(r"\d{1,3}(\.\d{3})+", plain):  # 120.000 written the European way
            plain = plain.replace(".", "")
        try:
            value = float(plain)
        except ValueError:
            continue
        numbers.add(value)
        if suffix:
            numbers.add(value * (1000 if suffix in "kK" else 1_000_000))
    return numbers


def _stated(value: float, numbers: set[float]) -> bool:
    return any(abs(value - n) <= 0.01 * max(abs(n), 1.0) for n in numbers)


def ground_salary(job: JobPosting, text: str) -> tuple[JobPosting, str]:
    """The job with unstated salary figures removed, and a note saying what was removed."""
    figures = [v for v in (job.salary_min, job.salary_max) if v is not None]
    if not figures:
        return job, ""
    numbers = stated_numbers(text)
    missing = [v for v in figures if not _stated(v, numbers)]
    if not missing:
        return job, ""
    cleared = job.model_copy(update={"salary_min": None, "salary_max": None,
                                     "salary_currency": None, "salary_period": None})
    return cleared, ("salary dropped: " + ", ".join(f"{v:g}" for v in missing)
                     + " not stated in the posting")
