"""Early-stopping fits: validation held out of the fit, refit on everything, all training items
excluded; validation on a fixed user sample every few epochs; the CPU iALS kernels match torch's.
Generated data only (runs without ../shared)."""

import numpy as np
import pytest

from engine.data.interactions import Interactions
from engine.data.splits import carve_validation, without
from engine.evaluate import evaluate
from engine.models import ials as ials_module
from engine.models.bpr import BPR
from engine.models.ials import IALS
from engine.progress import CancelToken
from engine.train.loop import make_validator


@pytest.fixture(scope="module")
def inter():
    """120 users x 60 items in 4 taste groups: each user has 12 random items of their group's 15."""
    rng = np.random.default_rng(0)
    users, items = [], []
    for u in range(120):
        group = u % 4
        for i in rng.choice(15, 12, replace=False):
            users.append(u)
            items.append(group * 15 + int(i))
    return Interactions.from_arrays(np.array(users), np.array(items))


def test_carved_validation_is_a_subset_held_out_pairwise(inter):
    valid = carve_validation(inter, 0.25, seed=1)
    fit_part = without(inter, valid)
    assert valid.n_events == 120 * 3 and fit_part.n_events == inter.n_events - valid.n_events
    assert np.array_equal(fit_part.user_ids, inter.user_ids) and np.array_equal(fit_part.item_ids, inter.item_ids)
    assert (fit_part.seen.multiply(inter.seen) != fit_part.seen).nnz == 0


def test_model_carves_its_own_validation_refits_and_excludes_everything(inter):
    model = IALS(factors=8, epochs=6, patience=0, validate_every=1, device="cpu", seed=0).fit(inter)
    h = model.history_
    assert all("ndcg@10" in r.metrics for r in h.records) and h.refit_epochs == h.best_epoch
    assert (model.seen_ != inter.seen).nnz == 0
    rec, _ = model.recommend(np.arange(inter.n_users), k=10)
    assert not inter.seen[np.arange(inter.n_users)[:, None], rec].toarray().any()
    off = IALS(factors=8, epochs=6, device="cpu", seed=0, valid_frac=0.0).fit(inter)
    assert not any(r.metrics for r in off.history_.records) and off.history_.refit_epochs is None


def test_cancel_during_the_refit_keeps_the_validated_model(inter):
    token = CancelToken()

    def progress(p):
        if p.stage == "refit":
            token.cancel()

    model = BPR(factors=8, epochs=4, patience=0, validate_every=1, device="cpu", lr=0.01).fit(
        inter, progress=progress, cancel=token)
    assert token.cancelled and model.history_.refit_epochs is None and len(model.history_.records) == 4
    assert (model.seen_ != inter.seen).nnz == 0 and np.isfinite(model.score([0])).all()


def test_validation_every_few_epochs_and_always_the_last(inter):
    model = BPR(factors=8, epochs=7, patience=0, validate_every=3, device="cpu", refit=False).fit(inter)
    assert [bool(r.metrics) for r in model.history_.records] == [False, False, True, False, False, True, True]


def test_validator_scores_a_fixed_sample_of_users(inter):
    valid = carve_validation(inter, 0.25, seed=1)
    fit_part = without(inter, valid)
    model = IALS(factors=8, epochs=2, device="cpu", valid_frac=0.0).fit(fit_part)
    sample = make_validator(model, fit_part, valid, max_users=30, seed=3)()
    again = make_validator(model, fit_part, valid, max_users=30, seed=3)()
    everyone = make_validator(model, fit_part, valid, max_users=0)()
    assert sample == again and set(sample) == {"precision@10", "recall@10", "f1@10", "hit@10", "ndcg@10",
                                               "map@10", "mrr@10"}
    assert everyone["ndcg@10"] == pytest.approx(evaluate(model, fit_part, valid).metrics["ndcg@10"])
    assert sample["ndcg@10"] != everyone["ndcg@10"]


def test_cpu_kernels_match_the_torch_half_steps(inter, monkeypatch):
    cpu = IALS(factors=8, epochs=3, device="cpu", valid_frac=0.0, seed=2).fit(inter)
    monkeypatch.setattr(ials_module, "_CpuSteps", ials_module._TorchSteps)
    ref = IALS(factors=8, epochs=3, device="cpu", valid_frac=0.0, seed=2).fit(inter)
    np.testing.assert_allclose(cpu.user_factors_, ref.user_factors_, rtol=1e-3, atol=1e-4)
    np.testing.assert_allclose(cpu.item_factors_, ref.item_factors_, rtol=1e-3, atol=1e-4)
    np.testing.assert_allclose(cpu.history_.losses, ref.history_.losses, rtol=1e-4)
