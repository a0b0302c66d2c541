"""Deterministic readers for the title, company and location a posting states in a form
that leaves no doubt: a labelled line ("Job Title: ..."), a hiring sentence ("We are
looking for a Senior Data Engineer"), a company's own sentence ("At Northwind, we ...",
"Northwind is an equal opportunity employer", or a name the text keeps using as the
organisation: "Northwind's", "When Northwind started", "at Northwind"), a US "City, ST".
Text flattened from a page glues headings to the words around them ("Company
DescriptionNorthwind builds", "Payroll ClerkReports to:"): the readers see them apart.

A small model misses these or answers with something the posting does not contain; the
grounding step (grounding.py) keeps the model's value when the posting contains it and
falls back to what these readers find, noting the source, instead of a null.
Each reader returns a `Found` (the value as written and the phrase it came from) or None.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

US_STATES = ("AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT "
             "NE NV NH NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY").split()
STATE_NAMES = ("Alabama|Alaska|Arizona|Arkansas|California|Colorado|Connecticut|Delaware|Florida"
               "|Georgia|Hawaii|Idaho|Illinois|Indiana|Iowa|Kansas|Kentucky|Louisiana|Maine"
               "|Maryland|Massachusetts|Michigan|Minnesota|Mississippi|Missouri|Montana"
               "|Nebraska|Nevada|New Hampshire|New Jersey|New Mexico|New York|North Carolina"
               "|North Dakota|Ohio|Oklahoma|Oregon|Pennsylvania|Rhode Island|South Carolina"
               "|South Dakota|Tennessee|Texas|Utah|Vermont|Virginia|Washington|West Virginia"
               "|Wisconsin|Wyoming")

# A capitalised name: words that start upper-case (or digits), joined by a few small words.
_CAP = r"[A-Z0-9][\w&'’+-]*(?:\.[\w&'’+-]+)*"  # dots only inside ("Salesforce.com")
_NAME = rf"{_CAP}(?:[ \t](?:(?:of|and|for|the|&|de|du|la)[ \t])?{_CAP}){{0,5}}"
# Words that begin sentences or headings, never a company or a job by themselves.
_GENERIC = {"we", "our", "you", "your", "the", "this", "it", "they", "he", "she", "us", "job",
            "role", "position", "company", "team", "candidate", "applicant", "employer",
            "description", "summary", "overview", "responsibilities", "requirements",
            "qualifications", "benefits", "about", "who", "what", "why", "how", "location",
            "salary", "pay", "equal", "all", "each", "every", "here", "there", "join",
            "successful", "ideal", "great", "new", "full", "part", "remote", "compensation",
            "eoe", "e", "note", "please", "apply", "if", "as", "in", "at", "for", "and",
            "a", "an", "more", "other", "additional", "any", "no", "yes", "must", "will",
            "client", "department", "one", "multiple", "on"}


# Headings that flattened text glues to the word before them ("ClerkReports to:"), and
# the long ones it glues to the word after them ("DescriptionNorthwind builds"). A whole
# heading word is needed, so "PayPal" or "YouTube" stay whole.
_HEADINGS = ("Reports|Location|Company|Description|Overview|Summary|Responsibilities|"
             "Requirements|Qualifications|Benefits|About|Salary|Compensation|Pay|Job|Position|"
             "Title|Department|Schedule|Duties|Opportunity|The|We|Our|You|Your|Who|What")
_GLUED_AFTER = re.compile(rf"(?<=[a-z)])(?=(?:{_HEADINGS})\b)")
_GLUED_BEFORE = re.compile(r"\b(Description|Overview|Summary|Responsibilities|Requirements|"
                           r"Qualifications|Benefits|Opportunity|Compensation)(?=[A-Z][a-z])")


@lru_cache(maxsize=16)  # every reader of one answer's check reads the same text
def unglue(text: str) -> str:
    """Flattened page text with its headings set apart: "ClerkReports to:" ->
    "Clerk Reports to:", "DescriptionNorthwind builds" -> "Description Northwind builds"."""
    return _GLUED_BEFORE.sub(r"\1 ", _GLUED_AFTER.sub(" ", text))


@dataclass(frozen=True)
class Found:
    value: str
    evidence: str
    labelled: bool = False  # the posting labels it ("Job Title: ..."): nothing is surer


def _clean(value: str) -> str:
    value = value.strip(" \t-–—:;,.|").strip()
    return value[:-1].strip() if value.endswith("(") else value


def _generic(word: str) -> bool:
    return not (word.isupper() and len(word) > 1) and word.lower().strip("’'") in _GENERIC


def _usable(value: str, max_words: int = 8) -> bool:
    words = value.split()
    return 0 < len(words) <= max_words and not _generic(words[0]) \
        and not _generic(words[-1]) and any(c.isalpha() for c in value)


def _is_place(value: str) -> bool:
    return value in US_STATES or bool(re.fullmatch(STATE_NAMES, value)) \
        or bool(_US_PLACE.fullmatch(value))


# ---- places --------------------------------------------------------------------------------

# A city is one word, with the words place names join to it: "San Luis Obispo",
# "Walnut Creek", "Salt Lake City" (a title before it, "Data Engineer Denver, CO", is not).
_CITY_PREFIX = (r"(?:(?:San|Santa|Los|Las|New|North|South|East|West|Fort|Ft\.|Saint|St\.|Salt|Lake"
                r"|El|La|Mount|Mt\.|Palm|Port|Grand|Long|Baton|Little|Palo|Menlo|Redwood|Luis"
                r"|Mountain|Culver|Daly|Foster|Rancho|Thousand|Cedar|Sioux|Kansas|Oklahoma"
                r"|Jersey|Virginia|Beverly|Newport|Del|Des|Coral|Boca|Ann|Bowling|Cape|Glen"
                r"|Granite|Green|High|Jefferson|Johnson|Overland|Rocky|Round|Sugar|Twin)[ \t])")
_CITY_WORD = r"[A-Z][a-z][a-zA-Z'’-]*"
_CITY_SUFFIX = (r"(?:[ \t](?:Creek|City|Beach|Park|Springs|Falls|Heights|Hills|Valley|Grove"
                r"|Rapids|Harbor|Point|Island|Gardens|Village|Bay|Lake|Rock|Bend|Station))?")
_CITY = rf"(?<![\w-]){_CITY_PREFIX}{{0,2}}{_CITY_WORD}{_CITY_SUFFIX}"
_US_PLACE = re.compile(rf"(?!(?:US|USA|United States)\b)(?P<v>{_CITY},[ \t]?(?:{'|'.join(US_STATES)}|{STATE_NAMES}))"
                       r"(?![A-Za-z])")


# ---- title -----------------------------------------------------------------------------------

_TITLE_LABEL = re.compile(r"\b(?:job\s*title|position\s*title|position|title|role)\s*:\s*"
                          r"(?P<v>[^\n|;:•*]{3,80}?)(?=\s*(?:\n|\||;|•|\*|\s{2}|$|\.\s|"
                          r"\b(?:Location|Company|Salary|Pay|Job\s*Type|Department|Reports)\b))",
                          re.I)
# Title words: capitalised, with the connectors titles use ("Manager of Sales", "R&D / QA").
_TITLE_WORD = r"(?:[A-Z][\w&'’+#./-]*|I{1,3}|IV|V|[A-Z]{2,}|\d[\w+]*)"
_TITLE_PHRASE = (rf"{_TITLE_WORD}(?:[ \t](?:(?:of|and|&|for|in|to|/|-|–)[ \t])?{_TITLE_WORD})"
                 r"{0,7}(?:[ \t]\([^)]{1,30}\))?")
# A page copied as one line starts "Senior Data Engineer Denver, CO ...".
_TITLE_THEN_PLACE = re.compile(rf"^\s*(?P<v>{_TITLE_PHRASE})[ \t]+"
                               + _US_PLACE.pattern.replace("(?P<v>", "(?:"))
_HIRING = re.compile(r"\b(?:looking for|seeking|hiring|searching for|in search of|recruiting"
                     r"|has an opening for|is in need of)\s+(?:an?|the|our|one|two)\s+"
                     r"(?:(?:talented|motivated|experienced|dynamic|skilled|passionate|"
                     r"qualified|dedicated|driven|energetic|enthusiastic|detail-oriented|"
                     r"highly|self-motivated|full[- ]time|part[- ]time|remote|new)[ ,]+)*"
                     rf"(?P<v>{_TITLE_PHRASE})")


# "The Network Engineer is responsible for ...", the way descriptions open.
_THE_TITLE_DOES = re.compile(rf"(?:^|[.!?:][ \t]+|\n)[ \t]*(?:[A-Z ]{{3,20}}[ \t]+)?The[ \t]+"
                             rf"(?P<v>{_TITLE_PHRASE})[ \t]+(?:is|will be)[ \t]+responsible\b|"
                             rf"(?:^|[.!?:][ \t]+|\n)[ \t]*(?:[A-Z ]{{3,20}}[ \t]+)?The[ \t]+"
                             rf"(?P<w>{_TITLE_PHRASE})[ \t]+(?:will|must|reports[ \t]+to|is[ \t]+an?"
                             r"[ \t]+(?:full|part)[- ]time)\b")


def find_title(text: str) -> Found | None:
    """A title the posting states: a labelled line; its first line (a short line without
    sentence punctuation, as a page copy starts) or, in text copied as one line, the words
    before the job's "City, ST"; a hiring sentence ("looking for a ..."); "The ... will"."""
    text = unglue(text)
    for m in _TITLE_LABEL.finditer(text):
        value = _clean(m["v"])
        if _usable(value):
            return Found(value, _clean(m.group(0))[:120], labelled=True)
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    if first != text.strip() and 3 <= len(first) <= 80 and len(first.split()) <= 10 \
            and first[0].isupper() and not re.search(r"[.!?:]$|\b(?:we|our|you)\b", first, re.I):
        return Found(_clean(first), first)
    for pattern in (_TITLE_THEN_PLACE, _HIRING, _THE_TITLE_DOES):
        for m in pattern.finditer(text):
            value = _clean(m["v"] or m.groupdict().get("w") or "")
            if _usable(value):
                return Found(value, _clean(m.group(0))[:120])
    return None


# ---- company ---------------------------------------------------------------------------------

_LEGAL = r"(?:,?[ \t](?:Inc|LLC|L\.L\.C|Ltd|Corp|Co|LLP|LP|PLC|GmbH|AG|SA)\.?)?"
_COMPANY_PATTERNS = [
    # "Northwind Traders, Inc. is an Equal Opportunity Employer"
    re.compile(rf"(?P<v>{_NAME}){_LEGAL}[ \t]+(?i:is|are)[ \t]+(?i:(?:an?[ \t]+|proud[ \t]+to[ \t]+be"
               r"[ \t]+an?[ \t]+)?(?:equal[ \t]+(?:opportunity|employment)|EEO?\b|affirmative"
               r"[ \t]+action))"),
    # "At Northwind, we ..." / "At Northwind our ..."
    re.compile(rf"\bAt[ \t]+(?P<v>{_NAME}){_LEGAL},?[ \t]+(?:we|our|you)\b"),
    # "Northwind is hiring / seeking / looking for"
    re.compile(rf"(?P<v>{_NAME}){_LEGAL}[ \t]+(?:is|are)[ \t]+(?i:(?:currently[ \t]+)?"
               r"(?:hiring|seeking|looking[ \t]+for|searching[ \t]+for|recruiting)\b)"),
    # "About Northwind:" / "About Us Northwind is ..."
    re.compile(rf"\bAbout(?:[ \t]+Us)?[ \t]*:?[ \t]+(?P<v>{_NAME}){_LEGAL}(?:[ \t]*:|[ \t]+(?:is|was|has|helps|builds|provides|offers)\b)"),
    # "Join Northwind" (not "join our team")
    re.compile(rf"\b[Jj]oin(?:ing)?[ \t]+(?P<v>{_NAME})"),
]
# "Northwind is a/an/the ..." at a sentence start: only for a name the text repeats.
_COMPANY_IS = re.compile(rf"(?:^\s*|[.!?][ \t]+|\n)(?P<v>{_NAME}){_LEGAL}[ \t]+is[ \t]+(?:a|an|the|one)\b")
# Where a text speaks of the organisation: its possessive, a sentence it begins with what an
# organisation does, "at / join / about" it, "for" it at a clause's end. A name met there
# twice or more is the one the posting is about.
_ORG_VERBS = ("is|was|has|have|builds|makes|made|provides|offers|helps|brings|believes|serves|"
              "creates|delivers|develops|started|empowers|enables|connects|partners|operates|"
              "employs|values|invests|supports|strives|aims|began|specializes|specialises")
_ORG_CONTEXTS = [
    re.compile(rf"(?P<v>{_NAME})['’]s\b"),
    re.compile(rf"(?:^\s*|[.!?:;][ \t]+|\n|\b(?:When|Since then|Today|Here at)[ \t]+)"
               rf"(?!(?:When|Since|Today|Here|Then)\b)(?P<v>{_NAME}){_LEGAL}[ \t]+"
               rf"(?:{_ORG_VERBS})\b"),
    re.compile(rf"\b(?:[Aa]t|[Jj]oin|[Jj]oining|[Aa]bout)[ \t]+(?P<v>{_NAME})"),
    re.compile(rf"\bfor[ \t]+(?P<v>{_NAME})(?=[.;,!?])"),
]
# Capitalised words these contexts meet that are never the organisation ("Bachelor's").
_NOT_ORGANISATIONS = {"let", "bachelor", "master", "associate", "doctor", "today", "here",
                      "there", "what", "that", "everyone", "employee", "employees"}


def _company_name(value: str) -> str:
    value = re.sub(r"^(?:The|the)[ \t]+", "", _clean(value))
    return re.sub(r"['’]s$", "", value)


def _usable_company(value: str) -> bool:
    words = {w.lower() for w in value.split()}
    return _usable(value, 6) and not _is_place(value) and not words & {
        "description", "company", "client", "role", "position", "job", "we", "our", "you",
        "team", "department", "opportunity", "internship"}


def find_company(text: str) -> Found | None:
    """The hiring organisation a posting names in its own sentences."""
    text = unglue(text)
    for pattern in _COMPANY_PATTERNS:
        for m in pattern.finditer(text):
            value = _company_name(m["v"])
            if _usable_company(value):
                return Found(value, _clean(m.group(0))[:120])
    for m in _COMPANY_IS.finditer(text):
        value = _company_name(m["v"])
        if _usable_company(value) and len(re.findall(rf"\b{re.escape(value)}\b", text)) >= 2:
            return Found(value, _clean(m.group(0))[:120])
    return _recurring_organisation(text)


def _recurring_organisation(text: str) -> Found | None:
    """The name the text most often uses as an organisation, if twice or more."""
    seen: dict[str, list[str]] = {}
    for pattern in _ORG_CONTEXTS:
        for m in pattern.finditer(text):
            value = _company_name(m["v"])
            if _usable_company(value) and value.split()[0].lower() not in _NOT_ORGANISATIONS:
                seen.setdefault(value, []).append(_clean(m.group(0))[:60])
    if not seen:
        return None
    best = max(seen, key=lambda v: len(seen[v]))  # the first met wins a tie
    if len(seen[best]) < 2:
        return None
    return Found(best, " ... ".join(seen[best][:2]))


# ---- location --------------------------------------------------------------------------------

_LOCATION_LABEL = re.compile(r"(?i:\b(?:job\s*)?location)\s*:\s*(?P<v>[^\n|;•]{2,40}?)"
                             r"(?=\s*(?:\n|\||;|•|\s{2}|$|\.\s)|(?:\s|(?<=[a-z]))(?:Job|Salary|Pay"
                             r"|Type|Department|Company|Title|Position|Schedule|This|The|We)\b)")
# Not a place: Indeed's count of locations, "On the road".
_NOT_A_PLACE = re.compile(r"(?:one|multiple|several|\d+|on the road)\b", re.I)


def find_location(text: str) -> Found | None:
    """Where the job is: a labelled location, else the first US "City, ST" the text gives."""
    text = unglue(text)
    for m in _LOCATION_LABEL.finditer(text):
        value = _clean(m["v"])
        if value and value[0].isupper() and not _NOT_A_PLACE.match(value) \
                and len(value.split()) <= 5:
            return Found(value, _clean(m.group(0))[:120])
    m = _US_PLACE.search(text)
    if m and m["v"].split()[0].lower() not in _GENERIC:
        return Found(_clean(m["v"]), m["v"])
    return None


# ---- description -----------------------------------------------------------------------------

# A sentence about the job itself, not the company or the benefits.
_ROLE_WORDS = re.compile(r"\b(?:you will|you'll|responsible for|this role|the role|this position"
                         r"|the position|looking for|seeking|hiring|will be|duties|you are)\b",
                         re.I)
# Where a sentence ends: after its mark and the space that follows, or at a line break (a
# split, linear in the text's length; a pattern matching whole sentences backtracked).
_SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+|\n+")
MAX_SUMMARY_CHARS = 400


def find_summary(text: str, title: str | None = None) -> Found | None:
    """One to three of the posting's own sentences about the role: from the first that names
    the title or speaks of the role ("you will", "responsible for", "looking for"), else from
    its first sentence; whole sentences of six words or more, at most 400 characters."""
    pieces = (piece.strip() for piece in _SENTENCE_BREAK.split(unglue(text)))
    sentences = [s for s in pieces if s.endswith((".", "!", "?")) and len(s.split()) >= 6
                 and not s.isupper()]
    if not sentences:
        return None
    key = title.casefold() if title else None
    start = next((i for i, s in enumerate(sentences)
                  if (key and key in s.casefold()) or _ROLE_WORDS.search(s)), 0)
    chosen: list[str] = []
    for sentence in sentences[start:start + 3]:
        if len(" ".join([*chosen, sentence])) > MAX_SUMMARY_CHARS:
            break
        chosen.append(sentence)
    if not chosen:  # one sentence longer than the bound: not a summary
        return None
    summary = " ".join(chosen)
    return Found(summary, summary[:60])
