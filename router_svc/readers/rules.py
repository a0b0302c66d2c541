"""What a reader finds, and the named rule tables the readers are made of.

A field's reader is an ordered table of rules, tried in turn; the first that finds a value
wins. Each rule has a name: the answer check's notes quote it, so `jobextract eval --answers`
can say per rule how often it fired, helped and hurt. Adding a rule is one entry in a table,
one test, and a replay that shows what it changed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Callable

from router_svc.readers.shapes import clean
from router_svc.readers.text import PostingText


@dataclass(frozen=True)
class Found:
    value: str
    evidence: str           # the phrase of the posting it was read from
    rule: str = ""          # the rule that read it (set by `first_found`)
    # the posting gives it as its title: a labelled line ("Job Title: ...") or a page's
    # first line naming a job; nothing is surer
    headline: bool = False


@dataclass(frozen=True)
class Rule:
    name: str
    read: Callable[[PostingText], Found | None]


def first_found(rules: tuple[Rule, ...], text: str | PostingText) -> Found | None:
    """The first value a rule of `rules` reads from `text`, named by its rule."""
    posting = PostingText.of(text)
    for rule in rules:
        found = rule.read(posting)
        if found is not None:
            return replace(found, rule=rule.name)
    return None


def pattern_rule(pattern: re.Pattern, accept: Callable[[str], bool],
                 value_of: Callable[[str], str] = clean, headline: bool = False):
    """A rule reading the first match of `pattern` (its group "v", made a value by
    `value_of`) that `accept`s, with the match as its evidence."""
    def read(posting: PostingText) -> Found | None:
        for m in pattern.finditer(posting.unglued):
            value = value_of(m["v"])
            if accept(value):
                return Found(value, clean(m.group(0))[:120], headline=headline)
        return None
    return read
