"""`recscope compress` on the bundled demo data: JSON report, sweep points, one-line errors."""

import json

import pytest

from engine.cli import main

from pathlib import Path

DEMO = Path(__file__).resolve().parents[3] / "resources" / "demo" / "online_retail_demo.csv"


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    """(train.csv, test.csv, model dir) of EASE fitted on a per-user 80/20 split of the demo data."""
    d = tmp_path_factory.mktemp("cli")
    assert main(["split", str(DEMO), "--out", str(d / "split"), "--seed", "0"]) == 0
    train, test = d / "split" / "train.csv", d / "split" / "test.csv"
    assert main(["train", "--train", str(train), "--model", "ease", "--out", str(d / "ease")]) == 0
    return train, test, d / "ease"


def test_compress_prints_the_report_and_saves_the_model(saved, tmp_path, capsys):
    train, test, model_dir = saved
    capsys.readouterr()
    out = tmp_path / "small"
    assert main(["compress", "--model-dir", str(model_dir), "--method", "topk:50", "--train", str(train),
                 "--test", str(test), "--out", str(out), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    for key in ("size_bytes_before", "size_bytes_after", "metrics_before", "metrics_after",
                "latency_ms_per_1k_before", "latency_ms_per_1k_after"):
        assert key in report
    assert report["size_bytes_after"] < report["size_bytes_before"] and report["method"] == "topk:50"
    assert "ndcg@10" in report["metrics_after"] and report["model_dir"] == str(out)
    from engine.models.base import Recommender
    assert Recommender.load(out).name == "ease_compressed"


def test_sweep_prints_pareto_points(saved, tmp_path, capsys):
    train, test, model_dir = saved
    capsys.readouterr()
    assert main(["compress", "--model-dir", str(model_dir), "--sweep", "int8,prune:0.9+int8", "--train", str(train),
                 "--test", str(test), "--out", str(tmp_path), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert [p["method"] for p in out["points"]] == ["original", "int8", "prune:0.9+int8"]
    assert any(p["pareto"] for p in out["points"]) and len(out["reports"]) == 2
    assert json.loads((tmp_path / "sweep.json").read_text())["points"] == out["points"]


@pytest.mark.parametrize("method, fragment", [("prune:7", "in (0, 1)"), ("distill:layers=2", "dim="),
                                              ("frobnicate", "unknown kind")])
def test_bad_spec_exits_2_with_one_line(saved, tmp_path, capsys, method, fragment):
    train, test, model_dir = saved
    capsys.readouterr()
    code = main(["compress", "--model-dir", str(model_dir), "--method", method, "--train", str(train),
                 "--test", str(test), "--out", str(tmp_path / "x")])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1 and fragment in err[0] and "int8" in err[0]


def test_split_specs_keep_options_with_their_method():
    from engine.cli.compress import _split_specs
    assert _split_specs("int8,distill:dim=16,layers=1,topk:50") == ["int8", "distill:dim=16,layers=1", "topk:50"]
    assert _split_specs("prune:0.8,finetune=2;lowrank:8") == ["prune:0.8,finetune=2", "lowrank:8"]
