"""The CLI's contract for bad input: exit status 2 and one line on stderr, never a traceback."""

import subprocess
import sys

import pytest

from pathlib import Path

REPO = Path(__file__).resolve().parents[3]


def run_cli(*args, cwd=REPO):
    return subprocess.run([sys.executable, "-m", "engine.cli", *args], capture_output=True, text=True,
                          cwd=cwd, timeout=300)


@pytest.mark.parametrize("args, fragment", [
    (["info"], "the following arguments are required: path"),
    (["info", "does-not-exist.csv"], "does-not-exist.csv: no such file"),
    (["split", "x.csv", "--out", "o", "--method", "sideways"], "invalid choice"),
    (["split", "x.csv", "--out", "o", "--test-frac", "1.5"], "must be in [0, 1)"),
    (["evaluate", "--train", "a.csv", "--test", "b.csv", "--model", "pop", "--k", "0"], "must be positive"),
    (["recommend", "--user", "1"], "recommend needs --model-dir"),
    (["frobnicate"], "invalid choice"),
])
def test_bad_arguments_exit_2_with_one_line(args, fragment):
    res = run_cli(*args)
    assert res.returncode == 2, res.stderr
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1, res.stderr
    assert fragment in lines[0]
    assert "Traceback" not in res.stderr


def test_garbage_file_is_a_clear_error(tmp_path):
    bad = tmp_path / "orders.csv"
    bad.write_bytes(bytes(range(256)) * 40)
    res = run_cli("info", str(bad))
    assert res.returncode == 2
    assert "orders.csv" in res.stderr and "Traceback" not in res.stderr
    assert len(res.stderr.strip().splitlines()) == 1


def test_unknown_model_names_the_choices(tmp_path):
    train = tmp_path / "train.csv"
    train.write_text("user,item,rating\n1,10,1\n1,11,1\n2,10,1\n")
    res = run_cli("evaluate", "--train", str(train), "--test", str(train), "--model", "nosuch")
    assert res.returncode == 2
    assert "unknown model 'nosuch'" in res.stderr and "ease" in res.stderr


def test_tune_saves_best_model_and_trials(tmp_path):
    demo = REPO / "resources" / "demo" / "online_retail_demo.csv"
    out = tmp_path / "best"
    res = run_cli("tune", "--train", str(demo), "--model", "ease", "--trials", "3", "--out", str(out), "--json")
    assert res.returncode == 0, res.stderr
    import json
    summary = json.loads(res.stdout.strip().splitlines()[-1])
    trials = json.loads((out / "tuning.json").read_text())["trials"]
    assert len(trials) == 3 and summary["trials"] == 3
    best = max(t["value"] for t in trials if t["value"] is not None)
    assert summary["best_value"] == best
    assert summary["best_params"]["l2"] == [t for t in trials if t["value"] == best][0]["params"]["l2"]
    assert (out / "weights.safetensors").exists() and (out / "config.json").exists()
    rec = run_cli("recommend", "--model-dir", str(out), "--user", "18074", "--k", "5", "--json")
    assert rec.returncode == 0, rec.stderr
    assert len(json.loads(rec.stdout.strip().splitlines()[-1])["items"]) == 5


def test_evaluate_several_test_sets_from_one_fitted_model(tmp_path):
    import json
    train = tmp_path / "train.csv"
    train.write_text("user,item\n" + "".join(f"{u},{i}\n" for u in range(1, 7) for i in range(10, 16) if (u + i) % 3))
    cold = tmp_path / "never_sold.csv"
    cold.write_text("user,item\n1,12\n2,10\n4,14\n")
    warm = tmp_path / "rest.csv"
    warm.write_text("user,item\n1,11\n3,10\n5,12\n6,13\n")
    res = run_cli("evaluate", "--train", str(train), "--test", str(cold), "--test", str(warm), "--model", "ease",
                  "--k", "3", "--json")
    assert res.returncode == 0, res.stderr
    out = json.loads(res.stdout.strip().splitlines()[-1])
    assert set(out["tests"]) == {"never_sold.csv", "rest.csv"}
    assert out["tests"]["never_sold.csv"]["metrics"] == out["metrics"]          # the first test set
    assert out["tests"]["rest.csv"]["users_evaluated"] == 4
    one = json.loads(run_cli("evaluate", "--train", str(train), "--test", str(warm), "--model", "ease", "--k", "3",
                             "--json").stdout.strip().splitlines()[-1])
    assert "tests" not in one and one["metrics"] == out["tests"]["rest.csv"]["metrics"]
    bad = run_cli("evaluate", "--train", str(train), "--test", str(warm), "--test", str(tmp_path / "nope.csv"),
                  "--model", "ease")
    assert bad.returncode == 2 and "nope.csv" in bad.stderr and "Traceback" not in bad.stderr
