"""Replay estimator and policies on a synthetic uniform-random log; CLI on the retail demo."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from engine.errors import EngineError
from engine.simulate import EpsilonGreedy, FixedPolicy, Thompson, UCB1, parse_policy, replay

REPO = Path(__file__).resolve().parents[3]
MEANS = np.array([0.1, 0.2, 0.3, 0.5, 0.7])


def synthetic_log(n: int, seed: int):
    """Uniform-random logging over Bernoulli arms with means MEANS: (arms (n,), rewards (n,))."""
    rng = np.random.default_rng(seed)
    arms = rng.integers(len(MEANS), size=n)
    return arms, (rng.random(n) < MEANS[arms]).astype(np.float64)


def test_fixed_policy_estimate_covers_true_mean():
    covered = 0
    for seed in range(10):
        arms, rewards = synthetic_log(5000, seed)
        j = seed % len(MEANS)
        res = replay(FixedPolicy(j), arms, rewards, len(MEANS), propensity=np.full(5000, 1 / len(MEANS)))
        covered += res.ci[0] <= MEANS[j] <= res.ci[1]
        assert abs(res.matched - 5000 / len(MEANS)) < 150
        assert res.ips == pytest.approx(MEANS[j], abs=0.08) and res.snips == pytest.approx(res.mean_reward)
        assert res.exploration_share == 0.0
    assert covered >= 8                    # 95 % intervals: 10 of 10 expected, 8 allowed


@pytest.mark.parametrize("make", [lambda: EpsilonGreedy(0.1), lambda: UCB1(1.0), Thompson])
def test_policies_reproducible_with_seed(make):
    arms, rewards = synthetic_log(4000, 1)
    a = replay(make(), arms, rewards, len(MEANS), seed=3)
    b = replay(make(), arms, rewards, len(MEANS), seed=3)
    np.testing.assert_array_equal(a.cumulative_reward, b.cumulative_reward)
    assert a.matched == b.matched
    if not a.policy.startswith("ucb"):     # UCB1 is deterministic
        c = replay(make(), arms, rewards, len(MEANS), seed=4)
        assert c.matched != a.matched or not np.array_equal(c.cumulative_reward, a.cumulative_reward)


def test_ucb_and_thompson_beat_uniform():
    arms, rewards = synthetic_log(20000, 2)
    uniform = replay(EpsilonGreedy(1.0), arms, rewards, len(MEANS), seed=0)
    assert uniform.mean_reward == pytest.approx(MEANS.mean(), abs=0.03)
    for policy in (UCB1(1.0), Thompson()):
        res = replay(policy, arms, rewards, len(MEANS), seed=0)
        assert res.mean_reward > uniform.mean_reward + 0.1
        assert res.cumulative_reward[-1] > uniform.cumulative_reward[-1]
        assert len(res.steps) <= 500 and res.steps[-1] == res.matched
        assert res.regret[-1] < uniform.regret[-1]
        assert res.caveat is None


def test_gaussian_thompson_and_caveat():
    rng = np.random.default_rng(0)
    arms = rng.integers(3, size=600)
    rewards = rng.normal(np.array([0.0, 1.0, 2.0])[arms], 1.0)
    res = replay(Thompson(), arms, rewards, 3, seed=0)
    assert res.arm_counts[2] > res.arm_counts[0]
    assert res.caveat and str(res.matched) in res.caveat


def test_bad_input_raises_engine_error():
    with pytest.raises(EngineError):
        replay(FixedPolicy(0), [0, 5], [1.0, 0.0], 3)
    with pytest.raises(EngineError):
        parse_policy("greedy-ish")
    with pytest.raises(EngineError):
        replay(FixedPolicy(0), [0, 1], [1.0, 0.0], 2, propensity=[0.5, 0.0])


def test_cli_on_demo(capsys):
    from engine.cli import _Parser
    from engine.simulate_cli import add_simulate_command
    parser = _Parser(prog="recscope")
    add_simulate_command(parser.add_subparsers())
    args = parser.parse_args(["simulate", "--data", str(REPO / "resources/demo/online_retail_demo.csv"),
                              "--policy", "thompson", "--arms", "5", "--json"])
    assert args.func(args) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["matched"] > 0 and out["events"] >= out["matched"] and len(out["arms"]) == 5
    assert out["ci"][0] <= out["mean_reward"] <= out["ci"][1]
    with pytest.raises(EngineError):
        bad = parser.parse_args(["simulate", "--data", str(REPO / "missing.csv")])
        bad.func(bad)
