"""The cloud route: any OpenAI-compatible chat completions API, JSON-schema constrained.

Transient failures (429, 5xx, timeouts, dropped connections) are retried with jittered
exponential backoff that honours Retry-After (capped). Messages never carry the API key.
"""

from __future__ import annotations

import email.utils
import logging
import time
from dataclasses import dataclass

import openai
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


class CloudClient:
    def __init__(self, settings: RouterSettings):
        self.model = settings.cloud_model
        self.attempts = settings.cloud_attempts
        self.timeout = settings.cloud_timeout_seconds
        self.max_tokens = settings.cloud_max_tokens
        self.max_retry_after = settings.cloud_max_retry_after_seconds
        self._client = openai.AsyncOpenAI(
            api_key=settings.openai_api_key.get_secret_value(),
            base_url=settings.openai_base_url, max_retries=0, timeout=self.timeout)

    async def complete(self, messages: list[dict[str, str]], schema: dict,
                       time_left: float | None) -> CloudAnswer:
        """One validated-schema completion, retried on transient failures within time_left."""
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
                    return await self._once(messages, schema, timeout)
        except openai.AuthenticationError:
            raise RouteError("misconfigured", "the cloud API rejected the configured key "
                                              "(HTTP 401)") from None
        except (openai.PermissionDeniedError, openai.NotFoundError, openai.BadRequestError) as e:
            raise RouteError("misconfigured", f"the cloud API refused the request "
                                              f"({_describe(e)}) for model {self.model}") from None
        except openai.OpenAIError as e:
            raise RouteError("unavailable", f"the cloud API failed: {_describe(e)}") from None

    async def _once(self, messages, schema, timeout: float) -> CloudAnswer:
        if timeout <= 0:
            raise RouteError("deadline", "no time left for the cloud call")
        completion = await self._client.chat.completions.create(
            model=self.model, messages=messages, temperature=0, max_tokens=self.max_tokens,
            response_format={"type": "json_schema", "json_schema": {
                "name": "job_posting", "schema": schema, "strict": True}},
            timeout=timeout)
        choice = completion.choices[0]
        usage = completion.usage
        return CloudAnswer(choice.message.content or "",
                           usage.prompt_tokens if usage else 0,
                           usage.completion_tokens if usage else 0,
                           choice.finish_reason or "")

    async def close(self) -> None:
        await self._client.close()
