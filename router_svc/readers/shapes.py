"""The shapes names, titles and places take in text, as regular-expression pieces, and the
small tests on a candidate value that several readers share.

A piece that may start anywhere (a name, a city) starts a word only where a run of its
characters starts (a lookbehind) and bounds a word's length: the engine never tries a match
from inside a long run of capitals, digits or spaces, which made crafted text cost minutes
(each start re-read the run). The title phrase is used only after an anchor (a line's
start, "The", "As a", a hiring verb).
"""

from __future__ import annotations

import re
import unicodedata

from router_svc.readers.vocabulary import (CITY_PREFIXES, CITY_SUFFIXES, CLAUSE_WORDS,
                                           GENERIC_WORDS, HEADING_WORDS, HEADINGS_ALWAYS,
                                           HEADINGS_IN_CAPITALS, HIRING_VERBS, LABEL_FIRST_WORDS,
                                           LEGAL_FORMS, NOT_CITY_WORDS, PROVINCE_NAMES,
                                           PROVINCES, ROLE_NOUNS, SITE_PAGES, STATE_NAMES,
                                           TITLE_ABBREVIATIONS, US_STATES, WORDS_BEFORE_THE)


def one_of(words) -> str:
    """An alternation of `words`, escaped, longest first; a space in one matches any run of
    spaces or tabs ("looking  for")."""
    return "|".join(r"[ \t]+".join(map(re.escape, w.split()))
                    for w in sorted(words, key=len, reverse=True))


def at_a_word(*words: str) -> str:
    r"""`\b(?:words)`, for words that start with a letter, written letters first: a pattern
    that starts with `\b` is tried at every position of a text, one that starts with letters
    only where they stand (twenty times faster on a posting). The bound is a look back over
    each word: no word character before it."""
    return "(?:" + "|".join(rf"{re.escape(word)}(?<!\w(?s:.{{{len(word)}}}))"
                            for word in words) + ")"


# A capitalised name: words that start upper-case (or digits), joined by a few small words;
# dots only inside ("Fabrikam.com"); a lower-case start before a capital ("iWidget"); a
# name's own exclamation mark ("Yay!"). A word is at most 40 characters a part.
CAP = (r"(?<![\w&+-])(?:[A-Z0-9]|[a-z](?=[A-Z]))[\w&'’+-]{0,40}(?:\.[\w&'’+-]{1,40}){0,3}"
       r"(?:!(?=[ \t,]))?")
# A name may start with an abbreviation and its dot ("St. Aldric Health", "Mt. Carrow Bank").
NAME = (rf"(?:(?:St|Mt|Ft)\.[ \t])?{CAP}"
        rf"(?:[ \t](?:(?:of|and|for|&|de|du|la)[ \t](?:the[ \t])?|the[ \t])?{CAP}){{0,5}}")
# A legal form after a name ("Northwind, Inc."); not a state's code ("Reno, NV").
LEGAL = rf"(?:,?[ \t](?:{one_of(f for f in LEGAL_FORMS if f not in US_STATES)})\.?)?"
# The most characters a NAME and its LEGAL can span: six words of at most 165 characters
# ("A" + 40 + three dotted parts of 41 + "!"), five joins of at most 9 (" and the "), a
# legal form. A reader that finds what follows a name first looks back this far for it.
NAME_REACH = 6 * 165 + 5 * 9 + 2 + max(map(len, LEGAL_FORMS)) + 1

# A "City, ST" (a US state or a Canadian province): a city is one word with the words place
# names join to it ("San Luis Obispo", "Walnut Creek"); a title before it ("Data Engineer
# Denver, CO") is not.
_CITY = (rf"(?<![\w'’-])(?:(?:{one_of(CITY_PREFIXES)})[ \t]){{0,2}}"
         rf"(?!(?:{one_of(NOT_CITY_WORDS)})\b)[A-Z][a-z][a-zA-Z'’-]{{0,40}}"
         rf"(?:[ \t](?:{one_of(CITY_SUFFIXES)}))?")
_STATE = (rf"(?:{'|'.join(sorted(US_STATES | PROVINCES))}|{'|'.join(STATE_NAMES)}"
          rf"|{one_of(PROVINCE_NAMES)})")
_NAMED_STATE = rf"(?:{'|'.join(STATE_NAMES)})"
# Not a city: the country, or a state named before another ("Colorado, Washington" lists
# two states; "New York, New York" and "Washington, DC" are cities). Not a state: the
# capital's "Washington D.C." after a city in a list ("Portland, Washington D.C.").
CITY_AND_STATE = re.compile(rf"(?!(?:US|USA|United States)\b)"
                            rf"(?!(?P<named>{_NAMED_STATE}),[ \t]?(?!(?P=named)\b){_NAMED_STATE}\b)"
                            rf"(?P<v>{_CITY},[ \t]?{_STATE})(?![A-Za-z])(?![ \t]?D\.?[ \t]?C\b)")

# Title words: capitalised, with the connectors titles use ("Manager of Sales", "R&D / QA").
# A dot belongs to a word only inside it ("Node.js") or after the abbreviations titles use
# ("Sr. Engineer"): "... a Travel Agent. We" ends at "Agent".
_TITLE_WORD = (rf"(?:(?:{one_of(TITLE_ABBREVIATIONS)})\.|[A-Z](?:[\w&'’+#/-]|\.(?=\w))*"
               r"|\d[\w+]*)")
TITLE_PHRASE = (rf"{_TITLE_WORD}(?:[ \t](?:(?:of|and|&|for|in|to|/|-|–)[ \t])?{_TITLE_WORD})"
                r"{0,7}(?:[ \t]\([^)]{1,30}\))?")
# A dot that ends a sentence, not an abbreviation's ("St. Louis", "Sr. Engineer") nor an
# initial's ("John F. Kennedy"); a dotted abbreviation's last dot does ("Washington, D.C.").
SENTENCE_DOT = r"(?-i:(?<!\s[A-Z])(?<!\b[A-Z][a-z]))\.\s"
# The next label of a flattened page ("... Position Type:", "... Employment Length:") ends
# the value before it. Before "Location:" only "Work" and "Job" are its first word: a title
# may end in another ("Line Cook - 2nd Shift Location: Reno, NV").
NEXT_LABEL = (r"\s+(?-i:(?:(?:Work|Job)[ \t]Location"
              rf"|(?:{'|'.join(LABEL_FIRST_WORDS)})[ \t](?!Location\b)[A-Za-z][a-z]*"
              r"|[A-Z][a-z]+)[ \t]*:)")


def clean(value: str) -> str:
    """A value without the punctuation and dashes around it."""
    value = value.strip(" \t-–—:;,.|").strip()
    return value[:-1].strip() if value.endswith("(") else value


def generic(word: str) -> bool:
    return not (word.isupper() and len(word) > 1) and word.lower().strip("’'") in GENERIC_WORDS


MAX_VALUE_WORDS = 8  # a name, a title or a place of more words is a phrase


def usable(value: str, max_words: int = MAX_VALUE_WORDS) -> bool:
    """A value of a few words that neither starts nor ends with a word any sentence has,
    nor starts with a currency sign: an amount ("Pay range for this position: $19/hr") is
    no name, title or place."""
    words = value.split()
    return 0 < len(words) <= max_words and not generic(words[0]) \
        and not generic(words[-1]) and any(c.isalpha() for c in value) \
        and unicodedata.category(value[0]) != "Sc"


_BEFORE_THE = re.compile(r"(?<![\w'])([\w']++)[ \t]+the\b")  # linear: at a word's start


def is_a_clause(value: str) -> bool:
    """A value with a clause's verbs or pronouns in lower case ("... are required", "we
    offer"), a verb's object ("Run the floor"), a question ("Love to build?") or short
    sentences one after another ("Fresh bread. Friendly faces."): a sentence of the
    posting, not a name or a title ("IS Manager" is one; "St. Anne Health" and "Fourth
    Coffee Co." are names). A contraction's words are its own: "we're", "who's"."""
    return "?" in value or bool(CLAUSE_WORDS.intersection(re.findall(r"\w+", value))) \
        or any(m[1].lower() not in WORDS_BEFORE_THE for m in _BEFORE_THE.finditer(value)) \
        or _sentences(value)


def _sentences(value: str) -> bool:
    parts = re.split(r"(?<=[.!])\s+", value.strip())
    return len(parts) > 1 and all(len(part.split()) > 1 and part[-1] in ".!" for part in parts)


# Legal forms no job's title ends with ("SE", "PC" or "Co" may: "Sales Rep - SE").
_TITLE_FREE_FORMS = frozenset(f.lower() for f in LEGAL_FORMS if f in (
    "Inc", "LLC", "L.L.C", "Ltd", "Corp", "LLP", "PLC", "PLLC", "GmbH"))


def ends_in_a_legal_form(value: str) -> bool:
    """A name that ends in its legal form ("Fieldstack, Inc."): an organisation."""
    words = value.split()
    return len(words) > 1 and words[-1].strip(".,").lower() in _TITLE_FREE_FORMS


def is_place(value: str) -> bool:
    """A US state (its code or name) or a "City, ST" (a state's or a province's)."""
    return value in US_STATES or value in STATE_NAMES or bool(CITY_AND_STATE.fullmatch(value))


def plural_ending(word: str, nouns: frozenset[str] = ROLE_NOUNS) -> int:
    """How many letters end `word` as the plural of one of `nouns` ("Cooks": 1, "Coaches":
    2); 0 where it is no such plural."""
    word = word.lower()
    if word.endswith("s") and word[:-1] in nouns:
        return 1
    return 2 if word.endswith("es") and word[:-2] in nouns else 0


def names_a_role(phrase: str, plural: bool = True, nouns: frozenset[str] = ROLE_NOUNS) -> bool:
    """Whether `phrase` contains one of `nouns` jobs are named by (or its plural, "Stylists")."""
    return any(word.lower() in nouns or plural and plural_ending(word, nouns)
               for word in re.findall(r"[A-Za-z]+", phrase))


def without_heading(value: str) -> str:
    """`value` without the page headings run into its start ("Description Northwind")."""
    words = value.split()
    while len(words) > 1 and (words[0].lower().strip(":") in HEADINGS_ALWAYS or (
            words[0].isupper() and words[0].lower().strip(":") in HEADINGS_IN_CAPITALS)):
        words.pop(0)
    return " ".join(words)


# A page's path to the job, the title last: "Careers > Engineering > Data Engineer"; with
# slashes, which join a title's own words too ("Welder / Fabricator"), only from a page of
# the site ("Home / Search Jobs / Payroll Clerk").
_PATH_MARK = re.compile(r"[ \t]+(?:>|›|»)[ \t]+")
_SLASH = re.compile(r"[ \t]+/[ \t]+")
_FROM_A_SITE_PAGE = re.compile(rf"(?:{one_of(SITE_PAGES)}){_SLASH.pattern}", re.I)
# No path is longer; a longer line is not searched (a run of spaces in it would cost
# _PATH_MARK the square of its length).
MAX_PATH_CHARS = 200


def page_path(line: str) -> list[str] | None:
    """The parts of `line` (stripped) where it is a page's path to the job; None where it
    is not."""
    if len(line) > MAX_PATH_CHARS:
        return None
    if _PATH_MARK.search(line):
        return _PATH_MARK.split(line)
    return _SLASH.split(line) if _FROM_A_SITE_PAGE.match(line) else None


# A requisition or job number ("Req #4411", "Job ID 20-0012").
_JOB_NUMBER = re.compile(r"(?i:\b(?:req\w*|job|position|posting)\b[^\n]{0,12}?(?:#|\bid\b|\bno\b"
                         r"|number)|#[ \t]?\d)")
# A banner about the hiring ("URGENT NEED FOR A NIGHT SHIFT OPERATOR", "Now hiring cooks!"):
# it names the job inside a phrase; the job's own name is shorter.
# "Recruiting" also starts a job's name ("Recruiting Coordinator"), so it is no banner.
_BANNER_VERBS = set(HIRING_VERBS) - {"recruiting"}
_BANNER = re.compile(rf"(?i:\b(?:{one_of(_BANNER_VERBS)}|need(?:ed)?[ \t]+for|wanted"
                     r"|join[ \t]+(?:us|our))\b)")


MAX_BANNER_CHARS = 100  # a banner or a job number opens a line; past this it is the text's


def is_heading(line: str) -> bool:
    """A section heading, a job number or a hiring banner, as pastes start with (a page
    flattened onto one line says "we are looking for" in its description, not its head)."""
    words = re.findall(r"[a-z]+", line.lower())
    head = line[:MAX_BANNER_CHARS]
    return bool(words) and all(w in HEADING_WORDS for w in words) \
        or bool(_JOB_NUMBER.search(head) or _BANNER.search(head)) \
        or bool(re.match(r"(?:About|Careers at)\b", line))
