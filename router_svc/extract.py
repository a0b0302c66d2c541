"""One extraction, from the routing decision to a validated JobPosting, as a stream of events.

Extract and ExtractStream both run `Extractor.extract`; the unary call keeps only the last
event. The order is fixed: the decision, then per attempt an AttemptStarted and its text
deltas, then the result. A result is only ever a JobPosting that passed validation.

Local first when the decision says so: invalid answers are retried (tenacity, with the
validation error fed back), a loading or switching inference service is waited for
briefly; then the cloud, when configured, with the reason recorded.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field

from tenacity import AsyncRetrying, stop_before_delay, stop_never, wait_exponential

from jobextract.contract import attempt_id
from jobextract.v1 import extraction_pb2 as pb
from router_svc import prompt
from router_svc.answer import Facts
from router_svc.checker import AnswerChecker, CheckFailed, CheckOverran
from router_svc.cloud import CloudClient
from router_svc.config import RouterSettings
from router_svc.errors import ExtractionFailed, InvalidOutput, RouteError
from router_svc.replicas import Placement, Replicas
from router_svc.replies import decision_proto, extract_response
from router_svc.routing import Decision, decide
from router_svc.schema import JobPosting, generation_schema, schema_text
from router_svc.stats import Stats
from router_svc.tokens import count_tokens_async

log = logging.getLogger(__name__)

TimeLeft = Callable[[], float | None]


NO_CLOUD = "the cloud route is not configured (set OPENAI_API_KEY)"


@dataclass
class _Answer:
    text: str = ""
    finish_reason: str = ""
    model: str = ""


@dataclass
class Run:
    """One extraction as it goes: what was decided and tried, and what came of it."""

    request_id: str
    started: float
    wanted: frozenset[str] | None = None   # the fields asked for; None: all
    ahead: asyncio.Future[Facts] | None = None  # the posting read ahead for the checks
    decision: Decision | None = None
    route: int = pb.ROUTE_UNSPECIFIED
    attempts: int = 0
    fallback_reason: str = ""
    job: JobPosting | None = None
    notes: list[str] = field(default_factory=list)  # what grounding changed, and why
    salary_dropped: bool = False
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cached_prompt_tokens: int = 0
    reasoning_tokens: int = 0
    model_token_count: int | None = None
    timings: dict[str, float] = field(default_factory=lambda: {
        "decision_ms": 0.0, "first_token_ms": 0.0, "generation_ms": 0.0, "validation_ms": 0.0})

    def elapsed_ms(self) -> float:
        return (time.monotonic() - self.started) * 1000


class _AttemptBudget:
    """tenacity retry predicate: invalid answers and unavailability have separate budgets.

    Unavailability is retried `unavailable_retries` times, or, with `unavailable_seconds`,
    for that long (a restarting inference service takes 20-60 s)."""

    def __init__(self, invalid_retries: int, unavailable_retries: int,
                 unavailable_seconds: float | None = None):
        self.left = {"invalid": invalid_retries, "unavailable": unavailable_retries}
        self.unavailable_until = (time.monotonic() + unavailable_seconds
                                  if unavailable_seconds is not None else None)

    def __call__(self, retry_state) -> bool:
        error = retry_state.outcome.exception()
        if isinstance(error, InvalidOutput):
            kind = "invalid"
        elif isinstance(error, RouteError) and error.cause == "unavailable":
            kind = "unavailable"
            if self.unavailable_until is not None:
                return time.monotonic() < self.unavailable_until
        else:
            return False
        if self.left[kind] <= 0:
            return False
        self.left[kind] -= 1
        return True


class Extractor:
    def __init__(self, settings: RouterSettings, replicas: Replicas,
                 cloud: CloudClient | None, stats: Stats, checker: AnswerChecker):
        self.settings = settings
        self.replicas = replicas
        self.cloud = cloud
        self.stats = stats
        self.checker = checker

    async def analyze(self, content: str) -> tuple[Decision, Placement | None]:
        s = self.settings
        decision = decide(await count_tokens_async(content), s.token_threshold,
                          s.thinking_below, s.primary_below)
        if not decision.use_local:
            decision.model = self.cloud.model if self.cloud else ""
            if self.cloud is None:
                decision.reasoning += f"; {NO_CLOUD}"
            return decision, None
        placement = self.replicas.place(decision.tier)
        choice = placement.choice
        decision.model = (placement.replica.policy.resident_model if not choice.allow_switch
                          else f"the {choice.tier} tier's model")
        decision.reasoning += f"; {choice.note}"
        return decision, placement

    async def extract(self, content: str, request_id: str, time_left: TimeLeft,
                      wanted: frozenset[str] | None = None) -> AsyncIterator[pb.ExtractStreamResponse]:
        """`wanted`: the fields to extract (None: all); the rest come back empty and cost
        the local model a few tokens each instead of a generation."""
        run = Run(request_id=request_id, started=time.monotonic(), wanted=wanted)
        self.stats.requests += 1
        outcome = "failed"
        try:
            run.decision, placement = await self.analyze(content)
            run.timings["decision_ms"] = run.elapsed_ms()
            run.ahead = self.checker.read_ahead(content, wanted)  # while the model generates
            yield pb.ExtractStreamResponse(decision=decision_proto(run.decision))
            if placement is not None:
                async for event in self._local_or_fallback(run, content, placement, time_left):
                    yield event
            if run.job is None:
                if self.cloud is None:
                    raise ExtractionFailed(
                        "cloud_not_configured",
                        f"the posting is {run.decision.token_count} tokens, above the "
                        f"{run.decision.threshold}-token local threshold, and {NO_CLOUD}")
                async for event in self._cloud(run, content, time_left):
                    yield event
            for note in run.notes:
                run.decision.reasoning += f"; {note}"
            if self.settings.log_content and run.notes:  # debug only: notes quote the posting
                log.info("extract %s grounding: %s", request_id, "; ".join(run.notes))
            self.stats.salaries_dropped += run.salary_dropped
            self.stats.succeed(run.route == pb.ROUTE_LOCAL,
                               run.decision.tier if run.route == pb.ROUTE_LOCAL else None,
                               run.elapsed_ms())
            outcome = "ok"
            yield pb.ExtractStreamResponse(result=extract_response(
                run, self.cloud.model if run.route == pb.ROUTE_CLOUD else None))
        except ExtractionFailed as e:
            outcome = f"{e.cause}: {e.message}"
            raise
        finally:
            if outcome != "ok":
                self.stats.failed += 1
            d = run.decision
            log.info("extract %s route=%s tier=%s tokens=%s attempts=%d fallback=%r "
                     "total_ms=%.0f first_token_ms=%.0f outcome=%s", request_id,
                     pb.Route.Name(run.route), d.tier if d else None,
                     d.token_count if d else None, run.attempts, run.fallback_reason,
                     run.elapsed_ms(), run.timings["first_token_ms"], outcome)

    # ---- routes ------------------------------------------------------------------------

    async def _local_or_fallback(self, run: Run, content: str, placement: Placement,
                                 time_left: TimeLeft) -> AsyncIterator[pb.ExtractStreamResponse]:
        s = self.settings
        # With a cloud to fall back on, a few quick retries; without, wait for inference.
        wait = None if self.cloud is not None else s.local_unavailable_wait_seconds
        try:
            async for event in self._attempts(
                    run, pb.ROUTE_LOCAL, content,
                    self._local_generator(run, placement, time_left),
                    s.local_attempts, s.local_unavailable_retries, time_left, wait):
                yield event
        except RouteError as e:
            if e.cause == "deadline" or self.cloud is None:
                suffix = "" if e.cause == "deadline" else f"; {NO_CLOUD}"
                raise ExtractionFailed(e.cause, f"local route: {e.message}{suffix}")
            run.fallback_reason = f"{e.cause}: {e.message}"
            self.stats.fallbacks[e.cause] += 1
            log.info("extract %s falls back to the cloud: %s", run.request_id,
                     run.fallback_reason)

    def _local_generator(self, run: Run, placement: Placement, time_left: TimeLeft):
        async def generate(messages, answer: _Answer) -> AsyncIterator[str]:
            nonlocal placement
            if run.attempts > 1:  # a retry: a replica may have switched, restarted or died
                await self.replicas.refresh()
                placement = self.replicas.place(run.decision.tier)
            replica, choice = placement.replica, placement.choice
            if replica is None:  # the retry loop waits for one, as for a restarting one
                raise RouteError("unavailable", choice.note)
            replica.policy.started()
            try:
                stream = replica.client.generate(
                    attempt_id(run.request_id), messages, choice.tier,
                    choice.allow_switch, schema_text(wanted=run.wanted),
                    self.settings.local_max_tokens, time_left(),
                    self.settings.stream_interval)
                async for response in stream:
                    if response.model:
                        answer.model = response.model
                    if response.delta:
                        answer.text += response.delta
                        yield response.delta
                    if response.finish_reason:
                        answer.finish_reason = pb.FinishReason.Name(response.finish_reason)
                        run.prompt_tokens += response.usage.prompt_tokens
                        run.completion_tokens += response.usage.completion_tokens
                        run.cached_prompt_tokens += response.usage.cached_prompt_tokens
                        run.reasoning_tokens += response.usage.reasoning_tokens
                        run.model_token_count = response.usage.prompt_tokens
            except RouteError as e:
                if e.cause == "unavailable":  # try another replica until a refresh says ok
                    self.replicas.mark_failed(replica)
                raise
            finally:
                replica.policy.finished()
            if answer.model and answer.model != replica.policy.resident_model:
                await self.replicas.refresh_one(replica)
            run.decision.model = answer.model or run.decision.model

        return generate

    async def _cloud(self, run: Run, content: str,
                     time_left: TimeLeft) -> AsyncIterator[pb.ExtractStreamResponse]:
        schema = generation_schema(portable=True)
        budget = self.cloud.budget()  # every call of this job, retries and re-asks together

        async def generate(messages, answer: _Answer) -> AsyncIterator[str]:
            reply = await self.cloud.complete(messages, schema, time_left(), budget)
            answer.text, answer.finish_reason = reply.text, reply.finish_reason
            run.prompt_tokens += reply.prompt_tokens
            run.completion_tokens += reply.completion_tokens
            yield reply.text

        try:
            async for event in self._attempts(run, pb.ROUTE_CLOUD, content, generate,
                                              self.settings.cloud_attempts, 0, time_left):
                yield event
        except RouteError as e:
            raise ExtractionFailed(e.cause, f"cloud route: {e.message}") from None

    async def _attempts(self, run: Run, route: int, content: str, generate,
                        invalid_attempts: int, unavailable_retries: int,
                        time_left: TimeLeft, unavailable_seconds: float | None = None,
                        ) -> AsyncIterator[pb.ExtractStreamResponse]:
        """Generate until an answer validates and is grounded in `content`; every try is
        announced as an attempt."""
        messages = prompt.messages(content)
        left = time_left()
        budget = _AttemptBudget(invalid_attempts - 1, unavailable_retries, unavailable_seconds)
        retrying = AsyncRetrying(
            retry=budget,
            stop=stop_before_delay(left) if left is not None else stop_never,
            wait=wait_exponential(multiplier=0.2, max=2), reraise=True)
        run.route = route
        reason = "first attempt" if run.attempts == 0 else f"after: {run.fallback_reason}"
        try:
            async for attempt in retrying:
                # The attempt's failure is handed to tenacity outside the streaming body, so
                # a cancelled call (CancelledError, GeneratorExit) is never retried.
                failure: Exception | None = None
                run.attempts += 1
                yield pb.ExtractStreamResponse(attempt=pb.AttemptStarted(
                    attempt=run.attempts, route=route, reason=reason))
                answer = _Answer()
                generation_started = time.monotonic()
                try:
                    async for delta in generate(messages, answer):
                        if not run.timings["first_token_ms"]:
                            run.timings["first_token_ms"] = run.elapsed_ms()
                        yield pb.ExtractStreamResponse(delta=delta)
                except RouteError as e:
                    failure, reason = e, f"retrying after: {e.message}"
                finally:
                    run.timings["generation_ms"] += (time.monotonic() - generation_started) * 1000
                if failure is None:
                    validation_started = time.monotonic()
                    try:
                        checked = await self.checker.check(answer.text, content, run.wanted,
                                                           run.ahead)
                        run.job, run.notes = checked.job, checked.notes
                        run.salary_dropped = checked.salary_dropped
                    except InvalidOutput as e:
                        if answer.finish_reason.upper().endswith("LENGTH"):
                            e = InvalidOutput(f"the answer was cut off at the token limit; {e}")
                        messages = prompt.repair(messages, answer.text, str(e))
                        failure, reason = e, f"previous answer rejected: {e}"
                    run.timings["validation_ms"] += (time.monotonic() - validation_started) * 1000
                with attempt:
                    if failure is not None:
                        raise failure
        except InvalidOutput as e:
            raise RouteError("invalid_output", f"no valid answer after {invalid_attempts} "
                                               f"attempt(s); last problem: {e}") from None
        except CheckOverran as e:  # another route's answer would need the same check
            raise ExtractionFailed("check_overran", f"{e}; the posting's text is too costly "
                                                    f"to check (shorten it)") from None
        except CheckFailed as e:
            raise ExtractionFailed("unavailable", str(e)) from None
        finally:
            self.stats.validation_retries += (invalid_attempts - 1) - budget.left["invalid"]

    # ---- resident model ----------------------------------------------------------------

    async def refresh_resident(self) -> bool:
        """Ask every replica what it holds; True when one has a model ready."""
        return await self.replicas.refresh()
