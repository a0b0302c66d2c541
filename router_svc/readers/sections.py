"""The lists a posting writes under its own headings ("Requirements", "What we offer"): the
requirements and benefits given where the model's list was the prompt's example's or empty.

A posting pasted with its lines sets a list apart with a heading line of a few words
("Required Qualifications", "About You:", "PERKS & BENEFITS") and gives an item per line.
The list runs until a heading of another kind ("Responsibilities", "About Northwind"), a
paragraph, a statement lists are followed by (equal opportunity, how to apply), or a blank
line after its items followed by a line without an item's mark. A heading may give its
items on its own line ("Requirements: Python, React"). Text flattened to one line gives no
items: they cannot be told apart.
"""

from __future__ import annotations

import bisect
import re

from router_svc.readers.rules import Found
from router_svc.readers.shapes import is_heading
from router_svc.readers.text import ITEM_MARK, PostingText, norm
from router_svc.readers.vocabulary import (BENEFIT_PHRASES, BENEFIT_WORDS, DUTY_HEADINGS,
                                           HEADING_WORDS, LIST_HEADING_WORDS, LIST_HEADINGS,
                                           LIST_NAMES, PLACEHOLDERS)

MAX_HEADING_WORDS = 8
MAX_ITEM_WORDS = 60     # a longer line is a paragraph: it ends a list
MAX_ITEMS = 25

_PHRASES = {kind: re.compile(rf"\b(?:{'|'.join(map(re.escape, phrases))})\b")
            for kind, phrases in {**LIST_HEADINGS, "duties": DUTY_HEADINGS}.items()}
# What follows a list without a heading of its own: the company's statements, a call to apply.
_AFTER_A_LIST = re.compile(r"(?i)\b(?:equal (?:opportunity|employment)|apply|applicants"
                           r"|not currently hiring)\b")
# After requirements, the company speaking of itself ("We ...", "Our ...").
_COMPANY_SPEAKING = re.compile(r"(?:We|Our)\b")


def _words(line: str) -> list[str]:
    return re.findall(r"[a-z]+", line.lower().replace("’", "'").replace("'", ""))


def heading_kind(line: str) -> str | None:
    """'requirements' or 'benefits' for a heading of that list, 'duties' for one of what the
    job does, 'other' for another heading, None for a line that is no heading."""
    text = line.strip()
    if len(text.split()) > MAX_HEADING_WORDS or ITEM_MARK.match(text):
        return None
    words = _words(text)
    if not words:
        return None
    lower = " ".join(words)
    shaped = text.endswith((":", "…", "?")) or text.isupper() or \
        all(w in HEADING_WORDS or w in LIST_HEADING_WORDS for w in words)
    for kind, phrase in _PHRASES.items():
        found = phrase.search(lower)
        # "Requirements for all analysts": a heading starting with the list's own name (not
        # "Experience with SQL", an item)
        if found and (shaped or found.start() == 0 and found.group(0) in LIST_NAMES
                      and text[0].isupper() and not text.endswith(".")):
            return kind
    if is_heading(text) or text.endswith(":") and len(words) <= 5:
        return "other"
    return None


# A list's heading with its items on the same line: "Requirements: Python, React, SQL".
_LABELLED = re.compile(r"^[ \t]*(?P<label>[^:\n]{1,40}):[ \t]*(?P<rest>\S[^\n]*)$")
MAX_LABEL_WORDS = 4
MAX_PART_WORDS = 5  # "Health insurance, 401k, flexible PTO": each part an item


def _labelled_list(line: str) -> tuple[str, list[str]] | None:
    """(the list's kind, its items) for a line giving a list's heading and items at once."""
    m = _LABELLED.match(line)
    if not m or len(m["label"].split()) > MAX_LABEL_WORDS:
        return None
    kind = heading_kind(m["label"] + ":")
    if kind not in LIST_HEADINGS:
        return None
    rest = _item(m["rest"])
    if rest.lower().strip(".") in PLACEHOLDERS:  # "Clearance: N/A"
        return None
    parts = [part.strip() for part in re.split(r"[;,]", rest) if part.strip()]
    listed = not rest.endswith(".") and all(len(p.split()) <= MAX_PART_WORDS for p in parts)
    return kind, parts if listed else [rest]  # a sentence is one item


def _item(line: str) -> str:
    return ITEM_MARK.sub("", line).strip()


def _ends_a_list(kind: str, line: str, items: list[str]) -> bool:
    """A paragraph, or after an item a statement lists are followed by."""
    return len(line.split()) > MAX_ITEM_WORDS or bool(items) and (
        bool(_AFTER_A_LIST.search(line))
        or kind == "requirements" and bool(_COMPANY_SPEAKING.match(line)))


class Sections:
    """A posting's lines, each line's heading kind (heading_kind) and the kind of section it
    stands in: the kind of the last heading above it ('requirements', 'benefits', 'duties',
    'other'), None before the first. Read once per answer check, by both lists."""

    def __init__(self, text: str | PostingText):
        self.posting = PostingText.of(text)
        self.lines = self.posting.lines
        self.headings: list[str | None] = []
        self.inline: dict[int, list[str]] = {}  # a heading line's own items, by line
        for i, line in enumerate(self.lines):
            labelled = _labelled_list(line) if ":" in line else None
            if labelled is not None:
                self.inline[i] = labelled[1]
            self.headings.append(labelled[0] if labelled else
                                 heading_kind(line) if line.strip() else None)
        self._kinds, kind = [], None
        for i, heading in enumerate(self.headings):
            if i in self.inline:  # its own kind; the section around it goes on
                self._kinds.append(heading)
                continue
            kind = heading or kind
            self._kinds.append(kind)
        self._normalised = self._lines_normalised()
        self._kind_of: dict[str, str | None] = {}  # item -> kind: both lists ask of one item

    def _lines_normalised(self) -> tuple[str, list[int]]:
        """Each line normalised as `norm` does, joined, and where each starts."""
        lines = [f" {line} " for line in self.posting.normalised_by_line]
        starts, position = [], 0
        for line in lines:
            starts.append(position)
            position += len(line) + 1
        return "\n".join(lines), starts

    @staticmethod
    def of(text: str | PostingText | Sections) -> Sections:
        return text if isinstance(text, Sections) else PostingText.of(text).read(Sections)

    def kind_of(self, item: str) -> str | None:
        """The kind of section of the first line holding `item`; None where none holds it
        or it stands before every heading."""
        if item not in self._kind_of:
            key = norm(item)
            normalised, starts = self._normalised
            at = normalised.find(f" {key} ") if key else -1
            self._kind_of[item] = self._kinds[bisect.bisect_right(starts, at) - 1] \
                if at >= 0 else None
        return self._kind_of[item]


def names_a_benefit(item: str) -> bool:
    """Whether `item` names something an employer gives ("Dental plan", "Paid time off"),
    by its words (vocabulary.BENEFIT_WORDS and BENEFIT_PHRASES)."""
    key = norm(item)
    return bool(BENEFIT_WORDS.intersection(key.split())) \
        or any(f" {phrase} " in f" {key} " for phrase in BENEFIT_PHRASES)


def find_list(kind: str, text: str | PostingText | Sections) -> Found | None:
    """The items of the posting's lists of `kind` ("requirements", "benefits"), one per line,
    joined by newlines in `value`, the first list's heading as the evidence; None where the
    posting has no such list. One pass over the lines."""
    sections = Sections.of(text)
    items: list[str] = []
    heading = ""
    inside = after_blank = False
    for i, (line, found) in enumerate(zip(sections.lines, sections.headings)):
        if not line.strip():
            after_blank = inside and bool(items)
            continue
        if after_blank and not ITEM_MARK.match(line):  # a blank line, then no item's mark
            inside = False
        after_blank = False
        if i in sections.inline and not (inside and found == kind):
            # "Requirements: SQL, Python" standing alone: its own items, opening no list (in
            # a list, "Experience with tools: SQL" is an item as it stands)
            if found == kind and not _ends_a_list(kind, " ".join(sections.inline[i]), items):
                heading = heading or line.strip()
                items += [item for item in sections.inline[i] if item not in items]
            inside = False
            continue
        if found is not None and i not in sections.inline:
            inside = found == kind
            heading = heading or (line.strip() if inside else "")
            continue
        if not inside:
            continue
        item = _item(line)
        if _ends_a_list(kind, item, items):
            inside = False
            continue
        if len(item.split()) >= 2 and item not in items:
            items.append(item)
            if len(items) >= MAX_ITEMS:
                break
    items = items[:MAX_ITEMS]  # a heading's own items may pass the bound
    return Found("\n".join(items), heading, rule=f"{kind}-under-their-heading") if items \
        else None
