"""Where the job is, read by a table of named rules: a labelled location ("Location:
Denver, CO"), else the first "City, ST" the text gives (a US state or a Canadian province),
else "Remote" where the text says the job is done remotely."""

from __future__ import annotations

import re
from dataclasses import replace

from router_svc.readers.rules import Found, Rule, first_found, pattern_rule
from router_svc.readers.shapes import (CITY_AND_STATE, NEXT_LABEL, SENTENCE_DOT, clean,
                                       generic, is_place, one_of)
from router_svc.readers.text import PostingText
from router_svc.readers.vocabulary import CITY_PREFIXES, STATE_NAMES, US_STATES, WORK_ARRANGEMENTS

_LOCATION_LABEL = re.compile(r"(?i:\b(?:job\s*)?location)\s*:\s*(?P<v>[^\n|;•]{2,40}?)"
                             rf"(?=\s*(?:\n|\||;|•|\s{{2}}|$|{SENTENCE_DOT})"
                             r"|(?:\s|(?<=[a-z]))(?:Job|Salary|Pay|Type|Department|Company|Title"
                             r"|Position|Schedule|This|The|We)\b"
                             rf"|{NEXT_LABEL})")
# Not a place: Indeed's count of locations, "On the road", "In person" (a job board's way
# of saying on site), a page's rating of the employer ("4.2 out of 5 stars", "4.1 ★").
NOT_A_PLACE = re.compile(r"(?:(?:one|multiple|several|various|\d+)[ \t]+locations?|on the road"
                         r"|in[ \t-]person\b"
                         r"|\d(?:\.\d)?[ \t]*(?:out[ \t]+of[ \t]+\d+|stars?\b|★))", re.I)


def _a_place(value: str) -> bool:
    return bool(value) and value[0].isupper() and not NOT_A_PLACE.match(value) \
        and len(value.split()) <= 5


def _a_city(place: str) -> bool:
    """Not a common word before the state ("Benefits, CA"): the city's own word, after the
    words place names start with ("New" of "New York" is one)."""
    words = place.split(",")[0].split()
    return not generic(next((w for w in words if w not in CITY_PREFIXES), words[-1]))


def places_with_a_state(posting: PostingText) -> list[str]:
    """Every "City, ST" (a US state or a Canadian province) the text writes, in order: read
    once per posting (`posting.read(places_with_a_state)`) for the reader and for the
    model's city."""
    return [m["v"] for m in CITY_AND_STATE.finditer(posting.unglued)]


def city_and_state(posting: PostingText) -> Found | None:
    place = next((place for place in posting.read(places_with_a_state) if _a_city(place)), None)
    return Found(clean(place), place) if place else None


# The job itself is remote: "a 100% remote role", "This position is fully remote", "the role
# is remote within Canada", "we are remote-first", "40 people, remote across the US", "join
# our remote billing team", a line "Remote (US)", "Remote - Canada", "Work from home -
# Part-time" or a page's "Remote · 2 days ago" (not "remote sensing", nor "remote work two
# days a week" or "work from home on Fridays", a hybrid job).
_REMOTE_JOB = re.compile(r"\b(?:100[ \t]?%|fully|completely|entirely)[ \t]+remote\b"
                         r"|\bremote[ \t]+(?:role|position|job|opportunity)\b"
                         r"|\b(?:role|position|job)[ \t]+is[ \t]+remote\b"
                         r"|\bremote[- ]first\b|\bremote[ \t]+across[ \t]+the\b"
                         r"|\bour[ \t]+remote[ \t]+(?:[a-z]+[ \t]+){0,3}team\b"
                         r"|^[ \t]*(?:remote|work[ \t-]+from[ \t-]+home)"
                         r"(?=[ \t]*(?:$|[(,–—·•|-]|(?:within|in|across)[ \t]))",
                         re.I | re.M)


def stated_remote(posting: PostingText) -> Found | None:
    m = _REMOTE_JOB.search(posting.unglued)
    return Found("Remote", m.group(0)) if m else None


# A country alone, or "anywhere" in it: where a remote job may be done, not where it is.
_ONLY_A_COUNTRY = re.compile(r"(?:anywhere[ \t]+in[ \t]+(?:the[ \t]+)?)?(?:US|U\.S\.(?:A\.)?|USA"
                             r"|United[ \t]+States(?:[ \t]+of[ \t]+America)?|Canada|UK"
                             r"|United[ \t]+Kingdom)", re.I)


# A city's name alone, without its state: "Dayton", "Grand Rapids".
_CITY_NAME = r"[A-Z][a-z]+(?:[ \t]+[A-Z][a-z]+){0,2}"
_BARE_CITY = re.compile(rf"(?!(?i:{one_of(WORK_ARRANGEMENTS)})\b){_CITY_NAME}")
# Two places joined: "Leeds and York", "Dayton or Akron".
_TWO_PLACES = re.compile(rf"(?P<first>{_CITY_NAME})[ \t]+(?:and|or|&)[ \t]+{_CITY_NAME}")


# The items of a list of places: "Dayton, Akron, Toledo", "Leeds, York or Hull metro areas";
# each a place's name in words (no figure, bracket or page mark: "Remote · 2 days ago").
_LIST_SEPARATOR = re.compile(r"[ \t]*(?:,|;|\b(?:and|or)\b|&)[ \t]*")
_PLACE_NAME = re.compile(r"[A-Z][A-Za-z.'’-]*(?:[ \t]+[A-Za-z.'’-]+){0,3}")


def _lists_places(value: str) -> bool:
    """Three or more places listed, none a state or a country ("Reno, NV, USA" is one)."""
    items = [item for item in _LIST_SEPARATOR.split(value) if item]
    return len(items) >= 3 and all(
        _PLACE_NAME.fullmatch(item) and not is_place(item) and not _ONLY_A_COUNTRY.fullmatch(item)
        for item in items)


def remote_across(value: str, posting: PostingText) -> Found | None:
    """The posting's statement that the job is remote, where `value` names only the country
    it may be done in ("US", "Anywhere in the US") or cities alone, as such postings name
    their offices, a training's place or the zones their pay is set by ("fully remote; a
    week's training in Dayton", "we meet twice a year in Leeds or York", "Zone 2: Dayton,
    Akron, Toledo"): job boards list such a job as Remote."""
    value = value.strip()
    found = posting.read(stated_remote) if _ONLY_A_COUNTRY.fullmatch(value) \
        or _BARE_CITY.fullmatch(value) or _TWO_PLACES.fullmatch(value) \
        or _lists_places(value) else None
    return replace(found, rule="stated-remote") if found else None


# A part of a city named by its possessive: "Reno's Riverwalk District", "Tulsa's east
# side".
_PART_OF_A_CITY = re.compile(rf"(?P<city>{_CITY_NAME})['’]s[ \t]+\S.*")


def the_city_of_its_part(location: str) -> str | None:
    """"Reno's Midtown": a listing names the city, not the part of it."""
    m = _PART_OF_A_CITY.fullmatch(location.strip())
    return m["city"] if m else None


def the_first_of_two(location: str) -> str | None:
    """"Leeds and York": a listing names one place, the first."""
    m = _TWO_PLACES.fullmatch(location.strip())
    return m["first"] if m else None


MIN_STATES_IN_A_TERRITORY = 3


def lists_states(value: str) -> bool:
    """"NV, UT, ID and OR": a territory of three or more states, not one place."""
    parts = [p for p in re.split(r"[ \t]*(?:,|\band\b|\bor\b|&|/)[ \t]*", value.strip()) if p]
    return len(parts) >= MIN_STATES_IN_A_TERRITORY and all(
        p in US_STATES or p in STATE_NAMES for p in parts)


def written_as_a_label(value: str, posting: PostingText) -> bool:
    """Whether the text writes `value` only as a label, before a colon ("Nearest Metro
    Area: Ohio"): the field's name, not its value."""
    ends = [m.end() for m in re.finditer(rf"(?<!\w){re.escape(value)}(?!\w)", posting.unglued,
                                         re.I)]
    return bool(ends) and all(re.match(r"[ \t]*:", posting.unglued[end:end + 8]) for end in ends)


def cities_with_a_state(posting: PostingText) -> dict[str, str]:
    """The city of each "City, ST" the text writes, with its first such place, in the
    text's order (`posting.read(cities_with_a_state)`)."""
    cities: dict[str, str] = {}
    for written in posting.read(places_with_a_state):
        cities.setdefault(written.split(",")[0].strip(), written)
    return cities


def city_in_full(place: str, posting: PostingText) -> Found | None:
    """The "City, ST" the text writes for a place given without its state, or with a
    site's code after the city ("Elmwood B-ELM-2" where the text also writes "Elmwood,
    NJ")."""
    if "," in place:
        return None
    for city, written in posting.read(cities_with_a_state).items():
        if place == city or place.startswith(city + " "):
            return Found(clean(written), written, rule="the-city-with-its-state")
    return None


LOCATION_RULES = (
    Rule("labelled-location", pattern_rule(_LOCATION_LABEL, _a_place)),
    Rule("city-and-state", city_and_state),
    Rule("stated-remote", stated_remote),
)


def find_location(text: str | PostingText) -> Found | None:
    """Where the job is, by the first rule of LOCATION_RULES that reads one."""
    return first_found(LOCATION_RULES, text)
