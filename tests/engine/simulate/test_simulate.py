"""Replay estimator and policies (LinUCB included) on synthetic uniform-random logs."""

from __future__ import annotations

import numpy as np
import pytest

from engine.errors import EngineError
from engine.simulate import EpsilonGreedy, FixedPolicy, LinUCB, Thompson, UCB1, parse_policy, replay

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


CONTEXT_MEANS = np.array([[0.6, 0.2, 0.3], [0.2, 0.6, 0.3]])


def contextual_log(n: int, seed: int):
    """Two customer groups with opposite tastes: group 0 buys arm 0 (0.6) over arm 1 (0.2), group 1
    the reverse, arm 2 pays 0.3 to both. Contexts: group one-hot + 3 noise features.
    (arms (n,), rewards (n,), contexts (n, 5)) under uniform-random logging."""
    rng = np.random.default_rng(seed)
    group = rng.integers(2, size=n)
    arms = rng.integers(3, size=n)
    rewards = (rng.random(n) < CONTEXT_MEANS[group, arms]).astype(np.float64)
    return arms, rewards, np.c_[np.eye(2)[group], rng.normal(0.0, 0.3, (n, 3))]


def test_linucb_beats_fixed_arms_and_ucb_when_reward_depends_on_context():
    arms, rewards, contexts = contextual_log(15000, 0)
    lin = replay(LinUCB(contexts, 1.0), arms, rewards, 3, seed=0)
    fixed = [replay(FixedPolicy(a), arms, rewards, 3).mean_reward for a in range(3)]
    ucb = replay(UCB1(1.0), arms, rewards, 3, seed=0)
    assert max(fixed) < 0.45 and ucb.mean_reward < 0.45         # no single arm pays more than 0.4
    assert lin.mean_reward > max(fixed) + 0.1 and lin.mean_reward > ucb.mean_reward + 0.1
    assert lin.ci[0] <= 0.6 <= lin.ci[1] + 0.01                  # it learns each group's best arm
    assert lin.regret[-1] < 0 and lin.caveat is None
    assert 0 < lin.exploration_share < 0.2


def test_linucb_seeded_and_checked():
    arms, rewards, contexts = contextual_log(3000, 1)
    a = replay(LinUCB(contexts, 0.5), arms, rewards, 3, seed=2)
    b = replay(LinUCB(contexts, 0.5), arms, rewards, 3, seed=2)
    assert a.matched == b.matched and np.array_equal(a.cumulative_reward, b.cumulative_reward)
    assert a.exploration_share == b.exploration_share and a.policy == "linucb:0.5"
    with pytest.raises(EngineError):
        LinUCB(contexts, -1.0)
    with pytest.raises(EngineError):
        LinUCB(np.full((3, 2), np.nan))
    # the A_a inverse kept by Sherman-Morrison equals (I + sum x x^T)^-1 over the arm's matched events
    policy = LinUCB(contexts[:50], 1.0)
    policy.reset(3, 0)
    played = []
    for t in range(50):
        arm = policy.select(t)
        policy.update(arm, rewards[t])
        played.append(arm)
    arm = int(np.bincount(played).argmax())
    x = contexts[:50][np.asarray(played) == arm]
    np.testing.assert_allclose(policy.a_inv[arm], np.linalg.inv(np.eye(5) + x.T @ x), atol=1e-10)
    np.testing.assert_allclose(policy.theta[arm], np.linalg.solve(np.eye(5) + x.T @ x,
                                                                   x.T @ rewards[:50][np.asarray(played) == arm]))
