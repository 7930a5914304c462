"""Exact additive explanations: each history item's share of the score, and MF's latent terms.

- EASE / ItemKNN: score(u, i) = Σ_{h ∈ history} W[h, i], so W[h, i] is item h's contribution.
- iALS / BPR / two-tower (through the least-squares fold-in of ``history``): the user vector is
  x = A⁻¹ Σ_h c·y_h with A = YᵀY + reg·I + alpha·Y_HᵀY_H, so score = b_i + Σ_h c·(A⁻¹y_i)·y_h
  (implicit's ``explain``); the terms sum exactly to the fold-in score.
- Text: score = Σ_h w_h (v_h·v_i) / ‖Σ_h w_h v_h‖ with w_h = log1p(count), exactly additive.
- "latent": per latent dimension k, u_k·v_k of the trained factors (sum = score − item bias).

All functions take internal user/item indices; ``engine.explain.api.explain`` maps external ids.
"""

from __future__ import annotations

import numpy as np

from engine.errors import ModelError
from engine.explain.history import (FOLD_IN_MODELS, external_ids, fold_in_params, fold_in_systems, history_of,
                                    item_bias, item_labels, plain_id, score_histories, text_weights)
from engine.explain.types import Attribution

#: Models with per-history-item contributions, and with latent terms.
CONTRIBUTION_MODELS = ("ease", "itemknn", "text") + FOLD_IN_MODELS
LATENT_MODELS = FOLD_IN_MODELS


def contribution_values(model, item: int, history: np.ndarray) -> tuple[np.ndarray, float, float]:
    """Contributions of each history position to ``item``'s score for the customer ``history``
    ((h,) internal indices, distinct): values (h,) float64, the score they explain, and the baseline
    (score of the empty history); values.sum() == score − baseline up to float rounding."""
    name = model.name
    hist = np.asarray(history, dtype=np.int64)
    if name not in CONTRIBUTION_MODELS:
        raise ModelError(f"model {name} has no additive contributions (models with them: "
                         f"{', '.join(CONTRIBUTION_MODELS)})")
    score = float(score_histories(model, [hist])[0, item])
    if name == "ease":
        return model.weights_[hist, item].astype(np.float64), score, 0.0
    if name == "itemknn":
        return model.sim_[hist][:, [item]].toarray().ravel().astype(np.float64), score, 0.0
    if name == "text":
        v = model.item_factors_.astype(np.float64)
        w = text_weights([hist], model.n_items)[0].toarray().ravel().astype(np.float64)[hist]
        norm = np.linalg.norm(w @ v[hist]) if len(hist) else 0.0
        values = w * (v[hist] @ v[item]) / norm if norm > 0 else np.zeros(len(hist))
        return values, score, 0.0
    alpha, _ = fold_in_params(model)
    a, _ = fold_in_systems(model, [hist])
    y = model.item_factors_.astype(np.float64)
    w = np.linalg.solve(a[0], y[item])
    return (1.0 + alpha) * (y[hist] @ w), score, float(item_bias(model)[item])


def contributions(model, user: int, item: int, *, catalog=None) -> Attribution:
    """Attribution over ``user``'s history items (their order in the history) for ``item``."""
    hist = history_of(model, user)
    if model.name in FOLD_IN_MODELS:
        hist = np.unique(hist)
    values, score, base = contribution_values(model, item, hist)
    note = ""
    if model.name in FOLD_IN_MODELS:
        trained = float(model.score([user])[0, item])
        how = ("recomputed by the closed-form least-squares solve (as implicit's explain)" if model.name == "ials"
               else "fitted to the history by least squares (fold-in, an approximation of this model)")
        note = (f"Exact for the user vector {how}, which scores {score:.4f}; the trained user vector "
                f"scores {trained:.4f}. The baseline is the item's bias.")
    elif model.name == "text":
        note = "Each item weighs log1p(number of purchases), without the model's recency decay."
    title = item_labels(model, [item], catalog)[0]
    return Attribution(method="contributions", title=f"Why “{title}”: what each history item adds to the score",
                       keys=external_ids(model, hist), labels=item_labels(model, hist, catalog), values=values,
                       target=score, baseline=base, unit="score", user=plain_id(model.user_ids_, user),
                       item=plain_id(model.item_ids_, item), note=note)


def latent_values(model, user: int, item: int) -> np.ndarray:
    """(f,) float64 per-dimension terms u_k·v_k of the trained factors; sum = score − item bias."""
    if model.name not in LATENT_MODELS:
        raise ModelError(f"model {model.name} has no latent factors to split (models with them: "
                         f"{', '.join(LATENT_MODELS)})")
    return model.user_factors_[user].astype(np.float64) * model.item_factors_[item].astype(np.float64)


def latent(model, user: int, item: int, *, catalog=None) -> Attribution:
    """Attribution over the latent dimensions ("factor 1".."factor f") for ``item``."""
    values = latent_values(model, user, item)
    bias = float(item_bias(model)[item])
    title = item_labels(model, [item], catalog)[0]
    return Attribution(method="latent", title=f"Why “{title}”: each latent factor's term u_k·v_k",
                       keys=tuple(range(len(values))), labels=tuple(f"factor {k + 1}" for k in range(len(values))),
                       values=values, target=float(model.score([user])[0, item]), baseline=bias, unit="score",
                       user=plain_id(model.user_ids_, user), item=plain_id(model.item_ids_, item),
                       note="Factors have no fixed meaning; the baseline is the item's bias.")
