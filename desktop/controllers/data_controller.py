"""DataController: reads files and builds datasets in workers, then writes AppState.

Opening a file reads it and proposes a column mapping (with the evidence for each role); when the
proposal names a user and an item column the dataset is built right away with it. A file that is a
catalog (one row per item) opened while data is loaded goes to the catalog slot and is joined on
the item id; a MovieLens ratings file brings its movie file along. Load-time filters are previewed
in a worker before they are applied. A failure or a cancel leaves AppState exactly as it was
(nothing half-loaded).

Every request that replaces the data set (open, sheet, apply, catalog) first asks ``guard`` —
the project controller's unsaved-work prompt — so no unsaved run is lost without a question.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Callable

from PySide6.QtCore import QObject, Signal, Slot

from engine import data as edata
from engine.data import movielens
from engine.data.catalog import catalog_mapping
from engine.data.load_filters import LoadFilters
from engine.data.profile import profile
from engine.data.recipe import Recipe
from engine.errors import EngineError
from engine.progress import scaled
from desktop.state import AppState
from desktop.tasks import TaskRunner, TaskSlot

log = logging.getLogger("recscope.desktop")


def read_and_infer(path: str, sheet: str | None = None, *, progress=None, cancel=None):
    """Worker body: read ``path``, propose a mapping, and read a MovieLens movie file lying beside
    it -> (Table, ColumnMapping, catalog Table or None)."""
    table = edata.read_table(path, sheet=sheet, progress=scaled(progress, 0.0, 0.9), cancel=cancel)
    mapping = edata.infer_mapping(table.frame)
    sibling = movielens.sibling_catalog(path) if mapping.kind != "catalog" else None
    catalog = edata.read_table(sibling, progress=scaled(progress, 0.9, 1.0), cancel=cancel) if sibling else None
    return table, mapping, catalog


def read_catalog_table(path: str, *, progress=None, cancel=None):
    """Worker body: read a catalog file -> (Table, its catalog ColumnMapping)."""
    table = edata.read_table(path, progress=progress, cancel=cancel)
    return table, catalog_mapping(table.frame)


def build_and_profile(table, mapping, filters=None, catalog=None, *, progress=None, cancel=None):
    """Worker body: validate + build the dataset (filters applied, ``catalog`` = (Table,
    ColumnMapping) joined) and profile it -> (Dataset, Profile)."""
    dataset = edata.build_dataset(table, mapping, filters=filters, progress=scaled(progress, 0.0, 0.9),
                                  cancel=cancel)
    if catalog is not None:
        edata.attach_catalog(dataset, *catalog)
    return dataset, profile(dataset.interactions)


def preview(table, mapping, filters, *, progress=None, cancel=None):
    """Worker body: what the filters would remove, and the non-product candidates -> FilterPreview."""
    return edata.preview_filters(table, mapping, filters, cancel=cancel)


class DataController(QObject):
    """``slot`` runs each open / apply / catalog step (progress, failed, …); ``previews`` the filter
    previews; ``settled`` ends an open/apply chain."""

    message = Signal(str)         # short status-bar text
    settled = Signal()            # an open/apply chain ended (loaded, failed or cancelled)
    preview_ready = Signal(object)   # FilterPreview of the current table, mapping and filters
    catalog_changed = Signal()    # the catalog slot got or lost a file

    def __init__(self, state: AppState, runner: TaskRunner, parent: QObject | None = None):
        super().__init__(parent)
        self.state = state
        self.runner = runner
        self.slot = TaskSlot(runner, self)
        self.slot.failed.connect(self._on_failed)
        self.slot.cancelled.connect(lambda _tag: self._end(self.tr("Cancelled.")))
        self.previews = TaskSlot(runner, self)
        self.previews.done.connect(lambda result, _tag: self.preview_ready.emit(result))
        #: guard(then, verb) -> True to go ahead; set by the window (asks about unsaved runs)
        self.guard: Callable[[Callable[[], None], str], bool] | None = None
        self.filters = LoadFilters()
        self.catalog = None           # (Table, ColumnMapping) of the catalog slot, or None

    @property
    def busy(self) -> bool:
        return self.slot.busy

    def _allowed(self, then, verb: str) -> bool:
        return self.guard is None or self.guard(then, verb)

    @Slot(str)
    def open(self, path: str, sheet: str | None = None) -> None:
        """Read ``path`` (``sheet`` of a workbook) in a worker; then auto-apply the proposal."""
        name = Path(path).name
        if not self._allowed(lambda: self.open(path, sheet), self.tr("open {name}").format(name=name)):
            return
        self._start(read_and_infer, (str(path), sheet), self.tr("Reading {name}").format(name=name), self._on_read)

    @Slot(str)
    def open_sheet(self, sheet: str) -> None:
        if self.state.table is not None and sheet != getattr(self.state.table, "sheet", None):
            self.open(str(self.state.table.path), sheet)

    @Slot(dict)
    def apply(self, changes: dict, filters: LoadFilters | None = None) -> None:
        """Build the dataset from the current table with the proposal updated by ``changes``
        (field -> column name or None, e.g. {"user": "CustomerID", "price": None}) and ``filters``."""
        if self.state.table is None:
            self.slot.fail(self.tr("Open a file first."))
            return
        if not self._allowed(lambda: self.apply(changes, filters), self.tr("load the data again")):
            return
        self._apply(changes, filters)

    def _apply(self, changes: dict, filters: LoadFilters | None = None) -> None:
        if filters is not None:
            self.filters = filters
        mapping = self.mapping_with(changes)
        self._start(build_and_profile, (self.state.table, mapping, self.filters, self.catalog),
                    self.tr("Building dataset from {name}").format(name=Path(str(self.state.table.path)).name), self._on_built)

    def mapping_with(self, changes: dict):
        current = self.state.mapping
        return current.replace(**{k: v for k, v in changes.items() if getattr(current, k) != v})

    @Slot(str)
    def open_catalog(self, path: str) -> None:
        """Read ``path`` as the catalog and join it to the data (rebuilt in a worker)."""
        name = Path(path).name
        if self.state.table is not None and not self._allowed(lambda: self.open_catalog(path),
                                                              self.tr("join the catalog {name}").format(name=name)):
            return
        self._start(read_catalog_table, (str(path),), self.tr("Reading catalog {name}").format(name=name), self._on_catalog_read)

    def set_catalog_mapping(self, changes: dict) -> None:
        """Change the catalog's roles (field -> column or None) and join again."""
        if self.catalog is None:
            return
        table, mapping = self.catalog
        if not self._allowed(lambda: self.set_catalog_mapping(changes), self.tr("join the catalog again")):
            return
        self.catalog = (table, catalog_mapping(table.frame, mapping.replace(**changes)))
        self.catalog_changed.emit()
        if self.state.table is not None:
            self._apply({})

    @Slot()
    def remove_catalog(self) -> None:
        if self.catalog is None or not self._allowed(self.remove_catalog, self.tr("remove the catalog")):
            return
        self.catalog = None
        self.catalog_changed.emit()
        if self.state.table is not None:
            self._apply({})

    def request_preview(self, changes: dict, filters: LoadFilters) -> None:
        """Preview ``filters`` on the current table with the form's mapping (a newer request
        replaces a running one); the answer comes as ``preview_ready``."""
        if self.state.table is None:
            return
        try:
            mapping = self.mapping_with(changes)
            mapping.validate(self.state.table.frame.columns)
        except EngineError:  # an incomplete form has nothing to preview yet
            return
        self.previews.start(preview, self.state.table, mapping, filters, name=self.tr("Previewing filters"))

    def save_recipe(self, path: str) -> Path | None:
        """Write the loaded data set's mapping and filters as an import recipe (JSON)."""
        if self.state.dataset is None:
            self.slot.fail(self.tr("Load the data first: the recipe is its confirmed mapping and filters."))
            return None
        try:
            out = Recipe.from_dataset(self.state.dataset).save(path)
        except EngineError as e:
            self.slot.fail(str(e))
            return None
        self.message.emit(self.tr("Import recipe saved to {out}; reuse it with recscope … --recipe {name}").format(out=out, name=out.name))
        return out

    @Slot()
    def cancel(self) -> None:
        self.slot.cancel()

    # ---- internals ----------------------------------------------------------------------------
    def _start(self, fn, args: tuple, name: str, on_done) -> None:
        self.state.set_busy(True)
        self.message.emit(name + "…")
        self.slot.start(fn, *args, name=name, on_done=on_done)

    def _end(self, text: str) -> None:
        self.state.set_busy(False)
        self.message.emit(text)
        self.settled.emit()

    def _on_read(self, result) -> None:
        table, mapping, sibling = result
        if mapping.kind == "catalog" and self.state.table is not None:
            self._on_catalog_read((table, catalog_mapping(table.frame, mapping)))
            return
        self.filters = LoadFilters()
        self.catalog = None if sibling is None else (sibling, catalog_mapping(sibling.frame))
        self.catalog_changed.emit()
        self.state.set_table(table, mapping)
        if mapping.user and mapping.item:
            self._apply({})
        elif mapping.kind == "catalog":
            self._end(self.tr("{name} is a catalog (one row per {item}): open the interaction data first, then this "
                              "file as its catalog.").format(name=Path(str(table.path)).name, item=mapping.item))
        else:
            self._end(self.tr("Read {name}: choose the user and item columns.").format(name=Path(str(table.path)).name))

    def _on_catalog_read(self, result) -> None:
        self.catalog = result
        self.catalog_changed.emit()
        if self.state.table is None:
            self._end(self.tr("Catalog {name} read: open the interaction data to join it.").format(name=Path(str(result[0].path)).name))
            return
        self.state.set_busy(False)
        self._apply({})

    def _on_built(self, result) -> None:
        dataset, profile = result
        self.state.set_dataset(dataset, profile)
        inter = dataset.interactions
        join = dataset.source.get("catalog_join")
        tail = (self.tr(" Catalog: {matched:,} items matched, {cold:,} never bought.").format(matched=join['matched'], cold=join['cold']) if join else "")
        self._end(self.tr("Loaded {n_events:,} interactions: {n_users:,} users, {n_items:,} items.{tail}").format(n_events=inter.n_events, n_users=inter.n_users, n_items=inter.n_items, tail=tail))

    def _on_failed(self, message: str, _tag=None) -> None:
        if not self.state.busy:
            return                    # a request refused before it started: nothing to settle
        log.info("data task failed: %s", message)
        self._end(self.tr("Failed: ") + message)

