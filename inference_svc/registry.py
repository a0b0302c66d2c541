"""The model registry: which checkpoint serves each tier, with which engine settings.

Profiles group the tiers for one kind of machine:
- `gpu-16gb`: Qwen3 tiers with corrected references. The 8B and 14B tiers use the separate
  AWQ checkpoints (`quantization="awq"` on the bf16 repos fails, and bf16 8B/14B do not fit
  16 GB), float16. The small tier is Qwen3-4B-Instruct-2507 by default: it answers at once,
  and a 16 GB card decodes a 4B model at roughly 25-70 tokens/s, so even a 1,000-token
  thinking budget is 15-40 s before the answer starts, far from the spec's 5 s for a
  typical job. `INFERENCE_SMALL_MODEL=thinking` serves Qwen3-4B-Thinking-2507 instead: the
  qwen3 reasoning parser (the JSON grammar applies after `</think>`), a thinking budget
  after which vLLM forces `</think>`, and its model card's sampling. The 4B's dtype follows
  the GPU: bf16 from compute capability 8.0, fp16 below (T4).
- `cpu`: every tier on the embedded model folder (one checkpoint: no switching), float32.
Configuration can override any tier's checkpoint, and the engine settings of all of them.
"""

from __future__ import annotations

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
# left on a 16 GB card after the 14B AWQ weights (~9.3 GiB) at 0.85 utilisation, and costs
# the 0.5B CPU model ~0.3 GB of float32 KV cache.
MAX_MODEL_LEN = 12288


@dataclass(frozen=True)
class Sampling:
    """A model's sampling when the request leaves it unset."""

    temperature: float = 0.0
    top_p: float = 1.0
    top_k: int = 0


GREEDY = Sampling()
# Qwen3-4B-Thinking-2507's model card: greedy decoding makes thinking repeat endlessly.
THINKING_CARD_SAMPLING = Sampling(temperature=0.6, top_p=0.95, top_k=20)


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
    # Reasoning tokens before vLLM forces the end of thinking (`</think>`); the request's
    # max_tokens is then the answer's budget on top of it.
    thinking_budget: int = 0
    sampling: Sampling = GREEDY
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
    # Tokens one decode step may carry, max_num_seqs x (1 + speculative_tokens); None: no
    # cap. build_registry lowers max_num_seqs (configured or not) to fit it. vLLM captures
    # CUDA graphs up to twice this many tokens and sizes the sampler's buffers by it, all
    # taken from the KV cache's share of the card (see MAXIMUM_DECODE_TOKENS).
    max_decode_tokens: int | None = None


# The 14B tier on a 16 GB card, T4 worst case (estimates; vLLM's start log on the card
# gives the real "Available KV cache memory" and its CUDA graph memory estimate):
#   CUDA reports 14.75 GiB on a T4 (nvidia-smi 15.0); x 0.85 = 12.54 GiB that vLLM fills
#   - weights, Qwen3-14B-AWQ (bench/gpu_memory_plan.py)   9.29 GiB   -> 3.25 GiB left
#   - activations at 2,048 batched tokens                 ~0.6 GiB   (on a T4 AWQ
#     dequantizes a 5120 x 34816 fp16 weight for large batches: 340 MiB of it)
#   KV cache: 40 layers x 8 KV heads x 128 x 2 (K, V) x 2 bytes = 160 KiB a token; vLLM
#   refuses to start below one 12,288-token context, 1.875 GiB.
# max_num_seqs 64 with 4 n-gram tokens = 320 tokens a decode step:
#   - sampler buffers, 320 rows x 151,936 vocab x 4 bytes x ~3 copies  ~0.55 GiB
#   - CUDA graphs to min(2 x 320, 512) = 512 tokens, 55 sizes          ~0.8 GiB
#   KV = 3.25 - 0.6 - 0.55 - 0.8 = ~1.3 GiB: less than one context, the start fails.
# Capped at 64 tokens a step (12 sequences x 5 = 60):
#   - sampler buffers, 60 rows                                         ~0.1 GiB
#   - CUDA graphs to min(2 x 60, 512) = 120 tokens, 22 sizes           ~0.25 GiB
#   KV = 3.25 - 0.6 - 0.1 - 0.25 = ~2.3 GiB = ~15,000 tokens: one full context and 0.4 GiB
#   to spare, or about 6 jobs of 2,500 tokens at once. More than 12 sequences could not
#   hold their KV cache together anyway, so the cap costs next to no throughput. n-gram
#   speculation stays (its proposer runs on the CPU; its verify tokens are what count
#   here). Speculation off (INFERENCE_SPECULATIVE_TOKENS=0) is 64 sequences of one token:
#   the profile's 64, the decode width the other tiers have without speculation.
MAXIMUM_DECODE_TOKENS = 64


def _small_tier(settings: InferenceSettings, dtype: str) -> ModelSpec:
    if settings.small_model == "thinking":
        return thinking_spec(ModelSpec(name="qwen3-4b-thinking-2507",
                                       checkpoint="Qwen/Qwen3-4B-Thinking-2507", dtype=dtype),
                             settings.thinking_budget)
    return ModelSpec(name="qwen3-4b-instruct-2507", checkpoint="Qwen/Qwen3-4B-Instruct-2507",
                     dtype=dtype, speculative_tokens=4)


def thinking_spec(spec: ModelSpec, budget: int) -> ModelSpec:
    """`spec` as a model that always reasons first (Qwen3 thinking template)."""
    return replace(spec, reasoning_parser="qwen3", thinking_budget=budget,
                   sampling=THINKING_CARD_SAMPLING, speculative_tokens=0)


def _gpu_profile(settings: InferenceSettings, capability: tuple[int, int] | None) -> dict[str, ModelSpec]:
    from inference_svc.device import dtype_for

    return {
        "thinking": _small_tier(settings, dtype_for(capability or (8, 0))),
        "primary": ModelSpec(
            name="qwen3-8b-awq", checkpoint="Qwen/Qwen3-8B-AWQ",
            dtype="float16", quantization="awq", enable_thinking=False, speculative_tokens=4),
        "maximum": ModelSpec(
            name="qwen3-14b-awq", checkpoint="Qwen/Qwen3-14B-AWQ",
            dtype="float16", quantization="awq", enable_thinking=False, speculative_tokens=4,
            max_decode_tokens=MAXIMUM_DECODE_TOKENS),
    }


def _cpu_profile(cache_dir: Path, folder: str) -> dict[str, ModelSpec]:
    embedded = ModelSpec(
        name=folder, checkpoint=str(cache_dir / folder),
        dtype="float32", gpu_memory_utilization=0.9,
        enforce_eager=True, max_num_seqs=4)
    return {tier: embedded for tier in TIERS}


def resolve_profile(settings: InferenceSettings) -> str:
    """The profile to serve: as configured, or by device (NVML: no CUDA context here)."""
    if settings.profile != "auto":
        return settings.profile
    from inference_svc.device import nvidia_gpus

    return "gpu-16gb" if nvidia_gpus() else "cpu"


def _override_name(checkpoint: str) -> str:
    return Path(checkpoint.rstrip("/")).name.lower() or checkpoint


def build_registry(settings: InferenceSettings, profile: str,
                   capability: tuple[int, int] | None = None) -> dict[str, ModelSpec]:
    """Tier -> ModelSpec for `profile` (`capability`: the GPU's compute capability, which
    picks the 4B's dtype), with the configuration's overrides applied."""
    specs = (_cpu_profile(settings.model_cache_dir, EMBEDDED_MODELS[settings.embedded_model])
             if profile == "cpu" else _gpu_profile(settings, capability))
    overrides = {"thinking": settings.model_thinking, "primary": settings.model_primary,
                 "maximum": settings.model_maximum}
    out: dict[str, ModelSpec] = {}
    for tier, spec in specs.items():
        if overrides[tier]:
            spec = replace(spec, name=_override_name(overrides[tier]),
                           checkpoint=overrides[tier])
        if tier == "thinking" and settings.small_model == "thinking" and not spec.reasoning_parser:
            if not overrides[tier]:
                raise ValueError("INFERENCE_SMALL_MODEL=thinking on the cpu profile needs a "
                                 "thinking checkpoint in INFERENCE_MODEL_THINKING (the "
                                 "embedded model does not think)")
            spec = thinking_spec(spec, settings.thinking_budget)
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
        out[tier] = _capped(replace(spec, **changes))
    return out


def _capped(spec: ModelSpec) -> ModelSpec:
    """`spec` within its max_decode_tokens: fewer sequences (and, only past the cap on its
    own, fewer speculative tokens)."""
    cap = spec.max_decode_tokens
    if cap is None:
        return spec
    speculative = min(spec.speculative_tokens, cap - 1)
    return replace(spec, speculative_tokens=speculative,
                   max_num_seqs=max(1, min(spec.max_num_seqs, cap // (1 + speculative))))


def is_local(checkpoint: str) -> bool:
    """A folder on this machine (absolute, relative with a dot, or existing); else a hub id."""
    return Path(checkpoint).is_absolute() or checkpoint.startswith(".") \
        or Path(checkpoint).exists()


def check_checkpoint(spec: ModelSpec) -> None:
    """A local checkpoint must exist before anything is unloaded for it (LoadFailed)."""
    path = Path(spec.checkpoint)
    if is_local(spec.checkpoint) and not (path / "config.json").is_file():
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
