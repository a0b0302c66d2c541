"""What the service reads from and does to the device: memory in use, freeing it."""

from __future__ import annotations


def free_device_memory() -> None:
    import gc

    gc.collect()
    try:
        import torch

        if torch.cuda.is_available():
            torch.cuda.empty_cache()
    except Exception:  # noqa: BLE001 - freeing is best effort
        pass


def memory_in_use() -> tuple[int, str]:
    """(bytes, kind): device memory in use on a GPU, else RSS of this process tree."""
    try:
        import torch

        if torch.cuda.is_available():
            free, total = torch.cuda.mem_get_info()
            return total - free, "gpu_used"
    except Exception:  # noqa: BLE001
        pass
    import psutil

    me = psutil.Process()
    total = me.memory_info().rss
    for child in me.children(recursive=True):
        try:
            total += child.memory_info().rss
        except psutil.Error:
            pass
    return total, "process_tree_rss"
