"""Parameter and gradient histograms per layer of a fitted model (the Diagnostics pane's right side).

``weight_stats(model)``: one ``LayerStats`` per floating-point array the model saves (every model:
EASE's item-to-item matrix, BPR's factors, each SASRec layer).
``gradient_stats(model, train)``: the gradients of the model's own training loss (capability
"objective": the very ``batch_loss`` and ``training_batches`` its fit uses) on the first batch of
``train`` at the fitted weights, per parameter tensor. Other models raise ``ModelError`` with their
``training_note`` (why gradients do not apply, in plain words). ``inspect_model`` does both for one
worker call. Gradient stats carry the same names as the weight stats of the same tensor
(``state_name``: BPR's ``user.weight`` is reported as ``user_factors``).

Histograms span the 0.5–99.5 percentiles when the extremes are far out (the end bars then hold
the clipped values), so a few large weights do not squash the rest into one bar.

Embedding tables (and per-item biases) get gradients only in the rows a batch touches: their
histograms hold only the touched rows (``LayerStats.note`` says how many).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import torch

from engine.errors import ModelError
from engine.models.capabilities import supports
from engine.progress import CancelToken, ProgressCallback, check, emit
from engine.i18n import _


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
            note = _("{v0:,} of {touched:,} rows used by the batch").format(v0=int(touched.sum()), touched=len(touched))
            arr = rows[touched]
    flat = arr.ravel()
    flat = flat[np.isfinite(flat)]
    if flat.size == 0:
        return LayerStats(name, shape, 0, np.nan, np.nan, np.nan, np.nan, np.zeros(bins + 1), np.zeros(bins, np.int64),
                          note or _("no finite values"))
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
        raise ModelError(_("model {name} is not fitted yet").format(name=model.name))
    return [_stats(_clean(k), v, bins) for k, v in model.learned_arrays().items()
            if np.issubdtype(np.asarray(v).dtype, np.floating)]


def training_batch(model, train, batch_size: int, seed: int):
    """The first batch (on the CPU) of ``model``'s own training batches of ``train`` for ``seed``."""
    make_batches, _ = model.training_batches(train, batch_size, torch.device("cpu"))
    return next(iter(make_batches(1, torch.Generator().manual_seed(int(seed)))))


def gradient_stats(model, train, *, batch_size: int | None = None, seed: int = 0,
                   bins: int = 40) -> tuple[list[LayerStats], float, int]:
    """(per-parameter gradient stats, batch loss, batch size) of one training batch of ``train``
    (the split's training part the model was fitted on) at the model's fitted weights, on the CPU,
    in training mode (dropout drawn from ``seed``). The model itself is not changed."""
    if not supports(model, "objective"):
        raise ModelError(_(model.training_note))
    if getattr(model, "item_ids_", None) is None:
        raise ModelError(_("model {name} is not fitted yet").format(name=model.name))
    if model.n_items != train.n_items or model.n_users != train.n_users:
        raise ModelError(_("model {name} was fitted on other data than this split's training part; train it again "
                           "on the current split").format(name=model.name))
    bs = int(batch_size or model.params.get("batch_size", 1024))
    batch = training_batch(model, train, bs, seed)
    module = model.training_module()
    module.zero_grad(set_to_none=True)
    with torch.random.fork_rng(devices=[]):          # dropout draws repeat for the same seed
        torch.manual_seed(int(seed))
        loss = model.batch_loss(module, batch)
        loss.backward()
    sparse = {f"{name}.weight" for name, sub in module.named_modules() if isinstance(sub, torch.nn.Embedding)}
    sparse |= {name for name, prm in module.named_parameters() if prm.dim() == 1 and name.endswith("bias")
               and prm.shape[0] in (model.n_items, model.n_users)}
    out = [_stats(model.state_name(name), prm.grad.detach().numpy(), bins, sparse_rows=name in sparse)
           for name, prm in module.named_parameters() if prm.grad is not None]
    return out, float(loss.detach()), int(len(batch[0]))


def inspect_model(model, train, *, bins: int = 40, seed: int = 0, progress: ProgressCallback | None = None,
                  cancel: CancelToken | None = None) -> Inspection:
    """Weight histograms, and gradient histograms where they apply (else the reason in words)."""
    emit(progress, 0.0, "weights", "inspect")
    weights = weight_stats(model, bins=bins)
    check(cancel)
    if not supports(model, "objective"):
        return Inspection(weights, None, _(model.training_note))
    emit(progress, 0.4, _("gradients of one batch"), "inspect")
    grads, loss, n = gradient_stats(model, train, seed=seed, bins=bins)
    emit(progress, 1.0, "done", "inspect")
    return Inspection(weights, grads, _("gradients of the training loss on one batch of {n:,} examples at the fitted weights "
                                        "(loss {loss:.4f})").format(n=n, loss=loss), loss, n)


#: A layer's gradients "vanish" below this share of its weights' spread, and "explode" above it.
VANISHING, EXPLODING = 1e-7, 10.0


def gradient_reading(inspection: Inspection) -> tuple[str, str]:
    """(status, one plain sentence) about the gradients of ``inspection``: status "healthy",
    "vanishing" (some layer no longer learns: its gradients are below VANISHING × its weights'
    spread), "exploding" (non-finite, or above EXPLODING × the spread) or "none" (no gradients)."""
    if inspection.gradients is None:
        return "none", _("No gradients apply to this model: it is not trained by gradient descent.")
    spread = {w.name: w.std for w in inspection.weights}
    still, wild = [], []
    for g in inspection.gradients:
        scale = max(spread.get(g.name, 0.0), 1e-12)
        if not np.isfinite(g.std) or g.std > EXPLODING * scale:
            wild.append(g.name)
        elif g.std < VANISHING * scale:
            still.append(g.name)
    n = len(inspection.gradients)
    if wild:
        return "exploding", (_("Gradients are unstable in {wild} of {n} layers ({wild2}): training jumps around; lower "
                               "the learning rate.").format(wild=len(wild), n=n, wild2=', '.join(wild)))
    if still:
        return "vanishing", (_("{still} of {n} layers barely change any more ({still2}): they stopped learning; a "
                               "higher learning rate or less regularisation may help.").format(still=len(still), n=n, still2=', '.join(still)))
    return "healthy", _("Gradients look healthy in all {n} layers: each one still learns, none jumps around.").format(n=n)
