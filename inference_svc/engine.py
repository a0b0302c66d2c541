"""The one resident model: a vLLM AsyncLLM engine, its admission bound, and model switching.

AsyncLLM (not the blocking `LLM.generate`) batches concurrent requests continuously and
streams; a cancelled caller aborts its engine request. A switch stops admitting, lets
in-flight work finish within a grace period (then aborts it), shuts the engine down (its
worker processes exit, freeing their memory) and starts the next one. If the new model
fails to start, the previous one is started again; if that fails too, the host is FAILED
with the reason visible in `info()`.
"""

from __future__ import annotations

import asyncio
import logging
import time
from contextlib import aclosing
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any, Protocol

from jobextract.contract import CONTEXT_EXCEEDED
from inference_svc.device import free_device_memory
from inference_svc.engine_params import engine_kwargs, sampling_params
from inference_svc.metrics import ADMISSION_REFUSED, SWITCH_SECONDS
from inference_svc.errors import Aborted, BadPrompt, LoadFailed, NotReady, Overloaded, WrongModel
from inference_svc.reasoning import ReasoningFilter
from inference_svc.registry import ModelSpec, check_checkpoint, tiers_of
from inference_svc.requests import GenerationJob

log = logging.getLogger(__name__)


class Engine(Protocol):
    """What ModelHost uses of vLLM's AsyncLLM: a subset of vLLM's own EngineClient
    protocol (vllm/engine/protocol.py), so nothing else here depends on the engine class."""

    def generate(self, prompt: Any, sampling_params: Any,
                 request_id: str) -> AsyncIterator[Any]: ...

    async def abort(self, request_id: str | list[str]) -> None: ...

    def get_tokenizer(self) -> Any: ...

    def get_num_unfinished_requests(self) -> int: ...

    def shutdown(self) -> None: ...


def start_engine(spec: ModelSpec, download_dir: Path | None) -> Engine:
    """A running vLLM AsyncLLM for `spec` (blocks for the whole start-up)."""
    from vllm.engine.arg_utils import AsyncEngineArgs
    from vllm.v1.engine.async_llm import AsyncLLM

    return AsyncLLM.from_engine_args(AsyncEngineArgs(**engine_kwargs(spec, download_dir)))


def render_prompt(tokenizer, spec: ModelSpec, job: GenerationJob) -> list[int]:
    """The job's messages as prompt token ids, through the model's own chat template.

    Message contents are plain text: a posting that writes `<|im_start|>system` gets those
    characters as text, never the control tokens, so it cannot open a turn of its own. The
    template is rendered with a placeholder per message; the template's own text is
    encoded with its special tokens, each content with special tokens split into text.
    """
    options = {}
    thinking = job.enable_thinking if job.enable_thinking is not None else spec.enable_thinking
    if thinking is not None:
        options["enable_thinking"] = thinking
    marks = [f"\ue000{i}\ue001" for i in range(len(job.messages))]
    shells = [{**m, "content": mark} for m, mark in zip(job.messages, marks)]
    text = tokenizer.apply_chat_template(shells, tokenize=False, add_generation_prompt=True,
                                         **options)
    ids: list[int] = []
    for i, (mark, message) in enumerate(zip(marks, job.messages)):
        before, found, text = text.partition(mark)
        if not found or mark in text:
            raise BadPrompt(f"the chat template of {spec.name} does not keep messages[{i}] "
                            f"whole; cannot render it safely")
        ids += tokenizer.encode(before, add_special_tokens=False)
        ids += tokenizer.encode(message["content"], add_special_tokens=False,
                                split_special_tokens=True)
    return ids + tokenizer.encode(text, add_special_tokens=False)


class State(str, Enum):
    LOADING = "loading"
    READY = "ready"
    FAILED = "failed"


@dataclass
class Chunk:
    """One streamed piece of a generation; the last one has `finish_reason`."""

    text: str
    finish_reason: str | None = None
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cached_prompt_tokens: int = 0     # prefix-cache hits (the fixed prompt, computed once)


@dataclass
class _Active:
    model: str
    abort_reason: str | None = None
    done: asyncio.Event = field(default_factory=asyncio.Event)


class _Average:
    """Exponentially weighted mean of recent values (0 until the first)."""

    def __init__(self, weight: float = 0.2):
        self.weight, self.value, self._seen = weight, 0.0, False

    def add(self, x: float) -> None:
        self.value = x if not self._seen else self.value + self.weight * (x - self.value)
        self._seen = True


@dataclass
class SwitchResult:
    switched: bool
    seconds: float
    aborted: int


class ModelHost:
    """Owns the resident engine. All engine access goes through here."""

    def __init__(self, registry: dict[str, ModelSpec], max_pending: int | None,
                 default_max_tokens: int, switch_grace_seconds: float,
                 on_serving: Callable[[bool], Awaitable[None]],
                 download_dir: Path | None = None):
        self.registry = registry
        self.download_dir = download_dir
        self.max_pending = max_pending
        self.default_max_tokens = default_max_tokens
        self.switch_grace_seconds = switch_grace_seconds
        self._on_serving = on_serving
        self.spec: ModelSpec | None = None
        self.state = State.LOADING
        self.reason = "starting"
        self.load_seconds = 0.0
        self.requests_served = 0
        self.switches = 0
        self._engine: Engine | None = None
        self._active: dict[str, _Active] = {}
        self._seconds_per_request = _Average()
        self._switch_lock = asyncio.Lock()

    # ---- model lifecycle ---------------------------------------------------------------

    async def load(self, spec: ModelSpec, grace_seconds: float | None = None) -> SwitchResult:
        """Make `spec` resident. Idempotent; serialised with other loads.

        The switch runs to its end even when the caller goes away (a deadline, a cancelled
        call): half a switch would leave no engine and a state that says LOADING forever.
        It ends READY (the new model, or the previous one restored) or FAILED, which the
        next load retries.
        """
        switch = asyncio.ensure_future(self._load(spec, grace_seconds))
        switch.add_done_callback(_log_unawaited_failure)
        return await asyncio.shield(switch)

    async def _load(self, spec: ModelSpec, grace_seconds: float | None) -> SwitchResult:
        async with self._switch_lock:
            if self.spec == spec and self.state == State.READY:
                return SwitchResult(switched=False, seconds=0.0, aborted=0)
            try:
                check_checkpoint(spec)
            except LoadFailed as e:
                if self.state != State.READY:  # nothing resident to keep serving
                    await self._set_state(State.FAILED, e.message)
                raise
            started = time.monotonic()
            previous = self.spec if self.state == State.READY else None
            await self._set_state(State.LOADING, f"loading {spec.name}")
            aborted = await self._drain(self.switch_grace_seconds if grace_seconds is None
                                        else grace_seconds, reason=f"switching to {spec.name}")
            await self._stop_engine()
            try:
                await self._start_engine(spec)
            except Exception as e:  # noqa: BLE001 - any start failure is reported, not raised raw
                reason = f"loading {spec.name} failed: {_describe(e)}"
                log.error(reason)
                if previous is not None:
                    try:
                        await self._start_engine(previous)
                    except Exception as e2:  # noqa: BLE001
                        reason += f"; restoring {previous.name} failed too: {_describe(e2)}"
                        await self._set_state(State.FAILED, reason)
                        raise LoadFailed(reason) from e
                    self.reason = reason + f"; {previous.name} restored"
                    raise LoadFailed(self.reason) from e
                await self._set_state(State.FAILED, reason)
                raise LoadFailed(reason) from e
            if previous is not None:
                self.switches += 1
            seconds = time.monotonic() - started
            SWITCH_SECONDS.observe(seconds)
            log.info("model %s resident after %.1f s (engine start %.1f s, %d aborted)",
                     spec.name, seconds, self.load_seconds, aborted)
            return SwitchResult(switched=True, seconds=seconds, aborted=aborted)

    async def _start_engine(self, spec: ModelSpec) -> None:
        started = time.monotonic()
        # Engine start blocks for tens of seconds: keep the event loop (health, info) live.
        self._engine = await asyncio.to_thread(start_engine, spec, self.download_dir)
        self.spec = spec
        self.load_seconds = time.monotonic() - started
        await self._set_state(State.READY, "")

    async def _stop_engine(self) -> None:
        engine, self._engine = self._engine, None
        if engine is not None:
            await asyncio.to_thread(engine.shutdown)
            del engine
            free_device_memory()

    async def _drain(self, grace_seconds: float, reason: str) -> int:
        """Wait for in-flight requests up to `grace_seconds`, then abort the rest.

        Callers have set the state away from READY first, so nothing new is admitted.
        """
        pending = list(self._active.values())
        if pending:
            log.info("draining %d in-flight request(s) for up to %.0f s (%s)",
                     len(pending), grace_seconds, reason)
            await asyncio.wait([asyncio.create_task(a.done.wait()) for a in pending],
                               timeout=grace_seconds)
        left = [rid for rid, a in self._active.items() if not a.done.is_set()]
        if left and self._engine is not None:
            for rid in left:
                self._active[rid].abort_reason = reason
            await self._engine.abort(left)
            await asyncio.wait([asyncio.create_task(self._active[r].done.wait())
                                for r in left if r in self._active], timeout=5)
        return len(left)

    async def shutdown(self, grace_seconds: float) -> None:
        async with self._switch_lock:
            await self._set_state(State.LOADING, "shutting down")
            await self._drain(grace_seconds, reason="service shutting down")
            await self._stop_engine()

    async def _set_state(self, state: State, reason: str) -> None:
        self.state, self.reason = state, reason
        await self._on_serving(state == State.READY)

    # ---- generation --------------------------------------------------------------------

    async def generate(self, job: GenerationJob) -> AsyncIterator[Chunk]:
        """Stream `job` on the resident model (switching first when the job allows it)."""
        from vllm.exceptions import VLLMClientError
        from vllm.inputs import TokensPrompt

        await self._ensure_model(job)
        spec, engine = self.spec, self._engine
        active = self._admit(job, spec)
        started = time.monotonic()
        try:
            prompt_ids = await asyncio.to_thread(render_prompt, engine.get_tokenizer(), spec, job)
            try:
                params = sampling_params(job, self._max_tokens(spec, job, len(prompt_ids)))
            except (ValueError, VLLMClientError) as e:
                raise BadPrompt(f"invalid sampling options: {_describe(e)}") from None
            reasoning = ReasoningFilter() if spec.reasoning_parser else None
            completion = 0
            stream = engine.generate(TokensPrompt(prompt_token_ids=prompt_ids), params,
                                     job.request_id)
            async with aclosing(stream):
                async for out in self._engine_errors(stream):
                    piece = out.outputs[0]
                    completion += len(piece.token_ids)
                    text = reasoning.feed(piece.text) if reasoning else piece.text
                    if not out.finished:
                        if text:
                            yield Chunk(text)
                        continue
                    if piece.finish_reason == "abort" and active.abort_reason:
                        raise Aborted(f"request aborted: {active.abort_reason}")
                    self.requests_served += 1
                    self._seconds_per_request.add(time.monotonic() - started)
                    yield Chunk(text, piece.finish_reason or "stop", len(prompt_ids), completion,
                                out.num_cached_tokens or 0)
                    return
        finally:
            active.done.set()
            self._active.pop(job.request_id, None)

    async def _engine_errors(self, stream):
        """The engine's request rejections become BadPrompt; a dead engine fails the host."""
        from vllm.exceptions import VLLMClientError
        from vllm.v1.engine.exceptions import EngineDeadError

        try:
            async for out in stream:
                yield out
        except (ValueError, VLLMClientError) as e:  # e.g. a schema the grammar cannot compile
            raise BadPrompt(f"the engine rejected the request: {_describe(e)}") from None
        except EngineDeadError as e:
            await self._set_state(State.FAILED, f"engine died: {_describe(e)}")
            raise NotReady(f"the engine died: {_describe(e)}") from None

    async def _ensure_model(self, job: GenerationJob) -> None:
        wanted = job.wanted
        if wanted is None or (wanted == self.spec and self.state == State.READY):
            if self.state != State.READY:
                raise NotReady(f"no model is ready ({self.state.value}: {self.reason})")
            return
        if not job.allow_switch:
            if self.state != State.READY:  # loading or failed: a retry may find it ready
                raise NotReady(f"{wanted.name} is not ready ({self.state.value}: {self.reason})")
            resident = self.spec.name if self.spec else "none"
            raise WrongModel(f"{wanted.name} is not resident (resident model: {resident}, "
                             f"{self.state.value}); set allow_switch or call LoadModel")
        await self.load(wanted)
        if self.spec != wanted or self.state != State.READY:
            raise NotReady(f"{wanted.name} was replaced before this request could run; retry")

    def pending_limit(self, spec: ModelSpec) -> int:
        return self.max_pending or 4 * spec.max_num_seqs

    def _admit(self, job: GenerationJob, spec: ModelSpec) -> _Active:
        """Admit `job` or refuse it at once: not ready, a duplicate id, the queue full, or a
        queue so long that the job would not start before its caller's deadline."""
        if self.state != State.READY or self._engine is None:
            raise NotReady(f"not accepting requests ({self.state.value}: {self.reason})")
        if job.request_id in self._active:
            raise BadPrompt(f"request_id {job.request_id!r} is already in flight")
        limit = self.pending_limit(spec)
        if len(self._active) >= limit:
            ADMISSION_REFUSED.labels("full").inc()
            raise Overloaded(f"{len(self._active)} requests queued or running, the limit is "
                             f"{limit}; retry later")
        wait = self.expected_wait(spec)
        if job.time_left is not None and wait > job.time_left:
            ADMISSION_REFUSED.labels("deadline").inc()
            raise Overloaded(f"{len(self._active)} requests are ahead and the engine runs "
                             f"{spec.max_num_seqs} at once: this one would start in about "
                             f"{wait:.0f} s, after its deadline ({job.time_left:.0f} s left)")
        active = self._active[job.request_id] = _Active(model=spec.name)
        return active

    def expected_wait(self, spec: ModelSpec) -> float:
        """Seconds until a new request would start running: the rounds of requests ahead
        of it that must finish first, at the recent time per request."""
        ahead = len(self._active) - spec.max_num_seqs + 1
        if ahead <= 0:
            return 0.0
        rounds = -(-ahead // spec.max_num_seqs)
        return rounds * self._seconds_per_request.value

    def _max_tokens(self, spec: ModelSpec, job: GenerationJob, prompt_tokens: int) -> int:
        room = spec.max_model_len - prompt_tokens
        if job.max_tokens is None:
            if room < 1:
                raise BadPrompt(f"the prompt is {prompt_tokens} tokens: it does not fit the "
                                f"{spec.max_model_len}-token context of {spec.name}",
                                reason=CONTEXT_EXCEEDED)
            return min(self.default_max_tokens, room)
        if job.max_tokens > room:
            raise BadPrompt(f"the prompt is {prompt_tokens} tokens and max_tokens is "
                            f"{job.max_tokens}: together more than the {spec.max_model_len}-token "
                            f"context of {spec.name}", reason=CONTEXT_EXCEEDED)
        return job.max_tokens

    # ---- introspection -----------------------------------------------------------------

    def tiers(self) -> list[str]:
        return tiers_of(self.registry, self.spec) if self.spec else []

    @property
    def active_requests(self) -> int:
        return len(self._active)

    def engine_unfinished_requests(self) -> int:
        return self._engine.get_num_unfinished_requests() if self._engine is not None else 0


def _log_unawaited_failure(task: asyncio.Task) -> None:
    """A switch whose caller left still reports how it ended (and its exception is read)."""
    if not task.cancelled() and task.exception() is not None:
        log.info("model switch ended with: %s", _describe(task.exception()))


def _describe(e: BaseException) -> str:
    """One line: the exception's last meaningful line (pydantic ends with a docs link)."""
    lines = [line.strip() for line in str(e).splitlines()
             if line.strip() and not line.strip().startswith("For further information")]
    return f"{type(e).__name__}: {lines[-1] if lines else ''}"[:500]
