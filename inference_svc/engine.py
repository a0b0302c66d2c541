"""The one resident model: a vLLM AsyncLLM engine, its admission bound, and model switching.

AsyncLLM (not the blocking `LLM.generate`) batches concurrent requests continuously and
streams; a cancelled caller aborts its engine request. A switch stops admitting, lets
in-flight work finish within a grace period (then aborts it), puts the engine away and
brings the next one up. Away is a shutdown (reload mode: its worker processes exit and the
service waits until their memory is free) or vLLM's level-1 sleep (sleep mode, GPU: the
weights wait in host memory and a switch back is a wake-up, checked by a one-token
generation). If the new model fails to start, the previous one is brought back; if that
fails too, the host is FAILED with the reason visible in `info()`. A start, wake or sleep
that outlasts its timeout (config.SwitchTimeouts) is such a failure: a wedged engine ends
its switch instead of holding the switch lock, and with it every later switch, forever.
"""

from __future__ import annotations

import asyncio
import copy
import logging
import re
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from contextlib import aclosing, asynccontextmanager
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Protocol

from jobextract.contract import CONTEXT_EXCEEDED
from inference_svc.config import SwitchTimeouts
from inference_svc.device import (CUDA_CONTEXT_BYTES, GPU_RELEASE_SLACK_BYTES,
                                  SLEEPER_RETAINED_ESTIMATE_BYTES, engine_pids, gpu_bytes_of,
                                  gpu_free_bytes, gpu_used_bytes, host_available_bytes,
                                  nvidia_gpus, wait_gpu_free, wait_gpu_released)
from inference_svc.engine_params import engine_kwargs, generation_budget, sampling_params
from inference_svc.environment import checkpoint_weight_bytes
from inference_svc.metrics import (ADMISSION_REFUSED, SWITCH_SECONDS, show_engine_metrics,
                                   vllm_collectors)
from inference_svc.errors import Aborted, BadPrompt, LoadFailed, NotReady, Overloaded, WrongModel
from inference_svc.reasoning import THINK_CLOSE, ReasoningFilter
from inference_svc.registry import ModelSpec, check_checkpoint, tiers_of
from inference_svc.requests import GenerationJob
from inference_svc.switch_mode import SwitchMode

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

    # sleep mode only (vLLM's AsyncLLM has them on every platform; they work on CUDA/ROCm)
    async def sleep(self, level: int = 1) -> None: ...

    async def wake_up(self, tags: list[str] | None = None) -> bool: ...

    @property
    def errored(self) -> bool: ...   # the engine core died: every call raises EngineDeadError


def start_engine(spec: ModelSpec, sleep_mode: bool) -> Engine:
    """A running vLLM AsyncLLM for `spec` (blocks for the whole start-up)."""
    from vllm.engine.arg_utils import AsyncEngineArgs
    from vllm.v1.engine.async_llm import AsyncLLM

    return AsyncLLM.from_engine_args(AsyncEngineArgs(**engine_kwargs(spec, sleep_mode)))


def render_prompt(tokenizer, spec: ModelSpec, job: GenerationJob) -> list[int]:
    """The job's messages as prompt token ids, through the model's own chat template.

    Message contents are plain text: a posting that writes `<|im_start|>system` or
    `</think>` gets those characters as text, never the control tokens, so it cannot open a
    turn or end a reasoning of its own. The template is rendered with a placeholder per
    message; the template's own text is encoded with its tokens, each content as text.
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
        ids += encode_as_text(tokenizer, message["content"])
    return ids + tokenizer.encode(text, add_special_tokens=False)


def encode_as_text(tokenizer, content: str) -> list[int]:
    """Token ids of `content` as plain text. Special tokens are split by the tokenizer;
    added tokens that are not special (Qwen3's `<think>`, `</think>`, `<tool_call>`) would
    still match, so each occurrence is encoded in two pieces that cannot form it."""
    added = [t for t in tokenizer.get_added_vocab() if t and t in content]
    pieces = [content]
    if added:  # split around each occurrence, and each occurrence after its first character
        pattern = "(" + "|".join(re.escape(t) for t in sorted(added, key=len, reverse=True)) + ")"
        pieces = [part for i, piece in enumerate(re.split(pattern, content))
                  for part in ((piece[:1], piece[1:]) if i % 2 else (piece,))]
    return [token for piece in pieces if piece for token in
            tokenizer.encode(piece, add_special_tokens=False, split_special_tokens=True)]


class EngineTimeout(Exception):
    """An engine call outlasted its timeout: the engine may be wedged."""


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
    reasoning_tokens: int = 0         # of completion_tokens, the thinking before the answer


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
    woke: bool = False                # sleep mode: the model was woken, not loaded


@dataclass
class _Footprint:
    """One engine's memory, measured around its start and its sleep. Device readings are
    the whole device's free memory (the switch lock serialises starts, sleeps and
    evictions; NVML lists no processes of a container without the host's PID namespace),
    or the engine's processes' own usage where NVML lists them."""

    free_before_start: int | None = None  # device memory free just before it started
    retained: int | None = None   # device memory it keeps asleep: CUDA context and graphs
    offloaded: int | None = None  # device memory its sleep freed (its wake claims it back)
    host: int | None = None       # host memory its sleep took (pinned copy of its weights)


def _gib(n: float) -> str:
    return f"{n / 2**30:.2f} GiB"


RELOAD = SwitchMode("reload", "")


class ModelHost:
    """Owns the resident engine. All engine access goes through here."""

    def __init__(self, registry: dict[str, ModelSpec], max_pending: int | None,
                 default_max_tokens: int, switch_grace_seconds: float,
                 on_serving: Callable[[bool], Awaitable[None]],
                 switch_mode: SwitchMode = RELOAD, sleep_host_reserve_bytes: int = 0,
                 timeouts: SwitchTimeouts = SwitchTimeouts()):
        self.registry = registry
        self.timeouts = timeouts
        self.switch_mode = switch_mode
        self.sleep_host_reserve_bytes = sleep_host_reserve_bytes
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
        # Sleep mode: engines asleep with their weights in host memory, oldest first.
        self._asleep: dict[ModelSpec, Engine] = {}
        self._pids: dict[int, set[int]] = {}   # id(engine) -> its processes
        self._footprints: dict[int, _Footprint] = {}   # id(engine) -> its memory
        self._vllm_metrics: dict[int, list] = {}   # id(engine) -> its vllm:* collectors
        # Prompts are rendered on one thread, each engine's with a tokenizer of its own:
        # vLLM's tokenizer serves concurrent borrowers by deep-copying itself (about 2 s of
        # the GIL for a Qwen tokenizer), which stalled the event loop under load, so that
        # refusals, health and every stream waited behind it.
        self._render_thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="render")
        self._render_tokenizers: dict[int, Any] = {}   # id(engine) -> its private copy
        self._active: dict[str, _Active] = {}
        self._seconds_per_request = _Average()
        self._switch_lock = asyncio.Lock()
        self._switches: set[asyncio.Task] = set()  # loads running or waiting for the lock

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
        self._switches.add(switch)
        switch.add_done_callback(self._switches.discard)
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
            try:
                await self._put_away(coming=spec)
            except EngineTimeout as e:  # the resident engine hung (now shut down): no restore
                raise await self._fail(f"switching to {spec.name} failed: {e}") from e
            try:
                woke = await self._bring_up(spec)
            except Exception as e:  # noqa: BLE001 - any start failure is reported, not raised raw
                reason = f"loading {spec.name} failed: {_describe(e)}"
                log.error(reason)
                if previous is not None:
                    try:
                        await self._bring_up(previous)
                    except Exception as e2:  # noqa: BLE001
                        raise await self._fail(f"{reason}; restoring {previous.name} failed "
                                               f"too: {_describe(e2)}") from e
                    self.reason = reason + f"; {previous.name} restored"
                    raise LoadFailed(self.reason) from e
                raise await self._fail(reason) from e
            if previous is not None:
                self.switches += 1
            seconds = time.monotonic() - started
            SWITCH_SECONDS.observe(seconds)
            log.info("model %s resident after %.1f s (%s %.1f s, %d aborted)", spec.name,
                     seconds, "woken from sleep" if woke else "engine start",
                     self.load_seconds, aborted)
            return SwitchResult(switched=True, seconds=seconds, aborted=aborted, woke=woke)

    async def _bring_up(self, spec: ModelSpec) -> bool:
        """Make `spec` the resident engine: wake it if it sleeps, else start it. True when
        it was woken."""
        started = time.monotonic()
        engine = await self._wake(spec)
        woke = engine is not None
        if not woke:
            await self._make_room(spec)
            started = time.monotonic()
            engine = await self._start(spec)
        self._engine, self.spec = engine, spec
        show_engine_metrics(self._vllm_metrics.get(id(engine), []))  # a woken engine's again
        self.load_seconds = time.monotonic() - started
        await self._set_state(State.READY, "")
        return woke

    async def _start(self, spec: ModelSpec) -> Engine:
        """A new engine for `spec`, started within the load timeout. The start blocks for
        tens of seconds, so it runs in a thread (health and info stay live); a thread cannot
        be stopped, so an engine that comes up after its switch gave up is shut down then."""
        before, free, shown = engine_pids(), gpu_free_bytes(), vllm_collectors()
        start = asyncio.ensure_future(asyncio.to_thread(start_engine, spec,
                                                        self.switch_mode.mode == "sleep"))
        try:
            async with self._deadline(self.timeouts.load, f"starting {spec.name}"):
                engine = await asyncio.shield(start)
                # Prompts get a tokenizer of their own (see __init__), copied while loading.
                tokenizer = await asyncio.to_thread(copy.deepcopy, engine.get_tokenizer())
        except BaseException:  # timed out, cancelled or failed: the engine has no owner
            start.add_done_callback(self._shut_down_abandoned)
            raise
        self._render_tokenizers[id(engine)] = tokenizer
        self._pids[id(engine)] = engine_pids() - before
        self._footprints[id(engine)] = _Footprint(free_before_start=free)
        # vLLM's stat logger replaced every vllm:* collector with the new engine's own
        self._vllm_metrics[id(engine)] = [c for c in vllm_collectors()
                                          if all(c is not old for old in shown)]
        return engine

    def _shut_down_abandoned(self, start: asyncio.Future) -> None:
        """An engine that came up after its switch gave up on it: no one else owns it. Its
        stat logger has replaced the registry's vllm:* collectors with its own, so the
        resident engine's (none where nothing is resident) are shown again."""
        if start.cancelled() or start.exception() is not None:
            return
        log.warning("an engine came up after its start timed out or was cancelled: "
                    "shutting it down")
        show_engine_metrics(self._vllm_metrics.get(id(self._engine), []))
        asyncio.get_running_loop().run_in_executor(None, start.result().shutdown)

    async def _wake(self, spec: ModelSpec) -> Engine | None:
        """`spec`'s sleeping engine, awake and checked by a one-token generation; None when
        it was not asleep or its wake failed (then it is shut down, to be loaded afresh).
        A wake that times out fails the switch instead: a fresh start on a device that hung
        would most likely hang too."""
        engine = self._asleep.pop(spec, None)
        if engine is None:
            return None
        await self._make_wake_room(spec, engine)
        try:
            async with self._deadline(self.timeouts.wake, f"waking {spec.name}", engine):
                await engine.wake_up()
                await _one_token(engine)  # a wake is only trusted once it has generated
        except EngineTimeout:
            raise
        except Exception as e:  # noqa: BLE001 - a failed wake falls back to a load
            log.warning("waking %s failed (%s): loading it again", spec.name, _describe(e))
            await self._shut_down(engine)
            return None
        return engine

    async def _put_away(self, coming: ModelSpec) -> None:
        """The resident engine leaves: asleep (sleep mode) or shut down. `coming` is the
        model about to be brought up (a sleeper that is not trimmed away)."""
        engine, spec, self._engine = self._engine, self.spec, None
        if engine is None:
            return
        if self.switch_mode.mode == "sleep" and spec is not None \
                and await self._host_room_to_sleep(spec, engine, coming):
            footprint = self._footprints.setdefault(id(engine), _Footprint())
            gpu_before, host_before = gpu_free_bytes(), host_available_bytes()
            try:
                async with self._deadline(self.timeouts.sleep, f"putting {spec.name} to sleep",
                                          engine):
                    await engine.sleep(level=1)
            except EngineTimeout:
                raise
            except Exception as e:  # noqa: BLE001 - a model that cannot sleep is shut down
                log.warning("putting %s to sleep failed (%s): shutting it down",
                            spec.name, _describe(e))
            else:
                self._asleep[spec] = engine
                self._measure_sleep(spec, engine, footprint, gpu_before, host_before)
                # Sleeping weights live in the container's host memory: keep the reserve
                # free (never evicting the model about to wake, which the switch is for).
                await self._evict_sleepers(
                    lambda: host_available_bytes() < self.sleep_host_reserve_bytes,
                    "host memory low", keep=coming)
                return
        await self._shut_down(engine)

    async def _host_room_to_sleep(self, spec: ModelSpec, engine: Engine,
                                  coming: ModelSpec) -> bool:
        """Before a sleep copies `engine`'s weights into pinned host memory: room for them
        and the reserve within the container's memory limit, shutting older sleepers down
        (never `coming`) for it. False when even then they would not fit: the engine is
        shut down instead, not the pod OOM-killed. The size is this engine's last sleep, or
        its checkpoint's weight files before its first; unknown, the check after the sleep
        is all there is."""
        known = self._footprints.get(id(engine))
        expected = (known.host if known is not None and known.host is not None
                    else checkpoint_weight_bytes(spec.checkpoint))
        if not expected:
            return True
        await self._evict_sleepers(
            lambda: host_available_bytes() < expected + self.sleep_host_reserve_bytes,
            f"host memory for {spec.name}'s weights ({_gib(expected)})", keep=coming)
        available = host_available_bytes()
        if available < expected:
            log.warning("%s does not fit host memory to sleep (%s of weights, %s left within "
                        "the container's limit): shutting it down instead", spec.name,
                        _gib(expected), _gib(available))
            return False
        return True

    def _measure_sleep(self, spec: ModelSpec, engine: Engine, footprint: _Footprint,
                       gpu_before: int | None, host_before: int) -> None:
        """What `engine`'s sleep freed on the device and took from the host, and what it
        keeps on the device: its processes' usage where NVML lists them, else the device's
        free memory now against just before it started (nothing else starts or sleeps in
        between but evictions, which _evict_sleepers adds back), else what its first sleep
        measured, else SLEEPER_RETAINED_ESTIMATE_BYTES."""
        gpu_after = gpu_free_bytes()
        footprint.host = max(0, host_before - host_available_bytes())
        if gpu_after is None:
            return
        if gpu_before is not None:
            footprint.offloaded = max(0, gpu_after - gpu_before)
        held = gpu_bytes_of(self._pids.get(id(engine), set()))
        if held:
            footprint.retained = held
        elif footprint.free_before_start is not None:  # its first sleep
            footprint.retained = max(0, footprint.free_before_start - gpu_after)
        elif footprint.retained is None:
            footprint.retained = SLEEPER_RETAINED_ESTIMATE_BYTES
        footprint.free_before_start = None  # other engines come and go from now on
        log.info("%s asleep: %s freed on the device, %s kept there (CUDA context and graphs), "
                 "%s taken from host memory", spec.name, _gib(footprint.offloaded or 0),
                 _gib(footprint.retained), _gib(footprint.host))

    @asynccontextmanager
    async def _deadline(self, seconds: float, what: str, engine: Engine | None = None):
        """Raise EngineTimeout when the block outlasts `seconds`: an engine call that never
        returns would hold the switch lock forever. `engine`, which may never answer again,
        is shut down first."""
        timer = asyncio.timeout(seconds)
        try:
            async with timer:
                yield
        except TimeoutError:
            if not timer.expired():  # the engine's own TimeoutError
                raise
            message = f"{what} did not finish within {seconds:g} s"
            log.error("%s%s", message, ": shutting it down" if engine is not None else "")
            if engine is not None:
                await self._shut_down(engine)
            raise EngineTimeout(message) from None

    async def _shut_down(self, engine: Engine) -> None:
        """Shut `engine` down and wait until its processes hold no GPU memory."""
        pids = self._pids.pop(id(engine), set())
        self._render_tokenizers.pop(id(engine), None)
        self._footprints.pop(id(engine), None)
        self._vllm_metrics.pop(id(engine), None)
        used_before = gpu_used_bytes()
        await asyncio.to_thread(engine.shutdown)
        if not await asyncio.to_thread(wait_gpu_released, pids, 30.0, used_before):
            log.warning("GPU memory of the engine's processes %s not released after 30 s",
                        sorted(pids))

    async def _evict_sleepers(self, short: Callable[[], bool], why: str,
                              keep: ModelSpec | None = None) -> None:
        """Shut sleeping engines down, oldest first and never `keep`, while `short()`."""
        while short():
            spec = next((s for s in self._asleep if s != keep), None)
            if spec is None:
                return
            log.info("shutting sleeping %s down: %s", spec.name, why)
            engine = self._asleep.pop(spec)
            footprint, free = self._footprints.get(id(engine)), gpu_free_bytes()
            await self._shut_down(engine)
            if free is None:
                continue
            if footprint is not None and footprint.retained:
                # the next reading must see what it kept released, or it evicts another
                back = free + footprint.retained - GPU_RELEASE_SLACK_BYTES
                if not await asyncio.to_thread(wait_gpu_free, back):
                    log.warning("the %s the sleeping %s kept on the device is not free after "
                                "30 s", _gib(footprint.retained), spec.name)
            released = max(0, (gpu_free_bytes() or free) - free)
            for other in self._footprints.values():  # a measure still open: as if not evicted
                if other.free_before_start is not None:
                    other.free_before_start += released

    async def _make_room(self, spec: ModelSpec) -> None:
        """Before a new engine starts, device memory free for what vLLM checks at start
        (utilisation x total, measured after the new engine's CUDA context exists) plus
        that context. Sleepers keep their CUDA contexts and graphs on the device (their
        measured `retained`, which the free memory already lacks); they are shut down,
        oldest first, until the start fits, instead of a start that fails."""
        gpus = nvidia_gpus()
        if gpus:
            needed = spec.gpu_memory_utilization * gpus[0].total_bytes + CUDA_CONTEXT_BYTES
            await self._evict_sleepers(lambda: (gpu_free_bytes() or 0) < needed,
                                       f"making room for {spec.name} ({_gib(needed)} free "
                                       f"needed to start)")

    async def _make_wake_room(self, spec: ModelSpec, engine: Engine) -> None:
        """Before `engine` wakes: device memory free for what its sleep freed, and for its
        whole budget (utilisation x total and its context) less what it kept, which its
        activations grow back into; other sleepers are shut down, oldest first, until it
        is (a wake that runs out of memory fails and falls back to a full start)."""
        gpus = nvidia_gpus()
        if not gpus:
            return
        footprint = self._footprints.get(id(engine)) or _Footprint()
        retained = (footprint.retained if footprint.retained is not None
                    else SLEEPER_RETAINED_ESTIMATE_BYTES)
        budget = spec.gpu_memory_utilization * gpus[0].total_bytes + CUDA_CONTEXT_BYTES
        needed = max(footprint.offloaded or 0, budget - retained)
        await self._evict_sleepers(lambda: (gpu_free_bytes() or 0) < needed,
                                   f"making room to wake {spec.name} ({_gib(needed)} free "
                                   f"needed)")

    @property
    def sleeping_models(self) -> list[str]:
        return [spec.name for spec in self._asleep]

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
        """Drain, then shut every engine down. A switch still running after `grace_seconds`
        is cancelled rather than awaited; the drain takes at most `grace_seconds` more, then
        each engine's shutdown (and its GPU release, up to 30 s)."""
        switches = set(self._switches)
        running = (await asyncio.wait(switches, timeout=grace_seconds))[1] if switches else ()
        if running:
            log.warning("a model switch still runs after %.0f s: cancelling it", grace_seconds)
            for switch in running:
                switch.cancel()
            await asyncio.wait(running)
        async with self._switch_lock:
            await self._set_state(State.LOADING, "shutting down")
            await self._drain(grace_seconds, reason="service shutting down")
            engine, self._engine = self._engine, None
            for sleeper in [*self._asleep.values(), *([engine] if engine else [])]:
                await self._shut_down(sleeper)
            self._asleep.clear()
        self._render_thread.shutdown(wait=False)

    async def _fail(self, reason: str) -> LoadFailed:
        """FAILED for `reason` (the next load retries); the error for the caller."""
        await self._set_state(State.FAILED, reason)
        return LoadFailed(reason)

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
            tokenizer = self._render_tokenizers.get(id(engine)) or engine.get_tokenizer()
            prompt_ids = await asyncio.get_running_loop().run_in_executor(
                self._render_thread, render_prompt, tokenizer, spec, job)
            try:
                params = sampling_params(job, spec, self._max_tokens(spec, job, len(prompt_ids)))
            except (ValueError, VLLMClientError) as e:
                raise BadPrompt(f"invalid sampling options: {_describe(e)}") from None
            reasoning = (ReasoningFilter(_token_id(engine.get_tokenizer(), THINK_CLOSE))
                         if spec.reasoning_parser else None)
            completion = 0
            stream = engine.generate(TokensPrompt(prompt_token_ids=prompt_ids), params,
                                     job.request_id)
            async with aclosing(stream):
                async for out in self._engine_errors(stream):
                    piece = out.outputs[0]
                    completion += len(piece.token_ids)
                    text = reasoning.feed(piece.text, piece.token_ids) if reasoning else piece.text
                    if not out.finished:
                        if text:
                            yield Chunk(text)
                        continue
                    if piece.finish_reason == "abort" and active.abort_reason:
                        raise Aborted(f"request aborted: {active.abort_reason}")
                    self.requests_served += 1
                    self._seconds_per_request.add(time.monotonic() - started)
                    yield Chunk(text, piece.finish_reason or "stop", len(prompt_ids), completion,
                                out.num_cached_tokens or 0,
                                reasoning.reasoning_tokens if reasoning else 0)
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

    def refuse_if_full(self, spec: ModelSpec | None = None) -> None:
        """Overloaded while `spec`'s (by default the resident model's) queue is full. The
        servicer asks before any work on a request, so a refusal costs next to nothing
        however many arrive at once."""
        spec = spec or self.spec
        if spec is None:
            return
        limit = self.pending_limit(spec)
        if len(self._active) >= limit:
            ADMISSION_REFUSED.labels("full").inc()
            raise Overloaded(f"{len(self._active)} requests queued or running, the limit is "
                             f"{limit}; retry later")

    def _admit(self, job: GenerationJob, spec: ModelSpec) -> _Active:
        """Admit `job` or refuse it at once: not ready, a duplicate id, the queue full, or a
        queue so long that the job would not start before its caller's deadline."""
        if self.state != State.READY or self._engine is None:
            raise NotReady(f"not accepting requests ({self.state.value}: {self.reason})")
        if job.request_id in self._active:
            raise BadPrompt(f"request_id {job.request_id!r} is already in flight")
        self.refuse_if_full(spec)
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
        """The answer's token budget (a thinking model's reasoning has its own on top)."""
        reserved = generation_budget(spec, prompt_tokens)  # prompt + thinking budget
        room = spec.max_model_len - reserved
        thinking = (f" plus a {reserved - prompt_tokens}-token thinking budget"
                    if reserved > prompt_tokens else "")
        if job.max_tokens is None:
            if room < 1:
                raise BadPrompt(f"the prompt is {prompt_tokens} tokens{thinking}: it does not "
                                f"fit the {spec.max_model_len}-token context of {spec.name}",
                                reason=CONTEXT_EXCEEDED)
            return min(self.default_max_tokens, room)
        if job.max_tokens > room:
            raise BadPrompt(f"the prompt is {prompt_tokens} tokens{thinking} and max_tokens is "
                            f"{job.max_tokens}: together more than the {spec.max_model_len}-token "
                            f"context of {spec.name}", reason=CONTEXT_EXCEEDED)
        return job.max_tokens

    # ---- introspection -----------------------------------------------------------------

    def tiers(self) -> list[str]:
        return tiers_of(self.registry, self.spec) if self.spec else []

    @property
    def active_requests(self) -> int:
        return len(self._active)

    @property
    def engine_dead(self) -> bool:
        """The resident engine's core died (vLLM's `errored`; its calls raise EngineDeadError).
        It never recovers, and reloading the same model is a no-op while the host says READY:
        a restart is the way back."""
        return self._engine is not None and self._engine.errored

    def engine_unfinished_requests(self) -> int:
        return self._engine.get_num_unfinished_requests() if self._engine is not None else 0


async def _one_token(engine: Engine) -> None:
    """Generate one greedy token: proof that a woken engine computes."""
    from vllm import SamplingParams
    from vllm.inputs import TokensPrompt

    ids = engine.get_tokenizer().encode("ok", add_special_tokens=False) or [0]
    async for _ in engine.generate(TokensPrompt(prompt_token_ids=ids),
                                   SamplingParams(max_tokens=1, temperature=0.0),
                                   f"wake-check-{uuid.uuid4().hex}"):
        pass


def _token_id(tokenizer, token: str) -> int | None:
    ids = tokenizer.encode(token, add_special_tokens=False)
    return ids[0] if len(ids) == 1 else None


def _log_unawaited_failure(task: asyncio.Task) -> None:
    """A switch whose caller left still reports how it ended (and its exception is read)."""
    if not task.cancelled() and task.exception() is not None:
        log.info("model switch ended with: %s", _describe(task.exception()))


def _describe(e: BaseException) -> str:
    """One line: the exception's last meaningful line (pydantic ends with a docs link)."""
    lines = [line.strip() for line in str(e).splitlines()
             if line.strip() and not line.strip().startswith("For further information")]
    return f"{type(e).__name__}: {lines[-1] if lines else ''}"[:500]
