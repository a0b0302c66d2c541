"""The answer check (answer.check_answer) run off the router's event loop, within a budget.

Posting text is untrusted and up to ROUTER_MAX_CONTENT_BYTES long; a check that reads it
slowly must not stall the router: health probes, other calls and the liveness of the pod
all run on the same event loop.

- A posting of up to THREAD_CHARS characters is checked in a thread. Every reader is linear
  in the text (tests/test_linear_readers.py), so such a check ends within a fraction of a
  second even on crafted text, and the event loop gets the GIL back between the check's
  pattern matches, each short on a text this size. The process hop cost more than the
  check itself: 1.5-2 ms of 3.5 on a posting of 3 KB.
- A longer one is checked in a worker process (pebble's ProcessPool): Python's `re` holds
  the GIL for a whole match, which on a megabyte is long, and a task past its timeout has
  its worker killed and replaced.
Either way a call whose check overruns the budget gets a precise refusal instead of
blocking everyone; a thread's check, which cannot be stopped, finishes unwaited for.

A short posting is also read ahead (`read_ahead`: answer.read_ahead in a thread), started
when the call is routed: what the readers find in it does not depend on the answer, so
they read it while the model generates, and the check of each answer, from either route,
reads only that answer. That rest is bounded by the answer's schema (a company of at most
200 characters, a dozen list items) and takes well under a millisecond, at most a few on
crafted text (tests/test_linear_readers.py), so once the posting is read an answer of up
to INLINE_ANSWER_CHARS is checked on the event loop: the thread's round trip cost more.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout

from pebble import ProcessExpired, ProcessPool

from router_svc.answer import Checked, Facts, check_answer, read_ahead

log = logging.getLogger(__name__)

THREAD_CHARS = 16_384  # the longest posting checked in a thread (the module's docstring)
INLINE_ANSWER_CHARS = 8_192  # the longest answer checked on the loop, its posting read ahead


class CheckOverran(Exception):
    """The check did not finish within its budget (a worker's check was stopped)."""


class CheckFailed(Exception):
    """The check could not run (its worker died, the pool is down): not the posting's
    fault, so the call is UNAVAILABLE and may be retried."""


class AnswerChecker:
    """`check` is check_answer in a thread or a worker process (by the posting's length),
    refused after `budget_seconds`, or on the event loop once its posting is read ahead;
    `workers` threads and worker processes at most."""

    def __init__(self, workers: int, budget_seconds: float):
        self.workers = workers
        self.budget_seconds = budget_seconds
        self._threads = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="check")
        # spawn: the router's process runs gRPC threads, which a fork must not copy. The
        # workers run at a lower priority: on a busy machine the event loop (health,
        # refusals, streaming) gets the CPU before a long check does.
        self._pool = ProcessPool(max_workers=workers, initializer=os.nice, initargs=(10,),
                                 context=multiprocessing.get_context("spawn"))

    async def warm_up(self) -> None:
        """Start the workers and import the check in them, so no caller pays for it."""
        long_text = "warm-up " * (THREAD_CHARS // 8 + 1)
        await asyncio.gather(*(self.check("{}", long_text) for _ in range(self.workers)),
                             return_exceptions=True)

    def read_ahead(self, text: str, wanted: frozenset[str] | None = None
                   ) -> asyncio.Future[Facts] | None:
        """Start reading a short posting in a thread for the `wanted` fields (None: all),
        for `check`'s `ahead`; None for a long one, which its worker process reads."""
        if len(text) > THREAD_CHARS:
            return None
        try:
            return asyncio.get_running_loop().run_in_executor(self._threads, read_ahead, text,
                                                              wanted)
        except RuntimeError:  # closed: the check says so
            return None

    async def check(self, answer: str, text: str, wanted: frozenset[str] | None = None,
                    ahead: asyncio.Future[Facts] | None = None) -> Checked:
        """check_answer's result or its InvalidOutput; CheckOverran past the budget. A
        cancelled caller stops a worker's check too. `ahead`: the posting read ahead
        (read_ahead), shared by every check of one call."""
        if len(text) <= THREAD_CHARS:
            if ahead is not None and ahead.done() and len(answer) <= INLINE_ANSWER_CHARS:
                return check_answer(answer, ahead.result(), wanted)
            return await self._in_a_thread(answer, text, wanted, ahead)
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

    async def _in_a_thread(self, answer: str, text: str, wanted: frozenset[str] | None,
                           ahead: asyncio.Future[Facts] | None) -> Checked:
        loop = asyncio.get_running_loop()

        async def checked() -> Checked:
            # shielded: a check past its budget leaves the reading to the call's other checks
            facts = await asyncio.shield(ahead) if ahead is not None else text
            try:
                future = loop.run_in_executor(self._threads, check_answer, answer, facts, wanted)
            except RuntimeError as e:  # closed
                raise CheckFailed(f"the answer check is unavailable ({e})") from None
            return await future

        try:
            return await asyncio.wait_for(checked(), self.budget_seconds)
        except TimeoutError:
            raise CheckOverran(f"checking the answer against the posting took more than "
                               f"{self.budget_seconds:g} s (ROUTER_CHECK_SECONDS)") from None

    def close(self) -> None:
        self._threads.shutdown(wait=False, cancel_futures=True)
        self._pool.stop()
        self._pool.join(timeout=10)
