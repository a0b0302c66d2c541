"""Where the job is, read by a table of named rules: a labelled location ("Location:
Denver, CO"), else the first US "City, ST" the text gives."""

from __future__ import annotations

import re

from router_svc.readers.rules import Found, Rule, first_found, pattern_rule
from router_svc.readers.shapes import NEXT_LABEL, SENTENCE_DOT, US_PLACE, clean, generic
from router_svc.readers.text import PostingText

_LOCATION_LABEL = re.compile(r"(?i:\b(?:job\s*)?location)\s*:\s*(?P<v>[^\n|;•]{2,40}?)"
                             rf"(?=\s*(?:\n|\||;|•|\s{{2}}|$|{SENTENCE_DOT})"
                             r"|(?:\s|(?<=[a-z]))(?:Job|Salary|Pay|Type|Department|Company|Title"
                             r"|Position|Schedule|This|The|We)\b"
                             rf"|{NEXT_LABEL})")
# Not a place: Indeed's count of locations, "On the road".
NOT_A_PLACE = re.compile(r"(?:(?:one|multiple|several|various|\d+)[ \t]+locations?|on the road)\b",
                         re.I)


def _a_place(value: str) -> bool:
    return bool(value) and value[0].isupper() and not NOT_A_PLACE.match(value) \
        and len(value.split()) <= 5


def us_city_and_state(posting: PostingText) -> Found | None:
    m = US_PLACE.search(posting.unglued)
    if m and not generic(m["v"].split()[0]):
        return Found(clean(m["v"]), m["v"])
    return None


LOCATION_RULES = (
    Rule("labelled-location", pattern_rule(_LOCATION_LABEL, _a_place)),
    Rule("us-city-and-state", us_city_and_state),
)


def find_location(text: str | PostingText) -> Found | None:
    """Where the job is, by the first rule of LOCATION_RULES that reads one."""
    return first_found(LOCATION_RULES, text)
