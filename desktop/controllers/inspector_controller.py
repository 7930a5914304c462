"""InspectorController: looks up a customer (history, lists, rules view), a new customer's list
and the export of every customer's top-N, each in a worker; the latest request wins."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from PySide6.QtCore import QObject, Signal, Slot

from desktop.controllers.rules_controller import RuleBook
from desktop.state import AppState
from desktop.tasks import Task, TaskRunner
from engine.lists import inspector as einspect


def cold_start_available() -> bool:
    """True when the engine can score a made-up history (``engine.explain.history``)."""
    try:
        return importlib.util.find_spec("engine.explain.history") is not None
    except ImportError:
        return False


class InspectorController(QObject):
    shown = Signal(object)            # engine.lists.inspector.CustomerView
    failed = Signal(str)
    cold_shown = Signal(object)       # DataFrame of the new customer's list
    cold_failed = Signal(str)
    export_progress = Signal(object)  # Progress
    export_running = Signal(bool)
    export_finished = Signal(str)     # one-line outcome ("Wrote 13,710 rows to …", "Export cancelled.")
    export_failed = Signal(str)

    def __init__(self, state: AppState, runner: TaskRunner, parent: QObject | None = None):
        super().__init__(parent)
        self.state = state
        self.runner = runner
        self.book = RuleBook.of(state)
        self._view_task: Task | None = None
        self._cold_task: Task | None = None
        self._export_task: Task | None = None

    # ---- one customer -------------------------------------------------------------------------
    def show_customer(self, user, run_a: str | None, run_b: str | None, k: int) -> None:
        ds = self.state.dataset
        if ds is None:
            self.failed.emit("Open a data file first (Data pane).")
            return
        a, b = self.state.run(run_a), self.state.run(run_b)
        split = self.state.split
        task = self.runner.submit(einspect.customer_view, user, ds.interactions, ds.catalog,
                                  split.test if split is not None else None,
                                  a.model if a else None, b.model if b else None, int(k), self.book.active,
                                  names=(a.name if a else "A", b.name if b else "B"), name="Inspect customer")
        self._view_task = self._watch(task, "_view_task", self.shown, self.failed)

    def cold_start(self, run_id: str | None, items: list, k: int) -> None:
        run = self.state.run(run_id)
        if run is None:
            self.cold_failed.emit("Train a model first (Train pane).")
            return
        catalog = self.state.dataset.catalog if self.state.dataset is not None else None
        task = self.runner.submit(_cold_start, run.model, list(items), int(k), catalog, name="New customer")
        self._cold_task = self._watch(task, "_cold_task", self.cold_shown, self.cold_failed)

    # ---- export -------------------------------------------------------------------------------
    @property
    def exporting(self) -> bool:
        return self._export_task is not None

    def export(self, run_id: str | None, path: str, k: int) -> None:
        run = self.state.run(run_id)
        if run is None:
            self.export_failed.emit("Choose a model to export its lists.")
            return
        catalog = self.state.dataset.catalog if self.state.dataset is not None else None
        task = self.runner.submit(einspect.export_top_n, run.model, str(path), int(k), catalog,
                                  name=f"Export {Path(path).name}")
        self._export_task = task
        self.export_running.emit(True)
        task.progress.connect(self.export_progress)
        task.done.connect(lambda rep, t=task: self._export_end(
            t, self.export_finished, f"Wrote {rep.rows:,} rows ({rep.users:,} customers × top {k}) to {rep.path}"))
        task.failed.connect(lambda msg, t=task: self._export_end(t, self.export_failed, msg))
        task.cancelled.connect(lambda t=task: self._export_end(t, self.export_finished,
                                                               "Export cancelled; no file was written."))

    @Slot()
    def cancel_export(self) -> None:
        if self._export_task is not None:
            self._export_task.cancel()

    # ---- internals ----------------------------------------------------------------------------
    def _watch(self, task: Task, slot: str, done, failed) -> Task:
        old = getattr(self, slot)
        if old is not None:
            old.cancel()
        task.done.connect(lambda res, t=task: self._if_current(t, slot, done, res))
        task.failed.connect(lambda msg, t=task: self._if_current(t, slot, failed, msg))
        task.cancelled.connect(lambda t=task: self._if_current(t, slot, None, None))
        return task

    def _if_current(self, task: Task, slot: str, signal, payload) -> None:
        if getattr(self, slot) is not task:
            return
        setattr(self, slot, None)
        if signal is not None:
            signal.emit(payload)

    def _export_end(self, task: Task, signal, message: str) -> None:
        if task is not self._export_task:
            return
        self._export_task = None
        self.export_running.emit(False)
        signal.emit(message)


def _cold_start(model, items, k, catalog, *, progress=None, cancel=None):
    return einspect.cold_start_top_n(model, items, k, catalog)
