"""Split box: how the loaded data is divided into training, validation and test parts.

Shown in the Data pane under the column mapping. "Apply split" runs the split in a worker
(SplitController) and writes ``AppState.split``; leakage warnings appear in plain words. Data with an
event-type column gets one checkbox per event type: the checked ones count as relevant in the test
part (``Dataset.set_relevant_events``; default: purchases), the others are left out of it.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDoubleSpinBox, QFormLayout, QGridLayout, QGroupBox,
                               QLabel, QPushButton, QSpinBox, QVBoxLayout, QWidget)

from desktop.controllers.train_controller import SplitController
from desktop.state import AppState
from PySide6.QtCore import QT_TRANSLATE_NOOP

from desktop.translate import translate

#: (engine method, label, tooltip)
#: What the validation share does (its tooltip).
VALID_TIP = (QT_TRANSLATE_NOOP("SplitBox", "Share of the training interactions held out while a model chooses its number of epochs "
                                               "and while tuning; the kept model is then trained again on all training interactions, "
                                               "validation included (0: none)"))
METHODS = (
    ("temporal", QT_TRANSLATE_NOOP("SplitBox", "Temporal"),
     QT_TRANSLATE_NOOP("SplitBox", "One cut in time: everything after it is the test. No future leakage; the default for dated data.")),
    ("leave-last", QT_TRANSLATE_NOOP("SplitBox", "Leave last out"),
     QT_TRANSLATE_NOOP("SplitBox", "Each customer's most recent purchase is the test; the one before it is the validation.")),
    ("random", QT_TRANSLATE_NOOP("SplitBox", "Random per customer"),
     QT_TRANSLATE_NOOP("SplitBox", "A random share of each customer's events is the test. Leaks the future when the data is dated.")),
)


def split_method_label(method: str) -> str:
    """"temporal" -> "Temporal" in the interface language."""
    return translate("SplitBox", dict((k, label) for k, label, _tip in METHODS).get(method, method))


class SplitBox(QGroupBox):
    apply_requested = Signal(str, float, float, int)

    def __init__(self, state: AppState, controller: SplitController, parent: QWidget | None = None):
        super().__init__(self.tr("Train / test split"), parent)
        self.state = state
        self.controller = controller
        self._build()
        self.apply_requested.connect(controller.apply)
        controller.slot.failed.connect(lambda message, _tag: self._show_error(message))
        controller.slot.running_changed.connect(self._set_busy)
        state.dataset_changed.connect(self._on_dataset)
        state.split_changed.connect(self._show_split)
        self._on_dataset(state.dataset)

    def _build(self) -> None:
        lay = QVBoxLayout(self)
        self.form = form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.method = QComboBox()
        self.method.setMinimumContentsLength(10)
        self.method.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        for key, label, tip in METHODS:
            self.method.addItem(self.tr(label), key)
            self.method.setItemData(self.method.count() - 1, self.tr(tip), Qt.ItemDataRole.ToolTipRole)
        self.method.currentIndexChanged.connect(self._method_changed)
        self.test = self._percent(20, self.tr("Share of interactions held out to test every model"))
        self.valid = self._percent(10, self.tr(VALID_TIP))
        self.seed = QSpinBox()
        self.seed.setRange(0, 2**31 - 1)
        self.seed.setToolTip(self.tr("The same seed gives the same random split"))
        form.addRow(self.tr("Method"), self.method)
        form.addRow(self.tr("Test"), self.test)
        form.addRow(self.tr("Validation"), self.valid)
        form.addRow(self.tr("Seed"), self.seed)
        self.relevant_row = QWidget()
        self.relevant_row.setToolTip(self.tr("Event types that count as hits in the test part (default: purchases); held-out events "
                                             "of the other types are left out of it"))
        self.relevant_grid = QGridLayout(self.relevant_row)
        self.relevant_grid.setContentsMargins(0, 0, 0, 0)
        self.relevant_boxes: dict[str, QCheckBox] = {}
        form.addRow(self.tr("Relevant in test"), self.relevant_row)
        form.setRowVisible(self.relevant_row, False)
        lay.addLayout(form)
        self.relevant_note = QLabel("")
        self.relevant_note.setObjectName("error")
        self.relevant_note.setWordWrap(True)
        self.relevant_note.hide()
        lay.addWidget(self.relevant_note)
        self.apply_button = QPushButton(self.tr("Apply split"))
        self.apply_button.setObjectName("primary")
        self.apply_button.clicked.connect(self._apply)
        lay.addWidget(self.apply_button)
        self._applied = ""
        self.summary = QLabel("")
        self.summary.setObjectName("muted")
        self.summary.setWordWrap(True)
        self.warnings = QLabel("")
        self.warnings.setObjectName("warning")
        self.warnings.setWordWrap(True)
        self.warnings.hide()
        self.error = QLabel("")
        self.error.setObjectName("error")
        self.error.setWordWrap(True)
        self.error.hide()
        for w in (self.summary, self.warnings, self.error):
            w.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            lay.addWidget(w)

    @staticmethod
    def _percent(value: float, tip: str) -> QDoubleSpinBox:
        box = QDoubleSpinBox()
        box.setRange(0.0, 90.0)
        box.setDecimals(0)
        box.setSuffix(" %")
        box.setValue(value)
        box.setToolTip(tip)
        return box

    # ---- requests / state ---------------------------------------------------------------------
    @Slot()
    def _apply(self) -> None:
        self.apply_requested.emit(self.method.currentData(), self.test.value() / 100.0,
                                  self.valid.value() / 100.0, self.seed.value())

    def set_method(self, key: str) -> None:
        self.method.setCurrentIndex(max(self.method.findData(key), 0))

    @Slot(int)
    def _method_changed(self, _index: int) -> None:
        leave_last = self.method.currentData() == "leave-last"
        self.test.setEnabled(not leave_last)
        self.seed.setEnabled(self.method.currentData() == "random")
        self.valid.setToolTip(self.tr("Leave last out: any share above 0 % holds out each customer's second-to-last purchase "
                                      "for validation") if leave_last else
                              self.tr(VALID_TIP))

    # ---- relevant event types -------------------------------------------------------------------
    def _show_event_types(self, dataset) -> None:
        """One checkbox per event type present (3 a line); the row hides without an event column."""
        for box in self.relevant_boxes.values():
            self.relevant_grid.removeWidget(box)
            box.deleteLater()
        self.relevant_boxes = {}
        self.relevant_note.hide()
        types = [] if dataset is None else dataset.event_types()
        for n, name in enumerate(types):
            box = QCheckBox(name)
            box.setChecked(dataset.relevant_events is None or name in dataset.relevant_events)
            box.toggled.connect(lambda _checked, box=box: self._relevant_toggled(box))
            self.relevant_grid.addWidget(box, n // 3, n % 3)
            self.relevant_boxes[name] = box
        self.form.setRowVisible(self.relevant_row, bool(types))

    def _relevant_toggled(self, box: QCheckBox) -> None:
        """Make the checked types the dataset's relevant ones; the last one cannot be unchecked."""
        chosen = [name for name, b in self.relevant_boxes.items() if b.isChecked()]
        if not chosen:
            box.blockSignals(True)
            box.setChecked(True)
            box.blockSignals(False)
            self.relevant_note.setText(self.tr("Keep at least one event type relevant: the test part needs events to hit."))
            self.relevant_note.show()
            return
        error = self.controller.set_relevant(chosen)
        if error:
            self.relevant_note.setText(error)
            self.relevant_note.show()
            return
        self.relevant_note.hide()
        if self.state.split is not None:
            self.summary.setText(self.tr("{applied}\nRelevant event types changed: Apply split again so the test part uses them.").format(applied=self._applied))

    @Slot(object)
    def _on_dataset(self, dataset) -> None:
        has = dataset is not None
        self.apply_button.setEnabled(has)
        self._show_error("")
        self.warnings.hide()
        self._show_event_types(dataset)
        if not has:
            self.summary.setText(self.tr("Load data first; then choose how to hold out a test part."))
            return
        dated = dataset.interactions.timestamps is not None
        temporal = self.method.model().item(self.method.findData("temporal"))
        temporal.setEnabled(dated)
        self.set_method("temporal" if dated else "random")
        self.summary.setText(self.tr("Not split yet: Apply split to enable training.") if dated else
                             self.tr("The data has no dates, so the split is random per customer. Apply split to enable training."))

    @Slot(object)
    def _show_split(self, parts) -> None:
        if parts is None:
            return
        at = self.method.findData(parts.method)   # a split restored from a project shows its settings
        if at >= 0:
            self.method.setCurrentIndex(at)
        self.seed.setValue(int(parts.seed))
        self.test.setValue(round(100 * parts.test_frac))
        self.valid.setValue(round(100 * parts.valid_frac))
        valid = 0 if parts.valid is None else parts.valid.n_events
        label = self.tr(dict((k, lbl) for k, lbl, _ in METHODS).get(parts.method, parts.method))
        self._applied = (self.tr("Applied: {v0} — {n_events:,} training (of which {valid:,} validation), {n_events2:,} "
                                 "test interactions ({n_users:,} test customers).").format(v0=label.lower(), n_events=parts.train.n_events, valid=valid, n_events2=parts.test.n_events, n_users=parts.test.n_users))
        self.summary.setText(self._applied)
        self.warnings.setText("\n".join(f"⚠ {w[0].upper()}{w[1:]}." for w in parts.warnings))
        self.warnings.setVisible(bool(parts.warnings))

    @Slot(str)
    def _show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.setVisible(bool(message))

    @Slot(bool)
    def _set_busy(self, busy: bool) -> None:
        if busy:
            self._show_error("")
        self.apply_button.setEnabled(not busy and self.state.dataset is not None)
        self.apply_button.setText(self.tr("Splitting…") if busy else self.tr("Apply split"))
        self.relevant_row.setEnabled(not busy)
