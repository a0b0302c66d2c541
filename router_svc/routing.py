"""Deciding where a posting runs: local or cloud by size, and which tier under one model.

`decide` is the spec's rule (threshold, then tier by size). `SwitchPolicy` turns the wanted
tier into what to ask the inference service for, without thrashing: under a one-model
limit the spec's tiers would switch models on almost every request, so a job runs on the
resident model whenever that model is at least as capable as its tier; the router asks for
a switch up when it must, and down only after it has been idle for a while.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from jobextract.contract import RANK


@dataclass
class Decision:
    token_count: int
    threshold: int
    use_local: bool
    tier: str | None          # tier the size asks for; None for the cloud
    reasoning: str
    model: str = ""           # filled in once a model is chosen


def size_tier(token_count: int, thinking_below: int, primary_below: int) -> str:
    if token_count < thinking_below:
        return "thinking"
    if token_count < primary_below:
        return "primary"
    return "maximum"


def decide(token_count: int, threshold: int, thinking_below: int, primary_below: int) -> Decision:
    if token_count > threshold:
        return Decision(token_count, threshold, False, None,
                        f"{token_count} tokens exceed the {threshold}-token local threshold: "
                        f"cloud processing")
    tier = size_tier(token_count, thinking_below, primary_below)
    bound = {"thinking": f"under {thinking_below}", "primary": f"under {primary_below}",
             "maximum": f"at most {threshold}"}[tier]
    return Decision(token_count, threshold, True, tier,
                    f"{token_count} tokens, within the {threshold}-token threshold: local; "
                    f"{bound} tokens asks for the {tier} tier")


@dataclass
class Choice:
    """What to ask inference for."""

    tier: str
    allow_switch: bool
    note: str


class SwitchPolicy:
    """Chooses the tier to request given what is resident; counts the switches it sees."""

    def __init__(self, idle_seconds: float, clock=time.monotonic):
        self.idle_seconds = idle_seconds
        self.clock = clock
        self.resident_model = ""
        self.resident_tiers: frozenset[str] = frozenset()
        self.switches = 0
        self._in_flight = 0
        self._last_active = clock()

    def observe(self, model: str, tiers) -> None:
        """Record the resident model reported by inference (counting a change as a switch)."""
        if model and self.resident_model and model != self.resident_model:
            self.switches += 1
        if model:
            self.resident_model = model
            self.resident_tiers = frozenset(tiers)

    def forget(self) -> None:
        """Nothing is known to be resident (inference reported FAILED)."""
        self.resident_tiers = frozenset()

    @property
    def in_flight(self) -> int:
        return self._in_flight

    def choose(self, wanted: str, may_switch_down: bool = True) -> Choice:
        """`may_switch_down`: an idle, more capable model may be switched down (one
        replica; with several, a capable replica keeps serving)."""
        if not self.resident_tiers:
            return Choice(wanted, True, "no model known to be resident")
        if wanted in self.resident_tiers:
            return Choice(wanted, False, f"resident {self.resident_model} serves the {wanted} tier")
        top = max(self.resident_tiers, key=RANK.__getitem__)
        if RANK[top] < RANK[wanted]:
            return Choice(wanted, True, f"switching up from {self.resident_model} ({top}) "
                                        f"to the {wanted} tier")
        idle = self.clock() - self._last_active
        if may_switch_down and self._in_flight == 0 and idle >= self.idle_seconds:
            return Choice(wanted, True, f"switching down to the {wanted} tier after "
                                        f"{idle:.0f} s idle")
        return Choice(top, False, f"resident {self.resident_model} ({top}) is at least as "
                                  f"capable as the {wanted} tier: no switch")

    def started(self) -> None:
        self._in_flight += 1
        self._last_active = self.clock()

    def finished(self) -> None:
        self._in_flight -= 1
        self._last_active = self.clock()
