"""Small helpers for the evaluation tests: a model with fixed scores and tiny frames."""

from __future__ import annotations

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
