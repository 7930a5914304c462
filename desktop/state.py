"""AppState: what is open in the app right now, with a signal whenever part of it changes.

Controllers write it (only with complete, validated objects: nothing half-loaded); views read it
and redraw on its signals. Panes talk to each other only through it.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Signal


class AppState(QObject):
    """table: the file being mapped (engine ``Table``) and its proposed ``ColumnMapping``;
    dataset: the applied ``Dataset`` (interactions + catalog + report) and its ``Profile``;
    split: the ``engine.data.splits.Split`` every run of the dataset trains and tests on;
    runs: ``engine.runs.Run`` objects in creation order; project: the open project store or None;
    selection: the user (external id), item (external id) and run id the panes focus on."""

    table_changed = Signal(object)            # Table
    dataset_changed = Signal(object)          # Dataset
    split_changed = Signal(object)            # Split
    runs_changed = Signal()                   # a run was added, removed or renamed
    run_added = Signal(object)                # Run
    run_changed = Signal(object)              # Run whose info (e.g. its note) changed
    project_changed = Signal(object)          # project store or None
    selection_changed = Signal()              # user / item / run selection changed
    busy_changed = Signal(bool)               # a task that replaces table/dataset is running

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.table: Any = None
        self.mapping: Any = None    # ColumnMapping proposed for ``table``
        self.dataset: Any = None
        self.profile: Any = None    # Profile of ``dataset.interactions``
        self.split: Any = None
        self.runs: list = []
        self.project: Any = None
        self.user: Any = None
        self.item: Any = None
        self.run_id: str | None = None
        self.busy = False

    # ---- data ---------------------------------------------------------------------------------
    def set_table(self, table: Any, mapping: Any) -> None:
        self.table, self.mapping = table, mapping
        self.table_changed.emit(table)

    def set_dataset(self, dataset: Any, profile: Any) -> None:
        """A new dataset invalidates the split and the runs trained on the old one."""
        self.dataset, self.profile = dataset, profile
        self.split = None
        self.runs = []
        self.user = self.item = self.run_id = None
        self.dataset_changed.emit(dataset)
        self.runs_changed.emit()
        self.selection_changed.emit()

    def set_split(self, split: Any) -> None:
        self.split = split
        self.split_changed.emit(split)

    # ---- runs ---------------------------------------------------------------------------------
    def add_run(self, run: Any) -> None:
        self.runs.append(run)
        self.run_added.emit(run)
        self.runs_changed.emit()

    def remove_run(self, run_id: str) -> None:
        self.runs = [r for r in self.runs if r.id != run_id]
        if self.run_id == run_id:
            self.run_id = None
            self.selection_changed.emit()
        self.runs_changed.emit()

    def rename_run(self, run_id: str, name: str) -> None:
        run = self.run(run_id)
        if run is not None and run.name != name:
            run.name = name
            self.runs_changed.emit()

    def touch_run(self, run: Any) -> None:
        """Say that ``run``'s info changed (the project stores it again)."""
        self.run_changed.emit(run)
        self.runs_changed.emit()

    def run(self, run_id: str | None) -> Any:
        """The run with ``run_id``, or None."""
        return next((r for r in self.runs if r.id == run_id), None)

    def current_run(self) -> Any:
        """The selected run, else the latest one, else None."""
        return self.run(self.run_id) or (self.runs[-1] if self.runs else None)

    # ---- project and selection ------------------------------------------------------------------
    def set_project(self, project: Any) -> None:
        self.project = project
        self.project_changed.emit(project)

    def select(self, *, user: Any = ..., item: Any = ..., run_id: Any = ...) -> None:
        """Change any of user / item / run_id (``...`` leaves it as is); one signal if anything changed."""
        changed = False
        for name, value in (("user", user), ("item", item), ("run_id", run_id)):
            if value is not ... and getattr(self, name) != value:
                setattr(self, name, value)
                changed = True
        if changed:
            self.selection_changed.emit()

    def set_busy(self, busy: bool) -> None:
        if busy != self.busy:
            self.busy = busy
            self.busy_changed.emit(busy)
