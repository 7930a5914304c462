"""Feature deletion for feature models (capability "features", the two-tower model): do the input
features that saliency, integrated gradients and SHAP credit most lower the item's score fastest
when they are deleted?

The units are the model's readable feature groups (``feature_names()``: user id, user
fields, item id, item fields, text — the bars the Explain pane shows for these methods). A deleted
feature takes the baseline value its method explains against:

- saliency / ig: the all-zero input vector (IG's baseline); the quantity is the item's score
  s = head_u(Σ user inputs)·head_i(Σ item inputs) + b_i, as ``gradients._feature_values`` scores it.
- shap: the values of ``SHAP_BACKGROUND`` random training interactions (``explain_shap``'s
  background, seed ``SHAP_SEED``); the quantity is SHAP's margin over the rank-k threshold item,
  averaged over the background rows (the coalition value of ``shap_explain.ShapGame``).

Each pair's features are deleted in the method's order (most positive first) and, as the baseline,
in one seeded random order, 0..min(steps, F) at a time. The two replacements make two tests, each
with its own pairs and random baseline, since their AOPCs are not comparable:

- "feature" (saliency, ig; zero input): drops are normalised by deleting every feature,
  d_j = (s(x) − s(j deleted)) / (s(x) − s(0)) (= Σ ig values, by completeness), so each curve
  starts at 0 and reaches 1 when steps ≥ F; pairs with s(x) ≤ s(0) are skipped.
- "shap" (shap; background): drops of the margin are normalised by the pair's total SHAP credit,
  d_j = (v(x) − v(j deleted)) / Σ_f |φ_f|; each curve starts at 0 and, when steps ≥ F, ends at the
  mean of (v(x) − v(∅)) / Σ|φ| = Σφ / Σ|φ| in [−1, 1]. Normalising by deleting every feature does
  not work here: "every feature absent" is the expected margin of a random training interaction,
  which lies ABOVE most recommendations' margins (their SHAP values sum below 0), so that drop is
  negative for 89 % (ml-100k, 10 epochs) to 99 % (40 epochs) of pairs, and tiny for many others.
  Pairs whose SHAP values are all 0 are skipped.
"""

from __future__ import annotations

import numpy as np
import torch

from engine.explain.gradients import IG_STEPS, tower_inputs, tower_scores
from engine.explain.shap_explain import ShapGame, shapley_from_values, threshold_items
from engine.progress import check, emit

#: Methods that rank the two-tower model's input features.
FEATURE_METHODS = ("saliency", "ig", "shap")
#: SHAP's background size and seed, as ``explain_shap`` uses them by default.
SHAP_BACKGROUND, SHAP_SEED = 50, 0
#: Pairs handled per chunk (one cancel check and progress report each).
CHUNK = 256


def feature_gradients(towers, method: str, x: torch.Tensor, bias: torch.Tensor) -> np.ndarray:
    """(P, F) float64 saliency (gradient × input) or integrated gradients from the zero input, per
    pair: ``gradients.saliency_values`` / ``ig_values`` batched over pairs."""
    if method == "saliency":
        e = x.detach().clone().requires_grad_(True)
        with torch.enable_grad():
            (grad,) = torch.autograd.grad(tower_scores(towers, e[:, None], bias).sum(), e)
        return (grad * e).sum(-1).double().detach().numpy()
    nodes, weights = np.polynomial.legendre.leggauss(IG_STEPS)
    alphas = torch.tensor((nodes + 1) / 2, dtype=x.dtype)
    w = torch.tensor(weights / 2, dtype=x.dtype)
    path = (alphas[None, :, None, None] * x.detach()[:, None]).requires_grad_(True)   # (P, K, F, d)
    with torch.enable_grad():
        (grad,) = torch.autograd.grad((tower_scores(towers, path, bias) * w).sum(), path)
    return (grad.sum(1) * x.detach()).sum(-1).double().numpy()


def present_masks(orders: np.ndarray, n_cuts: int) -> np.ndarray:
    """(P, O, n_cuts + 1, F) bool: feature f still present after deleting the first c features of
    ``orders`` (P, O, F), for c = 0..n_cuts−1, plus a last row with every feature deleted."""
    rank = np.argsort(orders, axis=-1)                                            # position of each feature
    present = rank[:, :, None, :] >= np.arange(n_cuts)[:, None]
    return np.concatenate([present, np.zeros_like(present[:, :, :1])], axis=2)


def background_margins(game: ShapGame, users, items, refs, present: np.ndarray) -> np.ndarray:
    """(P, M) SHAP's margin game value for coalitions ``present`` (P, M, F) through ``feature_forward``
    (absent features from each background row, averaged over the rows); for games too large to
    enumerate."""
    model, nu, f = game.model, game.nu, game.n_features
    x = model.feature_matrix(users, items)                                        # (P, F)
    bg = model.feature_matrix(game.bg_users, game.bg_items)                        # (B, F)
    rows = np.where(present[:, :, None, :], x[:, None, None, :], bg[None, None])   # (P, M, B, F)
    thr = rows.copy()
    thr[..., nu:] = np.asarray(refs)[:, None, None, None]
    margin = model.feature_forward(rows.reshape(-1, f)).astype(np.float64) - model.feature_forward(thr.reshape(-1, f))
    return margin.reshape(rows.shape[:3]).mean(-1)


def _shap_part(game: ShapGame, users, items, refs) -> tuple[np.ndarray, object]:
    """SHAP values (P, F) of the pairs' margins and a function present (P, M, F) -> values (P, M)."""
    if game.exact:
        v = game.values(users, items, refs)                                       # (P, 2^F), bit c = feature c
        bits = 1 << np.arange(game.n_features)
        return shapley_from_values(v, game.n_features), lambda present: np.take_along_axis(v, present @ bits, 1)
    values = game.explain(users, items, refs)[0]
    return values, lambda present: background_margins(game, users, items, refs, present)


def _normalised(v: np.ndarray, scale: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """v (P, O, C + 1) values after 0..C−1 deletions plus all deleted -> drops (P, O, C) divided by
    ``scale`` (P,) (default: the drop of deleting all), and ok (P,): the pairs with scale > 0."""
    full = v[:, 0, 0]
    denom = full - v[:, 0, -1] if scale is None else scale
    ok = denom > 1e-9 * np.maximum(1.0, np.abs(full))
    return (full[:, None, None] - v[:, :, :-1]) / np.where(ok, denom, 1.0)[:, None, None], ok


def feature_deletion(model, users: np.ndarray, items: np.ndarray, methods, *, k: int, steps: int, seed: int,
                     progress=None, cancel=None) -> dict[str, tuple[dict[str, np.ndarray], int]]:
    """Feature deletion of the pairs (users[p], items[p]) (internal indices) for ``methods``:
    {"feature": ({"saliency"?, "ig"?, "random": (n, C)}, skipped)} with the zero baseline when saliency
    or ig is asked for, {"shap": ({"shap", "random": (n', C)}, skipped')} with SHAP's background when
    shap is; C = min(steps, F) + 1 normalised drops (see the module docstring) per pair that can be
    normalised. ``k``: SHAP's threshold rank."""
    grads = [m for m in methods if m in ("saliency", "ig")]
    shap = "shap" in methods
    f = len(model.feature_names())
    towers = model.towers()
    n_cuts = min(steps, f) + 1
    rng = np.random.default_rng(seed + 2)
    game = ShapGame(model, SHAP_BACKGROUND, SHAP_SEED) if shap else None
    chunk = min(CHUNK, game.chunk) if shap and game.exact else CHUNK
    tests = {"feature": grads + ["random"]} if grads else {}
    if shap:
        tests["shap"] = ["shap", "random"]
    drops = {t: {m: [] for m in names} for t, names in tests.items()}
    skipped = dict.fromkeys(tests, 0)
    for start in range(0, len(users), chunk):
        check(cancel)
        u, i = users[start:start + chunk], items[start:start + chunk]
        p = len(u)
        random = rng.permuted(np.tile(np.arange(f), (p, 1)), axis=1)               # (P, F)
        values = {}
        if grads:
            x, bias = tower_inputs(model, u, i)
            orders = [np.argsort(-feature_gradients(towers, m, x, bias), axis=1, kind="stable") for m in grads]
            present = present_masks(np.stack(orders + [random], 1), n_cuts)          # (P, O, C + 1, F)
            with torch.no_grad():
                e = x[:, None] * torch.from_numpy(present.reshape(p, -1, f, 1)).to(x.dtype)
                values["feature"] = tower_scores(towers, e, bias).double().numpy().reshape(present.shape[:3])
        if shap:
            refs = threshold_items(model, u, i, k)
            phi, margins = _shap_part(game, u, i, refs)
            present = present_masks(np.stack([np.argsort(-phi, axis=1, kind="stable"), random], 1), n_cuts)
            values["shap"] = margins(present.reshape(p, -1, f)).reshape(present.shape[:3])
            scale = np.abs(phi).sum(1)
        for t, v in values.items():
            d, ok = _normalised(v, scale if t == "shap" else None)
            for j, m in enumerate(tests[t]):
                drops[t][m].append(d[ok, j])
            skipped[t] += int(p - ok.sum())
        done = min(start + chunk, len(users))
        emit(progress, done / len(users), f"feature deletion: {done}/{len(users)} pairs", "explain")
    return {t: ({m: np.concatenate(v) for m, v in drops[t].items()}, skipped[t]) for t in tests}
