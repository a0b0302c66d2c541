"""A posting's text, read once per answer check, in the forms every reader and check uses.

A page flattened to text glues headings to the words around them ("Company
DescriptionNorthwind builds", "Payroll ClerkReports to:") and leaves HTML entities
("Baker &amp; Associates"); the readers see it `unglued`. Values are compared `normalised`
(case, punctuation and whitespace folded away), and a company only outside web and mail
addresses. Each form is computed on first use and kept: one check reads the same text in
several places, and what a reader finds in it is kept too (`read`), so the router can read a
posting ahead, while the model generates, and its check then reads only the answer.
"""

from __future__ import annotations

import bisect
import html
import re
from collections.abc import Callable
from functools import cached_property, lru_cache
from typing import TypeVar

from router_svc.readers.shapes import at_a_word
from router_svc.readers.vocabulary import (ADDRESS_SERVICE_WORDS, GLUED_AFTER_WORDS,
                                           GLUED_BEFORE_WORDS, NOT_EMPLOYER_SITES,
                                           TOP_LEVEL_DOMAINS)

# Each is written word first, with the bound before it as a look back, so `re` scans for the
# words' letters (a pattern that starts with a look-around is tried at every position).
_GLUED_AFTER = re.compile("(?:" + "|".join(rf"{w}(?<=[a-z)]{w})" for w in GLUED_AFTER_WORDS)
                          + r")\b")
_GLUED_BEFORE = re.compile(rf"({at_a_word(*GLUED_BEFORE_WORDS)})(?=[A-Z][a-z])")

# Where an address may be: the addresses are looked for only in a text that has one of these.
_TLD = "|".join(TOP_LEVEL_DOMAINS)
_ADDRESS_SIGN = re.compile(rf"@|://|www\.|\.(?:{_TLD})\b")
# Web and mail addresses (a bare domain in lower case: "Fabrikam.com" is written as a
# name). Each starts where a run of its characters starts: from inside a run the engine
# would read the rest of it again at every position (quadratic on a long run of letters).
_ADDRESS = re.compile(r"(?<!\S)\S+@\S+|\b(?:https?://|www\.)\S+"
                      rf"|(?<![a-z0-9-])[a-z0-9-]+\.(?:{_TLD})\b\S*")


_MARKS = re.compile(r"[\W_]+")
# A list item's mark at the start of its line: a bullet, a dash, a number ("1.", "2)"; not
# "3.5 years").
ITEM_MARK = re.compile(r"^[ \t]*(?:[-–—•*·●▪◦‣>]+[ \t]*|\d{1,2}[.)][ \t]+)")


def letters_of(text: str) -> str:
    """Only its letters and digits, as a site's name spells a name: "Trey-Research" ->
    "TreyResearch"."""
    return _MARKS.sub("", text)


_CUT_WORD_START = re.compile(r"^[^\W_]+")
_CUT_WORD_END = re.compile(r"[^\W_]+$")


def window(text: str, start: int, end: int) -> str:
    """`text[start:end]` less a word cut in two at either edge: the 20 characters after an
    amount in "38,000 nonprofits, and payments" must not end in the pay word "pay", nor the
    ones before one start with "weekly" cut from "biweekly"."""
    start, end = max(0, start), min(len(text), end)
    part = text[start:end]
    if start > 0 and text[start - 1].isalnum() and part[:1].isalnum():
        part = _CUT_WORD_START.sub("", part)
    if end < len(text) and text[end].isalnum() and part[-1:].isalnum():
        part = _CUT_WORD_END.sub("", part)
    return part


# Where a sentence or a line ends: what splits a window of text into the sentence an amount
# or a name stands in and the ones around it.
SENTENCE_OR_LINE_END = re.compile(r"[.!?]\s|\n")


# A web address's host, or a mail address's domain: what follows "@" or "//" (or starts the
# address) up to its path.
_HOST = re.compile(r"(?:.*@|(?:https?:)?//)?(?P<host>[^/?#:@]+)", re.I)


def site_name(address: str) -> str | None:
    """The name of the site an address is on, in lower case without marks: "northwindhealth"
    of "jobs@northwind-health.org" and "https://careers.northwind-health.org/apply"; None
    where it is no one's name (a job board, a social network: NOT_EMPLOYER_SITES)."""
    host = _HOST.match(address)
    parts = host["host"].lower().strip(".").split(".") if host else []
    if len(parts) < 2:
        return None  # no site's name: "@@", "http://", "x@.com"
    while len(parts) > 1 and (parts[-1] in TOP_LEVEL_DOMAINS or len(parts[-1]) == 2):
        parts.pop()  # "com", "co.uk"
    parts = [p for p in parts if p not in ADDRESS_SERVICE_WORDS]
    name = letters_of(parts[-1]) if parts else ""
    return name if name and name not in NOT_EMPLOYER_SITES else None


_NOT_WORD = re.compile(r"[^\w]+")
_NOT_WORD_NOR_BREAK = re.compile(r"[^\w\n]+")  # norm's folding, line by line


def norm(text: str | None) -> str:
    """Case, punctuation and whitespace folded away: 'Sr. Engineer (m/f)' -> 'sr engineer m f'."""
    if text and len(text) <= NORM_KEPT_CHARS:
        return _norm_kept(text)
    return _norm(text or "")


def _norm(text: str) -> str:
    return _NOT_WORD.sub(" ", text.casefold()).strip()


# One check normalises the same few values many times (each is looked for in the text, among
# the examples', in the lists): a value's form is kept, for values no longer than a title.
NORM_KEPT_CHARS = 200
_norm_kept = lru_cache(maxsize=4096)(_norm)


def found_in(value: str, normalised_text: str) -> bool:
    """Whether `value`'s words stand, whole and in order, in an already normalised text."""
    key = norm(value)
    return bool(key) and f" {key} " in f" {normalised_text} "


def unglue(text: str) -> str:
    """Flattened page text with its headings set apart ("ClerkReports to:" -> "Clerk
    Reports to:"), its HTML entities read and a line set in bold read as the line it is."""
    text = _unbolded(html.unescape(text))
    return _GLUED_BEFORE.sub(r"\1 ", _GLUED_AFTER.sub(r" \g<0>", text))


def _unbolded(text: str) -> str:
    """`text` with the markdown marks that make a whole line bold left out ("**Line Cook -
    Nights**" reads as a title line); bold inside a line stays, it bounds a phrase ("hiring
    a **Line Cook** for ...")."""
    if "**" not in text:
        return text
    lines = text.split("\n")
    for i, line in enumerate(lines):
        inner = line.strip()
        if len(inner) > 4 and inner.startswith("**") and inner.endswith("**") \
                and inner.count("**") == 2:
            lines[i] = line.replace("**", "")
    return "\n".join(lines)


def addresses(text: str) -> list[re.Match]:
    """The web and mail addresses of `text`, first to last (none looked for in a text
    without a sign of one: most postings)."""
    return list(_ADDRESS.finditer(text)) if _ADDRESS_SIGN.search(text) else []


def _in_an_address(text: str):
    """A test whether a position of `text` is inside a web or mail address (a binary search
    over the addresses, which do not overlap: many mentions and many addresses stay cheap)."""
    spans = [m.span() for m in addresses(text)]
    starts = [start for start, _ in spans]

    def inside(position: int) -> bool:
        i = bisect.bisect_right(starts, position) - 1
        return i >= 0 and position < spans[i][1]
    return inside


WORD = re.compile(r"[^\W_]+")  # a word: letters and digits, as str.isalnum() tells them


def mentions(value: str, text: str, lower: str | None = None):
    """Where `value`'s words stand in `text` whole, in order, in any case, with any marks
    or spaces between them: (start, end) spans, first to last. A scan with str.find over
    the text's lower-case form (`lower`, where the caller keeps it), not a pattern per
    value: values differ in every call, and compiling a pattern each time cost a quarter of
    the answer check."""
    words = WORD.findall(value.lower())
    lower = text.lower() if lower is None else lower
    if not words or len(lower) != len(text):  # lower-casing changed the length (rare)
        return _mentions_by_pattern(words, text)
    spans, position = [], 0
    while (start := lower.find(words[0], position)) >= 0:
        end = _words_from(words, lower, start)
        if end is not None:
            spans.append((start, end))
        # the next mention starts a word: past this run of letters (linear on "aaaa...")
        position = end if end is not None else WORD.match(lower, start).end()
    return spans


def _words_from(words: list[str], lower: str, start: int) -> int | None:
    """The end of `words` read from `start` in `lower`: each whole, separated by one or
    more marks or spaces; None where they do not stand there."""
    if start > 0 and lower[start - 1].isalnum():
        return None
    position = start
    for i, word in enumerate(words):
        if i:
            gap = position
            while position < len(lower) and not lower[position].isalnum():
                position += 1
            if position == gap:
                return None
        if not lower.startswith(word, position):
            return None
        position += len(word)
    return None if position < len(lower) and lower[position].isalnum() else position


def _mentions_by_pattern(words: list[str], text: str) -> list[tuple[int, int]]:
    if not words:
        return []
    pattern = r"(?<![^\W_])" + r"[\W_]+".join(map(re.escape, words)) + r"(?![^\W_])"
    return [m.span() for m in re.finditer(pattern, text, re.I)]


def mentions_outside_addresses(value: str, text: str | PostingText) -> list[tuple[int, int]]:
    """The spans of `mentions` of `value` in the raw text, none inside a web or mail
    address (the "aam" of "hr@aam.com" is no mention of "AAM")."""
    if isinstance(text, PostingText):
        raw, inside, lower = text.raw, text.in_an_address, text.lower
    else:
        raw, inside, lower = text, _in_an_address(text), None
    return [(start, end) for start, end in mentions(value, raw, lower) if not inside(start)]


def as_written(value: str, text: str | PostingText) -> str:
    """`value` as the posting writes it (its case and punctuation, preferring a mention not
    in capitals, never one inside a web or mail address: "AAM", not the "aam" of
    "hr@aam.com"), where the posting contains it; else `value` unchanged. "tech innovations
    inc." -> "Tech Innovations Inc"; "Remote" stays for "a remote role"; "Northwind\nFoods"
    is "Northwind Foods" where the posting writes it on no one line."""
    raw = PostingText.raw_of(text)
    found = mentions_outside_addresses(value, text)
    if not found:
        return value
    # a banner in capitals after the posting's own case, if written; and of those, a mention
    # on one line before one run across a line break (a page's title line over its place
    # line is no spelling of "<title> - <place>")
    start, end = min(found, key=lambda span: (raw[span[0]:span[1]].isupper(),
                                              "\n" in raw[span[0]:span[1]]))
    if raw[start:end].islower() and not value.islower():
        return value  # written only as a common word ("a remote role"): the name stays
    for char in re.search(r"[^\w\s]*$", value).group(0):  # "(m/f/d)": its closing mark too
        if raw[end:end + 1] == char:
            end += 1
    return " ".join(raw[start:end].split())  # a line break inside is no part of its spelling


T = TypeVar("T")


class PostingText:
    """One posting's text and the forms read from it (see the module's docstring)."""

    def __init__(self, raw: str):
        self.raw = raw
        self._found: dict[tuple, object] = {}

    def read(self, reader: Callable[..., T], *args) -> T:
        """`reader(*args, self)`, computed once: what a reader finds in a posting does not
        depend on the answer being checked."""
        key = (reader, *args)
        if key not in self._found:
            self._found[key] = reader(*args, self)
        return self._found[key]

    @staticmethod
    def of(text: str | PostingText) -> PostingText:
        return text if isinstance(text, PostingText) else PostingText(text)

    @staticmethod
    def raw_of(text: str | PostingText) -> str:
        """The raw text of a posting given either way, without reading it."""
        return text.raw if isinstance(text, PostingText) else text

    @cached_property
    def unglued(self) -> str:
        return unglue(self.raw)

    @cached_property
    def lower(self) -> str:
        """Its raw text in lower case, where values are looked for (mentions)."""
        return self.raw.lower()

    @cached_property
    def lines(self) -> list[str]:
        """Its unglued lines."""
        return self.unglued.splitlines()

    @cached_property
    def normalised_by_line(self) -> list[str]:
        """Each of `lines` as `norm` makes it, all in one pass over the text."""
        return [line.strip() for line in
                _NOT_WORD_NOR_BREAK.sub(" ", "\n".join(self.lines).casefold()).split("\n")]

    @cached_property
    def normalised(self) -> str:
        """norm(unglued): its normalised lines joined (no word runs across a line's end)."""
        return " ".join(line for line in self.normalised_by_line if line)

    @cached_property
    def first_line(self) -> str:
        """Its first non-empty line, stripped."""
        return next((line.strip() for line in self.lines if line.strip()), "")

    @cached_property
    def normalised_lines(self) -> frozenset[str]:
        return frozenset(self.normalised_by_line)

    @cached_property
    def in_an_address(self):
        """Whether a position of `raw` is inside a web or mail address."""
        return _in_an_address(self.raw)

    @cached_property
    def unglued_addresses(self) -> list[re.Match]:
        """The web and mail addresses of `unglued`."""
        return addresses(self.unglued)

    @cached_property
    def site_names(self) -> frozenset[str]:
        """The names of the sites its web and mail addresses are on (site_name)."""
        return frozenset(filter(None, (site_name(m[0]) for m in self.unglued_addresses)))

    @cached_property
    def outside_addresses(self) -> str:
        """Its words outside web and mail addresses, normalised: a name found only inside
        one ("jobs@northwind-health.org") is not a name the posting writes."""
        if not self.unglued_addresses:
            return self.normalised
        text, ends = self.unglued, [0] + [m.end() for m in self.unglued_addresses]
        starts = [m.start() for m in self.unglued_addresses] + [len(text)]
        return norm(" ".join(text[end:start] for end, start in zip(ends, starts)))
