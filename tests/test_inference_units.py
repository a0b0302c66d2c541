"""Pieces of the inference service that need no engine: registry, configuration, filters."""

import os
from pathlib import Path

import pytest

from inference_svc.config import InferenceSettings
from inference_svc.device import dtype_for
from inference_svc.engine_params import THINKING_END_ROOM, engine_kwargs, generation_budget
from inference_svc.environment import (apply_environment, cache_layout, hub_checkpoints,
                                       missing_from_cache)
from inference_svc.reasoning import ReasoningFilter
from inference_svc.registry import GREEDY, Sampling, build_registry, find_model, tiers_of
from inference_svc.switch_mode import choose_switch_mode, sleep_mode_available
from tests.stand_ins import StandInEngine


def settings(**env) -> InferenceSettings:
    return InferenceSettings(_env_file=None, **env)


def test_gpu_profile_uses_corrected_qwen3_references():
    registry = build_registry(settings(), "gpu-16gb", capability=(8, 9))
    small, primary, maximum = (registry[t] for t in ("thinking", "primary", "maximum"))
    # The small tier answers at once by default (a thinking budget cannot fit 5 s).
    assert small.checkpoint == "Qwen/Qwen3-4B-Instruct-2507"
    assert small.quantization is None and small.reasoning_parser is None
    # AWQ only on the AWQ checkpoints; the bf16 8B/14B repos are not AWQ and do not fit.
    assert (primary.checkpoint, primary.quantization) == ("Qwen/Qwen3-8B-AWQ", "awq")
    assert (maximum.checkpoint, maximum.quantization) == ("Qwen/Qwen3-14B-AWQ", "awq")
    assert primary.enable_thinking is False and maximum.enable_thinking is False
    # Prompt lookup for the instruct tiers, whose answers copy the posting.
    assert {spec.speculative_tokens for spec in registry.values()} == {4}
    for spec in registry.values():
        assert spec.gpu_memory_utilization == 0.85
        assert 8000 < spec.max_model_len <= 16384  # the threshold fits; not 131072
        assert spec.sampling == GREEDY
    assert len({spec.name for spec in registry.values()}) == 3


def test_the_thinking_model_reasons_within_a_budget_with_its_cards_sampling():
    registry = build_registry(settings(INFERENCE_SMALL_MODEL="thinking",
                                       INFERENCE_THINKING_BUDGET="512"), "gpu-16gb", (8, 0))
    thinking = registry["thinking"]
    assert thinking.checkpoint == "Qwen/Qwen3-4B-Thinking-2507"
    assert (thinking.reasoning_parser, thinking.thinking_budget) == ("qwen3", 512)
    assert thinking.sampling == Sampling(temperature=0.6, top_p=0.95, top_k=20)
    assert thinking.speculative_tokens == 0
    # The parser is the engine's own argument, which enables thinking_token_budget.
    assert engine_kwargs(thinking)["reasoning_parser"] == "qwen3"
    assert engine_kwargs(registry["primary"])["reasoning_parser"] == ""
    # The request's max_tokens is the answer's; the engine gets the thinking budget on top.
    assert generation_budget(thinking, 1536) == 1536 + 512 + THINKING_END_ROOM
    assert generation_budget(registry["primary"], 1536) == 1536


def test_a_thinking_override_needs_a_thinking_checkpoint_on_the_cpu_profile(tmp_path):
    with pytest.raises(ValueError, match="INFERENCE_MODEL_THINKING"):
        build_registry(settings(INFERENCE_SMALL_MODEL="thinking"), "cpu")
    registry = build_registry(settings(INFERENCE_SMALL_MODEL="thinking",
                                       INFERENCE_MODEL_THINKING=str(tmp_path / "think")), "cpu")
    assert registry["thinking"].reasoning_parser == "qwen3"
    assert registry["primary"].reasoning_parser is None


@pytest.mark.parametrize("capability, dtype", [
    ((7, 5), "float16"),    # T4: bf16 is refused at start
    ((7, 0), "float16"),    # V100
    ((8, 0), "bfloat16"),   # A100
    ((8, 6), "bfloat16"),   # A4000, RTX 30xx
    ((8, 9), "bfloat16"),   # L4, RTX 40xx
    ((12, 0), "bfloat16"),  # RTX 50xx
    (None, "float32"),      # no GPU
])
def test_dtype_follows_the_compute_capability(capability, dtype):
    assert dtype_for(capability) == dtype
    if capability is not None:
        registry = build_registry(settings(), "gpu-16gb", capability)
        assert registry["thinking"].dtype == dtype
        assert registry["primary"].dtype == "float16"  # AWQ runs float16 from 7.5 up
        overridden = build_registry(settings(INFERENCE_DTYPE="float32"), "gpu-16gb", capability)
        assert overridden["thinking"].dtype == "float32"


def test_switch_mode_is_sleep_only_where_the_platform_has_it():
    assert choose_switch_mode("auto", sleep_available=True).mode == "sleep"
    cpu = choose_switch_mode("auto", sleep_available=False)
    assert cpu.mode == "reload" and "CUDA" in cpu.note
    assert choose_switch_mode("reload", sleep_available=True).mode == "reload"
    assert choose_switch_mode("sleep", sleep_available=True).mode == "sleep"
    with pytest.raises(ValueError, match="sleep mode"):
        choose_switch_mode("sleep", sleep_available=False)
    # This machine's vLLM build (CPU) says it has no sleep mode: auto keeps reload.
    assert sleep_mode_available() is False


def test_hub_state_lives_under_the_model_cache(tmp_path, monkeypatch):
    for name in ("HF_HOME", "VLLM_CACHE_ROOT", "HF_HUB_OFFLINE"):
        monkeypatch.delenv(name, raising=False)
    layout = cache_layout(tmp_path)
    assert layout == {"HF_HOME": str(tmp_path.resolve() / "hf"),
                      "VLLM_CACHE_ROOT": str(tmp_path.resolve() / "vllm")}
    registry = build_registry(settings(MODEL_CACHE_DIR=str(tmp_path)), "gpu-16gb", (8, 0))
    hub = hub_checkpoints(registry)
    assert hub == ["Qwen/Qwen3-14B-AWQ", "Qwen/Qwen3-4B-Instruct-2507", "Qwen/Qwen3-8B-AWQ"]
    # Nothing cached yet: every tier is missing and the service may still reach the hub.
    assert missing_from_cache(hub, layout["HF_HOME"]) == hub
    placed = apply_environment(tmp_path, registry, "gpu-16gb")
    assert placed["missing_from_cache"] == hub and not placed["offline"]
    assert os.environ["VLLM_WORKER_MULTIPROC_METHOD"] == "spawn"
    # The hub cache's own layout, as huggingface_hub writes it: cached tiers are found.
    for repo in hub[:2]:
        _fake_snapshot(Path(layout["HF_HOME"]) / "hub", repo)
    assert missing_from_cache(hub, layout["HF_HOME"]) == hub[2:]
    _fake_snapshot(Path(layout["HF_HOME"]) / "hub", hub[2])
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    assert apply_environment(tmp_path, registry, "gpu-16gb")["offline"] is True
    assert os.environ["HF_HUB_OFFLINE"] == "1"


def _fake_snapshot(hub: Path, repo: str) -> None:
    """A snapshot in huggingface_hub's cache layout (blobs, refs, snapshots)."""
    folder = hub / f"models--{repo.replace('/', '--')}"
    revision = "0" * 40
    (folder / "refs").mkdir(parents=True)
    (folder / "refs" / "main").write_text(revision)
    (folder / "blobs").mkdir()
    snapshot = folder / "snapshots" / revision
    snapshot.mkdir(parents=True)
    for name, data in (("config.json", b"{}"), ("model.safetensors", b"weights"),
                       ("tokenizer_config.json", b"{}"), ("tokenizer.json", b"{}")):
        blob = folder / "blobs" / name.replace(".", "-")
        blob.write_bytes(data)
        (snapshot / name).symlink_to(os.path.relpath(blob, snapshot))


def test_cpu_profile_serves_every_tier_with_the_embedded_model(tmp_path):
    registry = build_registry(settings(MODEL_CACHE_DIR=str(tmp_path)), "cpu")
    spec = registry["primary"]
    assert spec.checkpoint == str(tmp_path / "qwen2.5-coder-0.5b-instruct")
    assert spec.dtype == "float32" and spec.enforce_eager
    assert tiers_of(registry, spec) == ["thinking", "primary", "maximum"]
    larger = build_registry(settings(MODEL_CACHE_DIR=str(tmp_path),
                                     INFERENCE_EMBEDDED_MODEL="1.5b"), "cpu")
    assert larger["primary"].checkpoint == str(tmp_path / "qwen2.5-coder-1.5b-instruct")


def test_overrides_from_the_spec_environment_names(monkeypatch):
    monkeypatch.setenv("VLLM_GPU_MEMORY", "0.7")
    monkeypatch.setenv("VLLM_MAX_MODEL_LEN", "4096")
    monkeypatch.setenv("VLLM_QUANTIZATION", "none")
    monkeypatch.setenv("INFERENCE_MODEL_MAXIMUM", "/models/my-14b")
    registry = build_registry(InferenceSettings(_env_file=None), "gpu-16gb")
    assert all(s.gpu_memory_utilization == 0.7 and s.max_model_len == 4096
               and s.quantization is None for s in registry.values())
    assert registry["maximum"].checkpoint == "/models/my-14b"
    assert find_model(registry, "my-14b") is registry["maximum"]
    assert find_model(registry, "/models/my-14b") is registry["maximum"]


def test_speculation_is_off_unless_configured(monkeypatch):
    spec = build_registry(InferenceSettings(_env_file=None), "cpu")["primary"]
    assert engine_kwargs(spec)["speculative_config"] is None
    monkeypatch.setenv("INFERENCE_SPECULATIVE_TOKENS", "4")
    spec = build_registry(InferenceSettings(_env_file=None), "cpu")["primary"]
    assert engine_kwargs(spec)["speculative_config"] == {
        "method": "ngram", "num_speculative_tokens": 4, "prompt_lookup_min": 2,
        "prompt_lookup_max": 5}


def test_swap_space_is_accepted_and_inert(monkeypatch, caplog):
    monkeypatch.setenv("VLLM_SWAP_SPACE", "4")
    s = InferenceSettings(_env_file=None)
    s.warn_inert()
    assert "ignored" in caplog.text
    assert "swap_space" not in engine_kwargs(build_registry(s, "gpu-16gb")["primary"])


def test_bad_configuration_is_refused(monkeypatch):
    monkeypatch.setenv("INFERENCE_PROFILE", "tpu")
    with pytest.raises(ValueError):
        InferenceSettings(_env_file=None)


@pytest.mark.parametrize("pieces", [
    ["reasoning about", " the salary</think>", "\n\n", '{"a":', " 1}"],
    ["x</th", "ink>", ' {"a": 1}'],
    ["<think>\nhmm\n</think>\n\n{", '"a": 1}'],
])
def test_reasoning_never_reaches_the_answer(pieces):
    f = ReasoningFilter()
    answer = "".join(f.feed(p) for p in pieces)
    assert answer.startswith("{") and "think" not in answer and "reasoning" not in answer
    assert f.reasoning_ended


def test_unfinished_reasoning_returns_nothing():
    f = ReasoningFilter()
    assert f.feed("I am still thinking about {") == "" and not f.reasoning_ended


def test_reasoning_tokens_are_counted_to_the_end_of_thinking():
    end = 99
    f = ReasoningFilter(end_token_id=end)
    assert f.feed("let me", [1, 2]) == ""
    # The delta that closes the reasoning also starts the answer: 2 + 2 reasoning tokens.
    assert f.feed(" see</think>{", [3, end, 7]) == "{"
    assert f.feed('"a":1}', [8, 9]) == '"a":1}'
    assert f.reasoning_tokens == 4


class SleepModeEngine(StandInEngine):
    """Only for the sleep-mode bookkeeping, which needs CUDA and cannot run on this build:
    records what ModelHost asks of an engine, with the level of each sleep; a wake of a
    model in `wake_fails` fails (vLLM's sleep itself is measured by bench/gpu_checks.py on
    a GPU)."""

    def __init__(self, name: str, calls: list, wake_fails: set[str]):
        super().__init__(name, calls)
        self.wake_fails = wake_fails

    async def sleep(self, level=1):
        self.record("sleep", level)

    async def wake_up(self, tags=None):
        woke = await super().wake_up(tags)
        if self.name in self.wake_fails:
            raise RuntimeError("cuMemCreate failed")
        return woke


async def test_sleep_mode_wakes_a_model_it_has_seen_and_starts_one_it_has_not(monkeypatch):
    from inference_svc import engine as engine_module
    from inference_svc.engine import ModelHost
    from inference_svc.registry import ModelSpec
    from inference_svc.switch_mode import SwitchMode

    calls: list = []
    wake_fails: set[str] = set()

    def start(spec, sleep_mode):
        assert sleep_mode is True  # engines are created able to sleep
        calls.append(("start", spec.name))
        return SleepModeEngine(spec.name, calls, wake_fails)

    monkeypatch.setattr(engine_module, "start_engine", start)

    async def on_serving(serving):
        pass

    a, b, c = (ModelSpec(name=n, checkpoint=n) for n in "abc")
    host = ModelHost({"thinking": a, "primary": b, "maximum": c}, None, 16, 0, on_serving,
                     switch_mode=SwitchMode("sleep", "test"))
    assert (await host.load(a)).woke is False
    await host.load(b)
    assert calls == [("start", "a"), ("sleep", "a", 1), ("start", "b")]
    assert host.sleeping_models == ["a"]

    calls.clear()
    back = await host.load(a)  # a wake, checked by a one-token generation; no start
    assert back.switched and back.woke and host.spec is a and host.state.value == "ready"
    assert calls == [("sleep", "b", 1), ("wake_up", "a"), ("generate", "a")]
    assert host.sleeping_models == ["b"] and host.switches == 2

    calls.clear()
    wake_fails.add("b")  # a wake that fails falls back to a fresh start of the model
    result = await host.load(b)
    assert not result.woke and host.spec is b and host.state.value == "ready"
    assert calls == [("sleep", "a", 1), ("wake_up", "b"), ("shutdown", "b"), ("start", "b")]

    calls.clear()
    await host.load(c)
    assert host.sleeping_models == ["a", "b"]
    # Host memory below the reserve: sleepers are shut down oldest first, except the one
    # about to wake.
    host.sleep_host_reserve_bytes = 1 << 60
    calls.clear()
    await host.load(b)
    assert calls == [("sleep", "c", 1), ("shutdown", "a"), ("shutdown", "c"),
                     ("wake_up", "b"), ("shutdown", "b"), ("start", "b")]
    assert host.sleeping_models == []
    await host.shutdown(0)
    assert calls[-1] == ("shutdown", "b")


def test_models_prepare_for_the_gpu_profile_fills_the_hub_cache_once(tmp_path):
    """Unreachable hub: a plain error naming the checkpoint. Cached tiers: nothing to do,
    no hub call (the service then starts offline)."""
    import subprocess
    import sys

    from jobextract_tools.launch import ROOT, free_port

    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("HF_", "INFERENCE_", "VLLM_", "MODEL_CACHE"))}
    env["HF_ENDPOINT"] = f"http://127.0.0.1:{free_port()}"  # nothing listens there

    def prepare():
        return subprocess.run([sys.executable, "-m", "jobextract_tools.cli", "models", "prepare",
                               "--profile", "gpu-16gb", "--cache-dir", str(tmp_path)],
                              cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)

    failed = prepare()
    assert failed.returncode == 1, failed.stderr
    assert "could not fetch Qwen/Qwen3-14B-AWQ from the hub" in failed.stderr
    assert "Traceback" not in failed.stderr
    hub = Path(cache_layout(tmp_path)["HF_HOME"]) / "hub"
    for repo in ("Qwen/Qwen3-14B-AWQ", "Qwen/Qwen3-4B-Instruct-2507", "Qwen/Qwen3-8B-AWQ"):
        _fake_snapshot(hub, repo)
    done = prepare()
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("nothing to do") + done.stderr.count("nothing to do") == 3


class RecordingTokenizer:
    """Enough of a tokenizer for render_prompt; records which copy encoded on which thread
    (in a class attribute: a deep copy shares it)."""

    seen: list = []

    def apply_chat_template(self, messages, tokenize, add_generation_prompt, **options):
        return "".join(m["content"] for m in messages)

    def get_added_vocab(self):
        return {}

    def encode(self, text, add_special_tokens=False, split_special_tokens=False):
        import threading

        self.seen.append((self, threading.current_thread().name))
        return [1] * len(text)


async def test_prompts_are_rendered_on_one_thread_with_a_private_tokenizer(monkeypatch):
    """vLLM's shared tokenizer deep-copies itself for a second concurrent borrower (about
    2 s of the GIL for a Qwen tokenizer), which stalled every call on the event loop: the
    host renders on one thread with a copy made while loading, never with the shared one."""
    import asyncio
    from types import SimpleNamespace

    from inference_svc import engine as engine_module
    from inference_svc.engine import ModelHost
    from inference_svc.registry import ModelSpec
    from inference_svc.requests import GenerationJob

    seen = RecordingTokenizer.seen
    seen.clear()
    shared = RecordingTokenizer()

    class Engine(StandInEngine):
        def get_tokenizer(self):
            return shared

        async def generate(self, prompt, params, request_id):
            await asyncio.sleep(0.01)
            piece = SimpleNamespace(text="{}", token_ids=[1], finish_reason="stop")
            yield SimpleNamespace(outputs=[piece], finished=True, num_cached_tokens=0)

    monkeypatch.setattr(engine_module, "start_engine",
                        lambda spec, sleep_mode: Engine(spec.name, []))

    async def on_serving(serving):
        pass

    spec = ModelSpec(name="a", checkpoint="a", max_model_len=4096)
    host = ModelHost({"primary": spec}, None, 16, 0, on_serving)
    await host.load(spec)

    async def one(i):
        job = GenerationJob(f"r{i}", [{"role": "user", "content": "Cook " * 20}], None, False,
                            8, None, None)
        return [chunk async for chunk in host.generate(job)]

    results = await asyncio.gather(*(one(i) for i in range(8)))
    assert all(chunks[-1].finish_reason == "stop" for chunks in results)
    assert seen and all(tokenizer is not shared for tokenizer, _ in seen)
    assert len({thread for _, thread in seen}) == 1 and seen[0][1].startswith("render")
    await host.shutdown(0)
