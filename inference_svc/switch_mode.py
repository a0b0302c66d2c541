"""How a model switch is made: reload, or vLLM's sleep mode where the platform has it.

reload: shut the resident engine down (its workers exit, memory is freed), start the next.
sleep: put the resident engine to sleep at level 1 (weights copied to host memory, KV
cache dropped, GPU memory released) and keep it; a switch back is `wake_up()`, seconds
instead of a full load (vLLM's measurements: 0.1-6 s against 30-100 s). The GPU still holds
one model's weights at a time. Sleep mode needs vLLM's CuMemAllocator (CUDA, ROCm).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SwitchMode:
    mode: str   # reload | sleep
    note: str   # why, for GetModelInfo and the log


def sleep_mode_available() -> bool:
    """vLLM's own answer for this platform (no CUDA context is created to ask)."""
    from vllm.platforms import current_platform

    return current_platform.is_sleep_mode_available()


def choose_switch_mode(requested: str, sleep_available: bool) -> SwitchMode:
    """`requested` is INFERENCE_SWITCH_MODE (auto | reload | sleep)."""
    if requested == "reload":
        return SwitchMode("reload", "configured (INFERENCE_SWITCH_MODE=reload)")
    if sleep_available:
        return SwitchMode("sleep", "sleeping models wait in host memory; a switch back wakes "
                                   "one" + (" (auto: this platform has sleep mode)"
                                            if requested == "auto" else ""))
    if requested == "sleep":
        raise ValueError("INFERENCE_SWITCH_MODE=sleep needs vLLM's sleep mode, which this "
                         "platform does not have (CUDA or ROCm only); use reload or auto")
    return SwitchMode("reload", "sleep mode needs CUDA or ROCm (vLLM's CuMemAllocator); "
                                "this platform reloads a model on each switch")
