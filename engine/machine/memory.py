"""Memory a fit may use: what is free on a device, and an early, clear refusal when a model's
estimated footprint (its ``memory_bytes``) would not fit, instead of running out of memory midway.

``available(device)``: free bytes — CUDA: ``torch.cuda.mem_get_info``; elsewhere the operating
system's available memory (Linux ``MemAvailable``, else free physical pages); None when unknown.
``require(what, need, device)``: ``ModelError`` when ``need`` bytes exceed what is available.
"""

from __future__ import annotations

import os

from engine.errors import ModelError


def available(device: str = "cpu") -> int | None:
    """Free bytes on ``device`` ("cpu", "cuda", "cuda:1", "mps" counts as the machine's memory)."""
    if str(device).startswith("cuda"):
        import torch
        if torch.cuda.is_available():
            free, _ = torch.cuda.mem_get_info(torch.device(device))
            return int(free)
        return None
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_AVPHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return None


def gib(n: float) -> str:
    return f"{n / 2**30:.1f} GiB" if n >= 2**30 else f"{n / 2**20:.0f} MiB"


def require(what: str, need: int, device: str = "cpu", hint: str = "") -> None:
    """ModelError naming ``what`` when its estimated ``need`` (bytes) exceeds the free memory of ``device``."""
    free = available(device)
    if free is not None and need > free:
        where = "GPU memory" if str(device).startswith("cuda") else "memory"
        raise ModelError(f"{what} needs about {gib(need)} of {where} (an estimate), but only {gib(free)} is free"
                         + (f"; {hint}" if hint else ""))
