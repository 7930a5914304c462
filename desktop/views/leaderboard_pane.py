"""Leaderboard pane: every run's test metrics at a chosen K (sortable), the chosen metric with
95 % bootstrap intervals, the paired comparison of two selected runs in plain words, metrics per
customer-activity group, popularity bias and coverage, and the ROC curve where ratings allow.

All numbers come from the runs and from LeaderboardController's engine calls; the pane only
formats and draws them. Analyses refresh while the pane is visible (else on the next show).
"""

from __future__ import annotations

import math

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QSortFilterProxyModel, Qt, Signal, Slot
from PySide6.QtGui import QAction, QColor, QFont, QKeySequence
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QHBoxLayout, QHeaderView, QInputDialog, QLabel,
                               QMenu, QMessageBox, QPushButton, QSplitter, QStackedWidget, QTableView,
                               QTabWidget, QVBoxLayout, QWidget)

from desktop import glossary
from desktop.controllers.leaderboard_controller import KS, LeaderboardController
from desktop.plots.bars import PALETTE, BarPlot, GroupedBarPlot
from desktop.plots.curves import CurvePlot
from desktop.plots.scatter import LabelledScatter
from desktop.state import AppState
from desktop.widgets.style import set_style_name
from desktop.translate import translate
from PySide6.QtCore import QT_TRANSLATE_NOOP

#: (metric name without @K, column title, tooltip), in column order.
METRICS = (
    ("ndcg", QT_TRANSLATE_NOOP("LeaderboardPane", "NDCG"), QT_TRANSLATE_NOOP("LeaderboardPane", "Ranking quality: hits near the top of the list count most (0–1)")),
    ("recall", QT_TRANSLATE_NOOP("LeaderboardPane", "Recall"), QT_TRANSLATE_NOOP("LeaderboardPane", "Share of each customer's test purchases found in the top K")),
    ("precision", QT_TRANSLATE_NOOP("LeaderboardPane", "Precision"), QT_TRANSLATE_NOOP("LeaderboardPane", "Share of the top K that the customer bought")),
    ("hit", QT_TRANSLATE_NOOP("LeaderboardPane", "HitRate"), QT_TRANSLATE_NOOP("LeaderboardPane", "Share of customers with at least one test purchase in the top K")),
    ("map", QT_TRANSLATE_NOOP("LeaderboardPane", "MAP"), QT_TRANSLATE_NOOP("LeaderboardPane", "Mean average precision")),
    ("mrr", QT_TRANSLATE_NOOP("LeaderboardPane", "MRR"), QT_TRANSLATE_NOOP("LeaderboardPane", "1 / rank of the first hit")),
    ("f1", "F1", QT_TRANSLATE_NOOP("LeaderboardPane", "Balance of precision and recall")),
    ("coverage", QT_TRANSLATE_NOOP("LeaderboardPane", "Coverage"), QT_TRANSLATE_NOOP("LeaderboardPane", "Share of all items that appear in someone's top K")),
    ("novelty", QT_TRANSLATE_NOOP("LeaderboardPane", "Novelty"), QT_TRANSLATE_NOOP("LeaderboardPane", "How unexpected the recommended items are (bits; higher = less popular)")),
    ("diversity", QT_TRANSLATE_NOOP("LeaderboardPane", "Diversity"), QT_TRANSLATE_NOOP("LeaderboardPane", "How different the items of one list are (0–1)")),
    ("arp", QT_TRANSLATE_NOOP("LeaderboardPane", "Avg pop."), QT_TRANSLATE_NOOP("LeaderboardPane", "Average training purchases of the recommended items (popularity bias)")),
)
FIXED = (QT_TRANSLATE_NOOP("LeaderboardPane", "Run"), QT_TRANSLATE_NOOP("LeaderboardPane", "Kind"))
NOTE = QT_TRANSLATE_NOOP("LeaderboardPane", "Note")
GREY = "#9ca3af"
#: run.kind -> what the Kind column says
KINDS = {"trained": QT_TRANSLATE_NOOP("LeaderboardPane", "trained"),
         "tuned": QT_TRANSLATE_NOOP("LeaderboardPane", "tuned (searched settings)"),
         "compressed": QT_TRANSLATE_NOOP("LeaderboardPane", "compressed")}


def kind_text(run) -> str:
    """"trained", or "trained · cancelled" for a run the user stopped early."""
    text = translate("LeaderboardPane", KINDS.get(run.kind, run.kind))
    return translate("LeaderboardPane", "{text} · cancelled").format(text=text) if run.info.get("cancelled") else text


def cancelled_note(run) -> str:
    h = run.history
    at = translate("LeaderboardPane", " after epoch {epoch}").format(epoch=h.records[-1].epoch) if h is not None and h.records else ""
    best = translate("LeaderboardPane", " (its best epoch, {best_epoch}, was kept)").format(best_epoch=h.best_epoch) if h is not None and h.best_epoch else ""
    return (translate("LeaderboardPane", "Cancelled{at}: training was stopped by you before it finished{best}; a full run may score higher.").format(at=at, best=best))


def roc_title(name: str, roc, threshold: float) -> str:
    """The ROC chart's title in words; the per-customer AUC only when some customer has it."""
    head = translate("LeaderboardPane", "ROC of {name} (liked = rating ≥ {threshold:g}): ").format(name=name, threshold=threshold)
    if math.isnan(roc.pooled_auc):
        return head + translate("LeaderboardPane", "no AUC: the test ratings are all liked or all not liked")
    if math.isnan(roc.auc):
        return head + (translate("LeaderboardPane", "AUC {pooled_auc:.3f} over all test ratings; no AUC per customer (no test customer has "
                                                    "both liked and other ratings)").format(pooled_auc=roc.pooled_auc))
    return head + translate("LeaderboardPane", "AUC {auc:.3f} per customer ({n_users:,} customers), {pooled_auc:.3f} pooled").format(auc=roc.auc, n_users=roc.n_users, pooled_auc=roc.pooled_auc)


class RunTableModel(QAbstractTableModel):
    """Runs × (name, model, kind, metrics at ``k``); ``Qt.UserRole`` holds the sortable raw value."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.runs: list = []
        self.k = 10
        self.test: str | None = None

    def set_test(self, test: str | None) -> None:
        """Show the metrics of the further test set ``test`` (None: the split's test part)."""
        self.beginResetModel()
        self.test = test
        self.endResetModel()

    def set_runs(self, runs, k: int) -> None:
        self.beginResetModel()
        self.runs, self.k = list(runs), int(k)
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.runs)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(FIXED) + len(METRICS) + 1

    def note_column(self) -> int:
        return len(FIXED) + len(METRICS)

    def metric_key(self, column: int) -> str | None:
        return None if column < len(FIXED) or column >= self.note_column() else \
            f"{METRICS[column - len(FIXED)][0]}@{self.k}"

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation != Qt.Orientation.Horizontal:
            return None
        if section == self.note_column():
            return {Qt.ItemDataRole.DisplayRole: translate("LeaderboardPane", NOTE),
                    Qt.ItemDataRole.ToolTipRole: self.tr("Your note on the run (Note… below the table)")}.get(role)
        if role == Qt.ItemDataRole.DisplayRole:
            return translate("LeaderboardPane", FIXED[section]) if section < len(FIXED) else \
                f"{translate('LeaderboardPane', METRICS[section - len(FIXED)][1])}\n@{self.k}"
        if role == Qt.ItemDataRole.ToolTipRole and section >= len(FIXED):
            return glossary.tip(METRICS[section - len(FIXED)][0]) or translate("LeaderboardPane",
                                                                               METRICS[section - len(FIXED)][2])
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        run, col = self.runs[index.row()], index.column()
        cancelled = bool(run.info.get("cancelled"))
        if col == self.note_column():
            note = run.info.get("note", "")
            if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.UserRole, Qt.ItemDataRole.ToolTipRole):
                return note
            return None
        if col < len(FIXED):
            value = (run.name, kind_text(run))[col]
            if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.UserRole):
                return value
            if role == Qt.ItemDataRole.ToolTipRole:
                if col == 1 and cancelled:
                    return cancelled_note(run)
                if col == 0:
                    return self.tr("model {model_name}: ").format(model_name=run.model_name) + (", ".join(f"{k} = {v}" for k, v in run.params.items())
                                                          or self.tr("no settings")) + \
                        (f"\n{cancelled_note(run)}" if cancelled else "") + \
                        (self.tr("\nNote: {note}").format(note=run.info['note']) if run.info.get("note") else "")
            if role == Qt.ItemDataRole.ForegroundRole and cancelled:
                return QColor("#b45309")
            if role == Qt.ItemDataRole.FontRole and cancelled:
                font = QFont()
                font.setItalic(True)
                return font
            return None
        value = run.metrics_of(self.test).get(self.metric_key(col), math.nan)
        if role == Qt.ItemDataRole.DisplayRole:
            return "–" if math.isnan(value) else (f"{value:.1f}" if METRICS[col - len(FIXED)][0] == "arp"
                                                 else f"{value:.4f}")
        if role == Qt.ItemDataRole.UserRole:
            return -math.inf if math.isnan(value) else float(value)
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{value!r}"
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class LeaderboardPane(QWidget):
    comparison_requested = Signal(str, str, str)

    def __init__(self, state: AppState, controller: LeaderboardController, parent: QWidget | None = None):
        super().__init__(parent)
        self.state = state
        self.controller = controller
        self.picked: list[str] = []
        self._dirty = True
        self._cis: dict = {}
        self._build()
        controller.intervals_ready.connect(self._show_intervals)
        controller.compared.connect(self._show_comparison)
        controller.compare_failed.connect(self._comparison_failed)
        controller.groups_ready.connect(self._show_groups)
        controller.item_groups_ready.connect(self._show_item_groups)
        controller.roc_ready.connect(self._show_roc)
        controller.roc_failed.connect(self._roc_failed)
        controller.failed.connect(self._show_error)
        self.comparison_requested.connect(controller.request_comparison)
        state.runs_changed.connect(self._runs_changed)
        state.selection_changed.connect(self._selection_changed)
        self._runs_changed()

    # ---- layout -------------------------------------------------------------------------------
    def _build(self) -> None:
        root = QVBoxLayout(self)
        root.setContentsMargins(12, 10, 12, 8)
        bar = QHBoxLayout()
        bar.addWidget(QLabel(self.tr("Cut-off K:")))
        self.k_combo = QComboBox()
        for k in KS:
            self.k_combo.addItem(self.tr("top {k}").format(k=k), k)
        self.k_combo.setCurrentIndex(self.k_combo.findData(10))
        self.k_combo.setToolTip(self.tr("Length of the recommendation list the metrics look at"))
        self.k_combo.currentIndexChanged.connect(self._k_changed)
        bar.addWidget(self.k_combo)
        bar.addSpacing(16)
        bar.addWidget(QLabel(self.tr("Chart metric:")))
        self.metric_combo = QComboBox()
        for key, title, tip in METRICS:
            self.metric_combo.addItem(self.tr(title), key)
            self.metric_combo.setItemData(self.metric_combo.count() - 1, glossary.tip(key) or self.tr(tip),
                                          Qt.ItemDataRole.ToolTipRole)
        self.metric_combo.currentIndexChanged.connect(self._metric_changed)
        bar.addWidget(self.metric_combo)
        bar.addSpacing(16)
        self.test_label = QLabel(self.tr("Test set:"))
        bar.addWidget(self.test_label)
        self.test_combo = QComboBox()
        self.test_combo.setToolTip(self.tr("Which test events the table shows: the split's test part, or a further "
                                           "test set the same fitted models were evaluated on (e.g. never-sold items)"))
        self.test_combo.currentIndexChanged.connect(self._test_changed)
        bar.addWidget(self.test_combo)
        bar.addSpacing(16)
        self.hint = QLabel(self.tr("Click a run to select it; Ctrl+click a second run to compare the two."))
        self.hint.setObjectName("muted")
        bar.addWidget(self.hint, 1)
        root.addLayout(bar)

        split = QSplitter(Qt.Orientation.Vertical)
        split.setChildrenCollapsible(False)
        top = QWidget()
        tl = QVBoxLayout(top)
        tl.setContentsMargins(0, 0, 0, 0)
        self.table_model = RunTableModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.table_model)
        self.proxy.setSortRole(Qt.ItemDataRole.UserRole)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(len(FIXED), Qt.SortOrder.DescendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(22)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setMinimumHeight(90)
        self.table.selectionModel().selectionChanged.connect(self._table_selection)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._run_menu)
        tl.addWidget(self.table, 1)
        actions = QHBoxLayout()
        self.rename_action = self._run_action(self.tr("Rename…"), self.tr("Give the selected run another name (F2)"),
                                              self.rename_selected, "F2")
        self.note_action = self._run_action(self.tr("Note…"), self.tr("Write a note on the selected run (why you trained it, what you saw); it is saved with the run"), self.annotate_selected)
        self.delete_action = self._run_action(self.tr("Delete…"), self.tr("Remove the selected runs (asks first; Delete key)"),
                                              self.delete_selected, QKeySequence.StandardKey.Delete)
        for act in (self.rename_action, self.note_action, self.delete_action):
            button = QPushButton(act.text())
            button.setToolTip(act.toolTip())
            button.clicked.connect(act.trigger)
            act.changed.connect(lambda b=button, a=act: b.setEnabled(a.isEnabled()))
            actions.addWidget(button)
        actions.addStretch(1)
        tl.addLayout(actions)
        self.compare_label = QLabel("")
        self.compare_label.setObjectName("compareNote")
        self.compare_label.setWordWrap(True)
        self.compare_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        tl.addWidget(self.compare_label)
        self.error_label = QLabel("")
        self.error_label.setObjectName("error")
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        tl.addWidget(self.error_label)
        split.addWidget(top)

        bottom = QSplitter(Qt.Orientation.Horizontal)
        bottom.setChildrenCollapsible(False)
        self.bar_plot = BarPlot(self.tr("NDCG@10 with 95 % interval over customers"), "", self.tr("NDCG@10"))
        bottom.addWidget(self.bar_plot)
        self.tabs = QTabWidget()
        self.group_plot = GroupedBarPlot(self.tr("By customer activity"), self.tr("Training purchases per customer"), self.tr("NDCG@10"))
        self.tabs.addTab(self.group_plot, self.tr("Customer groups"))
        pop = QWidget()
        pl = QHBoxLayout(pop)
        pl.setContentsMargins(0, 0, 0, 0)
        self.pop_scatter = LabelledScatter(self.tr("Popularity bias vs coverage"), self.tr("Coverage@10 (share of items shown)"),
                                           self.tr("Avg popularity of recommended items"))
        self.item_plot = GroupedBarPlot(self.tr("Where recommendations go"), self.tr("Items by popularity"),
                                        self.tr("Share of top-10 slots"))
        pl.addWidget(self.pop_scatter, 1)
        pl.addWidget(self.item_plot, 1)
        self.tabs.addTab(pop, self.tr("Popularity && coverage"))
        self.roc_stack = QStackedWidget()
        self.roc_plot = CurvePlot(self.tr("ROC"), self.tr("False positive rate"), self.tr("True positive rate"))
        self.roc_note = QLabel("")
        self.roc_note.setObjectName("emptyNote")
        self.roc_note.setWordWrap(True)
        self.roc_note.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.roc_stack.addWidget(self.roc_plot)
        self.roc_stack.addWidget(self.roc_note)
        self.tabs.addTab(self.roc_stack, self.tr("ROC"))
        self.tabs.currentChanged.connect(lambda _i: self._refresh_tab())
        bottom.addWidget(self.tabs)
        bottom.setStretchFactor(0, 2)
        bottom.setStretchFactor(1, 3)
        bottom.setSizes([460, 740])
        split.addWidget(bottom)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 3)
        split.setSizes([190, 500])
        root.addWidget(split, 1)

    def _run_action(self, text: str, tip: str, slot, shortcut=None) -> QAction:
        act = QAction(text, self)
        act.setToolTip(tip)
        act.triggered.connect(slot)
        if shortcut is not None:
            act.setShortcut(QKeySequence(shortcut))
            act.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            self.table.addAction(act)
        act.setEnabled(False)
        return act

    @Slot(object)
    def _run_menu(self, pos) -> None:
        if self.selected_run_ids():
            menu = QMenu(self)
            menu.addActions([self.rename_action, self.note_action, self.delete_action])
            menu.popup(self.table.viewport().mapToGlobal(pos))

    # ---- renaming, notes, deleting ------------------------------------------------------------------
    def selected_run_ids(self) -> list[str]:
        rows = sorted(self.proxy.mapToSource(i).row() for i in self.table.selectionModel().selectedRows())
        return [self.table_model.runs[r].id for r in rows if r < len(self.table_model.runs)]

    @Slot()
    def rename_selected(self) -> None:
        ids = self.selected_run_ids()
        if len(ids) != 1:
            return
        run = self.state.run(ids[0])
        name, ok = QInputDialog.getText(self, self.tr("Rename run"), self.tr("New name for “{name}”:").format(name=run.name), text=run.name)
        if ok:
            self._show_error(self.controller.rename(run.id, name))

    @Slot()
    def annotate_selected(self) -> None:
        ids = self.selected_run_ids()
        if len(ids) != 1:
            return
        run = self.state.run(ids[0])
        note, ok = QInputDialog.getMultiLineText(self, self.tr("Note on the run"), self.tr("Your note on “{name}” (empty removes it):").format(name=run.name), run.info.get("note", ""))
        if ok:
            self.controller.annotate(run.id, note)

    @Slot()
    def delete_selected(self) -> None:
        runs = [self.state.run(i) for i in self.selected_run_ids()]
        if not runs:
            return
        what = self.tr("the run “{name}”").format(name=runs[0].name) if len(runs) == 1 else self.tr("{runs} runs ({v1})").format(runs=len(runs), v1=', '.join(r.name for r in runs))
        answer = QMessageBox.question(self, self.tr("Delete runs"), self.tr("Delete {what}? Its model and results are removed (from the project file too, when one "
                                                                   "is open). This cannot be undone.").format(what=what),
                                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
                                      QMessageBox.StandardButton.Cancel)
        if answer == QMessageBox.StandardButton.Yes:
            for run in runs:
                self.controller.delete(run.id)

    # ---- properties ---------------------------------------------------------------------------
    @property
    def k(self) -> int:
        return int(self.k_combo.currentData())

    @property
    def metric(self) -> str:
        return f"{self.metric_combo.currentData()}@{self.k}"

    def set_k(self, k: int) -> None:
        self.k_combo.setCurrentIndex(self.k_combo.findData(k))

    def set_metric(self, name: str) -> None:
        self.metric_combo.setCurrentIndex(self.metric_combo.findData(name))

    def row_values(self, column_title: str) -> dict[str, str]:
        """{run name: displayed text} of the column headed ``column_title`` (e.g. "NDCG@10")."""
        cols = [c for c in range(self.proxy.columnCount())
                if self.proxy.headerData(c, Qt.Orientation.Horizontal).replace("\n", "") == column_title]
        if not cols:
            return {}
        return {self.proxy.index(r, 0).data(): self.proxy.index(r, cols[0]).data()
                for r in range(self.proxy.rowCount())}

    def select_runs(self, *run_ids: str) -> None:
        """Select these runs in the table (in this order: the last one becomes the app's selection)."""
        sm = self.table.selectionModel()
        sm.clearSelection()
        for rid in run_ids:
            row = next(i for i, r in enumerate(self.table_model.runs) if r.id == rid)
            idx = self.proxy.mapFromSource(self.table_model.index(row, 0))
            sm.select(idx, sm.SelectionFlag.Select | sm.SelectionFlag.Rows)

    def _fit_columns(self) -> None:
        """Run columns fit their names; metric columns fit their two-line title and a 0.0000 value."""
        self.table.resizeColumnToContents(0)
        fm = self.table.horizontalHeader().fontMetrics()
        for c in range(1, self.table_model.columnCount()):
            title = str(self.table_model.headerData(c, Qt.Orientation.Horizontal))
            text = max(fm.horizontalAdvance(line) for line in [*title.split("\n"), "0.00000"])
            self.table.setColumnWidth(c, text + 26)

    # ---- refresh ------------------------------------------------------------------------------
    def _fill_tests(self) -> None:
        """The test-set choices: the split's test part, then every further test set of any run."""
        names = sorted({t for r in self.state.runs for t in r.test_sets})
        current = self.test_combo.currentData()
        self.test_combo.blockSignals(True)
        self.test_combo.clear()
        self.test_combo.addItem(self.tr("split test part"), None)
        for name in names:
            self.test_combo.addItem(name, name)
        index = self.test_combo.findData(current) if current in names else 0
        self.test_combo.setCurrentIndex(index)
        self.test_combo.blockSignals(False)
        for w in (self.test_label, self.test_combo):
            w.setVisible(bool(names))
        self.table_model.set_test(self.test_combo.currentData())

    @Slot(int)
    def _test_changed(self, _i: int) -> None:
        self.table_model.set_test(self.test_combo.currentData())
        self._fit_columns()

    @Slot()
    def _runs_changed(self) -> None:
        self._fill_tests()
        ids = {r.id for r in self.state.runs}
        self.picked = [p for p in self.picked if p in ids]
        self._set_runs()
        self._cis = {}
        self._dirty = True
        self._draw_bars()
        if not self.state.runs:
            self.compare_label.setText(self.tr("Train models in the Train pane; each finished run appears here."))
        elif len(self.picked) < 2:
            self.compare_label.setText(self.tr("Select two runs (Ctrl+click) to test whether one is really better."))
        self._refresh()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self._fit_columns()
        self._refresh()

    def _refresh(self) -> None:
        """Ask for the analyses of the current K / metric (only while visible)."""
        if not self.isVisible() or not self._dirty or not self.state.runs:
            return
        self._dirty = False
        self.controller.request_intervals(self.metric)
        self._refresh_tab(force=True)
        if len(self.picked) == 2:
            self._compare()

    def _set_runs(self) -> None:
        """Refill the table (runs or K changed), keeping the selected runs selected."""
        self.table_model.set_runs(self.state.runs, self.k)
        self._fit_columns()
        sm = self.table.selectionModel()
        sm.blockSignals(True)
        for rid in self.picked:
            row = next(i for i, r in enumerate(self.table_model.runs) if r.id == rid)
            sm.select(self.proxy.mapFromSource(self.table_model.index(row, 0)),
                      sm.SelectionFlag.Select | sm.SelectionFlag.Rows)
        sm.blockSignals(False)
        self.table.viewport().update()
        self._update_actions()

    def _update_actions(self) -> None:
        n = len(self.selected_run_ids())
        self.rename_action.setEnabled(n == 1)
        self.note_action.setEnabled(n == 1)
        self.delete_action.setEnabled(n >= 1)

    def _per_customer(self, run) -> bool:
        """Whether the chart metric has a value per customer for ``run`` (list-level ones such as
        coverage describe all lists together)."""
        return run is not None and run.evaluation is not None and self.metric in run.evaluation.per_user

    def _compare(self) -> None:
        """The paired comparison of the two picked runs, or why a list-level metric has none."""
        a, b = (self.state.run(p) for p in self.picked)
        if self._per_customer(a) and self._per_customer(b):
            self.comparison_requested.emit(a.id, b.id, self.metric)
            return
        label = glossary.metric_name(self.metric)
        values = "; ".join(f"{r.name} {r.metrics.get(self.metric, math.nan):.4g}" for r in (a, b))
        set_style_name(self.compare_label, "compareResult")
        self.compare_label.setText(
            self.tr("{label} describes all the lists together, not each customer, so there is no "
                    "customer-by-customer test for it: {values}. Choose a per-customer metric (NDCG, Recall, "
                    "…) to test whether one run is really better.").format(label=label, values=values))
        self.compare_label.setToolTip("")

    def _refresh_tab(self, force: bool = False) -> None:
        if not self.state.runs or not self.isVisible():
            return
        tab = self.tabs.currentIndex()
        if tab == 0:
            self.controller.request_groups(self.metric)
        elif tab == 1:
            self._draw_popularity()
            self.controller.request_item_groups(self.k)
        else:
            run = self.state.current_run()
            if run is not None:
                self.controller.request_roc(run.id)

    @Slot(int)
    def _k_changed(self, _i: int) -> None:
        self._set_runs()
        self._metric_changed()

    @Slot()
    def _metric_changed(self, *_a) -> None:
        self._cis = {}
        self._draw_bars()
        self._dirty = True
        self._refresh()

    # ---- selection ----------------------------------------------------------------------------
    @Slot()
    def _table_selection(self, *_a) -> None:
        rows = {self.proxy.mapToSource(i).row() for i in self.table.selectionModel().selectedRows()}
        selected = [self.table_model.runs[r].id for r in sorted(rows)]
        kept = [p for p in self.picked if p in selected]
        self.picked = (kept + [s for s in selected if s not in kept])[-2:]
        self._draw_bars()
        self._update_actions()
        if self.picked:
            self.state.select(run_id=self.picked[-1])
        if len(self.picked) == 2:
            names = [self.state.run(p).name for p in self.picked]
            self.compare_label.setText(self.tr("Comparing {v0} and {v1}…").format(v0=names[0], v1=names[1]))
            set_style_name(self.compare_label, "compareNote")
            self._compare()
        elif self.state.runs:
            set_style_name(self.compare_label, "compareNote")
            self.compare_label.setText(self.tr("Select two runs (Ctrl+click) to test whether one is really better."))

    @Slot()
    def _selection_changed(self) -> None:
        if self.tabs.currentIndex() == 2:
            self._refresh_tab()

    # ---- drawing ------------------------------------------------------------------------------
    def _draw_bars(self) -> None:
        runs = self.state.runs
        metric = self.metric
        label = glossary.metric_name(metric)
        values = [r.metrics.get(metric, math.nan) for r in runs]
        cis = [self._cis.get(r.id) for r in runs]
        low = [c.low if c is not None else math.nan for c in cis]
        high = [c.high if c is not None else math.nan for c in cis]
        selected = {i for i, r in enumerate(runs) if r.id in self.picked}
        global_metric = self.metric_combo.currentData() == "coverage"
        self.bar_plot.setTitle(f"{label}" + ("" if global_metric else self.tr(" with 95 % interval over customers")),
                               size="10pt")
        self.bar_plot.getPlotItem().setLabel("left", label)
        decimals = 1 if self.metric_combo.currentData() in ("arp", "novelty") else 3
        self.bar_plot.set_bars([r.name for r in runs], values, low, high, selected=selected, decimals=decimals)

    @Slot(str, dict)
    def _show_intervals(self, metric: str, cis: dict) -> None:
        if metric != self.metric:
            return
        self._cis = cis
        self._draw_bars()

    @Slot(object, str)
    def _show_comparison(self, comparison, sentence: str) -> None:
        if comparison.metric != self.metric:
            return
        set_style_name(self.compare_label, "compareResult")
        self.compare_label.setText(sentence[0].upper() + sentence[1:] + ".")
        self.compare_label.setToolTip(
            self.tr("{name_a}: {mean_a:.4f}, {name_b}: {mean_b:.4f} over {n_users:,} customers; paired "
                    "t-test p = {ttest_p:.3g}").format(name_a=comparison.name_a, mean_a=comparison.mean_a, name_b=comparison.name_b, mean_b=comparison.mean_b, n_users=comparison.n_users, ttest_p=comparison.ttest_p))

    @Slot(str)
    def _comparison_failed(self, message: str) -> None:
        set_style_name(self.compare_label, "compareNote")
        self.compare_label.setText(message)

    @Slot(str, object)
    def _show_groups(self, metric: str, frame) -> None:
        if metric != self.metric or frame is None:
            return
        label = glossary.metric_name(metric)
        groups = list(dict.fromkeys(frame["group"]))
        names = [r.name for r in self.state.runs if r.name in set(frame["run"])]
        table = frame.pivot_table(index="run", columns="group", values="value", observed=True)
        values = table.reindex(index=names, columns=groups).to_numpy().tolist()
        sizes = frame.drop_duplicates("group").set_index("group")["n_users"]
        cats = [self.tr("{g}\n({v1:,} customers)").format(g=g, v1=int(sizes[g])) for g in groups]
        self.group_plot.setTitle(self.tr("{label} by customer activity (light → heavy buyers)").format(label=label), size="10pt")
        self.group_plot.getPlotItem().setLabel("left", label)
        self.group_plot.set_groups(cats, names, values)

    def _draw_popularity(self) -> None:
        runs = self.state.runs
        k = self.k
        self.pop_scatter.getPlotItem().setLabel("bottom", self.tr("Coverage@{k} (share of items shown)").format(k=k))
        self.pop_scatter.set_points([r.metrics.get(f"coverage@{k}", math.nan) for r in runs],
                                    [r.metrics.get(f"arp@{k}", math.nan) for r in runs], [r.name for r in runs],
                                    [self.tr("{name}: coverage {v1:.3f}, avg popularity {v2:.1f}").format(name=r.name, v1=r.metrics.get(f'coverage@{k}', math.nan), v2=r.metrics.get(f'arp@{k}', math.nan)) for r in runs])

    @Slot(int, dict)
    def _show_item_groups(self, k: int, tables: dict) -> None:
        if k != self.k or not tables:
            return
        runs = [r for r in self.state.runs if r.id in tables]
        first = tables[runs[0].id]
        groups = [self.tr("{g}\n({n:,} items)").format(g=g, n=n) for g, n in zip(first["group"], first["n_items"])]
        values = [list(tables[r.id]["rec_share"]) for r in runs] + [list(first["test_share"])]
        colours = [PALETTE[i % len(PALETTE)] for i in range(len(runs))] + [GREY]
        self.item_plot.getPlotItem().setLabel("left", self.tr("Share of top-{k} slots").format(k=k))
        self.item_plot.set_groups(groups, [r.name for r in runs] + [self.tr("test purchases")], values,
                                  y_range=(0, 1.15), colours=colours)

    @Slot(str, object)
    def _show_roc(self, run_id: str, result) -> None:
        run = self.state.current_run()
        if run is None or run.id != run_id:
            return
        roc, threshold = result
        self.roc_stack.setCurrentWidget(self.roc_plot)
        self.roc_plot.setTitle(roc_title(run.name, roc, threshold), size="10pt")
        self.roc_plot.set_curve(roc.fpr, roc.tpr, reference=([0.0, 1.0], [0.0, 1.0]), x_range=(0, 1),
                                y_range=(0, 1))

    @Slot(str, str)
    def _roc_failed(self, run_id: str, message: str) -> None:
        self.roc_note.setText(message[0].upper() + message[1:] + ".")
        self.roc_stack.setCurrentWidget(self.roc_note)

    @Slot(str)
    def _show_error(self, message: str) -> None:
        self.error_label.setText(message)
        self.error_label.setVisible(bool(message))
