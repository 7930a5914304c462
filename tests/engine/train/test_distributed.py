"""Data-parallel training (engine.train.distributed): two gloo workers on CPU train the same model
as one process does — the same examples in every step, the same losses, metrics within noise —
through `recscope train --nproc 2` and through a plain torch.distributed.run (torchrun) line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import torch

from engine.cli.main import main
from engine.data import open_dataset
from engine.data.splits import split
from engine.evaluate import evaluate
from engine.models.base import Recommender
from engine.train.distributed import shard

REPO = Path(__file__).resolve().parents[3]


def test_shard_gives_every_batch_to_one_worker_and_weights_the_uneven_step():
    batches = [torch.arange(k) for k in (4, 4, 4, 4, 4, 3, 1)]
    got = {r: list(shard(iter(batches), r, 2)) for r in (0, 1)}
    assert [len(b) for b, _ in got[0]] == [4, 4, 4, 1] and [len(b) for b, _ in got[1]] == [4, 4, 3]
    assert [w for _, w in got[0]] == [1.0, 1.0, 2 * 4 / 7, 1.0] and [w for _, w in got[1]][-1] == 2 * 3 / 7
    assert list(shard(batches, 2, 3)) == [(batches[2], 1.0), (batches[5], 3 * 3 / 11)]   # lists work too


@pytest.fixture(scope="module")
def data(tmp_path_factory) -> tuple[Path, Path, Path]:
    """(all events, train part, test part) of a small generated implicit data set, as CSVs."""
    folder = tmp_path_factory.mktemp("ddp")
    rng = np.random.default_rng(0)
    users = rng.integers(0, 200, 5000)
    items = (users * 7 + np.minimum(rng.zipf(1.4, 5000), 60)) % 150    # users share tastes: learnable
    df = pd.DataFrame({"user_id": users, "item_id": items,
                       "timestamp": 1_600_000_000 + np.arange(5000) * 60}).drop_duplicates(["user_id", "item_id"])
    df.to_csv(folder / "all.csv", index=False)
    parts = split(open_dataset(folder / "all.csv").interactions, method="random", test_frac=0.2, seed=0)
    parts.train.to_frame().to_csv(folder / "train.csv", index=False)
    parts.test.to_frame().to_csv(folder / "test.csv", index=False)
    return folder / "all.csv", folder / "train.csv", folder / "test.csv"


def _env() -> dict:
    return {**os.environ, "PYTHONPATH": str(REPO), "RECSCOPE_THREADS": "1", "OMP_NUM_THREADS": "1"}


def _train(train: Path, out: Path, model: str, params: list[str], *, launcher: list[str] | None = None,
           extra: tuple = ()) -> dict:
    args = ["train", "--train", str(train), "--model", model, "--device", "cpu", "--out", str(out), "--json", *extra]
    for p in params:
        args += ["--param", p]
    if launcher is None:
        assert main(args) == 0
    else:
        done = subprocess.run([*launcher, *args], env=_env(), capture_output=True, text=True, timeout=600, cwd=REPO)
        assert done.returncode == 0, done.stderr[-3000:]
    return json.loads((out / "config.json").read_text())


def _ndcg(model_dir: Path, train: Path, test: Path) -> float:
    model = Recommender.load(model_dir)
    tr, te = open_dataset(train).interactions, open_dataset(test).interactions
    return evaluate(model, tr, te, ks=(10,)).metrics["ndcg@10"]


@pytest.mark.slow
def test_recscope_train_nproc_2_is_single_process_bpr(data, tmp_path, capsys):
    _, train, test = data
    params = ["factors=8", "batch_size=256", "valid_frac=0", "lr=0.01", "epochs=4"]
    one = _train(train, tmp_path / "one", "bpr", params)
    two = _train(train, tmp_path / "two", "bpr", params, launcher=[sys.executable, "-m", "engine.cli"],
                 extra=["--nproc", "2"])
    a, b = Recommender.load(tmp_path / "one"), Recommender.load(tmp_path / "two")
    # the same examples in every step (the uneven last step weighted): the same model to float noise
    np.testing.assert_allclose(b.user_factors_, a.user_factors_, atol=1e-5)
    np.testing.assert_allclose(b.item_factors_, a.item_factors_, atol=1e-5)
    np.testing.assert_allclose(b.history_.losses, a.history_.losses, rtol=1e-5)
    assert two["params"] == one["params"]
    assert abs(_ndcg(tmp_path / "two", train, test) - _ndcg(tmp_path / "one", train, test)) < 1e-3
    capsys.readouterr()
    assert main(["recommend", "--model-dir", str(tmp_path / "two"), "--user", str(b.user_ids_[0]), "--json"]) == 0
    assert len(json.loads(capsys.readouterr().out)["items"]) == 10


@pytest.mark.slow
@pytest.mark.parametrize("model,params", [
    ("twotower", ["factors=16", "batch_size=256", "valid_frac=0", "epochs=4", "negatives=32"]),
    ("sasrec", ["hidden=16", "blocks=1", "heads=1", "max_len=20", "batch_size=64", "valid_frac=0", "epochs=4"]),
])
def test_torchrun_line_trains_like_one_process(data, tmp_path, model, params):
    _, train, test = data
    one = _train(train, tmp_path / "one", model, params)
    other_seed = _train(train, tmp_path / "seed1", model, params + ["seed=1"])
    two = _train(train, tmp_path / "two", model, params, launcher=[
        sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc-per-node=2", "-m", "engine.cli"])
    assert two["params"] == one["params"]                         # the global batch size is recorded
    losses = [np.array([r["loss"] for r in c["extra"]["history"]["records"]]) for c in (one, two, other_seed)]
    assert len(losses[1]) == len(losses[0])
    np.testing.assert_allclose(losses[1], losses[0], rtol=0.05)    # same objective, same data per step
    a, b, c = (_ndcg(tmp_path / d, train, test) for d in ("one", "two", "seed1"))
    assert abs(b - a) <= max(2 * abs(c - a), 0.02), (a, b, c)      # within seed-to-seed noise


@pytest.mark.slow
def test_pipeline_nproc_2_writes_the_project_single_process_writes(data, tmp_path, capsys):
    everything, _, _ = data
    args = ["pipeline", "--data", str(everything), "--model", "bpr:factors=8,epochs=3,batch_size=256",
            "--device", "cpu", "--json"]
    done = subprocess.run([sys.executable, "-m", "engine.cli", *args, "--out", str(tmp_path / "two"), "--nproc", "2"],
                          env=_env(), capture_output=True, text=True, timeout=600, cwd=REPO)
    assert done.returncode == 0, done.stderr[-3000:]
    two = json.loads(done.stdout.strip().splitlines()[-1])
    assert main([*args, "--out", str(tmp_path / "one")]) == 0
    one = json.loads(capsys.readouterr().out)
    assert two["project"].endswith("two.recscope") and len(two["runs"]) == 1
    assert two["runs"][0]["metrics"]["ndcg@10"] == pytest.approx(one["runs"][0]["metrics"]["ndcg@10"], abs=1e-6)
    assert done.stderr.count("[done]") == 1                      # one worker logs
