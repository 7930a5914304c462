"""Quantised building blocks: int8 matrix products, a dynamic-int8 linear layer, table embeddings.

Dynamic int8 linear layers quantise the weight once (int8, one scale per output channel) and the
activations on the fly, one scale per row (per token). ``torch.ao.quantization.quantize_dynamic``
is not used: it is deprecated in torch 2.x and quantises the activations with ONE scale per call,
so a user's scores would change with the other users scored in the same batch; per-row scales keep
every user's scores independent of the batch (and identical after save/load).
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from engine.compress.tables import QMAX, Table

#: Products of int8 values summed over at most this many terms are exact in float32 (2^24 / 127²),
#: so the float fallback of ``int8_matmul`` gives the same integers as an int32 GEMM.
EXACT_FLOAT_TERMS = (1 << 24) // (QMAX * QMAX)
#: Columns dequantised at a time by the float fallback (bounds its temporary memory).
FALLBACK_COLUMNS = 1024


def int8_matmul(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """Exact a (m, k) int8 @ b (k, n) int8 -> (m, n) float32 (integer-valued).

    Uses torch's int8 GEMM with int32 accumulation where available, else float32 products in
    column blocks (exact while k <= EXACT_FLOAT_TERMS, i.e. the same result).
    """
    try:
        return torch._int_mm(a, b).to(torch.float32)
    except (RuntimeError, NotImplementedError, AttributeError):
        af = a.to(torch.float32)
        out = torch.empty((a.shape[0], b.shape[1]), dtype=torch.float32)
        for s in range(0, b.shape[1], FALLBACK_COLUMNS):
            out[:, s:s + FALLBACK_COLUMNS] = af @ b[:, s:s + FALLBACK_COLUMNS].to(torch.float32)
        return out


def quantize_rows(x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Per-row symmetric int8 of x (m, k) float -> q (m, k) int8, scale (m, 1) float32 (> 0)."""
    scale = (x.abs().amax(dim=1, keepdim=True) / QMAX).clamp_min(torch.finfo(torch.float32).tiny)
    return torch.round(x / scale).clamp_(-QMAX, QMAX).to(torch.int8), scale


class Int8Linear(nn.Module):
    """y = x Wᵀ + b with W int8 (out, in) and one float32 scale per output channel; the input is
    quantised per row at run time (dynamic int8). Not differentiable."""

    def __init__(self, qweight: torch.Tensor, scale: torch.Tensor, bias: torch.Tensor | None):
        super().__init__()
        self.out_features, self.in_features = qweight.shape
        self.register_buffer("qweight_t", qweight.t().contiguous())        # (in, out) int8
        self.register_buffer("scale", scale.reshape(1, -1).to(torch.float32))
        self.register_buffer("bias", None if bias is None else bias.to(torch.float32))

    @classmethod
    def from_linear(cls, linear: nn.Linear) -> "Int8Linear":
        w = linear.weight.detach().float().cpu()
        q, scale = quantize_rows(w)
        return cls(q, scale.ravel(), None if linear.bias is None else linear.bias.detach().float().cpu())

    @property
    def qweight(self) -> torch.Tensor:
        """(out, in) int8 weight."""
        return self.qweight_t.t()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        shape = x.shape
        flat = x.reshape(-1, self.in_features).to(torch.float32)
        q, sx = quantize_rows(flat)
        y = int8_matmul(q, self.qweight_t) * sx * self.scale
        if self.bias is not None:
            y = y + self.bias
        return y.reshape(*shape[:-1], self.out_features)


class TableEmbedding(nn.Module):
    """A read-only ``nn.Embedding`` stand-in over a compressed ``Table`` (CPU): ``forward(idx)``
    gathers float32 rows, ``weight`` is the whole float32 table (dequantised on each access)."""

    def __init__(self, table: Table):
        super().__init__()
        self.table = table
        self.num_embeddings, self.embedding_dim = table.shape

    @property
    def weight(self) -> torch.Tensor:
        return torch.from_numpy(self.table.dense())

    def forward(self, idx: torch.Tensor) -> torch.Tensor:
        flat = idx.reshape(-1).cpu().numpy()
        return torch.from_numpy(np.ascontiguousarray(self.table.rows(flat))).reshape(*idx.shape, self.embedding_dim)
