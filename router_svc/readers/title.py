"""The title a posting states, read by TITLE_RULES, named rules tried in order.

The surest forms first: the title line of a page copy's header (the listing's own, in either
order boards print the header), a page's first line naming a job, a labelled line ("Job
Title: ...") or the line under its label, the line under a page's company line, a title line
over the job's details, a page's first line over its company and place lines, a title before
its place. Then the looser ones, each of which must name a job (a role noun,
vocabulary.ROLE_NOUNS): the words a one-line page copy starts with, a hiring sentence ("We
are looking for a Senior Data Engineer"), "As a Kennel Attendant, you", "The Lab Technician
plays ...", a title heading its own section, and last a hiring sentence naming the job in
lower case. A first line that is a section heading, a job number or a hiring banner is never
the title.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import replace
from typing import Callable

from router_svc.readers.rules import Found, Rule, first_found, pattern_rule
from router_svc.readers.shapes import (CITY_AND_STATE, MAX_VALUE_WORDS, NAME, NEXT_LABEL,
                                       SENTENCE_DOT, TITLE_PHRASE, at_a_word, clean, is_a_clause,
                                       is_heading, is_place, names_a_role, one_of,
                                       page_path, plural_ending, usable, without_heading)
from router_svc.readers.company import page_header, reads_as_a_name, uses
from router_svc.readers.location import cities_with_a_state
from router_svc.readers.text import WORD, PostingText, as_written, found_in, mentions, norm
from router_svc.readers.vocabulary import (DESCRIBING_WORDS, DETAIL_LABELS, EMPLOYMENT_TYPES,
                                           HIRING_VERBS, JOB_NOUNS, JOB_SECTIONS,
                                           ROLE_NOUNS, TITLE_ABBREVIATIONS, WORK_ARRANGEMENTS)

_TITLE_LABEL = re.compile(r"\b(?:job\s*title|position\s*title|position|title|role)\s*:\s*"
                          r"(?P<v>[^\n|;:•*]{3,80}?)(?=\s*(?:\n|\||;|•|\*|\s{2}|$|"
                          rf"{SENTENCE_DOT})|{NEXT_LABEL})", re.I)
# A label on a line of its own, its value on the next ("Job Title\nPayroll Clerk").
_TITLE_LABEL_LINE = re.compile(r"(?im:^[ \t]*(?:job|position|posting)[ \t]+title[ \t]*:?[ \t]*\n"
                               r"[ \t]*(?P<v>[^\n]{3,80}?)[ \t]*$)")
# How the job is held, as a label's whole value ("Position: Full-Time"), not a title.
_EMPLOYMENT_TYPE = re.compile(rf"(?:{one_of(EMPLOYMENT_TYPES)})\b", re.I)
# A page copied as one line starts "Senior Data Engineer Denver, CO ...".
_TITLE_THEN_PLACE = re.compile(rf"^\s*(?P<v>{TITLE_PHRASE})[ \t]+"
                               + CITY_AND_STATE.pattern.replace("(?P<v>", "(?:"))
# The sentence hiring: "Northwind is hiring a ...", "we need a ...", "our busy clinic needs
# a ..." (the employer needing: "this job needs a valid Driver License" hires no one).
_HIRING = re.compile(rf"\b(?:{one_of(HIRING_VERBS)}|has an opening for|is in need of"
                     r"|\b[Ww]e[ \t]+(?:urgently[ \t]+)?need"
                     r"|\b[Oo]ur[ \t]+(?:[\w-]+[ \t]+){1,3}needs)\s+"
                     r"(?:(?:applicants|candidates)\s+for\s+)?"
                     r"(?:(?:an?|the|our|one|two)\s+)?"
                     r"(?:[a-z][\w-]*,?[ \t]+){0,4}"  # "an analytical and detail-oriented"
                     rf"(?P<v>{TITLE_PHRASE}(?:,[ \t]+{TITLE_PHRASE}(?=[ \t]+(?:to|who|that"
                     r"|with|for|in|on|at)\b|[ \t]*[.;:!?(]|[ \t]*$))?)", re.M)
# "The Lab Technician is responsible for ...", "The Lab Technician II plays ...", "The
# Account Manager, Public Sector owns ..." (a qualifier after a comma, as titles write one).
_THE_TITLE_DOES = re.compile(rf"(?:\bThe|,[ \t]+the)[ \t]+(?P<v>{TITLE_PHRASE}"
                             rf"(?:,[ \t]+{TITLE_PHRASE})?)(?:[ \t]+role)?"
                             r"[ \t]+(?:is|will|must|can|has|shall|directly|[a-z]{2,}s)\b")
# "... administration. Bakery Intern Duties and Responsibilities ...": a title as the
# heading of its own section.
_TITLE_THEN_SECTION = re.compile(
    r"(?:^|[.!?][ \t]+|(?<![ \t])[ \t]{2,})(?P<v>" + TITLE_PHRASE.replace("{0,7}", "{0,7}?")
    + rf")[ \t]+(?=(?:{'|'.join(JOB_SECTIONS)})\b)")
# What a sentence's title is for, after it: "hiring a Front Desk Agent for The Harbor Inn",
# "Stock Clerks for 2nd and 3rd shift" (a title's own "for" joins two of its words:
# "Director for Student Affairs").
_FOR_WHAT = re.compile(r"[ \t]+for[ \t]+(?:the|The|THE|a|an|our|Our|\d).*$")


# A parenthesis a sentence adds after the title, in words of its own: "(RDH or new
# graduate)", "(days or nights)"; an acronym or a term a title carries stays ("(RN)", "(m/f/d)").
_AN_ASIDE = re.compile(r"[ \t]*\((?=[^()]*\b(?:[a-z]{3,}|or)\b)[^()]*\)$")


def _before_what_it_is_for(value: str) -> str:
    return _with_its_qualifier(clean(_AN_ASIDE.sub("", _FOR_WHAT.sub("", value))))


def _with_its_qualifier(value: str) -> str:
    """A title with the part a comma adds to it where that part qualifies it ("Account
    Executive, Mid-Market", "Analyst, Tax"), not where it names another job ("Cashier,
    Stocker"), how the job is held ("Cook, Part-Time") or a place ("Engineer, Remote")."""
    title, comma, part = value.rpartition(", ")
    if not comma:
        return value
    if names_a_role(part) or _EMPLOYMENT_TYPE.match(part) or is_place(part) \
            or norm(part) in WORK_ARRANGEMENTS:
        return title
    return value


# The same sentence naming the job in lower case: "we're hiring a diesel mechanic to keep
# ...", "seeking a reliable payroll clerk who ...". Words listed with commas before it
# describe the person, the last of them too ("a curious, quick diesel mechanic"), where
# none is a job ("a cashier, stocker or driver" lists jobs).
_HIRING_IN_LOWER_CASE = re.compile(
    rf"\b(?:{one_of(HIRING_VERBS)})[ \t]+(?:an?|one|two)[ \t]+"
    rf"(?:(?:(?!(?:{one_of(ROLE_NOUNS)})\b)[a-z][a-z-]*,[ \t]+){{1,3}}"
    r"(?!(?:and|or)\b)[a-z][a-z-]*[ \t]+)?"
    r"(?P<v>[a-z][a-z-]*(?:[ \t][a-z][a-z-]*){0,3})(?=[ \t]*(?:[,.;:!?]|[ \t](?:to|who|that"
    r"|with|for|in|on|at|and|or)\b))")


def _a_title_in_lower_case(value: str) -> str:
    """The job a sentence names in lower case, as a title writes it: the words up to its
    role noun, without the words describing the person ("reliable")."""
    words = value.split()
    ends = [i for i, word in enumerate(words) if word in ROLE_NOUNS]
    if not ends:
        return ""
    words = words[:ends[-1] + 1]
    while len(words) > 1 and (words[0] in DESCRIBING_WORDS
                              or _EMPLOYMENT_TYPE.fullmatch(words[0])):
        words.pop(0)
    return " ".join(word[:1].upper() + word[1:] for word in words)


# The same sentence hiring several in lower case, without an article: "we're looking for
# experienced drivers to join ...", "seeking dependable stockers who ..." (not a list of
# jobs: "drivers, loaders and dispatchers").
_HIRING_SEVERAL_IN_LOWER_CASE = re.compile(
    rf"\b(?:{one_of(HIRING_VERBS)})[ \t]+"
    r"(?P<v>[a-z][a-z-]*(?:[ \t][a-z][a-z-]*){0,3})(?=[ \t]*(?:[.;:!?]|[ \t](?:to|who|that"
    r"|with|for|in|on|at)\b))")


def _one_of_several_in_lower_case(value: str) -> str:
    """The title of one of the jobs a sentence hires several for, in lower case: "experienced
    route drivers" -> "Route Driver"; "" where the last word is no role noun's plural
    ("people")."""
    one = _its_last_word_singular(value)
    return _a_title_in_lower_case(one) if one else ""


# "As a Kennel Attendant, you'll ...", "As Northwind's Curriculum Specialist, you will".
_AS_TITLE_END = r"(?:[ \t]*,|[ \t]+(?:you|at|for|with|on|in|within|your|we)\b)"
_AS_TITLE = re.compile(rf"\bAs[ \t]+(?:an?[ \t]+|the[ \t]+|{NAME}['’]s[ \t]+)?"
                       rf"(?P<v>{TITLE_PHRASE}(?:,[ \t]+{TITLE_PHRASE}(?=,))?){_AS_TITLE_END}")


# The same in lower case: "As route planner you will ...", "As a payroll clerk, you'll
# ..." (the job's name its last words: "As a member of our team" names none).
_AS_TITLE_IN_LOWER_CASE = re.compile(
    r"\bAs[ \t]+(?:(?:an?|the|our)[ \t]+)?(?P<v>[a-z][a-z-]*(?:[ \t][a-z][a-z-]*){0,3})"
    + _AS_TITLE_END)


def _a_title_ending_in_its_job(value: str) -> str:
    """The title a lower-case phrase ending in a role noun names ("night shift route planner"
    -> "Night Shift Route Planner"); "" where it ends in another word."""
    return _a_title_in_lower_case(value) if value.split()[-1] in ROLE_NOUNS else ""


MAX_TITLE_LINE_CHARS = 80


def _a_title_line(line: str, max_words: int) -> bool:
    """Whether a line reads as a title line: short, capitalised, no sentence punctuation,
    no label, not speaking to the reader, not a heading."""
    return 3 <= len(line) <= MAX_TITLE_LINE_CHARS and len(line.split()) <= max_words \
        and line[0].isupper() \
        and not re.search(r"[.!?]$|:|\b(?:we|our|you)\b", line, re.I) and not is_heading(line)


def _title_shaped_first_line(posting: PostingText) -> str | None:
    """The first line where it reads as a title line, and is not the whole text nor a page
    path ("Jobs > Finance > Payroll Clerk jobs in Reno": the site's navigation)."""
    first = posting.first_line
    if first == posting.unglued.strip() or len(first) > MAX_TITLE_LINE_CHARS:
        return None  # (and no pattern searches a long line: a run of spaces costs its square)
    # the parts after a bar ("| Full-time | Onsite") are trimmed later: their words not counted
    after_a_bar = len(first.split()) - len(_BAR.split(first, 1)[0].split())
    return first if _a_title_line(first, 10 + after_a_bar) and not page_path(first) else None


def the_page_headers_title(posting: PostingText) -> Found | None:
    """The title line of a page copy's header (company.page_header), in either order the
    board prints it: the listing's title, over a line the description heads with its own
    ("**Shift Supervisor – Eastgate**")."""
    header = posting.read(page_header)
    if header is None:
        return None
    title = clean(header.title)
    return Found(title, header.evidence, headline=True) if usable(title) else None


def first_line_naming_a_job(posting: PostingText) -> Found | None:
    first = _title_shaped_first_line(posting)
    if first and names_a_role(first, plural=False, nouns=JOB_NOUNS):  # not "Acme Partners"
        return Found(clean(first), first, headline=True)
    return None


def first_line_heading_a_page(posting: PostingText) -> Found | None:
    """A first line naming no job is the title only at the head of a page copy: the next
    line, right under it, is another short line (the company, the place). A description's
    first line followed by its text is a heading or a slogan ("This is Northwind")."""
    first = _title_shaped_first_line(posting)
    return Found(clean(first), first) if first and _heads_a_page(posting) else None


def line_under_the_company(posting: PostingText) -> Found | None:
    """A page that opens with the employer's name, a name naming no job that the text uses
    again, gives the title on the line right under it: "Northwind\nFounding Engineer\n
    Remote\n\nNorthwind builds ..." (a first line naming a job is read before this). The
    page's labels above the name ("Promoted") are passed over."""
    lines = list(itertools.islice((line.strip() for line in posting.lines[:20]
                                   if line.strip() and not is_heading(line)), 2))
    if len(lines) < 2 or not names_a_role(lines[1], plural=False, nouns=JOB_NOUNS) \
            or len(lines[1].split()) > MAX_PAGE_LINE_WORDS:
        return None
    name = clean(lines[0])
    if not (usable(name, MAX_PAGE_LINE_WORDS) and reads_as_a_name(name)
            and uses(name, posting) >= 2):
        return None
    return Found(clean(lines[1]), f"{lines[0]} / {lines[1]}", headline=True)


MAX_PAGE_LINE_WORDS = 8
# A detail line of a job page ("Location: Denver, CO (hybrid)"), under a title among the
# text's first lines.
HEADER_LINES = 60
# ... or its place: "Route Driver\nTulsa, OK Yard"; a blank line may stand between.
_DETAIL_LINE = re.compile(rf"[ \t]*(?:(?:{one_of(DETAIL_LABELS)})[ \t]*(?::|$)"
                          + "|" + CITY_AND_STATE.pattern.replace("(?P<v>", "(?:") + ")", re.I)


def title_over_its_details(posting: PostingText) -> Found | None:
    """A short line naming a job right above a line of the page's details, or one blank
    line above it: "Account Executive, Central\nLocation: Denver, CO" after a paragraph
    about the company, "Line Cook\n\nLocation\nReno, NV", "Route Driver\nTulsa, OK"; or,
    standing alone between blank lines, above the heading of the job's first section
    ("Route Driver\n\nResponsibilities:"). The first such line among the first
    HEADER_LINES (bold or not: PostingText.lines); not a headline, so a title of the model's
    that the posting states stands."""
    lines = posting.lines[:HEADER_LINES + 2]
    for i, line in enumerate(lines[:HEADER_LINES]):
        here = line.strip()
        below = lines[i + 1] if i + 1 < len(lines) else ""
        alone = not below.strip() and (i == 0 or not lines[i - 1].strip())
        if not below.strip() and i + 2 < len(lines):
            below = lines[i + 2]
        if (_DETAIL_LINE.match(below) or alone and is_heading(below)) \
                and _a_title_line(here, MAX_PAGE_LINE_WORDS) \
                and names_a_role(here, plural=False, nouns=JOB_NOUNS) and usable(clean(here)):
            return Found(clean(here), f"{here} / {below.strip()[:40]}")
    return None


def _heads_a_page(posting: PostingText) -> bool:
    """Whether the line right under the first non-empty one is a short line of its own."""
    lines = posting.lines
    first = next((i for i, line in enumerate(lines) if line.strip()), len(lines))
    second = lines[first + 1].strip() if first + 1 < len(lines) else ""
    return bool(second) and len(second.split()) <= MAX_PAGE_LINE_WORDS \
        and not second.endswith((".", "!", "?", ":"))


def leading_title(posting: PostingText) -> Found | None:
    """The title a one-line page copy starts with, up to its last role noun: "Route
    Manager SUMMARY: ..." -> "Route Manager"."""
    if is_heading(posting.first_line):
        return None
    text = posting.unglued
    m = re.match(rf"\s*(?P<v>{TITLE_PHRASE})", text)
    if m is None:
        return None
    words = without_heading(m["v"]).split()
    heads = [i for i, word in enumerate(words) if names_a_role(word)]
    if not heads or heads[-1] == len(words) - 1 and re.match(r"[ \t]+[a-z]", text[m.end():]):
        return None  # none, or the subject of a sentence: "Litware Tech is seeking ..."
    end = heads[-1] + 1
    if end + 1 < len(words) and words[end] in ("of", "for"):
        end = min(end + 4, len(words))  # what it heads: "GM of Online Sales"
    while end < len(words) and re.fullmatch(r"I{1,3}|IV|\d|\([^)]*\)", words[end]):
        end += 1  # its level: "Engineer II", "Analyst 3"
    value = clean(" ".join(words[:end]))
    return Found(value, m.group(0).strip()[:120]) if usable(value) else None


def _names_a_job(value: str) -> bool:
    return usable(value) and names_a_role(value)


def _not_an_employment_type(value: str, max_words: int = MAX_VALUE_WORDS) -> bool:
    """A label's value that may be a title: not how the job is held ("Position: Full-Time")
    nor a sentence run on after a word that ends in the label's ("a flexible role: you'll
    work from our yard ...")."""
    return usable(value, max_words) and not is_a_clause(value) \
        and not (_EMPLOYMENT_TYPE.match(value) and not names_a_role(value))


MAX_TITLE_WORDS = 12  # no title is longer; a whole line under its label may come close


def _a_whole_line_title(value: str) -> bool:
    return _not_an_employment_type(value, MAX_TITLE_WORDS)


TITLE_RULES = (
    Rule("the-page-headers-title", the_page_headers_title),  # the board's own listing
    Rule("first-line-naming-a-job", first_line_naming_a_job),
    Rule("labelled-title", pattern_rule(_TITLE_LABEL, _not_an_employment_type, headline=True)),
    Rule("title-under-its-label", pattern_rule(_TITLE_LABEL_LINE, _a_whole_line_title,
                                               headline=True)),
    Rule("line-under-the-company", line_under_the_company),
    Rule("title-over-its-details", title_over_its_details),
    Rule("first-line", first_line_heading_a_page),
    Rule("title-before-place", pattern_rule(_TITLE_THEN_PLACE, usable)),
    Rule("leading-title", leading_title),
    Rule("hiring-sentence", pattern_rule(_HIRING, _names_a_job, _before_what_it_is_for)),
    Rule("as-a-title", pattern_rule(_AS_TITLE, _names_a_job, _with_its_qualifier)),
    Rule("the-title-does", pattern_rule(_THE_TITLE_DOES, _names_a_job)),
    Rule("title-heads-section", pattern_rule(_TITLE_THEN_SECTION, _names_a_job)),
    Rule("hiring-sentence-in-lower-case", pattern_rule(_HIRING_IN_LOWER_CASE, _names_a_job,
                                                       _a_title_in_lower_case)),
    Rule("hiring-several-in-lower-case", pattern_rule(_HIRING_SEVERAL_IN_LOWER_CASE,
                                                      _names_a_job,
                                                      _one_of_several_in_lower_case)),
    Rule("as-a-title-in-lower-case", pattern_rule(_AS_TITLE_IN_LOWER_CASE, _names_a_job,
                                                  _a_title_ending_in_its_job)),
)


def find_title(text: str | PostingText) -> Found | None:
    """The title the posting states, by the first rule of TITLE_RULES that reads one."""
    posting = PostingText.of(text)
    found = first_found(TITLE_RULES, posting)
    return found and _without_its_place(found, posting)


_IN_A_PLACE = re.compile(r"^(?P<title>.*\S)[ \t]+in[ \t]+(?P<place>[^ \t].*)$")


def _without_its_place(found: Found, posting: PostingText) -> Found:
    """"Deli Clerk in Reno" of "hiring a Deli Clerk in Reno, NV": the job, without the place
    it is done in, a state or a city the text writes with its state ("Engineer in Training"
    stays)."""
    m = _IN_A_PLACE.match(found.value)
    if m is None or not names_a_role(m["title"]):
        return found
    return replace(found, value=m["title"]) \
        if is_place(m["place"]) or m["place"] in posting.read(cities_with_a_state) else found


# ---- what a title carries that is not the title -------------------------------------------

MAX_AFTER_PLACE = 20  # ", (West)" after "Boise, ID"; more is a title naming a place
# The place is part of the title's own words: "... at", "... in", "United States".
_PLACE_IN_A_PHRASE = re.compile(r"\b(?:at|in|of|for|from|near|United)[ \t]*$", re.I)


def _before_place(title: str) -> str | None:
    """"Data Analyst (Reno, NV)" -> "Data Analyst": the job's place, in parentheses
    or run into the title, not its name."""
    m = CITY_AND_STATE.search(title)
    if m is None or m.start() == 0 or len(title) - m.end() > MAX_AFTER_PLACE:
        return None
    head = title[:m.start()]
    # "opportunity at United States,Ohio"; "Attorney - Boise, ID" or "Clerk, Reno, NV"
    # (a part after a dash or a comma is the title's own, as runs_on holds)
    if _PLACE_IN_A_PHRASE.search(head) or head.rstrip().endswith(("-", "–", "—", "|", ",")):
        return None
    return clean(head.rstrip(" \t(-–—|,"))


def _cut_before(pattern: re.Pattern) -> Callable[[str], str | None]:
    """A trim: the title before where `pattern` matches what runs on after it."""
    def trim(title: str) -> str | None:
        m = pattern.search(title)
        return clean(title[:m.start()]) if m else None
    return trim


# Before a title's last part: "Payroll Analyst - <part>" (a dash between spaces).
_A_DASH = r"[ \t]+[-–—][ \t]+"


# "... for the Payments team", "... on the Search Team", "... in the Billing Squad", "... in
# the Office of Student Aid (OSA)", "... - Ledger Platform Team": the team it joins, the
# office it works in.
_TEAM_AFTER = re.compile(r"[ \t]+(?:for|on|in|within|to[ \t]+join)[ \t]+(?:the|our)[ \t]+"
                         r"(?:[^,;()\n]{1,60}?[ \t]+(?:[Tt]eam|[Ss]quad|[Pp]od)"
                         r"|(?:Office|Department|Division|Bureau)[ \t]+of[ \t]+[^;\n]{1,80}?)"
                         r"[ \t]*$"
                         rf"|{_A_DASH}[^-–—,;()\n]{{1,40}}?[ \t]+(?:[Tt]eam|[Ss]quad|[Pp]od)"
                         r"[ \t]*$")


# "... with SQL, Excel and Power BI": the skills it asks for, a list.
_SKILLS_AFTER = re.compile(r"[ \t]+with[ \t]+(?=[^,]{1,40}(?:,|[ \t]and[ \t]|[ \t]&[ \t]))"
                           r"[^()]{3,80}$")


# "... | Retail | Leeds (Hybrid) | £31,000": a recruiter's headline, the title first.
_BAR = re.compile(r"[ \t]+[|¦][ \t]+")


def _before_bar(title: str) -> str | None:
    head = _BAR.split(title, 1)[0]
    return clean(head) if head != title else None


def _after_path(title: str) -> str | None:
    parts = page_path(title)
    return clean(parts[-1]) if parts else None


# "Payroll Clerk (0.8 FTE, 30 hours/week)", "Night Porter (32 hrs)", "Baker - 1st Shift (4:00
# AM - 12:30 PM)", "Bank Teller - 30 hours per week": the hours the job is held, in a
# parenthesis or a last part after a dash (no listing's title in any set carries them).
_HOURS_AFTER = re.compile(r"[ \t]*\((?=[^()\n]{0,60}\d)[^()\n]{0,60}"
                          r"(?:\b(?:hours?|hrs?|FTE)\b|\d[ \t]*[ap]\.?m\b)"
                          r"[^()\n]{0,60}\)[ \t]*$"
                          rf"|{_A_DASH}\d[\d.]*[ \t]*(?:hours?|hrs?)"
                          r"(?:[ \t]*(?:/|per|a|each)[ \t]*(?:week|wk|day|shift))?[ \t]*$",
                          re.I)


# "... to own our weekly pay runs", "... to join our growing team": what the hire is
# for, a clause run on after the title (a title's own "to" comes before a name: "Assistant
# to the Dean").
_PURPOSE_AFTER = re.compile(r"[ \t]+to[ \t]+(?!(?:the|a|an|our|market)\b)[a-z]{2,}\b[^()]*$")


# Named trims of a title, tried in turn; each gives the title without what it carried, or
# None. A trim stands only where what remains still names a job.
TITLE_TRIMS: tuple[tuple[str, Callable[[str], str | None]], ...] = (
    ("the-place-after-it", _before_place),
    ("the-team-after-it", _cut_before(_TEAM_AFTER)),
    ("the-skills-after-it", _cut_before(_SKILLS_AFTER)),
    ("the-parts-after-a-bar", _before_bar),
    ("the-hours-after-it", _cut_before(_HOURS_AFTER)),
    ("the-purpose-after-it", _cut_before(_PURPOSE_AFTER)),
    ("the-page-path-before-it", _after_path),
)


def without_company(title: str, company: str) -> tuple[str, str] | None:
    """(the title alone, "after" or "before") where the employer's name runs on after it,
    as a flattened page's header does ("Restaurant Manager Northwind Group · Reno, NV";
    "Restaurant Manager @ Northwind Group", "... at Northwind Group"), or heads it before a
    dash or a bar ("Northwind Group – Restaurant Manager") or as its careers site's name
    ("Northwind Group Careers Restaurant Manager")."""
    after = re.search(rf"(?:[ \t,|·–—@-]+|[ \t]+at[ \t]+){re.escape(company)}$", title, re.I)
    before = re.match(rf"{re.escape(company)}(?:[ \t]+(?:careers|jobs)\b[ \t]*[|·:–—-]?"
                      rf"|[ \t]*[|·:–—-])[ \t]*", title, re.I)
    rest, where = (clean(title[:after.start()]), "after") if after else \
        (clean(title[before.end():]), "before") if before else ("", "")
    # "Researchers at the Northwind Institute" says where, and stays
    return (rest, where) if rest and names_a_role(rest) and not rest.split()[-1].islower() \
        else None


def trimmed_title(title: str) -> tuple[str, str] | None:
    """(the title alone, the trim's name) where a trim of TITLE_TRIMS applies; else None."""
    for name, trim in TITLE_TRIMS:
        alone = trim(title)
        if alone and alone != title and names_a_role(alone, plural=False):
            return alone, name
    return None


# Titles naming several jobs: "Cooks and Dishwashers", "Cashiers/Stockers", "Drivers, Loaders".
_SEVERAL_JOBS = re.compile(r"\band\b|[&/,]")


def in_the_singular(title: str) -> str | None:
    """The title of one job where the posting hires several: "Line Cooks" -> "Line Cook",
    "Bus Coaches" -> "Bus Coach"; its last word the plural of a role noun (vocabulary.
    ROLE_NOUNS: "Sales" or "Operations" name none). Where it names several jobs, the first
    ("Prep Cooks and Porters" -> "Prep Cook"), as a board lists one job per listing. None
    otherwise."""
    return _its_last_word_singular(_SEVERAL_JOBS.split(title, maxsplit=1)[0])


def _its_last_word_singular(phrase: str) -> str | None:
    """`phrase` with its last word, a role noun's plural, in the singular; None where that
    word is no such plural."""
    words = phrase.split()
    cut = plural_ending(words[-1]) if words else 0
    return " ".join(words[:-1] + [words[-1][:-cut]]) if cut else None


# Words in lower case before a capitalised title, a comma between two ("a reliable,
# friendly Payroll Clerk"); "iOS Engineer" and "eCommerce Manager" start with a name, not
# with such a word.
MAX_DESCRIBING_WORDS = 3
_LOWER_CASE_WORDS_BEFORE = re.compile(
    rf"(?:[a-z][a-z'-]*,?[ \t]+){{1,{MAX_DESCRIBING_WORDS}}}(?=[A-Z])")


def undescribed(title: str, posting: PostingText) -> str | None:
    """The title without the words a sentence describes it by: lower-case words before a
    capitalised title, as the posting writes it ("a bilingual Payroll Clerk" -> "Payroll
    Clerk"; the model's own capitals would hide them), or, for a job the posting writes
    only in lower case, the words of DESCRIBING_WORDS before it ("an experienced payroll
    clerk": the model's "Experienced Payroll Clerk", or its "experienced payroll clerk",
    -> "Payroll Clerk")."""
    written = as_written(title, posting)
    m = _LOWER_CASE_WORDS_BEFORE.match(written)
    if m:
        alone = clean(written[m.end():])
    elif (spans := mentions(title, posting.raw, posting.lower)) and all(
            posting.raw[start:end].islower() for start, end in spans):
        words, cut = title.split(), 0
        while cut < min(len(words) - 1, MAX_DESCRIBING_WORDS) \
                and words[cut].rstrip(",").lower() in DESCRIBING_WORDS:
            cut += 1
        alone = " ".join(words[cut:]) if cut else None
        if alone and alone.islower():  # the model's own copy of the sentence: a title's case
            alone = " ".join(word[:1].upper() + word[1:] for word in alone.split())
    else:
        alone = None
    return alone if alone and names_a_role(alone, plural=False) else None


# ---- a model's title the posting writes otherwise ------------------------------------------

# Between two of a title's words: marks and spaces, or an acronym in parentheses.
_TITLE_GAP = r"(?:[ \t]{1,3}\([^()\n]{1,20}\)[ \t]{1,3}|[^\w(\n]{1,3})"


def _written_in_turn(words: list[str], posting: PostingText, accept: Callable[[str], bool],
                     forms: Callable[[str], tuple[str, ...]] = lambda word: (word,)) -> str | None:
    """The first place the posting writes `words` in turn, each as one of its `forms`, with a
    _TITLE_GAP between two, that `accept` takes; None where there is none. The pattern starts
    with the first word's letters (shapes.at_a_word), not a look-around tried everywhere."""
    pattern = at_a_word(*forms(words[0])) + "".join(
        _TITLE_GAP + "(?:" + "|".join(map(re.escape, forms(w))) + ")" for w in words[1:]) \
        + r"(?!\w)"
    return next((clean(m[0]) for m in re.finditer(pattern, posting.unglued, re.I)
                 if accept(m[0])), None)


def _with_a_parenthesis(title: str, posting: PostingText) -> str | None:
    """"Quality Assurance Engineer" where the posting writes "Quality Assurance (QA)
    Engineer": the model left out what stands in parentheses inside the title."""
    words = WORD.findall(title)
    if not 2 <= len(words) <= MAX_TITLE_WORDS:
        return None
    return _written_in_turn(words, posting, lambda written: "(" in written)


_ABBREVIATION_OF = {word: abbreviation for abbreviation, word in TITLE_ABBREVIATIONS.items()}


def _abbreviations(word: str) -> tuple[str, ...]:
    """A title's word as a posting may write it: "Senior", "Sr.", "Sr"."""
    short = _ABBREVIATION_OF.get(word.lower())
    return (word, f"{short}.", short) if short else (word,)


def _abbreviated(title: str, posting: PostingText) -> str | None:
    """"Senior Payroll Manager" where the posting writes "Sr. Payroll Mgr": the model
    wrote out a word the posting abbreviates (vocabulary.TITLE_ABBREVIATIONS)."""
    words = WORD.findall(title)
    if not 1 <= len(words) <= MAX_TITLE_WORDS \
            or not any(w.lower() in _ABBREVIATION_OF for w in words):
        return None
    return _written_in_turn(words, posting, lambda written: norm(written) != norm(title),
                            _abbreviations)


def _its_tail(title: str, posting: PostingText) -> str | None:
    """"Fabrikam Payroll Clerk" where the posting writes "Payroll Clerk": the model ran a
    name or a word into the title's start. The longest tail of two or more words that the
    posting writes and that names a job."""
    words = title.split()
    for start in range(1, len(words) - 1):
        tail = " ".join(words[start:])
        if found_in(tail, posting.normalised) and names_a_role(tail, plural=False):
            return tail
    return None


def _in_the_plural(title: str, posting: PostingText) -> str | None:
    """"Kennel Attendant" where the posting hires "Kennel Attendants" (or "KENNEL
    ATTENDANTS"): the model named one of the several jobs the posting names as a title, so
    its title stands as it is. Written in lower case, the words may name anyone ("the tool
    our operators use")."""
    words = WORD.findall(title)
    if not 1 <= len(words) <= MAX_TITLE_WORDS or words[-1].lower() not in ROLE_NOUNS:
        return None
    plural = _written_in_turn(
        words, posting,
        lambda written: norm(written) != norm(title)
        and all(word[0].isupper() for word in WORD.findall(written)),
        lambda word: (word, word + "s", word + "es") if word == words[-1] else (word,))
    return title if plural else None


# Named readings of a model's title that the posting does not write as it stands, tried in
# turn: each gives the title to keep (the posting's own, or the model's), or None.
MODEL_TITLE_READINGS: tuple[tuple[str, Callable[[str, PostingText], str | None]], ...] = (
    ("with-its-parenthesis", _with_a_parenthesis),
    ("abbreviated", _abbreviated),
    ("its-tail", _its_tail),
    ("in-the-plural", _in_the_plural),
)


def as_the_posting_writes(title: str, posting: PostingText) -> Found | None:
    """The model's `title` as the posting writes it, by the first of MODEL_TITLE_READINGS
    that reads it there; None where none does."""
    for name, reading in MODEL_TITLE_READINGS:
        value = reading(title, posting)
        if value:
            return Found(value, title, rule=name)
    return None
