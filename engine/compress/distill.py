"""Distillation: train a smaller student on the teacher's ranked lists plus the data.

- SASRec teacher -> a SASRec student (``dim`` hidden units, ``layers`` blocks) trained on every
  next-item position with (1 - alpha) · cross-entropy on the true next item + alpha · T² ·
  KL(softmax(teacher logits / T) ‖ softmax(student logits / T)) (listwise KL on teacher scores).
- any other teacher -> a matrix-factorisation student (a plain ``bpr`` model with ``dim`` factors
  and item bias) trained per user with (1 - alpha) · multinomial log-likelihood of the user's
  training items + alpha · a ranking-distillation term in the spirit of Tang & Wang (2018): the
  teacher's top-``topn`` unseen items are weighted positives, weight ∝ 1 / log2(rank + 1)
  (summing to 1), scored by the student's softmax over all items. Rank-based, so it does not
  depend on the scale of the teacher's scores.

The student is an ordinary registered model (``sasrec`` / ``bpr``) over the same users and items.
With ``valid`` it early-stops on validation NDCG@10; otherwise it trains ``epochs`` epochs.
"""

from __future__ import annotations

import math

import numpy as np
import torch
from torch import nn

from engine.compress.spec import MethodSpec
from engine.data.interactions import Interactions
from engine.data.splits import without
from engine.models.base import Recommender
from engine.models.bpr import BPR, MFModule
from engine.models.sasrec import SASRec, keep_last, user_sequences
from engine.progress import check, emit, scaled
from engine.machine.device import resolve_device
from engine.train.loop import finish_fit, fit_loop, make_validator
from engine.machine.seed import seed_everything

#: Defaults of the distillation options (``distill:dim=16,alpha=0.5,...``).
ALPHA, TEMPERATURE, TOPN, MF_EPOCHS, MF_LR, USER_BATCH = 0.5, 1.0, 50, 40, 5e-3, 256


def distill(teacher: Recommender, spec: MethodSpec, train: Interactions, *, valid: Interactions | None = None,
            progress=None, cancel=None) -> Recommender:
    """A student of ``teacher`` (fitted on ``train``) by ``spec`` (kind "distill").

    ``valid`` early-stops the student only when its events lie outside ``train``: validation
    events inside ``train`` (``Split.valid``) are items the student learns from and its teacher
    already excludes, so they cannot validate it; the student then trains its epoch count."""
    if valid is not None and without(train, valid).n_events < train.n_events:
        valid = None
    if type(teacher) is SASRec:
        return _distill_sasrec(teacher, spec.options, train, valid, progress, cancel)
    return _distill_mf(teacher, spec.options, train, valid, progress, cancel)


def _sasrec_epochs(teacher: SASRec, opts: dict, valid) -> int:
    """The option; with validation the teacher's epoch limit (early stopping decides); otherwise the
    teacher's best epoch count (all its epochs without validation), 20 when it has no history."""
    if "epochs" in opts:
        return int(opts["epochs"])
    if valid is not None:
        return int(teacher.params["epochs"])
    history = teacher.history_
    if history is not None and history.records:
        return int(history.best_epoch or len(history.records))
    return 20


def _distill_sasrec(teacher: SASRec, opts: dict, train, valid, progress, cancel) -> SASRec:
    p = teacher.params
    dim, layers = int(opts["dim"]), int(opts.get("layers", p["blocks"]))
    heads = p["heads"] if dim % p["heads"] == 0 else 1
    alpha, temp = float(opts.get("alpha", ALPHA)), float(opts.get("temperature", TEMPERATURE))
    epochs = _sasrec_epochs(teacher, opts, valid)
    student = SASRec(**{**p, "hidden": dim, "blocks": layers, "heads": heads, "epochs": epochs,
                        "lr": opts.get("lr", p["lr"]), "seed": opts.get("seed", p["seed"])})
    sp_ = student.params
    device = teacher.network_device()
    seed_everything(sp_["seed"], device)
    student.user_ids_, student.item_ids_, student.seen_ = train.user_ids, train.item_ids, train.seen
    student.max_len_ = sp_["max_len"]
    student.seq_indptr_, student.seq_items_ = keep_last(*user_sequences(train), student.max_len_)
    batches, n_batches = student.training_batches(train, sp_["batch_size"], device)
    student.module_ = student._new_module().to(device)
    tmod = teacher.training_module().to(device).eval()

    def loss_fn(module, batch) -> torch.Tensor:
        logits, target = SASRec.batch_logits(module, batch)
        ce = nn.functional.cross_entropy(logits, target)
        if alpha == 0:
            return ce
        with torch.no_grad():
            t_logits, _ = SASRec.batch_logits(tmod, batch)
        kd = nn.functional.kl_div(torch.log_softmax(logits / temp, -1), torch.log_softmax(t_logits / temp, -1),
                                  reduction="batchmean", log_target=True) * temp * temp
        return (1 - alpha) * ce + alpha * kd

    history = fit_loop(student.module_, batches, loss_fn, epochs=epochs, lr=sp_["lr"],
                       weight_decay=sp_["weight_decay"], device=device,
                       validate=make_validator(student, train, valid), patience=sp_["patience"],
                       progress=progress, cancel=cancel, seed=sp_["seed"], batches_per_epoch=n_batches)
    student.module_.eval()
    finish_fit(student, history, device)
    return student


def teacher_topn(teacher: Recommender, n: int, *, batch: int = 1024, cancel=None) -> np.ndarray:
    """(n_users, n) int64 teacher's top-``n`` unseen items per user, -1 padded."""
    users = np.arange(teacher.n_users)
    out = []
    for s in range(0, len(users), batch):
        check(cancel)
        out.append(teacher.recommend(users[s:s + batch], k=n, batch_size=batch)[0])
    return np.concatenate(out)


def _distill_mf(teacher: Recommender, opts: dict, train, valid, progress, cancel) -> BPR:
    dim = int(opts["dim"])
    alpha = float(opts.get("alpha", ALPHA))
    topn = int(opts.get("topn", TOPN))
    seed = int(opts.get("seed", teacher.params.get("seed", 0) or 0))
    epochs = int(opts.get("epochs", MF_EPOCHS))
    student = BPR(factors=dim, epochs=epochs, lr=float(opts.get("lr", MF_LR)), batch_size=USER_BATCH, seed=seed,
                  device="cpu")
    device = resolve_device(student.params["device"])
    seed_everything(seed, device)
    student.user_ids_, student.item_ids_, student.seen_ = train.user_ids, train.item_ids, train.seen
    emit(progress, 0.0, "ranking the teacher's lists", "distill")
    top = torch.from_numpy(teacher_topn(teacher, topn, cancel=cancel)).to(device)        # (n_users, topn)
    gains = 1.0 / torch.log2(torch.arange(top.shape[1], device=device, dtype=torch.float32) + 2.0)
    weights = torch.where(top >= 0, gains, torch.zeros((), device=device))
    weights = weights / weights.sum(1, keepdim=True).clamp_min(1e-12)
    top = top.clamp_min(0)
    seen = train.seen.astype(np.float32)
    n_users = train.n_users
    module = MFModule(n_users, train.n_items, dim, True, 0.01).to(device)

    def batches(epoch: int, gen: torch.Generator):
        order = torch.randperm(n_users, generator=gen, device=device)
        for s in range(0, n_users, USER_BATCH):
            u = order[s:s + USER_BATCH]
            x = torch.from_numpy(seen[u.cpu().numpy()].toarray()).to(device)
            yield u, x

    def loss_fn(m: MFModule, batch) -> torch.Tensor:
        u, x = batch
        logp = torch.log_softmax(m.user(u) @ m.item.weight.T + m.bias, -1)          # (b, n_items)
        data = -(x * logp).sum(1) / x.sum(1).clamp_min(1.0)
        kd = -(weights[u] * logp.gather(1, top[u])).sum(1)
        return ((1 - alpha) * data + alpha * kd).mean()

    def sync() -> None:
        student.user_factors_ = module.user.weight.detach().float().cpu().numpy().copy()
        student.item_factors_ = module.item.weight.detach().float().cpu().numpy().copy()
        student.item_bias_ = module.bias.detach().float().cpu().numpy().copy()

    history = fit_loop(module, batches, loss_fn, epochs=epochs, lr=student.params["lr"], device=device,
                       validate=make_validator(student, train, valid, before=sync),
                       patience=student.params["patience"], progress=scaled(progress, 0.05, 1.0),
                       cancel=cancel, seed=seed, batches_per_epoch=math.ceil(n_users / USER_BATCH))
    sync()
    finish_fit(student, history, device)
    return student
