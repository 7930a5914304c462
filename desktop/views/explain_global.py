"""Explain pane tabs about the whole model: the global SHAP summary and the surrogate rules.

Both are computed in workers (``ExplainController``) with progress and Cancel; results are kept
per run (and settings) while the app runs, so switching models back and forth redraws at once.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (QAbstractItemView, QHBoxLayout, QHeaderView, QLabel, QPushButton, QSpinBox,
                               QSplitter, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from desktop.translate import translate
from desktop.controllers.explain_controller import ExplainController
from desktop.plots.beeswarm import BeeswarmPlot
from desktop.plots.hbars import HBarPlot
from desktop.views.explain_cards import titled
from desktop.widgets.tables import NumberItem
from desktop.widgets.style import show_message as _message
from desktop.widgets.progress import ProgressStrip
from PySide6.QtCore import QT_TRANSLATE_NOOP


class _GlobalTab(QWidget):
    """A run button, a progress strip, a message line, a title and a note around ``content``."""

    button_text = ""

    def __init__(self, controller: ExplainController, channel, parent: QWidget | None = None):
        super().__init__(parent)
        self.controller, self.channel = controller, channel
        self.run_id: str | None = None
        self.k = 10
        self.kept: dict = {}
        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 6, 6, 6)
        lay.setSpacing(5)
        self.controls = QHBoxLayout()
        self.run_button = QPushButton(translate(type(self).__name__, self.button_text))
        self.run_button.setObjectName("primary")
        self.run_button.clicked.connect(self.start)
        self.strip = ProgressStrip()
        self.strip.cancel_requested.connect(channel.cancel)
        lay.addLayout(self.controls)
        lay.addWidget(self.strip)
        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.message.hide()
        self.title = QLabel("")
        self.title.setObjectName("sectionTitle")
        self.title.setWordWrap(True)
        self.note = QLabel("")
        self.note.setObjectName("muted")
        self.note.setWordWrap(True)
        lay.addWidget(self.message)
        lay.addWidget(self.title)
        self.body = QVBoxLayout()
        lay.addLayout(self.body, 1)
        lay.addWidget(self.note)
        channel.progress.connect(self.strip.show_progress)
        channel.running_changed.connect(self._running)
        channel.done.connect(self._done)
        channel.failed.connect(lambda msg, _tag: _message(self.message, msg))
        channel.cancelled.connect(lambda _tag: _message(self.message, self.tr("Cancelled; nothing was changed."), "info"))

    def key(self):
        return self.run_id

    def bind(self, run_id: str | None, k: int) -> None:
        """Follow the pane's run and top-K: show what is kept for them, else an empty view."""
        self.run_id, self.k = run_id, int(k)
        _message(self.message, "")
        kept = self.kept.get(self.key())
        if kept is not None:
            self.draw(kept)
        else:
            self.clear()

    @Slot(bool)
    def _running(self, running: bool) -> None:
        self.run_button.setEnabled(not running)
        if not running:
            self.strip.hide()

    def _done(self, result, key) -> None:
        self.kept[key] = result
        if key == self.key():
            _message(self.message, "")
            self.draw(result)

    def start(self) -> None:
        raise NotImplementedError

    def draw(self, result) -> None:
        raise NotImplementedError

    def clear(self) -> None:
        raise NotImplementedError


class ShapSummaryTab(_GlobalTab):
    """Mean |SHAP| per feature and the beeswarm over many (customer, recommended item) pairs."""

    button_text = QT_TRANSLATE_NOOP("ShapSummaryTab", "Compute summary")

    def __init__(self, controller: ExplainController, parent: QWidget | None = None):
        super().__init__(controller, controller.summary, parent)
        self.pairs = QSpinBox()
        self.pairs.setRange(50, 5000)
        self.pairs.setSingleStep(50)
        self.pairs.setValue(500)
        self.pairs.setToolTip(self.tr("How many (customer, recommended item) pairs to explain"))
        self.controls.addWidget(QLabel(self.tr("Recommendations to explain")))
        self.controls.addWidget(self.pairs)
        self.controls.addWidget(self.run_button)
        self.controls.addStretch(1)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.setChildrenCollapsible(False)
        self.bars = HBarPlot("", self.tr("mean |SHAP| of the margin"), label_width=26)
        self.swarm = BeeswarmPlot("", self.tr("SHAP value of the margin"), label_width=26)
        split.addWidget(titled(self.tr("Mean |SHAP| per feature"), self.bars))
        split.addWidget(titled(self.tr("Every recommendation: one dot each (colour: the feature's value, blue low → red high; "
                                       "grey: a name without order)"), self.swarm))
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 3)
        self.body.addWidget(split, 1)
        self.clear()

    def key(self):
        return (self.run_id, self.k)

    def start(self) -> None:
        self.strip.start(self.tr("Explaining recommendations…"))
        _message(self.message, "")
        self.controller.request_summary(self.run_id, self.k, self.pairs.value())

    def _done(self, result, tag) -> None:
        super()._done(result, (tag, result.k))

    def draw(self, summary) -> None:
        order = summary.order()
        self.title.setText(summary.title)
        self.note.setText(summary.note)
        self.bars.set_bars([summary.features[f] for f in order], summary.mean_abs[order], decimals=4)
        self.swarm.set_swarm(summary.features, summary.values, summary.feature_values, summary.value_labels, order)

    def clear(self) -> None:
        self.title.setText(self.tr("What drives this model's top-K across many customers"))
        self.note.setText(self.tr("Press “Compute summary”: SHAP explains each recommendation's margin over the item "
                                  "ranked K+1, for a sample of customers (a few seconds; it can be cancelled)."))
        self.bars.set_bars([], [])
        self.swarm.clear_data()
        self.swarm.points = 0


class SurrogateTab(_GlobalTab):
    """Readable IF … THEN rules of a shallow tree that mimics the top-K, with held-out fidelity."""

    button_text = QT_TRANSLATE_NOOP("SurrogateTab", "Fit rules")
    COLUMNS = (QT_TRANSLATE_NOOP("SurrogateTab", "If"), QT_TRANSLATE_NOOP("SurrogateTab", "Then"), QT_TRANSLATE_NOOP("SurrogateTab", "Precision"), QT_TRANSLATE_NOOP("SurrogateTab", "Held-out pairs"), QT_TRANSLATE_NOOP("SurrogateTab", "Share of top-K"))

    def __init__(self, controller: ExplainController, parent: QWidget | None = None):
        super().__init__(controller, controller.surrogate, parent)
        self.depth = QSpinBox()
        self.depth.setRange(1, 6)
        self.depth.setValue(3)
        self.depth.setToolTip(self.tr("Deeper trees mimic better but give longer rules"))
        self.controls.addWidget(QLabel(self.tr("Tree depth")))
        self.controls.addWidget(self.depth)
        self.controls.addWidget(self.run_button)
        self.controls.addStretch(1)
        self.fidelity = QLabel("")
        self.fidelity.setObjectName("verdictInfo")
        self.fidelity.setWordWrap(True)
        self.table = QTableWidget(0, len(self.COLUMNS))
        self.table.setHorizontalHeaderLabels([self.tr(c) for c in self.COLUMNS])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(True)
        self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for c in range(1, len(self.COLUMNS)):
            header.setSectionResizeMode(c, QHeaderView.ResizeMode.ResizeToContents)
        self.features = QLabel("")
        self.features.setObjectName("muted")
        self.features.setWordWrap(True)
        self.body.addWidget(self.fidelity)
        self.body.addWidget(self.table, 1)
        self.body.addWidget(self.features)
        self.clear()

    def key(self):
        return (self.run_id, self.k, self.depth.value())

    def start(self) -> None:
        self.strip.start(self.tr("Fitting the surrogate tree…"))
        _message(self.message, "")
        self.controller.request_surrogate(self.run_id, self.k, self.depth.value())

    def _done(self, result, tag) -> None:
        super()._done(result, (tag, result.k, result.max_depth))

    def draw(self, tree) -> None:
        f = tree.fidelity
        self.title.setText(tree.title)
        self.note.setText(tree.note)
        self.fidelity.setText(
            self.tr("On {pairs:,} (customer, item) pairs of held-out customers the rules agree with the "
                    "model {v1:.1f}% of the time (always answering “not recommended” would agree {v2:.1f}%): "
                    "balanced accuracy {balanced_accuracy:.2f}, precision {precision:.2f}, recall "
                    "{recall:.2f}, F1 {f1:.2f}.").format(pairs=f['pairs'], v1=100 * f['agreement'], v2=100 * f['majority_agreement'], balanced_accuracy=f['balanced_accuracy'], precision=f['precision'], recall=f['recall'], f1=f['f1']))
        self.fidelity.show()
        self.table.setSortingEnabled(False)              # rows in the tree's order; a heading click sorts
        self.table.setRowCount(len(tree.rules))
        for r, rule in enumerate(tree.rules):
            rule_cell = QTableWidgetItem(self.tr(" AND ").join(rule.conditions) or "always")
            rule_cell.setToolTip(rule.text)
            cells = (rule_cell, QTableWidgetItem("recommended" if rule.recommended else self.tr("not recommended")),
                     NumberItem("–" if np.isnan(rule.precision) else f"{rule.precision:.2f}",
                                -1.0 if np.isnan(rule.precision) else rule.precision),
                     NumberItem(f"{rule.n:,}", rule.n),
                     NumberItem("–" if np.isnan(rule.recall) else f"{100 * rule.recall:.1f}%",
                                -1.0 if np.isnan(rule.recall) else rule.recall))
            for c, cell in enumerate(cells):
                self.table.setItem(r, c, cell)
        self.table.setSortingEnabled(True)
        self.table.resizeRowsToContents()
        used = np.argsort(-tree.importances, kind="stable")
        used = [f"{tree.features[i]} ({tree.importances[i]:.2f})" for i in used if tree.importances[i] > 0][:6]
        self.features.setText(self.tr("Features the tree uses most (importance): ") + ", ".join(used) if used else "")

    def clear(self) -> None:
        self.title.setText(self.tr("Rules that mimic this model's top-K"))
        self.note.setText(self.tr("Press “Fit rules”: a shallow decision tree on catalog fields and simple statistics "
                                  "learns which items the model puts in a customer's top-K; its agreement is measured on "
                                  "customers it never saw."))
        self.fidelity.hide()
        self.table.setRowCount(0)
        self.features.setText("")
