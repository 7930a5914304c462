"""Content model over item text: recommends catalog items by meaning, including items nobody bought.

Item vectors are all-MiniLM-L6-v2 embeddings (384-d, unit length) of "title. category.
description" from the catalog (``engine.text.encoder``, cached on disk). A user's vector is the
weighted mean of the vectors of the items in their history, each item weighted by
``log1p(sum over its events of 0.5 ** (age / half_life))`` (frequency x recency; age counted
back from the user's last event; no decay without timestamps or with ``half_life_days=0``).
Score = cosine(user, item); items without text score 0.

Candidates are the fitted ``Interactions``' items: to rank never-seen catalog items, build them
with ``Interactions.from_arrays(..., extra_items=catalog.item_ids)``.
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np
import scipy.sparse as sp

from engine.data.interactions import Interactions
from engine.errors import ModelError
from engine.models.base import expect_array
from engine.models.factorization import FactorScoring
from engine.models.features import item_text_embeddings
from engine.models.registry import register
from engine.progress import check, emit, scaled
from engine.text.encoder import EMBED_DIM
from engine.i18n import N_, _

SECONDS_PER_DAY = 86400.0


def history_weights(interactions: Interactions, half_life_days: float) -> sp.csr_matrix:
    """(n_users, n_items) float32: log1p of the recency-decayed event count of each user–item pair."""
    decay = np.ones(interactions.n_events, dtype=np.float64)
    ts = interactions.timestamps
    if ts is not None and half_life_days > 0 and interactions.n_events:
        last = np.full(interactions.n_users, np.iinfo(np.int64).min, dtype=np.int64)
        np.maximum.at(last, interactions.user_idx, ts)
        age_days = (last[interactions.user_idx] - ts) / SECONDS_PER_DAY
        decay = 0.5 ** (age_days / half_life_days)
    m = sp.csr_matrix((decay, (interactions.user_idx, interactions.item_idx)),
                      shape=(interactions.n_users, interactions.n_items), dtype=np.float64)
    m.sum_duplicates()
    m.data = np.log1p(m.data)
    return m.astype(np.float32)


def user_profiles(weights: sp.csr_matrix, item_vectors: np.ndarray) -> np.ndarray:
    """(n_users, d) unit rows: weighted mean of item vectors (zero rows for users without text items)."""
    prof = np.asarray(weights @ item_vectors, dtype=np.float32)
    norm = np.linalg.norm(prof, axis=1, keepdims=True)
    return np.divide(prof, norm, out=np.zeros_like(prof), where=norm > 0)


def text_weights(histories, n_items: int) -> sp.csr_matrix:
    """(n, n_items) float32: log1p(number of times the item occurs in the history)."""
    rows = np.repeat(np.arange(len(histories)), [len(h) for h in histories])
    cols = np.concatenate(histories) if len(histories) else np.empty(0, np.int64)
    m = sp.csr_matrix((np.ones(len(cols), np.float32), (rows, cols)), shape=(len(histories), n_items))
    m.sum_duplicates()
    m.data = np.log1p(m.data)
    return m


@register
class TextModel(FactorScoring):
    """Text-embedding content model for cold-start items. Needs ``fit(catalog=...)``.

    Learned: ``item_factors_`` (n_items, 384) text vectors, ``user_factors_`` (n_users, 384)
    profiles, ``text_hash_`` (sha256 of the item texts), ``has_text_`` (n_items,) bool.
    """

    name = "text"
    title = "Text"
    description = N_("Text: recommends items whose catalog text resembles the customer's past items (cold start).")
    training_note = N_("The text model embeds catalog text with a fixed pretrained encoder: nothing is trained here.")
    needs_catalog: ClassVar[bool] = True
    defaults: ClassVar[dict[str, Any]] = {"half_life_days": 0.0}
    fast_params: ClassVar[dict[str, Any]] = {}
    search_space: ClassVar[dict[str, tuple]] = {"half_life_days": ("cat", [0.0, 30.0, 90.0, 365.0])}

    def __init__(self, **params: Any) -> None:
        super().__init__(**params)
        if not self.params["half_life_days"] >= 0:
            raise ModelError(f"model text: half_life_days must be >= 0, got {self.params['half_life_days']}")
        self.item_factors_: np.ndarray | None = None
        self.user_factors_: np.ndarray | None = None
        self.has_text_: np.ndarray | None = None
        self.text_hash_: str | None = None

    def _fit(self, interactions: Interactions, *, catalog, valid, progress, cancel) -> None:
        if catalog is None:
            raise ModelError("model text needs an item catalog with titles or descriptions; "
                             "open the data set with its catalog (fit(catalog=...))")
        check(cancel)
        emb, key = item_text_embeddings(catalog, interactions.item_ids, scaled(progress, 0.0, 0.9), cancel)
        has = emb.any(axis=1)
        if not has.any():
            raise ModelError("model text: the catalog has no title, category or description text "
                             "for any of the items")
        check(cancel)
        self.item_factors_, self.has_text_, self.text_hash_ = emb, has, key
        self.user_factors_ = self.profiles(interactions)
        emit(progress, 1.0, "user profiles built", "fit")

    def profiles(self, interactions: Interactions) -> np.ndarray:
        """(interactions.n_users, 384) profiles of the users of ``interactions`` (same item space)."""
        return user_profiles(history_weights(interactions, self.params["half_life_days"]), self.item_factors_)

    def _score(self, users: np.ndarray) -> np.ndarray:
        return self.user_factors_[users] @ self.item_factors_.T

    def score_histories(self, histories: list[np.ndarray]) -> np.ndarray:
        """Cosine to the unit-normalised mean of the history's text vectors, each weighted
        log1p(count) (the model's own profile without recency decay)."""
        return user_profiles(text_weights(histories, self.n_items), self.item_factors_) @ self.item_factors_.T

    def contribution_values(self, item: int, history: np.ndarray) -> tuple[np.ndarray, float, float]:
        """score = Σ_h w_h (v_h·v_i) / ‖Σ_h w_h v_h‖ with w_h = log1p(count): exactly additive."""
        hist = np.asarray(history, np.int64)
        v = self.item_factors_.astype(np.float64)
        w = text_weights([hist], self.n_items)[0].toarray().ravel().astype(np.float64)[hist]
        norm = np.linalg.norm(w @ v[hist]) if len(hist) else 0.0
        values = w * (v[hist] @ v[item]) / norm if norm > 0 else np.zeros(len(hist))
        return values, float(self.score_histories([hist])[0, item]), 0.0

    def contribution_note(self, user: int, item: int, score: float) -> str:
        return _("Each item weighs log1p(number of purchases), without the model's recency decay.")

    def embedding_note(self) -> str:
        return _("text vectors of the items; a customer is the weighted mean of their items' vectors")

    def _reorder_users(self, order: np.ndarray, new_ids: np.ndarray) -> None:
        self.user_factors_ = self.user_factors_[order]

    def _state(self) -> dict[str, np.ndarray]:
        return {"item_factors": self.item_factors_, "user_factors": self.user_factors_}

    def _extra_config(self) -> dict:
        return {"text_hash": self.text_hash_, "encoder": "all-MiniLM-L6-v2"}

    def _set_state(self, state: dict[str, np.ndarray], extra: dict) -> None:
        self.item_factors_ = expect_array(state, "item_factors", (self.n_items, EMBED_DIM), np.float32)
        self.user_factors_ = expect_array(state, "user_factors", (self.n_users, EMBED_DIM), np.float32)
        self.has_text_ = self.item_factors_.any(axis=1)
        self.text_hash_ = extra.get("text_hash")
