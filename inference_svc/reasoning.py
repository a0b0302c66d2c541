"""Keep a thinking model's reasoning out of the text the service returns, and count it.

Qwen3-4B-Thinking-2507's chat template already opens `<think>`, so its output is
`reasoning </think> answer`; hybrid Qwen3 models with thinking on emit `<think>` themselves.
vLLM's qwen3 reasoning parser makes the JSON constraint start after `</think>` (which the
thinking budget forces when the model has not written it); this filter drops everything up
to and including it from the stream and counts the reasoning tokens.
"""

from __future__ import annotations

THINK_OPEN = "<think>"
THINK_CLOSE = "</think>"


class ReasoningFilter:
    """Feed generated deltas, get back only the answer's text (leading whitespace dropped).

    `end_token_id` is `</think>`'s id in the model's vocabulary, for an exact count of the
    reasoning tokens; without it the count is of whole deltas.
    """

    def __init__(self, end_token_id: int | None = None) -> None:
        self._held = ""
        self._answering = False
        self._started = False
        self._end_token_id = end_token_id
        self.reasoning_tokens = 0

    def feed(self, delta: str, token_ids: list[int] | tuple[int, ...] = ()) -> str:
        if not self._answering:
            ids = list(token_ids)
            if self._end_token_id in ids:
                self.reasoning_tokens += ids.index(self._end_token_id) + 1
            else:
                self.reasoning_tokens += len(ids)
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
