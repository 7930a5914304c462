"""A surrogate decision tree: readable rules that mimic which items a model puts in a user's top-N.

Rows are (user, candidate item) pairs, the label whether the model ranks the item in the user's
top-``k`` (seen items are never candidates). Features (``PairFeatures``) are catalog columns and
simple statistics anyone can read: item popularity, price, category / country one-hots, the
user's activity, how many customers bought the item together with each of the user's items (on
average: the item-to-item evidence collaborative models use), the user's past share of the item's
category and the item's price relative to the average price of the user's items.

A shallow scikit-learn ``DecisionTreeClassifier`` (balanced class weights: top-k membership is
rare) is fitted on one set of users — every top-k item plus sampled non-members, weighted back to
the full candidate set — and its **fidelity** is measured on **held-out users** over all their
candidates: agreement, balanced accuracy, F1, against the majority-class agreement of always
answering "not recommended".
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from engine.errors import ModelError
from engine.explain.types import _Dict
from engine.models.features import MULTI_SEP
from engine.progress import CancelToken, ProgressCallback, check, emit
from engine.i18n import _

#: Levels of a categorical catalog column turned into one-hot features.
MAX_LEVELS = 12
#: Categorical catalog columns with more distinct values than this are not used.
MAX_DISTINCT = 200
#: Pair rows built per chunk (progress + cancel between chunks).
CHUNK_PAIRS = 400_000


@dataclass(frozen=True)
class Rule(_Dict):
    """One leaf as a rule. conditions: readable tests on the path; recommended: the leaf's answer;
    precision: share of the held-out pairs in the leaf that are in the top-k; n: held-out pairs in
    the leaf; recall: share of all held-out top-k pairs that fall in it."""

    conditions: tuple[str, ...]
    recommended: bool
    precision: float
    n: int
    recall: float

    @property
    def text(self) -> str:
        cond = " AND ".join(self.conditions) if self.conditions else "ALWAYS"
        then = "recommended" if self.recommended else "not recommended"
        return f"IF {cond} THEN {then} (precision {self.precision:.2f}, n={self.n})"


@dataclass(frozen=True)
class SurrogateTree(_Dict):
    """The fitted surrogate. rules: one per leaf, "recommended" leaves first, by precision;
    tree_text: scikit-learn's ``export_text``; features / importances: (F,) names and Gini
    importances; fidelity: held-out metrics (agreement, balanced_accuracy, f1, precision, recall,
    majority_agreement, positive_rate, pairs); fit_users / holdout_users: external ids (disjoint)."""

    title: str
    rules: tuple[Rule, ...]
    tree_text: str
    features: tuple[str, ...]
    importances: np.ndarray
    fidelity: dict
    fit_users: np.ndarray
    holdout_users: np.ndarray
    k: int
    max_depth: int
    fit_pairs: int = 0
    model: str = ""
    note: str = ""

    @property
    def rules_text(self) -> str:
        return "\n".join(r.text for r in self.rules)


class PairFeatures:
    """Readable features of (user, item) pairs for one training set and catalog.

    names: (F,) feature names; onehot: (F,) bool, True for "column = value" indicator features.
    ``rows(users, items)`` -> (n, F) float32 for pairs users (n,), items (n,) (internal indices).
    """

    def __init__(self, seen, item_ids: np.ndarray, catalog):
        n_items = seen.shape[1]
        self.seen = seen.tocsr().astype(np.float32)
        self.activity = np.asarray(self.seen.sum(axis=1)).ravel()
        names, cols, onehot = [_("item popularity (customers)")], [np.asarray(self.seen.sum(axis=0)).ravel()], [False]
        self.category = None            # (n_items, C) float32 membership of every category value
        self.price = None               # (n_items,) float64 with NaN where unknown
        frame = catalog.align(item_ids) if catalog is not None else pd.DataFrame(index=range(n_items))
        roles = dict(getattr(catalog, "roles", {}) or {})
        for role, col in roles.items():
            if role in ("title", "description") or col not in frame.columns:
                continue
            values = frame[col]
            numeric = pd.to_numeric(values, errors="coerce")
            if pd.api.types.is_numeric_dtype(values) or (values.notna().any() and numeric.notna().mean() > 0.95):
                names.append(role)
                cols.append(numeric.to_numpy(np.float64))
                onehot.append(False)
                if role == "price":
                    self.price = numeric.to_numpy(np.float64)
                continue
            member = self._membership(values, multi=role == "category")
            if member is None:
                continue
            if role == "category":
                self.category = member.to_numpy(np.float32)
            for level in member.sum().sort_values(ascending=False, kind="stable").index[:MAX_LEVELS]:
                names.append(f"{role} = {level}")
                cols.append(member[level].to_numpy(np.float64))
                onehot.append(True)
        self.item_matrix = np.column_stack(cols).astype(np.float32)           # (n_items, Fi)
        names += [_("user activity (items)"), _("co-buyers with the user's items (avg.)")]
        onehot += [False, False]
        self.cooc = (self.seen.T @ self.seen).tocsr()                         # (n_items, n_items) co-buyers
        if self.category is not None:
            names.append(_("user's past share of this category"))
            onehot.append(False)
            # (n_users, C) share of each user's items in each category value
            self.user_category = np.asarray(self.seen @ self.category) / np.maximum(self.activity, 1)[:, None]
        if self.price is not None:
            names.append(_("price ÷ user's average price"))
            onehot.append(False)
            hist_price = self.seen.multiply(np.nan_to_num(self.price)[None, :]).sum(axis=1)
            known = self.seen @ np.isfinite(self.price).astype(np.float32)
            self.user_price = np.asarray(hist_price).ravel() / np.maximum(np.asarray(known).ravel(), 1)
        self.names = tuple(names)
        self.onehot = np.array(onehot)

    @staticmethod
    def _membership(values: pd.Series, multi: bool) -> pd.DataFrame | None:
        """(n_items, levels) 0/1 frame of a categorical column, None when it has too many values."""
        text = values.astype(object).where(values.notna(), "").astype(str).str.strip()
        lists = text.str.split(MULTI_SEP, regex=False) if multi else text.map(lambda v: [v])
        flat = lists.explode().str.strip()
        flat = flat[~flat.isin(["", "nan", "None", "<NA>"])]
        if flat.empty or flat.nunique() > MAX_DISTINCT:
            return None
        pos = pd.Series(np.arange(len(values)), index=values.index)
        return pd.crosstab(pos.loc[flat.index].to_numpy(), flat.to_numpy()).reindex(
            np.arange(len(values)), fill_value=0).clip(upper=1)

    def rows(self, users: np.ndarray, items: np.ndarray) -> np.ndarray:
        uniq, inv = np.unique(users, return_inverse=True)
        co = np.asarray((self.seen[uniq] @ self.cooc).todense())[inv, items] / np.maximum(self.activity[users], 1)
        parts = [self.item_matrix[items], self.activity[users, None], co[:, None]]
        if self.category is not None:
            parts.append((self.user_category[users] * self.category[items]).sum(1, keepdims=True))
        if self.price is not None:
            ratio = self.price[items] / np.where(self.user_price[users] > 0, self.user_price[users], np.nan)
            parts.append(ratio[:, None])
        out = np.column_stack(parts).astype(np.float32)
        return np.nan_to_num(out, nan=-1.0)         # unknown values go left of every threshold


# ---- pairs -------------------------------------------------------------------------------------
def _user_pairs(model, users: np.ndarray, k: int, rng: np.random.Generator | None, negatives: int):
    """Pairs (users, items, labels, weights) for ``users``: every unseen candidate when rng is None,
    else the top-k plus ``negatives`` sampled non-members per user, weighted to the candidate count."""
    top, _rest = model.recommend(users, k)
    rows = np.arange(len(users))
    cand = model.seen_[users].toarray() == 0                                  # (c, n_items)
    label = np.zeros_like(cand)
    ok = top >= 0
    label[np.repeat(rows, top.shape[1])[ok.ravel()], top[ok]] = True
    if rng is None:
        r, i = np.nonzero(cand)
        return users[r], i, label[r, i], np.ones(len(r))
    pool = cand & ~label
    keys = np.where(pool, rng.random(pool.shape), np.inf)
    m = min(negatives, pool.shape[1])
    picked = np.argpartition(keys, m - 1, axis=1)[:, :m] if m else np.empty((len(users), 0), np.int64)
    keep = np.isfinite(np.take_along_axis(keys, picked, 1))
    sampled = keep.sum(1)
    weight = pool.sum(1) / np.maximum(sampled, 1)                             # (c,)
    r_pos, i_pos = np.nonzero(label)
    r_neg = np.repeat(rows, m)[keep.ravel()]
    i_neg = picked[keep]
    r = np.concatenate([r_pos, r_neg])
    i = np.concatenate([i_pos, i_neg])
    w = np.concatenate([np.ones(len(r_pos)), weight[r_neg]])
    return users[r], i, label[r, i], w


def _chunks(users: np.ndarray, n_items: int):
    step = max(1, CHUNK_PAIRS // max(n_items, 1))
    for s in range(0, len(users), step):
        yield s, users[s:s + step]


# ---- rules -------------------------------------------------------------------------------------
def _num(v: float) -> str:
    return f"{v:.3g}"


def _conditions(path: list[tuple[int, bool, float]], names, onehot) -> tuple[str, ...]:
    """Readable, merged conditions of a root-to-leaf path [(feature, went_right, threshold)]."""
    out, bounds = [], {}
    for f, right, thr in path:
        if onehot[f]:
            text = names[f] if right else names[f].replace(" = ", " ≠ ", 1)
            if text not in out:
                out.append(text)
            continue
        lo, hi = bounds.get(f, (None, None))
        if right:
            lo = thr if lo is None else max(lo, thr)
        else:
            hi = thr if hi is None else min(hi, thr)
        if f not in bounds:
            out.append(f)
        bounds[f] = (lo, hi)
    result = []
    for c in out:
        if isinstance(c, str):
            result.append(c)
            continue
        lo, hi = bounds[c]
        name = names[c]
        result.append(f"{_num(lo)} < {name} <= {_num(hi)}" if lo is not None and hi is not None
                      else f"{name} > {_num(lo)}" if lo is not None else f"{name} <= {_num(hi)}")
    return tuple(result)


def _leaf_paths(tree) -> dict[int, list]:
    t, paths, stack = tree.tree_, {}, [(0, [])]
    while stack:
        node, path = stack.pop()
        if t.children_left[node] < 0:
            paths[node] = path
            continue
        f, thr = int(t.feature[node]), float(t.threshold[node])
        stack.append((int(t.children_left[node]), path + [(f, False, thr)]))
        stack.append((int(t.children_right[node]), path + [(f, True, thr)]))
    return paths


def _fidelity(tp: float, fp: float, fn: float, tn: float) -> dict:
    n = tp + fp + fn + tn
    tpr = tp / (tp + fn) if tp + fn else float("nan")
    tnr = tn / (tn + fp) if tn + fp else float("nan")
    return {"agreement": (tp + tn) / n, "balanced_accuracy": (tpr + tnr) / 2,
            "f1": 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else float("nan"),
            "precision": tp / (tp + fp) if tp + fp else float("nan"), "recall": tpr,
            "majority_agreement": (fp + tn) / n, "positive_rate": (tp + fn) / n, "pairs": int(n)}


# ---- public API --------------------------------------------------------------------------------
def surrogate_tree(model, train, *, catalog, k: int = 10, max_depth: int = 3, holdout: float = 0.3,
                   seed: int = 0, max_users: int = 2000, negatives: int = 200,
                   progress: ProgressCallback | None = None, cancel: CancelToken | None = None) -> SurrogateTree:
    """Fit a depth-``max_depth`` tree that mimics ``model``'s top-``k`` membership.

    train: the Interactions the model was fitted on (same users and items). Up to ``max_users``
    users are drawn (seeded); a ``holdout`` share of them is kept apart and the fidelity is
    measured on every candidate pair of those users only. ``negatives``: non-member items
    sampled per fit user.
    """
    from sklearn.tree import DecisionTreeClassifier, export_text
    model._check_fitted()
    if (train.n_users != model.n_users or train.n_items != model.n_items
            or not np.array_equal(train.item_ids, model.item_ids_)):
        raise ModelError(_("surrogate: train must be the interactions the model was fitted on (same users and items)"))
    if not 0 < holdout < 1:
        raise ModelError(_("holdout must be between 0 and 1, got {holdout}").format(holdout=holdout))
    if k < 1 or max_depth < 1:
        raise ModelError(_("k and max_depth must be at least 1"))
    rng = np.random.default_rng(seed)
    users = rng.permutation(model.n_users)[:max_users]
    n_hold = int(round(holdout * len(users)))
    hold, fit = np.sort(users[:n_hold]), np.sort(users[n_hold:])
    if len(hold) == 0 or len(fit) == 0:
        raise ModelError(_("surrogate: {users} users cannot be split into fit and held-out users").format(users=len(users)))
    feats = PairFeatures(train.seen, model.item_ids_, catalog)
    emit(progress, 0.0, _("labelling the model's top-k"), "surrogate")
    X, y, w = [], [], []
    for s, chunk in _chunks(fit, model.n_items):
        check(cancel)
        pu, pi, py, pw = _user_pairs(model, chunk, k, rng, negatives)
        X.append(feats.rows(pu, pi))
        y.append(py)
        w.append(pw)
        emit(progress, 0.4 * (s + len(chunk)) / len(fit), _("fit users {v0}/{fit}").format(v0=s + len(chunk), fit=len(fit)), "surrogate")
    X, y, w = np.concatenate(X), np.concatenate(y), np.concatenate(w)
    check(cancel)
    tree = DecisionTreeClassifier(max_depth=max_depth, class_weight="balanced", min_weight_fraction_leaf=0.001,
                                  random_state=seed).fit(X, y, sample_weight=w)
    leaves = tree.tree_.node_count
    leaf_pos, leaf_all = np.zeros(leaves), np.zeros(leaves)
    tp = fp = fn = tn = 0.0
    for s, chunk in _chunks(hold, model.n_items):
        check(cancel)
        pu, pi, py, _rest = _user_pairs(model, chunk, k, None, 0)
        rows = feats.rows(pu, pi)
        pred = tree.predict(rows).astype(bool)
        leaf = tree.apply(rows)
        leaf_all += np.bincount(leaf, minlength=leaves)
        leaf_pos += np.bincount(leaf, weights=py, minlength=leaves)
        tp += float(np.sum(pred & py))
        fp += float(np.sum(pred & ~py))
        fn += float(np.sum(~pred & py))
        tn += float(np.sum(~pred & ~py))
        emit(progress, 0.45 + 0.55 * (s + len(chunk)) / len(hold), _("held-out users {v0}/{hold}").format(v0=s + len(chunk), hold=len(hold)),
             "surrogate")
    fidelity = _fidelity(tp, fp, fn, tn)
    total_pos = max(leaf_pos.sum(), 1.0)
    classes = tree.classes_.astype(bool)
    rules = [Rule(_conditions(path, feats.names, feats.onehot),
                  bool(classes[int(np.argmax(tree.tree_.value[node][0]))]),
                  float(leaf_pos[node] / leaf_all[node]) if leaf_all[node] else float("nan"),
                  int(leaf_all[node]), float(leaf_pos[node] / total_pos))
             for node, path in _leaf_paths(tree).items()]
    rules.sort(key=lambda r: (not r.recommended, -np.nan_to_num(r.precision, nan=-1.0)))
    emit(progress, 1.0, "done", "surrogate")
    return SurrogateTree(
        title=(_("Rules that mimic {name}'s top {k}: {v2:.1f}% agreement, balanced accuracy "
                 "{balanced_accuracy:.2f} on {hold} held-out users").format(name=model.name, k=k, v2=100 * fidelity['agreement'], balanced_accuracy=fidelity['balanced_accuracy'], hold=len(hold))),
        rules=tuple(rules), tree_text=export_text(tree, feature_names=list(feats.names)),
        features=feats.names, importances=tree.feature_importances_.copy(), fidelity=fidelity,
        fit_users=model.user_ids_[fit], holdout_users=model.user_ids_[hold], k=k, max_depth=max_depth,
        fit_pairs=len(y), model=model.name,
        note=(_("fitted on {fit} users ({v1} top-{k} pairs, {negatives} sampled others each); always "
                "answering 'not recommended' would agree on {v4:.1f}% of held-out pairs, so read the "
                "balanced accuracy and F1.").format(fit=len(fit), v1=int(y.sum()), k=k, negatives=negatives, v4=100 * fidelity['majority_agreement'])))
