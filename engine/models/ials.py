"""Implicit ALS (Hu, Koren & Volinsky 2008) in torch, solved with batched conjugate gradient.

Minimises ``sum_{u,i} c_ui (p_ui - x_u . y_i)^2 + reg (|X|^2 + |Y|^2)`` over all user–item pairs,
with preference ``p_ui = 1`` for observed pairs (0 otherwise) and confidence
``c_ui = 1 + alpha * r_ui``. ``r_ui`` is the summed event value for quantity/weight data and 1
for ratings or plain events (a low rating is still an interaction).

Each epoch alternates two half-steps. A half-step solves, for every user at once (in chunks of
``batch_size`` rows), ``(Y^T Y + reg I + Y^T diag(c_u - 1) Y) x_u = Y^T c_u`` by ``cg_steps``
conjugate-gradient steps warm-started from the current factors (as implicit does): the
``Y^T diag(c_u - 1) Y x`` products use a sampled dense-dense matmul over the non-zeros only, so a
step costs O(nnz * f + n * f^2). Then the same for items. With ``valid`` the best epoch by
validation NDCG@10 is kept (early stopping after ``patience`` epochs without improvement).
Defaults (alpha 5, reg 50) were picked on the ml-100k validation split (bench/RESULTS.md); ``reg``
is not scaled by counts, so larger data sets need relatively less of it. On Apple MPS it runs on the CPU: torch has no sparse CSR kernels there.
"""

from __future__ import annotations

import math
import time
import warnings
from typing import Any, ClassVar

import numpy as np
import scipy.sparse as sp
import torch

from engine.data.interactions import Interactions
from engine.errors import Cancelled, ModelError
from engine.models.base import Recommender, expect_array
from engine.models.registry import register
from engine.progress import Progress, check
from engine.machine.device import resolve_device
from engine.train.loop import EpochRecord, History, finish_fit, make_validator, restore_history
from engine.machine.seed import seed_everything


class _Rows:
    """Sparse rows (users of R, or items of R^T) on ``device``: CSR pattern, c - 1 and c per non-zero."""

    def __init__(self, m: sp.csr_matrix, alpha: float, device: torch.device):
        self.n, self.m = m.shape
        self.crow = torch.from_numpy(m.indptr.astype(np.int64)).to(device)
        self.col = torch.from_numpy(m.indices.astype(np.int64)).to(device)
        self.ptr = m.indptr.astype(np.int64)          # host copy: chunk bounds without device syncs
        r = torch.from_numpy(m.data.astype(np.float32)).to(device)
        self.weight = alpha * r            # c - 1
        self.target = 1.0 + alpha * r      # c * p with p = 1

    def csr(self, start: int, stop: int, values: torch.Tensor | None = None) -> torch.Tensor:
        """(stop - start, m) CSR of rows start..stop-1; ``values`` (chunk non-zeros,) default ones."""
        a, b = int(self.ptr[start]), int(self.ptr[stop])
        vals = torch.ones(b - a, device=self.col.device) if values is None else values
        return torch.sparse_csr_tensor(self.crow[start:stop + 1] - a, self.col[a:b], vals,
                                       size=(stop - start, self.m), check_invariants=False)

    def span(self, start: int, stop: int) -> slice:
        return slice(int(self.ptr[start]), int(self.ptr[stop]))


def _solve(rows: _Rows, X: torch.Tensor, Y: torch.Tensor, reg: float, steps: int, batch: int) -> None:
    """In place: ``steps`` CG steps on the iALS normal equations of every row of X (n, f) given Y (m, f)."""
    f = Y.shape[1]
    gram = Y.T @ Y + reg * torch.eye(f, device=Y.device, dtype=Y.dtype)
    for start in range(0, rows.n, batch):
        stop = min(start + batch, rows.n)
        nz = rows.span(start, stop)
        pattern = rows.csr(start, stop)

        def apply(v: torch.Tensor) -> torch.Tensor:
            """(A v) for the chunk: v (b, f) -> (b, f)."""
            dots = torch.sparse.sampled_addmm(pattern, v, Y.T, beta=0.0).values()
            return v @ gram + rows.csr(start, stop, dots * rows.weight[nz]) @ Y

        x = X[start:stop]
        r = rows.csr(start, stop, rows.target[nz]) @ Y - apply(x)
        p = r.clone()
        rs = (r * r).sum(1)
        for _ in range(steps):
            ap = apply(p)
            step = rs / (p * ap).sum(1).clamp_min(1e-30)
            x += step[:, None] * p
            r -= step[:, None] * ap
            rs_new = (r * r).sum(1)
            p = r + (rs_new / rs.clamp_min(1e-30))[:, None] * p
            rs = rs_new


def _loss(rows: _Rows, X: torch.Tensor, Y: torch.Tensor, reg: float, batch: int) -> float:
    """The iALS objective divided by the number of non-zeros (all pairs, computed in O(nnz f + n f^2))."""
    total = (X.T @ X * (Y.T @ Y)).sum() + reg * (X.pow(2).sum() + Y.pow(2).sum())
    for start in range(0, rows.n, batch):
        stop = min(start + batch, rows.n)
        nz = rows.span(start, stop)
        d = torch.sparse.sampled_addmm(rows.csr(start, stop), X[start:stop], Y.T, beta=0.0).values()
        c = rows.target[nz]
        total = total + (c * (1 - d) ** 2 - d ** 2).sum()
    return float(total) / max(1, len(rows.col))


@register
class IALS(Recommender):
    """Implicit ALS; exposes ``user_factors_`` (n_users, f) and ``item_factors_`` (n_items, f) as numpy,
    plus ``history_``, ``epochs_run_``, ``device_``. One epoch = one user half-step + one item half-step."""

    name = "ials"
    capabilities = frozenset({"embeddings"})
    defaults: ClassVar[dict[str, Any]] = {
        "factors": 64, "epochs": 15, "reg": 50.0, "alpha": 5.0, "cg_steps": 3, "init_std": 0.01,
        "batch_size": 65536, "patience": 3, "valid_frac": 0.1, "refit": True, "device": "auto", "seed": 0,
    }
    fast_params: ClassVar[dict[str, Any]] = {"epochs": 2, "factors": 16}
    early_stopping: ClassVar[bool] = True
    search_space: ClassVar[dict[str, tuple]] = {
        "factors": ("int", 16, 256), "reg": ("log", 1e-4, 10.0), "alpha": ("log", 0.1, 100.0),
        "epochs": ("int", 5, 30),
    }

    def __init__(self, **params: Any) -> None:
        super().__init__(**params)
        p = self.params
        self.check_ranges(at_least_1=("factors", "epochs", "cg_steps", "batch_size"), non_negative=("reg", "alpha", "init_std"))
        self.user_factors_: np.ndarray | None = None
        self.item_factors_: np.ndarray | None = None
        self.history_: History | None = None
        self.epochs_run_ = 0
        self.device_: str | None = None

    def _fit(self, interactions: Interactions, *, catalog, valid, progress, cancel) -> None:
        p = self.params
        check(cancel)
        device = resolve_device(p["device"])
        if device.type == "mps":  # torch has no sparse CSR kernels on MPS
            device = torch.device("cpu")
        seed_everything(p["seed"], device)
        r = interactions.csr if interactions.value_kind in ("quantity", "weight") else interactions.seen
        if r.nnz and r.data.min() < 0:
            raise ModelError("model ials: event values must be >= 0 to act as confidence weights")
        users, items = _Rows(r, p["alpha"], device), _Rows(r.T.tocsr(), p["alpha"], device)
        f, epochs, bs = p["factors"], p["epochs"], p["batch_size"]
        X = torch.randn(interactions.n_users, f, device=device) * p["init_std"]
        Y = torch.randn(interactions.n_items, f, device=device) * p["init_std"]

        def sync() -> None:
            self.user_factors_ = X.cpu().numpy().copy()
            self.item_factors_ = Y.cpu().numpy().copy()

        validate = make_validator(self, interactions, valid, before=sync, cancel=cancel)
        history = History(device=str(device))
        best, best_value = None, -math.inf
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=".*[Ss]parse CSR tensor support is in beta.*")
            for epoch in range(1, epochs + 1):
                start = time.perf_counter()
                if cancel is not None and cancel.cancelled:
                    history.stopped = "cancelled"
                    break
                _solve(users, X, Y, p["reg"], p["cg_steps"], bs)
                if progress is not None:
                    progress(Progress((epoch - 0.5) / epochs, f"epoch {epoch}/{epochs}", "train", {"epoch": epoch}))
                if cancel is not None and cancel.cancelled:
                    history.stopped = "cancelled"
                    break
                _solve(items, Y, X, p["reg"], p["cg_steps"], bs)
                loss = _loss(users, X, Y, p["reg"], bs)
                if not math.isfinite(loss):
                    raise ModelError(f"model ials diverged at epoch {epoch}; raise reg")
                try:
                    metrics = validate() if validate is not None else {}
                except Cancelled:  # cancelled while validating: stop as between half-steps
                    history.stopped = "cancelled"
                    break
                seconds = time.perf_counter() - start
                history.records.append(EpochRecord(epoch, loss, metrics, seconds))
                if progress is not None:
                    progress(Progress(epoch / epochs, f"epoch {epoch}/{epochs}", "train",
                                      {"epoch": epoch, "loss": loss, "seconds": seconds, **metrics}))
                if validate is None:
                    continue
                if metrics["ndcg@10"] > best_value or best is None:
                    best_value, best, history.best_epoch = metrics["ndcg@10"], (X.cpu().clone(), Y.cpu().clone()), epoch
                elif p["patience"] > 0 and epoch - history.best_epoch >= p["patience"]:
                    history.stopped = "early_stop"
                    break
        if best is not None:
            X, Y = best[0].to(device), best[1].to(device)
        sync()
        finish_fit(self, history, device)

    def _score(self, users: np.ndarray) -> np.ndarray:
        return self.user_factors_[users] @ self.item_factors_.T

    def _state(self) -> dict[str, np.ndarray]:
        return {"user_factors": self.user_factors_, "item_factors": self.item_factors_}

    def _set_state(self, state: dict[str, np.ndarray], extra: dict) -> None:
        f = self.params["factors"]
        self.user_factors_ = expect_array(state, "user_factors", (self.n_users, f), np.float32)
        self.item_factors_ = expect_array(state, "item_factors", (self.n_items, f), np.float32)
        restore_history(self, extra)

    def _extra_config(self) -> dict:
        return {"history": None if self.history_ is None else self.history_.to_dict()}
