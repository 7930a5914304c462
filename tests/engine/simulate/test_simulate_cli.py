"""`recscope simulate` on the retail demo with bandit, model:DIR and linucb:ALPHA@DIR policies, and
LinUCB's contexts from a real model's user vectors (cold customers get the bias only)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from engine.cli import main
from engine.cli.common import load_dataset
from engine.data.interactions import Interactions, index_of
from engine.errors import EngineError
from engine.models.base import Recommender
from engine.simulate.basket_log import basket_log, simulate, split_spec, user_contexts

REPO = Path(__file__).resolve().parents[3]
DEMO = REPO / "resources" / "demo" / "online_retail_demo.csv"


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory):
    """iALS trained with `recscope train` on the demo, saved to a folder."""
    out = tmp_path_factory.mktemp("simulate") / "ials"
    assert main(["train", "--train", str(DEMO), "--model", "ials", "--param", "epochs=2",
                 "--param", "factors=16", "--out", str(out)]) == 0
    return out


def test_cli_policies_on_demo(model_dir, capsys):
    specs = ["egreedy:0.2", "ucb:1.0", "thompson", f"model:{model_dir}", f"linucb:0.5@{model_dir}"]
    argv = ["simulate", "--data", str(DEMO), "--arms", "6", "--seed", "4", "--json"]
    assert main(argv + [a for s in specs for a in ("--policy", s)]) == 0
    out = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert set(out) >= {"arms", "arm_source", "decision_points", "baskets", "results"}
    assert len(out["arms"]) == 6 and out["arm_source"] == "first word of the item title"
    assert [r["policy"] for r in out["results"]] == ["egreedy:0.2", "ucb:1", "thompson", f"model:{model_dir}",
                                                      f"linucb:0.5@{model_dir}"]
    # the same numbers as the engine path the Simulate pane uses
    ds = load_dataset(str(DEMO))
    log = basket_log(ds.interactions, ds.catalog, arms="category", n_arms=6, seed=4)
    model = Recommender.load(model_dir)
    expected = simulate(log, specs, {str(model_dir): model}, seed=4)
    assert out["decision_points"] == log.n_events and out["baskets"] == log.baskets
    for got, exp in zip(out["results"], expected):
        assert got["matched"] == exp.matched > 0 and got["events"] == log.n_events
        assert got["mean_reward"] == pytest.approx(exp.mean_reward)
        assert got["ci"][0] <= got["mean_reward"] <= got["ci"][1]
        assert got["cumulative_reward"] == pytest.approx(exp.cumulative_reward.tolist())
    model_res, lin = out["results"][3], out["results"][4]
    assert model_res["cold_events"] == 0 and model_res["exploration_share"] == 0.0 and model_res["ips"] is not None
    assert lin["cold_events"] == 0 and lin["context_dims"] == 17 and 0 < lin["context_variance"] <= 1
    assert 0 < lin["exploration_share"] < 1

    assert main(argv[:-1] + ["--policy", f"linucb:0.5@{model_dir}"]) == 0
    text = capsys.readouterr().out
    for fragment in ("decision points", f"linucb:0.5@{model_dir}: ", "mean reward", "95% CI", "exploration",
                     "final regret", "cold events", "principal components", "caveat:"):
        assert fragment in text


@pytest.mark.parametrize("policy, fragment", [
    ("model:{missing}", "not a saved model"),
    ("linucb:1.0@{missing}", "not a saved model"),
    ("linucb:fast@{model}", "use linucb:ALPHA@MODEL"),
    ("greedy-ish", "unknown policy 'greedy-ish'"),
    ("model:", "name the model"),
])
def test_cli_bad_policy_exits_2_with_one_line(model_dir, tmp_path, capsys, policy, fragment):
    spec = policy.format(missing=tmp_path / "nothing-here", model=model_dir)
    assert main(["simulate", "--data", str(DEMO), "--policy", spec]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and fragment in err[0] and "Traceback" not in err[0]


def test_cli_data_without_timestamps_or_file(tmp_path, capsys):
    flat = tmp_path / "pairs.csv"
    flat.write_text("user,item\n" + "".join(f"{u},{i}\n" for u in range(30) for i in range(u % 5, u % 5 + 4)))
    assert main(["simulate", "--data", str(flat), "--arm-kind", "item", "--policy", "thompson"]) == 2
    assert main(["simulate", "--data", str(tmp_path / "missing.csv")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 2 and "needs timestamps" in err[0] and "no such file" in err[1]


def test_linucb_contexts_cold_customers_get_bias_only():
    from engine.models.ials import IALS
    ds = load_dataset(str(DEMO))
    inter = ds.interactions
    users, items = inter.user_ids[inter.user_idx], inter.item_ids[inter.item_idx]
    keep = np.isin(users, inter.user_ids[::2])                        # the model sees every other customer
    model = IALS(**IALS.fast_params).fit(Interactions.from_arrays(users[keep], items[keep], inter.values[keep]))
    log = basket_log(inter, ds.catalog, n_arms=5, seed=1)
    contexts, cold, kept = user_contexts(model, log, dims=8)
    unseen = index_of(log.user_ids[log.users], model.user_ids_) < 0
    assert cold == unseen.sum() > 0 and contexts.shape == (log.n_events, 9) and 0 < kept <= 1
    assert np.all(contexts[unseen, :-1] == 0) and np.all(contexts[:, -1] == 1)
    seen_rows = contexts[~unseen, :-1]
    assert np.sqrt(np.mean(np.sum(seen_rows ** 2, axis=1))) == pytest.approx(1.0, rel=0.2)
    res = simulate(log, ["linucb:1@m", "linucb:1@m"], {"m": model}, seed=5)
    assert res[0].extra["cold_events"] == cold and res[0].matched == res[1].matched
    np.testing.assert_array_equal(res[0].cumulative_reward, res[1].cumulative_reward)
    from engine.models.itemknn import ItemKNN
    knn = ItemKNN().fit(inter)
    with pytest.raises(EngineError, match="needs user vectors"):
        simulate(log, ["linucb:1@knn"], {"knn": knn})
    with pytest.raises(EngineError, match="no model named"):
        simulate(log, ["linucb:1@other"], {"m": model})
    assert split_spec("linucb@C:/models/m") == ("linucb:1", "C:/models/m")
    assert split_spec("ucb:2") == ("ucb:2", None)
