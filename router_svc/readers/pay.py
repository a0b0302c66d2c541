"""The pay a posting states, as numbers, period and currency.

Small models miss stated salaries, mislabel hourly rates and invent figures. This reader
finds what the text says ("$55-60/hr", "EUR 50k-60k per year", "Salary: 20000-28000",
"£9.50 an hour", "60-80K salary") so the answer check can confirm, correct or fill the
model's salary and refuse what the text does not support (router_svc/grounding.py).

Every amount is a candidate; NOT_PAY is the table of named rules that show positively that
an amount is something else (a count, a year, a job number, a benefit, revenue). A mention
is *strong* when the text marks it as pay (a pay word near it or a period after it); a bare
amount with a currency is *weak*: it confirms a figure the model gave, and supplies one only
where the text offers it. A salary the model did not give is taken only from a mention the
text *offers* as pay: a pay word names it, or it leads its line ("$19 - $23 an hour"); in a
posting full of figures, "$40 a month" inside a sentence about something else is marked by
its period alone.

The period is the one written next to the amount, or else the one the same sentence states;
where none is written it is inferred from the amount when that is unambiguous for the
currency (a USD figure of 20,000 or more is yearly, 7 to 200 is hourly) and marked as
inferred. A stated period that the amount cannot have ("$40,000 per hour") is replaced the
same way.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, replace
from functools import cached_property
from typing import Callable

from router_svc.readers.text import ITEM_MARK, SENTENCE_OR_LINE_END, PostingText, window
from router_svc.readers.shapes import one_of
from router_svc.readers.vocabulary import FUNDED_PURPOSES, PAY_LABEL_WORDS, PAY_WORDS

Period = str  # "hour" | "day" | "week" | "month" | "year"

# Currency markers, longest first where one is a prefix of another. "kr" names three
# currencies and "$" alone is taken as USD (the spec's convention).
_SYMBOLS = {"US$": "USD", "CA$": "CAD", "C$": "CAD", "AU$": "AUD", "A$": "AUD",
            "NZ$": "NZD", "HK$": "HKD", "S$": "SGD", "R$": "BRL", "$": "USD", "€": "EUR",
            "£": "GBP", "¥": "JPY", "₹": "INR", "zł": "PLN"}
_CODES = ("USD", "EUR", "GBP", "CAD", "AUD", "NZD", "CHF", "SEK", "NOK", "DKK", "INR", "JPY",
          "SGD", "HKD", "ZAR", "PLN", "BRL", "MXN", "CNY", "AED")
_WORDS = {"dollars": "USD", "euros": "EUR", "euro": "EUR", "pounds": "GBP"}

# Each period's words, written once: its units, said after "per", "a" or "/" ("per hour",
# "/yr"); its adjectives, said anywhere near an amount ("hourly", "day rate"); its
# shorthands, written right after an amount, where scraped text may lack the space ("20hr").
_PERIODS = {  # period: (units, adjectives, shorthands)
    "hour": (("hour", "hr"), ("hourly",), (r"p\.?\s?(?:hour|hr|h)", "p/h", "/h", "hr")),
    "day": (("day", "shift"), ("daily", "day rate"), ("p/d", "/d")),
    "week": (("week", "wk"), ("weekly",), ("p/w", "pw")),
    "month": (("month", "mo", "mth"), ("monthly",), ("pcm", "p/m")),
    "year": (("year", "yr", "annum"), ("annual", "annually", "annualized", "annualised",
                                       "yearly"),
             (r"p\.?\s?a\.?", "pa", "/y")),
}


def _period_patterns(template: str) -> list[tuple[re.Pattern, Period]]:
    """One pattern per period from `template`, filled with its words as alternatives."""
    def one(words) -> str:
        return "|".join(sorted(words, key=len, reverse=True))
    return [(re.compile(template.format(units=one(units), adjectives=one(adjectives),
                                        shorthands=one(shorthands)), re.I), period)
            for period, (units, adjectives, shorthands) in _PERIODS.items()]


# Right after the amount (its start); before it, as an adjective or a pay word's ("Pay per
# hour:"; "35 hours per week" before an amount is not its period; the last one said
# counts); anywhere in its sentence (a period at the sentence's end).
_PERIOD_AFTER = _period_patterns(
    r"(?:(?:/|per\s+|an?\s+)(?:{units})|{adjectives}|(?:{shorthands}))(?-i:(?![a-z]))")
_PERIOD_BEFORE = _period_patterns(
    rf"\b(?:{{adjectives}}|(?:{'|'.join(PAY_WORDS)})\s+per\s+(?:{{units}}))\b")
_PERIOD_IN_SENTENCE = _period_patterns(
    r"\b(?:(?:per|an?)\s+(?:{units})|{adjectives})\b|/\s?(?:{units})\b")
# A pay word whole, or run into the word before it as scraped text does ("rolePay$38,000").
_PAY_WORDS = re.compile(rf"(?i:\b(?:{'|'.join(PAY_WORDS)})\b)|(?<=[a-z])(?:"
                        + "|".join(w.capitalize() for w in PAY_WORDS) + r")\b")
# Where a sentence ends, also in scraped text that lost its spaces ("to it.Shifts").
_SENTENCE_END = re.compile(r"[.!?]\s|(?<=[a-z])\.(?=[A-Z])")
# Any short period said right after an amount ("/yr", " a year", " annually"), or none.
_SOME_PERIOD_AFTER = (r"(?:[ \t]?/[ \t]?[a-z]{2,5}\b|[ \t]+(?:per|an|a)[ \t]+[a-z]{3,5}\b"
                      r"|[ \t]+(?:annual(?:ly)?|yearly|monthly|weekly|quarterly)\b)?")
# Between a word naming what an amount is and the amount: a few characters, none a figure
# and no word naming pay ("bonus of $500", not "bonus plus a salary of $50,000").
_GAP_NAMING_NO_PAY = r"(?:(?!salary|pay\b|wage|base|compensation)[^.$€£\d]){0,25}"
# What makes an amount a benefit rather than pay: the benefit named right before it (its
# instalments in a parenthesis after it too: "sign-on bonus ($1,250 at 60 days, $1,250 at 6
# months)"), or the amount said to go towards something. A living allowance is a service
# program's pay ("members get a living allowance of $1,900 a month"), not a benefit; so is a
# stipend alone (a fellowship's), not one named for what it is for ("performance stipends").
_BENEFIT_BEFORE = re.compile(r"\b(?:bonus(?:es)?|reimburse\w*|(?<!living[ ])allowance"
                             r"|relocation|tuition"
                             r"|repayment|forgiveness|credit|discount|commissions?"
                             r"|refer(?:ral)?|sign(?:ing|-on)|insurance|coverage|401\s?\(?k\)?"
                             # any stipend named for what it pays ("chair stipend"), not for
                             # whom or how often ("a fellowship stipend", "monthly stipend")
                             r"|(?!(?:a|an|the|living|annual|monthly|weekly|yearly|total"
                             r"|program|fellowship)\b)[a-z]+[ \t]+stipends?"
                             r"|study[ \t]+(?:materials|support)"
                             r"|exam[ \t]+fees)\b"
                             # right before the amount or its earlier instalments ("retention
                             # bonus: $500 at hire, $1,500 at 6 months and $1,500 at one year")
                             rf"(?:{_GAP_NAMING_NO_PAY}(?:[$€£][\d,.]+[ \t]+[^$€£.\n]{{0,24}}"
                             rf"(?:,|\band\b)[ \t]*){{0,3}}|[ \t]*\([^()\n]{{0,60}})$", re.I)
# The benefit must be the amount's own noun ("$5,000 signing bonus", "$500 stipend"): one
# added to the pay ("$90K - $110K + bonus", "plus a discretionary bonus") or on the next
# line is not.
# Its words may join two things ("$900 yearly fitness and reading budget"), after the
# period it is paid for ("$75/month phone stipend", "$900 annual gym and travel gear
# stipend", "$600 yearly dependent care account"), or a fee it pays ("the $35 exam fee"),
# but not start with "and".
_NOT_A_BENEFITS_WORD = r"(?!base|salary|pay|wage|(?:plus|with|or)\b)"
_BENEFIT_AFTER = re.compile(r"^[^.\n]{0,40}\b(?:towards?|which can be applied|in benefits"
                            r"|reimburse\w*)\b|^" + _SOME_PERIOD_AFTER
                            + rf"[ \t]{{0,2}}(?:(?!and\b){_NOT_A_BENEFITS_WORD}[a-z-]+[ \t]"
                            rf"(?:{_NOT_A_BENEFITS_WORD}[a-z-]+[ \t]){{0,3}})?"
                            r"(?:insurance|coverage|policy|bonus|stipend|allowance|budget|credit"
                            r"|discount|repayment|forgiveness|account|fees?|deposits?|rent"
                            r"|assistance)\b",
                            re.I)
# A heading that names the pay with its extras ("PAY & BONUSES", "Salary and Benefits"),
# with the amount right under it: its first item is the pay.
_PAY_HEADING_BEFORE = re.compile(rf"\b(?:{one_of(PAY_LABEL_WORDS)})[ \t]*(?:&|and|\+|/)"
                                 r"[ \t]*(?:bonus(?:es)?|benefits|perks)[ \t]*:?[ \t]*\n\W*$",
                                 re.I)
# An identifier, not an amount: "Job#: 31-00452", "Req ID 40123", a law's number ("Prop 123
# incentive pay", "a Section 125 plan"); "Pocatello, ID: $61,000" is Idaho's pay.
_IDENTIFIER_BEFORE = re.compile(r"(?:#|\b(?:(?<!,\s)id|no|number|req\w*|requisition|code|job"
                                r"|store|unit|suite|ref\w*|prop(?:osition)?|section|article"
                                r"|bill|chapter))\.?\s*[:#]?\s*$", re.I)
# An amount added to the pay, not the pay: "differential: +$3.25/hr", "a shift premium of
# $2/hr", "an additional $1.50 an hour".
_ADDITION_BEFORE = re.compile(r"\+[ \t]?$|\b(?:differentials?|premiums?|additional|extra"
                              r"|stand-?by(?:[ \t]+pay)?)\b"
                              rf"{_GAP_NAMING_NO_PAY}$", re.I)
# A weight to lift, not money: "must lift 40 pounds unaided", "crates weighing 65 pounds".
_WEIGHT_BEFORE = re.compile(r"\b(?:lift|carry|push|pull|weigh|hoist|handl|mov)\w*\b"
                            r"[^.$€£\d\n]{0,25}$", re.I)
# Paid for being on call, beside the pay: "an on-call stipend of $140 a weekend" (an on-call
# nurse's hourly rate, "On-Call RN: $52/hr", is the pay).
_ON_CALL_BEFORE = re.compile(rf"\bon[- ]call\b{_GAP_NAMING_NO_PAY}$", re.I)
# ... or said after it: "$3/hr while on call", "$2.75 an hour on-call pay".
_ON_CALL_AFTER = re.compile(_SOME_PERIOD_AFTER + r"[ \t]+(?:(?:while|when)[ \t]+on[- ]call"
                            r"|on[- ]call[ \t]+(?:pay|rate|stipends?|premium))\b", re.I)
# ... or named after it: "$1.75/hr weekend differential", "$2 an hour night premium", "$1.50/hr
# 3rd shift premium".
_ADDITION_AFTER = re.compile(_SOME_PERIOD_AFTER + r"[ \t]+(?:[a-z0-9-]+[ \t]+){0,2}"
                             r"(?:differential|premium)s?\b", re.I)
# What the job earns on top of its pay, or with it, said after the amount: "$4,000 a year in
# bonuses", "$6/hour in tips", "up to $9,000 per year in spiffs and performance bonuses", "up
# to $38/hour with commission and tips", "$30/hr including gratuities".
_EXTRAS_AFTER = re.compile(_SOME_PERIOD_AFTER
                           + r"[ \t]+(?:in|with|including|incl\.)[ \t]+"
                           r"(?:[a-z-]+[ \t]+(?:and[ \t]+)?){0,3}"
                           r"(?:bonus(?:es)?|commissions?|spiffs?|tips|incentives?|gratuities)\b",
                           re.I)
# What the employer funds, said after the amount: "$900 per year for courses and
# conferences", "up to $800 a year in CE", "$300 a year towards a gym".
_FUNDED_AFTER = re.compile(_SOME_PERIOD_AFTER
                           + r"[ \t]+(?:for|in|towards?)[ \t]+(?:[a-z-]+[ \t]+(?:and[ \t]+)?){0,2}"
                           rf"(?:{one_of(FUNDED_PURPOSES)})(?![a-z])", re.I)
# A daily allowance for travel, not the pay: "per diem of $75/day", "$60/day per diem",
# "$45/day travel per diem". A per-diem *job*'s hourly rate ("Per Diem RN: $58/hr") is pay.
_PER_DIEM = r"\bper[ -]diem\b"
_PER_DIEM_BEFORE = re.compile(_PER_DIEM + rf"(?:{_GAP_NAMING_NO_PAY})$", re.I)
_PER_DIEM_AFTER = re.compile(_SOME_PERIOD_AFTER  # "$45/day travel per diem"
                             + r"[ \t]*(?:[a-z]+[ \t]+){0,2}\(?" + _PER_DIEM, re.I)
# A hiring step paid for, not the job's pay: "a short paid case study: we send $120 for your
# time".
_FOR_YOUR_TIME_AFTER = re.compile(r"[^.$€£\d\n]{0,12}\bfor[ \t]+(?:your|their)[ \t]+time\b",
                                  re.I)
# A figure the job is measured by, spends or sells, named right before it, a few joining words
# between at most: "a cost target under $40", "a quota of $600K", "ad budgets run from $20K",
# "sales targets (about $310,000 a month)", "equipment loans of $5,000", "units rent at $1,300",
# what customers pay: "an average ticket near $3,100", "tuition runs about $9,000", "$35
# copays", "room rates from $140", what donors and funders give: "ten gifts of $40,000 or more a
# year", "grants of $2,000 to $30,000" ("target base salary of $X" names the pay).
_TARGET_BEFORE = re.compile(r"\b(?:targets?|goals?|quotas?|budgets?|loans?|rents?|rented|prices?"
                            r"|gifts?|grants?|donations?|scholarships?"
                            r"|priced|tickets?|fares?|tuition|deductibles?|copays?|dues"
                            r"|rooms?|(?:room|nightly)[ \t]+rates?"
                            r"|studios|apartments|townhomes|(?:one|two|three|\d)-bedrooms?)[ \t]*:?"
                            r"(?:[ \t]*\(|[ \t]*(?<![\w])(?:of|under|below|above|over|at|around"
                            r"|is|are|near|from|for|range|ranges|run|runs|up|to|about|currently"
                            r"|start|starts|go|goes)\b)"
                            r"{0,4}[ \t]*$", re.I)
# ... or what customers pay or spend, said of them: "our homeowners pay about $140-$220",
# "guests spend around $85 a visit" (not what they are paid: "members get paid $4B").
_CUSTOMERS_PAY_BEFORE = re.compile(
    r"\b(?:clients?|customers?|guests?|patients?|members?|buyers?|shoppers?|diners?|riders?"
    r"|homeowners?|families|parents|students?)[ \t]+"
    r"(?:(?!(?:get|gets|got|are|is|was|were|be|been)\b)[a-z]+[ \t]+)?(?:pay|paid|spend|spent)\b"
    r"[^.;$€£\d\n]{0,20}$", re.I)
# Earnings with commission, not the base pay: "OTE: $120,000", "on-target earnings (OTE) of
# $150,000", "$70,000 OTE" (a base stated beside it is the salary).
_OTE = r"(?:\bOTE|\bon[- ]target[ \t]+(?:earnings|compensation|pay)|\btarget[ \t]+total[ \t]+" \
       r"(?:earnings|compensation))\b"
_OTE_BEFORE = re.compile(_OTE + r"[^.$€£\d\n]{0,20}$", re.I)
_OTE_AFTER = re.compile(r"[ \t]*" + _OTE, re.I)
# An advance on commission, not a base pay: "a draw of $3,500 a month, recoverable against
# commissions", "Draw against commission: $3,000/month" (not "draw blood").
_DRAW_BEFORE = re.compile(r"\b(?:(?:an?|the|[a-z-]*recoverable|guaranteed|monthly|weekly)[ \t]+"
                          r"draw|draw[ \t]+(?:of|against|at|is))\b"
                          rf"{_GAP_NAMING_NO_PAY}$", re.I)
# What people in the job have earned, not the pay it offers: "our planners typically make
# $70,000 by year two", "earnings usually land near ...", "making on average about ...", "top
# earners on the team bring in $250K", "TOP INSTALLERS EARN $80K+" (a pay stated beside it is
# the salary; "average weekly pay: $1,500" states it, as drivers' postings do, and "can earn
# up to" too).
_EARN = r"(?:earn|make|making|land|bring|gross|take)\w*"
_TYPICAL_EARNINGS_BEFORE = re.compile(
    rf"(?:\b(?:typically|usually|generally)[ \t]+{_EARN}"
    rf"|\b{_EARN}[ \t]+(?:an[ \t]+|on[ \t]+)?average"
    rf"|\btop[ \t]+[a-z-]{{2,30}}s\b[^.;$€£\d\n]{{0,30}}?"
    rf"\b{_EARN})\b[^.;$€£\d\n]{{0,24}}$", re.I)
# A job board's guess at the pay, not the pay the employer states: "$41K - $52K (Glassdoor
# est.)", "Estimated $39.5K - $50K a year" ("(Employer est.)" is the employer's own).
_BOARDS_ESTIMATE_AFTER = re.compile(r"[^\n(]{0,24}\((?!employer)[a-z]+[ \t]+est(?:\.|imate)?\)",
                                    re.I)
_BOARDS_ESTIMATE_BEFORE = re.compile(r"(?:^|\n)[ \t]*estimated[ \t]*:?[ \t]*$", re.I)
# "average" as a verb right before the amount: "our installers average $1,200 a week",
# "drivers averaged over $1,500", "tips have averaged $5 an hour" ("Average weekly pay:
# $1,500" names the pay).
_AVERAGED_BEFORE = re.compile(r"\baverag(?:e|es|ed)[ \t]+(?:(?:over|about|around|roughly"
                              r"|nearly|more[ \t]+than|between)[ \t]+)?$", re.I)
# The pay for part of a period, beside the period's own: "$65 per half day", "Half-day rate:
# $55" (a substitute's day rate is the pay).
_HALF = r"half[- \t]?(?:day|shift|session)s?\b"
_PART_PERIOD_AFTER = re.compile(rf"[ \t]*(?:per|/|a|an|for[ \t]+an?)[ \t]*{_HALF}", re.I)
_PART_PERIOD_BEFORE = re.compile(rf"\b{_HALF}(?:[ \t]+(?:rate|pay|assignments?))?[ \t]*:?[ \t]*$",
                                 re.I)
# A pay label whose value the amount is ("Salary: 50-100", "Pay Range:\n18-22"); only a
# range counts as pay there ("Salary: 3 openings" is not).
_PAY_LABEL = re.compile(rf"(?i:\b(?:{one_of(PAY_LABEL_WORDS)})(?:[ \t]+range)?[ \t]*:\s*)$")
# What a number counts when it is not money: "5 years", "24/7 days", "200 people". A number
# joined to its noun is one too: "a 90-lawyer firm", "a 300-bed hospital".
_NO_THING = (rf"(?!(?:{'|'.join(PAY_WORDS)}|plus|and|or|with|in|per|to|for|of|on|at|from|a|an"
             r"|the|including|depending|does|goes|makes|pays|gets)\b)")
_COUNTED = re.compile(r"\s*(?:%|(?:percent|years?|yrs?|months?|weeks?|days?|hours?|hrs|people"
                      r"|staff|sq)\b)|-(?=[a-z])"
                      # things in a period: "1,900 daily deliveries", not "52,000 annual salary"
                      r"|[ \t]+(?:daily|weekly|monthly|annual|yearly)[ \t]+"
                      rf"(?!(?:{'|'.join(PAY_WORDS)})\b)[a-z]{{3}}", re.I)
# Things in the plural, in lower case, right after the number or after one word describing
# them: "38,000 bakeries", "about 6,200 active members" (not "this", "plus", "bonus").
_THINGS = re.compile(rf"[ \t]+(?:{_NO_THING}[a-z]+[ \t]+)?{_NO_THING}[a-z]{{2,}}[^isu\W]s\b")
# Currencies whose salaries this reader may read a period from the amount alone.
_INFERABLE_CURRENCIES = {"USD", "CAD", "AUD", "NZD", "GBP", "EUR", "CHF", "SGD"}

_CURRENCY = (r"(?P<{n}>" + "|".join(re.escape(s) for s in sorted(_SYMBOLS, key=len, reverse=True))
             + "|" + "|".join(_CODES) + r"|kr\.?|dollars|euros?|pounds)")
# 95,000 · 95,000.00 · 45.000 · 45.000,50 · 1 500 · 18.50 · 120k
_AMOUNT = (r"(?P<{n}>\d{{1,3}}(?:[,\u00a0 ]\d{{3}})+(?:\.\d{{1,2}})?"
           r"|\d{{1,3}}(?:\.\d{{3}})+(?:,\d{{1,2}})?|\d+(?:\.\d{{1,2}})?)\s?"
           r"(?P<{n}k>[kK]\b|[mM]\b|million\b|mn\b|[bB]n?\b|billion\b)?")
_MENTION = re.compile(
    r"(?:(?<![\w.,])|(?<=[A-Za-z])(?=[$€£]))"  # a sign may be glued on: "eligible for$95,000"
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
    period_basis: str | None = None   # "stated" or "inferred" (from the amount); None
    named: bool = True   # a pay word stands in its sentence ("Salary", "pay", "wage" ...)
    leads: bool = False  # what its line states first (leads_its_line)

    @property
    def offered(self) -> bool:
        """Whether the text offers it as the pay, as a salary the model gave none of may be
        taken from: a pay word names it, or it leads its line ("$19 - $23 an hour",
        "Hiring range: $44,000 - $51,500"). An amount inside a line about something else
        ("members of our co-op save about $40 a month", "solar roofs on plans from $30 a
        month") can confirm a model's figure, never supply one."""
        return self.named or self.leads


MILLIONS, BILLIONS = ("m", "million", "mn"), ("b", "bn", "billion")


def parse_amount(digits: str, suffix: str | None = None) -> float | None:
    """'120,000' / '120.000' / '1 500' as a number; a k/m/million/b/billion suffix
    multiplies it."""
    plain = digits.replace("\u00a0", "").replace(" ", "")
    if re.fullmatch(r"\d{1,3}(\.\d{3})+(,\d{1,2})?", plain):  # 120.000,50 the European way
        plain = plain.replace(".", "").replace(",", ".")
    plain = plain.replace(",", "")
    try:
        value = float(plain)
    except ValueError:
        return None
    suffix = (suffix or "").lower()
    if suffix == "k":
        value *= 1_000
    elif suffix in MILLIONS:
        value *= 1_000_000
    elif suffix in BILLIONS:
        value *= 1_000_000_000
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


def close(value: float, stated: float) -> bool:
    """Equal within 1% (how salary figures are compared)."""
    return abs(value - stated) <= 0.01 * max(abs(stated), 1.0)


def _period_after(text: str, end: int) -> Period | None:
    tail = window(text, end, end + 24).lstrip(" +.,)(")
    tail = re.sub(r"^(?:(?:gross|net|base|usd|eur|gbp|salary|pay|total)\s+)+", "", tail, flags=re.I)
    for pattern, period in _PERIOD_AFTER:
        if pattern.match(tail):
            return period
    return None


def infer_period(low: float, high: float, currency: str | None) -> Period | None:
    """The period a salary's size leaves no doubt about, for currencies where it is clear."""
    if currency not in _INFERABLE_CURRENCIES:
        return None
    if 20_000 <= low <= high <= 2_000_000:
        return "year"
    if 7 <= low <= high <= 200:
        return "hour"
    return None


def _period_in_sentence(text: str, start: int, end: int) -> Period | None:
    """The one period the amount's sentence states, if it states exactly one, up to the next
    amount with its currency: "Pay Grade 14: $16.20 - $21.75 per hour" states
    the hour of the range, not of the grade's number."""
    head = window(text, start - 120, start)
    head = SENTENCE_OR_LINE_END.split(head)[-1]
    tail = re.split(r"(?<!\d)[.!?](?:\s|$)|\n|[$€£]", window(text, end, end + 120))[0]
    found = {period for pattern, period in _PERIOD_IN_SENTENCE
             for part in (head, tail) if pattern.search(part)}
    return found.pop() if len(found) == 1 else None


def _resolve_period(text: str, start: int, end: int, low: float, high: float,
                    currency: str | None) -> tuple[Period | None, str | None]:
    """(period, basis): written next to the amount, else in its sentence, else inferred."""
    inferred = infer_period(low, high, currency)
    near = _period_after(text, end) or _period_before(text, start)
    if near is not None:
        if plausible(low, near) and plausible(high, near):
            return near, "stated"
        return (inferred, "inferred") if inferred else (near, "stated")  # implausible: dropped
    sentence = _period_in_sentence(text, start, end)
    if sentence is not None and plausible(low, sentence) and plausible(high, sentence) \
            and inferred in (None, sentence):
        return sentence, "stated"
    return (inferred, "inferred") if inferred else (None, None)


def _period_before(text: str, start: int) -> Period | None:
    head = window(text, start - 40, start)
    found = [(m.start(), period) for pattern, period in _PERIOD_BEFORE
             for m in pattern.finditer(head)]
    return max(found)[1] if found else None


@dataclass
class Amount:
    """One amount the mention pattern matched, with what the rules of NOT_PAY look at."""
    text: str
    match: re.Match
    end: int             # where its written amount ends (not the line break after it)
    head: str            # its sentence up to it (at most 60 characters)
    currency: str | None
    has_marker: bool     # a currency is written with it
    pay_word: bool       # a pay word stands in its sentence before it or right after it
    low: float
    high: float

    def after(self, chars: int) -> str:
        return window(self.text, self.end, self.end + chars)

    @property
    def scale(self) -> str:
        """Its written multiplier in lower case ("k", "m", "million", "bn"...); "" for none."""
        return (self.match["lowk"] or self.match["highk"] or "").lower()

    @cached_property
    def resolved(self) -> tuple[Period | None, str | None]:
        """(period, basis), read only for an amount the cheaper rules let through."""
        return _resolve_period(self.text, self.match.start(), self.match.end(), self.low,
                               self.high, self.currency)

    @property
    def period(self) -> Period | None:
        return self.resolved[0]


# The US tax code's retirement plans, named by their section and letter: "401(k)", "403(b)",
# "457(b)", "401(a)"; "401k" and "403b" read their letter as a multiplier ("k", "b").
_PLAN_SECTIONS = frozenset({"401", "403", "457"})
_PLAN_LETTER = re.compile(r"[ \t]?\([abk]\)", re.I)


def _a_retirement_plan(a: Amount) -> bool:
    return a.match["low"] in _PLAN_SECTIONS and (
        (a.match["lowk"] or "").lower() in ("k", "b") or bool(_PLAN_LETTER.match(a.after(4))))


def _counted(a: Amount) -> bool:
    after = a.after(40)
    return not a.has_marker and bool(_COUNTED.match(after) or _THINGS.match(after))


# Named rules, each a positive sign that an amount is not pay, tried in order.
NOT_PAY: tuple[tuple[str, Callable[[Amount], bool]], ...] = (
    ("a-bare-number",  # "2+ years", "24/7": no currency, no pay word, no period after it
     lambda a: not a.has_marker and not a.pay_word
     and _period_after(a.text, a.match.end()) is None),
    ("a-benefit", lambda a: bool(_BENEFIT_BEFORE.search(a.head)
                                 and not _PAY_HEADING_BEFORE.search(a.head)
                                 or _BENEFIT_AFTER.search(a.after(60)))),
    ("an-identifier", lambda a: bool(_IDENTIFIER_BEFORE.search(
        window(a.text, a.match.start() - 24, a.match.start()))) or any(
        re.match(r"0\d", d or "") for d in (a.match["low"], a.match["high"]))),
    ("an-addition", lambda a: bool(_ADDITION_BEFORE.search(a.head)
                                   or _ADDITION_AFTER.match(a.after(40))
                                   or _ON_CALL_BEFORE.search(a.head) and a.period != "hour"
                                   or _ON_CALL_AFTER.match(a.after(40)))),
    ("a-weight", lambda a: "pound" in a.match.group(0).lower()
     and bool(_WEIGHT_BEFORE.search(a.head))),
    ("earned-in-extras", lambda a: bool(_EXTRAS_AFTER.match(a.after(60)))),
    ("funded-for-a-purpose", lambda a: bool(_FUNDED_AFTER.match(a.after(60)))),
    ("a-per-diem", lambda a: bool(_PER_DIEM_BEFORE.search(a.head)
                                  or _PER_DIEM_AFTER.match(a.after(24))) and a.period != "hour"),
    ("a-hiring-step", lambda a: bool(_FOR_YOUR_TIME_AFTER.match(a.after(40)))),
    ("on-target-earnings", lambda a: bool(_OTE_BEFORE.search(a.head)
                                          or _OTE_AFTER.match(a.after(24)))),
    ("a-draw-against-commission", lambda a: bool(_DRAW_BEFORE.search(a.head))),
    ("typical-earnings", lambda a: bool(_TYPICAL_EARNINGS_BEFORE.search(a.head)
                                        or _AVERAGED_BEFORE.search(a.head))),
    ("a-job-boards-estimate", lambda a: bool(_BOARDS_ESTIMATE_AFTER.match(a.after(40))
                                             or _BOARDS_ESTIMATE_BEFORE.search(a.head))),
    ("a-target-budget-or-price", lambda a: bool(_TARGET_BEFORE.search(a.head)
                                                or _CUSTOMERS_PAY_BEFORE.search(a.head))),
    ("part-of-a-period", lambda a: bool(_PART_PERIOD_AFTER.match(a.after(24))
                                        or _PART_PERIOD_BEFORE.search(a.head))),
    ("billions",  # "members get paid ... $4B a year", pay word or not
     lambda a: a.scale in BILLIONS),
    ("millions-not-called-pay",  # "$2 million annually from donors", "we have paid $2 million
     # to ...": revenue, funding; pay only right after a pay label ("Salary: $1.2M")
     lambda a: a.scale in MILLIONS and not _PAY_LABEL.search(a.head)),
    ("a-retirement-plan", _a_retirement_plan),  # "401(k)", "a 403(b) plan", "457b"
    ("the-1099-form", lambda a: a.match["low"] == "1099" and bool(
        re.match(r"\s*(?:or|/|,)?\s*(?:w-?2|contract|employee)", a.after(16), re.I))),
    ("a-count", _counted),
    ("a-number-of-hours",  # "shift hours top out at 48 per week": no currency, no pay word
     lambda a: not a.has_marker and not a.pay_word
     and bool(re.search(r"\bhours\b[^.\d\n]{0,24}$", a.head, re.I))),
    ("implausible-for-its-period",
     lambda a: not (plausible(a.low, a.period) and plausible(a.high, a.period))),
    ("a-year", lambda a: not a.has_marker and 1900 <= a.low <= 2100 and a.low == int(a.low)
     and (a.match["high"] is None or a.high == a.low + 1)),  # "in 2025", "the 2025-2026 plan"
    ("too-small-without-a-currency",  # "rate 5" or "pay grade 3", not "Salary: 50-100"
     lambda a: not a.has_marker and a.period is None and a.low < 100
     and not (a.match["high"] and _PAY_LABEL.search(a.head))),
)

# A posting states its pay in a few places; the amounts past these are not read, so a
# crafted text of a million "$1"s costs what a long posting does.
MAX_AMOUNTS_READ = 2_000
MAX_MENTIONS = 200


# What may stand before an amount that leads its line: a label ("Hiring range:"), a pay
# scale's step before a parenthesis ("Grade 5 (£X - £Y per annum)", "Band 6 ("), a
# parenthesis.
_LINE_HEAD = re.compile(r"(?:[^:\n]{1,40}:|(?i:(?:pay[ \t]+)?(?:grade|band|scale|level|step))"
                        r"[ \t]*[\w.-]{1,4}[ \t]*(?=\())?[ \t]*\(?[ \t]*")
# A line this long before an amount is a sentence about something, not a label.
_LONGEST_LINE_HEAD = 60


def leads_its_line(text: str, start: int) -> bool:
    """Whether the amount at `start` is what its line or list item states first, after a
    label at most; a currency sign glued to a word ("Jobs in Korea$2,100+ USD monthly")
    marks a line break that scraping lost."""
    if start > 0 and text[start - 1].isalpha():
        return True
    head = text[max(0, start - _LONGEST_LINE_HEAD):start]
    if "\n" in head:
        head = head[head.rindex("\n") + 1:]
    elif start > _LONGEST_LINE_HEAD:
        return False
    return bool(_LINE_HEAD.fullmatch(ITEM_MARK.sub("", head, count=1)))


_ITEM_REACH = 200  # how far back a line's start is looked for; a longer line is prose


def _without_other_items(text: str, start: int, head: str) -> str:
    """`head`, the text before the amount at `start`, less the list items before its own
    line: a heading above a list names its items ("Pay\n- Starting at $21.25/hour"),
    another item does not ("- Paid every Friday\n- Average patio install: $9,800")."""
    *before, own = head.split("\n")
    if not before or not text.endswith(head, 0, start):
        return head
    # the first line is cut by the window: where its line starts, looked for nearby
    cut_at = start - len(head)
    line_start = text.rfind("\n", max(0, cut_at - _ITEM_REACH), cut_at) + 1
    first = text[line_start:cut_at] + before[0] if line_start or cut_at <= _ITEM_REACH \
        else before[0]
    lines = [first, *before[1:]]
    return "\n".join([line for line in lines if not ITEM_MARK.match(line)] + [own])


def _amount(text: str, m: re.Match) -> Amount | None:
    """The matched amount as numbers, or None where they are not one amount or range."""
    end = m.start() + len(m.group(0).rstrip())
    low_k, high_k = m["lowk"], m["highk"]
    if m["high"] and high_k and not low_k:  # "50-60k": the suffix covers both
        low_k = high_k
    low = parse_amount(m["low"], low_k)
    high = parse_amount(m["high"], high_k) if m["high"] else low
    if low is None or high is None:
        return None
    if high < low:
        if m["high"] and not m["highk"] and high * 1000 >= low:  # "60k-80" is unusual
            return None
        low, high = high, low
    head = _SENTENCE_END.split(window(text, m.start() - 60, m.start()))[-1]
    # a pay word in its sentence: "529 stores. Salary $50k" does not make 529 pay, nor does
    # one in the list item before ("- Paid every Friday\n- Average patio install: $9,800")
    tail = _SENTENCE_END.split(window(text, end, end + 20), 1)[0]
    pay_word = bool(_PAY_WORDS.search(_without_other_items(text, m.start(), head))) \
        or bool(_PAY_WORDS.search(tail))
    marker = m["cur1"] or m["cur2"] or m["cur3"]
    return Amount(text, m, end, head, currency_of(marker), bool(marker), pay_word, low, high)


_DIGIT = re.compile(r"\d")
# A mention's currency stands at most this many characters before its first digit
# ("dollars " is the longest).
_LONGEST_BEFORE_DIGITS = 12


def _mentions(text: str):
    """_MENTION.finditer(text), its scan started near each digit: every mention has one, and
    trying the currency markers at every word of a long text cost more than the rest of
    the answer check."""
    pos = 0
    while (digit := _DIGIT.search(text, pos)) is not None:
        m = _MENTION.search(text, max(pos, digit.start() - _LONGEST_BEFORE_DIGITS))
        if m is None:
            return
        yield m
        pos = m.end()


def read_amounts(text: str | PostingText) -> list[tuple[Amount, str | None]]:
    """Each amount the text writes (its first MAX_AMOUNTS_READ), with the name of the first
    rule of NOT_PAY that refuses it (None: it is pay). Read once per PostingText: the
    salary reader and the check's note on a dropped salary both use them."""
    if isinstance(text, PostingText):
        return text.read(_amounts_in)
    return _amounts_in(text)


def _amounts_in(text: str | PostingText) -> list[tuple[Amount, str | None]]:
    text = PostingText.raw_of(text)
    read = []
    for m in itertools.islice(_mentions(text), MAX_AMOUNTS_READ):
        amount = _amount(text, m)
        if amount is not None:
            read.append((amount, next((name for name, refuses in NOT_PAY if refuses(amount)),
                                      None)))
    return read


def find_salaries(text: str | PostingText) -> list[SalaryMention]:
    """Every amount the text states with a currency or as pay that no rule of NOT_PAY
    refuses, in order of appearance (at most MAX_MENTIONS)."""
    amounts = read_amounts(text)
    text = PostingText.raw_of(text)
    mentions = []
    for amount, refused in amounts:
        if refused is not None:
            continue
        if len(mentions) >= MAX_MENTIONS:
            break
        m = amount.match
        period, basis = amount.resolved
        # A period right after the amount marks pay; one only before it ("monthly ($200
        # cost of living)") does not.
        strong = amount.pay_word or _period_after(text, m.end()) is not None
        mentions.append(SalaryMention(amount.low, amount.high, amount.currency, period, strong,
                                      m.group(0).strip(), m.start(), basis, amount.pay_word,
                                      leads_its_line(text, m.start())))
    return _with_labelled_range(text, _joined_ranges(text, mentions))


# What may stand between a range's two amounts when each carries its own currency or
# period ("$85,000.00 USD Annually - $110,000.00 USD Annually", "$22/hr to $28/hr",
# "a minimum of $62,400 to a maximum of $93,600", "$70,000 to maximum salary of $95,000").
_RANGE_JOINER = re.compile(
    r"[ \t]*(?:[A-Z]{3}[ \t]*)?(?:(?:per|an?|/)[ \t]*[a-z]{1,6}\.?|annually|yearly|hourly"
    r"|monthly|weekly)?[ \t]*(?:-|–|—|to|and|through)[ \t]*"
    r"(?:(?:up[ \t]+to[ \t]+)?(?:an?[ \t]+)?max(?:imum)?(?:[ \t]+(?:salary|pay|rate|base))?"
    r"(?:[ \t]+of)?[ \t]*)?", re.I)


MAX_JOINER_CHARS = 60  # the longest joiner above; a longer gap joins nothing (nor is read)


def _joined_ranges(text: str, mentions: list[SalaryMention]) -> list[SalaryMention]:
    """Two single amounts in one currency and period, joined as a range's ends, as one
    range (the first of the two marks where it starts)."""
    out: list[SalaryMention] = []
    for mention in mentions:
        last = out[-1] if out else None
        if last is not None and last.low == last.high and mention.low == mention.high \
                and last.low < mention.low and last.currency == mention.currency \
                and last.period == mention.period:
            between = text[last.start + len(last.text):mention.start]
            if len(between) <= MAX_JOINER_CHARS and _RANGE_JOINER.fullmatch(between):
                out[-1] = replace(last, high=mention.low, strong=last.strong or mention.strong,
                                  named=last.named or mention.named,
                                  text=text[last.start:mention.start + len(mention.text)])
                continue
        out.append(mention)
    return out


# "Min: $70,400 Mid: $81,900 Max: $93,000": a range written as labelled ends.
_LABELLED_RANGE = re.compile(r"\bmin(?:imum)?\b[:\s]{0,3}(?P<low>\S)"
                             r".{0,60}?\bmax(?:imum)?\b[:\s]{0,3}(?P<high>\S)",
                             re.I | re.S)


def _with_labelled_range(text: str, mentions: list[SalaryMention]) -> list[SalaryMention]:
    """Add the range of a "Min ... Max ..." pair of stated amounts as one pay mention."""
    out = list(mentions)
    at = {x.start: x for x in mentions}
    for m in _LABELLED_RANGE.finditer(text):
        low, high = at.get(m.start("low")), at.get(m.start("high"))
        if low is None or high is None or low.currency != high.currency \
                or low.low >= high.high or low.currency is None:
            continue
        period, basis = (low.period or high.period, low.period_basis or high.period_basis)
        if period is None:
            period = infer_period(low.low, high.high, low.currency)
            basis = "inferred" if period else None
        out.append(SalaryMention(low.low, high.high, low.currency, period, True,
                                 text[m.start():m.end()].strip(), m.start(), basis))
    return sorted(out, key=lambda x: x.start)


# The widest a range stated as one job's pay plausibly is (its top over its bottom). Wider
# ranges are written (a band across levels), but are never merged into another range nor
# preferred to a narrower one: a planted "$85,000-$5,000,000" must not widen the real pay.
MAX_PAY_SPREAD = 5.0


def one_jobs_pay(mention: SalaryMention) -> bool:
    return mention.high <= MAX_PAY_SPREAD * mention.low


# Single figures this close to the first ("Starters earn $40,000 a year, most earn
# $55,000 a year, the best up to $85,000 a year") state one job's range by tier.
TIER_SPAN = 200


def stated_pay(mentions: list[SalaryMention],
               anchor: SalaryMention | None = None) -> tuple[SalaryMention | None, int]:
    """The pay the text states, as one range: the first mention marked as pay (or `anchor`;
    where that one is wider than one job's pay, the first with a currency that is not),
    widened to every mention of one job's scale in the same currency and period that
    overlaps it (ranges by region give the lowest minimum to the highest maximum; a bonus
    or a later year's figure, which does not overlap, is left out); and how many ranges it
    spans."""
    if anchor is None:
        pay = [m for m in mentions if m.strong]
        anchor = next(iter(pay), None)
        if anchor is not None and not one_jobs_pay(anchor):  # a narrower stated range first
            anchor = next((m for m in pay if m.currency and one_jobs_pay(m)), anchor)
    if anchor is None or anchor.period is None:
        return anchor, 1 if anchor else 0
    alike = [m for m in mentions if m.strong and m.currency == anchor.currency
             and m.period == anchor.period and one_jobs_pay(m)]
    group, low, high = [anchor], anchor.low, anchor.high
    grown = True
    tiers = anchor.low == anchor.high  # single figures side by side: pay by tier or level
    while grown:  # ranges that overlap the pay's range, however they chain
        more = [m for m in alike if m not in group and (
            m.low <= high and m.high >= low
            or tiers and m.low == m.high and abs(m.start - anchor.start) <= TIER_SPAN
            and max(high, m.high) <= MAX_PAY_SPREAD * min(low, m.low))]
        grown = bool(more)
        group += more
        low, high = min(m.low for m in group), max(m.high for m in group)
    ranges = {(m.low, m.high) for m in group}
    if (low, high) == (anchor.low, anchor.high):
        return anchor, len(ranges)
    return replace(anchor, low=low, high=high,
                   text=" and ".join(m.text for m in group if m.low == low or m.high == high)
                   ), len(ranges)


def offered_mentions(mentions: list[SalaryMention]) -> list[SalaryMention]:
    """The mentions the text offers as pay (SalaryMention.offered): all a salary the model
    did not give may be taken from."""
    return [m for m in mentions if m.offered]


def unmarked_pay(mentions: list[SalaryMention]) -> SalaryMention | None:
    """Where the text marks no amount as pay, the first range it writes with its currency
    that is one job's pay for a period it states, or a year's by its size: "What we offer:
    €38,000 - €44,000 depending on experience". NOT_PAY has refused the amounts that are
    something else (a bonus, funding, a count); a smaller range without its period ("$20 -
    $150") may be a price, and is not taken."""
    return next((m for m in mentions if m.currency and m.low < m.high and one_jobs_pay(m)
                 and (m.period_basis == "stated" or m.period == "year")), None)


def restated(pay: SalaryMention, mentions: list[SalaryMention]) -> bool:
    """Whether the text states `pay` again with one end the same and the other not ("Pay:
    $100,000-200,000" and "Pay: $80,000.00 - $200,000.00"): one pay written two ways, whose
    widest reading is the posting's. Ranges that differ at both ends are for places or
    levels."""
    return any(m.strong and m.currency == pay.currency and m.period == pay.period
               and (m.low, m.high) != (pay.low, pay.high)
               and (close(m.low, pay.low) or close(m.high, pay.high)) for m in mentions)


# "Hiring range: $47,000 - $53,500", "our expected hiring range is ...":
# the part of a grade's range a job is offered at.
_HIRING_RANGE_BEFORE = re.compile(r"\bhiring[ \t]+(?:salary[ \t]+|pay[ \t]+)?range\b"
                                  r"[^$€£\d\n]{0,40}$", re.I)


def the_hiring_range(pay: SalaryMention, text: str | PostingText) -> bool:
    """Whether the text names `pay` its hiring range: the pay offered, which a wider "full
    salary range" beside it with one end the same does not restate."""
    raw = PostingText.raw_of(text)
    return bool(_HIRING_RANGE_BEFORE.search(window(raw, pay.start - 60, pay.start)))


def best_match(figures: list[float], mentions: list[SalaryMention]) -> SalaryMention | None:
    """The mention agreeing with most of the model's figures (marked pay, then first, wins)."""
    scored = [(sum(close(f, m.low) or close(f, m.high) for f in figures), m.strong, -m.start, m)
              for m in mentions]
    best = max(scored, key=lambda s: s[:3], default=None)
    return best[3] if best and best[0] > 0 else None
