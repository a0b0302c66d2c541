"""Sleep mode's memory checks, snapshot completeness, the 14B tier's cap and which engine's
vLLM metrics are exported: ModelHost on stand-in engines over a stand-in device (NVML) and
a stand-in container (cgroup files), since sleep mode needs CUDA (issue 23, items 4 and 7)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace

import pytest

from inference_svc import device
from inference_svc import engine as engine_module
from inference_svc.config import InferenceSettings
from inference_svc.device import Gpu
from inference_svc.engine import ModelHost
from inference_svc.engine_params import engine_kwargs
from inference_svc.environment import (apply_environment, cache_layout,
                                       checkpoint_weight_bytes, missing_from_cache,
                                       snapshot_gaps)
from inference_svc.errors import LoadFailed
from inference_svc.registry import ModelSpec, build_registry
from inference_svc.switch_mode import SwitchMode
from tests.stand_ins import StandInEngine

GiB = 1 << 30
SLEEP = SwitchMode("sleep", "test")


async def on_serving(serving):
    pass


# ---- item 7: a snapshot is complete only with every shard its index names --------------

QWEN_FILES = {"config.json": b"{}", "generation_config.json": b"{}",
              "tokenizer_config.json": b"{}", "tokenizer.json": b"{}", "vocab.json": b"{}",
              "merges.txt": b"", "model-00001-of-00002.safetensors": b"first half",
              "model-00002-of-00002.safetensors": b"second half",
              "model.safetensors.index.json": b'{"metadata": {}, "weight_map": {'
              b'"a.weight": "model-00001-of-00002.safetensors", '
              b'"b.weight": "model-00002-of-00002.safetensors", '
              b'"c.weight": "model-00002-of-00002.safetensors"}}'}


def hub_snapshot(hub: Path, repo: str, files: dict[str, bytes]) -> Path:
    """A snapshot in huggingface_hub's cache layout: blobs, refs/main, snapshot symlinks."""
    folder = hub / f"models--{repo.replace('/', '--')}"
    revision = "1" * 40
    (folder / "refs").mkdir(parents=True, exist_ok=True)
    (folder / "refs" / "main").write_text(revision)
    (folder / "blobs").mkdir(exist_ok=True)
    snapshot = folder / "snapshots" / revision
    snapshot.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        blob = folder / "blobs" / f"blob-{name}"
        blob.write_bytes(data)
        (snapshot / name).symlink_to(os.path.relpath(blob, snapshot))
    return snapshot


def test_a_snapshot_missing_one_shard_keeps_the_hub_online(tmp_path, monkeypatch):
    for name in ("HF_HOME", "VLLM_CACHE_ROOT", "HF_HUB_OFFLINE"):
        monkeypatch.setenv(name, "")   # so that what apply_environment sets is undone
        monkeypatch.delenv(name)
    hf_home = cache_layout(tmp_path)["HF_HOME"]
    hub = Path(hf_home) / "hub"
    registry = build_registry(InferenceSettings(_env_file=None,
                                                MODEL_CACHE_DIR=str(tmp_path)), "gpu-16gb")
    checkpoints = sorted({spec.checkpoint for spec in registry.values()})
    for repo in checkpoints:
        hub_snapshot(hub, repo, QWEN_FILES)
    assert missing_from_cache(checkpoints, hf_home) == []

    # An interrupted download: the index names two shards, one never arrived.
    partial = hub_snapshot(hub, "Qwen/Qwen3-14B-AWQ", {})
    (partial / "model-00002-of-00002.safetensors").unlink()
    assert snapshot_gaps(partial) == ["model-00002-of-00002.safetensors"]
    assert missing_from_cache(checkpoints, hf_home) == ["Qwen/Qwen3-14B-AWQ"]
    placed = apply_environment(tmp_path, registry, "gpu-16gb")
    assert placed["missing_from_cache"] == ["Qwen/Qwen3-14B-AWQ"] and not placed["offline"]
    assert "HF_HUB_OFFLINE" not in os.environ
    assert checkpoint_weight_bytes("Qwen/Qwen3-14B-AWQ", hf_home) is None  # not whole

    # A single-file checkpoint without an index, complete with its tokenizer and config.
    single = {name: data for name, data in QWEN_FILES.items()
              if not name.startswith("model")} | {"model.safetensors": b"weights"}
    folder = hub_snapshot(hub, "org/single", single)
    assert snapshot_gaps(folder) == []
    assert checkpoint_weight_bytes("org/single", hf_home) == len(b"weights")
    (folder / "tokenizer.json").unlink()   # vocab.json and merges.txt still make a tokenizer
    assert snapshot_gaps(folder) == []
    (folder / "merges.txt").unlink()
    assert snapshot_gaps(folder) == ["tokenizer.json (or vocab.json and merges.txt, "
                                     "or tokenizer.model)"]
    no_config = hub_snapshot(hub, "org/no-config", {k: v for k, v in single.items()
                                                    if k != "config.json"})
    assert snapshot_gaps(no_config) == ["config.json"]
    shards_only = hub_snapshot(hub, "org/shards-only", {
        k: v for k, v in QWEN_FILES.items() if k != "model.safetensors.index.json"})
    assert snapshot_gaps(shards_only) == ["model.safetensors.index.json or model.safetensors"]
    assert missing_from_cache(["org/never-fetched"], hf_home) == ["org/never-fetched"]


# ---- item 4: host memory is the container's ----------------------------------------------

class Cgroup:
    """A cgroup v2 memory controller in files, as a container sees its own."""

    def __init__(self, root: Path, limit: int | None, used: int):
        self.root, self.used, self.peak = root, used, used
        root.mkdir(parents=True, exist_ok=True)
        (root / "memory.max").write_text("max\n" if limit is None else f"{limit}\n")
        (root / "memory.stat").write_text("anon 1\ninactive_file 0\nactive_file 0\n")
        self._write()

    def charge(self, n: int) -> None:
        self.used += n
        self.peak = max(self.peak, self.used)
        self._write()

    def _write(self) -> None:
        (self.root / "memory.current").write_text(f"{self.used}\n")


@pytest.fixture
def node(monkeypatch, tmp_path):
    """A node with plenty of memory (200 GiB available) and no cgroup files yet."""
    monkeypatch.setattr(device, "CGROUP_ROOT", tmp_path / "cgroup")
    monkeypatch.setattr(device, "PROC_SELF_CGROUP", tmp_path / "no-proc-self-cgroup")
    monkeypatch.setattr(device.psutil, "virtual_memory",
                        lambda: SimpleNamespace(total=256 * GiB, available=200 * GiB))
    return tmp_path / "cgroup"


def test_host_memory_is_the_cgroup_limit_less_its_working_set(node):
    assert device.container_memory() is None            # no cgroup: the node's memory
    assert device.host_available_bytes() == 200 * GiB
    Cgroup(node, limit=None, used=10 * GiB)
    assert device.host_available_bytes() == 200 * GiB   # v2 "max": unlimited
    cgroup = Cgroup(node, limit=32 * GiB, used=30 * GiB)
    (node / "memory.stat").write_text("anon 1\ninactive_file 3221225472\n")  # 3 GiB reclaimable
    assert device.container_memory() == (32 * GiB, 27 * GiB)
    assert device.host_available_bytes() == 5 * GiB
    cgroup.charge(8 * GiB)
    assert device.host_available_bytes() == 0

    for name in ("memory.max", "memory.current", "memory.stat"):   # cgroup v1 instead
        (node / name).unlink()
    v1 = node / "memory"
    v1.mkdir()
    (v1 / "memory.limit_in_bytes").write_text(f"{(1 << 63) - 4096}\n")   # v1's "no limit"
    (v1 / "memory.usage_in_bytes").write_text(f"{20 * GiB}\n")
    assert device.container_memory() is None
    (v1 / "memory.limit_in_bytes").write_text(f"{24 * GiB}\n")
    (v1 / "memory.stat").write_text(f"cache 1\ntotal_inactive_file {GiB}\n")
    assert device.container_memory() == (24 * GiB, 19 * GiB)
    assert device.host_available_bytes() == 5 * GiB


@dataclass
class Host:
    """Stand-in engines whose sleep pins their weights in the stand-in container's memory."""

    cgroup: Cgroup
    weights: int
    calls: list = field(default_factory=list)

    def engine(self, name: str) -> PinningEngine:
        return PinningEngine(name, self)


class PinningEngine(StandInEngine):
    """Asleep, it keeps a pinned copy of its weights in the stand-in container's memory."""

    asleep = False

    def __init__(self, name: str, host: Host):
        super().__init__(name, host.calls)
        self.cgroup, self.weights = host.cgroup, host.weights

    def shutdown(self):
        super().shutdown()
        if self.asleep:
            self.cgroup.charge(-self.weights)

    async def sleep(self, level=1):
        await super().sleep(level)
        self.cgroup.charge(self.weights)   # the pinned copy of the weights
        self.asleep = True

    async def wake_up(self, tags=None):
        woke = await super().wake_up(tags)
        self.cgroup.charge(-self.weights)
        self.asleep = False
        return woke


def local_checkpoint(root: Path, name: str, weights: int) -> ModelSpec:
    """A local checkpoint whose single weight file is `weights` bytes (sparse: no disk)."""
    folder = root / name
    folder.mkdir(parents=True)
    (folder / "config.json").write_text("{}")
    with open(folder / "model.safetensors", "wb") as f:
        f.truncate(weights)
    return ModelSpec(name=name, checkpoint=str(folder))


async def test_a_cgroup_limit_below_the_node_memory_makes_the_host_room_check_evict(
        node, tmp_path, monkeypatch):
    """The node has 200 GiB free, the container 32 GiB at most: a third sleeper's 8 GiB of
    weights would pass the node's check and meet the pod's limit (OOM kill). The oldest
    sleeper is shut down first, and the container never exceeds its limit."""
    cgroup = Cgroup(node, limit=32 * GiB, used=8 * GiB)
    host_engines = Host(cgroup, weights=8 * GiB)
    monkeypatch.setattr(engine_module, "start_engine",
                        lambda spec, sleep_mode: host_engines.engine(spec.name))
    a, b, c, d = (local_checkpoint(tmp_path / "models", n, 8 * GiB) for n in "abcd")
    host = ModelHost({"thinking": a, "primary": b, "maximum": c}, None, 16, 0, on_serving,
                     switch_mode=SLEEP, sleep_host_reserve_bytes=4 * GiB)
    for spec in (a, b, c):
        await host.load(spec)
    assert host.sleeping_models == ["a", "b"] and cgroup.used == 24 * GiB
    calls = host_engines.calls
    calls.clear()
    await host.load(d)   # c's 8 GiB + the 4 GiB reserve do not fit the 8 GiB left: a goes
    assert calls == [("shutdown", "a"), ("sleep", "c")]
    assert host.sleeping_models == ["b", "c"]
    assert cgroup.peak <= 32 * GiB

    calls.clear()
    await host.load(b)   # d sleeps (room: c is evicted, never b, which is about to wake)
    assert calls == [("shutdown", "c"), ("sleep", "d"), ("wake_up", "b"), ("generate", "b")]
    assert cgroup.peak <= 32 * GiB
    await host.shutdown(0)


async def test_a_model_whose_weights_cannot_fit_the_container_is_shut_down_not_slept(
        node, tmp_path, monkeypatch):
    cgroup = Cgroup(node, limit=12 * GiB, used=8 * GiB)
    host_engines = Host(cgroup, weights=8 * GiB)
    monkeypatch.setattr(engine_module, "start_engine",
                        lambda spec, sleep_mode: host_engines.engine(spec.name))
    a, b = (local_checkpoint(tmp_path / "models", n, 8 * GiB) for n in "ab")
    host = ModelHost({"thinking": a, "primary": b, "maximum": b}, None, 16, 0, on_serving,
                     switch_mode=SLEEP, sleep_host_reserve_bytes=GiB)
    await host.load(a)
    await host.load(b)
    assert host_engines.calls == [("shutdown", "a")]
    assert host.sleeping_models == [] and cgroup.peak == 8 * GiB
    await host.shutdown(0)


# ---- item 4: device memory that sleepers keep, and a new engine's CUDA context ------------

@dataclass
class Card:
    """A stand-in GPU and vLLM engines on it, each a process holding device memory: a CUDA
    context, then its budget (utilisation x total); asleep it keeps its context and CUDA
    graphs (`retained`). A start fails as vLLM's does when the free memory, measured after
    the engine's context exists, is below utilisation x total; a wake fails (cuMemCreate)
    without room for what it gives back."""

    total: int = 16 * GiB
    context: int = int(0.45 * GiB)
    retained: dict = field(default_factory=dict)   # model -> bytes kept asleep
    held: dict = field(default_factory=dict)       # model -> bytes held now
    calls: list = field(default_factory=list)

    def free(self, index: int = 0) -> int:
        return self.total - sum(self.held.values())

    def start(self, spec: ModelSpec, sleep_mode: bool):
        self.calls.append(("start", spec.name))
        needed = spec.gpu_memory_utilization * self.total
        if self.free() - self.context < needed:
            raise ValueError(f"Free memory on device ({self.free() - self.context}) on startup "
                             f"is less than desired GPU memory utilization ({needed})")
        self.held[spec.name] = int(self.context + needed)
        return CardEngine(spec, self)


class CardEngine(StandInEngine):
    """A vLLM engine on the stand-in card: awake it holds its context and budget, asleep
    what the card's `retained` says; a wake without room for the difference fails."""

    def __init__(self, spec: ModelSpec, card: Card):
        super().__init__(spec.name, card.calls)
        self.card = card
        self.awake = int(card.context + spec.gpu_memory_utilization * card.total)

    def shutdown(self):
        super().shutdown()
        self.card.held.pop(self.name, None)

    async def sleep(self, level=1):
        await super().sleep(level)
        self.card.held[self.name] = self.card.retained[self.name]

    async def wake_up(self, tags=None):
        woke = await super().wake_up(tags)
        if self.card.free() < self.awake - self.card.held[self.name]:
            raise RuntimeError("CUDA Error: out of memory at cumem_allocator.cpp:62")
        self.card.held[self.name] = self.awake
        return woke


@pytest.fixture
def card(monkeypatch):
    card = Card()
    gpu = Gpu(index=0, name="Tesla T4", capability=(7, 5), total_bytes=card.total)
    monkeypatch.setattr(engine_module, "nvidia_gpus", lambda: [gpu])
    monkeypatch.setattr(engine_module, "gpu_free_bytes", card.free)
    monkeypatch.setattr(device, "gpu_free_bytes", card.free)      # wait_gpu_free reads it
    monkeypatch.setattr(engine_module, "gpu_bytes_of", lambda pids: 0)  # a container: no pids
    monkeypatch.setattr(engine_module, "start_engine", card.start)
    return card


@pytest.mark.parametrize("context_reserved", [True, False])
async def test_a_sleepers_retained_memory_makes_the_room_check_evict_before_starting(
        card, monkeypatch, context_reserved):
    """Two sleepers keep 1 GiB each (CUDA context and graphs): 14 GiB free passes a check
    for 0.85 x 16 = 13.6 GiB, and the start fails once its own CUDA context takes 0.45 GiB.
    Counting the context, the oldest sleeper is shut down first and the start fits."""
    if not context_reserved:   # the check as it was: the same tier fails every time
        monkeypatch.setattr(engine_module, "CUDA_CONTEXT_BYTES", 0)
    card.retained = {"a": GiB, "b": GiB, "c": GiB}
    a, b, c = (ModelSpec(name=n, checkpoint=n) for n in "abc")
    host = ModelHost({"thinking": a, "primary": b, "maximum": c}, None, 16, 0, on_serving,
                     switch_mode=SLEEP)
    await host.load(a)
    await host.load(b)
    assert host.sleeping_models == ["a"]
    # The sleeper's retained memory, measured from the device before its start and after
    # its sleep (NVML lists no processes here, as in a container).
    (asleep,) = [fp for key, fp in host._footprints.items() if key != id(host._engine)]
    assert asleep.retained == GiB and asleep.offloaded == card.held["b"] - GiB
    card.calls.clear()
    if context_reserved:
        result = await host.load(c)
        assert card.calls == [("sleep", "b"), ("shutdown", "a"), ("start", "c")]
        assert result.switched and host.spec is c and host.sleeping_models == ["b"]
    else:
        with pytest.raises(LoadFailed, match="less than desired GPU memory utilization"):
            await host.load(c)
        assert card.calls == [("sleep", "b"), ("start", "c"), ("wake_up", "b"),
                              ("generate", "b")]
        assert host.spec is b   # restored, and loading c fails again next time
    await host.shutdown(0)


async def test_a_wake_makes_room_for_what_the_sleeper_gives_back(card):
    """The 14B tier keeps more on the device asleep (CUDA graphs to 512 tokens) than the
    others: with it and another sleeper, a third cannot wake until the older one goes."""
    card.retained = {"a": GiB // 2, "b": GiB // 2, "c": 3 * GiB // 2}
    a, b, c = (ModelSpec(name=n, checkpoint=n) for n in "abc")
    host = ModelHost({"thinking": a, "primary": b, "maximum": c}, None, 16, 0, on_serving,
                     switch_mode=SLEEP)
    for spec in (a, b, c):
        await host.load(spec)
    assert host.sleeping_models == ["a", "b"]
    card.calls.clear()
    result = await host.load(a)
    assert result.woke
    assert card.calls == [("sleep", "c"), ("shutdown", "b"), ("wake_up", "a"), ("generate", "a")]
    assert host.sleeping_models == ["c"]
    await host.shutdown(0)


# ---- item 4: the 14B tier's decode width on a 16 GB card ---------------------------------

def test_the_maximum_tier_of_the_gpu_profile_is_capped():
    def registry(**env):
        return build_registry(InferenceSettings(_env_file=None, **env), "gpu-16gb", (7, 5))

    tiers = registry()
    maximum = tiers["maximum"]
    assert (maximum.max_num_seqs, maximum.speculative_tokens) == (12, 4)
    assert maximum.max_num_seqs * (1 + maximum.speculative_tokens) <= 64
    assert engine_kwargs(maximum)["max_num_seqs"] == 12
    # vLLM captures CUDA graphs up to min(2 x max_num_seqs x (1 + k), 512) tokens: 120.
    assert min(2 * maximum.max_num_seqs * (1 + maximum.speculative_tokens), 512) == 120
    assert tiers["thinking"].max_num_seqs == tiers["primary"].max_num_seqs == 64
    # The cap holds against the configuration, and follows the speculation it is given.
    assert registry(INFERENCE_MAX_NUM_SEQS="64")["maximum"].max_num_seqs == 12
    assert registry(INFERENCE_MAX_NUM_SEQS="8")["maximum"].max_num_seqs == 8
    assert registry(INFERENCE_SPECULATIVE_TOKENS="0")["maximum"].max_num_seqs == 64
    assert registry(INFERENCE_SPECULATIVE_TOKENS="9")["maximum"].max_num_seqs == 6
    assert registry(INFERENCE_MODEL_MAXIMUM="/m/other")["maximum"].max_num_seqs == 12
    assert build_registry(InferenceSettings(_env_file=None), "cpu")["maximum"].max_num_seqs == 4


# ---- item 7: a woken engine's vllm:* metrics are the ones exported -----------------------

async def test_a_woken_engine_exports_its_own_vllm_metrics(tiny_models, monkeypatch):
    """Each engine's vLLM PrometheusStatLogger (the real one) unregisters every vllm:*
    collector and registers its own, so after a wake the registry showed the engine that
    started last. The host shows the resident engine's collectors again."""
    from prometheus_client import REGISTRY
    from vllm.engine.arg_utils import AsyncEngineArgs
    from vllm.usage.usage_lib import UsageContext
    from vllm.v1.metrics.loggers import PrometheusStatLogger
    from vllm.v1.metrics.stats import SchedulerStats

    spec = ModelSpec(name="tiny", checkpoint=str(tiny_models["a"]), dtype="float32",
                     enforce_eager=True, max_num_seqs=4, max_model_len=1024)
    config = AsyncEngineArgs(**engine_kwargs(spec)).create_engine_config(
        UsageContext.ENGINE_CONTEXT)
    loggers = {}

    class Engine(StandInEngine):
        def __init__(self, name):
            super().__init__(name, [])
            config.model_config.served_model_name = name
            loggers[name] = PrometheusStatLogger(config, [0])

    monkeypatch.setattr(engine_module, "start_engine", lambda spec, sleep_mode: Engine(spec.name))

    def running() -> dict[str, float]:
        return {sample.labels["model_name"]: sample.value
                for metric in REGISTRY.collect() if metric.name == "vllm:num_requests_running"
                for sample in metric.samples}

    a, b = ModelSpec(name="a", checkpoint="a"), ModelSpec(name="b", checkpoint="b")
    host = ModelHost({"thinking": a, "primary": b, "maximum": b}, None, 16, 0, on_serving,
                     switch_mode=SLEEP)
    try:
        await host.load(a)
        await host.load(b)
        assert running() == {"b": 0.0}
        assert (await host.load(a)).woke
        loggers["a"].record(SchedulerStats(num_running_reqs=3), None, engine_idx=0)
        assert running() == {"a": 3.0}   # the woken engine, current; not b's frozen series
        await host.load(b)
        loggers["b"].record(SchedulerStats(num_running_reqs=1), None, engine_idx=0)
        assert running() == {"b": 1.0}
    finally:
        await host.shutdown(0)


def test_in_a_container_memory_and_release_are_read_on_the_device(monkeypatch):
    """NVML lists host process ids inside a container, none of the service's: GetModelInfo
    reports the device's used memory instead of 0, and the wait after a shutdown follows
    the device instead of returning at once."""
    from types import SimpleNamespace

    from inference_svc import device

    class Nvml:
        used = 13 * 2**30

        def nvmlDeviceGetCount(self):
            return 1

        def nvmlDeviceGetHandleByIndex(self, index):
            return index

        def nvmlDeviceGetMemoryInfo(self, handle):
            return SimpleNamespace(total=16 * 2**30, used=self.used, free=16 * 2**30 - self.used)

        def nvmlDeviceGetComputeRunningProcesses(self, handle):
            return [SimpleNamespace(pid=987654, usedGpuMemory=12 * 2**30)]  # a host pid

    nvml = Nvml()
    monkeypatch.setattr(device, "_nvml", lambda: nvml)
    monkeypatch.setattr(device, "engine_pids", lambda: {4242})   # an engine runs here
    assert device.memory_in_use() == (13 * 2**30, "gpu_device")

    # Nothing released: the wait ends at its timeout, False (it returned True at once).
    assert device.wait_gpu_released({4242}, timeout=1.2, used_before=nvml.used) is False
    nvml.used = 1 * 2**30   # the engine's memory is back
    assert device.wait_gpu_released({4242}, timeout=5, used_before=13 * 2**30) is True
