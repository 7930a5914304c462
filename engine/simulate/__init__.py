"""Exploration simulator: bandit policies evaluated offline on logged (arm, reward) events."""

from engine.simulate.policies import EpsilonGreedy, FixedPolicy, LinUCB, Policy, Thompson, UCB1, parse_policy
from engine.simulate.replay import ReplayResult, ips_estimates, replay

__all__ = ["EpsilonGreedy", "FixedPolicy", "LinUCB", "Policy", "ReplayResult", "Thompson", "UCB1", "ips_estimates",
           "parse_policy", "replay"]
