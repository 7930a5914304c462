"""Compressed storage of a float matrix (an embedding table or an item–item matrix).

A ``Table`` keeps an (n, d) float32 matrix in one of these forms (``kind``) and gives back rows or
the whole matrix as float32 on demand, so a compressed model holds only the compact arrays:

- "float32": the matrix itself.
- "int8": symmetric int8 with one float32 scale per row (``axis=0``) or per column (``axis=1``):
  x ≈ q · scale, scale = max |x| / 127 over the row/column.
- "fp16" / "bf16": half precision (bf16 is kept as its raw uint16 bits: numpy has no bfloat16).
- "csr": the non-zeros of a pruned matrix, CSR with float32 (or int8 + per-column scale) values
  and uint16 column indices when d <= 65536 (int32 otherwise).
- "lowrank": x ≈ a @ b with a (n, r), b (r, d) from a truncated SVD.

``state(prefix)`` / ``Table.from_state(state, prefix, kind, shape)`` convert to and from the
safetensors arrays (validated with ``expect_array``).
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
import torch

from engine.errors import ModelError
from engine.models.base import expect_array

KINDS = ("float32", "int8", "fp16", "bf16", "csr", "lowrank")
#: Largest int8 magnitude (symmetric: -127..127).
QMAX = 127
#: Randomized SVD: extra dimensions sampled beyond the rank, and power iterations.
OVERSAMPLE, POWER_ITERATIONS = 10, 6


def quantize_int8(x: np.ndarray, axis: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Symmetric int8 of x (n, d): q (n, d) int8 and scale (n,) (axis=0, per row) or (d,) (axis=1)."""
    scale = (np.abs(x).max(axis=1 - axis) / QMAX).astype(np.float32)
    safe = np.where(scale > 0, scale, np.float32(1.0))
    q = np.rint(x / (safe[:, None] if axis == 0 else safe[None, :]))
    return np.clip(q, -QMAX, QMAX).astype(np.int8), scale


def to_bf16_bits(x: np.ndarray) -> np.ndarray:
    """float32 array -> its bfloat16 values (round to nearest even) as raw uint16 bits."""
    return torch.from_numpy(np.ascontiguousarray(x, np.float32)).to(torch.bfloat16).view(torch.int16).numpy().view(np.uint16)


def from_bf16_bits(bits: np.ndarray) -> np.ndarray:
    """uint16 bfloat16 bits -> float32 array."""
    return torch.from_numpy(np.ascontiguousarray(bits).view(np.int16)).view(torch.bfloat16).float().numpy()


def truncated_svd(x: np.ndarray, rank: int) -> tuple[np.ndarray, np.ndarray]:
    """Rank-``rank`` factors of x (n, d): a (n, r) = U·√S, b (r, d) = √S·Vᵀ (float32).

    Exact SVD (float64) when the rank is close to min(n, d); otherwise a randomized SVD
    (``torch.svd_lowrank``, 6 power iterations, fixed seed: repeatable) at a fraction of the cost.
    """
    r = max(1, min(int(rank), *x.shape))
    t = torch.from_numpy(np.asarray(x, np.float32))
    if r + OVERSAMPLE < min(x.shape):
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(0)
            u, s, v = torch.svd_lowrank(t, q=r + OVERSAMPLE, niter=POWER_ITERATIONS)
        u, s, vt = u[:, :r], s[:r], v[:, :r].T
    else:
        u, s, vt = torch.linalg.svd(t.double(), full_matrices=False)
    root = s[:r].sqrt()
    return (u[:, :r] * root).float().numpy(), (root[:, None] * vt[:r]).float().numpy()


class Table:
    """An (n, d) float32 matrix in compressed form; see the module docstring for the kinds."""

    def __init__(self, kind: str, shape: tuple[int, int], arrays: dict[str, np.ndarray], axis: int = 0):
        if kind not in KINDS:
            raise ModelError(f"unknown table kind '{kind}'; choose one of {', '.join(KINDS)}")
        self.kind, self.shape, self.arrays, self.axis = kind, (int(shape[0]), int(shape[1])), arrays, axis
        self._csr = None
        if kind == "csr":   # scipy keeps its own int32 index arrays; ``state`` narrows them again
            a = arrays
            self._csr = sp.csr_matrix((a["data"], a["indices"], a["indptr"]), shape=self.shape)
            a["indptr"], a["indices"], a["data"] = self._csr.indptr, self._csr.indices, self._csr.data

    # ---- building ---------------------------------------------------------------------------
    @classmethod
    def encode(cls, x, kind: str, *, axis: int = 0, rank: int = 0, int8_values: bool = False) -> "Table":
        """Compress x: an (n, d) float32 array, or a scipy sparse matrix for kind "csr".

        axis: int8 scale per row (0) or per column (1). rank: for "lowrank". int8_values: "csr"
        values as int8 with a per-column scale.
        """
        if kind == "csr":
            m = sp.csr_matrix(x, dtype=np.float32)
            m.eliminate_zeros()
            m.sort_indices()
            arrays = {"indptr": m.indptr.astype(np.int64), "indices": m.indices.astype(_index_dtype(m.shape[1]))}
            if int8_values:
                scale = np.zeros(m.shape[1], np.float32)
                np.maximum.at(scale, m.indices, np.abs(m.data))
                scale /= QMAX
                safe = np.where(scale > 0, scale, np.float32(1.0))
                arrays["data"] = np.clip(np.rint(m.data / safe[m.indices]), -QMAX, QMAX).astype(np.int8)
                arrays["scale"] = scale.astype(np.float32)
            else:
                arrays["data"] = m.data.astype(np.float32)
            return cls(kind, m.shape, arrays)
        x = np.ascontiguousarray(x, dtype=np.float32)
        if kind == "float32":
            return cls(kind, x.shape, {"values": x})
        if kind == "int8":
            q, scale = quantize_int8(x, axis)
            return cls(kind, x.shape, {"q": q, "scale": scale}, axis)
        if kind == "fp16":
            return cls(kind, x.shape, {"values": x.astype(np.float16)})
        if kind == "bf16":
            return cls(kind, x.shape, {"bits": to_bf16_bits(x)})
        a, b = truncated_svd(x, rank)
        return cls("lowrank", x.shape, {"a": a, "b": b})

    def take_rows(self, order: np.ndarray) -> "Table":
        """The same table with its rows in ``order`` (a permutation of 0..n-1), exactly: no value
        is re-encoded."""
        order = np.asarray(order, dtype=np.int64)
        a = self.arrays
        if self.kind == "csr":
            m = sp.csr_matrix((a["data"], a["indices"], a["indptr"]), shape=self.shape)[order]
            moved = {**a, "indptr": m.indptr.astype(np.int64), "indices": m.indices.astype(a["indices"].dtype),
                     "data": m.data.astype(a["data"].dtype)}
        else:
            per_row = {"float32": ("values",), "fp16": ("values",), "bf16": ("bits",), "lowrank": ("a",),
                       "int8": ("q", "scale") if self.axis == 0 else ("q",)}[self.kind]
            moved = {k: (v[order] if k in per_row else v) for k, v in a.items()}
        return Table(self.kind, self.shape, moved, self.axis)

    # ---- reading ----------------------------------------------------------------------------
    def rows(self, idx) -> np.ndarray:
        """(len(idx), d) float32 rows ``idx`` (int array)."""
        idx = np.asarray(idx, dtype=np.int64)
        a = self.arrays
        if self.kind == "float32":
            return a["values"][idx]
        if self.kind == "int8":
            q = a["q"][idx].astype(np.float32)
            return q * (a["scale"][idx, None] if self.axis == 0 else a["scale"][None, :])
        if self.kind == "fp16":
            return a["values"][idx].astype(np.float32)
        if self.kind == "bf16":
            return from_bf16_bits(a["bits"][idx])
        if self.kind == "csr":
            return self.sparse_float()[idx].toarray()
        return a["a"][idx] @ a["b"]

    def dense(self) -> np.ndarray:
        """The whole (n, d) float32 matrix (a new array unless kind is "float32")."""
        if self.kind == "float32":
            return self.arrays["values"]
        if self.kind == "csr":
            return self.sparse_float().toarray()
        return self.rows(np.arange(self.shape[0]))

    def columns(self, start: int, stop: int) -> np.ndarray:
        """(n, stop - start) float32 columns of a dense kind (float32, int8, fp16, bf16)."""
        a, cols = self.arrays, slice(start, stop)
        if self.kind == "float32":
            return a["values"][:, cols]
        if self.kind == "int8":
            q = a["q"][:, cols].astype(np.float32)
            return q * (a["scale"][:, None] if self.axis == 0 else a["scale"][None, cols])
        if self.kind == "fp16":
            return a["values"][:, cols].astype(np.float32)
        if self.kind == "bf16":
            return from_bf16_bits(a["bits"][:, cols])
        raise ModelError(f"table kind {self.kind} has no dense columns")

    def sparse_float(self) -> sp.csr_matrix:
        """kind "csr": the matrix as float32 CSR (int8 values dequantised into a new array)."""
        if "scale" not in self.arrays:
            return self._csr
        m = self._csr
        data = m.data.astype(np.float32) * self.arrays["scale"][m.indices]
        return sp.csr_matrix((data, m.indices, m.indptr), shape=self.shape)

    @property
    def n_values(self) -> int:
        """Number of stored numbers (parameters): weights, scales and factors, not indices."""
        return int(sum(v.size for k, v in self.arrays.items() if k not in ("indptr", "indices")))

    @property
    def nbytes(self) -> int:
        return int(sum(v.nbytes for v in self.arrays.values()))

    # ---- persistence ------------------------------------------------------------------------
    def state(self, prefix: str) -> dict[str, np.ndarray]:
        out = {f"{prefix}.{k}": v for k, v in self.arrays.items()}
        if self.kind == "csr":
            out[f"{prefix}.indptr"] = self.arrays["indptr"].astype(np.int64)
            out[f"{prefix}.indices"] = self.arrays["indices"].astype(_index_dtype(self.shape[1]))
        return out

    def config(self) -> dict:
        """JSON facts ``from_state`` needs besides the arrays."""
        return {"kind": self.kind, "axis": self.axis, "int8_values": "scale" in self.arrays and self.kind == "csr",
                "rank": int(self.arrays["a"].shape[1]) if self.kind == "lowrank" else 0}

    @classmethod
    def from_state(cls, state: dict[str, np.ndarray], prefix: str, shape: tuple[int, int], config: dict) -> "Table":
        """Rebuild a table of ``shape`` saved by ``state(prefix)``; ModelError on any mismatch."""
        if not isinstance(config, dict) or config.get("kind") not in KINDS:
            raise ModelError(f"saved table '{prefix}' has no valid kind")
        kind, axis = config["kind"], int(config.get("axis", 0))
        n, d = int(shape[0]), int(shape[1])
        key = lambda name: f"{prefix}.{name}"  # noqa: E731
        if kind in ("float32", "fp16"):
            dtype = np.float32 if kind == "float32" else np.float16
            return cls(kind, shape, {"values": expect_array(state, key("values"), (n, d), dtype)})
        if kind == "bf16":
            bits = expect_array(state, key("bits"), (n, d), np.uint16)
            if np.any((bits & 0x7F80) == 0x7F80):          # exponent all ones: NaN or infinity
                raise ModelError(f"saved array '{key('bits')}' contains NaN or infinite values")
            return cls(kind, shape, {"bits": bits})
        if kind == "int8":
            if axis not in (0, 1):
                raise ModelError(f"saved table '{prefix}' has an invalid int8 axis {axis}")
            q = expect_array(state, key("q"), (n, d), np.int8)
            scale = expect_array(state, key("scale"), (n if axis == 0 else d,), np.float32)
            return cls(kind, shape, {"q": q, "scale": scale}, axis)
        if kind == "lowrank":
            a = expect_array(state, key("a"), (n, None), np.float32)
            return cls(kind, shape, {"a": a, "b": expect_array(state, key("b"), (a.shape[1], d), np.float32)})
        indptr = expect_array(state, key("indptr"), (n + 1,), np.int64)
        indices = expect_array(state, key("indices"), (None,), _index_dtype(d))
        arrays = {"indptr": indptr, "indices": indices}
        if config.get("int8_values"):
            arrays["data"] = expect_array(state, key("data"), (len(indices),), np.int8)
            arrays["scale"] = expect_array(state, key("scale"), (d,), np.float32)
        else:
            arrays["data"] = expect_array(state, key("data"), (len(indices),), np.float32)
        if (indptr[0] != 0 or indptr[-1] != len(indices) or np.any(np.diff(indptr) < 0)
                or (len(indices) and int(indices.max()) >= d)):
            raise ModelError(f"saved sparse table '{prefix}' does not match its {n} x {d} shape")
        return cls(kind, shape, arrays)


def _index_dtype(d: int):
    return np.uint16 if d <= 65536 else np.int32
