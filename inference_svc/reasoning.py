"""Keep a thinking model's reasoning out of the text the service returns.

Qwen3-4B-Thinking-2507's chat template already opens `<think>`, so its output is
`reasoning </think> answer`; hybrid Qwen3 models with thinking on emit `<think>` themselves.
vLLM's qwen3 reasoning parser makes the JSON constraint start after `</think>`; this filter
drops everything up to and including it from the stream.
"""

from __future__ import annotations

THINK_OPEN = "<think>"
THINK_CLOSE = "</think>"


class ReasoningFilter:
    """Feed generated deltas, get back only the answer's text (leading whitespace dropped)."""

    def __init__(self) -> None:
        self._held = ""
        self._answering = False
        self._started = False

    def feed(self, delta: str) -> str:
        if not self._answering:
            self._held += delta
            end = self._held.find(THINK_CLOSE)
            if end < 0:
                return ""
            self._answering = True
            delta, self._held = self._held[end + len(THINK_CLOSE):], ""
        if not self._started:
            delta = delta.lstrip()
            self._started = bool(delta)
        return delta

    @property
    def reasoning_ended(self) -> bool:
        return self._answering
