"""BPR-MF (Rendle et al. 2009): matrix factorisation trained on pairwise ranking loss, in torch.

Each training step takes a batch of observed (user, item) pairs, draws one uniform negative item
per pair that the user has not interacted with (vectorised rejection sampling), and minimises
``-log sigmoid(s(u,i) - s(u,j)) + reg * (|p_u|^2 + |q_i|^2 + |q_j|^2)`` with
``s(u,i) = p_u . q_i + b_i``. Trained with ``engine.train.loop.fit_loop`` (Adam, early stopping
on validation NDCG@10 when ``valid`` is given). Defaults were tuned on ml-100k under RecBole's
protocol (bench/recbole_protocol.py; see bench/RESULTS.md).
"""

from __future__ import annotations

import math
from typing import Any, ClassVar

import numpy as np
import torch
from torch import nn

from engine.data.interactions import Interactions
from engine.errors import ModelError
from engine.models.base import expect_array
from engine.models.factorization import FoldInFactorization
from engine.models.registry import register
from engine.machine.device import resolve_device
from engine.train.loop import History, finish_fit, fit_loop, make_validator, restore_history
from engine.machine.seed import seed_everything
from engine.i18n import N_

#: Rounds of re-drawing negatives that hit a positive; the few left after that are kept.
NEGATIVE_ROUNDS = 4


class MFModule(nn.Module):
    """User (n_users, f) and item (n_items, f) embeddings plus an optional item bias (n_items,)."""

    def __init__(self, n_users: int, n_items: int, factors: int, item_bias: bool, init_std: float):
        super().__init__()
        self.user = nn.Embedding(n_users, factors)
        self.item = nn.Embedding(n_items, factors)
        nn.init.normal_(self.user.weight, std=init_std)
        nn.init.normal_(self.item.weight, std=init_std)
        self.bias = nn.Parameter(torch.zeros(n_items)) if item_bias else None

    def pair_scores(self, users: torch.Tensor, items: torch.Tensor) -> torch.Tensor:
        """(b,) scores of user–item pairs."""
        s = (self.users(users) * self.items(items)).sum(-1)
        return s if self.bias is None else s + self.bias.index_select(0, items)

    def users(self, idx: torch.Tensor) -> torch.Tensor:
        """(b, f) user factor rows: ``index_select``, whose gradient is one ``index_add_`` (2-3x faster
        on the CPU than an embedding lookup's backward)."""
        return self.user.weight.index_select(0, idx)

    def items(self, idx: torch.Tensor) -> torch.Tensor:
        """(b, f) item factor rows (as ``users``)."""
        return self.item.weight.index_select(0, idx)


#: Below this many user–item cells, positives are looked up in a dense bool table (one gather)
#: instead of a binary search over the sorted keys (several times slower per draw).
DENSE_LOOKUP_CELLS = 1 << 26


class PositiveSet:
    """Observed (user, item) pairs for rejection sampling: ``contains(keys)`` with keys = user *
    n_items + item, by a dense bool table on small data, else a binary search of sorted keys."""

    def __init__(self, pos_keys: torch.Tensor, n_cells: int):
        self.keys = pos_keys
        self.table = None
        if n_cells <= DENSE_LOOKUP_CELLS:
            self.table = torch.zeros(n_cells, dtype=torch.bool, device=pos_keys.device)
            self.table[pos_keys] = True

    def contains(self, keys: torch.Tensor) -> torch.Tensor:
        if self.table is not None:
            return self.table[keys]
        pos = torch.searchsorted(self.keys, keys).clamp_(max=len(self.keys) - 1)
        return self.keys[pos] == keys


def sample_negatives(users: torch.Tensor, pos_keys: torch.Tensor | PositiveSet, n_items: int,
                     generator: torch.Generator) -> torch.Tensor:
    """(b,) uniform item indices, re-drawn while ``user * n_items + item`` is a positive.

    pos_keys: a ``PositiveSet``, or sorted (n_pos,) int64 keys of observed pairs, on the same
    device as ``users``.
    """
    positives = pos_keys if isinstance(pos_keys, PositiveSet) else PositiveSet(pos_keys, 1 << 62)
    neg = torch.randint(0, n_items, users.shape, generator=generator, device=users.device)
    for _ in range(NEGATIVE_ROUNDS):
        hit = positives.contains(users * n_items + neg)
        n_hit = int(hit.sum())
        if n_hit == 0:
            break
        neg[hit] = torch.randint(0, n_items, (n_hit,), generator=generator, device=users.device)
    return neg


@register
class BPR(FoldInFactorization):
    """BPR matrix factorisation; exposes ``user_factors_`` (n_users, f), ``item_factors_`` (n_items, f),
    ``item_bias_`` (n_items,) as numpy, plus ``history_``, ``epochs_run_``, ``device_``."""

    name = "bpr"
    title = "BPR"
    description = N_("BPR-MF: matrix factorisation trained to rank bought items above the rest (PyTorch).")
    param_ranges: ClassVar[dict[str, tuple]] = {"reg": (0.0, 1.0)}
    defaults: ClassVar[dict[str, Any]] = {
        "factors": 64, "epochs": 200, "lr": 5e-4, "reg": 0.0, "weight_decay": 0.0,
        "batch_size": 1024, "item_bias": True, "init_std": 0.01, "patience": 10, "valid_frac": 0.1, "refit": True, "validate_every": 5, "valid_users": 2000,
        "device": "auto", "seed": 0,
    }
    limits: ClassVar[dict[str, int]] = {"factors": 4096}
    fast_params: ClassVar[dict[str, Any]] = {"epochs": 2, "factors": 16}
    early_stopping: ClassVar[bool] = True
    search_space: ClassVar[dict[str, tuple]] = {
        "factors": ("int", 16, 256), "lr": ("log", 1e-4, 1e-2), "reg": ("log", 1e-6, 1e-1),
        "batch_size": ("cat", [512, 1024, 2048, 4096]),
    }

    def __init__(self, **params: Any) -> None:
        super().__init__(**params)
        self.check_ranges(at_least_1=("factors", "epochs", "batch_size"), non_negative=("reg", "weight_decay", "init_std"))
        self.user_factors_: np.ndarray | None = None
        self.item_factors_: np.ndarray | None = None
        self.item_bias_: np.ndarray | None = None
        self.history_: History | None = None
        self.epochs_run_ = 0
        self.device_: str | None = None
        self._module: MFModule | None = None

    def _sync(self) -> None:
        """Copy the torch module's weights into the numpy factors used for scoring."""
        m = self._module
        self.user_factors_ = m.user.weight.detach().float().cpu().numpy().copy()
        self.item_factors_ = m.item.weight.detach().float().cpu().numpy().copy()
        self.item_bias_ = (np.zeros(m.item.num_embeddings, np.float32) if m.bias is None
                           else m.bias.detach().float().cpu().numpy().copy())

    def memory_bytes(self, n_users: int, n_items: int, nnz: int) -> int:
        """Factors, their gradients, Adam's two moments and the numpy copy for scoring (5 float32
        copies), the epoch's pairs, order, negatives and lookup keys (12 int64 arrays of nnz), the
        dense positive table on small data (bench/bench_memory.py measures it)."""
        table = n_users * n_items if n_users * n_items <= DENSE_LOOKUP_CELLS else 0
        return 20 * self.params["factors"] * (n_users + n_items) + 96 * nnz + table

    def _fit(self, interactions: Interactions, *, catalog, valid, progress, cancel) -> None:
        p = self.params
        device = resolve_device(p["device"])
        seed_everything(p["seed"], device)
        if interactions.seen.nnz >= interactions.n_users * interactions.n_items:
            raise ModelError("model bpr: every user has interacted with every item; no negatives to sample")
        self._module = MFModule(interactions.n_users, interactions.n_items, p["factors"], p["item_bias"],
                                p["init_std"]).to(device)
        batches, n_batches = self.training_batches(interactions, p["batch_size"], device)
        history = fit_loop(self._module, batches, self.batch_loss, epochs=p["epochs"], lr=p["lr"],
                           weight_decay=p["weight_decay"], device=device,
                           validate=make_validator(self, interactions, valid, before=self._sync, cancel=cancel,
                                                  max_users=p["valid_users"], seed=p["seed"]),
                           validate_every=p["validate_every"],
                           patience=p["patience"], progress=progress, cancel=cancel, seed=p["seed"],
                           batches_per_epoch=n_batches)
        self._sync()
        finish_fit(self, history, device)
        self._module = None

    # ---- the training objective (capability "objective") -------------------------------------
    def training_batches(self, train: Interactions, batch_size: int, device):
        """Batches of (users, positives, sampled negatives) (b,) int64 over every observed pair: the
        whole epoch's shuffled pairs and negatives are drawn at once, then sliced."""
        seen = train.seen.tocoo()
        users = torch.from_numpy(seen.row.astype(np.int64)).to(device)
        items = torch.from_numpy(seen.col.astype(np.int64)).to(device)
        n_items, n = train.n_items, len(users)
        positives = PositiveSet(torch.sort(users * n_items + items).values, train.n_users * n_items)

        def batches(epoch: int, gen: torch.Generator):
            order = torch.randperm(n, generator=gen, device=device)
            u_all, i_all = users[order], items[order]
            j_all = sample_negatives(u_all, positives, n_items, gen)
            for start in range(0, n, batch_size):
                yield u_all[start:start + batch_size], i_all[start:start + batch_size], j_all[start:start + batch_size]

        return batches, math.ceil(n / batch_size)

    def batch_loss(self, module: MFModule, batch) -> torch.Tensor:
        """−log σ(s(u,i) − s(u,j)) + reg·(|p_u|² + |q_i|² + |q_j|²), mean over the batch."""
        u, i, j = batch
        pu, qi, qj = module.users(u), module.items(i), module.items(j)
        diff = (pu * (qi - qj)).sum(-1)
        if module.bias is not None:
            diff = diff + module.bias.index_select(0, i) - module.bias.index_select(0, j)
        loss = -nn.functional.logsigmoid(diff).mean()
        reg = self.params["reg"]
        if reg > 0:
            loss = loss + reg * (pu.pow(2).sum(-1) + qi.pow(2).sum(-1) + qj.pow(2).sum(-1)).mean()
        return loss

    def state_name(self, parameter: str) -> str:
        return {"user.weight": "user_factors", "item.weight": "item_factors", "bias": "item_bias"}.get(parameter,
                                                                                                      parameter)

    def training_module(self) -> MFModule:
        """The factor module at the fitted factors (CPU, train mode)."""
        p = self.params
        module = MFModule(self.n_users, self.n_items, self.user_factors_.shape[1], p["item_bias"], p["init_std"])
        with torch.no_grad():
            module.user.weight.copy_(torch.from_numpy(self.user_factors_))
            module.item.weight.copy_(torch.from_numpy(self.item_factors_))
            if module.bias is not None:
                module.bias.copy_(torch.from_numpy(self.item_bias_))
        return module.train()

    def _score(self, users: np.ndarray) -> np.ndarray:
        return self.user_factors_[users] @ self.item_factors_.T + self.item_bias_[None, :]

    def _reorder_users(self, order: np.ndarray, new_ids: np.ndarray) -> None:
        self.user_factors_ = self.user_factors_[order]

    def _state(self) -> dict[str, np.ndarray]:
        return {"user_factors": self.user_factors_, "item_factors": self.item_factors_,
                "item_bias": self.item_bias_}

    def _set_state(self, state: dict[str, np.ndarray], extra: dict) -> None:
        f = self.params["factors"]
        self.user_factors_ = expect_array(state, "user_factors", (self.n_users, f), np.float32)
        self.item_factors_ = expect_array(state, "item_factors", (self.n_items, f), np.float32)
        self.item_bias_ = expect_array(state, "item_bias", (self.n_items,), np.float32)
        restore_history(self, extra)

    def _extra_config(self) -> dict:
        return {"history": None if self.history_ is None else self.history_.to_dict()}
