"""Training pieces shared by pruning fine-tune and distillation: SASRec next-item windows and the
softmax cross-entropy it is trained with (as ``engine.models.sasrec``, loss "ce")."""

from __future__ import annotations

import math
from typing import Callable

import torch
from torch import nn

from engine.data.interactions import Interactions
from engine.errors import ModelError
from engine.models.sasrec import training_windows, user_sequences


def sasrec_batches(train: Interactions, max_len: int, batch_size: int,
                   device: torch.device) -> tuple[Callable, int]:
    """(make_batches(epoch, generator) for ``fit_loop`` yielding (inputs, targets) (b, max_len)
    int64 tokens, number of batches per epoch)."""
    indptr, items = user_sequences(train)
    inputs_np, targets_np = training_windows(indptr, items, max_len)
    if len(inputs_np) == 0:
        raise ModelError("no user has two or more events, so there is no next item to learn")
    inputs = torch.from_numpy(inputs_np).to(device)
    targets = torch.from_numpy(targets_np).to(device)
    n = len(inputs)

    def batches(epoch: int, gen: torch.Generator):
        order = torch.randperm(n, generator=gen, device=device)
        for start in range(0, n, batch_size):
            idx = order[start:start + batch_size]
            yield inputs[idx], targets[idx]

    return batches, math.ceil(n / batch_size)


def sasrec_logits(module, inputs: torch.Tensor, targets: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """(logits (P, n_items) at the P real positions of ``inputs``, their target items (P,))."""
    real = targets > 0
    h = module.encode(inputs)[real]
    return h @ module.item_weights().T, targets[real] - 1


def sasrec_ce(module, batch) -> torch.Tensor:
    """Mean next-item softmax cross-entropy over the real positions of a (inputs, targets) batch."""
    logits, target = sasrec_logits(module, *batch)
    return nn.functional.cross_entropy(logits, target)
