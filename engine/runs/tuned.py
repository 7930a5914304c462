"""Hyper-parameter search that ends in a run: ``tune`` on the split's validation part, then
``train_run`` with the best parameters, returned as a ``Run`` of kind "tuned".

Progress: 0–0.8 searching (reports of stage "tune" carry {"trial", "value", "best",
"param.<name>"} as each trial finishes), 0.8–1 the final fit and evaluation.
"""

from __future__ import annotations

from engine.data.splits import Split
from engine.errors import ModelError
from engine.progress import CancelToken, ProgressCallback, check, scaled


def tune_run(model_name: str, params: dict, split: Split, *, n_trials: int | None = 20,
             minutes: float | None = None, metric: str = "ndcg@10", seed: int = 0, catalog=None,
             name: str | None = None, progress: ProgressCallback | None = None,
             cancel: CancelToken | None = None):
    """Search ``model_name``'s search space (other parameters fixed at ``params``), refit the best.

    A cancel during the search keeps the best trial found so far and still refits it; with no
    finished trial it raises ``Cancelled``. ``Run.info["tuning"]`` holds the metric, best value,
    stop reason and every trial (number, params, value, seconds, state).
    """
    from engine.runs import train_run
    from engine.runs.tune import search_space, tune

    if split.valid is None or split.valid.n_events == 0:
        raise ModelError("hyper-parameter search needs a validation part: set a validation share "
                         "above 0 % in the split and apply it again")
    space = search_space(model_name)
    fixed = {k: v for k, v in params.items() if k not in space}
    k = int(metric.partition("@")[2] or 10)
    result = tune(model_name, split.train, split.valid, n_trials=n_trials, minutes=minutes, seed=seed,
                  fixed=fixed, metric=metric, k=k, catalog=catalog, progress=scaled(progress, 0.0, 0.8),
                  cancel=cancel)
    stopped_early = result.stopped == "cancelled"   # the refit below then runs to its end
    if not stopped_early:
        check(cancel)
    best = {**fixed, **result.best_params}
    run = train_run(model_name, best, split, catalog=catalog, name=name or f"{model_name} tuned",
                    progress=scaled(progress, 0.8, 1.0), cancel=None if stopped_early else cancel)
    run.kind = "tuned"
    run.info["tuning"] = {"metric": result.metric, "best_value": result.best_value, "stopped": result.stopped,
                          "best_params": result.best_params,
                          "trials": [{"number": t.number, "params": t.params, "value": t.value,
                                      "seconds": round(t.seconds, 3), "state": t.state, "error": t.error}
                                     for t in result.trials]}
    return run
