"""`recscope evaluate --model pop --json` agrees with the plain-loop reference on ml-100k."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from reference_protocol import reference_evaluate

REPO = Path(__file__).resolve().parents[3]


@pytest.mark.shared
def test_cli_evaluate_pop_matches_reference(ml100k_frames, tmp_path):
    tr, te = ml100k_frames
    train, test = tmp_path / "train.csv", tmp_path / "test.csv"
    tr.to_csv(train, index=False)
    te.to_csv(test, index=False)
    res = subprocess.run([sys.executable, "-m", "engine.cli", "evaluate", "--train", str(train), "--test",
                          str(test), "--model", "pop", "--k", "10", "--k", "20", "--json"],
                         capture_output=True, text=True, cwd=REPO, timeout=300)
    assert res.returncode == 0, res.stderr
    out = json.loads(res.stdout.strip().splitlines()[-1])
    assert out["model"] == "pop" and out["fit_seconds"] >= 0 and out["score_seconds"] >= 0
    ref = reference_evaluate(tr, te, "pop", ks=(10, 20))
    expected = {k: v for k, v in ref.items() if "@" in k}
    assert set(expected) <= set(out["metrics"])
    for key, value in expected.items():
        assert out["metrics"][key] == pytest.approx(value, rel=1e-6, abs=1e-6), key
