"""Hyper-parameter search on the validation split with optuna (TPE or random sampler, seeded).

A model class declares ``search_space: ClassVar[dict]``: parameter -> ``("int", low, high)``,
``("float", low, high)``, ``("log", low, high)`` (float, log-uniform) or ``("cat", [choices])``.
``tune`` fits one model per trial on ``train`` minus ``valid``'s user–item pairs (``valid`` is
normally a subset of ``train``, as ``Split.valid``; early stopping uses it too), scores it with
``engine.evaluate.evaluate`` on ``valid`` and keeps the best ``metric``; refitting the best on all
of ``train`` is the caller's (``Recommender.fit(train, valid=valid)``). The budget is
``n_trials`` and/or ``minutes``; ``cancel`` stops after the running trial (which is discarded) and
returns what was found so far.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Any

from engine.errors import Cancelled, ModelError
from engine.progress import CancelToken, Progress, ProgressCallback, scaled

KINDS = ("int", "float", "log", "cat")


@dataclass(frozen=True)
class TrialResult:
    """One trial: its parameters, validation ``metric`` (None when it failed), seconds, state, error."""

    number: int
    params: dict[str, Any]
    value: float | None
    seconds: float
    state: str            # "complete", "failed" or "cancelled"
    error: str = ""


@dataclass(frozen=True)
class TuneResult:
    """best_params: the search-space parameters of the best trial (merge with ``fixed`` to refit)."""

    model: str
    metric: str
    best_params: dict[str, Any]
    best_value: float
    trials: list[TrialResult] = field(default_factory=list)
    stopped: str = "budget"  # "budget" or "cancelled"


def search_space(model_cls) -> dict[str, tuple]:
    """The validated ``search_space`` of a model class (or registry name); ModelError if it has none."""
    if isinstance(model_cls, str):
        from engine.models import registry
        model_cls = registry.get(model_cls)
    space = dict(getattr(model_cls, "search_space", None) or {})
    if not space:
        raise ModelError(f"model {model_cls.name} declares no search space to tune")
    for name, spec in space.items():
        if name not in model_cls.defaults:
            raise ModelError(f"model {model_cls.name}: search space names unknown parameter '{name}'")
        kind = spec[0] if isinstance(spec, tuple) and spec else None
        if kind not in KINDS:
            raise ModelError(f"model {model_cls.name}: parameter '{name}' has search kind {kind!r}; "
                             f"expected one of {', '.join(KINDS)}")
        if kind == "cat":
            if len(spec) != 2 or not list(spec[1]):
                raise ModelError(f"model {model_cls.name}: parameter '{name}' needs ('cat', [choices])")
        elif len(spec) != 3 or not spec[1] < spec[2] or (kind == "log" and spec[1] <= 0):
            raise ModelError(f"model {model_cls.name}: parameter '{name}' needs ({kind!r}, low, high) "
                             "with low < high" + (" and low > 0" if kind == "log" else ""))
    return space


def _suggest(trial, name: str, spec: tuple):
    kind = spec[0]
    if kind == "int":
        return trial.suggest_int(name, int(spec[1]), int(spec[2]))
    if kind == "float":
        return trial.suggest_float(name, float(spec[1]), float(spec[2]))
    if kind == "log":
        return trial.suggest_float(name, float(spec[1]), float(spec[2]), log=True)
    return trial.suggest_categorical(name, list(spec[1]))


def tune(model, train, valid, *, n_trials: int | None = 20, minutes: float | None = None,
         sampler: str = "tpe", seed: int = 0, fixed: dict[str, Any] | None = None,
         space: dict[str, tuple] | None = None, metric: str = "ndcg@10", k: int = 10, catalog=None,
         progress: ProgressCallback | None = None, cancel: CancelToken | None = None) -> TuneResult:
    """Search ``model``'s (class or registry name) parameters; maximises ``metric`` on ``valid``.

    fixed: parameters held constant (e.g. {"device": "cpu", "epochs": 50}); space: overrides the
    class's ``search_space``; catalog: passed to every fit. At least one of ``n_trials`` / ``minutes`` must be given.
    """
    import optuna
    from engine.data.splits import without
    from engine.evaluate import evaluate
    from engine.models import registry

    cls = registry.get(model) if isinstance(model, str) else model
    space = search_space(cls) if space is None else space
    fixed = dict(fixed or {})
    if n_trials is None and minutes is None:
        raise ModelError("tuning needs a budget: give n_trials or minutes")
    if n_trials is not None and n_trials < 1:
        raise ModelError(f"n_trials must be at least 1, got {n_trials}")
    if minutes is not None and not minutes > 0:
        raise ModelError(f"minutes must be positive, got {minutes}")
    if valid is None or valid.n_events == 0:
        raise ModelError("tuning needs a non-empty validation split")
    if sampler not in ("tpe", "random"):
        raise ModelError(f"unknown sampler '{sampler}'; choose tpe or random")
    train = without(train, valid)     # trials never see the validation events
    samp = (optuna.samplers.TPESampler(seed=seed) if sampler == "tpe"
            else optuna.samplers.RandomSampler(seed=seed))
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = optuna.create_study(direction="maximize", sampler=samp)
    trials: list[TrialResult] = []
    started = time.monotonic()
    budget_s = None if minutes is None else minutes * 60.0

    def fraction(done: float) -> float:
        parts = []
        if n_trials is not None:
            parts.append(done / n_trials)
        if budget_s is not None:
            parts.append((time.monotonic() - started) / budget_s)
        return min(1.0, max(parts))

    def objective(trial) -> float:
        params = {name: _suggest(trial, name, spec) for name, spec in space.items()}
        t0 = time.perf_counter()
        n = len(trials)
        sub = scaled(progress, n / n_trials, (n + 1) / n_trials) if n_trials and budget_s is None else None
        try:
            fitted = cls(**{**fixed, **params}).fit(train, catalog=catalog, valid=valid, progress=sub,
                                                    cancel=cancel)
            if cancel is not None and cancel.cancelled:
                raise _Stop()
            value = float(evaluate(fitted, train, valid, ks=(k,), diversity=False, cancel=cancel).metrics[metric])
        except (_Stop, Cancelled):
            trials.append(TrialResult(trial.number, params, None, time.perf_counter() - t0, "cancelled"))
            study.stop()
            raise optuna.TrialPruned() from None
        except ModelError as e:
            trials.append(TrialResult(trial.number, params, None, time.perf_counter() - t0, "failed", str(e)))
            raise optuna.TrialPruned() from None
        if not math.isfinite(value):
            value = float("-inf")
        trials.append(TrialResult(trial.number, params, value, time.perf_counter() - t0, "complete"))
        best = max(t.value for t in trials if t.value is not None)
        if progress is not None:
            progress(Progress(fraction(len(trials)), f"trial {len(trials)}" + (f"/{n_trials}" if n_trials else ""),
                              "tune", {"trial": len(trials), "value": value, "best": best,
                                       **{f"param.{k}": float(v) for k, v in params.items()
                                          if isinstance(v, (int, float))}}))
        return value

    study.optimize(objective, n_trials=n_trials, timeout=budget_s)
    done = [t for t in trials if t.state == "complete"]
    stopped = "cancelled" if any(t.state == "cancelled" for t in trials) else "budget"
    if not done:
        if stopped == "cancelled":
            raise Cancelled()
        raise ModelError(f"every tuning trial failed; first error: {trials[0].error if trials else 'none'}")
    best = max(done, key=lambda t: t.value if t.value is not None else -math.inf)
    return TuneResult(cls.name, metric, dict(best.params), float(best.value or 0.0), trials, stopped)


class _Stop(Exception):
    """Internal: the cancel token was set during a trial."""

