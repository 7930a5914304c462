"""Controllers of the split box, the Train pane and the Diagnostics pane.

SplitController splits the dataset in a worker and writes ``AppState.split``. TrainController
trains one model (``engine.runs.train_run``) or searches hyper-parameters
(``engine.runs.tuned.tune_run``) in a worker, forwards live curve points, and adds the
finished run to AppState. Cancel keeps the run: the worker body watches the controller's own
token, so a torch fit stopped early still returns its best model as a run (the task's own token,
set when the app closes, also stops it). DiagnosticsController inspects a run's weights and
gradients in a worker and caches the result per run.
"""

from __future__ import annotations

import logging
from functools import partial

from PySide6.QtCore import QObject, Signal, Slot

from engine.data.splits import split as split_interactions
from engine.evaluate.summary import split_key
from engine.progress import CancelToken
from engine.runs import train_run
from engine.diagnostics.weights import gradient_reading, inspect_model
from engine.errors import EngineError
from engine.runs.param_space import model_info, param_specs, trainable_models
from engine.runs.tuned import tune_run
from desktop.state import AppState
from desktop.tasks import TaskRunner, TaskSlot

log = logging.getLogger("recscope.desktop")


def model_title(name: str) -> str:
    """The display name of registry model ``name`` (the name itself when it is not registered)."""
    try:
        return model_info(name).title
    except EngineError:
        return name


def make_split(dataset, method: str, test_frac: float, valid_frac: float, seed: int, *, progress=None,
               cancel=None):
    """Worker body: split ``dataset``'s interactions; catalog items join the candidates (docs/ARCHITECTURE.md);
    with an event column only its relevant event types stay in the test part."""
    extra = dataset.catalog.frame.index.to_numpy() if dataset.catalog is not None else None
    relevant = None if dataset.events is None else dataset.relevant_mask()
    return split_interactions(dataset.interactions, method, test_frac, seed, valid_frac, extra_items=extra,
                              relevant=relevant, events=dataset.events, progress=progress, cancel=cancel)


def devices(*, progress=None, cancel=None) -> list[dict]:
    """Worker body: what ``describe_devices`` finds (imports torch, so not on the GUI thread)."""
    from engine.machine.device import describe_devices, resolve_device
    return [{**d, "auto": str(resolve_device("auto"))} for d in describe_devices()]


class _EitherToken(CancelToken):
    """Cancelled when either our own token (Cancel button: keep the run) or the task's is set."""

    def __init__(self, own: CancelToken, task: CancelToken):
        super().__init__()
        self._own, self._task = own, task

    @property
    def cancelled(self) -> bool:
        return self._own.cancelled or self._task.cancelled

    def raise_if_cancelled(self) -> None:
        self._own.raise_if_cancelled()
        self._task.raise_if_cancelled()


def _keep_on_cancel(fn, own: CancelToken):
    def body(*args, progress=None, cancel=None, **kwargs):
        return fn(*args, progress=progress, cancel=_EitherToken(own, cancel), **kwargs)
    return body


class SplitController(QObject):
    """Splits the loaded dataset; ``AppState.set_split`` on success."""

    message = Signal(str)         # status-bar text

    def __init__(self, state: AppState, runner: TaskRunner, parent: QObject | None = None):
        super().__init__(parent)
        self.state = state
        self.slot = TaskSlot(runner, self, announce=True)

    @property
    def busy(self) -> bool:
        return self.slot.busy

    @Slot(str, float, float, int)
    def apply(self, method: str, test_frac: float, valid_frac: float, seed: int) -> None:
        if self.state.dataset is None:
            self.slot.fail(self.tr("Load a data file first."))
            return
        self.slot.start(make_split, self.state.dataset, method, test_frac, valid_frac, seed,
                        name=self.tr("Splitting ({method})").format(method=method), on_done=self._done)

    def set_relevant(self, types: list[str]) -> str:
        """Make ``types`` the dataset's relevant event types; "" when done, else why not (one line)."""
        try:
            self.state.dataset.set_relevant_events(types)
        except EngineError as e:
            return str(e)
        return ""

    def _done(self, parts) -> None:
        self.state.set_split(parts)
        valid = 0 if parts.valid is None else parts.valid.n_events
        self.message.emit(self.tr("Split: {n_events:,} training (of which {valid:,} validation) and {n_events2:,} test interactions.").format(n_events=parts.train.n_events, valid=valid, n_events2=parts.test.n_events))


class TrainController(QObject):
    """Trains or tunes a model on AppState's split; each finished run goes to ``AppState.add_run``."""

    metrics = Signal(list)            # [Progress] carrying per-epoch / per-trial numbers, in order
    run_finished = Signal(object)     # Run
    devices_found = Signal(list)      # [describe_devices() dict + "auto"]
    message = Signal(str)             # status-bar text

    def __init__(self, state: AppState, runner: TaskRunner, parent: QObject | None = None):
        super().__init__(parent)
        self.state = state
        self.slot = TaskSlot(runner, self, announce=True)
        self.slot.running_changed.connect(lambda running: None if running else self._forget_token())
        self._own: CancelToken | None = None
        self.devices: list[dict] | None = None
        task = runner.submit(devices, name=self.tr("Detecting devices"))
        task.done.connect(self._devices_done)

    @property
    def busy(self) -> bool:
        return self.slot.busy

    # ---- what can be trained ----------------------------------------------------------------------
    @staticmethod
    def models() -> list[str]:
        """Registry names of the models the app can train."""
        return trainable_models()

    @staticmethod
    def info(model: str):
        """The model's ``ModelInfo`` (description, torch, tunable, needs_catalog, fast_params)."""
        return model_info(model)

    @staticmethod
    def specs(model: str) -> list:
        """The model's ``ParamSpec``s, in form order."""
        return param_specs(model)

    def _devices_done(self, found: list) -> None:
        self.devices = found
        self.devices_found.emit(found)

    def run_name(self, model: str, tuned: bool = False) -> str:
        """"BPR", then "BPR #2", …; "BPR tuned" for a search."""
        title = model_title(model) + (self.tr(" tuned") if tuned else "")
        taken = {r.name for r in self.state.runs}
        n, name = 1, title
        while name in taken:
            n += 1
            name = f"{title} #{n}"
        return name

    def _check(self, model: str) -> bool:
        if self.state.split is None:
            self.slot.fail(self.tr("Apply a split in the Data pane first (Train tests on its held-out part)."))
            return False
        if model_info(model).needs_catalog and (self.state.dataset is None or self.state.dataset.catalog is None):
            self.slot.fail(self.tr("{model} needs an item catalog with titles or descriptions: map a Title or Description "
                                   "column in the Data pane.").format(model=model_title(model)))
            return False
        return True

    def _launch(self, fn, args: tuple, title: str, **kwargs) -> None:
        """Start ``fn(*args, **kwargs)``; kwargs are bound first (``name`` there is the run's name,
        not the task's)."""
        own = CancelToken()
        task = self.slot.start(_keep_on_cancel(partial(fn, **kwargs), own), *args, name=title, on_done=self._done)
        self._own = own
        task.metrics.connect(lambda reports, t=task: t is self.slot.task and self.metrics.emit(reports))

    @Slot(str, dict)
    def train(self, model: str, params: dict) -> None:
        """Fit ``model`` with ``params`` on the split; early-stopping on its validation part."""
        if not self._check(model):
            return
        name = self.run_name(model)
        catalog = self.state.dataset.catalog if self.state.dataset is not None else None
        self._launch(train_run, (model, dict(params), self.state.split), self.tr("Training {name}").format(name=name),
                     catalog=catalog, name=name)

    @Slot(str, dict, int, float)
    def tune(self, model: str, params: dict, n_trials: int, minutes: float) -> None:
        """Search ``model``'s parameters (``n_trials`` and/or ``minutes``; 0 = no limit of that kind)."""
        if not self._check(model):
            return
        name = self.run_name(model, tuned=True)
        catalog = self.state.dataset.catalog if self.state.dataset is not None else None
        self._launch(tune_run, (model, dict(params), self.state.split), self.tr("Searching {model}").format(model=model_title(model)),
                     n_trials=n_trials or None, minutes=minutes or None, catalog=catalog, name=name)

    @Slot()
    def cancel(self) -> None:
        """Stop early; a torch fit keeps its best model so far and still becomes a run."""
        if self._own is not None:
            self._own.cancel()

    def _forget_token(self) -> None:
        self._own = None

    def _done(self, run) -> None:
        if self.state.split is not None:
            run.info["split_key"] = split_key(self.state.split)
        self.state.add_run(run)
        self.state.select(run_id=run.id)
        self.run_finished.emit(run)
        stopped = self.tr(" (stopped early: best model kept)") if run.info.get("cancelled") else ""
        self.message.emit(self.tr("{name} finished{stopped}: NDCG@10 {v2:.4f}").format(name=run.name, stopped=stopped, v2=run.metrics.get('ndcg@10', float('nan'))))

class DiagnosticsController(QObject):
    """Inspects runs (weights and one batch's gradients) in a worker; results cached per run id."""

    inspected = Signal(str, object)   # run id, engine Inspection
    message = Signal(str)             # status-bar text

    def __init__(self, state: AppState, runner: TaskRunner, parent: QObject | None = None):
        super().__init__(parent)
        self.state = state
        self.slot = TaskSlot(runner, self, announce=True)
        self.cache: dict[str, object] = {}
        state.dataset_changed.connect(lambda _d: self.cache.clear())

    @Slot(str)
    def inspect(self, run_id: str) -> None:
        run = self.state.run(run_id)
        if run is None:
            return
        if run_id in self.cache:
            self.inspected.emit(run_id, self.cache[run_id])
            return
        if self.state.split is None:
            self.slot.fail(self.tr("Apply a split in the Data pane first."))
            return
        self.slot.start(inspect_model, run.model, self.state.split.train, name=self.tr("Inspecting {name}").format(name=run.name),
                        on_done=lambda result, rid=run_id: self._done(rid, result))

    @staticmethod
    def reading(result) -> tuple[str, str]:
        """(status, plain sentence) about an inspection's gradients (``gradient_reading``)."""
        return gradient_reading(result)

    def _done(self, run_id: str, result) -> None:
        self.cache[run_id] = result
        self.inspected.emit(run_id, result)
        self.message.emit("")
