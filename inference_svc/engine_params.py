"""What the service asks vLLM for: engine arguments per model, sampling per request.

The two places that speak vLLM's parameter language, side by side.
"""

from __future__ import annotations

from inference_svc.registry import ModelSpec
from inference_svc.requests import GenerationJob

# The end of thinking is forced as `</think>` (one token for Qwen3), then the answer starts.
THINKING_END_ROOM = 8


def engine_kwargs(spec: ModelSpec, sleep_mode: bool = False) -> dict:
    """Keyword arguments for vLLM's AsyncEngineArgs. Hub checkpoints resolve through
    HF_HOME (environment.py), which holds weights, config and tokenizer together."""
    from vllm.config import StructuredOutputsConfig

    return dict(
        model=spec.checkpoint,
        served_model_name=spec.name,
        dtype=spec.dtype,
        quantization=spec.quantization,
        max_model_len=spec.max_model_len,
        gpu_memory_utilization=spec.gpu_memory_utilization,
        enforce_eager=spec.enforce_eager,
        max_num_seqs=spec.max_num_seqs,
        trust_remote_code=spec.trust_remote_code,
        enable_sleep_mode=sleep_mode,
        # As the engine's own argument (not only for structured outputs): it also enables
        # the reasoning config that SamplingParams.thinking_token_budget needs.
        reasoning_parser=spec.reasoning_parser or "",
        disable_log_stats=False,  # vLLM's own metrics (vllm:*) for /metrics, and a stats line
        speculative_config=({"method": "ngram", "num_speculative_tokens": spec.speculative_tokens,
                             "prompt_lookup_min": 2, "prompt_lookup_max": 5}
                            if spec.speculative_tokens else None),
        # Compact JSON: no runaway whitespace between fields, fewer tokens.
        structured_outputs_config=StructuredOutputsConfig(
            backend="xgrammar",
            disable_any_whitespace=True,
        ),
    )


def generation_budget(spec: ModelSpec, answer_tokens: int) -> int:
    """Tokens the engine may generate: the answer's, plus a thinking model's reasoning."""
    return answer_tokens + (spec.thinking_budget + THINKING_END_ROOM
                            if spec.reasoning_parser else 0)


def sampling_params(job: GenerationJob, spec: ModelSpec, answer_tokens: int):
    """vLLM SamplingParams for `job` on `spec`: streamed as deltas, JSON-constrained when
    asked; sampling the request leaves unset is the model's (a thinking model's card)."""
    from vllm import SamplingParams
    from vllm.sampling_params import RequestOutputKind, StructuredOutputsParams

    default = spec.sampling
    return SamplingParams(
        max_tokens=generation_budget(spec, answer_tokens),
        thinking_token_budget=spec.thinking_budget if spec.reasoning_parser else None,
        temperature=default.temperature if job.temperature is None else job.temperature,
        top_p=default.top_p if job.top_p is None else job.top_p,
        top_k=default.top_k if job.top_k is None else job.top_k,
        seed=job.seed,
        repetition_penalty=job.repetition_penalty,
        stop=job.stop or None,
        ignore_eos=job.ignore_eos,
        output_kind=RequestOutputKind.DELTA,
        stream_interval=job.stream_interval,
        structured_outputs=(StructuredOutputsParams(json=job.json_schema)
                            if job.json_schema is not None else None),
    )
