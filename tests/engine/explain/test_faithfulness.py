"""Deletion test on ml-100k: every method that ranks history items beats random deletion (AOPC)."""

import numpy as np
import pytest

from engine.errors import Cancelled, EngineError
from engine.explain.faithfulness import deletion_methods, deletion_test
from engine.progress import CancelToken


@pytest.mark.parametrize("name", ["ease", "itemknn", "ials", "bpr", "sasrec", "twotower"])
def test_every_method_beats_random_deletion(name, ml_models, ml_split):
    model = ml_models[name]
    result = deletion_test(model, ml_split[1], users=55, k=4, steps=10, seed=0)
    assert result.pairs >= 200
    assert set(result.aopc) == set(deletion_methods(model)) | {"random"}
    for method, value in result.aopc.items():
        assert result.curves[method].shape == (11,) and abs(result.curves[method][0]) < 1e-6
        if method != "random":
            assert value > result.aopc["random"], (name, result.aopc)


def test_seeded_and_validated(ml_models, ml_split):
    model = ml_models["ease"]
    a = deletion_test(model, ml_split[1], users=20, k=3, seed=5)
    b = deletion_test(model, ml_split[1], users=20, k=3, seed=5)
    assert a.aopc == b.aopc and a.pairs == 60
    with pytest.raises(EngineError, match="cannot deletion-test 'ig'.*contributions"):
        deletion_test(model, ml_split[1], methods=["ig"])
    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        deletion_test(model, ml_split[1], users=5, cancel=token)
    seen = []
    deletion_test(model, ml_split[1], users=3, k=2, progress=seen.append)
    assert seen and seen[-1].fraction == 1.0 and np.isfinite(a.curves["random"]).all()
