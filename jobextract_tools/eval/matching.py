"""The scorer's own text matching, written apart from the router's.

The router keeps a value when it finds it in the posting; a scorer that used the router's
normalisation and readers would count that value as "in the text" by construction. These
few rules (case, punctuation and whitespace folded; numbers read as written) are the
scorer's alone, and a test keeps the evaluation from importing the router's text handling.
"""

from __future__ import annotations

import html
import re


def norm(text: str | None) -> str:
    """Case, punctuation and whitespace folded: 'Sr. Engineer (m/f)' -> 'sr engineer m f'."""
    return " ".join(re.sub(r"\W+", " ", html.unescape(text or "").casefold()).split())


def contains(normalised_text: str, value: str | None) -> bool:
    """`value`'s whole words appear together in the text (already `norm`-ed)."""
    key = norm(value)
    return bool(key) and f" {key} " in f" {normalised_text} "


def letters(text: str | None) -> str:
    """Only the letters and digits, case folded: text flattened from a page glues words
    ("Payroll ClerkReports to"), and a value copied from it is still in it."""
    return re.sub(r"[\W_]+", "", html.unescape(text or "").casefold())


def close(value: float, stated: float) -> bool:
    """The same figure within 1% (a model may write 55.5 for "$55.50/hr")."""
    return abs(value - stated) <= 0.01 * max(abs(stated), 1.0)


# A number as postings write it: 120,000 · 120.000 · 120 000 · 95,000.00 · 55.50; a k or m
# right after it multiplies it (120k, 1.5m). Text flattened from a page glues words to
# figures ("teamPay$40,000-$55,000Applying"): only digits bound a number.
_AMOUNT = r"\d{1,3}(?:[,.\u00a0 ]\d{3})+(?:[.,]\d{1,2})?(?!\d)|\d+(?:\.\d+)?"
_SUFFIX = r"([kKmM](?![a-z]))"
_NUMBER = re.compile(rf"(?<![\d.,])({_AMOUNT})\s?{_SUFFIX}?(?!\d)")
# "60-80K", "$50 to 60k": the suffix after the second figure covers the first.
_RANGE = re.compile(rf"(?<![\d.,])({_AMOUNT})\s*(?:-|–|—|to)\s*\$?\s*({_AMOUNT})\s?{_SUFFIX}")
_SCALE = {"": 1, "k": 1_000, "m": 1_000_000}


def amount(digits: str, suffix: str = "") -> float:
    """'120,000', '120.000,50' (the European way), '1 500' as a number, times k or m."""
    plain = re.sub(r"[\u00a0 ]", "", digits)
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+(?:,\d{1,2})?", plain):
        plain = plain.replace(".", "").replace(",", ".")
    return float(plain.replace(",", "")) * _SCALE[suffix.lower()]


def figures(text: str) -> set[float]:
    """Every number the text writes, with and without its k/m applied, and the first figure
    of a range scaled by the suffix written after the second."""
    found = set()
    for digits, suffix in _NUMBER.findall(text):
        found |= {amount(digits), amount(digits, suffix)}
    for low, _, suffix in _RANGE.findall(text):
        found.add(amount(low, suffix))
    return found


def stated(value: float, text_figures: set[float]) -> bool:
    return any(close(value, figure) for figure in text_figures)
