"""Diagnostics pane: a run's learning curves with the best epoch, its over/under-fitting verdict
and the evidence, and per-layer histograms of its parameters and of one batch's gradients.

The inspection (histograms) runs in a worker through DiagnosticsController when the pane is
visible; the curves and the verdict come from the run itself.
"""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QGridLayout, QHBoxLayout, QHeaderView,
                               QLabel, QSplitter, QStackedWidget, QTableWidget, QTableWidgetItem,
                               QVBoxLayout, QWidget)

from desktop import glossary
from desktop.controllers.train_controller import DiagnosticsController, model_title
from desktop.plots.histogram import ValueHistogramPlot
from desktop.plots.learning import LearningCurvePlot
from desktop.state import AppState
from desktop.widgets.style import set_style_name
from desktop.widgets.tables import NumberItem
from desktop.widgets.verdict import verdict_text
from desktop.views.leaderboard_pane import kind_text
from PySide6.QtCore import QT_TRANSLATE_NOOP

#: Diagnosis evidence key -> (label, format: "int" | "num" | "pct")
EVIDENCE = (("epochs", QT_TRANSLATE_NOOP("DiagnosticsPane", "Validated epochs"), "int"), ("best_epoch", QT_TRANSLATE_NOOP("DiagnosticsPane", "Best epoch"), "int"),
            ("best_value", QT_TRANSLATE_NOOP("DiagnosticsPane", "Best validation score"), "num"), ("last_value", QT_TRANSLATE_NOOP("DiagnosticsPane", "Last validation score"), "num"),
            ("relative_drop", QT_TRANSLATE_NOOP("DiagnosticsPane", "Fall from the best to the last epoch"), "pct"),
            ("recent_gain", QT_TRANSLATE_NOOP("DiagnosticsPane", "Gain over the last 3 epochs"), "pct"),
            ("loss_at_best", QT_TRANSLATE_NOOP("DiagnosticsPane", "Training loss at the best epoch"), "num"),
            ("loss_last", QT_TRANSLATE_NOOP("DiagnosticsPane", "Training loss at the last epoch"), "num"))


#: Where a layer row keeps its index into the inspection's weights (the table may be sorted).
LAYER_ROLE = Qt.ItemDataRole.UserRole + 1


def _fmt(value, kind: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if kind == "int":
        return f"{int(value):,}"
    if kind == "pct":
        return f"{value:+.1%}"
    return f"{value:.4g}" if abs(value) < 1e-3 else f"{value:.4f}"


def _item(text: str, right: bool = False, tip: str = "") -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    if right:
        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    if tip:
        item.setToolTip(tip)
    return item


class DiagnosticsPane(QWidget):
    inspect_requested = Signal(str)

    def __init__(self, state: AppState, controller: DiagnosticsController, parent: QWidget | None = None):
        super().__init__(parent)
        self.state = state
        self.controller = controller
        self.inspection = None
        self._note = ""
        self._shown_run: str | None = None
        self._build()
        self.inspect_requested.connect(controller.inspect)
        controller.inspected.connect(self._show_inspection)
        controller.slot.failed.connect(lambda message, _tag: self._show_error(message))
        controller.slot.running_changed.connect(self._set_busy)
        state.runs_changed.connect(self._fill_runs)
        state.selection_changed.connect(self._follow_selection)
        self._fill_runs()

    # ---- layout -------------------------------------------------------------------------------
    def _build(self) -> None:
        root = QVBoxLayout(self)
        root.setContentsMargins(12, 10, 12, 8)
        bar = QHBoxLayout()
        label = QLabel(self.tr("Run:"))
        label.setObjectName("sectionTitle")
        self.run_combo = QComboBox()
        self.run_combo.setMinimumContentsLength(22)
        self.run_combo.currentIndexChanged.connect(self._combo_changed)
        self.run_info = QLabel("")
        self.run_info.setObjectName("muted")
        bar.addWidget(label)
        bar.addWidget(self.run_combo)
        bar.addWidget(self.run_info, 1)
        root.addLayout(bar)
        self.headline = QLabel(self.tr("Train a model in the Train pane to diagnose it."))
        self.headline.setObjectName("fileLabel")
        self.headline.setWordWrap(True)
        self.todo_label = QLabel("")
        self.todo_label.setWordWrap(True)
        self.todo_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        root.addWidget(self.headline)
        root.addWidget(self.todo_label)
        self.verdict_label = QLabel(self.tr("Train a model in the Train pane to diagnose it."))
        self.verdict_label.setObjectName("verdictInfo")
        self.verdict_label.setWordWrap(True)
        self.verdict_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        root.addWidget(self.verdict_label)

        split = QSplitter(Qt.Orientation.Horizontal)
        split.setChildrenCollapsible(False)
        split.addWidget(self._build_curves())
        split.addWidget(self._build_layers())
        split.setSizes([520, 700])
        root.addWidget(split, 1)

    def _build_curves(self) -> QWidget:
        self.curves_stack = QStackedWidget()
        page = QWidget()
        lay = QVBoxLayout(page)
        lay.setContentsMargins(0, 4, 6, 0)
        title = QLabel(self.tr("Learning curves"))
        title.setObjectName("sectionTitle")
        lay.addWidget(title)
        self.loss_plot = LearningCurvePlot(self.tr("Training loss"), self.tr("Epoch"), self.tr("Loss"))
        self.valid_plot = LearningCurvePlot(self.tr("Validation NDCG@10"), self.tr("Epoch"), self.tr("NDCG@10"))
        lay.addWidget(self.loss_plot, 1)
        lay.addWidget(self.valid_plot, 1)
        self.evidence = QTableWidget(0, 2)
        self.evidence.setHorizontalHeaderLabels([self.tr("Evidence"), self.tr("Value")])
        self.evidence.verticalHeader().hide()
        self.evidence.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.evidence.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.evidence.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.evidence.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.evidence.verticalHeader().setDefaultSectionSize(22)
        lay.addWidget(self.evidence)
        self.curves_stack.addWidget(page)
        self.no_curves = QLabel("")
        self.no_curves.setObjectName("emptyNote")
        self.no_curves.setWordWrap(True)
        self.no_curves.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.curves_stack.addWidget(self.no_curves)
        return self.curves_stack

    def _build_layers(self) -> QWidget:
        panel = QWidget()
        lay = QVBoxLayout(panel)
        lay.setContentsMargins(6, 4, 0, 0)
        title = QLabel(self.tr("For engineers: the parameters of each layer (select a row)"))
        title.setObjectName("sectionTitle")
        title.setToolTip(glossary.tip("gradient"))
        lay.addWidget(title)
        self.layers = QTableWidget(0, 6)
        self.layers.setHorizontalHeaderLabels([self.tr("Layer"), self.tr("Shape"), self.tr("Values"), self.tr("Mean"), self.tr("Std"), self.tr("Gradient std")])
        self.layers.verticalHeader().hide()
        self.layers.verticalHeader().setDefaultSectionSize(22)
        self.layers.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.layers.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.layers.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.layers.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.layers.setAlternatingRowColors(True)
        self.layers.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.layers.itemSelectionChanged.connect(self._layer_changed)
        lay.addWidget(self.layers, 1)
        hist = QGridLayout()
        self.weight_hist = ValueHistogramPlot(self.tr("Parameter values"), self.tr("Value"), self.tr("Count"))
        self.grad_hist = ValueHistogramPlot(self.tr("Gradients (one batch)"), self.tr("Gradient"), self.tr("Count"))
        hist.addWidget(self.weight_hist, 0, 0)
        hist.addWidget(self.grad_hist, 0, 1)
        hist.setColumnStretch(0, 1)
        hist.setColumnStretch(1, 1)
        lay.addLayout(hist, 2)
        self.grad_note = QLabel("")
        self.grad_note.setObjectName("muted")
        self.grad_note.setWordWrap(True)
        lay.addWidget(self.grad_note)
        self.error_label = QLabel("")
        self.error_label.setObjectName("error")
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        lay.addWidget(self.error_label)
        return panel

    # ---- run choice -----------------------------------------------------------------------------
    @Slot()
    def _fill_runs(self) -> None:
        self.run_combo.blockSignals(True)
        self.run_combo.clear()
        for run in self.state.runs:
            self.run_combo.addItem(run.name, run.id)
        self.run_combo.blockSignals(False)
        self._follow_selection()

    @Slot()
    def _follow_selection(self) -> None:
        run = self.state.current_run()
        if run is None:
            self._show_run(None)
            return
        self.run_combo.blockSignals(True)
        self.run_combo.setCurrentIndex(self.run_combo.findData(run.id))
        self.run_combo.blockSignals(False)
        self._show_run(run)

    @Slot(int)
    def _combo_changed(self, _index: int) -> None:
        run_id = self.run_combo.currentData()
        if run_id is not None:
            self.state.select(run_id=run_id)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._shown_run is not None and (self.inspection is None or self.inspection[0] != self._shown_run):
            self.inspect_requested.emit(self._shown_run)

    # ---- drawing --------------------------------------------------------------------------------
    def _show_run(self, run) -> None:
        if run is not None and run.id == self._shown_run:
            return
        self._shown_run = None if run is None else run.id
        self.loss_plot.clear_data()
        self.valid_plot.clear_data()
        self.evidence.setRowCount(0)
        self._clear_layers()
        self._show_error("")
        self._say_verdict(run)
        if run is None:
            self.run_info.setText("")
            set_style_name(self.verdict_label, "verdictInfo")
            self.verdict_label.setText(self.tr("Train a model in the Train pane to diagnose it."))
            self.no_curves.setText(self.tr("No run yet."))
            self.curves_stack.setCurrentWidget(self.no_curves)
            return
        self.run_info.setText(self.tr("{model_name} · {kind} · {v2:.1f} s on {v3}").format(model_name=model_title(run.model_name), kind=kind_text(run), v2=run.info.get('fit_seconds', 0), v3=run.info.get('device', 'cpu')))
        text, style = verdict_text(run)
        set_style_name(self.verdict_label, style)
        self.verdict_label.setText(text)
        h = run.history
        if h is None or not len(h.records):
            self.no_curves.setText(self.tr("{model_name} is not trained in epochs, so there are no learning curves and no "
                                           "over/under-fitting verdict.\n\nThe distribution of its learned weights is on the right.").format(model_name=model_title(run.model_name)))
            self.curves_stack.setCurrentWidget(self.no_curves)
        else:
            self.curves_stack.setCurrentIndex(0)
            monitor = h.monitor
            label = monitor.upper()
            self.valid_plot.getPlotItem().setTitle(self.tr("Validation {label}").format(label=label), size="10pt")
            self.valid_plot.getPlotItem().setLabel("left", label)
            self.loss_plot.set_series("loss", h.epochs, h.losses)
            vals = h.metric(monitor)
            ok = np.isfinite(vals)
            if ok.any():
                self.valid_plot.set_series(label, h.epochs[ok], vals[ok])
            if h.best_epoch is not None:
                self.valid_plot.mark(h.best_epoch, self.tr("best epoch {best_epoch}").format(best_epoch=h.best_epoch))
                self.loss_plot.mark(h.best_epoch, self.tr("best epoch {best_epoch}").format(best_epoch=h.best_epoch))
            self._fill_evidence(run)
        if self.isVisible():
            self.inspect_requested.emit(run.id)

    def _say_verdict(self, run, gradients: str = "") -> None:
        """The verdict in words and what to do, above the curves and tables."""
        if run is None:
            self.headline.setText(self.tr("Train a model in the Train pane to diagnose it."))
            self.todo_label.setText("")
            return
        verdict = run.diagnosis.verdict if run.diagnosis is not None else None
        meaning, todo = glossary.advice(verdict)
        self.headline.setText(meaning)
        self.todo_label.setText(self.tr("<b>What to do:</b> {todo}").format(todo=todo) + (f"<br>{gradients}" if gradients else ""))
        self.headline.setToolTip(glossary.tip(verdict) if verdict else "")

    def _fill_evidence(self, run) -> None:
        h, d = run.history, run.diagnosis
        ev = dict(d.evidence) if d is not None else {}
        ev.setdefault("epochs", len(h.records))
        rows = [(self.tr(label), _fmt(ev[key], kind)) for key, label, kind in EVIDENCE if key in ev]
        rows.append((self.tr("Training stopped"), {"max_epochs": self.tr("after the last epoch"), "early_stop": self.tr("early (no gain)"),
                                          "cancelled": self.tr("cancelled (best epoch kept)")}.get(h.stopped, h.stopped)))
        self.evidence.setRowCount(len(rows))
        for r, (label, value) in enumerate(rows):
            self.evidence.setItem(r, 0, _item(label))
            self.evidence.setItem(r, 1, _item(value, right=True))
        self.evidence.setFixedHeight(self.evidence.horizontalHeader().height() + 22 * len(rows) + 4)

    def _clear_layers(self) -> None:
        self.inspection = None
        self._note = ""
        self.layers.setRowCount(0)
        self.weight_hist.clear_data()
        self.grad_hist.clear_data()
        self.grad_note.setText("")

    @Slot(str, object)
    def _show_inspection(self, run_id: str, result) -> None:
        if run_id != self._shown_run:
            return
        self._clear_layers()
        self.inspection = (run_id, result)
        grads = {g.name: g for g in (result.gradients or [])}
        self.layers.setSortingEnabled(False)            # rows go in layer order; a heading click sorts
        self.layers.setRowCount(len(result.weights))
        for r, w in enumerate(result.weights):
            g = grads.get(w.name)
            name = _item(w.name, tip=w.note)
            name.setData(LAYER_ROLE, r)
            grad = NumberItem(_fmt(g.std, "num"), g.std) if g is not None else _item("–", True)
            if g is not None and g.note:
                grad.setToolTip(g.note)
            cells = (name, NumberItem(" × ".join(f"{d:,}" for d in w.shape), float(np.prod(w.shape))),
                     NumberItem(f"{w.n_values:,}", w.n_values), NumberItem(_fmt(w.mean, "num"), w.mean),
                     NumberItem(_fmt(w.std, "num"), w.std), grad)
            for c, cell in enumerate(cells):
                self.layers.setItem(r, c, cell)
        self.layers.setSortingEnabled(True)
        self.layers.resizeColumnsToContents()
        self.layers.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        note = result.gradient_note
        self._note = f"{note[0].upper()}{note[1:]}" + ("." if result.gradients is not None else "")
        status, reading = self.controller.reading(result)
        if status != "none":
            self._say_verdict(self.state.run(run_id), reading)
        self.grad_note.setText(self._note)
        if result.weights:
            self.layers.selectRow(0)

    @Slot()
    def _layer_changed(self) -> None:
        rows = self.layers.selectionModel().selectedRows()
        if not rows or self.inspection is None:
            return
        result = self.inspection[1]
        w = result.weights[int(self.layers.item(rows[0].row(), 0).data(LAYER_ROLE))]
        self.weight_hist.set_histogram(w.edges, w.counts)
        self.weight_hist.setTitle(self.tr("Values of {name}").format(name=w.name), size="10pt")
        g = next((g for g in (result.gradients or []) if g.name == w.name), None)
        notes = [self.tr("Values: {note}.").format(note=w.note) if w.note else ""]
        if g is None:
            self.grad_hist.clear_data()
            self.grad_hist.setTitle(self.tr("Gradients: not applicable") if result.gradients is None
                                    else self.tr("No gradient for {name}").format(name=w.name), size="10pt")
        else:
            self.grad_hist.set_histogram(g.edges, g.counts)
            self.grad_hist.setTitle(self.tr("Gradients of {name}").format(name=w.name), size="10pt")
            notes.append(self.tr("Gradients: {note}.").format(note=g.note) if g.note else "")
        self.grad_note.setText(" ".join(filter(None, [self._note, *notes])))

    @Slot(str)
    def _show_error(self, message: str) -> None:
        self.error_label.setText(message)
        self.error_label.setVisible(bool(message))

    @Slot(bool)
    def _set_busy(self, busy: bool) -> None:
        if busy:
            self._show_error("")
            self.grad_note.setText(self.tr("Computing histograms…"))
