"""Two-tower model with side features (a NeuMF/YouTube-DNN-style factorisation), in torch.

User tower: user id embedding + one embedding per user feature (age band, gender, ...).
Item tower: item id embedding + one embedding per item feature (category values averaged,
price band, country) + a linear map of the item's text vector. Each tower sums its parts and,
with ``layers > 0``, adds residual ReLU blocks. Score = user · item + item bias.

Trained with sampled softmax (``loss="softmax"``: the positive item against ``negatives``
uniformly drawn items, all items when there are fewer) or BPR, through ``fit_loop``.

Features come from ``fit(catalog=...)`` (items) and ``set_user_features(frame)`` before fit
(users); without either it is plain matrix factorisation.

For SHAP, ``feature_matrix(users, items)`` gives an (n, F) matrix of *entity references*:
column j holds the index of the user (user columns) or item (item columns) whose value of
feature j is used; ``feature_forward(X)`` scores such rows. Replacing a cell with a
background row's value swaps in another entity's value of that one feature, so attributions
are per readable feature (``feature_names``).
"""

from __future__ import annotations

import copy
import dataclasses
import math
from typing import Any, ClassVar

import numpy as np
import pandas as pd
import torch
from torch import nn

from engine.data.interactions import Interactions
from engine.errors import ModelError
from engine.models.base import expect_array, meta_module
from engine.models.factorization import FoldInFactorization
from engine.models.features import FeatureSet, encode_item_features, encode_user_features
from engine.models.registry import register
from engine.progress import check, scaled
from engine.machine.device import resolve_device
from engine.train.loop import History, finish_fit, fit_loop, make_validator, restore_history
from engine.machine.seed import seed_everything
from engine.i18n import N_

LOSSES = ("softmax", "bpr")


class Tower(nn.Module):
    """Sum of an id embedding, field embeddings and a projected dense vector, then residual blocks.

    field_codes: list of (n_entities, width_k) int64 buffers (-1 pads); dense: (n_entities, t) or None.
    """

    def __init__(self, n: int, dim: int, field_codes: list[np.ndarray], dense: np.ndarray | None,
                 layers: int, init_std: float):
        super().__init__()
        self.ids = nn.Embedding(n, dim)
        nn.init.normal_(self.ids.weight, std=init_std)
        self.fields = nn.ModuleList()
        for k, codes in enumerate(field_codes):
            emb = nn.Embedding(int(codes.max()) + 1 if codes.size else 1, dim)
            nn.init.normal_(emb.weight, std=init_std)
            self.fields.append(emb)
            self.register_buffer(f"codes{k}", torch.from_numpy(np.ascontiguousarray(codes, np.int64)),
                                 persistent=False)
        self.dense = None
        if dense is not None:
            self.dense = nn.Linear(dense.shape[1], dim, bias=False)
            nn.init.normal_(self.dense.weight, std=init_std / math.sqrt(dense.shape[1]) * 4)
            self.register_buffer("dense_values", torch.from_numpy(np.ascontiguousarray(dense, np.float32)),
                                 persistent=False)
        self.blocks = nn.ModuleList(nn.Sequential(nn.Linear(dim, dim), nn.ReLU(), nn.Linear(dim, dim))
                                    for _ in range(layers))

    @property
    def dim(self) -> int:
        """Width of the tower's output vectors."""
        return self.ids.embedding_dim

    @property
    def n_inputs(self) -> int:
        """Number of reference columns: id, one per field, one for the dense vector."""
        return 1 + len(self.fields) + (self.dense is not None)

    def forward(self, refs: torch.Tensor) -> torch.Tensor:
        """refs: (b, n_inputs) int64 entity indices per input (all equal for a plain lookup) -> (b, dim)."""
        h = self.ids(refs[:, 0])
        for k, emb in enumerate(self.fields):
            codes = getattr(self, f"codes{k}")[refs[:, 1 + k]]          # (b, width)
            mask = (codes >= 0).unsqueeze(-1).to(h.dtype)
            h = h + (emb(codes.clamp(min=0)) * mask).sum(1) / mask.sum(1).clamp(min=1)
        if self.dense is not None:
            h = h + self.dense(self.dense_values[refs[:, -1]])
        return self.head(h)

    def parts(self, idx) -> torch.Tensor:
        """(P, n_inputs, d) the input vectors ``forward`` sums for entities ``idx`` (P,), detached."""
        t = torch.as_tensor(np.asarray(idx, np.int64), device=self.ids.weight.device)
        parts = [self.ids(t)]
        for k, emb in enumerate(self.fields):
            codes = getattr(self, f"codes{k}")[t]                                   # (P, width)
            mask = (codes >= 0).unsqueeze(-1).to(parts[0].dtype)
            parts.append((emb(codes.clamp(min=0)) * mask).sum(1) / mask.sum(1).clamp(min=1))
        if self.dense is not None:
            parts.append(self.dense(self.dense_values[t]))
        return torch.stack(parts, 1).detach()

    def head(self, h: torch.Tensor) -> torch.Tensor:
        """The residual blocks applied to summed input vectors h (..., d)."""
        for block in self.blocks:
            h = h + block(h)
        return h

    def all(self, chunk: int = 65536) -> torch.Tensor:
        """(n, dim) output for every entity."""
        n = self.ids.num_embeddings
        dev = self.ids.weight.device
        outs = []
        for s in range(0, n, chunk):
            idx = torch.arange(s, min(s + chunk, n), device=dev)
            outs.append(self(idx[:, None].expand(-1, self.n_inputs)))
        return torch.cat(outs)


class TwoTowerModule(nn.Module):
    """User tower, item tower and an item bias (n_items,)."""

    def __init__(self, n_users: int, n_items: int, dim: int, users: FeatureSet, items: FeatureSet,
                 layers: int, init_std: float):
        super().__init__()
        self.user = Tower(n_users, dim, [f.codes for f in users.fields], users.text, layers, init_std)
        self.item = Tower(n_items, dim, [f.codes for f in items.fields], items.text, layers, init_std)
        self.bias = nn.Parameter(torch.zeros(n_items))

    def pair_scores(self, user_refs: torch.Tensor, item_refs: torch.Tensor) -> torch.Tensor:
        """user_refs (b, user.n_inputs), item_refs (b, item.n_inputs) int64 -> (b,) scores."""
        return (self.user(user_refs) * self.item(item_refs)).sum(-1) + self.bias[item_refs[:, 0]]


def _refs(idx: torch.Tensor, tower: Tower) -> torch.Tensor:
    return idx[:, None].expand(-1, tower.n_inputs)


@register
class TwoTower(FoldInFactorization):
    """Two-tower / NeuMF-style model with item and user side features.

    Learned: ``user_factors_`` (n_users, f), ``item_factors_`` (n_items, f), ``item_bias_``
    (n_items,) tower outputs; ``item_features_`` / ``user_features_`` (FeatureSet); ``module_``
    (the CPU torch module, for gradients); ``history_``, ``epochs_run_``, ``device_``.
    """

    name = "twotower"
    title = "TwoTower"
    description = N_("Two-tower: neural user and item towers that also use catalog features (PyTorch).")
    param_choices: ClassVar[dict[str, tuple]] = {"loss": LOSSES}
    param_ranges: ClassVar[dict[str, tuple]] = {"reg": (0.0, 1.0)}
    defaults: ClassVar[dict[str, Any]] = {
        "factors": 64, "layers": 0, "epochs": 40, "lr": 3e-3, "batch_size": 1024, "loss": "softmax",
        "negatives": 4096, "reg": 1e-4, "weight_decay": 0.0, "init_std": 0.05, "features": True,
        "text": True, "price_bands": 5, "patience": 3, "valid_frac": 0.1, "refit": True, "validate_every": 1, "valid_users": 2000, "device": "auto", "seed": 0,
    }
    limits: ClassVar[dict[str, int]] = {"factors": 4096, "layers": 16}
    fast_params: ClassVar[dict[str, Any]] = {"factors": 16, "epochs": 2, "negatives": 256, "text": False}
    early_stopping: ClassVar[bool] = True
    search_space: ClassVar[dict[str, tuple]] = {
        "factors": ("int", 16, 256), "lr": ("log", 1e-4, 1e-2), "reg": ("log", 1e-7, 1e-2),
        "layers": ("int", 0, 2), "negatives": ("cat", [256, 1024, 4096]),
    }

    def __init__(self, **params: Any) -> None:
        super().__init__(**params)
        p = self.params
        self.check_ranges(at_least_1=("factors", "epochs", "batch_size", "negatives"), non_negative=("reg", "weight_decay", "init_std"))
        for key in ("layers", "price_bands"):
            if p[key] < 0:
                raise ModelError(f"model twotower: {key} must be >= 0, got {p[key]}")
        if p["loss"] not in LOSSES:
            raise ModelError(f"model twotower: loss must be one of {', '.join(LOSSES)}, got {p['loss']!r}")
        self._user_table: tuple[pd.DataFrame, str] | None = None
        self.user_factors_: np.ndarray | None = None
        self.item_factors_: np.ndarray | None = None
        self.item_bias_: np.ndarray | None = None
        self.item_features_: FeatureSet | None = None
        self.user_features_: FeatureSet | None = None
        self.module_: TwoTowerModule | None = None
        self.history_: History | None = None
        self.epochs_run_ = 0
        self.device_: str | None = None

    def set_user_features(self, frame: pd.DataFrame | None, id_column: str = "user") -> "TwoTower":
        """Use this user attribute table (one row per user, ids in ``id_column``) in the next fit."""
        self._user_table = None if frame is None else (frame, id_column)
        return self

    def memory_bytes(self, n_users: int, n_items: int, nnz: int) -> int:
        """Id embeddings, gradients, Adam's moments and the numpy tower outputs (5 float32 copies)
        and the shuffled pairs (12 int64 arrays of nnz, as BPR); side-feature tables are small
        beside them (bench/bench_memory.py measures it)."""
        return 20 * self.params["factors"] * (n_users + n_items) + 96 * nnz

    # ---- fit ----------------------------------------------------------------------------------
    def _fit(self, interactions: Interactions, *, catalog, valid, progress, cancel) -> None:
        p = self.params
        check(cancel)
        device = resolve_device(p["device"])
        seed_everything(p["seed"], device)
        n_users, n_items = interactions.n_users, interactions.n_items
        use = p["features"]
        self.item_features_ = (encode_item_features(catalog, interactions.item_ids, text=p["text"],
                                                    n_bands=p["price_bands"], progress=scaled(progress, 0, 0.1),
                                                    cancel=cancel)
                               if use and catalog is not None else FeatureSet(n_items))
        self.user_features_ = (encode_user_features(self._user_table[0], interactions.user_ids,
                                                    id_column=self._user_table[1])
                               if use and self._user_table is not None else FeatureSet(n_users))
        check(cancel)
        self.module_ = TwoTowerModule(n_users, n_items, p["factors"], self.user_features_, self.item_features_,
                                      p["layers"], p["init_std"]).to(device)
        batches, n_batches = self.training_batches(interactions, p["batch_size"], device)
        history = fit_loop(self.module_, batches, self.batch_loss, epochs=p["epochs"], lr=p["lr"],
                           weight_decay=p["weight_decay"], device=device,
                           validate=make_validator(self, interactions, valid, before=self._sync, cancel=cancel,
                                                  max_users=p["valid_users"], seed=p["seed"]),
                           validate_every=p["validate_every"],
                           patience=p["patience"], progress=scaled(progress, 0.1, 1.0), cancel=cancel,
                           seed=p["seed"], batches_per_epoch=n_batches)
        self.module_ = self.module_.cpu().eval()
        self._sync()
        finish_fit(self, history, device)

    # ---- the training objective (capability "objective") -------------------------------------
    def _full_softmax(self) -> bool:
        """Softmax over every item when ``negatives`` would sample at least as many."""
        return self.params["loss"] == "softmax" and self.params["negatives"] >= self.n_items

    def training_batches(self, train: Interactions, batch_size: int, device):
        """Batches of (users (b,), positives (b,), negatives (k,)) over every observed pair, shuffled:
        k = b for BPR, ``negatives`` uniform items for the sampled softmax, 0 for the full softmax."""
        seen = train.seen.tocoo()
        users = torch.from_numpy(seen.row.astype(np.int64)).to(device)
        items = torch.from_numpy(seen.col.astype(np.int64)).to(device)
        n, n_items, p = len(users), train.n_items, self.params
        bpr, full = p["loss"] == "bpr", self._full_softmax()

        def batches(epoch: int, gen: torch.Generator):
            order = torch.randperm(n, generator=gen, device=device)
            for start in range(0, n, batch_size):
                idx = order[start:start + batch_size]
                k = len(idx) if bpr else (0 if full else p["negatives"])
                yield users[idx], items[idx], torch.randint(0, n_items, (k,), generator=gen, device=device)

        return batches, math.ceil(n / batch_size)

    def batch_loss(self, m: "TwoTowerModule", batch) -> torch.Tensor:
        """BPR, full softmax or sampled softmax (the positive against the batch's negatives, a
        negative equal to the positive masked) plus reg·(squared tower outputs), mean over the batch."""
        u, i, neg = batch
        uv = m.user(_refs(u, m.user))
        iv = m.item(_refs(i, m.item))
        pos = (uv * iv).sum(-1) + m.bias[i]
        if self.params["loss"] == "bpr":
            nv = m.item(_refs(neg, m.item))
            loss = -nn.functional.logsigmoid(pos - (uv * nv).sum(-1) - m.bias[neg]).mean()
            sq = uv.pow(2).sum(-1) + iv.pow(2).sum(-1) + nv.pow(2).sum(-1)
        elif self._full_softmax():
            loss = nn.functional.cross_entropy(uv @ m.item.all().T + m.bias, i)
            sq = uv.pow(2).sum(-1) + iv.pow(2).sum(-1)
        else:
            nv = m.item(_refs(neg, m.item))
            neg_logits = (uv @ nv.T + m.bias[neg]).masked_fill(neg[None, :] == i[:, None], float("-inf"))
            loss = nn.functional.cross_entropy(torch.cat([pos[:, None], neg_logits], 1), torch.zeros_like(i))
            sq = uv.pow(2).sum(-1) + iv.pow(2).sum(-1)
        reg = self.params["reg"]
        return loss + reg * sq.mean() if reg > 0 else loss

    def state_name(self, parameter: str) -> str:
        return parameter

    def training_module(self) -> "TwoTowerModule":
        """A CPU copy of the fitted network in train mode."""
        self._check_fitted()
        return copy.deepcopy(self.module_).cpu().train()

    def _sync(self) -> None:
        """Recompute the numpy tower outputs used for scoring from ``module_``."""
        m = self.module_
        with torch.no_grad():
            self.user_factors_ = m.user.all().float().cpu().numpy().copy()
            self.item_factors_ = m.item.all().float().cpu().numpy().copy()
            self.item_bias_ = m.bias.detach().float().cpu().numpy().copy()

    def _score(self, users: np.ndarray) -> np.ndarray:
        return self.user_factors_[users] @ self.item_factors_.T + self.item_bias_[None, :]

    # ---- the feature view (capability "features") -------------------------------------------
    def towers(self) -> tuple[Tower, Tower, torch.Tensor]:
        """(user tower, item tower, item bias (n_items,)) of the fitted network, in eval mode."""
        self._check_fitted()
        m = self.module_.eval()
        return m.user, m.item, m.bias.detach()

    def text_columns(self) -> set[int]:
        """``feature_matrix`` columns that hold a text vector (no short readable value)."""
        self._check_fitted()
        cols = set()
        if self.user_features_.text is not None:
            cols.add(self.module_.user.n_inputs - 1)
        if self.item_features_.text is not None:
            cols.add(len(self.feature_names()) - 1)
        return cols

    def feature_bands(self, column: int) -> np.ndarray | None:
        """(n_entities,) band numbers of a "… band" feature column (price band…), else None."""
        nu = self.module_.user.n_inputs
        side, local = (self.user_features_, column - 1) if column < nu else (self.item_features_, column - nu - 1)
        if 0 <= local < len(side.fields) and self.feature_names()[column].endswith(" band"):
            return side.fields[local].codes[:, 0]
        return None

    def feature_names(self) -> list[str]:
        """(F,) readable names of the ``feature_matrix`` columns: user side first, then item side."""
        self._check_fitted()
        return (["user id"] + [f"user {n}" for n in self.user_features_.names]
                + ["item id"] + [f"item {n}" for n in self.item_features_.names])

    def feature_matrix(self, users, items) -> np.ndarray:
        """(n, F) int64 references for user–item pairs: users (n,) in user columns, items (n,) in item columns."""
        self._check_fitted()
        u = np.asarray(users, dtype=np.int64).reshape(-1)
        i = np.asarray(items, dtype=np.int64).reshape(-1)
        if len(u) != len(i):
            raise ModelError("feature_matrix: users and items must have the same length")
        nu, ni = self.module_.user.n_inputs, self.module_.item.n_inputs
        return np.concatenate([np.repeat(u[:, None], nu, 1), np.repeat(i[:, None], ni, 1)], 1)

    def feature_value(self, column: int, ref: int) -> str:
        """Readable value of ``feature_matrix`` column ``column`` when it references entity ``ref``."""
        self._check_fitted()
        nu = self.module_.user.n_inputs
        side, fs, ids = (("user", self.user_features_, self.user_ids_) if column < nu
                         else ("item", self.item_features_, self.item_ids_))
        local = column if column < nu else column - nu
        if local == 0:
            return str(ids[ref])
        if local - 1 < len(fs.fields):
            return fs.fields[local - 1].values(ref)
        return f"text of {side} {ids[ref]}"

    def feature_forward(self, X, batch_size: int = 8192) -> np.ndarray:
        """Scores (n,) float32 of ``feature_matrix``-style rows X (n, F); floats are rounded to indices."""
        self._check_fitted()
        X = np.rint(np.asarray(X, dtype=np.float64)).astype(np.int64)
        m = self.module_
        nu = m.user.n_inputs
        if X.ndim != 2 or X.shape[1] != nu + m.item.n_inputs:
            raise ModelError(f"feature_forward expects (n, {nu + m.item.n_inputs}) rows, got {X.shape}")
        if X.size and (X.min() < 0 or X[:, :nu].max() >= self.n_users or X[:, nu:].max() >= self.n_items):
            raise ModelError("feature_forward: a reference is outside the user/item index range")
        out = np.empty(len(X), np.float32)
        with torch.no_grad():
            for s in range(0, len(X), batch_size):
                t = torch.from_numpy(X[s:s + batch_size])
                out[s:s + batch_size] = m.pair_scores(t[:, :nu], t[:, nu:]).numpy()
        return out

    def _reorder_users(self, order: np.ndarray, new_ids: np.ndarray) -> None:
        """The user tower's id embedding rows, the user features and the cached user vectors."""
        self.module_ = copy.deepcopy(self.module_)
        tower, rows = self.module_.user, torch.from_numpy(order)
        with torch.no_grad():
            tower.ids.weight.copy_(tower.ids.weight[rows])
            for _name, buffer in list(tower.named_buffers(recurse=False)):  # field codes, dense vectors
                buffer.copy_(buffer[rows])
        f = self.user_features_
        self.user_features_ = FeatureSet(f.n, tuple(dataclasses.replace(x, codes=x.codes[order]) for x in f.fields),
                                         None if f.text is None else f.text[order], f.text_hash)
        self.user_factors_ = self.user_factors_[order]
        self._module = None

    # ---- persistence --------------------------------------------------------------------------
    def _state(self) -> dict[str, np.ndarray]:
        state = {f"module.{k}": v.detach().cpu().numpy() for k, v in self.module_.state_dict().items()}
        state.update(self.item_features_.to_state("item_features"))
        state.update(self.user_features_.to_state("user_features"))
        return state

    def _extra_config(self) -> dict:
        return {"item_features": self.item_features_.to_config(),
                "user_features": self.user_features_.to_config(),
                "history": None if self.history_ is None else self.history_.to_dict()}

    def _set_state(self, state: dict[str, np.ndarray], extra: dict) -> None:
        p = self.params
        self.item_features_ = FeatureSet.from_state(state, extra.get("item_features") or {}, "item_features",
                                                    self.n_items)
        self.user_features_ = FeatureSet.from_state(state, extra.get("user_features") or {}, "user_features",
                                                    self.n_users)
        def build():
            return TwoTowerModule(self.n_users, self.n_items, p["factors"], self.user_features_,
                                  self.item_features_, p["layers"], p["init_std"])
        weights = {}
        for k, v in meta_module(build).state_dict().items():  # shapes only: checked before allocating
            weights[k] = torch.from_numpy(expect_array(state, f"module.{k}", tuple(v.shape), np.float32).copy())
        module = build()
        module.load_state_dict(weights)
        self.module_ = module.eval()
        self._sync()
        restore_history(self, extra)
