"""Hand-computed cases for every metric formula and every protocol rule of docs/ARCHITECTURE.md."""

import math

import numpy as np
import pytest

from eval_helpers import FixedScores, frame
from engine.errors import Cancelled, EngineError
from engine.evaluate import evaluate
from engine.evaluate.metrics import accuracy
from engine.progress import CancelToken

L3, L4, L5 = math.log2(3), 2.0, math.log2(5)

# Train: user 1 has {10}; user 2 {11, 12}; user 3 {10, 11, 13}; user 4 {14}. Items 10..14.
TRAIN = [(1, 10), (2, 11), (2, 12), (3, 10), (3, 11), (3, 13), (4, 14)]
#            10   11   12   13   14
SCORES = [[9.0, 5.0, 5.0, 4.0, 1.0],    # user 1: 11 and 12 tie at 5 -> 11 (lower index) first
          [1.0, 2.0, 3.0, 4.0, 5.0],    # user 2: 11, 12 seen -> 14, 13, 10
          [5.0, 4.0, 3.0, 2.0, 1.0],    # user 3
          [1.0, 1.0, 1.0, 1.0, 1.0]]    # user 4
# Test: user 1 -> {12, 14, 99 (unknown to train)}; user 2 -> {11} (seen in train: never hittable);
# user 3 -> nothing (not evaluated); user 7 -> cold (not in train).
TEST = [(1, 12), (1, 14), (1, 99), (1, 12), (2, 11), (7, 10), (7, 11)]


@pytest.fixture
def setup():
    train = frame(TRAIN, ("user", "item"))
    model = FixedScores(SCORES).fit(train)
    return model, train, frame(TEST, ("user", "item"))


def test_evaluated_users_relevant_sets_and_cold_users(setup):
    model, train, test = setup
    res = evaluate(model, train, test, ks=(2, 4))
    assert res.n_users_evaluated == 2 and res.users.tolist() == [0, 1] and res.user_ids.tolist() == [1, 2]
    assert res.n_cold_users == 1
    assert res.n_train_items.tolist() == [1, 2]
    assert res.ks == (2, 4) and not res.sampled and res.n_candidates == 5


def test_every_formula_by_hand(setup):
    model, train, test = setup
    res = evaluate(model, train, test, ks=(4, 2))
    pu = {k: v.tolist() for k, v in res.per_user.items()}
    # user 1, K=2: list [11, 12] (tie -> lower index), hits [0, 1], |rel| = 3 (99 counts).
    p, r = 0.5, 1 / 3
    assert pu["precision@2"][0] == pytest.approx(p)
    assert pu["recall@2"][0] == pytest.approx(r)
    assert pu["f1@2"][0] == pytest.approx(2 * p * r / (p + r))
    assert pu["hit@2"][0] == 1.0
    assert pu["ndcg@2"][0] == pytest.approx((1 / L3) / (1 + 1 / L3))
    assert pu["map@2"][0] == pytest.approx((1 / 2) / 2)
    assert pu["mrr@2"][0] == pytest.approx(0.5)
    # user 1, K=4: list [11, 12, 13, 14], hits [0, 1, 0, 1].
    assert pu["precision@4"][0] == pytest.approx(0.5)
    assert pu["recall@4"][0] == pytest.approx(2 / 3)
    assert pu["ndcg@4"][0] == pytest.approx((1 / L3 + 1 / L5) / (1 + 1 / L3 + 1 / L4))
    assert pu["map@4"][0] == pytest.approx((1 / 2 + 2 / 4) / 3)
    assert pu["mrr@4"][0] == pytest.approx(0.5)
    # user 2: only relevant item is seen in training -> excluded from ranking, all zeros, f1 = 0.
    for key in ("precision", "recall", "f1", "hit", "ndcg", "map", "mrr"):
        assert pu[f"{key}@2"][1] == 0.0 and pu[f"{key}@4"][1] == 0.0
    assert res.metrics["ndcg@2"] == pytest.approx(((1 / L3) / (1 + 1 / L3)) / 2)
    # coverage: K=2 lists [11, 12] and [14, 13] -> 4 of 5 items; K=4 adds 10 (user 2's third).
    assert res.metrics["coverage@2"] == pytest.approx(4 / 5)
    assert res.metrics["coverage@4"] == pytest.approx(5 / 5)
    # popularity (distinct train users): 10:2 11:2 12:1 13:1 14:1 of 4 users; events the same.
    info = {10: 1.0, 11: 1.0, 12: 2.0, 13: 2.0, 14: 2.0}
    assert pu["novelty@2"] == pytest.approx([(info[11] + info[12]) / 2, (info[14] + info[13]) / 2])
    assert pu["arp@2"] == pytest.approx([(2 + 1) / 2, (1 + 1) / 2])
    # diversity from train columns: 11 = {u2, u3}, 12 = {u2} -> cos 1/√2; 14 = {u4}, 13 = {u3} -> cos 0.
    assert pu["diversity@2"] == pytest.approx([1 - 1 / math.sqrt(2), 1.0])


def test_ties_go_to_the_lower_index_and_seen_items_are_never_recommended():
    train = frame([(1, 1), (2, 2), (2, 3)], ("user", "item"))
    model = FixedScores([[7.0, 3.0, 3.0], [1.0, 1.0, 1.0]]).fit(train)
    test = frame([(1, 3), (2, 1)], ("user", "item"))
    res = evaluate(model, train, test, ks=(1, 2))
    # user 1: items 2 and 3 tie -> item 2 first, so item 3 is a hit at rank 2 only.
    assert res.per_user["hit@1"].tolist() == [0.0, 1.0]
    assert res.per_user["mrr@2"].tolist() == [0.5, 1.0]
    # user 2 has one candidate left (item 1): the K=2 list is padded, precision still divides by K.
    assert res.per_user["precision@2"].tolist() == [0.5, 0.5]
    assert res.metrics["coverage@2"] == pytest.approx(1.0)


def test_relevant_min_and_users_filter():
    train = frame([(1, 1, 5), (2, 2, 5), (3, 1, 4), (3, 3, 4)])
    test = frame([(1, 2, 5), (1, 3, 2), (2, 1, 1), (3, 2, 4), (9, 1, 5), (8, 1, 1)])
    model = FixedScores([[0, 1, 2], [0, 1, 2], [0, 1, 2]]).fit(train)
    res = evaluate(model, train, test, ks=(1,), relevant_min=4)
    assert res.user_ids.tolist() == [1, 3]          # user 2's only test rating is below 4
    assert res.n_cold_users == 1                    # user 9 (user 8 has nothing relevant)
    # user 1: top-1 is item 3 (rated 2: not relevant); user 3: only item 2 is left, and relevant.
    assert res.per_user["recall@1"].tolist() == [0.0, 1.0]
    res = evaluate(model, train, test, ks=(1,), users=["3", 9])
    assert res.user_ids.tolist() == [3] and res.n_cold_users == 1


def test_accuracy_on_a_hit_matrix():
    hits = np.array([[1, 0, 1, 0], [0, 0, 0, 0], [0, 0, 0, 1]], dtype=bool)
    m = accuracy(hits, np.array([2, 5, 1]), 4)
    assert m["precision"].tolist() == [0.5, 0.0, 0.25]
    assert m["recall"].tolist() == pytest.approx([1.0, 0.0, 1.0])
    assert m["map"].tolist() == pytest.approx([(1 + 2 / 3) / 2, 0.0, 0.25])
    assert m["ndcg"].tolist() == pytest.approx([(1 + 0.5) / (1 + 1 / L3), 0.0, 1 / L5])
    assert m["mrr"].tolist() == pytest.approx([1.0, 0.0, 0.25])
    assert m["f1"][2] == pytest.approx(2 * 0.25 / 1.25)


def test_item_features_drive_diversity(setup):
    model, train, test = setup
    feats = np.array([[1, 0], [1, 0], [0, 1], [1, 1], [0, 0]], dtype=float)
    res = evaluate(model, train, test, ks=(2,), item_features=feats)
    # user 1: [11, 12] orthogonal -> 1; user 2: [14 (zero vector), 13] -> 1.
    assert res.per_user["diversity@2"].tolist() == pytest.approx([1.0, 1.0])
    with pytest.raises(EngineError, match="item_features has 3 rows"):
        evaluate(model, train, test, ks=(2,), item_features=feats[:3])


def test_sampled_metrics_are_labelled_and_rank_among_negatives(setup):
    model, train, test = setup
    full = evaluate(model, train, test, ks=(2,))
    assert not any(k.startswith("sampled") for k in full.metrics)
    res = evaluate(model, train, test, ks=(2,), sampled_negatives=50)
    assert res.sampled and res.metrics["ndcg@2"] == full.metrics["ndcg@2"]
    # user 1 negatives: 11 (score 5, beats 12 on the tie rule) and 13 (4). 12 -> rank 2, 14 -> rank 3,
    # 99 cannot be ranked -> miss. user 2: its relevant item is seen -> miss.
    assert res.per_user["sampled_hit@2"].tolist() == pytest.approx([1 / 3, 0.0])
    assert res.per_user["sampled_ndcg@2"].tolist() == pytest.approx([(1 / L3) / 3, 0.0])
    assert res.per_user["sampled_auc"].tolist() == pytest.approx([(0.5 + 0.0) / 3, 0.0])


def test_sampled_negatives_do_not_depend_on_batch_size(ratings_split):
    from engine.models.popularity import MostPopular
    train, test = ratings_split
    model = MostPopular().fit(train)
    a = evaluate(model, train, test, ks=(10,), sampled_negatives=20, batch_size=1000, seed=3)
    b = evaluate(model, train, test, ks=(10,), sampled_negatives=20, batch_size=37, seed=3)
    c = evaluate(model, train, test, ks=(10,), sampled_negatives=20, batch_size=37, seed=4)
    assert a.metrics == b.metrics
    assert a.metrics["sampled_hit@10"] != c.metrics["sampled_hit@10"]
    assert a.metrics["sampled_hit@10"] > a.metrics["hit@10"]   # 20 negatives are easier than the catalog
    assert 0.0 < a.metrics["sampled_auc"] < 1.0


def test_progress_cancel_and_bad_cutoffs(setup):
    model, train, test = setup
    seen = []
    evaluate(model, train, test, ks=(2,), batch_size=1, progress=seen.append)
    assert [p.fraction for p in seen] == [0.0, 0.5, 1.0] and all(p.stage == "evaluate" for p in seen)
    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        evaluate(model, train, test, cancel=token)
    for bad in ((0,), (), ("x",)):
        with pytest.raises(EngineError, match="cut-offs"):
            evaluate(model, train, test, ks=bad)


def test_to_dict_is_json_ready(setup):
    import json
    model, train, test = setup
    d = evaluate(model, train, test, ks=(2,)).to_dict()
    assert json.loads(json.dumps(d, allow_nan=False))["metrics"]["coverage@2"] == pytest.approx(0.8)
