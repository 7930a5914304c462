"""Deletion test: does deleting the history items a method credits most lower the score fastest?

For a seeded sample of users with test events and each of their top-``k`` recommended items, the
history items are deleted in the order a method ranks them (most positive credit first), 0..steps
at a time, and the item is re-scored as ``score_history`` scores it. The drop after j deletions is
normalised by the drop of deleting the whole history:

    d_j = (s(H) − s(H minus j items)) / (s(H) − s(∅))

so 1 means "as low as for a customer with no history". Pairs where the history does not raise
the score (s(H) ≤ s(∅)) cannot be normalised and are skipped (counted in the note). The deletion
curve is the mean of d_0..d_steps over pairs and AOPC its mean over the steps + 1 points (Samek et
al. 2017); "random" deletes in a seeded random order. Only methods that rank history items take
part ("attention" by attention rollout): "latent" ranks factors, two-tower gradients and SHAP rank
features.
"""

from __future__ import annotations

import numpy as np

from engine.data.interactions import Interactions, index_of
from engine.errors import EngineError
from engine.explain.api import methods_for
from engine.explain.gradients import FEATURE_GRADIENT_MODELS
from engine.explain.history import (FOLD_IN_MODELS, fold_in_params, fold_in_systems, history_of, item_bias,
                                    score_histories, score_items)
from engine.explain.types import Faithfulness
from engine.progress import check, emit

#: Methods whose attributions rank history items (deletable); others are not deletion-tested.
HISTORY_METHODS = ("contributions", "attention", "saliency", "ig")


def deletion_methods(model) -> list[str]:
    """The methods of ``methods_for(model)`` that rank history items."""
    features = model.name in FEATURE_GRADIENT_MODELS
    return [m for m in methods_for(model) if m in HISTORY_METHODS and not (features and m in ("saliency", "ig"))]


def history_values(model, method: str, user: int, item: int, hist: np.ndarray) -> np.ndarray:
    """(h,) float64 credit of each position of ``hist`` (= ``history_of`` the user, distinct items
    except for SASRec) for ``item`` by ``method``."""
    if method == "contributions":
        from engine.explain.contributions import contribution_values
        return contribution_values(model, item, hist)[0]
    if method == "attention":
        from engine.explain.attention import attention_values
        return attention_values(model, user)
    from engine.explain.gradients import gradient_values
    return gradient_values(model, method, item, hist)[0]


def deletion_scores(model, hist: np.ndarray, items, orders, cuts: np.ndarray) -> np.ndarray:
    """(n, len(cuts)) float64: the score of ``items[j]`` after deleting the history positions
    ``orders[j][:c]`` for each c in ``cuts``. Additive models subtract running sums of their
    weights; fold-in models downdate the least-squares normal equations; the rest re-score."""
    items = np.asarray(items, dtype=np.int64)
    if model.name in ("ease", "itemknn"):
        w = (model.weights_[np.ix_(hist, items)] if model.name == "ease"
             else model.sim_[hist][:, items].toarray()).astype(np.float64)          # (h, n)
        out = np.empty((len(items), len(cuts)))
        for j, order in enumerate(orders):
            removed = np.concatenate([[0.0], np.cumsum(w[order, j])])
            out[j] = w[:, j].sum() - removed[cuts]
        return out
    if model.name in FOLD_IN_MODELS:
        (a,), (b,) = fold_in_systems(model, [hist])
        alpha = fold_in_params(model)[0]
        e = model.item_factors_[hist].astype(np.float64)
        f, top = e.shape[1], int(cuts.max())
        y = model.item_factors_[items].astype(np.float64)
        out = np.empty((len(items), len(cuts)))
        for j, order in enumerate(orders):
            eo = e[order[:top]]
            da = np.concatenate([np.zeros((1, f, f)), np.cumsum(eo[:, :, None] * eo[:, None, :], axis=0)])
            db = np.concatenate([np.zeros((1, f)), np.cumsum(eo, axis=0)])
            x = np.linalg.solve(a - alpha * da[cuts], (b - (1.0 + alpha) * db[cuts])[..., None])[..., 0]
            out[j] = x @ y[j]
        return out + item_bias(model)[items][:, None]
    keep = np.ones(len(hist), bool)
    histories = []
    for order in orders:
        for c in cuts:
            keep[:] = True
            keep[order[:c]] = False
            histories.append(hist[keep])
    return score_items(model, histories, np.repeat(items, len(cuts))).reshape(len(items), len(cuts))


def _sample_users(model, test: Interactions, users: int, seed: int) -> np.ndarray:
    ext = test.user_ids[np.unique(test.user_idx)]
    idx = index_of(ext, model.user_ids_)
    idx = idx[idx >= 0]
    idx = idx[np.diff(model.seen_.indptr)[idx] > 0]
    if len(idx) == 0:
        raise EngineError("no test user is in the model's training data; use the test split that "
                          "belongs to the model's training data")
    rng = np.random.default_rng(seed)
    return np.sort(rng.choice(idx, min(int(users), len(idx)), replace=False))


def deletion_test(model, test: Interactions, *, methods=None, users: int = 200, k: int = 10, steps: int = 10,
                  seed: int = 0, catalog=None, progress=None, cancel=None) -> Faithfulness:
    """Deletion curves and AOPC per method and for random deletion over up to ``users`` test users
    × their top-``k`` items (pairs = the scored pairs). ``catalog`` is unused (ids suffice)."""
    available = deletion_methods(model)
    if methods is None:
        methods = available
    bad = [m for m in methods if m not in available]
    if bad:
        raise EngineError(f"model {model.name} cannot deletion-test {', '.join(map(repr, bad))}; "
                          f"methods that rank history items for it: {', '.join(available) or 'none'}")
    if not methods:
        raise EngineError(f"model {model.name} has no explanation that ranks history items to test")
    if k < 1 or steps < 1 or users < 1:
        raise EngineError("users, k and steps must be at least 1")
    sample = _sample_users(model, test, users, seed)
    recs, _ = model.recommend(sample, k=k)
    empty = score_histories(model, [np.empty(0, np.int64)])[0].astype(np.float64)
    rng = np.random.default_rng(seed + 1)
    names = list(methods) + ["random"]
    drops = {m: [] for m in names}
    skipped = 0
    for row, user in enumerate(sample):
        check(cancel)
        hist = history_of(model, int(user))
        if model.name != "sasrec":
            hist = np.unique(hist)
        h = len(hist)
        cuts = np.minimum(np.arange(steps + 1), h)
        shared = {m: history_values(model, m, int(user), -1, hist) for m in names if m == "attention"}
        items, orders = [], []
        for item in recs[row][recs[row] >= 0]:
            for m in names:
                if m == "random":
                    orders.append(rng.permutation(h))
                else:
                    vals = shared[m] if m in shared else history_values(model, m, int(user), int(item), hist)
                    orders.append(np.argsort(-vals, kind="stable"))
                items.append(int(item))
        if not items:
            continue
        pairs = items[::len(names)]
        s = deletion_scores(model, hist, items, orders, cuts).reshape(len(pairs), len(names), steps + 1)
        for p, item in enumerate(pairs):
            s0 = s[p, 0, 0]
            denom = s0 - empty[item]
            if not denom > 1e-9 * max(1.0, abs(s0)):
                skipped += 1
                continue
            for j, m in enumerate(names):
                drops[m].append((s0 - s[p, j]) / denom)
        emit(progress, (row + 1) / len(sample), f"deletion test: user {row + 1}/{len(sample)}", "explain")
    n_pairs = len(drops[names[0]])
    if n_pairs == 0:
        raise EngineError(f"none of the {skipped} pairs has a score that its history raises; nothing to test")
    curves = {m: np.mean(drops[m], axis=0) for m in names}
    aopc = {m: float(curves[m].mean()) for m in names}
    untested = [m for m in methods_for(model) if m not in available and m != "counterfactual"]
    note = (f"{len(sample)} users × top {k}; drops normalised by deleting the whole history"
            + (f"; {skipped} pair(s) skipped (history does not raise the score)" if skipped else "")
            + (f"; not deletion-tested (they rank factors or features, not history items): {', '.join(untested)}"
               if untested else ""))
    return Faithfulness(pairs=n_pairs, steps=steps, aopc=aopc, curves=curves, model=model.name, note=note)
