"""Compress pane: how small and fast can a trained model get before it gets worse?

Pick a run and the compression methods that apply to its model (with their settings), run the
sweep in a worker, read the trade-off table (size on disk, peak memory, latency, metrics with their
change against the original) and the size-vs-NDCG chart with its Pareto front, and keep one
compressed version as a new run. All numbers come from ``engine.compress`` through
CompressController; the pane formats and draws them.
"""

from __future__ import annotations

import math
import re

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QSortFilterProxyModel, Qt, Slot
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QComboBox, QFrame, QGridLayout, QGroupBox,
                               QHBoxLayout, QHeaderView, QLabel, QLineEdit, QPushButton, QScrollArea,
                               QSplitter, QStackedWidget, QTableView, QVBoxLayout, QWidget)

from desktop import glossary
from desktop.controllers.compress_controller import KS, SWEEP_KEY, CompressController, method_label
from desktop.controllers.train_controller import model_title
from desktop.plots.pareto import ParetoPlot, size_text
from desktop.state import AppState
from desktop.widgets.progress import ProgressStrip
from desktop.views.split_box import split_method_label
from desktop.translate import translate
from PySide6.QtCore import QT_TRANSLATE_NOOP

#: (kind, check-box text, settings field caption or None, tooltip), in display order.
KINDS = (
    ("int8", QT_TRANSLATE_NOOP("CompressPane", "8-bit integers (int8)"), None,
     QT_TRANSLATE_NOOP("CompressPane", "Store every weight as an 8-bit integer with a scale per row: about 4x smaller, usually "
                                           "almost as accurate.")),
    ("fp16", QT_TRANSLATE_NOOP("CompressPane", "Half precision (fp16)"), None, QT_TRANSLATE_NOOP("CompressPane", "Store weights as 16-bit floats: 2x smaller, nearly lossless.")),
    ("bf16", "bfloat16", None, QT_TRANSLATE_NOOP("CompressPane", "16-bit floats with float32's range: 2x smaller, a little coarser than fp16.")),
    ("topk", QT_TRANSLATE_NOOP("CompressPane", "Keep strongest links"), QT_TRANSLATE_NOOP("CompressPane", "k per item"),
     QT_TRANSLATE_NOOP("CompressPane", "Keep only the k strongest item-to-item weights of each item, stored sparse. Several "
                                           "values give several versions (100, 200); add +int8 to also store them in 8 bits "
                                           "(400+int8).")),
    ("prune", QT_TRANSLATE_NOOP("CompressPane", "Prune small weights"), QT_TRANSLATE_NOOP("CompressPane", "share removed"),
     QT_TRANSLATE_NOOP("CompressPane", "Zero the smallest weights and store the rest sparse: 0.9 removes 90 %. Several values "
                                           "give several versions (0.9, 0.95).")),
    ("lowrank", QT_TRANSLATE_NOOP("CompressPane", "Low rank (SVD)"), QT_TRANSLATE_NOOP("CompressPane", "rank"),
     QT_TRANSLATE_NOOP("CompressPane", "Replace the weights by the product of two thin matrices of this rank (truncated SVD).")),
    ("distill", QT_TRANSLATE_NOOP("CompressPane", "Train a smaller student"), QT_TRANSLATE_NOOP("CompressPane", "dimensions"),
     QT_TRANSLATE_NOOP("CompressPane", "Train a small model to reproduce this model's top lists; takes the longest.")),
)
#: Kinds ticked by default (distillation trains a model: opt in).
DEFAULT_ON = {"int8", "fp16", "bf16", "topk", "prune", "lowrank"}
#: (metric without @K, column title) shown in the table.
METRICS = (("ndcg", QT_TRANSLATE_NOOP("CompressPane", "NDCG")), ("recall", QT_TRANSLATE_NOOP("CompressPane", "Recall")), ("hit", QT_TRANSLATE_NOOP("CompressPane", "HitRate")), ("coverage", QT_TRANSLATE_NOOP("CompressPane", "Coverage")))
FIXED = (QT_TRANSLATE_NOOP("CompressPane", "Method"), QT_TRANSLATE_NOOP("CompressPane", "Parameters"), QT_TRANSLATE_NOOP("CompressPane", "Size on disk"), QT_TRANSLATE_NOOP("CompressPane", "Smaller by"), QT_TRANSLATE_NOOP("CompressPane", "Peak memory"), QT_TRANSLATE_NOOP("CompressPane", "ms per 1k customers"))
TWO_LINES = {"Size on disk": QT_TRANSLATE_NOOP("CompressPane", "Size\non disk"), "Smaller by": QT_TRANSLATE_NOOP("CompressPane", "Smaller\nby"), "Peak memory": QT_TRANSLATE_NOOP("CompressPane", "Peak\nmemory"),
             "ms per 1k customers": QT_TRANSLATE_NOOP("CompressPane", "ms per 1k\ncustomers"), "Parameters": QT_TRANSLATE_NOOP("CompressPane", "Para-\nmeters")}
KEPT_MARK = " ✓"
GOOD, MILD, BAD = QColor("#15803d"), QColor("#b45309"), QColor("#b91c1c")
#: Relative changes beyond these are coloured (the 2 % line is the usual "no real loss" bar).
NOTICE, LOSS = 0.005, 0.02


def count_text(n: float) -> str:
    """6431296 -> '6.43 M', 253306 -> '253 k'."""
    n = float(n)
    if n >= 1e6:
        return f"{n / 1e6:.2f} M"
    if n >= 1e3:
        return f"{n / 1e3:.0f} k"
    return f"{n:.0f}"


def change_text(change) -> str:
    return "" if change is None or not math.isfinite(change) else f"{change * 100:+.1f}%".replace("-", "−")


class SweepTableModel(QAbstractTableModel):
    """The original and each compressed version × facts and metrics at ``k``; row 0 is the original."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.reports: list[dict] = []
        self.pareto: list[bool] = []
        self.kept: dict[str, str] = {}
        self.k = 10

    def set_sweep(self, reports: list[dict], pareto: list[bool], k: int, kept: dict[str, str]) -> None:
        """reports: ``CompressReport.to_dict()`` each; pareto: (1 + n,) flags, original first;
        kept: method -> name of the run kept from it."""
        self.beginResetModel()
        self.reports, self.pareto, self.k, self.kept = list(reports), list(pareto), int(k), dict(kept)
        self.endResetModel()

    def headers(self) -> list[str]:
        return [*FIXED, *(f"{title}@{self.k}" for _, title in METRICS)]

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() or not self.reports else len(self.reports) + 1

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(FIXED) + len(METRICS)

    def method(self, row: int) -> str | None:
        """The method of ``row`` (None for the original)."""
        return None if row <= 0 else self.reports[row - 1]["method"]

    def cell(self, row: int, title: str) -> str:
        """Displayed text of the cell of ``row`` in the column headed ``title`` (e.g. "NDCG@10")."""
        return self.data(self.index(row, self.headers().index(title)))

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:  # two lines: narrow columns
            title = self.headers()[section]
            if title in TWO_LINES:
                return translate("CompressPane", TWO_LINES[title])
            name, at, k = title.partition("@")
            return translate("CompressPane", name) + (f"\n@{k}" if at else "")
        if role == Qt.ItemDataRole.ToolTipRole:
            tips = {"Parameters": self.tr("Stored weight values (non-zeros of sparse forms, factors of low-rank forms)"),
                    "Size on disk": self.tr("Bytes of the saved model (config, weights and ids)"),
                    "Smaller by": self.tr("Size on disk of the original / of this version"),
                    "Peak memory": self.tr("Extra memory while loading the model and scoring 1,000 customers"),
                    "ms per 1k customers": self.tr("Time to score and rank 1,000 customers (median of repeats)"),
                    "Method": self.tr("How the model was compressed;{KEPT_MARK}: kept as a run (Keep as new run)").format(KEPT_MARK=KEPT_MARK)}
            title = self.headers()[section]
            return tips.get(title) or (glossary.tip(title.split("@")[0]) + "<br>" if glossary.tip(title.split("@")[0])
                                       else "") + self.tr("Test-split metric, then its change against the original")
        return None

    def _values(self, row: int) -> tuple:
        """(method, params, size, ratio, memory, latency, metrics, changes) of ``row``."""
        if row == 0:
            r = self.reports[0]
            return ("original", r["params_before"], r["size_bytes_before"], 1.0, r["peak_memory_before"],
                    r["latency_ms_per_1k_before"], r["metrics_before"], {})
        r = self.reports[row - 1]
        return (r["method"], r["params_after"], r["size_bytes_after"], r["size_ratio"], r["peak_memory_after"],
                r["latency_ms_per_1k_after"], r["metrics_after"], r["relative_change"])

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row, col = index.row(), index.column()
        method, params, size, ratio, memory, latency, metrics, changes = self._values(row)
        n_fixed = len(FIXED)
        key = f"{METRICS[col - n_fixed][0]}@{self.k}" if n_fixed <= col < n_fixed + len(METRICS) else None
        if role == Qt.ItemDataRole.UserRole:           # what a heading click sorts by
            if key is not None:
                value = metrics.get(key)
                return -math.inf if value is None or not math.isfinite(value) else float(value)
            return (row, method, params, size, ratio, memory, latency)[col] if col else row
        if role == Qt.ItemDataRole.DisplayRole:
            if key is not None:
                value = metrics.get(key)
                if value is None or not math.isfinite(value):
                    return "–"
                change = change_text(changes.get(key))
                return f"{value:.4f}" + (f" {change}" if change else "")
            return (method_label(method) + (KEPT_MARK if method in self.kept else ""), count_text(params), size_text(size),
                    f"{ratio:.1f}×", size_text(memory), f"{latency:,.0f}")[col]
        if role == Qt.ItemDataRole.ForegroundRole and key is not None:
            change = changes.get(key)
            if change is None or not math.isfinite(change) or abs(change) < NOTICE:
                return None
            return GOOD if change > 0 else (MILD if change > -LOSS else BAD)
        if role == Qt.ItemDataRole.FontRole and row < len(self.pareto) and self.pareto[row]:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.TextAlignmentRole and col > 0:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == 0:
                front = (self.tr("\nOn the Pareto front: no other version is both smaller and more accurate.")
                         if row < len(self.pareto) and self.pareto[row] else "")
                kept = self.tr("\nKept as the run “{v0}”.").format(v0=self.kept[method]) if method in self.kept else ""
                return (self.tr("{method}: {params} parameters").format(method=method_label(method), params=count_text(params))
                        + (self.tr(" (method {spec})").format(spec=method) if row else "") + front + kept)
            if col == 2 and row > 0:
                return f"{size_text(self.reports[0]['size_bytes_before'])} → {size_text(size)}"
            if col == 5 and row > 0:
                return (self.tr("original in the same timing: {latency_ms_per_1k_before:,.0f} ms per 1,000 customers").format(latency_ms_per_1k_before=self.reports[row - 1]['latency_ms_per_1k_before']))
            if key is not None and key in metrics:
                return f"{key} = {metrics[key]!r}" + (self.tr(", {v0} against the original").format(v0=change_text(changes.get(key)))
                                                      if changes.get(key) is not None else "")
        return None


class MethodRow:
    """One compression kind: its check box and, for kinds with an amount, the values field."""

    def __init__(self, kind: str, text: str, caption: str | None, tip: str):
        self.kind = kind
        text, tip = translate("CompressPane", text), translate("CompressPane", tip)
        caption = translate("CompressPane", caption) if caption is not None else None
        self.check = QCheckBox(text)
        self.check.setToolTip(tip)
        self.field: QLineEdit | None = None
        self.caption: QLabel | None = None
        self.extra = ""        # ",key=value" options the engine's default carries (e.g. layers=1)
        if caption is not None:
            self.caption = QLabel(caption)
            self.caption.setObjectName("muted")
            self.field = QLineEdit()
            self.field.setPlaceholderText(caption)
            self.field.setToolTip(f"{caption}: {tip}")
            self.check.toggled.connect(self.field.setEnabled)

    def set_visible(self, visible: bool) -> None:
        for w in (self.check, self.caption, self.field):
            if w is not None:
                w.setVisible(visible)

    def specs(self) -> list[str]:
        """Method specs of the ticked row ('topk:100', 'distill:dim=16,layers=1'); [] when unticked.
        ValueError when ticked without values."""
        if not self.check.isChecked():
            return []
        if self.field is None:
            return [self.kind]
        tokens = [t for t in re.split(r"[,;\s]+", self.field.text()) if t]
        if not tokens:
            raise ValueError(translate("CompressPane", "Enter at least one value for “{method}” ({values}), or untick "
                                       "it.").format(method=self.check.text(), values=self.field.placeholderText()))
        head = "distill:dim=" if self.kind == "distill" else f"{self.kind}:"
        return [f"{head}{t}{self.extra}" for t in tokens]


class CompressPane(QWidget):
    def __init__(self, state: AppState, controller: CompressController, parent: QWidget | None = None):
        super().__init__(parent)
        self.state = state
        self.controller = c = controller
        self.kinds: list[str] = []
        self.sweep: dict | None = None
        self._shown: str | None = None     # id of the run whose sweep the table shows
        self._sweeping: tuple = (None, 0)   # (run id, versions) of the sweep asked for last
        self._build()
        c.options_ready.connect(self._show_options)
        c.slot.progress.connect(self.strip.show_progress)
        c.slot.running_changed.connect(self._running)
        c.swept.connect(self._swept)
        c.kept.connect(lambda _run: self._show_sweep())
        c.slot.failed.connect(lambda message, _tag: self._failed(message))
        c.slot.cancelled.connect(lambda _tag: self._failed(self.tr("Cancelled: nothing was changed.")))
        c.message.connect(self._message)
        state.runs_changed.connect(self._fill_runs)
        state.selection_changed.connect(self._follow_selection)
        state.split_changed.connect(lambda _s: self._update_buttons())
        self._fill_runs()

    # ---- layout -------------------------------------------------------------------------------
    def _build(self) -> None:
        root = QHBoxLayout(self)
        root.setContentsMargins(12, 10, 12, 8)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.setChildrenCollapsible(False)
        split.addWidget(self._build_controls())
        split.addWidget(self._build_results())
        split.setStretchFactor(0, 0)
        split.setStretchFactor(1, 1)
        split.setSizes([280, 1000])
        root.addWidget(split)

    def _build_controls(self) -> QWidget:
        panel = QWidget()
        panel.setObjectName("mappingPanel")
        lay = QVBoxLayout(panel)
        lay.setContentsMargins(0, 0, 6, 0)
        intro = QLabel(self.tr("Make a trained model smaller and faster and see what it costs: every version is "
                               "measured against the original on the test split."))
        intro.setWordWrap(True)
        intro.setObjectName("muted")
        lay.addWidget(intro)

        box = QGroupBox(self.tr("Model"))
        bl = QVBoxLayout(box)
        self.run_combo = QComboBox()
        self.run_combo.setMinimumContentsLength(12)
        self.run_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.run_combo.currentIndexChanged.connect(self._run_changed)
        bl.addWidget(self.run_combo)
        self.model_note = QLabel("")
        self.model_note.setObjectName("muted")
        self.model_note.setWordWrap(True)
        bl.addWidget(self.model_note)
        lay.addWidget(box)

        box = QGroupBox(self.tr("Methods"))
        grid = QGridLayout(box)
        grid.setColumnStretch(1, 1)
        self.rows: dict[str, MethodRow] = {}
        grid.setVerticalSpacing(4)
        r = 0
        for kind, text, caption, tip in KINDS:
            row = self.rows[kind] = MethodRow(kind, text, caption, tip)
            grid.addWidget(row.check, r, 0, 1, 2)
            if row.field is not None:  # the values under their check box, indented
                r += 1
                row.caption.setContentsMargins(22, 0, 0, 0)
                grid.addWidget(row.caption, r, 0)
                grid.addWidget(row.field, r, 1)
            row.set_visible(False)
            r += 1
        self.methods_note = QLabel(self.tr("Choose a model."))
        self.methods_note.setObjectName("muted")
        self.methods_note.setWordWrap(True)
        grid.addWidget(self.methods_note, r, 0, 1, 2)
        lay.addWidget(box)

        row = QHBoxLayout()
        row.addStretch(1)
        self.sweep_button = QPushButton(self.tr("Run sweep"))
        self.sweep_button.setObjectName("primary")
        self.sweep_button.setToolTip(self.tr("Compress the model by every ticked method and measure each version"))
        self.sweep_button.clicked.connect(self.run_sweep)
        row.addWidget(self.sweep_button)
        lay.addLayout(row)
        self.strip = ProgressStrip()
        self.strip.cancel_requested.connect(self.controller.cancel)
        lay.addWidget(self.strip)
        self.error_label = QLabel("")
        self.error_label.setObjectName("error")
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        lay.addWidget(self.error_label)
        self.status_label = QLabel("")
        self.status_label.setObjectName("muted")
        self.status_label.setWordWrap(True)
        lay.addWidget(self.status_label)
        lay.addStretch(1)

        scroll = QScrollArea()
        scroll.setObjectName("mappingScroll")
        scroll.setWidget(panel)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setMinimumWidth(260)
        return scroll

    def _build_results(self) -> QWidget:
        w = QWidget()
        lay = QVBoxLayout(w)
        lay.setContentsMargins(6, 0, 0, 0)
        self.summary_label = QLabel("")
        self.summary_label.setObjectName("sectionTitle")
        self.summary_label.setWordWrap(True)
        lay.addWidget(self.summary_label)
        bar = QHBoxLayout()
        bar.addWidget(QLabel(self.tr("Metrics at top K:")))
        self.k_combo = QComboBox()
        for k in KS:
            self.k_combo.addItem(self.tr("top {k}").format(k=k), k)
        self.k_combo.setCurrentIndex(self.k_combo.findData(10))
        self.k_combo.currentIndexChanged.connect(lambda _i: self._show_sweep())
        bar.addWidget(self.k_combo)
        bar.addSpacing(12)
        legend = QLabel(self.tr("Bold: best trade-offs (Pareto front). Change against the original: <span "
                                "style='color:#15803d'>better</span>, <span style='color:#b45309'>up to 2 % "
                                "worse</span>, <span style='color:#b91c1c'>more than 2 % worse</span>."))
        legend.setObjectName("muted")
        legend.setWordWrap(True)
        bar.addWidget(legend, 1)
        self.keep_button = QPushButton(self.tr("Keep as new run"))
        self.keep_button.setToolTip(self.tr("Compress the model by the selected method again and add it as a run: it then appears in "
                                            "the Leaderboard, Inspector and Explain panes"))
        self.keep_button.clicked.connect(self.keep_selected)
        bar.addWidget(self.keep_button)
        lay.addLayout(bar)

        self.results_split = split = QSplitter(Qt.Orientation.Vertical)
        split.setChildrenCollapsible(False)
        self.table_model = SweepTableModel(self)
        self.proxy = QSortFilterProxyModel(self)        # sortable; row numbers below are the model's
        self.proxy.setSourceModel(self.table_model)
        self.proxy.setSortRole(Qt.ItemDataRole.UserRole)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(22)
        self.table.horizontalHeader().setHighlightSections(False)
        self.table.setWordWrap(False)
        self.table.setMinimumHeight(110)
        self.table.selectionModel().selectionChanged.connect(lambda *_a: self._update_buttons())
        self.table.doubleClicked.connect(lambda _i: self.keep_selected())
        split.addWidget(self.table)
        self.plot = ParetoPlot(self.tr("Size on disk vs NDCG@10"))
        self.plot.point_clicked.connect(self.select_row)
        split.addWidget(self.plot)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 3)
        split.setSizes([230, 380])
        self.empty_note = QLabel("")
        self.empty_note.setObjectName("emptyNote")
        self.empty_note.setWordWrap(True)
        self.empty_note.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.results = QStackedWidget()
        self.results.addWidget(split)
        self.results.addWidget(self.empty_note)
        lay.addWidget(self.results, 1)
        return w

    # ---- runs and methods ---------------------------------------------------------------------
    @property
    def k(self) -> int:
        return int(self.k_combo.currentData())

    def current_run(self):
        return self.state.run(self.run_combo.currentData())

    @Slot()
    def _fill_runs(self) -> None:
        """Runs that can be a starting point (not compressed ones), newest first."""
        current = self.run_combo.currentData()
        self.run_combo.blockSignals(True)
        self.run_combo.clear()
        for run in reversed(self.state.runs):
            if run.kind == "compressed":
                continue
            ndcg = run.metrics.get("ndcg@10")
            self.run_combo.addItem(run.name + (self.tr("  (NDCG@10 {ndcg:.3f})").format(ndcg=ndcg) if ndcg is not None else ""), run.id)
        idx = self.run_combo.findData(current)
        if idx < 0:
            idx = self.run_combo.findData(self.state.run_id)
        self.run_combo.setCurrentIndex(idx if idx >= 0 else (0 if self.run_combo.count() else -1))
        self.run_combo.blockSignals(False)
        if self.run_combo.currentData() != current or idx < 0:
            self._run_changed()
        else:
            self._show_sweep()

    @Slot()
    def _follow_selection(self) -> None:
        idx = self.run_combo.findData(self.state.run_id)
        if idx >= 0 and idx != self.run_combo.currentIndex():
            self.run_combo.setCurrentIndex(idx)

    def select_run(self, run_id: str) -> None:
        self.run_combo.setCurrentIndex(self.run_combo.findData(run_id))

    @Slot()
    def _run_changed(self, *_a) -> None:
        run = self.current_run()
        self.kinds = []
        for row in self.rows.values():
            row.set_visible(False)
        self.error_label.hide()
        if run is None:
            self.model_note.setText("")
            self.methods_note.setText(self.tr("Train a model in the Train pane first; it can then be compressed here."))
            self.methods_note.show()
        else:
            method = run.info.get("split", {}).get("method")
            model = model_title(run.model_name)
            self.model_note.setText(self.tr("Model {model_name}, trained on the {method} split.").format(
                model_name=model, method=split_method_label(method)) if method else
                self.tr("Model {model_name}.").format(model_name=model))
            self.methods_note.setText(self.tr("Looking up the methods that apply to {name}…").format(name=run.name))
            self.methods_note.show()
            self.controller.request_options(run.id)
        self._show_sweep()

    @Slot(str, object)
    def _show_options(self, run_id: str, options: dict) -> None:
        run = self.current_run()
        if run is None or run.id != run_id:
            return
        self.kinds = list(options["kinds"])
        if not self.kinds:
            self.methods_note.setText(self.tr("{name} ({model_name}) cannot be compressed: compress an EASE, ItemKNN, BPR, iALS, "
                                              "TwoTower, Text or SASRec run.").format(name=run.name, model_name=run.model_name))
            self._update_buttons()
            return
        self.methods_note.hide()
        by_kind: dict[str, list] = {}
        for spec in options["specs"]:
            by_kind.setdefault(spec.kind, []).append(spec)
        for kind, row in self.rows.items():
            applies = kind in self.kinds
            row.set_visible(applies)
            row.check.setChecked(applies and kind in DEFAULT_ON)
            specs = by_kind.get(kind, [])
            if row.field is not None:
                row.field.setEnabled(row.check.isChecked())
                if kind == "distill":
                    row.field.setText(", ".join(str(s.options["dim"]) for s in specs))
                else:
                    row.field.setText(", ".join(f"{s.amount:g}" + ("+int8" if s.int8 else "") for s in specs))
                options_of = {}
                for s in specs:
                    options_of.update({k: v for k, v in s.options.items() if k != "dim"})
                row.extra = "".join(f",{k}={v:g}" if isinstance(v, float) else f",{k}={v}"
                                    for k, v in options_of.items())
        self._update_buttons()

    def method_specs(self) -> list[str]:
        """The method specs of the ticked rows, in display order (ValueError: a ticked row is empty)."""
        return [spec for kind in self.kinds for spec in self.rows[kind].specs()]

    # ---- actions --------------------------------------------------------------------------------
    @Slot()
    def run_sweep(self) -> None:
        run = self.current_run()
        if run is None:
            self._failed(self.tr("Train a model in the Train pane first."))
            return
        try:
            specs = self.method_specs()
        except ValueError as e:
            self._failed(str(e))
            return
        if not specs:
            self._failed(self.tr("Tick at least one method."))
            return
        self.error_label.hide()
        self.strip.start(self.tr("Measuring {name}…").format(name=run.name))
        self._sweeping = (run.id, len(specs))
        self.controller.sweep(run.id, specs)
        self._show_sweep()

    def selected_row(self) -> int | None:
        """The selected version's row in the sweep (0 = the original), however the table is sorted."""
        rows = self.table.selectionModel().selectedRows()
        return self.proxy.mapToSource(rows[0]).row() if rows else None

    @Slot(int)
    def select_row(self, row: int) -> None:
        if 0 <= row < self.table_model.rowCount():
            self.table.selectRow(self.proxy.mapFromSource(self.table_model.index(row, 0)).row())

    @Slot()
    def keep_selected(self) -> None:
        run, row = self.current_run(), self.selected_row()
        method = None if row is None else self.table_model.method(row)
        if run is None or method is None:
            self._failed(self.tr("Select a compressed version in the table (not the original) to keep it."))
            return
        self.error_label.hide()
        self.strip.start(self.tr("Compressing {name} by {method}…").format(name=run.name, method=method))
        self.controller.keep(run.id, method)

    # ---- results --------------------------------------------------------------------------------
    @Slot(str, object)
    def _swept(self, run_id: str, _sweep) -> None:
        if self.current_run() is not None and self.current_run().id == run_id:
            self._show_sweep()

    def _kept_names(self, run) -> dict[str, str]:
        """method -> name of the compressed run kept from ``run`` by it."""
        return {r.info.get("compression", {}).get("method"): r.name for r in self.state.runs
                if r.kind == "compressed" and r.parent == run.id}

    @Slot()
    def _show_sweep(self) -> None:
        run = self.current_run()
        self.sweep = None if run is None else run.info.get(SWEEP_KEY)
        k = self.k
        sweeping = self.controller.running and run is not None and self._sweeping[0] == run.id
        if self.sweep is None:
            self._shown = None
            self.table_model.set_sweep([], [], k, {})
            self.plot.set_points([], [], self.tr("NDCG@{k}").format(k=k))
            self.summary_label.setText("" if run is None else self.tr("No sweep of {name} yet.").format(name=run.name))
            self.empty_note.setText(
                self.tr("Train a model in the Train pane first; it can then be compressed here.") if run is None else
                self.tr("Compressing {name} in {v1} ways and measuring each version (size, memory, scoring time, "
                        "accuracy)… The table and the chart appear here when the sweep is done; the bar on the "
                        "left shows how far it is.").format(name=run.name, v1=self._sweeping[1]) if sweeping else
                self.tr("Tick the methods on the left and Run sweep. Each compressed version is measured against "
                        "the original: size on disk, memory, scoring time and accuracy, in a table and a "
                        "size-vs-accuracy chart. Keep the version you like as a new run."))
            self.results.setCurrentWidget(self.empty_note)
            self._update_buttons()
            return
        self.results.setCurrentWidget(self.results_split)
        reports = self.sweep["reports"]
        points = self.sweep["pareto"][str(k)]
        row = self.selected_row() if self._shown == run.id else None
        self.table_model.set_sweep(reports, [p["pareto"] for p in points], k, self._kept_names(run))
        self._shown = run.id
        if row is not None:
            self.select_row(row)
        self._fit_table()
        latencies = [reports[0]["latency_ms_per_1k_before"]] + [r["latency_ms_per_1k_after"] for r in reports]
        self.plot.set_points(points, latencies, self.tr("NDCG@{k}").format(k=k), names=method_label)
        self.plot.setTitle(self.tr("{name}: size on disk vs NDCG@{k} · colour: ms to score 1,000 customers · outlined and "
                                   "joined: best trade-offs").format(name=run.name, k=k), size="10pt")
        self.summary_label.setText(self._summary(run, reports, points, k) +
                                   (self.tr(" A new sweep is running; its results replace these.") if sweeping else ""))
        self._update_buttons()

    @staticmethod
    def _summary(run, reports: list[dict], points: list[dict], k: int) -> str:
        """One sentence: the smallest best-trade-off version within 2 % of the original's NDCG@K."""
        key = f"ndcg@{k}"
        first = reports[0]
        head = (translate("CompressPane", "{name}: {v1} on disk, NDCG@{k} {v3:.4f}. ").format(name=run.name, v1=size_text(first['size_bytes_before']), k=k, v3=first['metrics_before'][key]))
        near = [(r["size_bytes_after"], r) for r, p in zip(reports, points[1:])
                if p["pareto"] and (r["relative_change"].get(key) or 0.0) >= -LOSS]
        if not near:
            return head + translate("CompressPane", "Every smaller version loses more than 2 % of NDCG@{k}.").format(k=k)
        r = min(near, key=lambda t: t[0])[1]
        return head + (translate("CompressPane", "Smallest version within 2 %: {method}, {size_ratio:.1f}× smaller ({v2}), NDCG@{k} {v4}.").format(method=method_label(r['method']), size_ratio=r['size_ratio'], v2=size_text(r['size_bytes_after']), k=k, v4=change_text(r['relative_change'].get(key))))

    def _fit_table(self) -> None:
        """Columns fit their contents; the table gets the height of its rows, up to half the space."""
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        total = sum(self.results_split.sizes())
        if total <= 0:
            return
        rows = self.table_model.rowCount() * self.table.verticalHeader().defaultSectionSize()
        wanted = self.table.horizontalHeader().sizeHint().height() + rows + 2 * self.table.frameWidth() + 18
        table = max(self.table.minimumHeight(), min(wanted, total // 2))
        self.results_split.setSizes([table, total - table])

    @Slot(bool)
    def _running(self, running: bool) -> None:
        self.strip.setVisible(running)
        if not running:
            self._show_sweep()
        self._update_buttons()

    def _update_buttons(self) -> None:
        busy = self.controller.running
        ready = self.current_run() is not None and bool(self.kinds) and self.state.split is not None
        self.sweep_button.setEnabled(ready and not busy)
        row = self.selected_row()
        self.keep_button.setEnabled(not busy and row is not None and row > 0 and self.state.split is not None)

    @Slot(str)
    def _failed(self, message: str) -> None:
        self.strip.hide()
        self.error_label.setText(message)
        self.error_label.setVisible(bool(message))

    @Slot(str)
    def _message(self, text: str) -> None:
        self.status_label.setText(text if not text.endswith("…") else "")
