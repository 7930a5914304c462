"""Seeding for reproducible training."""

from __future__ import annotations

import random

import numpy as np
import torch


def seed_everything(seed: int, device: torch.device | str | None = None) -> None:
    """Seed Python, numpy and torch (all devices) with ``seed``.

    On CPU (``device`` None or a CPU device) torch is also switched to deterministic algorithms
    (``warn_only``: an op without a deterministic kernel warns instead of failing). On GPUs the
    switch is turned off again, because deterministic cuBLAS needs process-wide settings and slows
    training; GPU runs are seeded but not bit-reproducible.

    The flag is set through ``torch._C`` when it has the setter: the public
    ``torch.use_deterministic_algorithms`` also imports ``torch._inductor`` (sympy, dynamo: ~1 s
    and ~2,000 modules, held under the GIL in a training worker while the GUI waits) only to set
    a compiler option RecScope never uses.
    """
    seed = int(seed)
    random.seed(seed)
    np.random.seed(seed % 2**32)
    torch.manual_seed(seed)
    on_cpu = device is None or torch.device(device).type == "cpu"
    setter = getattr(torch._C, "_set_deterministic_algorithms", None)
    if setter is None:
        torch.use_deterministic_algorithms(on_cpu, warn_only=True)
    else:
        setter(on_cpu, warn_only=True)
