"""fit_loop: early stopping, best-state restore, cancel, progress, errors, reproducibility."""

import math

import pytest
import torch
from torch import nn

from engine.errors import Cancelled, ModelError
from engine.progress import CancelToken
from engine.train.loop import EpochRecord, History, fit_loop

X = torch.randn(64, 3, generator=torch.Generator().manual_seed(0))
Y = X @ torch.tensor([1.0, -2.0, 3.0])


class Linear(nn.Module):
    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(torch.zeros(3))


def batches(epoch, gen):
    order = torch.randperm(64, generator=gen)
    return [(X[order[s:s + 16]], Y[order[s:s + 16]]) for s in range(0, 64, 16)]


def mse(module, batch):
    x, y = batch
    return ((x @ module.w - y) ** 2).mean()


class Scripted:
    """validate() returning scripted NDCG values and remembering the weights it saw."""

    def __init__(self, module, values):
        self.module, self.values, self.seen = module, list(values), []

    def __call__(self):
        self.seen.append(self.module.w.detach().clone())
        return {"ndcg@10": self.values[len(self.seen) - 1], "recall@10": 0.5}


def test_early_stop_restores_the_best_epoch():
    m = Linear()
    val = Scripted(m, [0.1, 0.3, 0.2, 0.25, 0.29, 0.9, 0.9])
    h = fit_loop(m, batches, mse, epochs=7, lr=0.05, device="cpu", validate=val, patience=3)
    assert h.stopped == "early_stop" and h.best_epoch == 2 and len(h.records) == 5
    assert torch.equal(m.w.detach(), val.seen[1])            # weights of epoch 2, not epoch 5
    assert h.best_metrics == {"ndcg@10": 0.3, "recall@10": 0.5}
    assert list(h.epochs) == [1, 2, 3, 4, 5] and h.losses[-1] < h.losses[0]


def test_max_epochs_still_restores_best_and_patience_zero_never_stops():
    m = Linear()
    val = Scripted(m, [0.1, 0.5, 0.4, 0.3, 0.2, 0.1])
    h = fit_loop(m, batches, mse, epochs=6, lr=0.05, device="cpu", validate=val, patience=0)
    assert h.stopped == "max_epochs" and len(h.records) == 6 and h.best_epoch == 2
    assert torch.equal(m.w.detach(), val.seen[1])


def test_cancel_mid_training_restores_best_state():
    m, token, calls = Linear(), CancelToken(), []

    def loss(module, batch):
        calls.append(1)
        if len(calls) == 10:                                   # epoch 3, 2nd batch
            token.cancel()
        return mse(module, batch)

    val = Scripted(m, [0.2, 0.1, 0.3])
    h = fit_loop(m, batches, loss, epochs=5, lr=0.05, device="cpu", validate=val, cancel=token)
    assert h.stopped == "cancelled" and len(h.records) == 2 and h.best_epoch == 1
    assert torch.equal(m.w.detach(), val.seen[0])


def test_cancel_before_any_validation_keeps_current_weights():
    m, token, calls = Linear(), CancelToken(), []

    def loss(module, batch):
        calls.append(1)
        if len(calls) == 2:
            token.cancel()
        return mse(module, batch)

    h = fit_loop(m, batches, loss, epochs=3, lr=0.05, device="cpu", cancel=token)
    assert h.stopped == "cancelled" and h.records == [] and h.best_epoch is None
    assert m.w.abs().sum() > 0                                  # two Adam steps were kept


def test_token_set_before_start_raises_cancelled():
    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        fit_loop(Linear(), batches, mse, epochs=2, lr=0.05, device="cpu", cancel=token)


def test_progress_reports_epochs_loss_and_validation_metrics():
    m, reports = Linear(), []
    val = Scripted(m, [0.1, 0.2, 0.3])
    fit_loop(m, batches, mse, epochs=3, lr=0.05, device="cpu", validate=val, progress=reports.append)
    epoch_reports = [p for p in reports if "loss" in p.metrics]
    assert [p.metrics["epoch"] for p in epoch_reports] == [1, 2, 3]
    assert all({"epoch", "loss", "ndcg@10", "recall@10", "seconds"} <= set(p.metrics) for p in epoch_reports)
    fractions = [p.fraction for p in reports]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    assert all(p.stage == "train" and p.message.startswith("epoch ") for p in reports)


def test_same_seed_same_weights_other_seed_differs():
    def run(seed):
        torch.manual_seed(0)
        m = Linear()
        fit_loop(m, batches, mse, epochs=2, lr=0.05, device="cpu", seed=seed)
        return m.w.detach()
    assert torch.equal(run(1), run(1))
    assert not torch.equal(run(1), run(2))


def test_sparse_embeddings_train_with_sparse_adam():
    emb = nn.Embedding(10, 2, sparse=True)
    before = emb.weight.detach().clone()
    idx = torch.arange(10)
    fit_loop(emb, lambda e, g: [(idx,)], lambda mod, b: mod(b[0]).pow(2).sum(), epochs=2, lr=0.1,
             device="cpu", weight_decay=0.01)
    assert emb.weight.detach().abs().sum() < before.abs().sum()


@pytest.mark.parametrize("kwargs, match", [
    (dict(epochs=0, lr=0.1), "epochs must be at least 1"),
    (dict(epochs=1, lr=0.0), "learning rate must be positive"),
    (dict(epochs=1, lr=0.1, optimizer="lbfgs"), "unknown optimizer"),
])
def test_bad_arguments_are_model_errors(kwargs, match):
    with pytest.raises(ModelError, match=match):
        fit_loop(Linear(), batches, mse, device="cpu", **kwargs)


def test_diverging_loss_and_bad_validation_are_model_errors():
    with pytest.raises(ModelError, match="diverged at epoch 1"):
        fit_loop(Linear(), batches, lambda m, b: mse(m, b) * math.inf, epochs=2, lr=0.1, device="cpu")
    with pytest.raises(ModelError, match="lacks 'ndcg@10'"):
        fit_loop(Linear(), batches, mse, epochs=2, lr=0.1, device="cpu", validate=lambda: {"hit@10": 1.0})
    with pytest.raises(ModelError, match="no batches"):
        fit_loop(Linear(), lambda e, g: [], mse, epochs=2, lr=0.1, device="cpu")


def test_history_round_trips_through_a_dict():
    h = History([EpochRecord(1, 0.5, {"ndcg@10": 0.1}, 1.0), EpochRecord(2, 0.4, {"ndcg@10": 0.2}, 1.1)],
                best_epoch=2, stopped="early_stop", device="cpu")
    back = History.from_dict(h.to_dict())
    assert back == h
    with pytest.raises(ModelError, match="history is malformed"):
        History.from_dict({"records": [{"epoch": "x"}]})
    with pytest.raises(ModelError, match="history is malformed"):
        History.from_dict({"records": [], "stopped": "exploded"})
