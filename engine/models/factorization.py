"""Factor models: score(u, i) = p_u · q_i + b_i with user factors P, item factors Q and item bias b.

``FactorScoring`` (any model with ``user_factors_`` (n_users, f), ``item_factors_`` (n_items, f) and
optionally ``item_bias_`` (n_items,)): capabilities "factor_tables" and "embeddings".

``FoldInFactorization`` adds what a model trained on interactions (iALS, BPR, two-tower) can say
about any history, through the least-squares **fold-in**: the user vector of a history H is
x = A⁻¹ b with A = QᵀQ + reg·I + alpha·Q_HᵀQ_H and b = (1 + alpha)·Σ_{h∈H} q_h, i.e. the
closed-form solve of iALS's objective with the item factors fixed (implicit's
``recalculate_user``). It is exact for iALS's own alpha/reg; for BPR and the two-tower model
(``FOLD_IN_ALPHA``, ``FOLD_IN_REG``) it APPROXIMATES their user vectors. Capabilities "history"
(scores for any history), "contributions" (score = b_i + Σ_h c·(A⁻¹q_i)·q_h, exactly additive for
the fold-in), "latent" (u_k·v_k of the trained factors), "history_ig" (integrated gradients over
the history in closed form) and "rescoring" (Woodbury updates when history items are removed).
"""

from __future__ import annotations

import functools
import weakref

import numpy as np

from engine.models.base import Recommender
from engine.i18n import _

#: Confidence of a history item (1 + alpha) and ridge term of the fold-in of non-iALS models.
FOLD_IN_ALPHA = 20.0
FOLD_IN_REG = 10.0
#: Gauss–Legendre points of the closed-form integrated gradients (Captum's default count).
IG_STEPS = 50
#: Stacked normal-equation systems per step when deleting prefixes (~32 MiB), and removals per chunk.
SYSTEM_FLOATS = 1 << 22
CHUNK = 500

_gram_cache: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


class FactorScoring(Recommender):
    """A ``Recommender`` that scores by P Qᵀ + b: factor tables and embeddings."""

    user_factors_: np.ndarray
    item_factors_: np.ndarray

    def item_offsets(self) -> np.ndarray:
        """(n_items,) float32 item bias (zeros when the model has none)."""
        bias = getattr(self, "item_bias_", None)
        return np.zeros(self.n_items, np.float32) if bias is None else np.asarray(bias, np.float32)

    def factor_tables(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        return (np.asarray(self.user_factors_, np.float32), np.asarray(self.item_factors_, np.float32),
                self.item_offsets())

    def embeddings(self, kind: str, rows: np.ndarray | None = None) -> np.ndarray:
        table = self.item_factors_ if kind == "item" else self.user_factors_
        return np.asarray(table if rows is None else table[np.asarray(rows, np.int64)], np.float32)

    def embedding_note(self) -> str:
        return _("{name} factors").format(name=self.name)


class FoldInFactorization(FactorScoring):
    """Factor models trained on interactions; see the module docstring."""

    def fold_in_params(self) -> tuple[float, float]:
        """(alpha, reg) of the fold-in (iALS overrides with its own)."""
        return FOLD_IN_ALPHA, FOLD_IN_REG

    # ---- the fold-in ----------------------------------------------------------------------------
    def fold_in_gram(self) -> np.ndarray:
        """(f, f) float64 QᵀQ + reg·I (cached per model and factor array)."""
        q = self.item_factors_
        cached = _gram_cache.get(self)
        if cached is not None and cached[0] is q:
            return cached[1]
        qd = q.astype(np.float64)
        g = qd.T @ qd + self.fold_in_params()[1] * np.eye(q.shape[1])
        _gram_cache[self] = (q, g)
        return g

    def fold_in_systems(self, histories) -> tuple[np.ndarray, np.ndarray]:
        """Normal equations A (n, f, f) and b (n, f) of each history (distinct items)."""
        alpha, _ = self.fold_in_params()
        q = self.item_factors_.astype(np.float64)
        a = np.repeat(self.fold_in_gram()[None], len(histories), axis=0)
        b = np.zeros((len(histories), q.shape[1]))
        for j, h in enumerate(histories):
            qh = q[np.unique(h)]
            a[j] += alpha * (qh.T @ qh)
            b[j] = (1.0 + alpha) * qh.sum(axis=0)
        return a, b

    def score_histories(self, histories: list[np.ndarray]) -> np.ndarray:
        a, b = self.fold_in_systems(histories)
        x = np.linalg.solve(a, b[..., None])[..., 0]
        return (x @ self.item_factors_.T.astype(np.float64) + self.item_offsets()[None, :]).astype(np.float32)

    # ---- explanations ---------------------------------------------------------------------------
    def contribution_values(self, item: int, history: np.ndarray) -> tuple[np.ndarray, float, float]:
        hist = np.asarray(history, np.int64)
        alpha, _ = self.fold_in_params()
        (a,), _ = self.fold_in_systems([hist])
        q = self.item_factors_.astype(np.float64)
        w = np.linalg.solve(a, q[item])
        score = float(self.score_histories([hist])[0, item])
        return (1.0 + alpha) * (q[hist] @ w), score, float(self.item_offsets()[item])

    def contribution_note(self, user: int, item: int, score: float) -> str:
        trained = float(self.score([user])[0, item])
        return _("Exact for the user vector {fold_in}, which scores {score:.4f}; the trained user vector scores "
                 "{trained:.4f}. The baseline is the item's bias.").format(fold_in=self.fold_in_description(), score=score,
                                                                          trained=trained)

    def fold_in_description(self) -> str:
        """How the fold-in relates to this model's own user vectors (iALS overrides)."""
        return _("fitted to the history by least squares (fold-in, an approximation of this model)")

    def latent_values(self, users: np.ndarray, items: np.ndarray) -> np.ndarray:
        return (self.user_factors_[np.asarray(users, np.int64)].astype(np.float64)
                * self.item_factors_[np.asarray(items, np.int64)].astype(np.float64))

    def history_ig(self, item: int, history: np.ndarray) -> tuple[np.ndarray, float, float]:
        """Integrated gradients in closed form for s(E) = q_iᵀ A⁻¹ c·Eᵀ1 + b_i, A = G + alpha·EᵀE,
        c = 1 + alpha: along the path t·E, with x_t = A_t⁻¹ c·t·Eᵀ1 and w_t = A_t⁻¹ q_i,
        (∂s/∂e_j)·e_j = c·(e_j·w_t) − 2·alpha·t·(e_j·x_t)(e_j·w_t)."""
        alpha, _ = self.fold_in_params()
        c = 1.0 + alpha
        e = self.item_factors_[np.asarray(history, np.int64)].astype(np.float64)
        q_i = self.item_factors_[item].astype(np.float64)
        nodes, weights = np.polynomial.legendre.leggauss(IG_STEPS)
        ts, weights = (nodes + 1) / 2, weights / 2
        g, gram_h = self.fold_in_gram(), e.T @ e
        a = g[None] + alpha * ts[:, None, None] ** 2 * gram_h[None]
        rhs = np.stack([ts[:, None] * c * e.sum(0)[None], np.repeat(q_i[None], len(ts), 0)], axis=-1)
        sol = np.linalg.solve(a, rhs)                                        # (K, f, 2)
        ex, ew = e @ sol[..., 0].T, e @ sol[..., 1].T                          # (h, K)
        values = (c * ew - 2.0 * alpha * ts[None] * ex * ew) @ weights
        bias = float(self.item_offsets()[item])
        x = np.linalg.solve(g + alpha * gram_h, c * e.sum(0))
        return values, float(x @ q_i) + bias, bias

    def history_rescorer(self, history: np.ndarray) -> "FoldInRescorer":
        return FoldInRescorer(self, np.asarray(history, np.int64))


class FoldInRescorer:
    """Scores of one history with positions deleted, by updating the fold-in's solve: Woodbury for a
    few removed items, running downdates of the normal equations for growing prefixes."""

    #: Removing items costs array updates, not a forward pass per history.
    cheap = True

    def __init__(self, model: FoldInFactorization, hist: np.ndarray):
        self.model, self.hist = model, hist
        self.full = model.score_histories([hist])[0].astype(np.float64)
        (self.a,), (self.b,) = model.fold_in_systems([hist])
        self.alpha = model.fold_in_params()[0]
        self.e = model.item_factors_[hist].astype(np.float64)                # (h, f)
        self.y = model.item_factors_.T.astype(np.float64)                    # (f, n_items)
        self.bias = model.item_offsets()[None, :]
        self.step = max(1, min(CHUNK, SYSTEM_FLOATS // self.a.size))

    @functools.cached_property
    def _woodbury(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(K (h, h) e_jᵀA⁻¹e_l, e_j·x (h,), (A⁻¹e_j)ᵀY (h, n_items), full scores (n_items,))."""
        q = np.linalg.solve(self.a, self.e.T).T                              # (h, f) rows A⁻¹e_j
        x0 = np.linalg.solve(self.a, self.b)
        return self.e @ q.T, self.e @ x0, q @ self.y, x0 @ self.y + self.bias[0]

    def removed(self, removals: list[tuple[int, ...]]) -> np.ndarray:
        """(n, n_items) scores with the positions of each tuple in ``removals`` (all of one size) deleted.

        A_S = A − alpha·E_SᵀE_S, b_S = b − c·Σ_S e_j. With z = A⁻¹b_S = x − c·Σ_S A⁻¹e_j, Woodbury gives
        x_S = z + alpha·Q_Sᵀ v, v = (I − alpha·K_SS)⁻¹ E_S z, so s_S = s + Σ_j (alpha·v_j − c)·(A⁻¹e_j)ᵀY."""
        k, ex, qy, s0 = self._woodbury
        idx = np.asarray(removals, dtype=np.int64).reshape(len(removals), -1)    # (n, s)
        c = 1.0 + self.alpha
        kss = k[idx[:, :, None], idx[:, None, :]]                               # (n, s, s)
        ez = ex[idx] - c * kss.sum(-1)
        v = np.linalg.solve(np.eye(idx.shape[1])[None] - self.alpha * kss, ez[..., None])[..., 0]
        coef = self.alpha * v - c
        out = np.repeat(s0[None], len(idx), 0)
        for j in range(idx.shape[1]):
            out += coef[:, j, None] * qy[idx[:, j]]
        return out

    def prefixes(self, order: np.ndarray):
        """Yield (start, scores (n, n_items)) after deleting positions order[:start + 1], ... in chunks."""
        a, b = self.a, self.b
        for start in range(0, len(order), self.step):
            eo = self.e[order[start:start + self.step]]
            aa = a[None] - self.alpha * np.cumsum(eo[:, :, None] * eo[:, None, :], axis=0)
            bb = b[None] - (1 + self.alpha) * np.cumsum(eo, axis=0)
            yield start, np.linalg.solve(aa, bb[..., None])[..., 0] @ self.y + self.bias
            a, b = aa[-1], bb[-1]

    def deletion_scores(self, items: np.ndarray, orders, cuts: np.ndarray) -> np.ndarray:
        """(n, len(cuts)) score of ``items[j]`` after deleting positions ``orders[j][:c]``, c in cuts."""
        items = np.asarray(items, np.int64)
        f, top = self.e.shape[1], int(cuts.max())
        y = self.y.T[items]
        out = np.empty((len(items), len(cuts)))
        for j, order in enumerate(orders):
            eo = self.e[order[:top]]
            da = np.concatenate([np.zeros((1, f, f)), np.cumsum(eo[:, :, None] * eo[:, None, :], axis=0)])
            db = np.concatenate([np.zeros((1, f)), np.cumsum(eo, axis=0)])
            x = np.linalg.solve(self.a - self.alpha * da[cuts], (self.b - (1.0 + self.alpha) * db[cuts])[..., None])[..., 0]
            out[j] = x @ y[j]
        return out + self.model.item_offsets()[items][:, None]
