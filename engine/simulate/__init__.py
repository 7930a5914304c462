"""Exploration simulator: bandit policies evaluated offline on logged (arm, reward) events."""

from engine.simulate.policies import EpsilonGreedy, FixedPolicy, Policy, Thompson, UCB1, parse_policy
from engine.simulate.replay import ReplayResult, ips_estimates, replay

__all__ = ["EpsilonGreedy", "FixedPolicy", "Policy", "ReplayResult", "Thompson", "UCB1", "ips_estimates",
           "parse_policy", "replay"]
