"""Scores for an arbitrary history: what the model would say about a customer who bought ``items``.

``score_history`` is the one entry point (external ids); ``score_histories`` is its batched,
internal-index twin used by deletion tests and counterfactual search. How a model reads a
history is the model's own business (capability "history", ``score_histories``): exact for the
item–item models (x · W), the text model (its profile without recency decay) and SASRec (the
sequence through the network); a least-squares fold-in for the factor models — exact for iALS, an
APPROXIMATION for BPR and the two-tower model, whose user vectors were not fitted that way; the
hybrid blends its parts; most-popular gives every history the same scores.

Also the id and label helpers every explanation shares.
"""

from __future__ import annotations

import numpy as np

from engine.data.interactions import index_of, normalize_ids
from engine.errors import ModelError
from engine.models.capabilities import supports
from engine.models.rescoring import Rescorer


# ---- histories in index space -------------------------------------------------------------------
def item_indices(model, items) -> np.ndarray:
    """External item ids (n,) -> internal indices (n,) int64; ModelError naming unknown ids."""
    model._check_fitted()
    items = list(items)
    if not items:
        return np.empty(0, np.int64)
    idx = index_of(normalize_ids(items), model.item_ids_)
    if np.any(idx < 0):
        bad = [str(items[j]) for j in np.flatnonzero(idx < 0)[:5]]
        raise ModelError(f"item(s) {', '.join(bad)} are not among the {model.n_items} items of model "
                         f"{model.name} (e.g. {', '.join(str(v) for v in model.item_ids_[:3])})")
    return idx.astype(np.int64)


def score_history(model, items, *, catalog=None) -> np.ndarray:
    """Scores (n_items,) float32 of every item for a customer whose history is the external item
    ids ``items`` (oldest first; repeats count for SASRec and text). Works for users the model
    never saw. ``catalog`` is accepted for symmetry with the explainers (not needed to score).
    ModelError where the model cannot score a new history."""
    return score_histories(model, [item_indices(model, items)])[0]


def score_histories(model, histories) -> np.ndarray:
    """Scores (n, n_items) float32 for ``histories``: a list of (h_j,) internal item index arrays."""
    model._check_fitted()
    if not supports(model, "history"):
        raise ModelError(f"model {model.name} cannot score a new customer's history")
    histories = [np.asarray(h, dtype=np.int64).reshape(-1) for h in histories]
    if not histories:
        return np.empty((0, model.n_items), np.float32)
    return np.ascontiguousarray(model.score_histories(histories), dtype=np.float32)


def rescorer(model, history: np.ndarray):
    """The model's fast re-scorer of ``history`` with positions deleted (capability "rescoring"),
    else one that scores every shortened history again."""
    if supports(model, "rescoring"):
        return model.history_rescorer(history)
    return Rescorer(model, history)


# ---- ids and labels -----------------------------------------------------------------------------
def item_labels(model, indices, catalog=None) -> tuple[str, ...]:
    """Display text per internal item index: the catalog title when it has one, else the id."""
    ids = model.item_ids_[np.asarray(indices, dtype=np.int64)]
    if catalog is not None and len(ids):
        return tuple(catalog.titles(ids))
    return tuple(str(v) for v in ids.tolist())


def external_ids(model, indices) -> tuple:
    """External item ids (plain int / str) of internal indices."""
    return tuple(model.item_ids_[np.asarray(indices, dtype=np.int64)].tolist())


def plain_id(ids: np.ndarray, index: int):
    """``ids[index]`` as a plain Python int or str (JSON-able)."""
    return ids[np.asarray([index])].tolist()[0]
