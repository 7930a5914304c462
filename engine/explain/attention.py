"""Attention (capability "attention", SASRec): every layer's and head's causal position×position
weights over the history.

Attention is the same for every candidate item (the last position's state is dotted with each
item's embedding), so ``item`` only labels the result. As a ranking of history items (for the
deletion test) ``rollout`` is used: attention rollout (Abnar & Zuidema 2020) — head-averaged
weights with the residual path added (0.5·A + 0.5·I), multiplied through the layers, last row.
On ml-100k the last layer's raw last row ranked history items no better than random deletion.
"""

from __future__ import annotations

import numpy as np

from engine.errors import ModelError
from engine.explain.history import external_ids, item_labels, plain_id
from engine.explain.types import AttentionMap
from engine.models.capabilities import supports
from engine.i18n import _


def _check(model) -> None:
    if not supports(model, "attention"):
        raise ModelError(_("model {name} has no attention weights").format(name=model.name))


def attention(model, user: int, item: int | None = None, *, catalog=None) -> AttentionMap:
    """AttentionMap over ``user``'s last ``max_len`` history items (oldest first): weights
    (layers, heads, L, L) float32, row t = how position t weighs positions 0..t (rows sum to 1)."""
    _check(model)
    hist = model.history_of(user)
    weights = model.attention(user)
    what = "" if item is None else _(" (recommending “{v0}”)").format(v0=item_labels(model, [item], catalog)[0])
    return AttentionMap(title=_("Attention over the customer's last {hist} items{what}").format(hist=len(hist), what=what),
                        keys=external_ids(model, hist), labels=item_labels(model, hist, catalog), weights=weights,
                        user=plain_id(model.user_ids_, user),
                        item=None if item is None else plain_id(model.item_ids_, item),
                        note=_("The last row is what the model reads to score the next item; attention is not the same "
                               "as importance."))


def rollout(weights: np.ndarray) -> np.ndarray:
    """(L,) float64 attention rollout of the last position from weights (layers, heads, L, L)."""
    n = weights.shape[-1]
    eye = np.eye(n)
    flow = eye
    for layer in weights.astype(np.float64).mean(axis=1):
        flow = (0.5 * layer + 0.5 * eye) @ flow
    return flow[-1] if n else np.zeros(0)


def attention_values(model, user: int) -> np.ndarray:
    """(L,) float64 attention rollout per history position of ``user`` (sums to 1)."""
    _check(model)
    return rollout(model.attention(user))
