"""AppState: what is open in the app right now, with a signal whenever part of it changes.

Controllers write it (only with complete, validated objects: nothing half-loaded); views read it
and redraw on its signals.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Signal


class AppState(QObject):
    """table: the file being mapped (engine ``Table``) and its proposed ``ColumnMapping``;
    dataset: the applied ``Dataset`` (interactions + catalog + report) and its ``Profile``."""

    table_changed = Signal(object)            # Table
    dataset_changed = Signal(object)          # Dataset
    busy_changed = Signal(bool)               # a task that replaces table/dataset is running

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.table: Any = None
        self.mapping: Any = None    # ColumnMapping proposed for ``table``
        self.dataset: Any = None
        self.profile: Any = None    # Profile of ``dataset.interactions``
        self.busy = False

    def set_table(self, table: Any, mapping: Any) -> None:
        self.table, self.mapping = table, mapping
        self.table_changed.emit(table)

    def set_dataset(self, dataset: Any, profile: Any) -> None:
        self.dataset, self.profile = dataset, profile
        self.dataset_changed.emit(dataset)

    def set_busy(self, busy: bool) -> None:
        if busy != self.busy:
            self.busy = busy
            self.busy_changed.emit(busy)
