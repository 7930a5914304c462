"""Parameter and gradient histograms per layer of a fitted model (the Diagnostics pane's right side).

``weight_stats(model)``: one ``LayerStats`` per floating-point array the model saves (every model:
EASE's item-to-item matrix, BPR's factors, each SASRec layer).
``gradient_stats(model, train)``: the gradients of the model's own training loss on one batch of
``train`` at the fitted weights, per parameter tensor; for the torch-trained families BPR, SASRec and
two-tower. Other models raise ``ModelError`` saying in plain words why gradients do not apply.
``inspect_model`` does both for one worker call. Gradient stats carry the same names as the weight
stats of the same tensor (BPR's ``user.weight`` is reported as ``user_factors``).

Histograms span the 0.5–99.5 percentiles when the extremes are far out (the end bars then hold
the clipped values), so a few large weights do not squash the rest into one bar.

Embedding tables (and per-item biases) get gradients only in the rows a batch touches: their
histograms hold only the touched rows (``LayerStats.note`` says how many).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

import numpy as np

from engine.errors import ModelError
from engine.progress import CancelToken, ProgressCallback, check, emit

#: Families whose training loss this module reproduces for one batch.
GRADIENT_MODELS = ("bpr", "sasrec", "twotower")
#: Why other models have no gradients, in plain words.
NO_GRADIENTS = {
    "ease": "EASE is solved in closed form (one matrix inverse): there is no training loop, "
            "so it has no learning curves and no gradients; its item-to-item weights are shown.",
    "itemknn": "Item k-NN counts co-purchases: nothing is trained by gradient descent; "
               "its similarity values are shown.",
    "pop": "Most popular only counts purchases: there is nothing to train.",
    "ials": "iALS solves exact least-squares steps (no gradient descent), so there are no gradients; "
            "its learning curves and factor distributions still apply.",
    "text": "The text model embeds catalog text with a fixed pretrained encoder: nothing is trained here.",
    "hybrid": "The hybrid blends two fitted models with a small gate; inspect its collaborative part "
              "as a run of its own for gradients.",
}


@dataclass(frozen=True)
class LayerStats:
    """name: parameter name; shape: its full shape; n_values: values in the histogram;
    mean / std / low / high over those values; edges (bins + 1,), counts (bins,): the histogram."""

    name: str
    shape: tuple
    n_values: int
    mean: float
    std: float
    low: float
    high: float
    edges: np.ndarray
    counts: np.ndarray
    note: str = ""


@dataclass(frozen=True)
class Inspection:
    """weights: per saved array; gradients: per parameter tensor (None when they do not apply,
    ``gradient_note`` says why); loss: the batch loss the gradients come from."""

    weights: list[LayerStats]
    gradients: list[LayerStats] | None
    gradient_note: str
    loss: float | None = None
    batch_size: int = 0
    extra: dict = field(default_factory=dict)


def _stats(name: str, values: np.ndarray, bins: int, *, sparse_rows: bool = False) -> LayerStats:
    arr = np.asarray(values, dtype=np.float64)
    shape, note = tuple(arr.shape), ""
    if sparse_rows and arr.ndim >= 1 and arr.size:
        rows = arr.reshape(arr.shape[0], -1)
        touched = np.any(rows != 0, axis=1)
        if 0 < touched.sum() < len(touched):
            note = f"{int(touched.sum()):,} of {len(touched):,} rows used by the batch"
            arr = rows[touched]
    flat = arr.ravel()
    flat = flat[np.isfinite(flat)]
    if flat.size == 0:
        return LayerStats(name, shape, 0, np.nan, np.nan, np.nan, np.nan, np.zeros(bins + 1), np.zeros(bins, np.int64),
                          note or "no finite values")
    lo, hi = (float(x) for x in np.percentile(flat, [0.5, 99.5]))
    if flat.max() - flat.min() > 3 * (hi - lo) > 0:
        note = "; ".join(filter(None, [note, "the end bins also hold the 1 % most extreme values"]))
    else:
        lo, hi = float(flat.min()), float(flat.max())
    if lo == hi:
        lo, hi = lo - 0.5, hi + 0.5
    counts, edges = np.histogram(np.clip(flat, lo, hi), bins=bins, range=(lo, hi))
    return LayerStats(name, shape, int(flat.size), float(flat.mean()), float(flat.std()), float(flat.min()),
                      float(flat.max()), edges, counts.astype(np.int64), note)


def _clean(name: str) -> str:
    return name.removeprefix("net.").removeprefix("module.")


def weight_stats(model, *, bins: int = 40) -> list[LayerStats]:
    """Histogram of every floating-point array in the fitted model's saved state."""
    if getattr(model, "item_ids_", None) is None:
        raise ModelError(f"model {model.name} is not fitted yet")
    state = model._state()
    return [_stats(_clean(k), v, bins) for k, v in state.items()
            if np.issubdtype(np.asarray(v).dtype, np.floating)]


def _bpr_loss(model, train, batch_size: int, gen):
    import torch
    from torch import nn
    from engine.models.bpr import MFModule, sample_negatives
    p = model.params
    module = MFModule(model.n_users, model.n_items, model.user_factors_.shape[1], p["item_bias"], p["init_std"])
    with torch.no_grad():
        module.user.weight.copy_(torch.from_numpy(model.user_factors_))
        module.item.weight.copy_(torch.from_numpy(model.item_factors_))
        if module.bias is not None:
            module.bias.copy_(torch.from_numpy(model.item_bias_))
    seen = train.seen.tocoo()
    users, items = torch.from_numpy(seen.row.astype(np.int64)), torch.from_numpy(seen.col.astype(np.int64))
    pick = torch.randperm(len(users), generator=gen)[:batch_size]
    u, i = users[pick], items[pick]
    j = sample_negatives(u, torch.sort(users * model.n_items + items).values, model.n_items, gen)
    diff = module.pair_scores(u, i) - module.pair_scores(u, j)
    loss = -nn.functional.logsigmoid(diff).mean()
    if p["reg"] > 0:
        sq = module.user(u).pow(2).sum(-1) + module.item(i).pow(2).sum(-1) + module.item(j).pow(2).sum(-1)
        loss = loss + p["reg"] * sq.mean()
    return module, loss, len(u)


def _sasrec_loss(model, train, batch_size: int, gen):
    import torch
    from torch import nn
    from engine.models.sasrec import training_windows, user_sequences
    module = copy.deepcopy(model._module).cpu().train()
    inputs, targets = training_windows(*user_sequences(train), model.max_len_)
    pick = torch.randperm(len(inputs), generator=gen)[:batch_size].numpy()
    x, t = torch.from_numpy(inputs[pick]), torch.from_numpy(targets[pick])
    real = t > 0
    h = module.encode(x)[real]
    if model.params["loss"] == "bce":
        neg = torch.randint(1, model.n_items + 1, t.shape, generator=gen)
        pos, negs = (h * module.item(t[real])).sum(-1), (h * module.item(neg[real])).sum(-1)
        loss = (nn.functional.binary_cross_entropy_with_logits(pos, torch.ones_like(pos))
                + nn.functional.binary_cross_entropy_with_logits(negs, torch.zeros_like(negs)))
    else:
        loss = nn.functional.cross_entropy(h @ module.item_weights().T, t[real] - 1)
    return module, loss, len(pick)


def _twotower_loss(model, train, batch_size: int, gen):
    import torch
    from torch import nn
    from engine.models.twotower import _refs
    p = model.params
    m = copy.deepcopy(model.module_).cpu().train()
    seen = train.seen.tocoo()
    pick = torch.randperm(seen.nnz, generator=gen)[:batch_size].numpy()
    u = torch.from_numpy(seen.row[pick].astype(np.int64))
    i = torch.from_numpy(seen.col[pick].astype(np.int64))
    uv, iv = m.user(_refs(u, m.user)), m.item(_refs(i, m.item))
    pos = (uv * iv).sum(-1) + m.bias[i]
    if p["loss"] == "bpr":
        neg = torch.randint(0, model.n_items, (len(u),), generator=gen)
        nv = m.item(_refs(neg, m.item))
        loss = -nn.functional.logsigmoid(pos - (uv * nv).sum(-1) - m.bias[neg]).mean()
        sq = uv.pow(2).sum(-1) + iv.pow(2).sum(-1) + nv.pow(2).sum(-1)
    else:
        neg = torch.randint(0, model.n_items, (min(p["negatives"], model.n_items),), generator=gen)
        nv = m.item(_refs(neg, m.item))
        neg_logits = (uv @ nv.T + m.bias[neg]).masked_fill(neg[None, :] == i[:, None], float("-inf"))
        loss = nn.functional.cross_entropy(torch.cat([pos[:, None], neg_logits], 1), torch.zeros_like(i))
        sq = uv.pow(2).sum(-1) + iv.pow(2).sum(-1)
    if p["reg"] > 0:
        loss = loss + p["reg"] * sq.mean()
    return m, loss, len(u)


_LOSSES = {"bpr": _bpr_loss, "sasrec": _sasrec_loss, "twotower": _twotower_loss}
#: Module parameter name -> the name of the same tensor in the model's saved state.
_SAVED_NAMES = {"bpr": {"user.weight": "user_factors", "item.weight": "item_factors", "bias": "item_bias"}}


def gradient_stats(model, train, *, batch_size: int | None = None, seed: int = 0,
                   bins: int = 40) -> tuple[list[LayerStats], float, int]:
    """(per-parameter gradient stats, batch loss, batch size) of one training batch of ``train``
    (the split's training part the model was fitted on) at the model's fitted weights, on the CPU.
    The model itself is not changed."""
    import torch
    if model.name not in _LOSSES:
        raise ModelError(NO_GRADIENTS.get(model.name, f"model {model.name} has no gradients to show"))
    if getattr(model, "item_ids_", None) is None:
        raise ModelError(f"model {model.name} is not fitted yet")
    if model.n_items != train.n_items or model.n_users != train.n_users:
        raise ModelError(f"model {model.name} was fitted on other data than this split's training part; "
                         "train it again on the current split")
    bs = int(batch_size or model.params.get("batch_size", 1024))
    gen = torch.Generator().manual_seed(int(seed))
    module, loss, n = _LOSSES[model.name](model, train, bs, gen)
    module.zero_grad(set_to_none=True)
    loss.backward()
    sparse = {f"{name}.weight" for name, sub in module.named_modules() if isinstance(sub, torch.nn.Embedding)}
    sparse |= {name for name, prm in module.named_parameters() if prm.dim() == 1 and name.endswith("bias")
               and prm.shape[0] in (model.n_items, model.n_users)}
    names = _SAVED_NAMES.get(model.name, {})
    out = [_stats(names.get(name, name), prm.grad.detach().numpy(), bins, sparse_rows=name in sparse)
           for name, prm in module.named_parameters() if prm.grad is not None]
    return out, float(loss.detach()), n


def inspect_model(model, train, *, bins: int = 40, seed: int = 0, progress: ProgressCallback | None = None,
                  cancel: CancelToken | None = None) -> Inspection:
    """Weight histograms, and gradient histograms where they apply (else the reason in words)."""
    emit(progress, 0.0, "weights", "inspect")
    weights = weight_stats(model, bins=bins)
    check(cancel)
    if model.name not in _LOSSES:
        return Inspection(weights, None, NO_GRADIENTS.get(model.name, f"{model.name} has no gradients to show"))
    emit(progress, 0.4, "gradients of one batch", "inspect")
    grads, loss, n = gradient_stats(model, train, seed=seed, bins=bins)
    emit(progress, 1.0, "done", "inspect")
    return Inspection(weights, grads, f"gradients of the training loss on one batch of {n:,} examples "
                                      f"at the fitted weights (loss {loss:.4f})", loss, n)
