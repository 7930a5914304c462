"""MostPopular: every user gets the items ranked by how many distinct training users had them."""

from __future__ import annotations

import numpy as np

from engine.errors import ModelError
from engine.models.base import Recommender, expect_array
from engine.models.registry import register
from engine.progress import check, emit
from engine.i18n import N_


@register
class MostPopular(Recommender):
    """score(u, i) = number of distinct training users with item i (the same for every user)."""

    name = "pop"
    title = "Popular"
    description = N_("Most popular: recommends the best sellers to everyone (the baseline to beat).")
    training_note = N_("Most popular only counts purchases: there is nothing to train.")
    personalised = False
    defaults = {}

    def _fit(self, interactions, *, catalog, valid, progress, cancel) -> None:
        check(cancel)
        #: (n_items,) float32 distinct-user counts.
        self.counts_ = np.asarray(self.seen_.sum(axis=0), dtype=np.float32).ravel()
        emit(progress, 1.0, "counted item popularity", "fit")

    def _score(self, users: np.ndarray) -> np.ndarray:
        return np.broadcast_to(self.counts_, (len(users), self.n_items)).copy()

    def score_histories(self, histories: list[np.ndarray]) -> np.ndarray:
        """The same popularity scores (n, n_items) for any history."""
        return np.broadcast_to(self.counts_, (len(histories), self.n_items)).copy()

    def _state(self) -> dict[str, np.ndarray]:
        return {"counts": self.counts_}

    def _set_state(self, state, extra) -> None:
        counts = expect_array(state, "counts", (self.n_items,), np.float32)
        if np.any(counts < 0):
            raise ModelError("saved array 'counts' has negative popularity counts")
        self.counts_ = counts
