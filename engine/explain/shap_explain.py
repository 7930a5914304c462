"""SHAP for the two-tower feature model, ranking-aware: why an item beats the rank-(K+1) threshold.

The explained quantity for (user u, item i) is the **margin** ``score(u, i) − score(u, j)``, where
``j`` is the item that holds rank ``k`` among u's other unseen candidates: the item that would take
i's place in the top-``k`` (i recommended), or the one i would have to beat to enter (i not
recommended). The margin is positive exactly when i is in the top-k.

Players are the model's readable feature groups (``TwoTower.feature_names``: user id, user fields,
item id, item category / price band / country, item text). A feature is "absent" when its value is
taken from a background row instead: ``background`` random training interactions (user, item),
i.e. SHAP's interventional expectation over the data distribution. The threshold item j stays
fixed; user features move both scores, item features only i's.

With few features (2^F ≤ ``EXACT_MAX`` coalitions) the Shapley values are computed **exactly** by
enumerating every coalition; the tower structure (score = [user tower, 1] · [item tower, bias])
lets us run each tower once per side-coalition and background row, so a recommendation costs a
few milliseconds (it matches shap's KernelExplainer to 1e-8). Beyond that, antithetic permutation
sampling (also exactly additive) estimates the same game through ``TwoTower.feature_forward``; shap
itself is not imported (its explainers compile with numba for seconds in every new process).
Either way ``sum(values) == target − baseline`` up to float rounding.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import factorial

import numpy as np
import torch

from engine.errors import ModelError
from engine.explain.latent import item_index, item_titles
from engine.explain.types import Attribution, _Dict
from engine.models.capabilities import supports
from engine.models.ranking import mask_seen, topk
from engine.progress import CancelToken, ProgressCallback, check, emit
from engine.i18n import _

#: Largest coalition count (2^F) computed exactly; above it, permutation sampling.
EXACT_MAX = 4096
#: Permutations (half of them reversed copies) sampled when the features are too many for the exact sum.
PERMUTATIONS = 64
#: Float64 cells of tower output held at once; sets how many pairs one chunk explains.
CHUNK_CELLS = 4_000_000


@dataclass(frozen=True)
class ShapSummary(_Dict):
    """Global SHAP over many (user, recommended item) pairs, for a bar chart and a beeswarm.

    features: (F,) feature names; mean_abs: (F,) mean |SHAP| per feature; values: (P, F) SHAP of
    each pair's margin; feature_values: (P, F) float colour value per cell (the band number for
    "… band" features, NaN for nominal ones); value_labels: (P, F) readable values (hover text);
    users / items: (P,) external ids; targets / baselines: (P,) explained margin and expectation.
    """

    title: str
    features: tuple[str, ...]
    mean_abs: np.ndarray
    values: np.ndarray
    feature_values: np.ndarray
    value_labels: np.ndarray
    users: np.ndarray
    items: np.ndarray
    targets: np.ndarray
    baselines: np.ndarray
    k: int
    model: str = ""
    note: str = ""

    def order(self) -> np.ndarray:
        """(F,) feature indices from the largest to the smallest mean |SHAP|."""
        return np.argsort(-self.mean_abs, kind="stable")


# ---- the game --------------------------------------------------------------------------------
def _check_model(model) -> None:
    if not supports(model, "features"):
        raise ModelError(_("SHAP explains models over input features; {v0!r} has no feature view (use "
                           "contributions, attention or gradients for it)").format(v0=getattr(model, 'name', model)))


def _masks(n: int) -> np.ndarray:
    """(2^n, n) bool: row m holds the bits of m (column c present when bit c is set)."""
    return ((np.arange(2 ** n)[:, None] >> np.arange(n)) & 1).astype(bool)


def _shapley_weights(n_features: int) -> np.ndarray:
    """(F,) weight of a coalition of size s in the Shapley sum: s!(F−s−1)!/F!."""
    f = n_features
    return np.array([factorial(s) * factorial(f - s - 1) / factorial(f) for s in range(f)])


def shapley_from_values(v: np.ndarray, n_features: int) -> np.ndarray:
    """Exact Shapley values (P, F) from coalition values v (P, 2^F) (bit c = feature c present)."""
    w = _shapley_weights(n_features)
    masks = np.arange(2 ** n_features)
    size = np.array([bin(m).count("1") for m in masks])
    out = np.empty((v.shape[0], n_features))
    for c in range(n_features):
        without = masks[(masks >> c) & 1 == 0]
        out[:, c] = (v[:, without | (1 << c)] - v[:, without]) @ w[size[without]]
    return out


class ShapGame:
    """Coalition values of the margin game for one model and one background sample."""

    def __init__(self, model, background: int, seed: int):
        self.model, self.seed = model, seed
        self.user, self.item, self.bias = model.towers()
        self.nu, self.ni = self.user.n_inputs, self.item.n_inputs
        seen = model.seen_.tocoo()
        rng = np.random.default_rng(seed)
        pick = rng.choice(seen.nnz, size=min(int(background), seen.nnz), replace=False)
        self.bg_users = seen.row[pick].astype(np.int64)
        self.bg_items = seen.col[pick].astype(np.int64)
        self.umask, self.imask = _masks(self.nu), _masks(self.ni)

    @property
    def n_features(self) -> int:
        return self.nu + self.ni

    @property
    def exact(self) -> bool:
        return 2 ** self.n_features <= EXACT_MAX

    @property
    def chunk(self) -> int:
        """Pairs per ``explain`` call that keep the tower outputs near ``CHUNK_CELLS`` cells."""
        if not self.exact:
            return 1
        per_pair = (2 ** self.nu + 2 ** self.ni) * len(self.bg_users) * (self.item.dim + 1)
        return max(1, CHUNK_CELLS // per_pair)

    def explain(self, users: np.ndarray, items: np.ndarray, refs: np.ndarray) -> tuple[np.ndarray, ...]:
        """Shapley values (P, F), targets (P,) and baselines (P,) of the pairs' margins over refs (P,)."""
        if self.exact:
            v = self.values(users, items, refs)
            return shapley_from_values(v, self.n_features), v[:, -1], v[:, 0]
        out = [_permutation_values(self, int(u), int(i), int(r)) for u, i, r in zip(users, items, refs)]
        return np.stack([o[0] for o in out]), np.array([o[1] for o in out]), np.array([o[2] for o in out])

    @property
    def method(self) -> str:
        return (_("exact Shapley values") if self.exact
                else _("Shapley values sampled over {PERMUTATIONS} feature orders").format(PERMUTATIONS=PERMUTATIONS))

    def _side(self, tower, x: np.ndarray, bg: np.ndarray, masks: np.ndarray) -> tuple[torch.Tensor, np.ndarray]:
        """Tower outputs (P, 2^n, B, d) float64 and their refs (P, 2^n, B, n): column c from x (P,)
        where masks[:, c], else from the background bg (B,)."""
        refs = np.where(masks[None, :, None, :], x[:, None, None, None], bg[None, None, :, None])
        p, s, b, n = refs.shape
        with torch.no_grad():
            out = tower(torch.from_numpy(refs.reshape(-1, n)))
        return out.double().reshape(p, s, b, -1), refs

    def values(self, users: np.ndarray, items: np.ndarray, refs: np.ndarray) -> np.ndarray:
        """Margin coalition values (P, 2^F) for pairs (users[p], items[p]) against threshold items refs[p]."""
        u, urefs = self._side(self.user, users, self.bg_users, self.umask)            # (P, Su, B, d)
        v, irefs = self._side(self.item, items, self.bg_items, self.imask)            # (P, Si, B, d)
        bias = self.bias.double()
        vb = bias[torch.from_numpy(irefs[..., 0])]                                      # (P, Si, B)
        with torch.no_grad():
            ref_vec = self.item(torch.from_numpy(refs)[:, None].expand(-1, self.ni)).double()     # (P, d)
        ref_b = bias[torch.from_numpy(refs)]                                            # (P,)
        b = u.shape[2]
        pair = torch.einsum("psbd,ptbd->pst", u, v) / b + vb.mean(2)[:, None, :]       # (P, Su, Si)
        thresh = torch.einsum("psbd,pd->ps", u, ref_vec) / b + ref_b[:, None]          # (P, Su)
        margin = pair - thresh[:, :, None]
        # flat coalition index = user bits + (item bits << nu)  ->  (P, Si, Su) flattened
        return margin.transpose(1, 2).reshape(len(users), -1).numpy()


def threshold_items(model, users: np.ndarray, items: np.ndarray, k: int) -> np.ndarray:
    """(P,) for each pair the item holding rank k among the user's unseen candidates other than items[p]."""
    scores = model.score(users)
    mask_seen(scores, model.seen_, users)
    scores[np.arange(len(users)), items] = -np.inf
    top, _rest = topk(scores, k)
    if top.shape[1] < k or np.any(top[:, k - 1] < 0):
        raise ModelError(_("a user has fewer than {v0} unseen candidate items; lower k").format(v0=k + 1))
    return top[:, k - 1]


def _labels(model, refs: np.ndarray) -> tuple[list[str], list[str]]:
    """Readable names (F,) and "name = value" labels (F,) of one feature_matrix row."""
    names, text = model.feature_names(), model.text_columns()
    labels = [n if c in text else f"{n} = {model.feature_value(c, int(refs[c]))}" for c, n in enumerate(names)]
    return names, labels


def _permutation_values(game: ShapGame, user: int, item: int, ref: int,
                        n_perm: int = PERMUTATIONS) -> tuple[np.ndarray, float, float]:
    """(values (F,), target, baseline) by antithetic permutation sampling of the same game (large F),
    through ``feature_forward``; exactly additive because every permutation telescopes, and exact
    whenever the game has only pairwise interactions (a two-tower model without hidden layers):
    each reversed permutation gives a pair the opposite order."""
    model, f, nu = game.model, game.n_features, game.nu
    rng = np.random.default_rng(game.seed)
    half = np.stack([rng.permutation(f) for _i in range(max(1, n_perm // 2))])
    perms = np.concatenate([half, half[:, ::-1]])                                    # (M, F)
    present = np.argsort(perms, axis=1)[:, None, :] < np.arange(f + 1)[None, :, None]   # (M, F+1, F)
    x = model.feature_matrix([user], [item])[0]
    bg = model.feature_matrix(game.bg_users, game.bg_items)                          # (B, F)
    rows = np.where(present[:, :, None, :], x, bg[None, None]).reshape(-1, f)
    thr = rows.copy()
    thr[:, nu:] = ref
    margin = model.feature_forward(rows).astype(np.float64) - model.feature_forward(thr)
    v = margin.reshape(len(perms), f + 1, len(bg)).mean(2)                           # (M, F+1)
    values = np.zeros(f)
    np.add.at(values, perms, np.diff(v, axis=1))
    return values / len(perms), float(v[0, -1]), float(v[0, 0])


# ---- public API ------------------------------------------------------------------------------
def explain_shap(model, user, item, *, k: int = 10, catalog=None, background: int = 50, seed: int = 0,
                 progress: ProgressCallback | None = None, cancel: CancelToken | None = None) -> Attribution:
    """SHAP of (external ids) ``user``/``item``'s margin over the rank-``k`` threshold item.

    Returns an Attribution with method "shap", unit "margin": keys (F,) feature names, labels
    "name = value", values (F,) float64 with ``values.sum() == target − baseline``; target is the
    margin, baseline its expectation over ``background`` training interactions.
    """
    _check_model(model)
    if k < 1:
        raise ModelError(_("k must be at least 1, got {k}").format(k=k))
    check(cancel)
    u, i = model.user_index(user), item_index(model, item)
    ref = int(threshold_items(model, np.array([u]), np.array([i]), k)[0])
    game = ShapGame(model, background, seed)
    emit(progress, 0.1, "explaining", "shap")
    values, target, baseline = game.explain(np.array([u]), np.array([i]), np.array([ref]))
    values, target, baseline = values[0], float(target[0]), float(baseline[0])
    check(cancel)
    names, labels = _labels(model, model.feature_matrix([u], [i])[0])
    t_item, t_ref = item_titles(model, [i, ref], catalog)
    how_far = (_("is in user {user}'s top {k}: its lead over {t_ref}").format(user=user, k=k, t_ref=t_ref) if target > 0
               else _("misses user {user}'s top {k}: its gap to {t_ref}").format(user=user, k=k, t_ref=t_ref))
    emit(progress, 1.0, "done", "shap")
    return Attribution(
        method="shap", title=_("Why {t_item} {how_far}").format(t_item=t_item, how_far=how_far),
        keys=tuple(names), labels=tuple(labels), values=values, target=target, baseline=baseline,
        unit="margin", user=user, item=item,
        note=(_("{method} of score(item) − score({t_ref}), the item at rank {k} without this one; absent "
                "features take values from {bg_users} random training interactions (baseline = the "
                "expected margin over them).").format(method=game.method, t_ref=t_ref, k=k, bg_users=len(game.bg_users))))


def shap_summary(model, users=None, *, k: int = 10, catalog=None, max_pairs: int = 500, background: int = 50,
                 seed: int = 0, progress: ProgressCallback | None = None,
                 cancel: CancelToken | None = None) -> ShapSummary:
    """SHAP of the margin for up to ``max_pairs`` (user, top-k item) pairs of ``users`` (external ids,
    in order, every top-k item per user; None = a random sample of all users)."""
    _check_model(model)
    if k < 1 or max_pairs < 1:
        raise ModelError(_("k and max_pairs must be at least 1"))
    if users is None:
        rng = np.random.default_rng(seed)
        idx = rng.permutation(model.n_users)[:-(-max_pairs // k)]
    else:
        idx = np.array([model.user_index(x) for x in users], dtype=np.int64)[:-(-max_pairs // k)]
    if len(idx) == 0:
        raise ModelError(_("no users to summarise"))
    check(cancel)
    top, _rest = model.recommend(idx, k + 1)
    if top.shape[1] < k + 1 or np.any(top < 0):
        raise ModelError(_("a user has fewer than {v0} unseen candidate items; lower k").format(v0=k + 1))
    pu = np.repeat(idx, k)[:max_pairs]
    pi = top[:, :k].reshape(-1)[:max_pairs]
    pref = np.repeat(top[:, k], k)[:max_pairs]
    game = ShapGame(model, background, seed)
    f = game.n_features
    values, targets, baselines = np.empty((len(pu), f)), np.empty(len(pu)), np.empty(len(pu))
    step = game.chunk
    for s in range(0, len(pu), step):
        check(cancel)
        sl = slice(s, s + step)
        values[sl], targets[sl], baselines[sl] = game.explain(pu[sl], pi[sl], pref[sl])
        done = min(s + step, len(pu))
        emit(progress, done / len(pu), _("{done}/{pu} recommendations").format(done=done, pu=len(pu)), "shap")
    check(cancel)
    X = model.feature_matrix(pu, pi)
    names, text = model.feature_names(), model.text_columns()
    labels = np.empty((len(pu), f), dtype=object)
    colour = np.full((len(pu), f), np.nan)
    for c, name in enumerate(names):
        if c in text:
            labels[:, c] = name
            continue
        uniq, inv = np.unique(X[:, c], return_inverse=True)
        labels[:, c] = np.array([model.feature_value(c, int(r)) for r in uniq], dtype=object)[inv]
        bands = model.feature_bands(c)
        if bands is not None:
            colour[:, c] = bands[X[:, c]]
    return ShapSummary(
        title=_("What drives the top {k}: mean |SHAP| over {pu} recommendations").format(k=k, pu=len(pu)),
        features=tuple(names), mean_abs=np.abs(values).mean(0), values=values, feature_values=colour,
        value_labels=labels, users=model.user_ids_[pu], items=model.item_ids_[pi], targets=targets,
        baselines=baselines, k=k, model=model.name,
        note=(_("{method} of each recommendation's margin over the item at rank {v1}; absent features "
                "take values from {bg_users} random training interactions.").format(method=game.method, v1=k + 1, bg_users=len(game.bg_users))))
