"""Data pane: open a file, map its columns (each proposal with its evidence), preview and set the
load-time filters, attach a catalog file and read the join report, load, read the profile.

The pane shows AppState and emits requests; DataController does the work in workers.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QDate, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDateEdit, QFileDialog, QFormLayout, QFrame, QGridLayout,
                               QGroupBox, QHBoxLayout, QHeaderView, QLabel, QListWidget, QListWidgetItem,
                               QProgressBar, QPushButton, QScrollArea, QSizePolicy, QSpinBox, QSplitter,
                               QTableView, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)


from desktop.controllers.data_controller import DataController, LoadFilters
from desktop.controllers.train_controller import SplitController
from desktop.plots.curves import CurvePlot, HistogramPlot
from desktop.qtmodels.frame_model import FrameModel
from desktop.state import AppState
from desktop.translate import translate
from desktop.views.split_box import SplitBox
from desktop.widgets import numbers
from PySide6.QtCore import QT_TRANSLATE_NOOP

NONE = QT_TRANSLATE_NOOP("DataPane", "(none)")
PREVIEW_ROWS = 200
#: (ColumnMapping field, label) of the interaction columns, then of the catalog columns.
INTERACTION_FIELDS = (("user", QT_TRANSLATE_NOOP("DataPane", "Customer *")), ("basket", QT_TRANSLATE_NOOP("DataPane", "Order")), ("item", QT_TRANSLATE_NOOP("DataPane", "Item *")), ("value", QT_TRANSLATE_NOOP("DataPane", "Value")),
                      ("timestamp", QT_TRANSLATE_NOOP("DataPane", "Timestamp")), ("event", QT_TRANSLATE_NOOP("DataPane", "Event type")))
CATALOG_FIELDS = (("title", QT_TRANSLATE_NOOP("DataPane", "Title")), ("category", QT_TRANSLATE_NOOP("DataPane", "Category")), ("price", QT_TRANSLATE_NOOP("DataPane", "Price")),
                  ("description", QT_TRANSLATE_NOOP("DataPane", "Description")))
#: Roles of a separate catalog file (its item id first).
CATALOG_FILE_FIELDS = (("item", QT_TRANSLATE_NOOP("DataPane", "Item id *")),) + CATALOG_FIELDS
FIELD_TIPS = {
    "user": QT_TRANSLATE_NOOP("DataPane", "The customer (user, member) each row belongs to."),
    "basket": QT_TRANSLATE_NOOP("DataPane", "The order, invoice or receipt number: the lines bought together. Used to find "
                                                "non-product lines; never the customer."),
    "item": QT_TRANSLATE_NOOP("DataPane", "The product (article, SKU) each row is about."),
    "value": QT_TRANSLATE_NOOP("DataPane", "How much: a rating, a quantity (negative = a return) or a weight."),
    "timestamp": QT_TRANSLATE_NOOP("DataPane", "When it happened; needed for temporal splits and sequence models."),
    "event": QT_TRANSLATE_NOOP("DataPane", "The kind of event (view, cart, purchase) when one file holds several."),
    "title": QT_TRANSLATE_NOOP("DataPane", "The product's name, shown instead of its code."),
    "category": QT_TRANSLATE_NOOP("DataPane", "The product group, used by rules and explanations."),
    "price": QT_TRANSLATE_NOOP("DataPane", "The unit price, used by rules and reports."),
    "description": QT_TRANSLATE_NOOP("DataPane", "A longer product text, used by the text model."),
}
VALUE_KINDS = (("rating", QT_TRANSLATE_NOOP("DataPane", "a rating")), ("quantity", QT_TRANSLATE_NOOP("DataPane", "a quantity")), ("weight", QT_TRANSLATE_NOOP("DataPane", "a weight")))
DATE_ORDERS = ((None, QT_TRANSLATE_NOOP("DataPane", "as found")), ("DMY", QT_TRANSLATE_NOOP("DataPane", "day first (31.12.)")), ("MDY", QT_TRANSLATE_NOOP("DataPane", "month first (12/31)")),
               ("YMD", QT_TRANSLATE_NOOP("DataPane", "year first (2010-12-31)")))
RETURNS = (("drop", QT_TRANSLATE_NOOP("DataPane", "drop return lines")), ("net", QT_TRANSLATE_NOOP("DataPane", "also drop purchases returned in full")))
#: Milliseconds the form waits after a change before it previews the filters.
PREVIEW_DELAY_MS = 300
FILE_FILTER = (QT_TRANSLATE_NOOP("DataPane", "Data files (*.csv *.tsv *.txt *.gz *.parquet *.pq *.xlsx *.xlsm *.xls *.data *.dat);;All files (*)"))


def choose_data_file(parent: QWidget, start_dir: str = "", caption: str | None = None) -> str | None:
    """Ask the user for a data file; None when they cancel."""
    caption = caption or translate("DataPane", "Open interaction data")
    path, _ = QFileDialog.getOpenFileName(parent, caption, start_dir, translate("DataPane", FILE_FILTER))
    return path or None


_fmt_int = numbers.integer
_month = numbers.month


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

    def __init__(self, state: AppState, controller: DataController, split: SplitController,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.state = state
        self.controller = controller
        self._filling = False   # True while the form is filled from state (no preview requests)
        self.split_controller = split
        self._preview_timer = QTimer(self)
        self._preview_timer.setSingleShot(True)
        self._preview_timer.setInterval(PREVIEW_DELAY_MS)
        self._preview_timer.timeout.connect(self._request_preview)
        self._build()
        state.table_changed.connect(self._show_table)
        state.dataset_changed.connect(self._show_dataset)
        state.busy_changed.connect(self._set_busy)
        controller.slot.progress.connect(self._show_progress)
        controller.slot.failed.connect(lambda message, _tag: self.show_error(message))
        controller.slot.running_changed.connect(lambda running: self.show_error("") if running else None)
        controller.previews.failed.connect(lambda message, _tag: self.show_error(message))
        controller.preview_ready.connect(self._show_preview)
        controller.catalog_changed.connect(self._show_catalog)
        self.open_requested.connect(controller.open)
        self.sheet_requested.connect(controller.open_sheet)
        self.apply_requested.connect(lambda changes: controller.apply(changes, self.current_filters()))
        self.cancel_requested.connect(controller.cancel)
        self._set_busy(state.busy)

    # ---- layout -------------------------------------------------------------------------------
    def _build(self) -> None:
        root = QVBoxLayout(self)
        root.setContentsMargins(12, 10, 12, 8)
        root.setSpacing(8)

        bar = QHBoxLayout()
        self.file_label = QLabel(self.tr("No file open"))
        self.file_label.setObjectName("fileLabel")
        self.file_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.file_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.format_label = QLabel("")
        self.format_label.setObjectName("muted")
        self.sheet_label = QLabel(self.tr("Sheet:"))
        self.sheet_combo = QComboBox()
        self.sheet_combo.setMinimumContentsLength(12)
        self.sheet_combo.activated.connect(
            lambda _i: self.sheet_requested.emit(self.sheet_combo.currentText()))
        self.open_button = QPushButton(self.tr("Open…"))
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
        split.setSizes([430, 970])
        root.addWidget(split, 1)
        self._show_sheets([], None)

    def _combo(self) -> QComboBox:
        box = QComboBox()
        box.setMinimumContentsLength(10)
        box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        box.currentIndexChanged.connect(self._update_apply_enabled)
        box.currentIndexChanged.connect(self._schedule_preview)
        return box

    def _evidence_label(self) -> QLabel:
        label = QLabel("")
        label.setObjectName("evidence")
        label.setWordWrap(True)
        label.setStyleSheet("color: palette(placeholder-text); font-size: 8.5pt;")
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        label.hide()
        return label

    def _role_row(self, form: QFormLayout, field: str, label: str, combos: dict, evidence: dict) -> None:
        combos[field] = self._combo()
        combos[field].setToolTip(self.tr(FIELD_TIPS.get(field, "")))
        evidence[field] = self._evidence_label()
        cell = QWidget()
        lay = QVBoxLayout(cell)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(1)
        lay.addWidget(combos[field])
        lay.addWidget(evidence[field])
        title = QLabel(self.tr(label))
        title.setToolTip(self.tr(FIELD_TIPS.get(field, "")))
        form.addRow(title, cell)

    def _build_mapping_panel(self) -> QWidget:
        panel = QWidget()
        lay = QVBoxLayout(panel)
        lay.setContentsMargins(0, 0, 6, 0)
        self.combos: dict[str, QComboBox] = {}
        self.evidence: dict[str, QLabel] = {}

        inter = QGroupBox(self.tr("Interactions"))
        inter.setToolTip(self.tr("Which column plays which role. Each proposal says why under it; change any of them."))
        form = QFormLayout(inter)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for field, label in INTERACTION_FIELDS:
            self._role_row(form, field, label, self.combos, self.evidence)
            if field == "value":
                self.value_kind = QComboBox()
                for kind, text in VALUE_KINDS:
                    self.value_kind.addItem(self.tr(text), kind)
                self.value_kind.setEnabled(False)
                form.addRow(self.tr("Value is"), self.value_kind)
            if field == "timestamp":
                self.date_order = QComboBox()
                for order, text in DATE_ORDERS:
                    self.date_order.addItem(self.tr(text), order)
                self.date_order.setToolTip(self.tr("How dates such as 01.02.2010 are written: decided from the values (a day above 12), "
                                                   "else from the header language"))
                form.addRow(self.tr("Dates are"), self.date_order)
        self.combos["value"].currentIndexChanged.connect(
            lambda _i: self.value_kind.setEnabled(self.combos["value"].currentIndex() > 0))
        lay.addWidget(inter)

        cat = QGroupBox(self.tr("Item attributes in this file"))
        cat.setToolTip(self.tr("Product name, group, price and text taken from the interaction rows"))
        form = QFormLayout(cat)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for field, label in CATALOG_FIELDS:
            self._role_row(form, field, label, self.combos, self.evidence)
        lay.addWidget(cat)

        self.hint_label = QLabel(self.tr("* required"))
        self.hint_label.setObjectName("muted")
        self.hint_label.setWordWrap(True)
        lay.addWidget(self.hint_label)
        lay.addWidget(self._build_filters())
        lay.addWidget(self._build_catalog_slot())

        buttons = QHBoxLayout()
        self.apply_button = QPushButton(self.tr("Apply mapping"))
        self.apply_button.setObjectName("primary")
        self.apply_button.setToolTip(self.tr("Validate the file with this mapping and these filters and load it"))
        self.apply_button.clicked.connect(self._apply)
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.clicked.connect(self.cancel_requested)
        self.recipe_button = QPushButton(self.tr("Save recipe…"))
        self.recipe_button.setToolTip(self.tr("Save the loaded data's mapping and filters as an import recipe (JSON): next month's "
                                              "export loads the same way, here or with recscope --recipe"))
        self.recipe_button.clicked.connect(self._save_recipe)
        self.recipe_button.setEnabled(False)
        buttons.addWidget(self.apply_button, 1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.recipe_button)
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
        self.split_box = SplitBox(self.state, self.split_controller)
        lay.addWidget(self.split_box)
        lay.addStretch(1)

        scroll = QScrollArea()
        scroll.setObjectName("mappingScroll")
        panel.setObjectName("mappingPanel")
        scroll.setWidget(panel)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setMinimumWidth(300)
        return scroll

    def _build_filters(self) -> QWidget:
        box = QGroupBox(self.tr("Load filters"))
        box.setToolTip(self.tr("Rows left out while loading. The table below shows what each filter removes before you "
                               "load; the filters are saved with the project and in import recipes."))
        lay = QVBoxLayout(box)
        note = QLabel(self.tr("Non-product codes: tick the lines that are no product (postage, fees, adjustments)"))
        note.setWordWrap(True)
        note.setToolTip(self.tr("Proposed because their code is unlike the others, they sit in most orders of the "
                                "customers who have them, or their title says postage, fee, charge… Hover for why."))
        lay.addWidget(note)
        self.candidates = QListWidget()
        self.candidates.setObjectName("nonProducts")
        self.candidates.setMaximumHeight(110)
        self.candidates.itemChanged.connect(self._schedule_preview)
        lay.addWidget(self.candidates)
        form = QFormLayout()
        self.returns = QComboBox()
        for key, text in RETURNS:
            self.returns.addItem(self.tr(text), key)
        self.returns.setToolTip(self.tr("Lines with a quantity of 0 or less are returns and never count as purchases; 'also drop "
                                        "purchases returned in full' removes what the customer sent back"))
        self.returns.currentIndexChanged.connect(self._schedule_preview)
        form.addRow(self.tr("Returns"), self.returns)
        dates = QHBoxLayout()
        self.date_from_on, self.date_to_on = QCheckBox(self.tr("from")), QCheckBox(self.tr("to"))
        self.date_from, self.date_to = QDateEdit(), QDateEdit()
        for check, edit in ((self.date_from_on, self.date_from), (self.date_to_on, self.date_to)):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setEnabled(False)
            check.toggled.connect(edit.setEnabled)
            check.toggled.connect(self._schedule_preview)
            edit.dateChanged.connect(self._schedule_preview)
            dates.addWidget(check)
            dates.addWidget(edit, 1)
        date_row = QWidget()
        date_row.setLayout(dates)
        date_row.setToolTip(self.tr("Keep only events on these days (inclusive, UTC)"))
        dates.setContentsMargins(0, 0, 0, 0)
        form.addRow(self.tr("Dates"), date_row)
        self.min_user, self.min_item = QSpinBox(), QSpinBox()
        for spin, tip in ((self.min_user, self.tr("Leave out customers with fewer events (repeated until every customer "
                                                  "and item left has enough)")),
                          (self.min_item, self.tr("Leave out items with fewer events (repeated until every customer and "
                                                  "item left has enough)"))):
            spin.setRange(1, 1000)
            spin.setToolTip(tip)
            spin.valueChanged.connect(self._schedule_preview)
        mins = QHBoxLayout()
        mins.setContentsMargins(0, 0, 0, 0)
        mins.addWidget(QLabel(self.tr("customer")))
        mins.addWidget(self.min_user)
        mins.addWidget(QLabel(self.tr("item")))
        mins.addWidget(self.min_item)
        min_row = QWidget()
        min_row.setLayout(mins)
        form.addRow(self.tr("Least events"), min_row)
        lay.addLayout(form)
        self.preview_table = QTableWidget(0, 2)
        self.preview_table.setObjectName("filterPreview")
        self.preview_table.setHorizontalHeaderLabels([self.tr("Left out while loading"), self.tr("Rows")])
        self.preview_table.verticalHeader().hide()
        self.preview_table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.preview_table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.preview_table.setToolTip(self.tr("What loading with this mapping and these filters would leave out"))
        lay.addWidget(self.preview_table)
        self.preview_summary = QLabel("")
        self.preview_summary.setWordWrap(True)
        lay.addWidget(self.preview_summary)
        return box

    def _build_catalog_slot(self) -> QWidget:
        box = QGroupBox(self.tr("Catalog file"))
        box.setToolTip(self.tr("A second file with one row per item (product master, u.item): joined on the item id. "
                               "Open it here or drop it on the window."))
        lay = QVBoxLayout(box)
        bar = QHBoxLayout()
        self.catalog_label = QLabel(self.tr("No catalog file"))
        self.catalog_label.setWordWrap(True)
        self.catalog_open = QPushButton(self.tr("Open catalog…"))
        self.catalog_open.clicked.connect(self._browse_catalog)
        self.catalog_remove = QPushButton(self.tr("Remove"))
        self.catalog_remove.clicked.connect(self.controller.remove_catalog)
        bar.addWidget(self.catalog_label, 1)
        bar.addWidget(self.catalog_open)
        bar.addWidget(self.catalog_remove)
        lay.addLayout(bar)
        self.catalog_form = QWidget()
        form = QFormLayout(self.catalog_form)
        form.setContentsMargins(0, 0, 0, 0)
        self.catalog_combos: dict[str, QComboBox] = {}
        self.catalog_evidence: dict[str, QLabel] = {}
        for field, label in CATALOG_FILE_FIELDS:
            self._role_row(form, field, label, self.catalog_combos, self.catalog_evidence)
        self.catalog_apply = QPushButton(self.tr("Join catalog"))
        self.catalog_apply.setToolTip(self.tr("Join the catalog with these columns on the item id"))
        self.catalog_apply.clicked.connect(self._apply_catalog)
        form.addRow("", self.catalog_apply)
        lay.addWidget(self.catalog_form)
        self.join_label = QLabel("")
        self.join_label.setObjectName("joinReport")
        self.join_label.setWordWrap(True)
        self.join_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.join_label.setToolTip(self.tr("Matched: bought items with a catalog row. Without a row: shown by their code. Never "
                                           "bought: catalog items no one bought, the cold-start candidates only content-based "
                                           "models can recommend."))
        lay.addWidget(self.join_label)
        self._show_catalog()
        return box

    def _build_right(self) -> QWidget:
        split = QSplitter(Qt.Orientation.Vertical)
        split.setChildrenCollapsible(False)

        top = QWidget()
        lay = QVBoxLayout(top)
        lay.setContentsMargins(6, 0, 0, 0)
        self.preview_label = QLabel(self.tr("Preview"))
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
        self.dataset_label = QLabel(self.tr("No dataset loaded"))
        self.dataset_label.setObjectName("sectionTitle")
        lay.addWidget(self.dataset_label)

        cards = QHBoxLayout()
        self.cards = {key: StatCard(caption) for key, caption in (
            ("users", self.tr("users")), ("items", self.tr("items")), ("interactions", self.tr("interactions")),
            ("density", self.tr("density")), ("span", self.tr("time span")))}
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
        self.long_tail_plot = CurvePlot(self.tr("Long tail"), self.tr("Items, most popular first (fraction of items)"),
                                        self.tr("Share of interactions"))
        self.activity_plot = HistogramPlot(self.tr("User activity"), self.tr("Interactions per user (bin edges)"),
                                           self.tr("Users"))
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

    @Slot()
    def _browse_catalog(self) -> None:
        start = str(Path(str(self.state.table.path)).parent) if self.state.table is not None else ""
        path = choose_data_file(self, start, self.tr("Open catalog file"))
        if path:
            self.controller.open_catalog(path)

    def mapping_changes(self) -> dict:
        """The form as ColumnMapping fields: column name or None, plus value_kind and date_order."""
        out = {f: (None if box.currentIndex() <= 0 else box.currentText())
               for f, box in self.combos.items()}
        out["value_kind"] = self.value_kind.currentData() if out["value"] else "none"
        out["date_order"] = self.date_order.currentData()
        return out

    def current_filters(self) -> LoadFilters:
        """The filters the form shows: ticked non-product codes, returns, dates, least events."""
        codes = [self.candidates.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.candidates.count())
                 if self.candidates.item(i).checkState() == Qt.CheckState.Checked]
        day = lambda on, edit: edit.date().toString("yyyy-MM-dd") if on.isChecked() else None  # noqa: E731
        return LoadFilters(exclude_items=codes, returns=self.returns.currentData(),
                           date_from=day(self.date_from_on, self.date_from), date_to=day(self.date_to_on, self.date_to),
                           min_user_events=self.min_user.value(), min_item_events=self.min_item.value())

    @Slot()
    def _apply(self) -> None:
        self.apply_requested.emit(self.mapping_changes())

    @Slot()
    def _apply_catalog(self) -> None:
        changes = {f: (None if box.currentIndex() <= 0 else box.currentText()) for f, box in self.catalog_combos.items()}
        self.controller.set_catalog_mapping(changes)

    @Slot()
    def _save_recipe(self) -> None:
        start = str(Path(str(self.state.dataset.source.get("path", "recipe"))).with_suffix(".recipe.json"))
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Save import recipe"), start, self.tr("Import recipes (*.json)"))
        if path:
            self.controller.save_recipe(path)

    @Slot()
    def _schedule_preview(self, *_args) -> None:
        if self.state.table is not None and not self._filling:
            self._preview_timer.start()

    @Slot()
    def _request_preview(self) -> None:
        self.controller.request_preview(self.mapping_changes(), self.current_filters())

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
        self.preview_label.setText(self.tr("Preview: first {shown:,} of {frame:,} rows, {v2} columns").format(shown=shown, frame=len(frame), v2=frame.shape[1]))
        mapping = self.state.mapping
        self._filling = True
        try:
            self._fill_roles(self.combos, self.evidence, [str(c) for c in frame.columns], mapping)
            kind = getattr(mapping, "value_kind", None)
            self.value_kind.setCurrentIndex(max(self.value_kind.findData(kind), 0))
            self.value_kind.setEnabled(self.combos["value"].currentIndex() > 0)
            self.date_order.setCurrentIndex(max(self.date_order.findData(getattr(mapping, "date_order", None)), 0))
            self._show_filters(self.controller.filters)
            self.candidates.clear()
            self.preview_table.setRowCount(0)
            self.preview_summary.setText("")
        finally:
            self._filling = False
        self._update_apply_enabled()
        self._schedule_preview()

    def _fill_roles(self, combos: dict, evidence: dict, columns: list[str], mapping) -> None:
        """Put ``columns`` in every role box, select ``mapping``'s choice, show its evidence."""
        why = getattr(mapping, "evidence", None) or {}
        for field, box in combos.items():
            box.blockSignals(True)
            box.clear()
            box.addItem(self.tr(NONE))
            box.addItems(columns)
            chosen = getattr(mapping, field, None) if mapping is not None else None
            box.setCurrentIndex(columns.index(chosen) + 1 if chosen in columns else 0)
            text = why.get(field, "") if chosen in columns else ""
            box.setToolTip(self.tr("{tip}\nWhy this column: {text}").format(tip=self.tr(FIELD_TIPS.get(field, "")), text=text) if text else self.tr(FIELD_TIPS.get(field, "")))
            evidence[field].setText(text)
            evidence[field].setVisible(bool(text))
            box.blockSignals(False)

    def _show_filters(self, filters: LoadFilters) -> None:
        """Set the filter widgets to ``filters`` (the non-product list is filled by the preview)."""
        self.returns.setCurrentIndex(max(self.returns.findData(filters.returns), 0))
        for on, edit, value in ((self.date_from_on, self.date_from, filters.date_from),
                                (self.date_to_on, self.date_to, filters.date_to)):
            on.setChecked(value is not None)
            if value is not None:
                edit.setDate(QDate.fromString(value, "yyyy-MM-dd"))
        self.min_user.setValue(filters.min_user_events)
        self.min_item.setValue(filters.min_item_events)

    @Slot(object)
    def _show_preview(self, pv) -> None:
        """The filter preview: candidates (ticked where chosen), rows left out per reason, what is left."""
        chosen = set(self.current_filters().exclude_items) | set(self.controller.filters.exclude_items)
        self._filling = True
        try:
            known = {self.candidates.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.candidates.count())}
            if known != {c.item for c in pv.candidates}:
                self.candidates.clear()
                for c in pv.candidates:
                    item = QListWidgetItem(self.tr("{item}  {v1}  ({rows:,} rows)").format(item=c.item, v1=c.title or '', rows=c.rows))
                    item.setData(Qt.ItemDataRole.UserRole, c.item)
                    item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                    item.setCheckState(Qt.CheckState.Checked if c.item in chosen else Qt.CheckState.Unchecked)
                    item.setToolTip(self.tr("Proposed because: ") + "; ".join(c.reasons))
                    self.candidates.addItem(item)
            self.preview_table.setRowCount(len(pv.removed))
            for row, (reason, n) in enumerate(pv.removed.items()):
                self.preview_table.setItem(row, 0, QTableWidgetItem(reason))
                cell = QTableWidgetItem(f"{n:,}")
                cell.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.preview_table.setItem(row, 1, cell)
            self.preview_table.resizeRowsToContents()
            rows = sum(self.preview_table.rowHeight(r) for r in range(self.preview_table.rowCount()))
            self.preview_table.setFixedHeight(self.preview_table.horizontalHeader().height() + rows + 4)
            self.preview_summary.setText(self.tr("Of {rows_read:,} rows, {rows_left:,} would load: {users_left:,} customers, {items_left:,} items.").format(rows_read=pv.rows_read, rows_left=pv.rows_left, users_left=pv.users_left, items_left=pv.items_left))
        finally:
            self._filling = False

    @Slot()
    def _show_catalog(self) -> None:
        """The catalog slot: file name, its role boxes with evidence, the last join report."""
        cat = self.controller.catalog
        self.catalog_form.setVisible(cat is not None)
        self.catalog_remove.setEnabled(cat is not None)
        if cat is None:
            self.catalog_label.setText(self.tr("No catalog file"))
            self.join_label.setText("")
            return
        table, mapping = cat
        self.catalog_label.setText(self.tr("{name}: {frame:,} rows").format(name=Path(str(table.path)).name, frame=len(table.frame))
                                   + (self.tr(", sheet '{sheet}'").format(sheet=table.sheet) if table.sheet else ""))
        self.catalog_label.setToolTip(str(table.path))
        self._fill_roles(self.catalog_combos, self.catalog_evidence, [str(c) for c in table.frame.columns], mapping)

    @Slot(object)
    def _show_dataset(self, dataset) -> None:
        prof = self.state.profile
        mapping = dataset.mapping
        source = Path(str(dataset.source.get("path", ""))).name
        self.dataset_label.setText(self.tr("Dataset: {source}  (user = {user}, item = {item})").format(source=source, user=mapping.user, item=mapping.item))
        per_user, per_item = prof.events_per_user, prof.events_per_item
        self.cards["users"].set(_fmt_int(prof.n_users), self.tr("interactions per user: median {median:g}, mean {mean:.1f}, max {max:g}").format(median=per_user['median'], mean=per_user['mean'], max=per_user['max']))
        self.cards["items"].set(_fmt_int(prof.n_items), self.tr("interactions per item: median {median:g}, mean {mean:.1f}, max {max:g}").format(median=per_item['median'], mean=per_item['mean'], max=per_item['max']))
        self.cards["interactions"].set(_fmt_int(prof.n_events),
                                       self.tr("{n_pairs} distinct user–item pairs").format(n_pairs=_fmt_int(prof.n_pairs)))
        self.cards["density"].set(numbers.percent(prof.density, 2), self.tr("distinct pairs / (users × items)"))
        if prof.time_min and prof.time_max:
            self.cards["span"].set(f"{_month(prof.time_min)} – {_month(prof.time_max)}",
                                   self.tr("{time_min} → {time_max} (UTC)").format(time_min=prof.time_min, time_max=prof.time_max))
        else:
            self.cards["span"].set("–", self.tr("the data has no timestamps"))
        self._show_report(dataset.report)
        join = dataset.source.get("catalog_join")
        self.join_label.setText(
            self.tr("Join on the item id: <b>{matched:,}</b> items matched · <b>{missing:,}</b> bought items "
                    "have no catalog row · <b>{cold:,}</b> catalog items were never bought (cold-start "
                    "candidates)").format(matched=join['matched'], missing=join['missing'], cold=join['cold']) if join else "")
        self.recipe_button.setEnabled(True)
        if prof.time_min and prof.time_max:  # the date filter starts at the data's own span
            for on, edit, iso in ((self.date_from_on, self.date_from, prof.time_min),
                                  (self.date_to_on, self.date_to, prof.time_max)):
                if not on.isChecked():
                    edit.blockSignals(True)
                    edit.setDate(QDate.fromString(iso[:10], "yyyy-MM-dd"))
                    edit.blockSignals(False)
        self.long_tail_plot.setTitle(self.tr("Long tail: top 20% of items hold {top20_share:.0%}").format(top20_share=prof.top20_share), size="10pt")
        self.long_tail_plot.set_curve(prof.tail_x, prof.tail_y, reference=([0.0, 1.0], [0.0, 1.0]),
                                      x_range=(0.0, 1.0), y_range=(0.0, 1.0))
        self.activity_plot.set_histogram(prof.activity_edges, prof.activity_counts)

    def _show_report(self, report) -> None:
        dropped = sum(report.dropped.values())
        self.report_label.setText(self.tr("Rows read {rows_read} · interactions kept {rows_used} · rows dropped or merged {dropped}").format(rows_read=_fmt_int(report.rows_read), rows_used=_fmt_int(report.rows_used), dropped=_fmt_int(dropped)))
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
        self.hint_label.setText(self.tr("* required") if mapped or not has_table else
                                self.tr("Choose the user and item columns (*), then Apply mapping."))
