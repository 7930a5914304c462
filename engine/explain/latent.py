"""Latent-factor maps: a model's item (or user) embeddings projected to 2-D, coloured by a catalog
column, with a customer, their history and top-N placed on the map; nearest neighbours; the
user/item factor heatmap.

The vectors are the model's own (capability "embeddings"): factor models their user/item
factors, SASRec its item table and last hidden states, the text model its sentence vectors and
profiles, EASE a truncated SVD of its item–item weights, the hybrid its collaborative part. Models
without a latent space (most-popular, item-kNN) give a ModelError.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from engine.data.interactions import index_of, normalize_ids
from engine.errors import ModelError
from engine.explain.types import _Dict
from engine.models.capabilities import supports
from engine.models.features import MISSING, MULTI_SEP, band_field
from engine.progress import CancelToken, ProgressCallback, check, emit
from engine.i18n import _

#: Distinct values of a categorical colour column shown before "other".
MAX_COLOURS = 9


# ---- ids and titles ----------------------------------------------------------------------------
def item_index(model, item) -> int:
    """Internal index of external item id ``item``; ModelError if the model never saw it."""
    model._check_fitted()
    idx = index_of(normalize_ids([item]), model.item_ids_)[0]
    if idx < 0:
        raise ModelError(_("item {item!r} is not in the training data").format(item=item))
    return int(idx)


def external_id(value):
    """A numpy id as a plain Python int or str."""
    return value if isinstance(value, str) else int(value)


def item_titles(model, idx, catalog=None) -> list[str]:
    """Display titles (n,) of internal item indices ``idx`` (the ids themselves without a catalog)."""
    ids = model.item_ids_[np.asarray(idx, dtype=np.int64)]
    if catalog is None:
        return [str(i) for i in ids]
    return catalog.titles([external_id(i) for i in ids])


# ---- embeddings --------------------------------------------------------------------------------
def has_embeddings(model) -> bool:
    """True when ``embeddings`` works for this (fitted) model."""
    return supports(model, "embeddings")


def embeddings(model, kind: str = "item", rows=None) -> np.ndarray:
    """(n, d) float32 vectors of internal indices ``rows`` (default all) of kind "item" or "user"."""
    if kind not in ("item", "user"):
        raise ModelError(_("kind must be 'item' or 'user', got {kind!r}").format(kind=kind))
    model._check_fitted()
    if not has_embeddings(model):
        raise ModelError(_("model {name} has no latent vectors to map (it scores without embeddings); use a factor, "
                           "sequence, text or EASE model").format(name=model.name))
    return np.asarray(model.embeddings(kind, None if rows is None else np.asarray(rows, np.int64).reshape(-1)),
                      np.float32)


# ---- results -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class LatentMap(_Dict):
    """n points of one model's item (or user) vectors in 2-D.

    ids: (n,) external ids; index: (n,) internal indices, ascending; labels: (n,) titles;
    xy: (n, 2) float64; colors: (n,) int64 positions in ``legend`` (every entry used);
    explained_variance: (2,) PCA variance ratios, None for t-SNE; components (2, d) / mean (d,):
    the PCA projection (``project``), None for t-SNE.
    """

    title: str
    kind: str
    method: str
    ids: np.ndarray
    index: np.ndarray
    labels: tuple[str, ...]
    xy: np.ndarray
    colors: np.ndarray
    legend: tuple[str, ...]
    color_by: str
    explained_variance: np.ndarray | None = None
    components: np.ndarray | None = None
    mean: np.ndarray | None = None
    model: str = ""
    note: str = ""

    def project(self, vectors: np.ndarray) -> np.ndarray:
        """(m, d) vectors -> (m, 2) map coordinates (PCA maps only)."""
        if self.components is None:
            raise ModelError(_("t-SNE places only the points it was fitted on; use a PCA map to project vectors"))
        return (np.asarray(vectors, np.float64) - self.mean) @ self.components.T

    def positions(self, index) -> np.ndarray:
        """(m,) positions in the map of internal indices ``index`` (m,), -1 where not drawn."""
        idx = np.asarray(index, dtype=np.int64).reshape(-1)
        return index_of(idx, self.index)


@dataclass(frozen=True)
class Placement(_Dict):
    """A customer on an item map. *_points: (m,) positions in the map (-1: not among its points);
    *_xy: (m, 2) coordinates (PCA: projected even when not drawn; t-SNE: NaN when not drawn);
    user_xy: (2,) the user vector projected (PCA), NaN on t-SNE maps."""

    user: object
    history_ids: np.ndarray
    history_points: np.ndarray
    history_xy: np.ndarray
    recommended_ids: np.ndarray
    recommended_points: np.ndarray
    recommended_xy: np.ndarray
    user_xy: np.ndarray
    note: str = ""


@dataclass(frozen=True)
class FactorHeatmap(_Dict):
    """matrix: (n_items + 1, d) float64, row 0 the user's vector, then each item's; row_keys /
    row_labels: (n_items + 1,) ids and display text; scores: (n_items,) user · item."""

    title: str
    matrix: np.ndarray
    row_keys: tuple
    row_labels: tuple[str, ...]
    scores: np.ndarray
    note: str = ""


# ---- colours -----------------------------------------------------------------------------------
def _categorical_colours(values) -> tuple[np.ndarray, tuple[str, ...]]:
    s = pd.Series(values, dtype=object)
    text = s.astype(str).str.split(MULTI_SEP, regex=False).str[0].str.strip()
    text = text.where(s.notna() & ~text.isin(["", "nan", "None", "<NA>"]), MISSING)
    counts = text[text != MISSING].value_counts()
    top = sorted(counts.index[:MAX_COLOURS].tolist())
    if len(counts) > MAX_COLOURS:
        text = text.where(text.isin(top) | (text == MISSING), "other")
    legend = top + [v for v in ("other", MISSING) if (text == v).any()]
    return text.map({v: c for c, v in enumerate(legend)}).to_numpy(np.int64), tuple(legend)


def _band_colours(name: str, values) -> tuple[np.ndarray, tuple[str, ...]]:
    f = band_field(name, values)
    used, codes = np.unique(f.codes[:, 0], return_inverse=True)
    return codes.astype(np.int64), tuple(f.labels[c] for c in used)


def _colours(model, kind: str, index: np.ndarray, catalog, color_by) -> tuple[np.ndarray, tuple, str]:
    counts = np.asarray(model.seen_.sum(axis=0 if kind == "item" else 1)).ravel()[index]
    stat = "popularity" if kind == "item" else "activity"
    if color_by is None and kind == "item" and catalog is not None:
        color_by = next((r for r in ("category", "price") if catalog.column(r) in catalog.frame.columns), None)
    if color_by is None or color_by == stat:
        codes, legend = _band_colours(stat, counts)
        return codes, legend, stat
    if kind == "user":
        raise ModelError(_("user maps are coloured by 'activity' only, not {color_by!r}").format(color_by=color_by))
    if catalog is None:
        raise ModelError(_("colouring by {color_by!r} needs the item catalog").format(color_by=color_by))
    col = catalog.column(color_by) or color_by
    if col not in catalog.frame.columns:
        have = ", ".join(map(str, catalog.frame.columns))
        raise ModelError(_("the catalog has no column {color_by!r} (it has {have})").format(color_by=color_by, have=have))
    values = catalog.align(model.item_ids_[index])[col]
    numeric = pd.to_numeric(values, errors="coerce")
    if pd.api.types.is_numeric_dtype(values) or numeric.notna().mean() > 0.95:
        codes, legend = _band_colours(str(color_by), numeric.to_numpy())
    else:
        codes, legend = _categorical_colours(values.to_numpy())
    return codes, legend, str(color_by)


# ---- public API --------------------------------------------------------------------------------
def latent_map(model, *, kind: str = "item", method: str = "pca", catalog=None, color_by: str | None = None,
               max_points: int = 5000, seed: int = 0, progress: ProgressCallback | None = None,
               cancel: CancelToken | None = None) -> LatentMap:
    """Project the ``max_points`` most interacted items (or most active users) to 2-D.

    method "pca" (sklearn PCA, keeps the projection so users and other items can be placed) or
    "tsne" (sklearn TSNE, cosine distance, PCA init; cancel is checked before and after it).
    color_by: a catalog role or column ("category", "price", "country"…; numbers become quantile
    bands), "popularity"/"activity"; default category, else price, else popularity.
    """
    if method not in ("pca", "tsne"):
        raise ModelError(_("method must be 'pca' or 'tsne', got {method!r}").format(method=method))
    if max_points < 5:
        raise ModelError(_("max_points must be at least 5, got {max_points}").format(max_points=max_points))
    vectors_all = embeddings(model, kind)
    check(cancel)
    counts = np.asarray(model.seen_.sum(axis=0 if kind == "item" else 1)).ravel()
    index = np.sort(np.argsort(-counts, kind="stable")[:max_points])
    if len(index) < 5 or vectors_all.shape[1] < 2:
        raise ModelError(_("a map needs at least 5 points with vectors of 2 or more dimensions"))
    vectors = vectors_all[index].astype(np.float64)
    emit(progress, 0.1, (_("projecting {n} items with {method}") if kind == "item" else _("projecting {n} users with {method}")).format(
        n=len(index), method=method.upper()), "latent")
    components = mean = ratio = None
    if method == "pca":
        from sklearn.decomposition import PCA
        pca = PCA(n_components=2, random_state=seed).fit(vectors)
        xy = pca.transform(vectors)
        components, mean, ratio = pca.components_.copy(), pca.mean_.copy(), pca.explained_variance_ratio_.copy()
    else:
        from sklearn.manifold import TSNE
        perplexity = float(min(30.0, (len(index) - 1) / 3))
        xy = TSNE(n_components=2, perplexity=perplexity, init="pca", metric="cosine",
                  random_state=seed).fit_transform(vectors)
    check(cancel)
    colors, legend, color_by = _colours(model, kind, index, catalog, color_by)
    ids = (model.item_ids_ if kind == "item" else model.user_ids_)[index]
    labels = tuple(item_titles(model, index, catalog)) if kind == "item" else tuple(_("user {u}").format(u=u) for u in ids)
    emit(progress, 1.0, "done", "latent")
    explained = "" if ratio is None else _(" ({v0:.0f}% of the variance)").format(v0=100 * ratio.sum())
    return LatentMap(
        title=(_("{name} item embeddings, {method}{explained}") if kind == "item" else
               _("{name} user embeddings, {method}{explained}")).format(name=model.name, method=method.upper(), explained=explained), kind=kind, method=method,
        ids=ids, index=index, labels=labels, xy=np.asarray(xy, np.float64), colors=colors, legend=legend,
        color_by=color_by, explained_variance=ratio, components=components, mean=mean, model=model.name,
        note=(_("{note}; the {n} most interacted items") if kind == "item" else _("{note}; the {n} most active users")).format(
            note=model.embedding_note(), n=len(index)))


def place_user(model, latent: LatentMap, user, *, k: int = 10) -> Placement:
    """Put customer ``user`` (external id), their training history and top-``k`` on ``latent``."""
    u = model.user_index(user)
    if latent.kind == "user":
        pos = latent.positions([u])
        xy = (latent.project(embeddings(model, "user", [u]))[0] if latent.method == "pca"
              else (latent.xy[pos[0]] if pos[0] >= 0 else np.full(2, np.nan)))
        empty = np.empty(0, np.int64)
        return Placement(user, model.item_ids_[empty], empty, np.empty((0, 2)), model.item_ids_[empty], empty,
                         np.empty((0, 2)), np.asarray(xy, np.float64), _("a user map shows the customer only"))
    hist = np.sort(model.seen_[u].indices.astype(np.int64))
    recs = model.recommend([u], k)[0][0]
    recs = recs[recs >= 0]

    def locate(idx):
        pos = latent.positions(idx)
        if latent.method == "pca":
            return pos, latent.project(embeddings(model, "item", idx)) if len(idx) else np.empty((0, 2))
        xy = np.full((len(idx), 2), np.nan)
        xy[pos >= 0] = latent.xy[pos[pos >= 0]]
        return pos, xy

    hp, hxy = locate(hist)
    rp, rxy = locate(recs)
    if latent.method == "pca":
        user_xy, note = latent.project(embeddings(model, "user", [u]))[0], _("user vector projected onto the map")
    else:
        user_xy, note = np.full(2, np.nan), _("t-SNE cannot place new points: the user's items are marked")
    return Placement(user, model.item_ids_[hist], hp, hxy, model.item_ids_[recs], rp, rxy, user_xy, note)


def nearest_items(model, item, n: int = 10, *, catalog=None) -> list[tuple[object, str, float]]:
    """The ``n`` items with the highest cosine similarity to ``item`` (external id) in the model's
    item space: [(id, title, cosine)], most similar first (the item itself excluded)."""
    i = item_index(model, item)
    vecs = embeddings(model, "item").astype(np.float64)
    norms = np.linalg.norm(vecs, axis=1)
    cos = vecs @ vecs[i] / np.maximum(norms * norms[i], 1e-12)
    cos[i] = -np.inf
    top = np.argsort(-cos, kind="stable")[:max(0, int(n))]
    return [(external_id(model.item_ids_[j]), t, float(cos[j])) for j, t in zip(top, item_titles(model, top, catalog))]


def factor_heatmap(model, user, items, *, catalog=None) -> FactorHeatmap:
    """The user's vector above those of ``items`` (external ids) for a factor heatmap."""
    u = model.user_index(user)
    idx = np.array([item_index(model, i) for i in items], dtype=np.int64)
    uvec = embeddings(model, "user", [u]).astype(np.float64)
    ivec = embeddings(model, "item", idx).astype(np.float64)
    return FactorHeatmap(
        title=_("Latent factors of user {user} and {idx} items").format(user=user, idx=len(idx)), matrix=np.vstack([uvec, ivec]),
        row_keys=(user, *items), row_labels=(_("user {user}").format(user=user), *item_titles(model, idx, catalog)),
        scores=ivec @ uvec[0], note=model.embedding_note())
