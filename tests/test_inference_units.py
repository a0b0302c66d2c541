"""Pieces of the inference service that need no engine: registry, configuration, filters."""

import pytest

from inference_svc.config import InferenceSettings
from inference_svc.engine_params import engine_kwargs
from inference_svc.reasoning import ReasoningFilter
from inference_svc.registry import build_registry, find_model, tiers_of


def settings(**env) -> InferenceSettings:
    return InferenceSettings(_env_file=None, **env)


def test_gpu_profile_uses_corrected_qwen3_references():
    registry = build_registry(settings(), "gpu-16gb")
    thinking, primary, maximum = (registry[t] for t in ("thinking", "primary", "maximum"))
    assert thinking.checkpoint == "Qwen/Qwen3-4B-Thinking-2507"
    assert thinking.quantization is None and thinking.reasoning_parser == "qwen3"
    # AWQ only on the AWQ checkpoints; the bf16 8B/14B repos are not AWQ and do not fit.
    assert (primary.checkpoint, primary.quantization) == ("Qwen/Qwen3-8B-AWQ", "awq")
    assert (maximum.checkpoint, maximum.quantization) == ("Qwen/Qwen3-14B-AWQ", "awq")
    assert primary.enable_thinking is False and maximum.enable_thinking is False
    # Prompt lookup for the instruct tiers, whose answers copy the posting; not for thinking.
    assert (thinking.speculative_tokens, primary.speculative_tokens,
            maximum.speculative_tokens) == (0, 4, 4)
    for spec in registry.values():
        assert spec.gpu_memory_utilization == 0.85
        assert 8000 < spec.max_model_len <= 16384  # the threshold fits; not 131072
    assert len({spec.name for spec in registry.values()}) == 3


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
