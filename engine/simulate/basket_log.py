"""A bandit log built from a loaded dataset, and the policies the Simulate pane replays on it.

Decision points are baskets: a customer's events at one timestamp (an invoice). For each basket
that the same customer follows with another one, the logged arm is drawn uniformly at random
(seeded; propensity 1/K: a simulated uniform logging policy, the condition under which rejection
replay is unbiased) and the reward is 1 when the customer's next basket holds an item of that arm.
Arms are the K most frequent categories (the catalog's category column, else the first word of
the item title) or the K most frequent items, counted over baskets.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from engine.data.interactions import Interactions, index_of
from engine.errors import ValidationError
from engine.i18n import _
from engine.models.capabilities import supports
from engine.progress import CancelToken, ProgressCallback, check, emit, scaled
from engine.simulate.policies import FixedPolicy, LinUCB, parse_policy
from engine.simulate.replay import ReplayResult, replay

ARM_KINDS = ("category", "item")
#: Users scored per batch for a model's top-1 arm.
_BATCH = 512
#: Principal components of the user vectors kept as LinUCB contexts (plus a bias term).
CONTEXT_DIMS = 16


@dataclass
class BanditLog:
    """arm_names: (K,) labels; arms / rewards / propensity / users: (n,) per event, in time order
    (users: internal index into ``interactions.user_ids``); item_arm: (n_items,) arm of each item
    of ``item_ids`` (-1: none); baskets: decision points before keeping those with a next basket;
    source: how the arms were defined, in words."""

    arm_names: list[str]
    arms: np.ndarray
    rewards: np.ndarray
    propensity: np.ndarray
    users: np.ndarray
    user_ids: np.ndarray
    item_ids: np.ndarray
    item_arm: np.ndarray
    kind: str
    source: str
    baskets: int

    @property
    def n_events(self) -> int:
        return len(self.arms)


def item_categories(catalog, item_ids) -> tuple[np.ndarray, str]:
    """((n_items,) object labels, None where unknown; how they were found). The catalog's category
    column, else the first word of the title (upper case), else ValidationError."""
    if catalog is not None:
        col = catalog.column("category")
        if col is not None and col in catalog.frame.columns:
            values = catalog.align(item_ids)[col]
            labels = values.astype(object).where(values.notna(), None).map(lambda v: None if v is None else str(v))
            return labels.to_numpy(dtype=object), _("catalog column '{col}'").format(col=col)
        if catalog.column("title") or catalog.column("description"):
            words = pd.Series(catalog.titles(item_ids), dtype=object).str.strip().str.upper().str.split().str[0]
            words = words.where(words.notna() & (words.astype(str) != ""), None)
            # titles() falls back to the id for items without a title: those have no category
            aligned = catalog.align(item_ids)
            has_text = np.zeros(len(item_ids), bool)
            for role in ("title", "description"):
                c = catalog.column(role)
                if c is not None and c in aligned.columns:
                    has_text |= aligned[c].notna().to_numpy()
            return np.where(has_text, words.to_numpy(dtype=object), None), _("first word of the item title")
    raise ValidationError("category arms need a catalog with a category or title column; use item arms")


def basket_log(interactions: Interactions, catalog=None, arms: str = "category", n_arms: int = 10,
               seed: int = 0, *, progress: ProgressCallback | None = None,
               cancel: CancelToken | None = None) -> BanditLog:
    """The bandit log of ``interactions`` (needs timestamps) over ``n_arms`` arms of kind ``arms``."""
    if arms not in ARM_KINDS:
        raise ValidationError(f"arms must be one of {', '.join(ARM_KINDS)}, not {arms!r}")
    if interactions.timestamps is None:
        raise ValidationError("the simulator needs timestamps to order each customer's baskets")
    if int(n_arms) < 2:
        raise ValidationError(f"use at least 2 arms, got {n_arms}")
    u, i, t = interactions.user_idx, interactions.item_idx, interactions.timestamps
    order = np.lexsort((t, u))
    u, i, t = u[order], i[order], t[order]
    new = np.ones(len(u), bool)
    new[1:] = (u[1:] != u[:-1]) | (t[1:] != t[:-1])
    basket = np.cumsum(new) - 1                                       # (n_events,) basket per event
    n_baskets = int(basket[-1]) + 1 if len(basket) else 0
    b_user, b_time = u[new], t[new]
    emit(progress, 0.3, f"{n_baskets:,} baskets", "log")
    check(cancel)

    if arms == "category":
        labels, source = item_categories(catalog, interactions.item_ids)
        codes, uniques = pd.factorize(pd.Series(labels, dtype=object), use_na_sentinel=True)
    else:
        codes, uniques = np.arange(interactions.n_items), np.array([str(v) for v in interactions.item_ids], dtype=object)
        source = "items"
    pairs = np.unique(np.stack([basket, codes[i]], axis=1)[codes[i] >= 0], axis=0)  # (basket, group) once
    freq = np.bincount(pairs[:, 1], minlength=len(uniques)) if len(pairs) else np.zeros(len(uniques), np.int64)
    top = np.argsort(-freq, kind="stable")[:int(n_arms)]
    top = top[freq[top] > 0]
    if len(top) < 2:
        raise ValidationError(f"fewer than 2 {arms} arms occur in the data")
    arm_of_group = np.full(len(uniques), -1, np.int64)
    arm_of_group[top] = np.arange(len(top))
    item_arm = np.where(codes >= 0, arm_of_group[np.maximum(codes, 0)], -1)
    if arms == "item":
        names = [f"{uniques[g]}" for g in top]
        if catalog is not None:
            titles = catalog.titles(interactions.item_ids[top])
            names = [f"{title} ({iid})" if title != iid else iid for title, iid in zip(titles, names)]
    else:
        names = [str(uniques[g]) for g in top]
    k = len(top)
    held = pairs[arm_of_group[pairs[:, 1]] >= 0]
    contains = np.zeros((n_baskets, k), bool)
    contains[held[:, 0], arm_of_group[held[:, 1]]] = True
    emit(progress, 0.7, "drawing the logged arms", "log")
    check(cancel)

    has_next = np.flatnonzero(b_user[:-1] == b_user[1:])              # basket b followed by b + 1
    events = has_next[np.argsort(b_time[has_next], kind="stable")]    # in time order
    rng = np.random.default_rng(seed)
    logged = rng.integers(k, size=len(events))
    rewards = contains[events + 1, logged].astype(np.float64)
    emit(progress, 1.0, f"{len(events):,} decision points", "log")
    return BanditLog(names, logged.astype(np.int64), rewards, np.full(len(events), 1.0 / k), b_user[events].astype(np.int64),
                     interactions.user_ids, interactions.item_ids, item_arm.astype(np.int64), arms, source, n_baskets)


def model_arms(model, log: BanditLog, *, progress: ProgressCallback | None = None,
               cancel: CancelToken | None = None) -> tuple[np.ndarray, int]:
    """Arm the model's top-1 falls in at each event: per customer, the arm holding the highest-
    scored unseen item. ((n,) int64 arms, events whose customer the model never saw: those get
    the most frequent arm, 0)."""
    users_ext = log.user_ids[log.users]
    m_users = index_of(users_ext, model.user_ids_)                    # (n,) model index or -1
    m_arm = np.full(model.n_items, -1, np.int64)
    pos = index_of(model.item_ids_, log.item_ids)
    m_arm[pos >= 0] = log.item_arm[pos[pos >= 0]]
    k = len(log.arm_names)
    members = [np.flatnonzero(m_arm == a) for a in range(k)]
    known = np.unique(m_users[m_users >= 0])
    best = np.zeros(model.n_users, np.int64)
    from engine.models.ranking import mask_seen
    for start in range(0, len(known), _BATCH):
        check(cancel)
        rows = known[start:start + _BATCH]
        s = model.score(rows)
        mask_seen(s, model.seen_, rows)
        per_arm = np.stack([s[:, idx].max(axis=1) if len(idx) else np.full(len(rows), -np.inf, np.float32)
                            for idx in members], axis=1)             # (rows, K)
        best[rows] = np.argmax(per_arm, axis=1)
        emit(progress, min(start + _BATCH, len(known)) / max(len(known), 1), "scoring customers", "model")
    choice = np.where(m_users >= 0, best[np.maximum(m_users, 0)], 0)
    return choice, int((m_users < 0).sum())


def user_contexts(model, log: BanditLog, dims: int = CONTEXT_DIMS) -> tuple[np.ndarray, int, float]:
    """LinUCB contexts from the model's user vectors (capability "embeddings"):
    ((n_events, k + 1) float64, cold events, variance share kept). The vectors of the log's
    customers the model knows are centred, cut to their top k <= ``dims`` principal components,
    scaled to unit RMS norm, and a bias 1 is appended; customers the model never saw get zeros
    (bias only: the arm's plain mean)."""
    if not supports(model, "embeddings"):
        raise ValidationError(f"LinUCB needs user vectors, and model {model.name} has none (it scores without "
                              "embeddings); use a factor, sequence, text or EASE model")
    m_users = index_of(log.user_ids[log.users], model.user_ids_)     # (n,) model index or -1
    known, pos = np.unique(m_users[m_users >= 0], return_inverse=True)
    k = min(int(dims), len(known) - 1) if len(known) > 1 else 0
    z = np.zeros((len(known), 0))
    kept = 0.0
    if k > 0:
        from sklearn.decomposition import PCA
        vectors = model.embeddings("user", known).astype(np.float64)   # (n_known, d)
        k = min(k, vectors.shape[1])
        pca = PCA(n_components=k, svd_solver="full").fit(vectors)
        z = pca.transform(vectors)
        rms = np.sqrt(np.mean(np.sum(z * z, axis=1)))
        z = z / rms if rms > 0 else z
        kept = float(pca.explained_variance_ratio_.sum())
    contexts = np.zeros((log.n_events, z.shape[1] + 1))
    contexts[m_users >= 0, :-1] = z[pos]
    contexts[:, -1] = 1.0
    return contexts, int((m_users < 0).sum()), kept


def split_spec(spec: str) -> tuple[str, str | None]:
    """(policy kind spec, model name or None) of a policy spec, checked: "model:NAME" ->
    ("model", NAME); "linucb:ALPHA@NAME" -> ("linucb:ALPHA", NAME); "egreedy:0.1" -> ("egreedy:0.1",
    None). ValidationError for anything else."""
    text = str(spec).strip()
    head, _, rest = text.partition(":")
    if head.lower() == "model":
        if not rest.strip():
            raise ValidationError(f"policy {spec!r}: name the model, model:MODEL")
        return "model", rest.strip()
    if head.lower().split("@")[0] == "linucb":
        alpha, at, name = text[len("linucb"):].lstrip(":").partition("@")
        try:
            value = float(alpha) if alpha.strip() else 1.0
        except ValueError:
            value = float("nan")
        if not at or not name.strip() or not value >= 0:
            raise ValidationError(f"policy {spec!r}: use linucb:ALPHA@MODEL (ALPHA >= 0, e.g. linucb:1.0@MODEL)")
        return f"linucb:{value:g}", name.strip()
    parse_policy(text)
    return text, None


def simulate(log: BanditLog, policies, models: dict | None = None, seed: int = 0, *,
             progress: ProgressCallback | None = None, cancel: CancelToken | None = None) -> list[ReplayResult]:
    """Replay each policy spec on ``log``: "egreedy:EPS", "ucb:ALPHA", "thompson", "fixed:ARM",
    "model:NAME" (the top-1 arm of ``models[NAME]``, a fitted Recommender) or "linucb:ALPHA@NAME"
    (LinUCB over ``models[NAME]``'s user vectors, see ``user_contexts``). One ``ReplayResult``
    each, in order; a model-based policy's ``extra`` holds "cold_events" (customers the model never
    saw), LinUCB's also "context_dims" (with the bias) and "context_variance" (PCA share kept)."""
    specs = [(spec, *split_spec(spec)) for spec in policies]
    if not specs:
        raise ValidationError("choose at least one policy")
    models = models or {}
    for spec, _policy, name in specs:
        if name is not None and name not in models:
            raise ValidationError(f"policy {spec!r}: no model named {name!r}")
    out = []
    for j, (_spec, kind, name) in enumerate(specs):
        check(cancel)
        part = scaled(progress, j / len(specs), (j + 1) / len(specs))
        extra = {}
        if kind == "model":
            choice, cold = model_arms(models[name], log, progress=scaled(part, 0.0, 0.9), cancel=cancel)
            policy = FixedPolicy(choice, name=f"model:{name}")
            extra = {"cold_events": cold}
        elif name is not None:
            emit(part, 0.0, "user vectors for LinUCB", "model")
            contexts, cold, kept = user_contexts(models[name], log)
            policy = LinUCB(contexts, float(kind.partition(":")[2]), name=f"{kind}@{name}")
            extra = {"cold_events": cold, "context_dims": contexts.shape[1], "context_variance": kept}
        else:
            policy = parse_policy(kind)
        res = replay(policy, log.arms, log.rewards, len(log.arm_names), propensity=log.propensity, seed=seed,
                     progress=scaled(part, 0.9 if kind == "model" else 0.1 if name else 0.0, 1.0), cancel=cancel)
        res.extra.update(extra)
        out.append(res)
    return out
