"""`recscope evaluate --model pop --json` agrees with the plain-loop reference on generated ratings."""

import pytest

from eval_helpers import cli_evaluate
from reference_protocol import reference_evaluate


def test_cli_evaluate_pop_matches_reference(ratings_frames, tmp_path):
    tr, te = ratings_frames
    out = cli_evaluate(tr, te, tmp_path, "--model", "pop", "--k", "10", "--k", "20")
    assert out["model"] == "pop" and out["fit_seconds"] >= 0 and out["score_seconds"] >= 0
    ref = reference_evaluate(tr, te, "pop", ks=(10, 20))
    expected = {k: v for k, v in ref.items() if "@" in k}
    assert set(expected) <= set(out["metrics"])
    for key, value in expected.items():
        assert out["metrics"][key] == pytest.approx(value, rel=1e-6, abs=1e-6), key
