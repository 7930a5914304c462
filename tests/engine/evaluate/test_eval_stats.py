"""Group breakdowns, paired significance tests and ROC/AUC."""

import math

import numpy as np
import pytest
from sklearn.metrics import roc_auc_score

from eval_helpers import FixedScores, frame
from engine.errors import EngineError
from engine.evaluate import EvalResult, metrics_by_group, paired_comparison, roc_auc


def result(user_ids, ndcg, n_train=None) -> EvalResult:
    ids = np.asarray(user_ids)
    vals = np.asarray(ndcg, dtype=float)
    return EvalResult(metrics={"ndcg@10": float(vals.mean())}, per_user={"ndcg@10": vals},
                      users=np.arange(len(ids)), user_ids=ids, ks=(10,), n_users_evaluated=len(ids),
                      n_cold_users=0, n_train_items=np.asarray(n_train if n_train is not None else [1] * len(ids)))


def test_groups_by_mapping_and_by_activity():
    res = result([1, 2, 3, 4, 5, 6], [0.1, 0.3, 0.5, 0.7, 0.9, 1.0], n_train=[1, 1, 5, 5, 40, 40])
    df = metrics_by_group(res, {"1": "north", 2: "north", 3: "south", 4: "south", 99: "east"})
    assert df["group"].tolist() == ["north", "south", "(unassigned)"]
    assert df["n_users"].tolist() == [2, 2, 2]
    assert df["ndcg@10"].tolist() == pytest.approx([0.2, 0.6, 0.95])
    act = metrics_by_group(res, "activity", n_buckets=3)
    assert act["group"].tolist() == ["1 item", "5 items", "40 items"]
    assert act["ndcg@10"].tolist() == pytest.approx([0.2, 0.6, 0.95])
    with pytest.raises(EngineError, match="unknown grouping"):
        metrics_by_group(res, "country")


def test_paired_comparison_aligns_users_by_external_id():
    rng = np.random.default_rng(1)
    base = rng.random(400)
    a = result(np.arange(400), base + 0.05)
    order = rng.permutation(400)[:300]                      # B saw a different order and a subset
    b_vals = base[order].copy()
    b_vals[:30] += 0.2                                      # B wins for 30 users
    b = result(order, b_vals)
    c = paired_comparison(a, b, n_boot=500, name_a="EASE", name_b="Pop")
    assert c.n_users == 300 and c.n_differ == 300
    assert c.win_share == pytest.approx(270 / 300)
    expected = (0.05 * 270 - 0.15 * 30) / 300
    assert c.diff == pytest.approx(expected) and c.mean_a - c.mean_b == pytest.approx(expected)
    assert c.ci_low < c.diff < c.ci_high and c.ci_low > 0
    assert c.wilcoxon_p < 1e-6 and c.ttest_p < 1e-6
    assert c.sentence() == ("EASE beats Pop on NDCG@10 in 90 % of customers (of 300 whose scores differ); "
                            "the difference is significant (p<0.001)")
    back = paired_comparison(b, a, n_boot=200, name_a="Pop", name_b="EASE")
    assert back.win_share == pytest.approx(30 / 300) and back.sentence().startswith("EASE beats Pop")


def test_paired_comparison_of_equal_or_noisy_models():
    a = result([1, 2, 3, 4], [0.5, 0.2, 0.0, 1.0])
    same = paired_comparison(a, a)
    assert same.wilcoxon_p == 1.0 and same.diff == 0.0 and math.isnan(same.win_share)
    assert "score the same NDCG@10 for all 4 customers" in same.sentence()
    rng = np.random.default_rng(2)
    x, y = rng.random(60), rng.random(60)
    noisy = paired_comparison(result(range(60), x), result(range(60), y), n_boot=300)
    assert noisy.wilcoxon_p > 0.05 and "not significant" in noisy.sentence()
    assert noisy.ci_low < 0 < noisy.ci_high
    with pytest.raises(EngineError, match="no per-user metric 'map@5'"):
        paired_comparison(a, a, metric="map@5")


def test_roc_auc_per_user_and_pooled():
    train = frame([(1, 1, 3), (2, 2, 3), (1, 5, 3), (2, 5, 3)])
    #            items 1    2    5
    model = FixedScores([[0.9, 0.1, 0.5], [0.3, 0.3, 0.8]]).fit(train)
    test = frame([(1, 1, 5), (1, 2, 1), (1, 5, 4), (2, 1, 2), (2, 2, 4), (2, 5, 1), (2, 9, 5), (3, 1, 5)])
    r = roc_auc(model, train, test, threshold=4)
    # user 1: positives 1 (0.9), 5 (0.5) vs negative 2 (0.1) -> AUC 1.
    # user 2: positive 2 (0.3) vs negatives 1 (0.3, tie = 1/2) and 5 (0.8) -> AUC 0.25.
    # item 9 (unknown) and user 3 (cold) cannot be scored.
    assert r.auc == pytest.approx((1.0 + 0.25) / 2) and r.n_users == 2
    assert (r.n_pos, r.n_neg) == (3, 3)
    labels, scores = [1, 0, 1, 0, 1, 0], [0.9, 0.1, 0.5, 0.3, 0.3, 0.8]
    assert r.pooled_auc == pytest.approx(roc_auc_score(labels, scores))
    assert r.fpr[0] == 0.0 and r.tpr[-1] == 1.0 and len(r.fpr) == len(r.tpr)
    with pytest.raises(EngineError, match="both sides of the threshold"):
        roc_auc(model, train, test, threshold=10)
