"""Gradient attributions: saliency (gradient × input) and integrated gradients, by torch autograd
(or in closed form where the model provides it, capability "history_ig").

The inputs are one vector per history item or per feature, and the score is a differentiable
function of them (the model says how):

- capability "history_gradients" (SASRec): the input embedding of each history position, through
  ``history_inputs``; saliency and IG.
- capability "history_ig" (the fold-in of iALS / BPR): IG only, in closed form (``history_ig``). In
  the fold-in an item's factor enters quadratically, so gradient × input flips sign for well-fitted
  items: on ml-100k it ranked BPR's history items worse than random deletion — no saliency.
- capability "features" (two-tower): each input feature's vector inside the towers (user id, user
  fields, item id, item fields, text projection), summed per tower and passed through its head;
  saliency and IG. Features take precedence over history items for such a model.

saliency: (∂s/∂e_j)·e_j per input j (the "simple gradient" saliency of AllenNLP), a first-order
estimate. ig: integrated gradients from the all-zero baseline (padding embedding / absent
feature) with ``IG_STEPS`` Gauss–Legendre points (Captum's default rule); by completeness the
values sum to s(input) − s(baseline), and the note reports the remaining gap.
"""

from __future__ import annotations

from typing import Callable

import numpy as np
import torch

from engine.errors import ModelError
from engine.explain.history import external_ids, item_labels, plain_id
from engine.explain.types import Attribution
from engine.models.capabilities import supports
from engine.models.factorization import IG_STEPS
from engine.i18n import _


def gradient_methods(model) -> tuple[str, ...]:
    """The gradient methods ("saliency", "ig") ``model`` supports."""
    if supports(model, "features") or supports(model, "history_gradients"):
        return ("saliency", "ig")
    return ("ig",) if supports(model, "history_ig") else ()


def gradient_values(model, method: str, item: int, history: np.ndarray) -> tuple[np.ndarray, float, float]:
    """Saliency or IG ((h,) float64) of ``item``'s score over a history ((h,) internal indices, as
    ``history_of`` gives it), with the score and the zero-input score."""
    if supports(model, "history_gradients"):
        x, fn = model.history_inputs(item, history)
        values = saliency_values(x, fn) if method == "saliency" else ig_values(x, fn)
        return (values, *endpoint_scores(x, fn))
    if method == "ig" and supports(model, "history_ig"):
        return model.history_ig(item, np.asarray(history, np.int64))
    raise ModelError(_("model {name} has no {method} over history items").format(name=model.name, method=method))


def tower_scores(towers, e: torch.Tensor, bias: torch.Tensor) -> torch.Tensor:
    """(P, M) scores of input vectors e (P, M, F, d) (user inputs first) with item biases (P,)."""
    user, item, _rest = towers
    nu = user.n_inputs
    return (user.head(e[..., :nu, :].sum(-2)) * item.head(e[..., nu:, :].sum(-2))).sum(-1) + bias[:, None]


def tower_inputs(model, users: np.ndarray, items: np.ndarray) -> tuple[torch.Tensor, torch.Tensor]:
    """(P, F, d) input vectors of the pairs (users[p], items[p]) in ``feature_names`` order and (P,)
    their item biases."""
    user, item, bias = model.towers()
    with torch.no_grad():
        x = torch.cat([user.parts(users), item.parts(items)], 1)
    return x, bias[torch.from_numpy(np.asarray(items, np.int64))]


def _feature_values(model, user: int, item: int, method: str, catalog):
    """Feature model: values (F,), score, zero-input score, feature names and "name = value" labels."""
    towers = model.towers()
    x, bias = tower_inputs(model, np.array([user]), np.array([item]))
    x = x[0]

    def fn(e: torch.Tensor) -> torch.Tensor:                                      # (n, F, d) -> (n,)
        return tower_scores(towers, e[None], bias)[0]

    values = saliency_values(x, fn) if method == "saliency" else ig_values(x, fn)
    names = model.feature_names()
    nu = towers[0].n_inputs
    labels = []
    for col, name in enumerate(names):
        if col == nu and catalog is not None:
            value = item_labels(model, [item], catalog)[0]
        else:
            value = model.feature_value(col, user if col < nu else item)
        labels.append(f"{name} = {value}")
    return (values, *endpoint_scores(x, fn), tuple(names), tuple(labels))


def saliency_values(x: torch.Tensor, fn: Callable) -> np.ndarray:
    """(n,) float64 gradient × input of fn at x (n, d)."""
    e = x.detach().clone().requires_grad_(True)
    with torch.enable_grad():
        fn(e[None]).sum().backward()
    return (e.grad * e).sum(-1).double().detach().numpy()


def ig_values(x: torch.Tensor, fn: Callable, steps: int = IG_STEPS) -> np.ndarray:
    """(n,) float64 integrated gradients of fn from the zero input to x (n, d)."""
    nodes, weights = np.polynomial.legendre.leggauss(steps)
    alphas = torch.tensor((nodes + 1) / 2, dtype=x.dtype)
    w = torch.tensor(weights / 2, dtype=x.dtype)
    path = (alphas[:, None, None] * x.detach()[None]).requires_grad_(True)
    with torch.enable_grad():
        (fn(path) * w).sum().backward()
    return (path.grad.sum(0) * x.detach()).sum(-1).double().numpy()


def endpoint_scores(x: torch.Tensor, fn: Callable) -> tuple[float, float]:
    """(score at x, score at the zero baseline)."""
    with torch.no_grad():
        s = fn(torch.stack([x, torch.zeros_like(x)]))
    return float(s[0]), float(s[1])


def _attribution(model, user: int, item: int, method: str, catalog) -> Attribution:
    if method not in gradient_methods(model):
        raise ModelError(_("model {name} has no {method} explanation").format(name=model.name, method=method))
    closed_form = False
    if supports(model, "features"):
        values, target, base, keys, labels = _feature_values(model, user, item, method, catalog)
        what = _("input feature")
    else:
        hist = model.history_of(user)
        values, target, base = gradient_values(model, method, item, hist)
        closed_form = not supports(model, "history_gradients")
        keys, labels, what = external_ids(model, hist), item_labels(model, hist, catalog), _("history item")
    title = item_labels(model, [item], catalog)[0]
    if method == "ig":
        gap = abs(values.sum() - (target - base)) / max(abs(target - base), 1e-12)
        name = _("integrated gradients")
        note = (_("From the all-zero baseline (score {base:.4f}) in {IG_STEPS} steps; the values sum to "
                  "the score minus the baseline within {v2:.2g} %.").format(base=base, IG_STEPS=IG_STEPS, v2=100 * gap))
    else:
        name = _("saliency (gradient × input)")
        note = _("A first-order estimate: the values need not sum to the score minus the baseline.")
    if closed_form:
        note += _(" Scored through the least-squares fold-in of the history.")
    return Attribution(method=method, title=_("Why “{title}”: {name} per {what}").format(title=title, name=name, what=what), keys=keys,
                       labels=labels, values=values, target=target, baseline=base, unit="score",
                       user=plain_id(model.user_ids_, user), item=plain_id(model.item_ids_, item), note=note)


def saliency(model, user: int, item: int, *, catalog=None) -> Attribution:
    """Gradient × input per history item (SASRec) or per input feature (two-tower)."""
    return _attribution(model, user, item, "saliency", catalog)


def integrated_gradients(model, user: int, item: int, *, catalog=None) -> Attribution:
    """Integrated gradients per history item (SASRec, iALS, BPR) or per input feature (two-tower)."""
    return _attribution(model, user, item, "ig", catalog)
