"""Evaluation: the protocol of docs/ARCHITECTURE.md (``evaluate``), per-group breakdowns, paired significance
tests and ROC/AUC for explicit ratings."""

from engine.evaluate.groups import metrics_by_group
from engine.evaluate.protocol import EvalResult, evaluate
from engine.evaluate.roc import RocResult, roc_auc
from engine.evaluate.significance import Comparison, paired_comparison

__all__ = ["evaluate", "EvalResult", "metrics_by_group", "paired_comparison", "Comparison", "roc_auc",
           "RocResult"]
