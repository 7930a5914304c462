"""diagnose: verdicts on synthetic curves and on a real short BPR run."""

import numpy as np
import pytest

from engine.data.splits import without
from engine.evaluate import evaluate
from engine.models.bpr import BPR
from engine.diagnostics.curves import VERDICTS, diagnose
from engine.train.loop import EpochRecord, History


def curve(ndcg, loss, best_epoch=None, stopped="max_epochs"):
    return History([EpochRecord(e + 1, l, {} if v is None else {"ndcg@10": v})
                    for e, (v, l) in enumerate(zip(ndcg, loss))], best_epoch, stopped)


FALLING = np.linspace(1.0, 0.3, 12)


@pytest.mark.parametrize("ndcg, loss, verdict, fragment", [
    ([0.10, 0.20, 0.25, 0.24, 0.22, 0.20, 0.18], FALLING[:7], "over-fitting", "from epoch 4"),
    ([0.10, 0.15, 0.19, 0.22, 0.24, 0.26], FALLING[:6], "under-fitting", "still rising"),
    ([0.10, 0.20, 0.24, 0.20, 0.18], [0.5, 0.4, 0.3, 0.6, 0.9], "under-fitting", "unstable"),
    ([0.10, 0.20, 0.250, 0.251, 0.249, 0.250], FALLING[:6], "good fit", "peaked at 0.2510 in epoch 4"),
    ([0.10, 0.20], FALLING[:2], "too short to tell", "only 2 validated epoch(s)"),
    ([None, None, None, None], FALLING[:4], "too short to tell", "no validation curve"),
])
def test_synthetic_curves(ndcg, loss, verdict, fragment):
    d = diagnose(curve(ndcg, loss))
    assert d.verdict == verdict and d.verdict in VERDICTS
    assert fragment in d.sentence and d.sentence.startswith(verdict)
    if verdict == "over-fitting":
        assert d.evidence["best_epoch"] == 3 and d.evidence["relative_drop"] == pytest.approx(0.28)
        assert "validation NDCG falls" in d.sentence and "training loss keeps dropping" in d.sentence


def test_kept_best_epoch_is_judged_not_the_tail():
    """Early stopping kept epoch 3: the falling epochs after it were discarded, so the kept model is a good fit."""
    ndcg, loss = [0.10, 0.20, 0.25, 0.24, 0.22, 0.20], FALLING[:6]
    d = diagnose(curve(ndcg, loss, best_epoch=3, stopped="early_stop"))
    assert d.verdict == "good fit" and d.evidence["kept_epoch"] == 3 and d.evidence["tail"] == "over-fitting"
    assert "kept model is epoch 3" in d.sentence and "training stopped early" in d.sentence
    assert diagnose(curve(ndcg, loss)).verdict == "over-fitting"     # the last epoch kept: it over-fits


def test_real_bpr_run_overfits_with_a_high_learning_rate(ml_split):
    """BPR without regularisation at lr 0.02 peaks in a few epochs, then validation NDCG falls; the run
    keeps the best epoch, so the verdict on the kept model is a good fit that names the over-fitted tail."""
    model = BPR(factors=32, lr=0.02, epochs=12, patience=0, device="cpu", refit=False, validate_every=1).fit(
        ml_split.train, valid=ml_split.valid)
    h = model.history_
    d = diagnose(h)
    assert d.verdict == "good fit" and d.evidence["tail"] == "over-fitting", d.sentence
    assert d.evidence["best_epoch"] == d.evidence["kept_epoch"] == h.best_epoch < 12
    assert h.losses[-1] < h.losses[h.best_epoch - 1]
    # the restored best state is the one that scored best on validation (scored as while validating:
    # the kept model excludes validation items, which are training items, from its rankings)
    fit_part = without(ml_split.train, ml_split.valid)
    model.seen_ = fit_part.seen
    assert evaluate(model, fit_part, ml_split.valid).metrics["ndcg@10"] == pytest.approx(h.metric().max())


def test_real_two_epoch_run_is_too_short(ml_split):
    model = BPR(factors=16, epochs=2, device="cpu").fit(ml_split.train, valid=ml_split.valid)
    assert diagnose(model.history_).verdict == "too short to tell"
