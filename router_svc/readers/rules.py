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


class AnchoredPattern:
    """`head` + `tail`, where a match ends in `tail` and starts at most `reach` characters
    before it (a name, then what follows it: "<Name> is hiring"), found at a cost that
    follows the tails, not the text: `tail` is looked for first, the whole pattern only in
    the `reach` before each. Tried at every capital of a posting, as `re` tries a pattern
    that starts with a name, each such rule cost a third of a millisecond a check.

    The matches are `re`'s, in order, but where a head runs across a tail that it could not
    end before (a name's "of" or dot right before "IS AN EQUAL ..." in capitals, "Inc.'s"):
    `head_holds_tail` says whether a head may hold the tail's text at all. A `tail` that
    starts with a repeat must start only where its run starts, or it is quadratic on a long
    run."""

    def __init__(self, head: str, tail: str, reach: int, head_holds_tail: bool):
        self.pattern, self.tail, self.reach = re.compile(head + tail), re.compile(tail), reach
        self.head_holds_tail = head_holds_tail

    def finditer(self, text: str):
        position = 0
        while (tail := self.tail.search(text, position)) is not None:
            # the leftmost start of a match that ends by this tail's end (none ends at an
            # earlier tail), then the match `re` reads from there: a name may run on past
            # this tail to a later one ("Northwind's Bakery's")
            m = self.pattern.search(text, max(position, tail.start() - self.reach), tail.end())
            if m is None:  # a later match may start inside this tail only if a head holds it
                position = tail.start() + 1 if self.head_holds_tail else tail.end()
                continue
            m = self.pattern.match(text, m.start()) or m
            yield m
            position = m.end()


def pattern_rule(pattern: re.Pattern | AnchoredPattern, accept: Callable[[str], bool],
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
