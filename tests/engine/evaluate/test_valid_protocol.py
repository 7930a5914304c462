"""With a validation share, the user's validation events are TRAINING events: every path that
carves or uses one (``recscope evaluate --valid-frac``, ``train_run`` on a split with a validation
part, early stopping inside ``fit``) must rank and score exactly as the plain-loop reference does
with all of the user's training data excluded, and the kept model must have seen all of it."""

import numpy as np
import pandas as pd
import pytest

from eval_helpers import cli_evaluate
from reference_protocol import reference_evaluate
from engine.data.interactions import Interactions, index_of
from engine.data.splits import split, without
from engine.runs import train_run

KS = (10,)


def _frame(inter: Interactions) -> pd.DataFrame:
    return inter.to_frame()[["user", "item"]]


def _training_frame(s) -> pd.DataFrame:
    """Every non-test event of the split (train and validation parts, duplicates dropped)."""
    return pd.concat([_frame(s.train), _frame(s.valid)]).drop_duplicates().reset_index(drop=True)


def _close(got: dict, ref: dict, tol: float) -> None:
    expected = {k: v for k, v in ref.items() if "@" in k and not k.startswith("diversity")}
    for key, value in expected.items():
        assert got[key] == pytest.approx(value, rel=tol, abs=tol), key


@pytest.fixture(scope="module")
def ml_split(movielens_like):
    """The generated ratings as implicit pairs, split 80/10/10 per user."""
    df = movielens_like.ratings
    inter = Interactions.from_arrays(df["user"].to_numpy(), df["item"].to_numpy())
    return split(inter, "random", test_frac=0.1, valid_frac=0.1, seed=0)


def test_validation_part_is_inside_train(ml_split, movielens_like):
    s = ml_split
    n = len(movielens_like.ratings)
    assert s.valid.n_events > 0.09 * n
    assert without(s.train, s.valid).n_events == s.train.n_events - s.valid.n_events
    assert s.train.n_events + s.test.n_events == n


def test_cli_evaluate_with_valid_frac_matches_reference_on_all_of_train(ratings_frames, tmp_path):
    """EASE does not stop early: --valid-frac must not take data from it nor leave its users'
    held-out training items in their lists."""
    tr, te = ratings_frames
    out = cli_evaluate(tr, te, tmp_path, "--model", "ease", "--valid-frac", "0.1", "--k", "10")
    _close(out["metrics"], reference_evaluate(tr, te, "ease", ks=KS), 2e-3)


def test_train_run_on_a_split_with_validation_matches_reference(ml_split):
    s = ml_split
    run = train_run("ease", {}, s)
    ref = reference_evaluate(_training_frame(s), _frame(s.test), "ease", ks=KS)
    _close(run.evaluation.metrics, ref, 2e-3)


def test_early_stopped_model_is_refit_and_excludes_validation_items(ml_split):
    s = ml_split
    run = train_run("ials", {"factors": 16, "epochs": 6, "patience": 2, "device": "cpu"}, s)
    model, history = run.model, run.history
    assert history.best_epoch is not None and any(r.metrics for r in history.records)
    assert history.refit_epochs == history.best_epoch
    # the kept model knows every training item (validation included) and never recommends one
    assert (model.seen_ != s.train.seen).nnz == 0
    rec, _ = model.recommend(np.arange(model.n_users), k=10)
    held = s.train.seen[np.arange(model.n_users)[:, None], np.maximum(rec, 0)].toarray()
    assert not held.any()
    # its test metrics are the reference's on the model's own scores with all of train excluded
    item_cols = index_of(s.train.item_ids, model.item_ids_)
    def scores(user, items):
        row = model.score([int(index_of(np.array([user]), model.user_ids_)[0])])[0]
        return row[index_of(np.array(items), model.item_ids_)].tolist()
    assert np.array_equal(item_cols, np.arange(model.n_items))
    ref = reference_evaluate(_training_frame(s), _frame(s.test), "given", ks=KS, scores=scores)
    _close(run.evaluation.metrics, ref, 1e-6)


def test_refit_off_keeps_the_validated_model_but_still_excludes_all_training_items(ml_split):
    s = ml_split
    model_on = train_run("ials", {"factors": 16, "epochs": 4, "patience": 0, "device": "cpu"}, s).model
    model_off = train_run("ials", {"factors": 16, "epochs": 4, "patience": 0, "device": "cpu",
                                   "refit": False}, s).model
    assert model_off.history_.refit_epochs is None and (model_off.seen_ != s.train.seen).nnz == 0
    assert not np.allclose(model_on.user_factors_, model_off.user_factors_)
