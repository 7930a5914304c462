"""Re-scoring a history with some positions deleted, by scoring each shortened history again.

The fallback for models without a faster exact way (capability "rescoring"): counterfactual
search and deletion tests use one ``Rescorer`` per customer history.
"""

from __future__ import annotations

import numpy as np

#: Shortened histories scored per call.
CHUNK = 500


class Rescorer:
    """``model`` (capability "history") and one ``history`` (h,); ``item_scores(histories, items)``
    optionally scores one item per history faster than full rows (SASRec)."""

    #: Every shortened history costs a full scoring pass.
    cheap = False

    def __init__(self, model, history: np.ndarray, item_scores=None):
        self.model, self.hist = model, np.asarray(history, np.int64)
        self.item_scores = item_scores
        self.full = model.score_histories([self.hist])[0].astype(np.float64)

    def _without(self, positions) -> np.ndarray:
        keep = np.ones(len(self.hist), bool)
        keep[list(positions)] = False
        return self.hist[keep]

    def removed(self, removals: list[tuple[int, ...]]) -> np.ndarray:
        """(n, n_items) scores with the positions of each tuple in ``removals`` deleted."""
        return self.model.score_histories([self._without(r) for r in removals])

    def prefixes(self, order: np.ndarray):
        """Yield (start, scores (n, n_items)) after deleting positions order[:start + 1], ... in chunks."""
        for start in range(0, len(order), CHUNK):
            stop = min(start + CHUNK, len(order))
            yield start, self.removed([tuple(order[:m]) for m in range(start + 1, stop + 1)])

    def deletion_scores(self, items: np.ndarray, orders, cuts: np.ndarray) -> np.ndarray:
        """(n, len(cuts)) score of ``items[j]`` after deleting positions ``orders[j][:c]``, c in cuts."""
        items = np.asarray(items, np.int64)
        histories = [self._without(order[:c]) for order in orders for c in cuts]
        targets = np.repeat(items, len(cuts))
        if self.item_scores is not None:
            scores = self.item_scores(histories, targets)
        else:
            scores = self.model.score_histories(histories)[np.arange(len(targets)), targets].astype(np.float64)
        return np.asarray(scores, np.float64).reshape(len(items), len(cuts))
