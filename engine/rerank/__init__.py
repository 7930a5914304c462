"""Merchandising controls: rules as data (``rules``), re-rankers applied after any model's
scores (``rerankers``), and the measured effect of a rule set (``evaluate``)."""

from engine.rerank.evaluate import (RerankedModel, RerankResult, RulesEvaluation, evaluate_rules,
                                    exposure_report, rerank_topk, sweep_long_tail)
from engine.rerank.rerankers import RerankBatch, Reranker
from engine.rerank.rules import Rule, RuleSet, load_rules, parse_rules

__all__ = ["Rule", "RuleSet", "parse_rules", "load_rules", "Reranker", "RerankBatch", "RerankedModel",
           "RerankResult", "RulesEvaluation", "rerank_topk", "evaluate_rules", "exposure_report",
           "sweep_long_tail"]
