"""The answer check (answer.check_answer) run off the router's event loop, within a budget.

Posting text is untrusted and up to ROUTER_MAX_CONTENT_BYTES long; a check that reads it
slowly must not stall the router: health probes, other calls and the liveness of the pod
all run on the same event loop. A thread would not do (Python's `re` holds the GIL for a
whole match), so checks run in worker processes (pebble's ProcessPool: a task past its
timeout has its worker killed and replaced), and a call whose check overruns the budget
gets a precise refusal instead of blocking everyone.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
from concurrent.futures import TimeoutError as FutureTimeout

from pebble import ProcessExpired, ProcessPool

from router_svc.answer import Checked, check_answer

log = logging.getLogger(__name__)


class CheckOverran(Exception):
    """The check did not finish within its budget (its worker was stopped)."""


class CheckFailed(Exception):
    """The check could not run (its worker died, the pool is down): not the posting's
    fault, so the call is UNAVAILABLE and may be retried."""


class AnswerChecker:
    """`check` is check_answer in a worker process, ended after `budget_seconds`."""

    def __init__(self, workers: int, budget_seconds: float):
        self.workers = workers
        self.budget_seconds = budget_seconds
        # spawn: the router's process runs gRPC threads, which a fork must not copy. The
        # workers run at a lower priority: on a busy machine the event loop (health,
        # refusals, streaming) gets the CPU before a long check does.
        self._pool = ProcessPool(max_workers=workers, initializer=os.nice, initargs=(10,),
                                 context=multiprocessing.get_context("spawn"))

    async def warm_up(self) -> None:
        """Start the workers and import the check in them, so no caller pays for it."""
        await asyncio.gather(*(self.check("{}", "warm-up") for _ in range(self.workers)),
                             return_exceptions=True)

    async def check(self, answer: str, text: str,
                    wanted: frozenset[str] | None = None) -> Checked:
        """check_answer's result or its InvalidOutput; CheckOverran past the budget. A
        cancelled caller stops its check too."""
        try:
            future = self._pool.schedule(check_answer, args=(answer, text, wanted),
                                         timeout=self.budget_seconds)
        except RuntimeError as e:  # the pool is closed or broken: the service's fault
            raise CheckFailed(f"the answer check is unavailable ({e})") from None
        try:
            return await asyncio.wrap_future(future)
        except FutureTimeout:
            raise CheckOverran(f"checking the answer against the posting took more than "
                               f"{self.budget_seconds:g} s (ROUTER_CHECK_SECONDS)") from None
        except ProcessExpired as e:  # the worker died (e.g. out of memory); it is replaced
            log.error("answer check worker died: %s", e)
            raise CheckFailed(f"the answer check's worker died ({e})") from None

    def close(self) -> None:
        self._pool.stop()
        self._pool.join(timeout=10)
