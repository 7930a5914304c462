"""Seeded K-armed bandit policies. Each keeps per-arm counts/sums (shape (K,)) and draws from
its own ``numpy.random.Generator`` so the same seed gives the same choices. ``LinUCB`` is the
contextual one: it reads a context vector per event."""

from __future__ import annotations

import numpy as np

from engine.errors import ValidationError


class Policy:
    """Base: ``reset(K, seed)``, ``select(t) -> arm``, ``update(arm, reward)``, ``greedy() -> arm``."""

    name = "policy"

    def reset(self, n_arms: int, seed: int | None = 0) -> None:
        if n_arms < 1:
            raise ValidationError("a bandit needs at least one arm")
        self.n_arms = int(n_arms)
        self.rng = np.random.default_rng(seed)
        self.counts = np.zeros(n_arms, np.int64)
        self.sums = np.zeros(n_arms, np.float64)

    def means(self) -> np.ndarray:
        """Empirical mean reward per arm, shape (K,); 0 for unplayed arms."""
        return np.divide(self.sums, self.counts, out=np.zeros(self.n_arms), where=self.counts > 0)

    def greedy(self) -> int:
        """Arm with the highest empirical mean (ties -> lowest index)."""
        return int(np.argmax(self.means()))

    def select(self, t: int) -> int:
        raise NotImplementedError

    def update(self, arm: int, reward: float) -> None:
        self.counts[arm] += 1
        self.sums[arm] += reward


class EpsilonGreedy(Policy):
    """With probability ``eps`` a uniform random arm, else the greedy arm."""

    def __init__(self, eps: float = 0.1):
        if not 0.0 <= eps <= 1.0:
            raise ValidationError(f"epsilon must be in [0, 1], got {eps}")
        self.eps = float(eps)
        self.name = f"egreedy:{eps:g}"

    def select(self, t: int) -> int:
        if self.rng.random() < self.eps:
            return int(self.rng.integers(self.n_arms))
        return self.greedy()


class UCB1(Policy):
    """UCB1 (Auer et al. 2002): unplayed arms first, then argmax mean + alpha*sqrt(2 ln n / n_a)."""

    def __init__(self, alpha: float = 1.0):
        if not alpha >= 0:
            raise ValidationError(f"UCB alpha must be >= 0, got {alpha}")
        self.alpha = float(alpha)
        self.name = f"ucb:{alpha:g}"

    def select(self, t: int) -> int:
        unplayed = np.flatnonzero(self.counts == 0)
        if len(unplayed):
            return int(unplayed[0])
        n = self.counts.sum()
        return int(np.argmax(self.means() + self.alpha * np.sqrt(2.0 * np.log(n) / self.counts)))


class Thompson(Policy):
    """Thompson sampling: Beta(1+s, 1+n-s) posteriors for 0/1 rewards, else Gaussian
    N(mean, 1/(n+1)) posteriors (unit-variance rewards, N(0, 1) prior)."""

    name = "thompson"

    def __init__(self, binary: bool = True):
        self.binary = bool(binary)

    def select(self, t: int) -> int:
        if self.binary:
            draws = self.rng.beta(1.0 + self.sums, 1.0 + self.counts - self.sums)
        else:
            draws = self.rng.normal(self.sums / (self.counts + 1.0), 1.0 / np.sqrt(self.counts + 1.0))
        return int(np.argmax(draws))


class FixedPolicy(Policy):
    """Plays ``arms[t]`` at event t (an int for "always arm X", or an array of shape (n_events,),
    e.g. a model's top-1 arm per event)."""

    def __init__(self, arms, name: str | None = None):
        self.arms = np.asarray(arms, dtype=np.int64)
        self.name = name or (f"fixed:{int(self.arms)}" if self.arms.ndim == 0 else "fixed")

    def choices(self, n_events: int) -> np.ndarray:
        """Chosen arm per event, shape (n_events,)."""
        if self.arms.ndim == 0:
            return np.full(n_events, int(self.arms), np.int64)
        if len(self.arms) != n_events:
            raise ValidationError(f"fixed policy has {len(self.arms)} choices for {n_events} events")
        return self.arms

    def select(self, t: int) -> int:
        return int(self.arms) if self.arms.ndim == 0 else int(self.arms[t])


class LinUCB(Policy):
    """Disjoint LinUCB (Li et al. 2010): per arm a ridge regression of reward on the event's
    context, played by upper confidence bound  x·θ_a + alpha·sqrt(x·A_a⁻¹·x).

    contexts: (n_events, d) float, row t read by ``select(t)``. Per arm it keeps A_a⁻¹ (K, d, d),
    updated by Sherman–Morrison (A_a = I + Σ x xᵀ over the arm's matched events), and b_a = Σ r x
    (K, d). Ties (e.g. before any update) go to a seeded random arm among the best."""

    def __init__(self, contexts, alpha: float = 1.0, name: str | None = None):
        if not alpha >= 0:
            raise ValidationError(f"LinUCB alpha must be >= 0, got {alpha}")
        self.contexts = np.ascontiguousarray(contexts, dtype=np.float64)
        if self.contexts.ndim != 2 or not np.all(np.isfinite(self.contexts)):
            raise ValidationError("LinUCB contexts must be a finite (events, dims) array")
        self.alpha = float(alpha)
        self.name = name or f"linucb:{alpha:g}"

    def reset(self, n_arms: int, seed: int | None = 0) -> None:
        super().reset(n_arms, seed)
        d = self.contexts.shape[1]
        self.a_inv = np.tile(np.eye(d), (n_arms, 1, 1))     # (K, d, d)
        self.b = np.zeros((n_arms, d))                       # (K, d)
        self.theta = np.zeros((n_arms, d))                   # (K, d) = A⁻¹ b
        self._x = np.zeros(d)
        self._pred = np.zeros(n_arms)

    def select(self, t: int) -> int:
        x = self.contexts[t]
        self._x = x
        self._pred = self.theta @ x                                        # (K,)
        width = np.sqrt(np.maximum(np.einsum("kij,i,j->k", self.a_inv, x, x), 0.0))
        ucb = self._pred + self.alpha * width
        best = np.flatnonzero(ucb >= ucb.max() - 1e-12)
        return int(best[0] if len(best) == 1 else self.rng.choice(best))

    def greedy(self) -> int:
        """Arm with the highest predicted reward for the last selected event's context."""
        return int(np.argmax(self._pred))

    def update(self, arm: int, reward: float) -> None:
        super().update(arm, reward)
        x, inv = self._x, self.a_inv[arm]
        ax = inv @ x
        inv -= np.outer(ax, ax) / (1.0 + x @ ax)
        self.b[arm] += reward * x
        self.theta[arm] = inv @ self.b[arm]


def parse_policy(spec: str) -> Policy:
    """``egreedy:0.1`` | ``ucb:1.0`` | ``thompson`` | ``fixed:3`` -> a Policy (the model-based
    ``model:NAME`` and ``linucb:ALPHA@NAME`` are built by ``engine.simulate.basket_log.simulate``)."""
    name, _, arg = spec.strip().lower().partition(":")
    try:
        if name in ("egreedy", "epsilon", "eps"):
            return EpsilonGreedy(float(arg) if arg else 0.1)
        if name in ("ucb", "ucb1"):
            return UCB1(float(arg) if arg else 1.0)
        if name in ("thompson", "ts"):
            return Thompson()
        if name == "fixed" and arg:
            return FixedPolicy(int(arg))
    except ValueError:
        pass
    raise ValidationError(f"unknown policy {spec!r}; use egreedy:EPS, ucb:ALPHA, thompson, fixed:ARM, "
                          "model:MODEL or linucb:ALPHA@MODEL")
