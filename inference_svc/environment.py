"""The process environment the engine needs, set once before anything imports vLLM.

- Hub state lives under MODEL_CACHE_DIR, not the container's home: `HF_HOME` (weights,
  config, tokenizer, all in one snapshot per model) and `VLLM_CACHE_ROOT` (torch.compile
  and CUDA graph caches). A volume on MODEL_CACHE_DIR is then everything a restart needs;
  `jobextract models prepare --profile gpu-16gb` fills it once, and when every tier's
  snapshot is complete (config, tokenizer, and every weight shard its index names) the
  service runs with `HF_HUB_OFFLINE=1` (no hub call at start).
- CPU: OpenMP bound to every core, none reserved (vLLM reserves one of our two), and its
  threads sleep while they wait (OMP_WAIT_POLICY=PASSIVE): spinning, they held both cores
  between the engine's steps, the stream's first message and other processes (the router,
  a health probe) then waited seconds whenever one more thing ran. Sleeping costs the
  embedded 0.5B model about 6% of its postings a minute here (bench/ab.py).
- CUDA: engine workers start with `spawn` (the parent holds no CUDA context to fork).
Values the user set win, except where noted.
"""

from __future__ import annotations

import json
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


# A tokenizer vLLM can load offline: its config plus the fast tokenizer, a BPE vocabulary
# with its merges, a sentencepiece model or a tiktoken file.
TOKENIZER_CONFIG = "tokenizer_config.json"
TOKENIZER_FILES = (("tokenizer.json",), ("vocab.json", "merges.txt"), ("tokenizer.model",))
WEIGHT_INDEX = "model.safetensors.index.json"
SINGLE_WEIGHTS = "model.safetensors"


def hub_snapshot(checkpoint: str, hf_home: str | Path) -> Path | None:
    """The snapshot folder an offline load of `checkpoint` reads: the one its `main` ref
    names in `hf_home`'s hub cache (huggingface_hub's layout; offline, an older complete
    revision is not used). None without the ref; the folder may not exist."""
    repo = Path(hf_home) / "hub" / f"models--{checkpoint.replace('/', '--')}"
    try:
        revision = (repo / "refs" / "main").read_text().strip()
    except OSError:
        return None
    return repo / "snapshots" / revision if revision else None


def weight_files(folder: Path) -> list[Path] | None:
    """The weight files `folder`'s checkpoint consists of: every shard its safetensors
    index names (weight_map), else the single model.safetensors; None when neither the
    index nor the single file is there (the checkpoint is not known to be whole)."""
    index = folder / WEIGHT_INDEX
    if index.is_file():
        try:
            weight_map = json.loads(index.read_text())["weight_map"]
        except (OSError, ValueError, KeyError, TypeError):
            return None
        return [folder / name for name in sorted(set(weight_map.values()))]
    single = folder / SINGLE_WEIGHTS
    return [single] if single.is_file() else None


def snapshot_gaps(folder: Path | None) -> list[str]:
    """What `folder` lacks to be loaded with no hub call: config.json, the tokenizer, and
    every weight file (a snapshot_download that stopped part-way leaves some shards out).
    Empty when complete. Files are followed through the cache's symlinks to their blobs."""
    if folder is None or not folder.is_dir():
        return ["the snapshot"]
    gaps = [] if (folder / "config.json").is_file() else ["config.json"]
    if not (folder / TOKENIZER_CONFIG).is_file():
        gaps.append(TOKENIZER_CONFIG)
    if not any(all((folder / name).is_file() for name in option) for option in TOKENIZER_FILES) \
            and not any(folder.glob("*.tiktoken")):
        gaps.append("tokenizer.json (or vocab.json and merges.txt, or tokenizer.model)")
    weights = weight_files(folder)
    if weights is None:
        gaps.append(f"{WEIGHT_INDEX} or {SINGLE_WEIGHTS}")
    else:
        gaps += [path.name for path in weights if not path.is_file()]
    return gaps


def missing_from_cache(checkpoints: list[str], hf_home: str) -> list[str]:
    """Hub checkpoints whose snapshot in `hf_home`'s hub cache is not complete (see
    snapshot_gaps): with one of them, HF_HUB_OFFLINE=1 would fail its load."""
    return [checkpoint for checkpoint in checkpoints
            if snapshot_gaps(hub_snapshot(checkpoint, hf_home))]


def checkpoint_weight_bytes(checkpoint: str, hf_home: str | None = None) -> int | None:
    """Bytes of `checkpoint`'s weight files (a local folder, or its hub snapshot under
    `hf_home`, by default HF_HOME): about what vLLM's level-1 sleep copies into pinned host
    memory. None when they cannot be found whole."""
    if is_local(checkpoint):
        folder = Path(checkpoint)
    else:
        home = hf_home or os.environ.get("HF_HOME") or Path.home() / ".cache" / "huggingface"
        folder = hub_snapshot(checkpoint, home)
    weights = weight_files(folder) if folder is not None and folder.is_dir() else None
    try:
        return sum(path.stat().st_size for path in weights) if weights else None
    except OSError:
        return None


def cpu_engine_environment() -> dict[str, str]:
    """vLLM's CPU engine on every core this process may use, none reserved, its OpenMP
    threads asleep while they wait (the module's docstring says why)."""
    cpus = ",".join(str(c) for c in sorted(os.sched_getaffinity(0)))
    return {"VLLM_CPU_OMP_THREADS_BIND": cpus, "VLLM_CPU_NUM_OF_RESERVED_CPU": "0",
            "OMP_WAIT_POLICY": "PASSIVE"}


def apply_environment(cache_dir: Path, registry: dict[str, ModelSpec], profile: str) -> dict:
    """Set the variables above in os.environ; return what was decided (for the log)."""
    for name, value in cache_layout(cache_dir).items():
        os.environ.setdefault(name, value)
    needed = hub_checkpoints(registry)
    missing = missing_from_cache(needed, os.environ["HF_HOME"]) if needed else []
    if not missing:  # every checkpoint is local or cached: no hub call at all
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
    if profile == "cpu":
        for name, value in {**cpu_engine_environment(), "VLLM_CPU_KVCACHE_SPACE": "2"}.items():
            os.environ.setdefault(name, value)
    else:
        os.environ.setdefault("VLLM_WORKER_MULTIPROC_METHOD", "spawn")
    return {"HF_HOME": os.environ["HF_HOME"], "VLLM_CACHE_ROOT": os.environ["VLLM_CACHE_ROOT"],
            "offline": os.environ.get("HF_HUB_OFFLINE", "") not in ("", "0"),
            "missing_from_cache": missing}
