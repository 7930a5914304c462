"""bench/gpu_check.py's CPU half runs (small data) so the GPU check cannot rot: every torch model
trains, compresses by every method kind that applies and explains by every method it supports."""

import importlib.util
import json
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "bench" / "gpu_check.py"


@pytest.mark.slow
def test_cpu_half_trains_compresses_and_explains_every_torch_model(tmp_path):
    spec = importlib.util.spec_from_file_location("gpu_check", SCRIPT)
    gpu_check = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gpu_check)
    out = tmp_path / "rows.json"
    assert gpu_check.main(["--small", "--cpu-only", "--json", str(out)]) == 0
    report = json.loads(out.read_text())
    assert report["gpu"] == "no CUDA" and report["problems"] == []
    rows = {r["model"]: r for r in report["rows"]}
    assert set(rows) == set(gpu_check.torch_models()) >= {"bpr", "ials", "twotower", "sasrec"}
    for row in rows.values():
        assert row["compress"] and row["explain"] and 0.0 <= row["ndcg_cpu"] <= 1.0
        assert "cuda_fit_s" not in row                  # no GPU numbers without a GPU
