"""DataController: reads files and builds datasets in workers, then writes AppState.

Opening a file reads it and proposes a column mapping; when the proposal names a user and an item
column the dataset is built right away with it. A failure or a cancel leaves AppState exactly as
it was (nothing half-loaded).
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QObject, Signal, Slot

from engine import data as edata
from engine.data.profile import profile
from engine.progress import scaled
from desktop.state import AppState
from desktop.tasks import Task, TaskRunner

log = logging.getLogger("recscope.desktop")


def read_and_infer(path: str, sheet: str | None = None, *, progress=None, cancel=None):
    """Worker body: read ``path`` and propose a mapping -> (Table, ColumnMapping)."""
    table = edata.read_table(path, sheet=sheet, progress=scaled(progress, 0.0, 0.95), cancel=cancel)
    return table, edata.infer_mapping(table.frame)


def build_and_profile(table, mapping, *, progress=None, cancel=None):
    """Worker body: validate + build the dataset and profile it -> (Dataset, Profile)."""
    dataset = edata.build_dataset(table, mapping, progress=scaled(progress, 0.0, 0.9), cancel=cancel)
    return dataset, profile(dataset.interactions)


class DataController(QObject):
    progress = Signal(object)     # Progress of the running step
    error_changed = Signal(str)   # one-line message, "" when cleared
    message = Signal(str)         # short status-bar text
    settled = Signal()            # an open/apply chain ended (loaded, failed or cancelled)

    def __init__(self, state: AppState, runner: TaskRunner, parent: QObject | None = None):
        super().__init__(parent)
        self.state = state
        self.runner = runner
        self._task: Task | None = None

    @property
    def busy(self) -> bool:
        return self._task is not None

    @Slot(str)
    def open(self, path: str, sheet: str | None = None) -> None:
        """Read ``path`` (``sheet`` of a workbook) in a worker; then auto-apply the proposal."""
        name = Path(path).name
        self._start(read_and_infer, (str(path), sheet), f"Reading {name}", self._on_read)

    @Slot(str)
    def open_sheet(self, sheet: str) -> None:
        if self.state.table is not None and sheet != getattr(self.state.table, "sheet", None):
            self.open(str(self.state.table.path), sheet)

    @Slot(dict)
    def apply(self, changes: dict) -> None:
        """Build the dataset from the current table with the proposal updated by ``changes``
        (field -> column name or None, e.g. {"user": "CustomerID", "price": None})."""
        if self.state.table is None:
            self.error_changed.emit("Open a file first.")
            return
        current = self.state.mapping
        mapping = current.replace(**{k: v for k, v in changes.items() if getattr(current, k) != v})
        self._start(build_and_profile, (self.state.table, mapping),
                    f"Building dataset from {Path(str(self.state.table.path)).name}", self._on_built)

    @Slot()
    def cancel(self) -> None:
        if self._task is not None:
            self._task.cancel()

    # ---- internals ----------------------------------------------------------------------------
    def _start(self, fn, args: tuple, name: str, on_done) -> None:
        if self._task is not None:
            self._task.cancel()
        self.error_changed.emit("")
        task = self.runner.submit(fn, *args, name=name)
        self._task = task
        self.state.set_busy(True)
        self.message.emit(name + "…")
        task.progress.connect(self.progress)
        task.done.connect(lambda result, t=task: self._if_current(t, on_done, result))
        task.failed.connect(lambda msg, t=task: self._if_current(t, self._on_failed, msg))
        task.cancelled.connect(lambda t=task: self._if_current(t, self._on_cancelled))

    def _if_current(self, task: Task, handler, *args) -> None:
        """Handle the outcome only of the latest task; a superseded one is ignored."""
        if task is not self._task:
            return
        self._task = None
        handler(*args)

    def _end(self, text: str) -> None:
        self.state.set_busy(False)
        self.message.emit(text)
        self.settled.emit()

    def _on_read(self, result) -> None:
        table, mapping = result
        self.state.set_table(table, mapping)
        if mapping.user and mapping.item:
            self.apply({})
        else:
            self._end(f"Read {Path(str(table.path)).name}: choose the user and item columns.")

    def _on_built(self, result) -> None:
        dataset, profile = result
        self.state.set_dataset(dataset, profile)
        inter = dataset.interactions
        self._end(f"Loaded {inter.n_events:,} interactions: {inter.n_users:,} users, "
                  f"{inter.n_items:,} items.")

    def _on_failed(self, message: str) -> None:
        log.info("data task failed: %s", message)
        self.error_changed.emit(message)
        self._end("Failed: " + message)

    def _on_cancelled(self) -> None:
        self._end("Cancelled.")
