"""``compress``, ``sweep`` and ``methods_for``: the calls the Compress pane, the CLI and the
self-test use."""

from __future__ import annotations

import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from engine.compress.distill import distill
from engine.compress.language import LMCompressed
from engine.compress.models import COMPRESSED
from engine.compress.report import (CompressReport, Measurement, count_parameters, embedding_bytes, folder_bytes,
                                    relative_change, scoring_latency, scoring_memory, timed_users)
from engine.compress.spec import MethodSpec, parse_method
from engine.data.interactions import Interactions
from engine.errors import EngineError
from engine.models.base import Recommender
from engine.progress import CancelToken, ProgressCallback, check, emit, scaled

#: Latency repeats per model (the median counts).
REPEATS = 5


@dataclass(frozen=True)
class CompressResult:
    """model: the compressed Recommender; report: its ``CompressReport``; evaluation: the
    compressed model's ``EvalResult`` on the test split (None without one)."""

    model: Recommender
    report: CompressReport
    evaluation: object = None


def target_for(model: Recommender):
    """The compressed class that the non-distillation methods of ``model`` produce, or None: the
    first of ``LMCompressed`` and ``COMPRESSED`` that ``applies_to`` it (by its capabilities and form)."""
    return next((cls for cls in (LMCompressed,) + COMPRESSED if cls.applies_to(model)), None)


def kinds_for(model: Recommender) -> tuple[str, ...]:
    """Method kinds that apply to ``model`` (empty for models that cannot be compressed further)."""
    target = target_for(model)
    return () if target is None else target.kinds + ("distill",)


def methods_for(model: Recommender) -> list[str]:
    """A default sweep for ``model``: one or more method specs of every kind that applies ([] for
    none)."""
    target = target_for(model)
    return [] if target is None else target.default_sweep(model)


def _check_method(model: Recommender, spec: MethodSpec, text: str) -> None:
    target = target_for(model)
    if target is None:
        raise EngineError(f"model {getattr(model, 'name', '?')} cannot be compressed; compress a model with "
                          "item–item weights, factor tables or a sequence network")
    choices = f"; choose one of: {', '.join(methods_for(model))}"
    if spec.kind not in kinds_for(model):
        raise EngineError(f"method {text!r} does not apply to model {model.name}{choices}")
    problem = target.check_spec(model, spec)
    if problem:
        raise EngineError(f"method {text!r}: {problem}{choices}")


def _check_data(model: Recommender, train: Interactions) -> None:
    if getattr(model, "item_ids_", None) is None:
        raise EngineError(f"model {getattr(model, 'name', '?')} is not fitted yet")
    if (train.n_users, train.n_items) != (model.n_users, model.n_items) or not (
            np.array_equal(train.item_ids, model.item_ids_) and np.array_equal(train.user_ids, model.user_ids_)):
        raise EngineError(f"the training data ({train.n_users} users x {train.n_items} items) is not the data "
                          f"model {model.name} was fitted on ({model.n_users} x {model.n_items}); "
                          "pass the same training split")


def apply_method(model: Recommender, spec: MethodSpec, train: Interactions, *, valid=None,
                 progress: ProgressCallback | None = None, cancel: CancelToken | None = None) -> Recommender:
    """The compressed (or distilled) model of fitted ``model``; no measuring."""
    check(cancel)
    if spec.kind == "distill":
        return distill(model, spec, train, valid=valid, progress=progress, cancel=cancel)
    return target_for(model).from_teacher(model, spec, train=train, progress=progress, cancel=cancel)


def _measure(model: Recommender, directory: Path, train, test, ks, cancel) -> Measurement:
    """Save ``model`` into ``directory`` and measure its static facts (and metrics when ``test``)."""
    from engine.evaluate import evaluate
    model.save(directory)
    size = folder_bytes(directory) + model.runtime_bytes()
    memory, method = scoring_memory(directory, timed_users(model), max(ks))
    evaluation = None if test is None else evaluate(model, train, test, ks, cancel=cancel)
    return Measurement(count_parameters(model), size, embedding_bytes(model), memory, method,
                       {} if evaluation is None else dict(evaluation.metrics), evaluation)


def compress(model: Recommender, method: str, *, train: Interactions, test: Interactions | None = None,
             ks=(10,), catalog=None, valid: Interactions | None = None,
             progress: ProgressCallback | None = None, cancel: CancelToken | None = None,
             _before: Measurement | None = None) -> CompressResult:
    """Compress fitted ``model`` by ``method`` (a spec such as "int8", "prune:0.8", "topk:100",
    "lowrank:64", "distill:dim=16,layers=1") and measure it against the original.

    train: the Interactions ``model`` was fitted on (distillation and fine-tuning train on it; the
    metrics rank against it). test: the test split for the metrics (none -> no metrics). valid:
    optional validation split for early stopping of students and fine-tunes. catalog: accepted for
    symmetry with ``fit``; no current method needs it. EngineError when the spec is malformed or
    does not apply to this model (the message lists the valid choices).
    """
    spec = parse_method(method)
    _check_method(model, spec, method)
    _check_data(model, train)
    ks = tuple(sorted({int(k) for k in ks}))
    emit(progress, 0.0, f"compressing {model.name} ({spec})", "compress")
    t0 = time.perf_counter()
    small = apply_method(model, spec, train, valid=valid, progress=scaled(progress, 0.0, 0.6), cancel=cancel)
    seconds = time.perf_counter() - t0
    check(cancel)
    with tempfile.TemporaryDirectory(prefix="recscope-compress-") as tmp:
        emit(progress, 0.6, "measuring the original", "measure")
        before = _before or _measure(model, Path(tmp) / "before", train, test, ks, cancel)
        emit(progress, 0.75, "measuring the compressed model", "measure")
        after = _measure(small, Path(tmp) / "after", train, test, ks, cancel)
    emit(progress, 0.9, "measuring how fast it scores 1,000 customers", "measure")
    users = timed_users(model)
    lat_before, lat_after = scoring_latency([model, small], users, max(ks), REPEATS, cancel)
    report = CompressReport(
        method=str(spec), model_before=model.name, model_after=small.name,
        params_before=before.params, params_after=after.params,
        size_bytes_before=before.size_bytes, size_bytes_after=after.size_bytes,
        embedding_bytes_before=before.embedding_bytes, embedding_bytes_after=after.embedding_bytes,
        peak_memory_before=before.peak_memory, peak_memory_after=after.peak_memory, memory_method=after.memory_method,
        latency_ms_per_1k_before=lat_before, latency_ms_per_1k_after=lat_after, users_timed=len(users),
        metrics_before=before.metrics, metrics_after=after.metrics,
        relative_change=relative_change(before.metrics, after.metrics),
        capabilities_before=tuple(sorted(model.capabilities)), capabilities_after=tuple(sorted(small.capabilities)),
        seconds=seconds)
    emit(progress, 1.0, f"{spec}: {report.size_ratio:.1f}x smaller", "compress")
    return CompressResult(small, report, after.evaluation)


def sweep(model: Recommender, methods: list[str], *, train: Interactions, test: Interactions, ks=(10,),
          valid: Interactions | None = None, progress: ProgressCallback | None = None,
          cancel: CancelToken | None = None) -> list[CompressReport]:
    """``compress`` by each of ``methods`` (the original is measured once); -> their reports, in order.
    Feed them to ``pareto_points`` for the size-vs-NDCG@10 chart."""
    if not methods:
        raise EngineError(f"no compression methods to sweep; try: {', '.join(methods_for(model))}")
    for m in methods:
        _check_method(model, parse_method(m), m)
    _check_data(model, train)
    ks = tuple(sorted({int(k) for k in ks}))
    with tempfile.TemporaryDirectory(prefix="recscope-sweep-") as tmp:
        emit(progress, 0.0, "measuring the original", "measure")
        before = _measure(model, Path(tmp) / "original", train, test, ks, cancel)
    reports = []
    n = len(methods)
    for i, m in enumerate(methods):
        check(cancel)
        res = compress(model, m, train=train, test=test, ks=ks, valid=valid, cancel=cancel, _before=before,
                       progress=scaled(progress, i / n, (i + 1) / n))
        reports.append(res.report)
    return reports


def compressed_run(parent, result: CompressResult, name: str | None = None):
    """A ``Run`` (kind "compressed") for ``result`` derived from run ``parent``; the report goes
    into ``info["compression"]``."""
    from engine.runs import Run, new_run_id, versions
    return Run(id=new_run_id(), name=name or f"{parent.name} · {result.report.method}", model=result.model,
               evaluation=result.evaluation, history=getattr(result.model, "history_", None), kind="compressed",
               parent=parent.id, info={"compression": result.report.to_dict(), "versions": versions()})
