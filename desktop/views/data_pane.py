"""Data pane: open a file, map its columns, load it, read the load report and the profile.

The pane shows AppState and emits requests; DataController does the work in workers.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (QComboBox, QFileDialog, QFormLayout, QFrame, QGridLayout, QGroupBox,
                               QHBoxLayout, QHeaderView, QLabel, QProgressBar, QPushButton,
                               QScrollArea, QSizePolicy, QSplitter, QTableView, QVBoxLayout,
                               QWidget)

from desktop.controllers.data_controller import DataController
from desktop.plots.curves import CurvePlot, HistogramPlot
from desktop.qtmodels.frame_model import FrameModel
from desktop.state import AppState
from desktop.views.split_box import SplitBox

NONE = "(none)"
PREVIEW_ROWS = 200
#: (ColumnMapping field, label) of the interaction columns, then of the catalog columns.
INTERACTION_FIELDS = (("user", "User *"), ("item", "Item *"), ("value", "Value"),
                      ("timestamp", "Timestamp"), ("event", "Event type"))
CATALOG_FIELDS = (("title", "Title"), ("category", "Category"), ("price", "Price"),
                  ("description", "Description"))
VALUE_KINDS = (("rating", "a rating"), ("quantity", "a quantity"), ("weight", "a weight"))
FILE_FILTER = ("Data files (*.csv *.tsv *.txt *.gz *.parquet *.pq *.xlsx *.xlsm *.xls *.data *.dat)"
               ";;All files (*)")


def choose_data_file(parent: QWidget, start_dir: str = "") -> str | None:
    """Ask the user for a data file; None when they cancel."""
    path, _ = QFileDialog.getOpenFileName(parent, "Open interaction data", start_dir, FILE_FILTER)
    return path or None


def _fmt_int(n) -> str:
    return f"{int(n):,}"


def _month(iso: str) -> str:
    """'2010-12-01T09:53:00+00:00' -> 'Dec 2010'."""
    return datetime.fromisoformat(iso).strftime("%b %Y")


class StatCard(QFrame):
    """A big number over a small caption."""

    def __init__(self, caption: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("statCard")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(10, 6, 10, 6)
        lay.setSpacing(0)
        self.value = QLabel("–")
        self.value.setObjectName("statValue")
        self.caption = QLabel(caption)
        self.caption.setObjectName("statCaption")
        lay.addWidget(self.value)
        lay.addWidget(self.caption)

    def set(self, value: str, tooltip: str = "") -> None:
        self.value.setText(value)
        self.setToolTip(tooltip)


class DataPane(QWidget):
    open_requested = Signal(str)
    sheet_requested = Signal(str)
    apply_requested = Signal(dict)
    cancel_requested = Signal()

    def __init__(self, state: AppState, controller: DataController, parent: QWidget | None = None):
        super().__init__(parent)
        self.state = state
        self.runner = controller.runner
        self._build()
        state.table_changed.connect(self._show_table)
        state.dataset_changed.connect(self._show_dataset)
        state.busy_changed.connect(self._set_busy)
        controller.progress.connect(self._show_progress)
        controller.error_changed.connect(self.show_error)
        self.open_requested.connect(controller.open)
        self.sheet_requested.connect(controller.open_sheet)
        self.apply_requested.connect(controller.apply)
        self.cancel_requested.connect(controller.cancel)
        self._set_busy(state.busy)

    # ---- layout -------------------------------------------------------------------------------
    def _build(self) -> None:
        root = QVBoxLayout(self)
        root.setContentsMargins(12, 10, 12, 8)
        root.setSpacing(8)

        bar = QHBoxLayout()
        self.file_label = QLabel("No file open")
        self.file_label.setObjectName("fileLabel")
        self.file_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.file_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.format_label = QLabel("")
        self.format_label.setObjectName("muted")
        self.sheet_label = QLabel("Sheet:")
        self.sheet_combo = QComboBox()
        self.sheet_combo.setMinimumContentsLength(12)
        self.sheet_combo.activated.connect(
            lambda _i: self.sheet_requested.emit(self.sheet_combo.currentText()))
        self.open_button = QPushButton("Open…")
        self.open_button.clicked.connect(self._browse)
        bar.addWidget(self.file_label, 1)
        bar.addWidget(self.format_label)
        bar.addWidget(self.sheet_label)
        bar.addWidget(self.sheet_combo)
        bar.addWidget(self.open_button)
        root.addLayout(bar)

        split = QSplitter(Qt.Orientation.Horizontal)
        split.setChildrenCollapsible(False)
        split.addWidget(self._build_mapping_panel())
        split.addWidget(self._build_right())
        split.setStretchFactor(0, 0)
        split.setStretchFactor(1, 1)
        split.setSizes([300, 1000])
        root.addWidget(split, 1)
        self._show_sheets([], None)

    def _combo(self) -> QComboBox:
        box = QComboBox()
        box.setMinimumContentsLength(10)
        box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        box.currentIndexChanged.connect(self._update_apply_enabled)
        return box

    def _build_mapping_panel(self) -> QWidget:
        panel = QWidget()
        lay = QVBoxLayout(panel)
        lay.setContentsMargins(0, 0, 6, 0)
        self.combos: dict[str, QComboBox] = {}

        inter = QGroupBox("Interactions")
        form = QFormLayout(inter)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for field, label in INTERACTION_FIELDS:
            self.combos[field] = self._combo()
            form.addRow(label, self.combos[field])
            if field == "value":
                self.value_kind = QComboBox()
                for kind, text in VALUE_KINDS:
                    self.value_kind.addItem(text, kind)
                self.value_kind.setEnabled(False)
                form.addRow("Value is", self.value_kind)
        self.combos["value"].currentIndexChanged.connect(
            lambda _i: self.value_kind.setEnabled(self.combos["value"].currentIndex() > 0))
        lay.addWidget(inter)

        cat = QGroupBox("Item catalog")
        form = QFormLayout(cat)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for field, label in CATALOG_FIELDS:
            self.combos[field] = self._combo()
            form.addRow(label, self.combos[field])
        lay.addWidget(cat)

        self.hint_label = QLabel("* required")
        self.hint_label.setObjectName("muted")
        self.hint_label.setWordWrap(True)
        lay.addWidget(self.hint_label)

        buttons = QHBoxLayout()
        self.apply_button = QPushButton("Apply mapping")
        self.apply_button.setObjectName("primary")
        self.apply_button.setToolTip("Validate the file with this mapping and load it")
        self.apply_button.clicked.connect(self._apply)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self.cancel_requested)
        buttons.addWidget(self.apply_button, 1)
        buttons.addWidget(self.cancel_button)
        lay.addLayout(buttons)

        self.progress_bar = QProgressBar()
        self.progress_bar.setRange(0, 1000)
        self.progress_bar.setTextVisible(False)
        self.progress_label = QLabel("")
        self.progress_label.setObjectName("muted")
        self.progress_label.setWordWrap(True)
        lay.addWidget(self.progress_bar)
        lay.addWidget(self.progress_label)

        self.error_label = QLabel("")
        self.error_label.setObjectName("error")
        self.error_label.setWordWrap(True)
        self.error_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error_label.hide()
        lay.addWidget(self.error_label)
        self.split_box = SplitBox(self.state, self.runner)
        lay.addWidget(self.split_box)
        lay.addStretch(1)

        scroll = QScrollArea()
        scroll.setObjectName("mappingScroll")
        panel.setObjectName("mappingPanel")
        scroll.setWidget(panel)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setMinimumWidth(260)
        return scroll

    def _build_right(self) -> QWidget:
        split = QSplitter(Qt.Orientation.Vertical)
        split.setChildrenCollapsible(False)

        top = QWidget()
        lay = QVBoxLayout(top)
        lay.setContentsMargins(6, 0, 0, 0)
        self.preview_label = QLabel("Preview")
        self.preview_label.setObjectName("sectionTitle")
        self.preview_model = FrameModel()
        self.preview = QTableView()
        self.preview.setModel(self.preview_model)
        self.preview.setAlternatingRowColors(True)
        self.preview.verticalHeader().setDefaultSectionSize(22)
        self.preview.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.preview.setMinimumHeight(110)
        lay.addWidget(self.preview_label)
        lay.addWidget(self.preview, 1)
        split.addWidget(top)

        bottom = QWidget()
        lay = QVBoxLayout(bottom)
        lay.setContentsMargins(6, 4, 0, 0)
        self.dataset_label = QLabel("No dataset loaded")
        self.dataset_label.setObjectName("sectionTitle")
        lay.addWidget(self.dataset_label)

        cards = QHBoxLayout()
        self.cards = {key: StatCard(caption) for key, caption in (
            ("users", "users"), ("items", "items"), ("interactions", "interactions"),
            ("density", "density"), ("span", "time span"))}
        for card in self.cards.values():
            cards.addWidget(card, 1)
        lay.addLayout(cards)

        self.report_label = QLabel("")
        self.report_label.setWordWrap(True)
        self.report_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.warnings_label = QLabel("")
        self.warnings_label.setObjectName("warning")
        self.warnings_label.setWordWrap(True)
        self.warnings_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.warnings_label.hide()
        lay.addWidget(self.report_label)
        lay.addWidget(self.warnings_label)

        plots = QGridLayout()
        self.long_tail_plot = CurvePlot("Long tail", "Items, most popular first (fraction of items)",
                                        "Share of interactions")
        self.activity_plot = HistogramPlot("User activity", "Interactions per user (bin edges)",
                                           "Users")
        plots.addWidget(self.long_tail_plot, 0, 0)
        plots.addWidget(self.activity_plot, 0, 1)
        plots.setColumnStretch(0, 1)
        plots.setColumnStretch(1, 1)
        lay.addLayout(plots, 1)
        split.addWidget(bottom)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 3)
        split.setSizes([280, 420])  # scaled to the real height on show
        return split

    # ---- requests -----------------------------------------------------------------------------
    @Slot()
    def _browse(self) -> None:
        start = str(Path(str(self.state.table.path)).parent) if self.state.table is not None else ""
        path = choose_data_file(self, start)
        if path:
            self.open_requested.emit(path)

    def mapping_changes(self) -> dict:
        """The form as ColumnMapping fields: column name or None, plus value_kind."""
        out = {f: (None if box.currentIndex() <= 0 else box.currentText())
               for f, box in self.combos.items()}
        out["value_kind"] = self.value_kind.currentData() if out["value"] else "none"
        return out

    @Slot()
    def _apply(self) -> None:
        self.apply_requested.emit(self.mapping_changes())

    # ---- showing state ------------------------------------------------------------------------
    def _show_sheets(self, sheets, current) -> None:
        sheets = list(sheets or [])
        self.sheet_combo.blockSignals(True)
        self.sheet_combo.clear()
        self.sheet_combo.addItems([str(s) for s in sheets])
        if current is not None and str(current) in sheets:
            self.sheet_combo.setCurrentText(str(current))
        self.sheet_combo.blockSignals(False)
        visible = len(sheets) > 0
        self.sheet_combo.setVisible(visible)
        self.sheet_label.setVisible(visible)
        self.sheet_combo.setEnabled(len(sheets) > 1)

    @Slot(object)
    def _show_table(self, table) -> None:
        path = Path(str(table.path))
        self.file_label.setText(path.name)
        self.file_label.setToolTip(str(path))
        self.format_label.setText(str(table.fmt).upper())
        self._show_sheets(getattr(table, "sheets", None) or [], getattr(table, "sheet", None))
        frame = table.frame
        rows = getattr(table, "rows", None)
        self.preview_model.set_frame(frame.head(PREVIEW_ROWS),
                                     None if rows is None else rows[:PREVIEW_ROWS])
        self.preview.resizeColumnsToContents()
        shown = min(len(frame), PREVIEW_ROWS)
        self.preview_label.setText(f"Preview: first {shown:,} of {len(frame):,} rows, "
                                   f"{frame.shape[1]} columns")
        columns = [str(c) for c in frame.columns]
        mapping = self.state.mapping
        for field, box in self.combos.items():
            box.blockSignals(True)
            box.clear()
            box.addItem(NONE)
            box.addItems(columns)
            chosen = getattr(mapping, field, None) if mapping is not None else None
            box.setCurrentIndex(columns.index(chosen) + 1 if chosen in columns else 0)
            confidence = (getattr(mapping, "confidence", None) or {}).get(field)
            box.setToolTip(f"Proposed from the file's columns ({confidence:.0%} sure)"
                           if chosen in columns and confidence is not None else "")
            box.blockSignals(False)
        kind = getattr(mapping, "value_kind", None)
        idx = self.value_kind.findData(kind)
        self.value_kind.setCurrentIndex(max(idx, 0))
        self.value_kind.setEnabled(self.combos["value"].currentIndex() > 0)
        self._update_apply_enabled()

    @Slot(object)
    def _show_dataset(self, dataset) -> None:
        prof = self.state.profile
        mapping = dataset.mapping
        source = Path(str(dataset.source.get("path", ""))).name
        self.dataset_label.setText(f"Dataset: {source}  (user = {mapping.user}, "
                                   f"item = {mapping.item})")
        per_user, per_item = prof.events_per_user, prof.events_per_item
        self.cards["users"].set(_fmt_int(prof.n_users), f"interactions per user: median "
                                f"{per_user['median']:g}, mean {per_user['mean']:.1f}, max {per_user['max']:g}")
        self.cards["items"].set(_fmt_int(prof.n_items), f"interactions per item: median "
                                f"{per_item['median']:g}, mean {per_item['mean']:.1f}, max {per_item['max']:g}")
        self.cards["interactions"].set(_fmt_int(prof.n_events),
                                       f"{_fmt_int(prof.n_pairs)} distinct user–item pairs")
        self.cards["density"].set(f"{prof.density:.2%}", "distinct pairs / (users × items)")
        if prof.time_min and prof.time_max:
            self.cards["span"].set(f"{_month(prof.time_min)} – {_month(prof.time_max)}",
                                   f"{prof.time_min} → {prof.time_max} (UTC)")
        else:
            self.cards["span"].set("–", "the data has no timestamps")
        self._show_report(dataset.report)
        self.long_tail_plot.setTitle(f"Long tail: top 20% of items hold {prof.top20_share:.0%}", size="10pt")
        self.long_tail_plot.set_curve(prof.tail_x, prof.tail_y, reference=([0.0, 1.0], [0.0, 1.0]),
                                      x_range=(0.0, 1.0), y_range=(0.0, 1.0))
        self.activity_plot.set_histogram(prof.activity_edges, prof.activity_counts)

    def _show_report(self, report) -> None:
        dropped = sum(report.dropped.values())
        self.report_label.setText(f"Rows read {_fmt_int(report.rows_read)} · interactions kept "
                                  f"{_fmt_int(report.rows_used)} · rows dropped or merged "
                                  f"{_fmt_int(dropped)}")
        self.report_label.setToolTip("\n".join(f"{k}: {_fmt_int(v)}" for k, v in report.dropped.items()))
        warnings = list(report.warnings)
        self.warnings_label.setText("\n".join(f"⚠ {w}" for w in warnings))
        self.warnings_label.setVisible(bool(warnings))

    @Slot(object)
    def _show_progress(self, p) -> None:
        if p.fraction is None:
            self.progress_bar.setRange(0, 0)
        else:
            self.progress_bar.setRange(0, 1000)
            self.progress_bar.setValue(int(p.fraction * 1000))
        self.progress_label.setText(p.message)

    @Slot(str)
    def show_error(self, message: str) -> None:
        self.error_label.setText(message)
        self.error_label.setVisible(bool(message))

    @Slot(bool)
    def _set_busy(self, busy: bool) -> None:
        self.cancel_button.setEnabled(busy)
        self.progress_bar.setVisible(busy)
        self.progress_label.setVisible(busy)
        if busy:
            self.progress_bar.setRange(0, 1000)
            self.progress_bar.setValue(0)
            self.progress_label.setText("")
        self._update_apply_enabled()

    @Slot()
    def _update_apply_enabled(self) -> None:
        mapped = self.combos["user"].currentIndex() > 0 and self.combos["item"].currentIndex() > 0
        has_table = self.state.table is not None
        self.apply_button.setEnabled(has_table and mapped and not self.state.busy)
        self.hint_label.setText("* required" if mapped or not has_table else
                                "Choose the user and item columns (*), then Apply mapping.")
