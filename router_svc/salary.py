"""A deterministic salary reader: the pay a posting states, as numbers, period and currency.

Small models miss stated salaries, mislabel hourly rates and invent figures. This reader
finds what the text says ("$55-60/hr", "EUR 50k-60k per year", "Salary: 20000-28000",
"£9.50 an hour", "60-80K salary") so the router can confirm, correct or fill the model's
salary and refuse what the text does not support (see grounding.py).

A mention is *strong* when the text marks it as pay (a salary word before it or a period
after it); a bare amount such as "$3250 commission" is *weak*: it can confirm a figure the
model gave, never supply one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

Period = str  # "hour" | "day" | "week" | "month" | "year"

# Currency markers, longest first where one is a prefix of another. "kr" names three
# currencies and "$" alone is taken as USD (the spec's convention).
_SYMBOLS = {"US$": "USD", "CA$": "CAD", "C$": "CAD", "AU$": "AUD", "A$": "AUD",
            "NZ$": "NZD", "HK$": "HKD", "S$": "SGD", "R$": "BRL", "$": "USD", "€": "EUR",
            "£": "GBP", "¥": "JPY", "₹": "INR", "zł": "PLN"}
_CODES = ("USD", "EUR", "GBP", "CAD", "AUD", "NZD", "CHF", "SEK", "NOK", "DKK", "INR", "JPY",
          "SGD", "HKD", "ZAR", "PLN", "BRL", "MXN", "CNY", "AED")
_WORDS = {"dollars": "USD", "euros": "EUR", "euro": "EUR", "pounds": "GBP"}

_PERIOD_WORDS = [  # (pattern, period), tried right after the amount; text may lack spaces
    (r"(?:/|per\s+|an?\s+|p\.?\s?)(?:hour|hr\b|h\b)|hourly|p/h\b|ph\b|hr\b", "hour"),
    (r"(?:/|per\s+|a\s+)(?:day|shift)|daily|p/d\b|/d\b", "day"),
    (r"(?:/|per\s+|a\s+)(?:week|wk\b)|weekly|p/w\b|pw\b", "week"),
    (r"(?:/|per\s+|a\s+)(?:month|mo\b|mth\b)|monthly|pcm\b|p/m\b", "month"),
    (r"(?:/|per\s+|a\s+)(?:year|yr\b|annum)|annual|yearly|p\.?\s?a\.?(?!\w)|pa\b|/y\b",
     "year"),
]
_PERIOD_BEFORE = [(r"hourly|per hour", "hour"), (r"daily|day rate", "day"), (r"weekly", "week"),
                  (r"monthly", "month"), (r"annual|yearly|per annum", "year")]
_PAY_WORDS = re.compile(r"salary|salaries|pay\b|paid|compensation|wage|rate\b|remuneration"
                        r"|earn|\bote\b|base\b|stipend|income|package", re.I)

_CURRENCY = (r"(?P<{n}>" + "|".join(re.escape(s) for s in sorted(_SYMBOLS, key=len, reverse=True))
             + "|" + "|".join(_CODES) + r"|kr\.?|dollars|euros?|pounds)")
_AMOUNT = r"(?P<{n}>\d{{1,3}}(?:[,.\u00a0 ]\d{{3}})+|\d+(?:\.\d{{1,2}})?)\s?(?P<{n}k>[kK]\b|[mM]\b|million\b|mn\b)?"
_MENTION = re.compile(
    r"(?<![\w.,])"
    + "(?:" + _CURRENCY.format(n="cur1") + r"\s?)?"
    + _AMOUNT.format(n="low")
    + r"\+?(?:\s*(?:-|–|—|to|and)\s*"
    + "(?:" + _CURRENCY.format(n="cur2") + r"\s?)?"
    + _AMOUNT.format(n="high") + ")?"
    + r"(?:\s?" + _CURRENCY.format(n="cur3") + r"(?![A-Za-z]))?",
    re.I)

# What a salary can plausibly be per period; anything else is a count, a year or revenue.
_PLAUSIBLE = {"hour": (1, 2_000), "day": (10, 20_000), "week": (50, 50_000),
              "month": (100, 500_000), "year": (1_000, 10_000_000)}


@dataclass(frozen=True)
class SalaryMention:
    low: float
    high: float
    currency: str | None
    period: Period | None
    strong: bool
    text: str
    start: int


def parse_amount(digits: str, suffix: str | None = None) -> float | None:
    """'120,000' / '120.000' / '1 500' as a number; a k/m/million suffix multiplies it."""
    plain = digits.replace("\u00a0", "").replace(" ", "")
    if re.fullmatch(r"\d{1,3}(\.\d{3})+", plain):  # 120.000 written the European way
        plain = plain.replace(".", "")
    plain = plain.replace(",", "")
    try:
        value = float(plain)
    except ValueError:
        return None
    suffix = (suffix or "").lower()
    if suffix == "k":
        value *= 1_000
    elif suffix in ("m", "million", "mn"):
        value *= 1_000_000
    return value


def currency_of(marker: str | None) -> str | None:
    if not marker:
        return None
    marker = marker.strip().rstrip(".")
    if marker.upper() in _CODES:
        return marker.upper()
    if marker.lower() in _WORDS:
        return _WORDS[marker.lower()]
    return _SYMBOLS.get(marker.upper(), _SYMBOLS.get(marker))  # "kr": ambiguous, None


def plausible(value: float, period: Period | None) -> bool:
    low, high = _PLAUSIBLE.get(period, (1, 10_000_000))
    return low <= value <= high


def _period_after(text: str, end: int) -> Period | None:
    tail = text[end:end + 24].lstrip(" +.,)(")
    tail = re.sub(r"^(?:(?:gross|net|base|usd|eur|gbp|salary|pay|total)\s+)+", "", tail, flags=re.I)
    for pattern, period in _PERIOD_WORDS:
        if re.match(pattern, tail, re.I):
            return period
    return None


def _period_before(text: str, start: int) -> Period | None:
    head = text[max(0, start - 40):start].lower()
    found = [(head.rfind(m.group(0)), period) for pattern, period in _PERIOD_BEFORE
             for m in re.finditer(pattern, head)]
    return max(found)[1] if found else None


def find_salaries(text: str) -> list[SalaryMention]:
    """Every amount the text states with a currency or as pay, in order of appearance."""
    mentions = []
    for m in _MENTION.finditer(text):
        currency = currency_of(m["cur1"] or m["cur2"] or m["cur3"])
        has_marker = bool(m["cur1"] or m["cur2"] or m["cur3"])
        low_k, high_k = m["lowk"], m["highk"]
        if m["high"] and high_k and not low_k:  # "50-60k": the suffix covers both
            low_k = high_k
        low = parse_amount(m["low"], low_k)
        high = parse_amount(m["high"], high_k) if m["high"] else low
        if low is None or high is None:
            continue
        if high < low:
            if m["high"] and not m["highk"] and high * 1000 >= low:  # "60k-80" is unusual
                continue
            low, high = high, low
        head = text[max(0, m.start() - 30):m.start()]
        period = _period_after(text, m.end()) or _period_before(text, m.start())
        pay_word = bool(_PAY_WORDS.search(head)) or bool(
            _PAY_WORDS.search(text[m.end():m.end() + 20]))
        if not has_marker and not pay_word:
            continue  # "2+ years", "24/7", "401k": a number is not a salary by itself
        if m["low"] == "401" and (m["lowk"] or text[m.end():m.end() + 3] == "(k)"):
            continue  # the US retirement plan
        if re.match(r"\s*(?:%|percent|years?|yrs?|months?|hours?|people|employees|staff"
                    r"|keystrokes|words|miles|sq)", text[m.end():m.end() + 12], re.I) \
                and not has_marker:
            continue
        if not (plausible(low, period) and plausible(high, period)):
            continue
        if not has_marker and m["high"] is None and 1900 <= low <= 2100 and low == int(low):
            continue  # a year ("salary review in 2025")
        if not has_marker and period is None and low < 100:
            continue  # "rate 5" or "pay grade 3": too little to call a salary
        # A period right after the amount marks pay; one only before it ("monthly ($200
        # cost of living)") does not.
        strong = pay_word or _period_after(text, m.end()) is not None
        mentions.append(SalaryMention(low, high, currency, period, strong,
                                      m.group(0).strip(), m.start()))
    return mentions
