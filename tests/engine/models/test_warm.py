"""The engine warm-up loads what a first training would: torch's optimizer machinery and the numba
kernels of iALS and validation, with the argument types the fits use (no compile on first fit)."""

import sys

import numpy as np

from engine.data.interactions import Interactions
from engine.evaluate import validator
from engine.models import ials_cpu
from engine.models.ials import IALS
from engine.models.warm import warm_up


def test_warm_up_loads_the_kernels_a_fit_then_reuses():
    parts = warm_up()
    assert set(parts) == {"optimizer", "kernels"} and all(v >= 0 for v in parts.values())
    assert "torch._dynamo" in sys.modules
    loaded = {k: list(k.signatures) for k in (ials_cpu.cg_half_step, ials_cpu.nonzero_loss, validator.top_unseen)}
    assert all(len(sigs) == 1 for sigs in loaded.values())
    rng = np.random.default_rng(0)
    inter = Interactions.from_arrays(rng.integers(0, 30, 300), rng.integers(0, 20, 300))
    IALS(factors=4, epochs=3, validate_every=1, device="cpu", seed=0).fit(inter)   # validated + refit
    assert {k: list(k.signatures) for k in loaded} == loaded                        # nothing compiled anew
