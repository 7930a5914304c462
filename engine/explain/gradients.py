"""Gradient attributions: saliency (gradient × input) and integrated gradients, by torch autograd
(in closed form for the fold-in of iALS / BPR, which get integrated gradients only).

The inputs are one vector per history item or per feature, and the score is a differentiable
function of them:

- SASRec: the input embedding of each history position (the score runs the network).
- iALS / BPR: each history item's factor y_h inside the least-squares fold-in
  x = (G + alpha·Y_HᵀY_H)⁻¹ (1 + alpha)·Σ_h y_h (G = YᵀY + reg·I held fixed), score = x·y_i + b_i.
- Two-tower: each input feature's vector inside the towers (user id, user features, item id, item
  features, text projection), summed per tower and passed through its residual blocks.

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
from engine.explain.history import (external_ids, fold_in_gram, fold_in_params, history_of, item_bias, item_labels,
                                    plain_id)
from engine.explain.types import Attribution

IG_STEPS = 50
#: Models with gradient attributions: over history items, or over input features (two-tower).
HISTORY_GRADIENT_MODELS = ("sasrec", "ials", "bpr")
FEATURE_GRADIENT_MODELS = ("twotower",)
#: Saliency only where the score is a network of its inputs. In the fold-in an item's factor enters
#: quadratically (through A), so gradient × input flips sign for well-fitted items: on ml-100k it
#: ranked BPR's history items worse than random deletion. The fold-in models get IG only.
SALIENCY_MODELS = ("sasrec", "twotower")


def gradient_values(model, method: str, item: int, history: np.ndarray) -> tuple[np.ndarray, float, float]:
    """Saliency or IG ((h',) float64) of ``item``'s score over a history ((h,) internal indices; the
    fold-in models use its distinct items, ascending), with the score and the zero-input score."""
    if method == "saliency" and model.name not in SALIENCY_MODELS:
        raise ModelError(f"model {model.name} has no saliency (models with it: {', '.join(SALIENCY_MODELS)})")
    if model.name in ("ials", "bpr"):
        return _fold_in_ig(model, item, np.unique(history))
    x, fn = history_inputs(model, item, history)
    values = saliency_values(x, fn) if method == "saliency" else ig_values(x, fn)
    return (values, *endpoint_scores(x, fn))


def _fold_in_ig(model, item: int, hist: np.ndarray) -> tuple[np.ndarray, float, float]:
    """Integrated gradients in closed form for s(E) = y_iᵀ A⁻¹ c·Eᵀ1 + b_i, A = G + alpha·EᵀE,
    c = 1 + alpha: along the path t·E, with x_t = A_t⁻¹ c·t·Eᵀ1 and w_t = A_t⁻¹ y_i,
    (∂s/∂e_j)·e_j = c·(e_j·w_t) − 2·alpha·t·(e_j·x_t)(e_j·w_t)."""
    alpha, _ = fold_in_params(model)
    c = 1.0 + alpha
    e = model.item_factors_[hist].astype(np.float64)
    y_i = model.item_factors_[item].astype(np.float64)
    nodes, weights = np.polynomial.legendre.leggauss(IG_STEPS)
    ts, weights = (nodes + 1) / 2, weights / 2
    g, gram_h = fold_in_gram(model), e.T @ e
    a = g[None] + alpha * ts[:, None, None] ** 2 * gram_h[None]
    rhs = np.stack([ts[:, None] * c * e.sum(0)[None], np.repeat(y_i[None], len(ts), 0)], axis=-1)
    sol = np.linalg.solve(a, rhs)                                        # (K, f, 2)
    ex, ew = e @ sol[..., 0].T, e @ sol[..., 1].T                          # (h, K)
    values = (c * ew - 2.0 * alpha * ts[None] * ex * ew) @ weights
    bias = float(item_bias(model)[item])
    x = np.linalg.solve(g + alpha * gram_h, c * e.sum(0))
    return values, float(x @ y_i) + bias, bias


def history_inputs(model, item: int, history: np.ndarray) -> tuple[torch.Tensor, Callable]:
    """Inputs (h, d) and differentiable score function of ``item`` over a SASRec history."""
    if model.name != "sasrec":
        raise ModelError(f"model {model.name} has no gradients over history items (models with them: "
                         f"{', '.join(HISTORY_GRADIENT_MODELS)})")
    if not 1 <= len(history) <= model.max_len_:
        raise ModelError(f"sasrec gradients need 1..{model.max_len_} history items, got {len(history)}")
    m = model._module
    m.eval()
    x = m.item(torch.from_numpy(np.asarray(history, np.int64) + 1)).detach().clone()
    return x, lambda e: model.score_embeddings(e)[:, item]


def tower_parts(tower, idx) -> torch.Tensor:
    """(P, n_inputs, d) the vectors that ``Tower.forward`` sums for entities ``idx`` (P,)."""
    t = torch.from_numpy(np.asarray(idx, np.int64))
    parts = [tower.ids(t)]
    for k, emb in enumerate(tower.fields):
        codes = getattr(tower, f"codes{k}")[t]                                   # (P, width)
        mask = (codes >= 0).unsqueeze(-1).to(parts[0].dtype)
        parts.append((emb(codes.clamp(min=0)) * mask).sum(1) / mask.sum(1).clamp(min=1))
    if tower.dense is not None:
        parts.append(tower.dense(tower.dense_values[t]))
    return torch.stack(parts, 1).detach()


def tower_head(tower, h: torch.Tensor) -> torch.Tensor:
    """A two-tower side's residual blocks applied to its summed input embeddings h (..., d)."""
    for block in tower.blocks:
        h = h + block(h)
    return h


def tower_scores(model, e: torch.Tensor, bias: torch.Tensor) -> torch.Tensor:
    """(P, M) two-tower scores of input vectors e (P, M, F, d) (user inputs first) with item biases (P,)."""
    m = model.module_
    nu = m.user.n_inputs
    return (tower_head(m.user, e[..., :nu, :].sum(-2)) * tower_head(m.item, e[..., nu:, :].sum(-2))).sum(-1) \
        + bias[:, None]


def _feature_values(model, user: int, item: int, method: str, catalog):
    """Two-tower: values (F,), score, zero-input score, feature names and "name = value" labels."""
    m = model.module_
    m.eval()
    nu = m.user.n_inputs
    with torch.no_grad():
        x = torch.cat([tower_parts(m.user, [user])[0], tower_parts(m.item, [item])[0]])
    bias = m.bias[[item]].detach()

    def fn(e: torch.Tensor) -> torch.Tensor:                                      # (n, F, d) -> (n,)
        return tower_scores(model, e[None], bias)[0]

    values = saliency_values(x, fn) if method == "saliency" else ig_values(x, fn)
    names = model.feature_names
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
    if model.name in FEATURE_GRADIENT_MODELS:
        values, target, base, keys, labels = _feature_values(model, user, item, method, catalog)
        what = "input feature"
    else:
        hist = history_of(model, user)
        if model.name != "sasrec":
            hist = np.unique(hist)
        values, target, base = gradient_values(model, method, item, hist)
        keys, labels, what = external_ids(model, hist), item_labels(model, hist, catalog), "history item"
    title = item_labels(model, [item], catalog)[0]
    if method == "ig":
        gap = abs(values.sum() - (target - base)) / max(abs(target - base), 1e-12)
        name = "integrated gradients"
        note = (f"From the all-zero baseline (score {base:.4f}) in {IG_STEPS} steps; the values sum to the "
                f"score minus the baseline within {100 * gap:.2g} %.")
    else:
        name = "saliency (gradient × input)"
        note = "A first-order estimate: the values need not sum to the score minus the baseline."
    if model.name in ("ials", "bpr"):
        note += " Scored through the least-squares fold-in of the history."
    return Attribution(method=method, title=f"Why “{title}”: {name} per {what}", keys=keys,
                       labels=labels, values=values, target=target, baseline=base, unit="score",
                       user=plain_id(model.user_ids_, user), item=plain_id(model.item_ids_, item), note=note)


def saliency(model, user: int, item: int, *, catalog=None) -> Attribution:
    """Gradient × input per history item (SASRec) or per input feature (two-tower)."""
    return _attribution(model, user, item, "saliency", catalog)


def integrated_gradients(model, user: int, item: int, *, catalog=None) -> Attribution:
    """Integrated gradients per history item (SASRec, iALS, BPR) or per input feature (two-tower)."""
    return _attribution(model, user, item, "ig", catalog)
