"""One to three of the posting's own sentences about the role: the description given where
the model's was copied from the prompt's example."""

from __future__ import annotations

import re

from router_svc.readers.rules import Found
from router_svc.readers.text import PostingText

# A sentence about the job itself, not the company or the benefits.
_ROLE_WORDS = re.compile(r"\b(?:you will|you'll|responsible for|this role|the role|this position"
                         r"|the position|looking for|seeking|hiring|will be|duties|you are)\b",
                         re.I)
# Where a sentence ends: after its mark and the space that follows, or at a line break (a
# split, linear in the text's length; a pattern matching whole sentences backtracked).
_SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+|\n+")
MAX_SUMMARY_CHARS = 400


def summary_sentences(text: str | PostingText) -> list[tuple[str, str, bool]]:
    """The whole sentences a summary may take (six words or more, not in capitals), each
    with its case folded and whether it speaks of the role: what find_summary reads,
    whatever the title, so it is read once per posting (ahead of the check)."""
    pieces = (piece.strip() for piece in _SENTENCE_BREAK.split(PostingText.of(text).unglued))
    return [(s, s.casefold(), bool(_ROLE_WORDS.search(s))) for s in pieces
            if s.endswith((".", "!", "?")) and len(s.split()) >= 6 and not s.isupper()]


def find_summary(text: str | PostingText, title: str | None = None) -> Found | None:
    """From the first sentence that names the title or speaks of the role ("you will",
    "responsible for", "looking for"), else from the first sentence: whole sentences,
    at most MAX_SUMMARY_CHARS characters."""
    sentences = PostingText.of(text).read(summary_sentences)
    if not sentences:
        return None
    key = title.casefold() if title else None
    start = next((i for i, (_, folded, of_the_role) in enumerate(sentences)
                  if (key and key in folded) or of_the_role), 0)
    chosen: list[str] = []
    for sentence, _, _ in sentences[start:start + 3]:
        if len(" ".join([*chosen, sentence])) > MAX_SUMMARY_CHARS:
            break
        chosen.append(sentence)
    if not chosen:  # one sentence longer than the bound: not a summary
        return None
    summary = " ".join(chosen)
    return Found(summary, summary[:60], rule="role-sentences")
