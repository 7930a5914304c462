"""Runs: a fitted model with its split, metrics and curves (``run``), hyper-parameter search
(``tune``, ``param_space``) and a tuned run (``tuned``). Sits above models, training and evaluation.

``from engine.runs import Run, train_run, add_test_sets, metric_table, RUN_KS, new_run_id, versions``.
"""

from engine.runs.run import RUN_KS, Run, add_test_sets, metric_table, new_run_id, train_run, versions

__all__ = ["RUN_KS", "Run", "add_test_sets", "metric_table", "new_run_id", "train_run", "versions"]
