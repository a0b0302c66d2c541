"""The process environment the engine needs, set once before anything imports vLLM.

- Hub state lives under MODEL_CACHE_DIR, not the container's home: `HF_HOME` (weights,
  config, tokenizer, all in one snapshot per model) and `VLLM_CACHE_ROOT` (torch.compile
  and CUDA graph caches). A volume on MODEL_CACHE_DIR is then everything a restart needs;
  `jobextract models prepare --profile gpu-16gb` fills it once, and when every tier's
  checkpoint is there the service runs with `HF_HUB_OFFLINE=1` (no hub call at start).
- CPU: OpenMP bound to every core, none reserved (vLLM reserves one of our two).
- CUDA: engine workers start with `spawn` (the parent holds no CUDA context to fork).
Values the user set win, except where noted.
"""

from __future__ import annotations

import os
from pathlib import Path

from inference_svc.registry import ModelSpec, is_local


def cache_layout(cache_dir: Path) -> dict[str, str]:
    """Where hub and vLLM state go under MODEL_CACHE_DIR."""
    root = Path(cache_dir).resolve()
    return {"HF_HOME": str(root / "hf"), "VLLM_CACHE_ROOT": str(root / "vllm")}


def hub_checkpoints(registry: dict[str, ModelSpec]) -> list[str]:
    """Checkpoints that are hub ids (org/name), not local folders."""
    return sorted({spec.checkpoint for spec in registry.values() if not is_local(spec.checkpoint)})


def missing_from_cache(checkpoints: list[str], hf_home: str) -> list[str]:
    """Hub checkpoints with no complete snapshot (config.json) in `hf_home`'s hub cache."""
    from huggingface_hub import scan_cache_dir
    from huggingface_hub.errors import CacheNotFound

    hub = Path(hf_home) / "hub"
    try:
        cached = {repo.repo_id: repo for repo in scan_cache_dir(hub).repos
                  if repo.repo_type == "model"}
    except CacheNotFound:
        return list(checkpoints)
    missing = []
    for checkpoint in checkpoints:
        repo = cached.get(checkpoint)
        complete = repo is not None and any(
            any(f.file_name == "config.json" for f in revision.files)
            and any(f.file_name.endswith(".safetensors") for f in revision.files)
            for revision in repo.revisions)
        if not complete:
            missing.append(checkpoint)
    return missing


def apply_environment(cache_dir: Path, registry: dict[str, ModelSpec], profile: str) -> dict:
    """Set the variables above in os.environ; return what was decided (for the log)."""
    for name, value in cache_layout(cache_dir).items():
        os.environ.setdefault(name, value)
    needed = hub_checkpoints(registry)
    missing = missing_from_cache(needed, os.environ["HF_HOME"]) if needed else []
    if not missing:  # every checkpoint is local or cached: no hub call at all
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
    if profile == "cpu":
        cpus = ",".join(str(c) for c in sorted(os.sched_getaffinity(0)))
        os.environ.setdefault("VLLM_CPU_OMP_THREADS_BIND", cpus)
        os.environ.setdefault("VLLM_CPU_NUM_OF_RESERVED_CPU", "0")
        os.environ.setdefault("VLLM_CPU_KVCACHE_SPACE", "2")
    else:
        os.environ.setdefault("VLLM_WORKER_MULTIPROC_METHOD", "spawn")
    return {"HF_HOME": os.environ["HF_HOME"], "VLLM_CACHE_ROOT": os.environ["VLLM_CACHE_ROOT"],
            "offline": os.environ.get("HF_HUB_OFFLINE", "") not in ("", "0"),
            "missing_from_cache": missing}
