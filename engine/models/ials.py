"""Implicit ALS (Hu, Koren & Volinsky 2008) in torch, solved with batched conjugate gradient.

Minimises ``sum_{u,i} c_ui (p_ui - x_u . y_i)^2 + reg (|X|^2 + |Y|^2)`` over all user–item pairs,
with preference ``p_ui = 1`` for observed pairs (0 otherwise) and confidence
``c_ui = 1 + alpha * r_ui``. ``r_ui`` is the summed event value for quantity/weight data and 1
for ratings or plain events (a low rating is still an interaction).

Each epoch alternates two half-steps. A half-step solves, for every user at once (in chunks of
``batch_size`` rows), ``(Y^T Y + reg I + Y^T diag(c_u - 1) Y) x_u = Y^T c_u`` by ``cg_steps``
conjugate-gradient steps warm-started from the current factors (as implicit does): the
``Y^T diag(c_u - 1) Y x`` products use a sampled dense-dense matmul over the non-zeros only, so a
step costs O(nnz * f + n * f^2). Then the same for items. On the CPU the half-steps are numba
kernels (``engine.models.ials_cpu``), on CUDA torch sparse kernels. With ``valid`` the best epoch
by validation NDCG@10 (every ``validate_every`` epochs, on at most ``valid_users`` validation
users) is kept (early stopping after ``patience`` epochs without improvement). An epoch is cheap
(ml-100k: ~10 ms of CPU, one validation ~6 ms), so validation runs every 3rd epoch by default
(bench/bench_validation.py: ≤ ~20 % of the fit).
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
from engine.models import ials_cpu
from engine.models.base import expect_array
from engine.models.factorization import FoldInFactorization
from engine.models.registry import register
from engine.progress import Progress, check
from engine.machine.device import resolve_device
from engine.train.loop import EpochRecord, History, finish_fit, make_validator, restore_history
from engine.machine.seed import seed_everything
from engine.i18n import N_, _


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
        for _sweep in range(steps):
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


class _TorchSteps:
    """Half-steps and objective with torch sparse kernels (CUDA)."""

    def __init__(self, r: sp.csr_matrix, X: torch.Tensor, Y: torch.Tensor, p: dict):
        self.users_, self.items_ = _Rows(r, p["alpha"], X.device), _Rows(r.T.tocsr(), p["alpha"], X.device)
        self.X, self.Y, self.p = X, Y, p

    def users(self) -> None:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=".*[Ss]parse CSR tensor support is in beta.*")
            _solve(self.users_, self.X, self.Y, self.p["reg"], self.p["cg_steps"], self.p["batch_size"])

    def items(self) -> None:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=".*[Ss]parse CSR tensor support is in beta.*")
            _solve(self.items_, self.Y, self.X, self.p["reg"], self.p["cg_steps"], self.p["batch_size"])

    def loss(self) -> float:
        return _loss(self.users_, self.X, self.Y, self.p["reg"], self.p["batch_size"])

    def factors(self) -> tuple[np.ndarray, np.ndarray]:
        """(user factors, item factors) as numpy copies."""
        return self.X.cpu().numpy().copy(), self.Y.cpu().numpy().copy()


class _CpuSteps:
    """Half-steps and objective with the numba kernels of ``engine.models.ials_cpu`` (CPU)."""

    def __init__(self, r: sp.csr_matrix, X: torch.Tensor, Y: torch.Tensor, p: dict):
        rt = r.T.tocsr()
        alpha = np.float32(p["alpha"])
        self.u = (r.indptr.astype(np.int64), r.indices.astype(np.int32), alpha * r.data.astype(np.float32))
        self.i = (rt.indptr.astype(np.int64), rt.indices.astype(np.int32), alpha * rt.data.astype(np.float32))
        self.X, self.Y, self.p, self.nnz = X.numpy(), Y.numpy(), p, r.nnz

    def _half(self, rows, X: np.ndarray, Y: np.ndarray) -> None:
        indptr, indices, weight = rows
        gram = (Y.T @ Y + np.float32(self.p["reg"]) * np.eye(Y.shape[1], dtype=np.float32)).astype(np.float32)
        ials_cpu.cg_half_step(indptr, indices, weight, weight + np.float32(1.0), X, Y, gram, self.p["cg_steps"])

    def users(self) -> None:
        self._half(self.u, self.X, self.Y)

    def items(self) -> None:
        self._half(self.i, self.Y, self.X)

    def loss(self) -> float:
        indptr, indices, weight = self.u
        return ials_cpu.objective(indptr, indices, weight + np.float32(1.0), self.X, self.Y, self.p["reg"], self.nnz)

    def factors(self) -> tuple[np.ndarray, np.ndarray]:
        return self.X.copy(), self.Y.copy()


@register
class IALS(FoldInFactorization):
    """Implicit ALS; exposes ``user_factors_`` (n_users, f) and ``item_factors_`` (n_items, f) as numpy,
    plus ``history_``, ``epochs_run_``, ``device_``. One epoch = one user half-step + one item half-step."""

    name = "ials"
    title = "iALS"
    description = N_("iALS: matrix factorisation by alternating least squares on implicit feedback.")
    param_ranges: ClassVar[dict[str, tuple]] = {"reg": (0.0, 10_000.0)}
    training_note = N_("iALS solves exact least-squares steps (no gradient descent), so there are no gradients; its "
                     "learning curves and factor distributions still apply.")
    defaults: ClassVar[dict[str, Any]] = {
        "factors": 64, "epochs": 15, "reg": 50.0, "alpha": 5.0, "cg_steps": 3, "init_std": 0.01,
        "batch_size": 65536, "patience": 5, "valid_frac": 0.1, "refit": True, "validate_every": 3,
        "valid_users": 2000, "device": "auto", "seed": 0,
    }
    limits: ClassVar[dict[str, int]] = {"factors": 4096}
    fast_params: ClassVar[dict[str, Any]] = {"epochs": 2, "factors": 16}
    early_stopping: ClassVar[bool] = True
    search_space: ClassVar[dict[str, tuple]] = {
        "factors": ("int", 16, 256), "reg": ("log", 1e-4, 10.0), "alpha": ("log", 0.1, 100.0),
        "epochs": ("int", 5, 30),
    }

    def __init__(self, **params: Any) -> None:
        super().__init__(**params)
        self.check_ranges(at_least_1=("factors", "epochs", "cg_steps", "batch_size"), non_negative=("reg", "alpha", "init_std"))
        self.user_factors_: np.ndarray | None = None
        self.item_factors_: np.ndarray | None = None
        self.history_: History | None = None
        self.epochs_run_ = 0
        self.device_: str | None = None

    def memory_bytes(self, n_users: int, n_items: int, nnz: int) -> int:
        """User and item factors (torch tensors and their numpy view for scoring) and the confidence
        matrix by user and by item (bench/bench_memory.py measures it)."""
        return 8 * self.params["factors"] * (n_users + n_items) + 16 * nnz

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
        f, epochs = p["factors"], p["epochs"]
        X = torch.randn(interactions.n_users, f, device=device) * p["init_std"]
        Y = torch.randn(interactions.n_items, f, device=device) * p["init_std"]
        step = (_CpuSteps if device.type == "cpu" else _TorchSteps)(r, X, Y, p)

        def sync() -> None:
            self.user_factors_, self.item_factors_ = step.factors()

        validate = make_validator(self, interactions, valid, before=sync, cancel=cancel,
                                  max_users=p["valid_users"], seed=p["seed"])
        history = History(device=str(device))
        best, best_value = None, -math.inf
        for epoch in range(1, epochs + 1):
            start = time.perf_counter()
            if cancel is not None and cancel.cancelled:
                history.stopped = "cancelled"
                break
            step.users()
            if progress is not None:
                progress(Progress((epoch - 0.5) / epochs, f"epoch {epoch}/{epochs}", "train", {"epoch": epoch}))
            if cancel is not None and cancel.cancelled:
                history.stopped = "cancelled"
                break
            step.items()
            loss = step.loss()
            if not math.isfinite(loss):
                raise ModelError(f"model ials diverged at epoch {epoch}; raise reg")
            try:
                due = validate is not None and (epoch % p["validate_every"] == 0 or epoch == epochs)
                metrics = validate() if due else {}
            except Cancelled:  # cancelled while validating: stop as between half-steps
                history.stopped = "cancelled"
                break
            seconds = time.perf_counter() - start
            history.records.append(EpochRecord(epoch, loss, metrics, seconds))
            if progress is not None:
                progress(Progress(epoch / epochs, f"epoch {epoch}/{epochs}", "train",
                                  {"epoch": epoch, "loss": loss, "seconds": seconds, **metrics}))
            if not metrics:
                continue
            if metrics["ndcg@10"] > best_value or best is None:
                best_value, best, history.best_epoch = metrics["ndcg@10"], step.factors(), epoch
            elif p["patience"] > 0 and epoch - history.best_epoch >= p["patience"]:
                history.stopped = "early_stop"
                break
        self.user_factors_, self.item_factors_ = best if best is not None else step.factors()
        finish_fit(self, history, device)

    def _score(self, users: np.ndarray) -> np.ndarray:
        return self.user_factors_[users] @ self.item_factors_.T

    def fold_in_params(self) -> tuple[float, float]:
        """iALS's own confidence and ridge term: the fold-in is its exact user solve."""
        return float(self.params["alpha"]), float(self.params["reg"])

    def fold_in_description(self) -> str:
        return _("recomputed by the closed-form least-squares solve (as implicit's explain)")

    def _reorder_users(self, order: np.ndarray, new_ids: np.ndarray) -> None:
        self.user_factors_ = self.user_factors_[order]

    def _state(self) -> dict[str, np.ndarray]:
        return {"user_factors": self.user_factors_, "item_factors": self.item_factors_}

    def _set_state(self, state: dict[str, np.ndarray], extra: dict) -> None:
        f = self.params["factors"]
        self.user_factors_ = expect_array(state, "user_factors", (self.n_users, f), np.float32)
        self.item_factors_ = expect_array(state, "item_factors", (self.n_items, f), np.float32)
        restore_history(self, extra)

    def _extra_config(self) -> dict:
        return {"history": None if self.history_ is None else self.history_.to_dict()}
