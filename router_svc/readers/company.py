"""The hiring organisation a posting names in its own sentences, read by COMPANY_RULES, named
rules tried in order: the company line of a page copy's header (page_header, which the
title's reader reads too), "Northwind is an equal opportunity employer", "At Northwind, we ...",
"We are Northwind.", "Northwind is hiring", "Northwind has an opening", "Company:
Northwind", "Northwind is a leading lender", "About Northwind", "Why Northwind?", "Join
Northwind", the employer's other legal statements ("Northwind does not discriminate",
"Northwind participates in E-Verify"), "All are welcome at Northwind"; else "Northwind is
a ..." for a name the text uses again, or a name it keeps using as the organisation
("Northwind's", "When Northwind started", "at Northwind", a line of its own); else a
name met once: with a history ("Northwind has been family-run since 1986"), the name the
posting opens with ("Northwind builds ..."), or one its own address spells. An acronym is
spelt out where the text writes its full name.

Also the tests on a company value the answer check's policy uses: whether it names a job,
reads as a name, and is an organisation the posting names.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, replace

from router_svc.readers.rules import AnchoredPattern, Found, Rule, first_found, pattern_rule
from router_svc.readers.shapes import (CITY_AND_STATE, LEGAL, MAX_VALUE_WORDS, NAME, NAME_REACH,
                                       at_a_word, clean, generic, is_a_clause, is_place,
                                       names_a_role, one_of, page_path, usable,
                                       without_heading)
from router_svc.readers.text import (SENTENCE_OR_LINE_END, PostingText, found_in, letters_of,
                                     mentions_outside_addresses, norm)
from router_svc.readers.vocabulary import (HIRING_VERBS, JOB_NOUNS, LEGAL_FORMS,
                                           NAME_CONNECTORS, NAME_JOINS, NOT_A_COMPANY,
                                           NOT_IN_A_COMPANY_NAME, NOT_ORGANISATIONS,
                                           ORGANISATION_NOUNS, ORGANISATION_VERBS, US_STATES)

_ORGANISATION_NOUN = rf"(?:{one_of(ORGANISATION_NOUNS)})"
# The words describing an organisation noun ("a private, employee-owned"), no preposition
# among them: in "Friday is a busy day at the store" the noun is not what the name is.
_WORDS_BEFORE_A_NOUN = (r"(?:(?!(?:at|in|on|for|with|of|to|by|from|near|inside)\b)"
                        r"[^.;:\s]+[ \t]+){0,10}?")
# What kind of organisation a name is: "a private, employee-owned firm", "one of the ...".
_A_KIND_OF_ORGANISATION = (rf"(?:a|an|the|one[ \t]+of[ \t]+the)[ \t]+{_WORDS_BEFORE_A_NOUN}"
                           rf"\b{_ORGANISATION_NOUN}\b")
# A two-capital legal form after a comma is not a country ("Contoso, AG"); a state's code
# reads as the place ("Reno, NV").
_LEGAL_CODES = frozenset(f for f in LEGAL_FORMS if len(f) == 2 and f.isupper()) - US_STATES

# "<Name> is hiring": a name, then what follows it, looked for first (rules.AnchoredPattern).
# Not a place the subject is in: "Our team in Reno is hiring".
_NAMED = rf"(?<!\bin[ \t])(?<!\bnear[ \t])(?<!\bacross[ \t])(?P<v>{NAME}){LEGAL}"


def _name_then(tail: str, in_capitals: bool = False) -> AnchoredPattern:
    """`tail` starts with the spaces after the name: only where a run of them starts (tried
    inside a run, each start would read the rest of it again: quadratic; the guard holds for
    each of the tail's alternatives). A name may hold a tail `in_capitals` ("IS AN EQUAL
    ...")."""
    return AnchoredPattern(_NAMED, rf"(?<![ \t])(?:{tail})", NAME_REACH, in_capitals)


_STATED = (
    ("equal-opportunity-employer", _name_then(  # "Northwind Traders, Inc. is an Equal ..."
        r"(?:[ \t]+\([A-Z][A-Za-z&]{1,9}\))?"  # its acronym: "Northwind Health (NWH) is"
        r"[ \t]+(?i:is|are)[ \t]+(?i:(?:an?[ \t]+|proud[ \t]+to[ \t]+be"
        r"[ \t]+an?[ \t]+)?(?:equal[ \t]+(?:opportunity|employment)|EEO?\b|affirmative"
        r"[ \t]+action))", in_capitals=True)),
    ("at-company-we", re.compile(
        rf"{at_a_word('At')}[ \t]+(?P<v>{NAME}){LEGAL},?[ \t]+(?:we|our|you)\b")),
    ("company-is-hiring", _name_then(  # "Northwind is hiring", "Northwind - Now Hiring Cooks"
        rf"[ \t]+(?:is|are)[ \t]+(?i:(?:currently[ \t]+)?(?:{one_of(HIRING_VERBS)})\b)"
        r"|[ \t]*[-–—|:][ \t]*(?i:now[ \t]+)?(?i:hiring)\b")),
    ("company-has-an-opening", _name_then(
        r"[ \t]+(?:has|have)[ \t]+an?[ \t]+(?:(?:immediate|exciting|"
        r"new|open)[ \t]+)?(?:opening|vacancy|opportunity|need)\b")),
    ("labelled-company", re.compile(  # "Company Description: Northwind", "Company: Northwind"
        rf"{at_a_word('Company')}(?:[ \t]+(?:Name|Description|Overview))?[ \t]*:[ \t]*"
        rf"(?P<v>{NAME})")),
    ("company-is-a-kind-of-organisation", re.compile(  # "Northwind is a leading ... company"
     # not a sentence's adverb before its comma ("Naturally, the firm ...")
     rf"(?:^\s*|[.!?:][ \t]+|\n)(?![A-Z][a-z]+ly,)(?P<v>{NAME}){LEGAL}(?:[ \t]*\([^)]{{1,40}}\))?"
     rf"(?:[ \t]+(?:is|are)[ \t]+|,[ \t]*){_A_KIND_OF_ORGANISATION}")),
    ("about-company", re.compile(  # "About Northwind:", "About Us Northwind is", a heading
     rf"{at_a_word('About', 'ABOUT')}(?:[ \t]+(?:Us|US))?[ \t]*:?[ \t]+(?!(?:Us|US)\b)"
     rf"(?P<v>{NAME}){LEGAL}"
     r"(?:[ \t]*:|[ \t]+(?:is|was|has|helps|builds|provides|offers|We|Our)\b|[ \t]*(?m:$))")),
    ("why-company", re.compile(  # a heading: "Why Northwind?", "WHY NORTHWIND:", "Why join X"
     rf"(?m:^)[ \t]*(?:Why|WHY)[ \t]+(?:(?i:join|work[ \t]+(?:at|for|with))[ \t]+)?"
     rf"(?!(?i:work|join)\b)"
     rf"(?P<v>{NAME}){LEGAL}[ \t]*[?:!]?[ \t]*(?m:$)")),
    ("join-company",  # not "join our team"
     re.compile(rf"{at_a_word('Join', 'join')}(?:ing)?[ \t]+(?P<v>{NAME})")),
    ("company-in-its-legal-statements", _name_then(  # "Northwind does not discriminate"
        r"[ \t]+(?i:(?:will|shall)[ \t]+consider[ \t]+(?:for[ \t]+employment|qualified)"
        r"|(?:provides?|offers?|affords?)[ \t]+equal[ \t]+(?:employment[ \t]+)?opportunit"
        r"|(?:does|do)[ \t]+not[ \t]+discriminate"
        r"|participates?[ \t]+in[ \t]+E-?Verify|is[ \t]+an?[ \t]+E-?Verify"
        # "is committed to equality, diversity and inclusion", "... to providing equal",
        # "... to providing accommodations for persons with disabilities"
        r"|is[ \t]+committed[ \t]+to[ \t]+(?:(?:the[ \t]+principles?[ \t]+of|providing"
        r"|being)[ \t]+(?:an?[ \t]+)?)?(?:equal|equality|diversity|accessib"
        r"|(?:reasonable[ \t]+)?accommodations?\b))",
        in_capitals=True)),
    ("all-are-welcome-at-company", re.compile(  # a diversity statement: "All are welcome at X."
        rf"{at_a_word('All', 'Everyone')}[ \t]+(?:are|is)[ \t]+welcome[ \t]+at[ \t]+"
        rf"(?P<v>{NAME}){LEGAL}[ \t]*[.!]")),
)
# A name the posting says was founded, or has been something since a year: "Northwind has
# been family-run since 1986", "Northwind has been baking bread and pastry for the shops of
# three counties since 1962", "Northwind was founded in 2012" (an organisation's history; a
# name met once, so tried late).
_YEAR = r"(?:18|19|20)\d\d\b"
_FOUNDED = _name_then(
    rf"[ \t]+(?:(?:has|have)[ \t]+been\b[^.!?;\n]{{0,120}}?\bsince"
    rf"|(?:was|were)[ \t]+(?:founded|established|started)[ \t]+in)[ \t]+{_YEAR}")
# A posting that opens with a name doing what an organisation does ("Northwind builds ...").
_OPENS_WITH = rf"\A\s*(?P<v>{NAME}){LEGAL}[ \t]+(?:{'|'.join(ORGANISATION_VERBS)})\b"
# "Northwind is a/an/the ..." at a sentence start: only for a name the text repeats.
_COMPANY_IS = re.compile(rf"(?:^\s*|[.!?][ \t]+|\n)(?P<v>{NAME}){LEGAL}[ \t]+is[ \t]+"
                         r"(?:a|an|the|one)\b")
# Where a text speaks of the organisation: its possessive, a sentence it begins with what an
# organisation does, "at / join / about" it, "for" it at a clause's end.
_ORGANISATION_CONTEXTS = [
    AnchoredPattern(rf"(?P<v>{NAME})", r"['’]s\b", NAME_REACH, head_holds_tail=True),
    re.compile(rf"(?:^\s*|[.!?:;][ \t]+|\n|\b(?:When|Since then|Today|Here at)[ \t]+)"
               rf"(?!(?:When|Since|Today|Here|Then)\b)(?P<v>{NAME}){LEGAL}[ \t]+"
               rf"(?:{'|'.join(ORGANISATION_VERBS)})\b"),
    re.compile(rf"{at_a_word('At', 'at', 'Join', 'join', 'Joining', 'joining', 'About', 'about')}"
               rf"[ \t]+(?P<v>{NAME})"),
    re.compile(rf"{at_a_word('for')}[ \t]+(?P<v>{NAME})(?=[.;,!?])"),
]


def names_a_job(name: str) -> bool:
    """A name ending in a role noun ("Director", "Chief Product Officer") is a job, not an
    organisation (an acronym such as "GM" may be either, and stays)."""
    last = name.split()[-1] if name.split() else ""
    return last.lower() in JOB_NOUNS and not last.isupper()


# A date or a clock time, as a page's header writes when it was posted: in no name.
_DATE_OR_TIME = re.compile(r"\b\d{1,2}/\d{1,2}/\d{2,4}\b|\b\d{1,2}:\d{2}\b")


def reads_as_a_name(value: str) -> bool:
    """Written as a name: its words capitalised but for small connectors and one brand
    written in lower case ("dbt Labs", "a16z"), not its last word ("Reno's riverfront" is a
    phrase); "Graduate or Junior applicants" is not, nor "Reno, 4/12/2021 9:05 AM"."""
    words = value.split()
    lower = [w for w in words if w == w.lower() and w not in NAME_CONNECTORS
             and any(c.isalpha() for c in w)]
    ends_lower = len(words) > 1 and words[-1] in lower \
        and words[-1].strip(".,").lower() not in _LEGAL_WORDS
    return len(lower) <= 1 and not ends_lower and not _DATE_OR_TIME.search(value)


_LEGAL_WORDS = frozenset(form.lower() for form in LEGAL_FORMS)


def capitalised_by_the_model(value: str, posting: PostingText) -> bool:
    """Whether the posting writes `value` only as a phrase whose later words are common
    ones in lower case, which the answer capitalised: "Harbor fish" of "Harbor fish.
    Honest prices." given as "Harbor Fish". A name is written as one somewhere ("dbt Labs"
    as the posting writes it stays)."""
    def common(words: list[str]) -> bool:  # a later word in lower case ("inc." is a name's)
        return any(w[:1].islower() and w not in NAME_CONNECTORS
                   and w.strip(".,").lower() not in _LEGAL_WORDS for w in words[1:])

    spans = mentions_outside_addresses(value, posting)
    return len(value.split()) > 1 and bool(spans) and not common(value.split()) \
        and all(common(posting.raw[start:end].split()) for start, end in spans)


# A state's code with its ZIP code after it ("NV 89501").
_ZIP_AFTER = re.compile(r"(?<=^[A-Z]{2})[ \t]+\d{5}(?:-\d{4})?$")


def looks_like_a_place(value: str) -> bool:
    """'US, OR, Salem', 'Austin, TX', 'GB, LND': a place written the way postings write
    locations (a state or country code between commas, a state's with its ZIP code: "Reno,
    NV 89501"), not an organisation."""
    parts = [_ZIP_AFTER.sub("", p.strip()) for p in value.split(",")]
    return len(parts) >= 2 and any(len(p) == 2 and p.isalpha() and p.isupper()
                                   and p not in _LEGAL_CODES for p in parts)


def is_company(value: str, location: str | None, posting: PostingText) -> bool:
    """An organisation the posting names: not a place, a placeholder or a headline's parts
    ("Fintech | Leeds"), outside a web or mail address, written as a name and not a job
    ("Director") unless it is a line of its own, as a page's company line is ("Premier
    Recruiter"), and not a sentence there."""
    key = norm(value)
    return (key not in NOT_A_COMPANY and key != norm(location) and not looks_like_a_place(value)
            and "|" not in value
            and (key in posting.normalised_lines and not is_a_clause(value)
                 or not names_a_job(value) and reads_as_a_name(value)
                 and not capitalised_by_the_model(value, posting))
            and found_in(value, posting.outside_addresses))


def _company_name(value: str) -> str:
    """The name alone: no heading run into it, no "The", no possessive, no job title run
    into it at a page's start ("Compliance Analyst Northwind Ventures" -> "Northwind
    Ventures")."""
    value = re.sub(r"['’]s$", "", re.sub(r"^(?:The|the)[ \t]+", "",
                                          without_heading(clean(value))))
    words = value.split()
    roles = [i for i, word in enumerate(words[:-1])  # "GM IT", "Tech Innovations" stay
             if word.lower() in JOB_NOUNS and not word.isupper()]
    if not roles:
        return value
    rest = words[roles[-1] + 1:]
    return "" if rest[0][0].islower() else " ".join(rest)  # "Director of IT": a job


def _usable_company(value: str) -> bool:
    """A name a reader may give: a name may end in "Company" ("Northwind Mutual Insurance
    Company"), not start with it ("Company Description")."""
    words = value.split()
    if len(words) > 1 and words[-1] == "Company":
        value = " ".join(words[:-1])
    return usable(value, 6) and not is_place(value) and not names_a_job(value) \
        and not {w.lower() for w in value.split()} & NOT_IN_A_COMPANY_NAME


def _a_name_used_as_one(value: str) -> bool:
    """A name the weaker rules (a name used as one, or opening the text) may give: not a
    department or "EEO" either ("EEO is the law"; one the posting states outright, "Hybrid
    is a design studio", may be)."""
    return _usable_company(value) and norm(value) not in NOT_A_COMPANY


MAX_REPEATED_TRIES = 20  # a posting has a few sentences "<Name> is a ..."; crafted text more


def company_is_repeated(posting: PostingText) -> Found | None:
    """"Northwind is a ..." at a sentence's start, for a name the text uses twice or more."""
    text = posting.unglued
    for tries, m in enumerate(_COMPANY_IS.finditer(text)):
        if tries >= MAX_REPEATED_TRIES:  # each try counts over the whole text
            return None
        value = _company_name(m["v"])
        if _a_name_used_as_one(value) and uses(value, posting) >= 2:
            return Found(value, clean(m.group(0))[:120])
    return None


def recurring_organisation(posting: PostingText) -> Found | None:
    """The name the text most often uses as an organisation, if twice or more; each line
    that is the name alone counts once (a page's company line, where the header's layout is
    one no reader knows)."""
    seen: dict[str, list[str]] = {}
    for pattern in _ORGANISATION_CONTEXTS:
        for m in pattern.finditer(posting.unglued):
            value = _company_name(m["v"])
            if _a_name_used_as_one(value) and value.split()[0].lower() not in NOT_ORGANISATIONS:
                seen.setdefault(value, []).append(clean(m.group(0))[:60])
    if not seen:
        return None
    # a name counts where it ends a longer match too ("Supporting Lamna's"); each match's
    # few word-ends are looked up, not every pair of names compared (quadratic on crafted
    # text of thousands of names)
    evidence_of: dict[str, list[str]] = {v: [] for v in seen}
    for name, evidence in seen.items():
        words = name.split(" ")
        for i in range(len(words)):
            if " ".join(words[i:]) in evidence_of:
                evidence_of[" ".join(words[i:])] += evidence
    own_lines = Counter(posting.normalised_by_line)  # a line of its own: a page's company line
    for name in evidence_of:
        evidence_of[name] += [name] * own_lines[norm(name)]
    best = max(evidence_of, key=lambda v: len(evidence_of[v]))  # the first met wins a tie
    if len(evidence_of[best]) < 2:
        return None
    return Found(best, " ... ".join(evidence_of[best][:2]))


# "We are Northwind." as a sentence of its own; "We're Northwind, a family-owned bakery"
# (what kind of organisation it is, in apposition: an emoji may stand between).
_WE_ARE = re.compile(rf"{at_a_word('We', 'WE')}(?:[ \t]+(?:are|ARE)|['’](?:re|RE))[ \t]+"
                     rf"(?P<v>{NAME}){LEGAL}(?:[ \t]*[.!](?!\w)|(?P<kind>[ \t]*[^\w\s]{{0,2}}"
                     rf"[ \t]*[,–—-][ \t]*{_A_KIND_OF_ORGANISATION}))")


def we_are_company(posting: PostingText) -> Found | None:
    """"We are Northwind.", for a name the text uses again ("We are Hiring!" says a word);
    "We're Northwind, a ... bakery", saying what kind of organisation it is."""
    for tries, m in enumerate(_WE_ARE.finditer(posting.unglued)):
        if tries >= MAX_REPEATED_TRIES:  # each try counts over the whole text
            return None
        value = _company_name(m["v"])
        if _usable_company(value) and (m["kind"] or uses(value, posting) >= 2):
            return Found(value, clean(m.group(0))[:120])
    return None


# An acronym of a name: two to six capitals ("NWTR"; "TALON" too: a name written in capitals
# has no full name to find, so nothing changes).
_ACRONYM = re.compile(r"[A-Z]{2,6}")
# A word of a name, or a joining word between two ("of", "&"), as written.
_NAME_TOKEN = re.compile(r"[A-Za-z][\w'’.-]*|&")
MAX_NAME_WORDS = 8


def _initials(words: list[str]) -> tuple[str, str, str]:
    """A name's initials three ways: its words' first letters ("Northwind Traders": "NT"),
    every capital its words hold ("BlueHarbor HealthLine of Ohio": "BHHLO"), and the
    first letters of all its words, "of" too ("Harbor County Council of Governments":
    "HCCOG")."""
    named = [w for w in words if w not in NAME_JOINS]
    return ("".join(w[0] for w in named), "".join(c for w in named for c in w if c.isupper()),
            "".join(w[0].upper() for w in words if w[0].isalpha()))


def _names_in(text: str):
    """The words of each name the text may write, read word by word (linear in the text):
    every run of capitalised words (with "of", "&" between them) that ends in a capitalised
    word, from each of its capitalised words, at most MAX_NAME_WORDS long."""
    run: list[re.Match] = []
    for token in _NAME_TOKEN.finditer(text):
        word = token.group(0)
        joined = run and text[run[-1].end():token.start()] in (" ", "\t")
        if not (word[0].isupper() or word in NAME_JOINS and joined):
            run = []
            continue
        run = (run if joined else [])[-MAX_NAME_WORDS + 1:] + [token]
        if word[0].isupper():
            words = [t.group(0) for t in run]
            for first in range(len(words)):
                if words[first][0].isupper():
                    yield words[first:]


def spelled_out(acronym: str, text: str) -> str | None:
    """The full name an acronym stands for where the text writes it, e.g. "Northwind Traders
    Corporation" ... "NT": the first name (_names_in) whose initials are the acronym."""
    if not _ACRONYM.fullmatch(acronym):
        return None
    for words in _names_in(text):
        # a name ends in a capitalised word; the acronym itself is no name
        if not words[-1].isupper() and acronym in _initials(words):
            name = _company_name(" ".join(words).rstrip("."))
            # its initials vouch for its last word: "... Trust Company" is a name here
            if name and not generic(name.split()[0]) and not is_place(name):
                return name
    return None


# A site's name may run on past the name it spells by a short tail: "Northwind" and
# "northwindtx.com", "Contoso" and "contosohq.com".
MAX_SITE_TAIL = 3
MIN_SITE_NAME = 3


def named_by_its_site(posting: PostingText) -> Found | None:
    """A name the posting writes that its own web or mail address spells: "... welcome at
    Northwind Health ..." and "careers@northwindhealth.org". A posting that names its
    employer once, in passing, still gives the address to apply to; a job board's or a
    social network's is no one's (text.site_name)."""
    sites = {site[:len(site) - tail] for site in posting.site_names
             for tail in range(MAX_SITE_TAIL + 1) if len(site) - tail >= MIN_SITE_NAME}
    if not sites:
        return None
    for words in _names_in(posting.unglued):
        spelling = letters_of("".join(words)).casefold()
        if spelling not in sites:
            continue
        name = _company_name(" ".join(words).rstrip("."))
        if name and _a_name_used_as_one(name) and found_in(name, posting.outside_addresses):
            return Found(name, f"{name} ... {spelling}")
    return None


_STATED_RULES = tuple(Rule(name, pattern_rule(pattern, _usable_company, _company_name))
                      for name, pattern in _STATED)


PAGE_HEAD_LINES = 5  # a page copy's header: the title, the company, the place, a label
_REMOTE_LINE = re.compile(r"(?i:remote)\b")
# A board's rating of the employer, on a line of its own under its name: "3.9 ★", "4.2 stars".
_RATING_LINE = re.compile(r"\d(?:\.\d)?[ \t]*(?:★|stars?\b|out[ \t]+of[ \t]+5\b)", re.I)


def _a_job_line(line: str) -> bool:
    return names_a_role(line, plural=False, nouns=JOB_NOUNS)


def _a_place_line(line: str) -> bool:
    return bool(CITY_AND_STATE.match(line) or _REMOTE_LINE.match(line))


@dataclass(frozen=True)
class PageHeader:
    """A page copy's header as the job board prints it: the listing's own title and
    company, and the lines they were read from (the place among them)."""
    title: str
    company: str
    lines: tuple[str, ...]

    @property
    def evidence(self) -> str:
        """What a note quotes: the header's lines."""
        return " / ".join(self.lines)


def header_lines(posting: PostingText) -> PageHeader | None:
    """The lines of a page copy's header, in either order boards print it: a title line
    naming a job over the company and the place ("Dental Assistant\nBright Oak Dental\nTulsa,
    OK 74103"), or the company first, over its rating, the title and the place ("Bright Oak
    Dental\n4.1 ★\nDental Assistant\nTulsa, OK")."""
    lines = [line.strip() for line in posting.lines[:PAGE_HEAD_LINES] if line.strip()]
    lines = lines[1:5] if lines and page_path(lines[0]) else lines[:4]  # under the page's path
    if len(lines) >= 3 and _a_job_line(lines[0]) and _a_place_line(lines[2]):
        return PageHeader(lines[0], _company_name(lines[1]), tuple(lines[:3]))
    under = lines[2:] if len(lines) > 1 and _RATING_LINE.match(lines[1]) else lines[1:]
    if len(under) < 2 or _a_job_line(lines[0]) or not _a_job_line(under[0]) \
            or not _a_place_line(under[1]):
        return None
    return PageHeader(under[0], _company_name(lines[0]),
                      tuple(lines[:len(lines) - len(under) + 2]))


def page_header(posting: PostingText) -> PageHeader | None:
    """A page copy's header (header_lines) whose company line reads as a name the text uses
    again: lines a reader may take the listing's values from."""
    header = posting.read(header_lines)
    if header is None:
        return None
    name = header.company
    if not (_usable_company(name) and reads_as_a_name(name) and uses(name, posting) >= 2):
        return None
    return header


def the_page_headers_company(posting: PostingText) -> Found | None:
    """The company line of a page copy's header (page_header): the employer as the job
    board lists it, which another organisation the text names (the group that staffs the
    practice, in its equal opportunity statement) does not replace."""
    header = posting.read(page_header)
    if header is None:
        return None
    return Found(header.company, header.evidence, rule="the-page-headers-company",
                 headline=True)


COMPANY_RULES = (
    Rule("the-page-headers-company", the_page_headers_company),  # the board's own listing
    *_STATED_RULES[:2],  # the equal-opportunity statement, "At Northwind, we"
    Rule("we-are-company", we_are_company),
    *_STATED_RULES[2:],
    Rule("company-is-repeated", company_is_repeated),
    Rule("recurring-organisation", recurring_organisation),
    # last: a name met once, where nothing above read one
    Rule("company-since-its-founding", pattern_rule(_FOUNDED, _a_name_used_as_one,
                                                    _company_name)),
    Rule("opens-with-the-company", pattern_rule(re.compile(_OPENS_WITH), _a_name_used_as_one,
                                                _company_name)),
    Rule("named-by-its-site", named_by_its_site),
)


def find_company(text: str | PostingText) -> Found | None:
    """The hiring organisation, by the first rule of COMPANY_RULES that reads one."""
    posting = PostingText.of(text)
    found = first_found(COMPANY_RULES, posting)
    if found is None:
        return None
    found = _without_a_word_run_into_it(found, posting)
    return replace(found, value=spelled_out(found.value, posting.unglued) or found.value)


def _without_a_word_run_into_it(found: Found, posting: PostingText) -> Found:
    """The name without its first word where text flattened onto one line ran the word
    before it into the name ("... free parking on Saturdays Wren Clinic, LLC is an equal
    opportunity employer"): the text writes the name once so, and elsewhere without it."""
    _, _, rest = found.value.partition(" ")
    if not rest or len(rest.split()) < 2 or not rest[0].isupper() \
            or uses(found.value, posting) != 1 or uses(rest, posting) < 2:
        return found
    return replace(found, value=rest)


# The rules in which a posting names itself as the employer: its legal statements, "We are".
_EMPLOYER_STATEMENTS = frozenset({"equal-opportunity-employer", "we-are-company",
                                  "company-in-its-legal-statements"})
MANY_USES = 3


def _whole(name: str, then: str = "") -> re.Pattern:
    """`name` written as a whole name, not inside a longer word ("Northwind-based" is not),
    and followed by what `then` allows."""
    return re.compile(rf"(?<![\w-]){re.escape(name)}(?![\w-]){then}")


def uses(name: str, posting: PostingText) -> int:
    """How often the text writes `name` as a whole name."""
    return len(_whole(name).findall(posting.unglued))


def one_organisation(name: str, other: str) -> bool:
    """Whether two names share a word other than a join or a legal form, as one
    organisation's names do ("N. W. Northwind Group" and "Northwind"; not "Northwind LLC" and
    "Contoso LLC")."""
    return bool(set(_name_words(name)) & set(_name_words(other)))


def another_employer(company: str, posting: PostingText) -> Found | None:
    """The organisation the posting names as itself, where the model's `company` is another
    one the text names only once: a partner, an investor or a division ("Northwind and
    Contoso have formed an alliance ... Northwind is an equal opportunity employer"). The
    posting's own word is its legal statement, or a name it uses MANY_USES times or more."""
    found = posting.read(find_company)
    if found is None or uses(company, posting) != 1 or heads_the_page(company, posting):
        return None
    if one_organisation(company, found.value):
        return None
    if one_family(company, found.value, posting):
        return None
    if found.rule in _EMPLOYER_STATEMENTS or uses(found.value, posting) >= MANY_USES:
        return found
    return None


def the_employers_own_name(company: str, posting: PostingText) -> Found | None:
    """The name the posting's employer statement gives, where the model's `company` is
    another name of the same organisation: a hospital of the health system ("Northwind
    Medical Center" where "Northwind Health is an equal opportunity employer"). Not the same
    name in other capitals or without its legal form, nor one shortened to an acronym the
    model's name spells out ("Northwind FCU" for "Northwind Federal Credit Union")."""
    found = posting.read(find_company)
    if found is None or found.rule not in _EMPLOYER_STATEMENTS \
            or heads_the_page(company, posting):
        return None
    ours, theirs = _name_words(company), _name_words(found.value)
    if ours == theirs or ours[:1] != theirs[:1] or _shortened(found.value, company):
        return None
    return found


_NOT_NAME_WORDS = NAME_JOINS | _LEGAL_WORDS


def _name_words(name: str) -> list[str]:
    """A name's words, in lower case, without its joins and legal form: the first is the
    one an organisation's names share ("Northwind Health", "Northwind Medical Center")."""
    return [word for word in norm(name).split() if word not in _NOT_NAME_WORDS]


# A word in capitals that shortens a name: "FCU", "W&C" (_ACRONYM, which spelled_out reads,
# takes capitals alone).
_AN_ACRONYM = re.compile(r"[A-Z][A-Z&]{1,7}")


def _shortened(name: str, full: str) -> bool:
    """Whether `name` writes an acronym that `full` does not."""
    words = set(full.split())
    return any(_AN_ACRONYM.fullmatch(word) and word not in words for word in name.split())


def heads_the_page(name: str, posting: PostingText) -> bool:
    """Whether `name` is the company line of a page copy's header (header_lines): the
    employer as the job board lists it, whether or not the description names it again."""
    header = posting.read(header_lines)
    return header is not None and header.company == _company_name(name)


# Words that make one organisation a part of another: "Northwind, a Contoso company",
# "an operating company of Contoso", "a division of", "a subsidiary of", "member of".
_PART_OF = re.compile(r"\b(?:compan(?:y|ies)|subsidiary|division|brand|affiliate|member|part"
                      r"|unit|family)\b", re.I)
_SENTENCE_REACH = 200  # characters each side of a name its sentence is looked for in
MAX_FAMILY_TRIES = 20


def one_family(name: str, other: str, posting: PostingText) -> bool:
    """Whether a sentence naming `name` names `other` too with a word like "company of"
    or "part of": a parent and its part ("Wingtip is a bistro, part of the Contoso
    family of restaurants")."""
    text = posting.unglued
    near = _whole(other.split()[0])
    for tries, m in enumerate(_whole(name).finditer(text)):
        if tries >= MAX_FAMILY_TRIES:
            return False
        before = SENTENCE_OR_LINE_END.split(text[max(0, m.start() - _SENTENCE_REACH):m.start()])
        after = SENTENCE_OR_LINE_END.split(text[m.end():m.end() + _SENTENCE_REACH])
        sentence = f"{before[-1]}{m.group(0)}{after[0]}"
        if near.search(sentence) and _PART_OF.search(sentence):
            return True
    return False


def named_part(company: str | None, posting: PostingText) -> Found | None:
    """The start of the model's company that the posting writes as a name twice or more,
    where the model ran on past it ("Litware Tech" for a text naming "Litware"); a name of
    at most MAX_VALUE_WORDS words (each start is a pattern over the whole text). None for a
    sentence ("Love to cook? Love people?" names no one, however often its words recur)."""
    if company is None or is_a_clause(company):
        return None
    words = company.split()
    for end in range(min(len(words) - 1, MAX_VALUE_WORDS), 0, -1):
        name = " ".join(words[:end])
        # used as a whole name: not the start of a longer one ("United" of "United States")
        times = len(_whole(name, r"(?![ \t,]+[A-Z])").findall(posting.unglued))
        if times >= 2 and name[0].isupper() and is_company(name, None, posting):
            return Found(name, f"{name!r} {times} times",
                         rule="part-of-model-value-named-twice")
    return None
