"""A run: one fitted model with its split, metrics and curves — what the app lists, compares and stores.

``train_run`` is the one call the Train pane (and the project store) use: fit a model from the
registry on a split's train part (early-stopping on the split's valid part when it has one),
evaluate it on the test part by the protocol of docs/ARCHITECTURE.md, diagnose its curves, return a ``Run``.
"""

from __future__ import annotations

import platform
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

import numpy as np

from engine.data.splits import Split
from engine.errors import Cancelled
from engine.progress import CancelToken, ProgressCallback, check, scaled

#: Cut-offs every run is evaluated at (the Leaderboard chooses among them).
RUN_KS = (5, 10, 20)


def versions() -> dict[str, str]:
    """Library versions recorded with every run (reproducibility)."""
    import numpy
    import sklearn
    import torch
    from engine import __version__
    return {"recscope": __version__, "python": platform.python_version(), "numpy": numpy.__version__,
            "torch": torch.__version__, "scikit-learn": sklearn.__version__}


@dataclass
class Run:
    """id: unique str; name: display name ("ease #2"); model: the fitted ``Recommender``;
    evaluation: ``EvalResult`` on ``split.test`` at ``RUN_KS`` (None when not evaluated);
    history: training ``History`` for torch models, else None; diagnosis: ``Diagnosis`` or None;
    kind: "trained" | "tuned" | "compressed"; parent: id of the run this one derives from;
    info: free JSON-able facts (compression report, tuning trials, fit_seconds, device, seed)."""

    id: str
    name: str
    model: Any
    evaluation: Any = None
    history: Any = None
    diagnosis: Any = None
    kind: str = "trained"
    parent: str | None = None
    created: str = field(default_factory=lambda: datetime.now(timezone.utc).isoformat(timespec="seconds"))
    info: dict = field(default_factory=dict)

    @property
    def model_name(self) -> str:
        return self.model.name

    @property
    def params(self) -> dict:
        return self.model.get_params()

    @property
    def metrics(self) -> dict[str, float]:
        return {} if self.evaluation is None else dict(self.evaluation.metrics)

    @property
    def test_sets(self) -> list[str]:
        """Names of the further test sets this run's one fitted model was evaluated on (``add_test_sets``)."""
        return list(self.info.get("tests", {}))

    def metrics_of(self, test: str | None = None) -> dict[str, float]:
        """Metrics on the split's test part (``test`` None) or on the further test set ``test`` ({} if absent)."""
        if test is None:
            return self.metrics
        return dict(self.info.get("tests", {}).get(test, {}).get("metrics", {}))


def add_test_sets(run: Run, train, tests: dict, ks: tuple[int, ...] = RUN_KS, *,
                  progress: ProgressCallback | None = None, cancel: CancelToken | None = None) -> Run:
    """Evaluate ``run``'s fitted model (fitted on ``train``) on each of ``tests`` ({name: Interactions},
    e.g. "never-sold items" and "the rest") and keep the metrics in ``run.info["tests"][name]["metrics"]``,
    so cold and warm results come from the same fitted model (the Leaderboard shows each group)."""
    from engine.evaluate import evaluate
    found = dict(run.info.get("tests", {}))
    for j, (name, test) in enumerate(tests.items()):
        check(cancel)
        r = evaluate(run.model, train, test, ks, progress=scaled(progress, j / len(tests), (j + 1) / len(tests)),
                     cancel=cancel)
        found[str(name)] = {"metrics": {k: float(v) for k, v in r.metrics.items()},
                            "users_evaluated": int(r.n_users_evaluated)}
    run.info["tests"] = found
    return run


def new_run_id() -> str:
    return uuid.uuid4().hex[:12]


def train_run(model_name: str, params: dict, split: Split, *, catalog=None, name: str | None = None,
              ks: tuple[int, ...] = RUN_KS, progress: ProgressCallback | None = None,
              cancel: CancelToken | None = None) -> Run:
    """Fit ``model_name`` with ``params`` on ``split.train`` (validating on ``split.valid``), evaluate
    on ``split.test``. Progress: 0–0.85 fitting, 0.85–1 evaluating. A cancel during fitting keeps the
    best model so far (torch models) and still evaluates it; a cancel before fitting or during
    evaluation raises ``Cancelled``."""
    from engine.evaluate import evaluate
    from engine.models import registry
    from engine.diagnostics.curves import diagnose

    check(cancel)
    model = registry.create(model_name, **params)
    t0 = time.perf_counter()
    model.fit(split.train, catalog=catalog, valid=split.valid, progress=scaled(progress, 0.0, 0.85),
              cancel=cancel)
    fit_seconds = time.perf_counter() - t0
    history = getattr(model, "history_", None)
    cancelled = cancel is not None and cancel.cancelled
    if cancelled and history is None:
        raise Cancelled("training cancelled")
    # a cancelled torch fit kept its best weights: evaluate them (a second cancel is not possible)
    evaluation = evaluate(model, split.train, split.test, ks, progress=scaled(progress, 0.85, 1.0),
                          cancel=None if cancelled else cancel)
    info = {"fit_seconds": round(fit_seconds, 3), "device": str(getattr(model, "device_", "cpu")),
            "seed": model.params.get("seed"), "cancelled": cancelled, "split": {"method": split.method, "seed": split.seed},
            "versions": versions()}
    diagnosis = diagnose(history) if history is not None and len(history.records) else None
    return Run(id=new_run_id(), name=name or model_name, model=model, evaluation=evaluation,
               history=history, diagnosis=diagnosis, info=info)


def metric_table(runs: list[Run], k: int = 10) -> tuple[list[str], np.ndarray]:
    """(metric names at ``k``, (n_runs, n_metrics) float64 matrix, NaN where missing)."""
    names = sorted({m for r in runs for m in r.metrics if m.endswith(f"@{k}")})
    table = np.array([[r.metrics.get(m, np.nan) for m in names] for r in runs], dtype=np.float64)
    return names, table.reshape(len(runs), len(names))
