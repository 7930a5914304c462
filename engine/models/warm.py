"""Pay once, before anyone waits: what the first training in a process would otherwise load.

``warm_up() -> dict[str, float]`` (wall seconds per part) loads, in the calling thread:

- "optimizer": a torch optimizer on one parameter. Every ``torch.optim`` optimizer imports
  ``torch._dynamo`` (sympy, torch.distributed, ...) on first construction: ~1.3 s of CPU under the
  GIL on the shared 2-core box, paid by the first BPR / two-tower / SASRec fit;
- "kernels": numba's CPU target (its typing and lowering registries: ~0.8 s CPU on first use in a
  process) and the compiled kernels of iALS (``engine.models.ials_cpu``) and of validation
  (``engine.evaluate.validator``), from numba's cache (``engine.machine.cache``) or compiled once
  per machine.

All of it is Python work that holds the GIL; done in a training worker it stalls a GUI thread
(bench/bench_gui_latency.py ``--trace``). The desktop calls this before its window accepts work;
benchmarks call it before they time a fit, as a peer library's compiled code is loaded by its
import. Calling it again costs microseconds.
"""

from __future__ import annotations

import time


def warm_up() -> dict[str, float]:
    """Load the lazy imports and compiled kernels of training; see the module docstring."""
    import torch

    from engine.evaluate import validator
    from engine.models import ials_cpu

    out = {}
    start = time.perf_counter()
    torch.optim.Adam([torch.nn.Parameter(torch.zeros(1))])
    out["optimizer"] = time.perf_counter() - start
    start = time.perf_counter()
    ials_cpu.warm()
    validator.warm()
    out["kernels"] = time.perf_counter() - start
    return out
