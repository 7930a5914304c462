"""Hybrid: a collaborative model and the text model, blended per item by how much data the item has.

score(u, i) = g_i * z_cf(u, i) + (1 - g_i) * s * z_text(u, i), g_i = sigmoid(a + b * log1p(n_i)),
n_i = the item's training interactions, z the per-user standardised scores of each part (mean 0,
std 1 over the candidate items) and s > 0 the text part's scale (how far a never-sold item's text
match may compete with collaborative evidence). Items with few interactions lean on their text,
popular items on collaborative evidence.

Fitting: ``cold_fraction`` of the items lose all their events and ``valid_fraction`` of each
user's other items are held out of the training data; both parts are fitted on the rest; the
gate (a, b, log s) maximises the sampled-softmax likelihood of each held-out item against
``negatives`` uniformly drawn unseen items (vectorised, torch L-BFGS); with ``refit`` the parts
are then refitted on all the data. ``fit(valid=...)`` goes to the collaborative part (early
stopping) only: a caller's validation split has no never-sold items to learn the gate from.
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np
import torch

from engine.data.interactions import Interactions
from engine.errors import ModelError
from engine.models.capabilities import supports
from engine.models.base import Recommender, expect_array
from engine.models.registry import get, register
from engine.models.text import TextModel
from engine.progress import check, emit, scaled
from engine.i18n import N_, _

COLLABORATIVE = ("bpr", "twotower", "ials", "ease", "itemknn")
#: Held-out pairs used to fit the gate (a random subset beyond this).
MAX_GATE_POSITIVES = 20000
#: |log s| stays below this (s within e^-5..e^5), so a weak collaborative part cannot drive s to infinity.
MAX_LOG_SCALE = 5.0


def standardize(scores: np.ndarray) -> np.ndarray:
    """Row-wise (s - mean) / std of (n, m) scores; constant rows -> 0."""
    s = scores.astype(np.float32, copy=True)
    s -= s.mean(axis=1, keepdims=True)
    sd = s.std(axis=1, keepdims=True)
    return np.divide(s, sd, out=np.zeros_like(s), where=sd > 1e-12)


def holdout(interactions: Interactions, fraction: float, item_fraction: float,
            seed: int) -> tuple[Interactions, Interactions]:
    """Split for fitting the gate: (rest, held-out), same id space.

    ``item_fraction`` of the items (with events) lose all their events to the held-out part, so
    that never-sold items occur among its positives as they do when new products arrive; then
    ``fraction`` of each remaining user's distinct items (users with >= 2) go too, every event of
    a held-out user–item pair together.
    """
    rng = np.random.default_rng(seed)
    n_items = interactions.n_items
    active = np.unique(interactions.item_idx)
    cold = rng.choice(active, int(round(len(active) * item_fraction)), replace=False)
    to_cold = np.isin(interactions.item_idx, cold)
    keys = interactions.user_idx.astype(np.int64) * n_items + interactions.item_idx
    pairs, inverse = np.unique(np.where(to_cold, -1, keys), return_inverse=True)
    u = np.where(pairs < 0, -1, pairs // n_items)
    order = np.lexsort((rng.random(len(pairs)), u))
    counts = np.bincount(u[u >= 0], minlength=interactions.n_users)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    rank = np.full(len(pairs), -1, np.int64)
    warm = order[u[order] >= 0]
    rank[warm] = np.arange(len(warm)) - starts[u[warm]]
    n_test = np.where(counts >= 2, np.maximum(1, np.floor(counts * fraction)), 0).astype(np.int64)
    test = (u >= 0) & (rank < n_test[np.maximum(u, 0)])
    held = test[inverse] | to_cold
    return interactions.subset(~held), interactions.subset(held)


@register
class Hybrid(Recommender):
    """Count-gated blend of a collaborative model and the text model. Needs ``fit(catalog=...)``.

    Learned: ``cf_model_``, ``text_model_`` (fitted parts), ``item_counts_`` (n_items,) training
    interactions per item, ``gate_`` (3,) = (a, b, log s), ``item_gate_`` (n_items,) weight of the
    collaborative part, ``text_scale_`` = s.
    """

    name = "hybrid"
    title = "Hybrid"
    description = N_("Hybrid: collaborative model for items with data, text model for new or rare items.")
    param_choices: ClassVar[dict[str, tuple]] = {"collaborative": COLLABORATIVE}
    param_help: ClassVar[dict[str, str]] = {"refit": N_("Refit the parts on all the data after fitting the blend.")}
    training_note = N_("The hybrid blends two fitted models with a small gate; inspect its collaborative part as a "
                     "run of its own for gradients.")
    needs_catalog: ClassVar[bool] = True
    defaults: ClassVar[dict[str, Any]] = {
        "collaborative": "ials", "cf_factors": 64, "cf_epochs": 0, "half_life_days": 0.0,
        "valid_fraction": 0.1, "cold_fraction": 0.1, "negatives": 200, "refit": True, "seed": 0, "device": "auto",
    }
    limits: ClassVar[dict[str, int]] = {"cf_factors": 4096}
    fast_params: ClassVar[dict[str, Any]] = {"cf_factors": 16, "cf_epochs": 2, "refit": False}

    def __init__(self, **params: Any) -> None:
        super().__init__(**params)
        p = self.params
        if p["collaborative"] not in COLLABORATIVE:
            raise ModelError(f"model hybrid: collaborative must be one of {', '.join(COLLABORATIVE)}, "
                             f"got {p['collaborative']!r}")
        for key in ("valid_fraction", "cold_fraction"):
            if not 0 <= p[key] < 1:
                raise ModelError(f"model hybrid: {key} must be in [0, 1), got {p[key]}")
        for key in ("cf_factors", "negatives"):
            if p[key] < 1:
                raise ModelError(f"model hybrid: {key} must be at least 1, got {p[key]}")
        if p["cf_epochs"] < 0:
            raise ModelError(f"model hybrid: cf_epochs must be >= 0 (0 = the part's default), got {p['cf_epochs']}")
        self.cf_model_: Recommender | None = None
        self.text_model_: TextModel | None = None
        self.item_counts_: np.ndarray | None = None
        self.gate_: np.ndarray | None = None
        self.text_scale_ = 1.0
        self.item_gate_: np.ndarray | None = None

    # ---- parts --------------------------------------------------------------------------------
    def _new_cf(self) -> Recommender:
        p = self.params
        cls = get(p["collaborative"])
        wanted = {"factors": p["cf_factors"], "seed": p["seed"], "device": p["device"]}
        if p["cf_epochs"] > 0:
            wanted["epochs"] = p["cf_epochs"]
        return cls(**{k: v for k, v in wanted.items() if k in cls.defaults})

    def _fit_parts(self, train: Interactions, catalog, valid, progress, cancel) -> None:
        self.text_model_ = TextModel(half_life_days=self.params["half_life_days"]).fit(
            train, catalog=catalog, progress=scaled(progress, 0.0, 0.3), cancel=cancel)
        check(cancel)
        self.cf_model_ = self._new_cf().fit(train, catalog=catalog, valid=valid,
                                            progress=scaled(progress, 0.3, 1.0), cancel=cancel)
        check(cancel)

    def _fit(self, interactions: Interactions, *, catalog, valid, progress, cancel) -> None:
        p = self.params
        if catalog is None:
            raise ModelError("model hybrid needs an item catalog with titles or descriptions "
                             "for its text part (fit(catalog=...))")
        check(cancel)
        train, held = holdout(interactions, p["valid_fraction"], p["cold_fraction"], p["seed"])
        if held.n_events == 0 or train.n_events == 0:
            raise ModelError("model hybrid: too few events to hold some out for fitting the blend gate")
        self._fit_parts(train, catalog, valid, scaled(progress, 0.0, 0.5 if p["refit"] else 0.9), cancel)
        self.item_counts_ = np.bincount(train.item_idx, minlength=train.n_items).astype(np.float32)
        self._set_gate(self._fit_gate(train, held, cancel))
        emit(progress, 0.5 if p["refit"] else 0.95, "gate fitted", "fit", gate_a=float(self.gate_[0]),
             gate_b=float(self.gate_[1]))
        if p["refit"]:
            self._fit_parts(interactions, catalog, valid, scaled(progress, 0.5, 1.0), cancel)
            self.item_counts_ = np.bincount(interactions.item_idx, minlength=interactions.n_items).astype(np.float32)
            self._set_gate(self.gate_)

    def _set_gate(self, gate: np.ndarray) -> None:
        self.gate_ = np.asarray(gate, dtype=np.float32)
        x = self.gate_[0] + self.gate_[1] * np.log1p(self.item_counts_)
        self.item_gate_ = (1.0 / (1.0 + np.exp(-x))).astype(np.float32)
        self.text_scale_ = float(np.exp(self.gate_[2]))

    def _fit_gate(self, train: Interactions, held: Interactions, cancel) -> np.ndarray:
        """(a, b, log s) maximising the sampled-softmax likelihood of the held-out items."""
        rng = np.random.default_rng(self.params["seed"])
        n_items = train.n_items
        seen_keys = np.unique(train.user_idx.astype(np.int64) * n_items + train.item_idx)
        held_keys = np.unique(held.user_idx.astype(np.int64) * n_items + held.item_idx)
        held_keys = held_keys[~np.isin(held_keys, seen_keys)]
        if len(held_keys) > MAX_GATE_POSITIVES:
            held_keys = np.sort(rng.choice(held_keys, MAX_GATE_POSITIVES, replace=False))
        if len(held_keys) == 0:
            raise ModelError("model hybrid: every held-out item is already in the users' training history")
        held_u, held_i = held_keys // n_items, held_keys % n_items
        users = np.unique(held_u)
        k = self.params["negatives"]
        zc_pos, zt_pos, zc_neg, zt_neg, c_pos, c_neg = [], [], [], [], [], []
        for start in range(0, len(users), 512):
            check(cancel)
            rows = users[start:start + 512]
            zc = standardize(self.cf_model_.score(rows))
            zt = standardize(self.text_model_.score(rows))
            sel = (held_u >= rows[0]) & (held_u <= rows[-1])
            pu = np.searchsorted(rows, held_u[sel])
            pi = held_i[sel]
            neg = rng.integers(0, n_items, size=(len(pi), k))
            neg_keys = rows[pu][:, None] * n_items + neg
            bad = np.isin(neg_keys, seen_keys) | (neg == pi[:, None])
            zc_pos.append(zc[pu, pi]), zt_pos.append(zt[pu, pi])
            zc_neg.append(np.where(bad, -np.inf, zc[pu[:, None], neg]))
            zt_neg.append(np.where(bad, 0.0, zt[pu[:, None], neg]))
            c_pos.append(self.item_counts_[pi]), c_neg.append(self.item_counts_[neg])

        def t(parts):
            return torch.from_numpy(np.concatenate(parts).astype(np.float32))

        zcp, ztp, zcn, ztn = t(zc_pos), t(zt_pos), t(zc_neg), t(zt_neg)
        lcp, lcn = torch.log1p(t(c_pos)), torch.log1p(t(c_neg))
        mask = torch.isinf(zcn)
        zcn = zcn.masked_fill(mask, 0.0)
        theta = torch.zeros(4, requires_grad=True)      # a, b, log text scale, log temperature
        opt = torch.optim.LBFGS([theta], lr=0.5, max_iter=100, line_search_fn="strong_wolfe")

        def closure():
            opt.zero_grad()
            a, b, raw_s, log_t = theta
            log_s = MAX_LOG_SCALE * torch.tanh(raw_s / MAX_LOG_SCALE)
            gp = torch.sigmoid(a + b * lcp)
            gn = torch.sigmoid(a + b * lcn)
            sp_ = (gp * zcp + (1 - gp) * log_s.exp() * ztp) * log_t.exp()
            sn = ((gn * zcn + (1 - gn) * log_s.exp() * ztn) * log_t.exp()).masked_fill(mask, float("-inf"))
            logits = torch.cat([sp_[:, None], sn], 1)
            loss = -torch.log_softmax(logits, 1)[:, 0].mean() + 1e-4 * (a * a + b * b)
            loss.backward()
            return loss

        opt.step(closure)
        gate = theta.detach().numpy()[:3].copy()
        gate[2] = MAX_LOG_SCALE * np.tanh(gate[2] / MAX_LOG_SCALE)
        if not np.isfinite(gate).all():
            raise ModelError("model hybrid: fitting the blend gate diverged")
        return gate.astype(np.float32)

    # ---- scoring ------------------------------------------------------------------------------
    def _score(self, users: np.ndarray) -> np.ndarray:
        zc = standardize(self.cf_model_.score(users))
        zt = standardize(self.text_model_.score(users))
        g = self.item_gate_[None, :]
        return g * zc + (1.0 - g) * self.text_scale_ * zt

    def score_histories(self, histories: list[np.ndarray]) -> np.ndarray:
        """Its collaborative and text parts' scores of the histories, standardised and blended by the gate."""
        zc = standardize(self.cf_model_.score_histories(histories))
        zt = standardize(self.text_model_.score_histories(histories))
        g = self.item_gate_[None, :]
        return g * zc + (1.0 - g) * self.text_scale_ * zt

    @property
    def unavailable(self) -> frozenset[str]:
        """Vectors only when the collaborative part has them (item-kNN has none)."""
        cf = self.cf_model_
        return frozenset() if cf is None or supports(cf, "embeddings") else frozenset({"embeddings"})

    def embeddings(self, kind: str, rows: np.ndarray | None = None) -> np.ndarray:
        """The collaborative part's vectors."""
        return self.cf_model_.embeddings(kind, rows)

    def embedding_note(self) -> str:
        return _("the hybrid's {name} part: {note}").format(name=self.cf_model_.name, note=self.cf_model_.embedding_note())

    # ---- persistence --------------------------------------------------------------------------
    def _reorder_users(self, order: np.ndarray, new_ids: np.ndarray) -> None:
        self.cf_model_ = self.cf_model_.with_users_renamed(new_ids)
        self.text_model_ = self.text_model_.with_users_renamed(new_ids)

    def _state(self) -> dict[str, np.ndarray]:
        state = {"item_counts": self.item_counts_, "gate": self.gate_}
        state.update({f"cf.{k}": v for k, v in self.cf_model_._state().items()})
        state.update({f"text.{k}": v for k, v in self.text_model_._state().items()})
        return state

    def _extra_config(self) -> dict:
        return {"cf": {"model": self.cf_model_.name, "params": self.cf_model_.get_params(),
                       "extra": self.cf_model_._extra_config()},
                "text": {"params": self.text_model_.get_params(), "extra": self.text_model_._extra_config()}}

    def _part(self, cls, spec: dict, state: dict, prefix: str) -> Recommender:
        try:
            params = dict(spec.get("params") or {})
            extra = dict(spec.get("extra") or {})
        except (TypeError, ValueError, AttributeError):
            raise ModelError(f"saved hybrid: description of its {prefix} part is malformed") from None
        m = cls(**params)
        m.user_ids_, m.item_ids_, m.seen_ = self.user_ids_, self.item_ids_, self.seen_
        m._set_state({k[len(prefix) + 1:]: v for k, v in state.items() if k.startswith(prefix + ".")}, extra)
        return m

    def _set_state(self, state: dict[str, np.ndarray], extra: dict) -> None:
        cf = extra.get("cf") or {}
        if cf.get("model") not in COLLABORATIVE:
            raise ModelError(f"saved hybrid: unknown collaborative part {cf.get('model')!r}")
        self.cf_model_ = self._part(get(cf["model"]), cf, state, "cf")
        self.text_model_ = self._part(TextModel, extra.get("text") or {}, state, "text")
        self.item_counts_ = expect_array(state, "item_counts", (self.n_items,), np.float32)
        self._set_gate(expect_array(state, "gate", (3,), np.float32))
