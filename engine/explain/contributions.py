"""Exact additive explanations: each history item's share of the score, and the latent terms.

- "contributions": the model's own exact split (capability "contributions",
  ``contribution_values``): W[h, i] for the item–item models; the least-squares fold-in terms
  b_i + Σ_h c·(A⁻¹y_i)·y_h for the factor models (implicit's ``explain``); the weighted cosine
  terms for the text model. The values sum to the score of the history minus its baseline.
- "latent": per latent dimension k, u_k·v_k of the trained factors (capability "latent"; sum =
  score − item bias).

All functions take internal user/item indices; ``engine.explain.api.explain`` maps external ids.
"""

from __future__ import annotations

import numpy as np

from engine.errors import ModelError
from engine.explain.history import external_ids, item_labels, plain_id
from engine.explain.types import Attribution
from engine.models.capabilities import supports
from engine.i18n import _


def contribution_values(model, item: int, history: np.ndarray) -> tuple[np.ndarray, float, float]:
    """Contributions of each history position to ``item``'s score for the customer ``history``
    ((h,) internal indices, distinct): values (h,) float64, the score they explain, and the baseline
    (score of the empty history); values.sum() == score − baseline up to float rounding."""
    if not supports(model, "contributions"):
        raise ModelError(_("model {name} has no additive contributions of its history items").format(name=model.name))
    return model.contribution_values(item, np.asarray(history, dtype=np.int64))


def contributions(model, user: int, item: int, *, catalog=None) -> Attribution:
    """Attribution over ``user``'s history items (their order in the history) for ``item``."""
    hist = model.history_of(user)
    values, score, base = contribution_values(model, item, hist)
    title = item_labels(model, [item], catalog)[0]
    return Attribution(method="contributions", title=_("Why “{title}”: what each history item adds to the score").format(title=title),
                       keys=external_ids(model, hist), labels=item_labels(model, hist, catalog), values=values,
                       target=score, baseline=base, unit="score", user=plain_id(model.user_ids_, user),
                       item=plain_id(model.item_ids_, item), note=model.contribution_note(user, item, score))


def latent_values(model, user: int, item: int) -> np.ndarray:
    """(f,) float64 per-dimension terms u_k·v_k of the trained factors; sum = score − item bias."""
    if not supports(model, "latent"):
        raise ModelError(_("model {name} has no latent factors to split").format(name=model.name))
    return model.latent_values(np.array([user]), np.array([item]))[0]


def latent(model, user: int, item: int, *, catalog=None) -> Attribution:
    """Attribution over the latent dimensions ("factor 1".."factor f") for ``item``."""
    values = latent_values(model, user, item)
    bias = float(model.item_offsets()[item])
    title = item_labels(model, [item], catalog)[0]
    return Attribution(method="latent", title=_("Why “{title}”: each latent factor's term u_k·v_k").format(title=title),
                       keys=tuple(range(len(values))), labels=tuple(_("factor {v0}").format(v0=k + 1) for k in range(len(values))),
                       values=values, target=float(model.score([user])[0, item]), baseline=bias, unit="score",
                       user=plain_id(model.user_ids_, user), item=plain_id(model.item_ids_, item),
                       note=_("Factors have no fixed meaning; the baseline is the item's bias."))
