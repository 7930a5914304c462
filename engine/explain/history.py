"""Scores for an arbitrary history: what the model would say about a customer who bought ``items``.

``score_history`` is the one entry point (external ids); ``score_histories`` is its batched,
internal-index twin used by deletion tests and counterfactual search. How each model reads a
history:

- EASE / ItemKNN: x @ W with x the binary history row — exact.
- iALS: the user factor recomputed by the closed-form least-squares solve of its objective with
  the item factors fixed (as implicit's ``recalculate_user``), confidence ``1 + alpha`` per item.
  Training runs a few conjugate-gradient steps per epoch, so this differs slightly from the
  trained factor.
- BPR / two-tower: fold-in, an APPROXIMATION: the user vector is fitted by the same weighted
  least squares (``FOLD_IN_ALPHA``, ``FOLD_IN_REG``) to the history with the item vectors fixed;
  BPR trained a ranking loss and the two-tower user tower reads the user id and features, not
  the history, so fold-in scores agree with the trained ones only roughly.
- SASRec: the sequence (oldest first, last ``max_len`` items) runs through the network; the empty
  history is the all-padding sequence.
- Text: the unit-normalised mean of the items' text vectors, each weighted log1p(count), cosine
  to every item (the model's own profile without recency decay).
- Hybrid: its collaborative and text parts as above, standardised and blended by its gate.
- MostPopular: the same scores for every history.
"""

from __future__ import annotations

import weakref

import numpy as np
import scipy.sparse as sp
import torch

from engine.data.interactions import index_of, normalize_ids
from engine.errors import ModelError

#: Confidence of a history item (1 + alpha) and ridge term of the least-squares fold-in (BPR, two-tower).
FOLD_IN_ALPHA = 20.0
FOLD_IN_REG = 10.0
#: Models whose user vector is a least-squares fit to the history (``fold_in``).
FOLD_IN_MODELS = ("ials", "bpr", "twotower")

_gram_cache: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


# ---- histories in index space -------------------------------------------------------------------
def item_indices(model, items) -> np.ndarray:
    """External item ids (n,) -> internal indices (n,) int64; ModelError naming unknown ids."""
    model._check_fitted()
    items = list(items)
    if not items:
        return np.empty(0, np.int64)
    idx = index_of(normalize_ids(items), model.item_ids_)
    if np.any(idx < 0):
        bad = [str(items[j]) for j in np.flatnonzero(idx < 0)[:5]]
        raise ModelError(f"item(s) {', '.join(bad)} are not among the {model.n_items} items of model "
                         f"{model.name} (e.g. {', '.join(str(v) for v in model.item_ids_[:3])})")
    return idx.astype(np.int64)


def history_of(model, user: int) -> np.ndarray:
    """(h,) int64 item indices the model reads for training user index ``user``: SASRec's last
    ``max_len`` items in time order (may repeat), else the user's distinct training items."""
    if model.name == "sasrec":
        return model.history_items(user)
    return model.seen_[user].indices.astype(np.int64)


def score_history(model, items, *, catalog=None) -> np.ndarray:
    """Scores (n_items,) float32 of every item for a customer whose history is the external item
    ids ``items`` (oldest first; repeats count for SASRec and text). Works for users the model
    never saw. ``catalog`` is accepted for symmetry with the explainers (not needed to score).
    ModelError where the model cannot score a new history (see the module docstring)."""
    return score_histories(model, [item_indices(model, items)])[0]


def score_histories(model, histories) -> np.ndarray:
    """Scores (n, n_items) float32 for ``histories``: a list of (h_j,) internal item index arrays."""
    model._check_fitted()
    scorer = _SCORERS.get(model.name)
    if scorer is None:
        raise ModelError(f"model {model.name} cannot score a new customer's history")
    histories = [np.asarray(h, dtype=np.int64).reshape(-1) for h in histories]
    if not histories:
        return np.empty((0, model.n_items), np.float32)
    return np.ascontiguousarray(scorer(model, histories), dtype=np.float32)


def score_items(model, histories, items) -> np.ndarray:
    """Scores (n,) float64 of one item per history: ``items[j]`` for ``histories[j]`` (SASRec
    computes only those items' scores; other models gather from full score rows)."""
    histories = [np.asarray(h, dtype=np.int64).reshape(-1) for h in histories]
    items = np.asarray(items, dtype=np.int64).reshape(-1)
    if not histories:
        return np.empty(0)
    if model.name == "sasrec":
        model._check_fitted()
        return _sasrec_states(model, histories, items)
    return score_histories(model, histories)[np.arange(len(items)), items].astype(np.float64)


def binary_rows(histories, n_items: int) -> sp.csr_matrix:
    """(n, n_items) float32 CSR with 1 where item ∈ history (repeats collapse)."""
    rows = np.repeat(np.arange(len(histories)), [len(h) for h in histories])
    cols = np.concatenate(histories) if histories else np.empty(0, np.int64)
    m = sp.csr_matrix((np.ones(len(cols), np.float32), (rows, cols)), shape=(len(histories), n_items))
    m.sum_duplicates()
    m.data[:] = 1.0
    return m


# ---- least-squares fold-in (iALS, BPR, two-tower) -----------------------------------------------
def fold_in_params(model) -> tuple[float, float]:
    """(alpha, reg) of the fold-in: iALS's own parameters, else ``FOLD_IN_ALPHA``, ``FOLD_IN_REG``."""
    if model.name == "ials":
        return float(model.params["alpha"]), float(model.params["reg"])
    return FOLD_IN_ALPHA, FOLD_IN_REG


def fold_in_gram(model) -> np.ndarray:
    """(f, f) float64 YᵀY + reg·I of the model's item factors Y (cached per model and factors)."""
    y = model.item_factors_
    cached = _gram_cache.get(model)
    if cached is not None and cached[0] is y:
        return cached[1]
    yd = y.astype(np.float64)
    g = yd.T @ yd + fold_in_params(model)[1] * np.eye(y.shape[1])
    _gram_cache[model] = (y, g)
    return g


def fold_in_systems(model, histories) -> tuple[np.ndarray, np.ndarray]:
    """Normal equations of the fold-in: A (n, f, f) = G + alpha·Y_hᵀY_h and b (n, f) =
    (1 + alpha)·Σ_h y_h for each history (distinct items); the user vector is A⁻¹ b."""
    alpha, _ = fold_in_params(model)
    y = model.item_factors_.astype(np.float64)
    g = fold_in_gram(model)
    a = np.repeat(g[None], len(histories), axis=0)
    b = np.zeros((len(histories), y.shape[1]))
    for j, h in enumerate(histories):
        yh = y[np.unique(h)]
        a[j] += alpha * (yh.T @ yh)
        b[j] = (1.0 + alpha) * yh.sum(axis=0)
    return a, b


def fold_in(model, histories) -> np.ndarray:
    """(n, f) float64 user vectors fitted to each history by weighted least squares."""
    a, b = fold_in_systems(model, histories)
    return np.linalg.solve(a, b[..., None])[..., 0]


def item_bias(model) -> np.ndarray:
    """(n_items,) float32 item bias of an MF-style model (zeros when it has none)."""
    bias = getattr(model, "item_bias_", None)
    return np.zeros(model.n_items, np.float32) if bias is None else bias


def _score_fold_in(model, histories) -> np.ndarray:
    x = fold_in(model, histories)
    return x @ model.item_factors_.T.astype(np.float64) + item_bias(model)[None, :]


# ---- other models -------------------------------------------------------------------------------
def _score_ease(model, histories) -> np.ndarray:
    x = torch.from_numpy(binary_rows(histories, model.n_items).toarray())
    return (x @ torch.from_numpy(model.weights_)).numpy()


def _score_itemknn(model, histories) -> np.ndarray:
    return (binary_rows(histories, model.n_items) @ model.sim_).toarray()


def _score_pop(model, histories) -> np.ndarray:
    return np.broadcast_to(model.counts_, (len(histories), model.n_items)).copy()


def text_weights(histories, n_items: int) -> sp.csr_matrix:
    """(n, n_items) float32: log1p(number of times the item occurs in the history)."""
    rows = np.repeat(np.arange(len(histories)), [len(h) for h in histories])
    cols = np.concatenate(histories) if histories else np.empty(0, np.int64)
    m = sp.csr_matrix((np.ones(len(cols), np.float32), (rows, cols)), shape=(len(histories), n_items))
    m.sum_duplicates()
    m.data = np.log1p(m.data)
    return m


def _score_text(model, histories) -> np.ndarray:
    from engine.models.text import user_profiles
    return user_profiles(text_weights(histories, model.n_items), model.item_factors_) @ model.item_factors_.T


def _score_hybrid(model, histories) -> np.ndarray:
    from engine.models.hybrid import standardize
    zc = standardize(score_histories(model.cf_model_, histories))
    zt = standardize(score_histories(model.text_model_, histories))
    g = model.item_gate_[None, :]
    return g * zc + (1.0 - g) * model.text_scale_ * zt


def sasrec_tokens(model, histories) -> torch.Tensor:
    """(n, L) int64 tokens (item + 1), the last ``max_len_`` items of each history, left-padded
    with 0 to the longest (L >= 1; an empty history is one padding token)."""
    cut = [h[-model.max_len_:] for h in histories]
    width = max(1, max(len(h) for h in cut))
    tokens = np.zeros((len(cut), width), np.int64)
    for j, h in enumerate(cut):
        if len(h):
            tokens[j, width - len(h):] = h + 1
    return torch.from_numpy(tokens)


def _sasrec_states(model, histories, items=None, batch: int = 256) -> np.ndarray:
    """SASRec scores: (n, n_items) float32, or (n,) float64 of ``items[j]`` per history when given."""
    m = model._module
    m.eval()
    n = len(histories)
    out = np.empty((n, model.n_items), np.float32) if items is None else np.empty(n)
    with torch.no_grad():
        w = m.item_weights()
        for start in range(0, n, batch):
            tokens = sasrec_tokens(model, histories[start:start + batch]).to(w.device)
            h = m.encode(tokens)[:, -1]
            if items is None:
                out[start:start + len(tokens)] = (h @ w.T).float().cpu().numpy()
            else:
                wi = w[torch.from_numpy(items[start:start + batch]).to(w.device)]
                out[start:start + len(tokens)] = (h * wi).sum(-1).double().cpu().numpy()
    return out


def _score_sasrec(model, histories) -> np.ndarray:
    return _sasrec_states(model, histories)


_SCORERS = {"ease": _score_ease, "itemknn": _score_itemknn, "pop": _score_pop, "ials": _score_fold_in,
            "bpr": _score_fold_in, "twotower": _score_fold_in, "text": _score_text, "hybrid": _score_hybrid,
            "sasrec": _score_sasrec}


def item_labels(model, indices, catalog=None) -> tuple[str, ...]:
    """Display text per internal item index: the catalog title when it has one, else the id."""
    ids = model.item_ids_[np.asarray(indices, dtype=np.int64)]
    if catalog is not None and len(ids):
        return tuple(catalog.titles(ids))
    return tuple(str(v) for v in ids.tolist())


def external_ids(model, indices) -> tuple:
    """External item ids (plain int / str) of internal indices."""
    return tuple(model.item_ids_[np.asarray(indices, dtype=np.int64)].tolist())


def plain_id(ids: np.ndarray, index: int):
    """``ids[index]`` as a plain Python int or str (JSON-able)."""
    return ids[np.asarray([index])].tolist()[0]
