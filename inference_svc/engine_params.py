"""What the service asks vLLM for: engine arguments per model, sampling per request.

The two places that speak vLLM's parameter language, side by side.
"""

from __future__ import annotations

from pathlib import Path

from inference_svc.registry import ModelSpec
from inference_svc.requests import GenerationJob


def engine_kwargs(spec: ModelSpec, download_dir: Path | None = None) -> dict:
    """Keyword arguments for vLLM's AsyncEngineArgs (hub downloads go to download_dir)."""
    from vllm.config import StructuredOutputsConfig

    return dict(
        model=spec.checkpoint,
        download_dir=str(download_dir) if download_dir else None,
        served_model_name=spec.name,
        dtype=spec.dtype,
        quantization=spec.quantization,
        max_model_len=spec.max_model_len,
        gpu_memory_utilization=spec.gpu_memory_utilization,
        enforce_eager=spec.enforce_eager,
        max_num_seqs=spec.max_num_seqs,
        trust_remote_code=spec.trust_remote_code,
        disable_log_stats=False,  # vLLM's own metrics (vllm:*) for /metrics, and a stats line
        speculative_config=({"method": "ngram", "num_speculative_tokens": spec.speculative_tokens,
                             "prompt_lookup_min": 2, "prompt_lookup_max": 5}
                            if spec.speculative_tokens else None),
        # Compact JSON: no runaway whitespace between fields, fewer tokens.
        structured_outputs_config=StructuredOutputsConfig(
            backend="xgrammar",
            disable_any_whitespace=True,
            reasoning_parser=spec.reasoning_parser or "",
        ),
    )


def sampling_params(job: GenerationJob, max_tokens: int):
    """vLLM SamplingParams for `job`: streamed as deltas, JSON-constrained when asked."""
    from vllm import SamplingParams
    from vllm.sampling_params import RequestOutputKind, StructuredOutputsParams

    return SamplingParams(
        max_tokens=max_tokens,
        temperature=job.temperature,
        top_p=job.top_p,
        top_k=job.top_k,
        seed=job.seed,
        repetition_penalty=job.repetition_penalty,
        stop=job.stop or None,
        ignore_eos=job.ignore_eos,
        output_kind=RequestOutputKind.DELTA,
        stream_interval=job.stream_interval,
        structured_outputs=(StructuredOutputsParams(json=job.json_schema)
                            if job.json_schema is not None else None),
    )
