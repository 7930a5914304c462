"""Deletion tests: does deleting what a method credits most lower the score fastest?

For a seeded sample of users with test events and each of their top-``k`` recommended items, the
units a method ranks are deleted in its order (most positive credit first), 0..steps at a time,
the item is re-scored, and the drop is normalised by the drop of deleting every unit, so 1 means
"as low as with nothing left". A curve is the mean normalised drop over pairs, its AOPC the mean
over its points (Samek et al. 2017). Pairs where deleting every unit does not lower the score
cannot be normalised and are skipped (counted in the note; a test left with no pair gives no
scores). Each test has its own seeded random-order baseline "random", because AOPCs over
different units (or replacements) are not comparable:

- history items (``pairs``, ``curves``, ``aopc``; contributions, attention — by attention rollout
  —, and saliency / ig except for the two-tower model): deleted from the customer's history and
  re-scored as ``score_history`` scores it, d_j = (s(H) − s(H minus j items)) / (s(H) − s(∅)); up
  to ``steps`` deletions (a shorter history's curve stays at 1 once all are gone).
- input features of the two-tower model, replaced by the baseline the method explains against,
  min(steps, F) deletions (``engine.explain.feature_deletion``): saliency and ig set a feature's
  input vector to zero and re-score the item (``feature_pairs``, ``feature_curves``,
  ``feature_aopc``); shap takes the feature from SHAP's background rows and re-computes SHAP's
  margin over the rank-k item (``shap_pairs``, ``shap_curves``, ``shap_aopc``). The one exception
  to the normalisation: shap's drops are divided by the pair's Σ|SHAP values|, because deleting
  every feature to SHAP's background RAISES most recommendations' margins (see that module).
- latent factors (``factor_pairs``, ``factor_curves``, ``factor_aopc``; latent): the dimensions are
  zeroed in the order of their terms u_k·v_k of the trained factors. The score u·v + b_i is
  bilinear, so zeroing lowers it by exactly the deleted terms, d_j = Σ deleted terms / (s − b_i),
  over min(steps, f) deletions. Deleting the largest terms first is the fastest possible descent,
  so "latent" beats random by construction: this test checks the bookkeeping, not the method.

- words of the item's text (``word_pairs``, ``word_curves``, ``word_aopc``; words, for language
  models): replaced by the padding token in the order of their integrated gradients, re-scored
  through the whole language model (``engine.explain.words.word_deletion``).

"counterfactual" is itself a deletion and gets no score.
"""

from __future__ import annotations

import numpy as np

from engine.data.interactions import Interactions, index_of
from engine.errors import EngineError
from engine.explain.api import methods_for
from engine.explain.feature_deletion import FEATURE_METHODS, feature_deletion
from engine.explain.history import rescorer, score_histories
from engine.explain.types import Faithfulness
from engine.models.capabilities import supports
from engine.progress import check, emit, scaled
from engine.i18n import _

#: Methods whose attributions rank history items, input features (two-tower) and latent factors.
HISTORY_METHODS = ("contributions", "attention", "saliency", "ig")
FACTOR_METHODS = ("latent",)
WORD_METHODS = ("words",)
#: The tests, in run order (key -> what it deletes), and their rough share of the run time.
TESTS = Faithfulness.TESTS
_WEIGHT = {"history": 8.0, "feature": 1.0, "shap": 1.0, "factor": 0.1, "word": 8.0}


def deletion_tests(model) -> dict[str, list[str]]:
    """The methods of ``methods_for(model)`` by the deletion test that scores them:
    {"history": [...], "feature": [...], "shap": [...], "factor": [...]} (empty lists included)."""
    features = supports(model, "features")
    out = {t: [] for t in TESTS}
    for m in methods_for(model):
        if m in FACTOR_METHODS:
            out["factor"].append(m)
        elif m in WORD_METHODS:
            out["word"].append(m)
        elif m == "shap":
            out["shap"].append(m)
        elif m in FEATURE_METHODS and features:
            out["feature"].append(m)
        elif m in HISTORY_METHODS:
            out["history"].append(m)
    return out


def deletion_methods(model) -> list[str]:
    """The methods of ``methods_for(model)`` with a deletion test (every one but counterfactual)."""
    tests = deletion_tests(model)
    return [m for m in methods_for(model) if any(m in v for v in tests.values())]


def history_values(model, method: str, user: int, item: int, hist: np.ndarray) -> np.ndarray:
    """(h,) float64 credit of each position of ``hist`` (= ``model.history_of(user)``) for ``item``
    by ``method``."""
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
    ``orders[j][:c]`` for each c in ``cuts`` — by the model's own re-scorer (item–item: running sums
    of weights; fold-in: downdates of the normal equations), else by scoring each shortened history."""
    return rescorer(model, hist).deletion_scores(np.asarray(items, dtype=np.int64), orders, cuts)


def _sample_users(model, test: Interactions, users: int, seed: int) -> np.ndarray:
    ext = test.user_ids[np.unique(test.user_idx)]
    idx = index_of(ext, model.user_ids_)
    idx = idx[idx >= 0]
    idx = idx[np.diff(model.seen_.indptr)[idx] > 0]
    if len(idx) == 0:
        raise EngineError(_("no test user is in the model's training data; use the test split that belongs to the "
                            "model's training data"))
    rng = np.random.default_rng(seed)
    return np.sort(rng.choice(idx, min(int(users), len(idx)), replace=False))


def _history_drops(model, sample, recs, methods, steps, seed, progress, cancel) -> tuple[dict, int]:
    """History-item deletion: normalised drops {method or "random": (n, steps + 1)}, skipped pairs."""
    empty = score_histories(model, [np.empty(0, np.int64)])[0].astype(np.float64)
    rng = np.random.default_rng(seed + 1)
    names = list(methods) + ["random"]
    drops = {m: [] for m in names}
    skipped = 0
    for row, user in enumerate(sample):
        check(cancel)
        hist = model.history_of(int(user))
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
        emit(progress, (row + 1) / len(sample), _("deletion test: user {v0}/{sample}").format(v0=row + 1, sample=len(sample)), "explain")
    return {m: np.array(v).reshape(len(v), steps + 1) for m, v in drops.items()}, skipped


def factor_drops(model, users: np.ndarray, items: np.ndarray, steps: int, seed: int) -> tuple[dict, int]:
    """Latent-factor deletion over pairs (users[p], items[p]): normalised drops {"latent", "random":
    (n, min(steps, f) + 1)} of the pairs whose terms sum above 0, and the number skipped."""
    terms = model.latent_values(users, items)
    p, f = terms.shape
    total = terms.sum(1)                                                   # score − item bias
    score = total + model.item_offsets()[items]
    ok = total > 1e-9 * np.maximum(1.0, np.abs(score))
    cuts = np.arange(min(steps, f) + 1)
    orders = {"latent": np.argsort(-terms, axis=1, kind="stable"),
              "random": np.random.default_rng(seed + 3).permuted(np.tile(np.arange(f), (p, 1)), axis=1)}
    out = {}
    for name, order in orders.items():
        removed = np.concatenate([np.zeros((p, 1)), np.cumsum(np.take_along_axis(terms, order, 1), 1)], 1)
        out[name] = removed[ok][:, cuts] / total[ok, None]
    return out, int(p - ok.sum())


def deletion_test(model, test: Interactions, *, methods=None, users: int = 200, k: int = 10, steps: int = 10,
                  seed: int = 0, catalog=None, progress=None, cancel=None) -> Faithfulness:
    """Deletion curves and AOPC per method and for random deletion, per test (history items, input
    features, SHAP's features, latent factors; see the module docstring), over up to ``users`` test
    users × their top-``k`` items. ``methods``: default ``deletion_methods(model)``. ``catalog`` is
    unused (ids suffice)."""
    tests = deletion_tests(model)
    available = deletion_methods(model)
    if methods is None:
        methods = available
    bad = [m for m in methods if m not in available]
    if bad:
        raise EngineError(_("model {name} cannot deletion-test {v1}; methods with a deletion test for it: {v2}").format(name=model.name, v1=', '.join(map(repr, bad)), v2=', '.join(available) or 'none'))
    if not methods:
        raise EngineError(_("model {name} has no explanation to deletion-test").format(name=model.name))
    if k < 1 or steps < 1 or users < 1:
        raise EngineError(_("users, k and steps must be at least 1"))
    chosen = {t: [m for m in names if m in methods] for t, names in tests.items()}
    runs = [t for t in TESTS if chosen[t]]
    edges = np.cumsum([0.0] + [_WEIGHT[t] for t in runs]) / sum(_WEIGHT[t] for t in runs)
    sample = _sample_users(model, test, users, seed)
    recs, _rest = model.recommend(sample, k=k)
    valid = recs >= 0
    pu, pi = np.repeat(sample, valid.sum(1)).astype(np.int64), recs[valid].astype(np.int64)
    found = {}
    for j, t in enumerate(runs):
        check(cancel)
        if t == "history":
            found[t] = _history_drops(model, sample, recs, chosen[t], steps, seed,
                                      scaled(progress, edges[j], edges[j + 1]), cancel)
        elif t == "factor":
            found[t] = factor_drops(model, pu, pi, steps, seed)
            emit(progress, edges[j + 1], _("factor deletion"), "explain")
        elif t == "word":
            from engine.explain.words import word_deletion
            found[t] = word_deletion(model, pu, pi, steps=steps, seed=seed,
                                     progress=scaled(progress, edges[j], edges[j + 1]), cancel=cancel)
        elif t not in found:                                    # "feature" and "shap" run in one pass
            last = max(runs.index(x) for x in ("feature", "shap") if x in runs)
            found.update(feature_deletion(model, pu, pi, chosen["feature"] + chosen["shap"], k=k, steps=steps,
                                          seed=seed, progress=scaled(progress, edges[j], edges[last + 1]),
                                          cancel=cancel))
    notes = [_("{sample} users × top {k}; drops normalised by deleting every unit").format(sample=len(sample), k=k)
             + (_(" (shap: by its total |SHAP| credit)") if "shap" in runs else "")
             + _(", in the tests: ") +  ", ".join(_(TESTS[t]) for t in runs)]
    out = {}
    for t in runs:
        drops, skipped = found[t]
        if skipped:
            why = _("all its SHAP values are 0") if t == "shap" else _("deleting every unit does not lower the score")
            notes.append(_("{v0}: {skipped} pair(s) skipped ({why})").format(v0=_(TESTS[t]), skipped=skipped, why=why))
        if len(drops["random"]):
            curves = {m: d.mean(axis=0) for m, d in drops.items()}
            out[t] = (len(drops["random"]), curves, {m: float(c.mean()) for m, c in curves.items()})
        else:
            notes.append(_("no score for {v0}: no pair could be normalised").format(v0=', '.join(chosen[t])))
    if not out:
        raise EngineError(_("none of the pairs can be normalised (deleting every unit a method ranks does not lower "
                            "the score); nothing to test for model {name}").format(name=model.name))
    empty = (0, {}, {})
    pairs, curves, aopc = out.get("history", empty)
    fields = {f"{t}_{name}": value for t in ("feature", "shap", "factor", "word")
              for name, value in zip(("pairs", "curves", "aopc"), out.get(t, empty))}
    return Faithfulness(pairs=pairs, steps=steps, aopc=aopc, curves=curves, model=model.name, note="; ".join(notes),
                        **fields)
