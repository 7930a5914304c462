"""InspectorController: looks up a customer (history, lists, rules view), a new customer's list
and the export of every customer's top-N, each in a worker; the latest request wins."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from PySide6.QtCore import QCoreApplication, QObject, Signal, Slot

from desktop.controllers.rules_controller import RuleBook
from desktop.state import AppState
from desktop.tasks import Task, TaskRunner, TaskSlot
from engine.lists import inspector as einspect
from engine.models.capabilities import supports


class InspectorController(QObject):
    """``customer.done``: an ``engine.lists.inspector.CustomerView``; ``cold.done``: the new customer's list
    (DataFrame)."""

    export_progress = Signal(object)  # Progress
    export_running = Signal(bool)
    export_finished = Signal(str)     # one-line outcome ("Wrote 13,710 rows to …", "Export cancelled.")
    export_failed = Signal(str)

    def __init__(self, state: AppState, runner: TaskRunner, book: RuleBook, parent: QObject | None = None):
        super().__init__(parent)
        self.state = state
        self.runner = runner
        self.book = book
        self.customer = TaskSlot(runner, self)
        self.cold = TaskSlot(runner, self)
        self._export_task: Task | None = None

    # ---- one customer -------------------------------------------------------------------------
    def show_customer(self, user, run_a: str | None, run_b: str | None, k: int) -> None:
        ds = self.state.dataset
        if ds is None:
            self.customer.fail(self.tr("Open a data file first (Data pane)."))
            return
        a, b = self.state.run(run_a), self.state.run(run_b)
        split = self.state.split
        self.customer.start(einspect.customer_view, user, ds.interactions, ds.catalog,
                            split.test if split is not None else None,
                            a.model if a else None, b.model if b else None, int(k), self.book.active,
                            names=(a.name if a else "A", b.name if b else "B"), name=self.tr("Inspect customer"))

    def scores_new_customers(self, run_id: str | None) -> bool:
        """True when run ``run_id``'s model scores a history it never saw (capability "history")."""
        run = self.state.run(run_id)
        return run is not None and supports(run.model, "history")

    def cold_start(self, run_id: str | None, items: list, k: int) -> None:
        run = self.state.run(run_id)
        if run is None:
            self.cold.fail(self.tr("Train a model first (Train pane)."))
            return
        self.cold.start(_cold_start, run.model, list(items), int(k), self._catalog(), name=self.tr("New customer"))

    def _catalog(self):
        return self.state.dataset.catalog if self.state.dataset is not None else None

    def search_items(self, run_id: str | None, text: str, limit: int = 100):
        """Items of run ``run_id``'s model whose id starts with ``text`` or whose title holds it:
        a frame with item and title (empty without that run)."""
        run = self.state.run(run_id)
        if run is None:
            return pd.DataFrame(columns=["item", "title"])
        return einspect.search_items(self._catalog(), run.model.item_ids_, text, limit)

    def item_fields(self, items: list):
        """Catalog fields (item, title, …) of ``items``, in order."""
        return einspect.item_fields(self._catalog(), items)

    # ---- export -------------------------------------------------------------------------------
    @property
    def exporting(self) -> bool:
        return self._export_task is not None

    def export(self, run_id: str | None, path: str, k: int, pseudonymise: bool = False) -> None:
        """Export ``run_id``'s list of every customer after the active rules; the split's new test
        customers get the labelled popular-items fallback; ``pseudonymise`` replaces customer ids."""
        run = self.state.run(run_id)
        if run is None:
            self.export_failed.emit(self.tr("Choose a model to export its lists."))
            return
        catalog = self.state.dataset.catalog if self.state.dataset is not None else None
        split = self.state.split
        customers = None if split is None else split.test.user_ids[np.unique(split.test.user_idx)]
        task = self.runner.submit(_export, run.model, str(path), int(k), catalog, self.book.active,
                                  self.book.active_name, customers, self.state.project if pseudonymise else None,
                                  pseudonymise, name=self.tr("Export {name}").format(name=Path(path).name))
        self._export_task = task
        self.export_running.emit(True)
        task.progress.connect(self.export_progress)
        task.done.connect(lambda rep, t=task: self._export_end(t, self.export_finished, _export_summary(rep, k)))
        task.failed.connect(lambda msg, t=task: self._export_end(t, self.export_failed, msg))
        task.cancelled.connect(lambda t=task: self._export_end(t, self.export_finished,
                                                               self.tr("Export cancelled; no file was written.")))

    @Slot()
    def cancel_export(self) -> None:
        if self._export_task is not None:
            self._export_task.cancel()

    # ---- internals ----------------------------------------------------------------------------
    def _export_end(self, task: Task, signal, message: str) -> None:
        if task is not self._export_task:
            return
        self._export_task = None
        self.export_running.emit(False)
        signal.emit(message)


def _export(model, path, k, catalog, rules, rules_name, customers, project, pseudonymise, *, progress=None,
            cancel=None):
    """Worker body: ``export_lists`` with keyed pseudonyms of the open project's scope (else of the
    model's customers) when ``pseudonymise``."""
    from engine.lists.export import export_lists
    from engine.store.pseudonyms import Pseudonyms, scope_of
    pseudonyms = None
    if pseudonymise:
        scope = project.pseudonym_scope() if project is not None else scope_of(model.user_ids_)
        pseudonyms = Pseudonyms.for_scope(scope)
    return export_lists(model, path, k, catalog, rules=rules, rules_name=rules_name, customers=customers,
                        pseudonyms=pseudonyms, progress=progress, cancel=cancel)


def _export_summary(rep, k: int) -> str:
    extra = [QCoreApplication.translate("InspectorController", "{n:,} new customers on the popular-items fallback")
             .format(n=rep.fallback_users)] if rep.fallback_users else []
    if rep.rules:
        extra.append(QCoreApplication.translate("InspectorController", "after rules '{rules}'").format(rules=rep.rules))
    if rep.pseudonymised:
        extra.append(QCoreApplication.translate("InspectorController", "customer ids pseudonymised"))
    more = "; " + ", ".join(extra) if extra else ""
    return QCoreApplication.translate("InspectorController", "Wrote {rows:,} rows ({users:,} customers × top {k}{more}) "
                                      "to {path}").format(rows=rep.rows, users=rep.users, k=k, more=more, path=rep.path)


def _cold_start(model, items, k, catalog, *, progress=None, cancel=None):
    return einspect.cold_start_top_n(model, items, k, catalog)
