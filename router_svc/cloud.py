"""The cloud route: any OpenAI-compatible chat completions API, JSON-schema constrained.

Transient failures (429, 5xx, timeouts, dropped connections) are retried with jittered
exponential backoff that honours Retry-After (capped). Messages never carry the API key.

Spending is bounded: each job may make a fixed number of HTTP calls (retries and re-asks
together), only so many calls run at once, and consecutive failures open a breaker that
refuses calls for a while (then lets one call test the API). Only the provider's failures
count toward the breaker (5xx, 429, dropped connections, its own timeouts): a cancelled call,
the caller's deadline or a rejected request (400) says nothing about the API, and must not
shut the cloud off for everyone. Tokens and cost are counted.
"""

from __future__ import annotations

import email.utils
import logging
import re
import time
from dataclasses import dataclass

import openai
from openai.types.chat import ChatCompletion
from tenacity import (AsyncRetrying, retry_if_exception, stop_after_attempt, stop_before_delay,
                      wait_exponential_jitter)

from router_svc.config import RouterSettings
from router_svc.errors import RouteError

log = logging.getLogger(__name__)


@dataclass
class CloudAnswer:
    text: str
    prompt_tokens: int
    completion_tokens: int
    finish_reason: str


def _transient(e: BaseException) -> bool:
    return isinstance(e, (openai.RateLimitError, openai.InternalServerError,
                          openai.APIConnectionError)) or (
        isinstance(e, openai.APIStatusError) and e.status_code >= 500)


# How providers say a prompt is too long: OpenAI's code context_length_exceeded, vLLM's
# "This model's maximum context length is ...".
_CONTEXT_EXCEEDED = re.compile(r"context[ _]length", re.IGNORECASE)


def _request_refused(e: openai.APIStatusError) -> RouteError:
    """A 400 or 422 refuses this request (its length, its content), not the service's key or
    model: the caller is told so, not that the service is misconfigured. The provider's
    message is kept (shortened: it ends up in a gRPC status)."""
    said = e.message[:300]
    if _CONTEXT_EXCEEDED.search(f"{e.code} {said}"):
        return RouteError("context", f"the posting does not fit the cloud model's context "
                                     f"({said})")
    return RouteError("rejected", f"the cloud API rejected the request ({said})")


def retry_after_seconds(e: BaseException) -> float | None:
    """Seconds asked for by a Retry-After (or retry-after-ms) header, if any."""
    response = getattr(e, "response", None)
    if response is None:
        return None
    headers = response.headers
    if (ms := headers.get("retry-after-ms")) is not None:
        try:
            return float(ms) / 1000
        except ValueError:
            pass
    value = headers.get("retry-after")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        parsed = email.utils.parsedate_to_datetime(value) if value else None
        return max(0.0, parsed.timestamp() - time.time()) if parsed else None


class _WaitHonouringRetryAfter:
    def __init__(self, cap: float):
        self.backoff = wait_exponential_jitter(multiplier=0.5, max=8, jitter=0.5)
        self.cap = cap

    def __call__(self, retry_state) -> float:
        wait = self.backoff(retry_state)
        asked = retry_after_seconds(retry_state.outcome.exception())
        return min(max(wait, asked), self.cap) if asked is not None else wait


def _describe(e: BaseException) -> str:
    if isinstance(e, openai.APIStatusError):
        return f"HTTP {e.status_code}"
    if isinstance(e, openai.APITimeoutError):
        return "timed out"
    if isinstance(e, openai.APIConnectionError):
        return "connection failed"
    return type(e).__name__


@dataclass
class CloudUsage:
    calls: int = 0
    failed_calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost: float = 0.0
    breaker_refusals: int = 0
    capped: int = 0


class Breaker:
    """Closed until `failures` consecutive calls fail; then open for `seconds`, after which
    one call at a time may test the API (half-open) until one succeeds.

    A call that tells nothing about the API (cancelled, cut short by the caller's deadline,
    refused for its own content) is recorded as None: it neither counts nor resets the
    count, and frees the half-open test for the next call."""

    def __init__(self, failures: int, seconds: float, clock=time.monotonic):
        self.limit, self.seconds, self.clock = failures, seconds, clock
        self.failures = 0
        self.open_until = 0.0
        self._testing = False

    @property
    def open(self) -> bool:
        return self.failures >= self.limit

    def refusal(self) -> str | None:
        """Why a call may not go now, or None (and a half-open test call is taken)."""
        if not self.open:
            return None
        left = self.open_until - self.clock()
        if left > 0 or self._testing:
            return (f"the cloud API failed {self.failures} times in a row; calls resume in "
                    f"{max(left, 0):.0f} s (ROUTER_CLOUD_BREAKER_SECONDS)")
        self._testing = True
        return None

    def record(self, ok: bool | None) -> None:
        self._testing = False
        if ok is None:
            return
        if ok:
            self.failures = 0
            return
        self.failures += 1
        if self.open:
            self.open_until = self.clock() + self.seconds


class CallBudget:
    """HTTP calls one job may still make on the cloud route."""

    def __init__(self, calls: int):
        self.left = calls


class CloudClient:
    def __init__(self, settings: RouterSettings):
        self.model = settings.cloud_model
        self.attempts = settings.cloud_attempts
        self.timeout = settings.cloud_timeout_seconds
        self.max_tokens = settings.cloud_max_tokens
        self.max_retry_after = settings.cloud_max_retry_after_seconds
        self.calls_per_job = settings.cloud_max_calls_per_job
        self.max_concurrent = settings.cloud_max_concurrent
        self.prices = (settings.cloud_price_input_per_mtok, settings.cloud_price_output_per_mtok)
        self.breaker = Breaker(settings.cloud_breaker_failures, settings.cloud_breaker_seconds)
        self.usage = CloudUsage()
        self.in_flight = 0
        self._client = openai.AsyncOpenAI(
            api_key=settings.openai_api_key.get_secret_value(),
            base_url=settings.openai_base_url, max_retries=0, timeout=self.timeout)
        # openai imports its resources and response types on first use: done here, at start,
        # not inside the first job's call, where it held the event loop (and health) ~0.1 s.
        self._client.chat.completions  # noqa: B018
        ChatCompletion.model_validate({"id": "", "object": "chat.completion", "created": 0,
                                       "model": "", "choices": []})

    def budget(self) -> CallBudget:
        return CallBudget(self.calls_per_job)

    async def complete(self, messages: list[dict[str, str]], schema: dict,
                       time_left: float | None, budget: CallBudget) -> CloudAnswer:
        """One validated-schema completion, retried on transient failures within time_left
        and the job's call budget."""
        stop = stop_after_attempt(self.attempts)
        if time_left is not None:  # the caller's deadline bounds retries and each call
            stop = stop | stop_before_delay(time_left)
        retrying = AsyncRetrying(
            stop=stop,
            wait=_WaitHonouringRetryAfter(self.max_retry_after),
            retry=retry_if_exception(_transient), reraise=True)
        started = time.monotonic()
        try:
            async for attempt in retrying:
                with attempt:
                    if attempt.retry_state.attempt_number > 1:
                        log.info("cloud retry %d", attempt.retry_state.attempt_number)
                    timeout = self.timeout if time_left is None else min(
                        self.timeout, time_left - (time.monotonic() - started))
                    return await self._guarded(messages, schema, timeout, budget)
        except openai.AuthenticationError:
            raise RouteError("misconfigured", "the cloud API rejected the configured key "
                                              "(HTTP 401)") from None
        except (openai.PermissionDeniedError, openai.NotFoundError) as e:
            raise RouteError("misconfigured", f"the cloud API refused the request "
                                              f"({_describe(e)}) for model {self.model}") from None
        except (openai.BadRequestError, openai.UnprocessableEntityError) as e:
            raise _request_refused(e) from None
        except openai.OpenAIError as e:
            raise RouteError("unavailable", f"the cloud API failed: {_describe(e)}") from None

    async def _guarded(self, messages, schema, timeout: float,
                       budget: CallBudget) -> CloudAnswer:
        """One HTTP call, if the job's budget, the concurrency cap and the breaker allow it."""
        if timeout <= 0:
            raise RouteError("deadline", "no time left for the cloud call")
        if budget.left <= 0:
            raise RouteError("exhausted", f"the job has made its {self.calls_per_job} cloud "
                                          f"calls (ROUTER_CLOUD_MAX_CALLS_PER_JOB)")
        if self.in_flight >= self.max_concurrent:
            self.usage.capped += 1
            raise RouteError("busy", f"{self.in_flight} cloud calls in flight, the limit is "
                                     f"{self.max_concurrent} (ROUTER_CLOUD_MAX_CONCURRENT)")
        if (why := self.breaker.refusal()) is not None:
            self.usage.breaker_refusals += 1
            raise RouteError("unavailable", why)
        budget.left -= 1
        self.in_flight += 1
        self.usage.calls += 1
        ok: bool | None = None  # for the breaker; None: the call says nothing of the API
        try:
            answer = await self._once(messages, schema, timeout)
            ok = True
            return answer
        except openai.APITimeoutError:
            if timeout < self.timeout:  # cut short by the caller's deadline, not the API
                raise RouteError("deadline", f"the caller's deadline ended the cloud call "
                                             f"after {timeout:.1f} s") from None
            ok = False
            raise
        except Exception as e:  # CancelledError (the caller went away) is none: ok stays None
            ok = False if _transient(e) else None
            raise
        finally:
            self.in_flight -= 1
            self.breaker.record(ok)
            self.usage.failed_calls += ok is not True

    async def _once(self, messages, schema, timeout: float) -> CloudAnswer:
        completion = await self._client.chat.completions.create(
            model=self.model, messages=messages, temperature=0, max_tokens=self.max_tokens,
            response_format={"type": "json_schema", "json_schema": {
                "name": "job_posting", "schema": schema, "strict": True}},
            timeout=timeout)
        choice = completion.choices[0]
        usage = completion.usage
        answer = CloudAnswer(choice.message.content or "",
                             usage.prompt_tokens if usage else 0,
                             usage.completion_tokens if usage else 0,
                             choice.finish_reason or "")
        self.usage.prompt_tokens += answer.prompt_tokens
        self.usage.completion_tokens += answer.completion_tokens
        self.usage.cost += (answer.prompt_tokens * self.prices[0]
                            + answer.completion_tokens * self.prices[1]) / 1e6
        return answer

    async def close(self) -> None:
        await self._client.close()
