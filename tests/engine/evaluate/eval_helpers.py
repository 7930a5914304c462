"""Small helpers for the evaluation tests: a model with fixed scores, tiny frames, the CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from engine.data.interactions import Interactions
from engine.models.base import Recommender


class FixedScores(Recommender):
    """A test model whose score matrix (n_users, n_items) is given up front (not registered)."""

    name = "fixed"

    def __init__(self, scores):
        super().__init__()
        self.table = np.asarray(scores, dtype=np.float32)

    def _fit(self, interactions, *, catalog, valid, progress, cancel) -> None:
        assert self.table.shape == (interactions.n_users, interactions.n_items)

    def _score(self, users):
        return self.table[users].copy()


def frame(rows, columns=("user", "item", "rating")) -> Interactions:
    """Interactions from a list of (user, item[, rating]) tuples."""
    df = pd.DataFrame(rows, columns=list(columns)[:len(rows[0])])
    return Interactions.from_frame(df, value="rating" if "rating" in df else None)


def cli_evaluate(train_df, test_df, tmp_path, *args: str) -> dict:
    """``recscope evaluate --json`` on the two frames written as CSV, ``args`` appended; its JSON."""
    train, test = tmp_path / "train.csv", tmp_path / "test.csv"
    train_df.to_csv(train, index=False)
    test_df.to_csv(test, index=False)
    res = subprocess.run([sys.executable, "-m", "engine.cli", "evaluate", "--train", str(train), "--test",
                          str(test), *args, "--json"], capture_output=True, text=True,
                         cwd=Path(__file__).resolve().parents[3], timeout=300)
    assert res.returncode == 0, res.stderr
    return json.loads(res.stdout.strip().splitlines()[-1])
