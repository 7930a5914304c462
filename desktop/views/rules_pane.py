"""Rules pane: edit a merchandising rule set as a form or as JSON, keep named rule sets, and measure
what the rules cost: raw vs re-ranked metrics, exposure by item group and the long-tail trade-off.

The edited rule set, while valid, is the active one the Inspector applies ("before / after").
Validation and evaluation are engine calls made by RulesController.
"""

from __future__ import annotations

import json

import pandas as pd
import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QFontDatabase, QKeySequence, QUndoCommand, QUndoStack
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDoubleSpinBox, QFormLayout, QFrame, QGroupBox,
                               QHBoxLayout, QInputDialog, QLabel, QLineEdit, QListWidget, QMenu,
                               QPlainTextEdit, QPushButton, QScrollArea, QSpinBox, QSplitter,
                               QTabWidget, QToolButton, QVBoxLayout, QWidget)

from desktop import glossary
from desktop.controllers.rules_controller import DEFAULT_NAME, OPS, SCHEMA, RulesController
from desktop.plots.curves import ACCENT, LabelledPlot
from desktop.plots.labels import LabelPlacer
from desktop.qtmodels.marked_frame_model import MarkedFrameModel
from desktop.state import AppState
from desktop.widgets.progress import ProgressStrip
from desktop.widgets.runs import fill_run_combo
from desktop.widgets.tables import fit_columns, make_table
from desktop.translate import translate
from PySide6.QtCore import QT_TRANSLATE_NOOP

#: rule type -> menu label
RULE_LABELS = {"long_tail": QT_TRANSLATE_NOOP("RulesPane", "Long-tail boost"), "boost_where": QT_TRANSLATE_NOOP("RulesPane", "Boost where …"), "exclude_where": QT_TRANSLATE_NOOP("RulesPane", "Exclude where …"),
               "only": QT_TRANSLATE_NOOP("RulesPane", "Only where …"), "exclude_items": QT_TRANSLATE_NOOP("RulesPane", "Exclude listed items"), "bury_items": QT_TRANSLATE_NOOP("RulesPane", "Bury listed items"),
               "pin_items": QT_TRANSLATE_NOOP("RulesPane", "Pin listed items"), "max_per": QT_TRANSLATE_NOOP("RulesPane", "At most N per group"), "diversity": QT_TRANSLATE_NOOP("RulesPane", "Diversity (MMR)"),
               "min_share": QT_TRANSLATE_NOOP("RulesPane", "Minimum share per group")}
#: rule field -> (label, tooltip) of its row in the form
FIELD_LABELS = {
    "weight": (QT_TRANSLATE_NOOP("RulesPane", "Weight"), QT_TRANSLATE_NOOP("RulesPane", "How strongly less-sold items are lifted: 0 changes nothing, 1 ranks the candidates by rarity alone")),
    "pool": (QT_TRANSLATE_NOOP("RulesPane", "Candidates"), QT_TRANSLATE_NOOP("RulesPane", "How many of the model's best items the rule may reorder (0: all of them)")),
    "column": (QT_TRANSLATE_NOOP("RulesPane", "Column"), QT_TRANSLATE_NOOP("RulesPane", "The catalog column the rule looks at")),
    "op": (QT_TRANSLATE_NOOP("RulesPane", "Comparison"), QT_TRANSLATE_NOOP("RulesPane", "How the column is compared with the value")),
    "value": (QT_TRANSLATE_NOOP("RulesPane", "Value"), QT_TRANSLATE_NOOP("RulesPane", "The value the column is compared with")),
    "amount": (QT_TRANSLATE_NOOP("RulesPane", "Amount"), QT_TRANSLATE_NOOP("RulesPane", "How far matching items move up (negative: down), in standard deviations of the customer's scores")),
    "items": (QT_TRANSLATE_NOOP("RulesPane", "Items"), QT_TRANSLATE_NOOP("RulesPane", "Item ids the rule applies to")),
    "n": (QT_TRANSLATE_NOOP("RulesPane", "At most"), QT_TRANSLATE_NOOP("RulesPane", "The most items of one group a list may hold")),
    "lambda": (QT_TRANSLATE_NOOP("RulesPane", "Diversity weight"), QT_TRANSLATE_NOOP("RulesPane", "0 keeps the model's order, 1 picks the least similar item each time")),
    "embeddings": (QT_TRANSLATE_NOOP("RulesPane", "Similarity"), QT_TRANSLATE_NOOP("RulesPane", "Judge similarity by the model's item vectors instead of a column")),
    "share": (QT_TRANSLATE_NOOP("RulesPane", "Minimum share"), QT_TRANSLATE_NOOP("RulesPane", "The least share of each list every group gets")),
    "groups": (QT_TRANSLATE_NOOP("RulesPane", "Groups"), QT_TRANSLATE_NOOP("RulesPane", "The groups that get the share (empty: every group)")),
}
#: the catalog's own column roles, as a sentence names them ("Exposure by category")
COLUMN_ROLES = {"category": QT_TRANSLATE_NOOP("RulesPane", "category"), "price": QT_TRANSLATE_NOOP("RulesPane", "price"),
                "title": QT_TRANSLATE_NOOP("RulesPane", "title"), "brand": QT_TRANSLATE_NOOP("RulesPane", "brand")}
#: metric (without @k) -> label, in display order
METRICS = (("ndcg", QT_TRANSLATE_NOOP("RulesPane", "NDCG")), ("precision", QT_TRANSLATE_NOOP("RulesPane", "Precision")), ("recall", QT_TRANSLATE_NOOP("RulesPane", "Recall")), ("hit", QT_TRANSLATE_NOOP("RulesPane", "Hit rate")),
           ("map", QT_TRANSLATE_NOOP("RulesPane", "MAP")), ("mrr", QT_TRANSLATE_NOOP("RulesPane", "MRR")), ("coverage", QT_TRANSLATE_NOOP("RulesPane", "Coverage")), ("novelty", QT_TRANSLATE_NOOP("RulesPane", "Novelty")),
           ("arp", QT_TRANSLATE_NOOP("RulesPane", "Avg. popularity")), ("diversity", QT_TRANSLATE_NOOP("RulesPane", "Intra-list diversity")))
DEFAULT_WEIGHTS = "0, 0.2, 0.4, 0.5, 0.6, 0.8, 1"
#: Headings of the metrics and exposure tables (translated by their models, context RulesPane).
HEADINGS = (QT_TRANSLATE_NOOP("RulesPane", "Metric"), QT_TRANSLATE_NOOP("RulesPane", "Model"),
            QT_TRANSLATE_NOOP("RulesPane", "With rules"), QT_TRANSLATE_NOOP("RulesPane", "Change"),
            QT_TRANSLATE_NOOP("RulesPane", "Group"), QT_TRANSLATE_NOOP("RulesPane", "Catalog"))


def describe(rule: dict) -> str:
    """One line for the rule list, e.g. "At most 2 per category"."""
    t = rule.get("type")
    col = rule.get("column", "?")
    if t == "long_tail":
        return translate("RulesPane", "Long-tail boost, weight {v0}").format(v0=rule.get('weight', '?'))
    if t == "max_per":
        return translate("RulesPane", "At most {v0} per {col}").format(v0=rule.get('n', '?'), col=col)
    if t in ("boost_where", "exclude_where", "only"):
        value = rule.get("value")
        shown = ", ".join(map(str, value)) if isinstance(value, list) else value
        verb = {"boost_where": translate("RulesPane", "Boost {v0:+}").format(v0=rule.get('amount', '?')) if isinstance(rule.get("amount"), (int, float))
                else translate("RulesPane", "Boost"), "exclude_where": translate("RulesPane", "Exclude"), "only": translate("RulesPane", "Only")}[t]
        return translate("RulesPane", "{verb} where {col} {v2} {shown}").format(verb=verb, col=col, v2=rule.get('op', '='), shown=shown)
    if t in ("exclude_items", "bury_items", "pin_items"):
        n = len(rule.get("items") or [])
        one, many = {"exclude_items": (translate("RulesPane", "Exclude 1 listed item"),
                                       translate("RulesPane", "Exclude {n} listed items")),
                     "bury_items": (translate("RulesPane", "Bury 1 listed item"), translate("RulesPane", "Bury {n} listed items")),
                     "pin_items": (translate("RulesPane", "Pin 1 listed item"), translate("RulesPane", "Pin {n} listed items"))}[t]
        return one if n == 1 else many.format(n=n)
    if t == "diversity":
        by = "embeddings" if rule.get("embeddings") else col
        return translate("RulesPane", "Diversity λ={v0} by {by}").format(v0=rule.get('lambda', '?'), by=by)
    if t == "min_share":
        return translate("RulesPane", "Min share {v0} per {col}").format(v0=rule.get('share', '?'), col=col)
    return str(t)


def _id(text: str):
    """A typed id or value: int when it is an integer, float when a number, else the text."""
    text = text.strip()
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        return text


def _text(value) -> str:
    if isinstance(value, list):
        return ", ".join(map(str, value))
    return "" if value is None else str(value)


class RuleForm(QWidget):
    """The rule list with add / remove / reorder and a field editor for the selected rule.
    ``edited`` carries the new list of rule dicts (not necessarily valid)."""

    edited = Signal(list)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.rules: list[dict] = []
        self.columns: list[str] = []
        self.condition: dict = {}          # a valid "column op value" for new "… where" rules
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 4, 0, 0)
        self.rule_list = QListWidget()
        self.rule_list.setMinimumHeight(90)
        self.rule_list.currentRowChanged.connect(self._edit_row)
        lay.addWidget(self.rule_list, 2)
        buttons = QHBoxLayout()
        self.add_button = QToolButton()
        self.add_button.setObjectName("addRule")
        self.add_button.setText(self.tr("Add rule"))
        self.add_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.add_button)
        for kind, label in RULE_LABELS.items():
            act = QAction(translate("RulesPane", label), menu)
            act.triggered.connect(lambda _=False, k=kind: self.add_rule(k))
            menu.addAction(act)
        self.add_button.setMenu(menu)
        self.remove_button = QPushButton(self.tr("Remove"))
        self.remove_button.clicked.connect(self._remove)
        self.up_button = QPushButton("▲")
        self.up_button.setToolTip(self.tr("Apply earlier"))
        self.down_button = QPushButton("▼")
        self.down_button.setToolTip(self.tr("Apply later"))
        for b in (self.up_button, self.down_button):
            b.setFixedWidth(34)
        self.up_button.clicked.connect(lambda: self._move(-1))
        self.down_button.clicked.connect(lambda: self._move(1))
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        buttons.addWidget(self.up_button)
        buttons.addWidget(self.down_button)
        lay.addLayout(buttons)
        self.fields_box = QGroupBox(self.tr("Rule"))
        self.fields = QFormLayout(self.fields_box)
        self.fields.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        lay.addWidget(self.fields_box, 3)

    def set_rules(self, rules: list[dict], columns: list[str] | None = None) -> None:
        """Show ``rules`` (keeps the selected row when it still exists)."""
        if columns is not None:
            self.columns = columns
        row = self.rule_list.currentRow()
        self.rules = [dict(r) if isinstance(r, dict) else {"type": str(r)} for r in rules]
        self._fill_list(row)

    def _fill_list(self, row: int) -> None:
        self.rule_list.blockSignals(True)
        self.rule_list.clear()
        for i, rule in enumerate(self.rules):
            self.rule_list.addItem(f"{i + 1}. {describe(rule)}")
        self.rule_list.blockSignals(False)
        row = min(max(row, 0), len(self.rules) - 1)
        self.rule_list.setCurrentRow(row)
        self._edit_row(row)

    def _changed(self, refill_fields: bool = False) -> None:
        row = self.rule_list.currentRow()
        for i, rule in enumerate(self.rules):
            self.rule_list.item(i).setText(f"{i + 1}. {describe(rule)}")
        if refill_fields:
            self._edit_row(row)
        self.edited.emit([dict(r) for r in self.rules])

    def add_rule(self, kind: str) -> None:
        """Append a rule of ``kind`` that is valid as it starts (a condition on a real value of the catalog)."""
        cond = dict(self.condition) or {"column": "category", "op": "=", "value": ""}
        col = "category" if "category" in self.columns else cond["column"]
        defaults = {"long_tail": {"weight": 0.5}, "boost_where": {**cond, "amount": 1.0},
                    "exclude_where": dict(cond), "only": dict(cond), "exclude_items": {"items": []},
                    "bury_items": {"items": []}, "pin_items": {"items": []}, "max_per": {"column": col, "n": 2},
                    "diversity": {"lambda": 0.7, "column": col}, "min_share": {"column": col, "share": 0.2}}
        self.rules.append({"type": kind, **defaults[kind]})
        self._fill_list(len(self.rules) - 1)
        self.edited.emit([dict(r) for r in self.rules])

    def _remove(self) -> None:
        row = self.rule_list.currentRow()
        if 0 <= row < len(self.rules):
            del self.rules[row]
            self._fill_list(row)
            self.edited.emit([dict(r) for r in self.rules])

    def _move(self, delta: int) -> None:
        row = self.rule_list.currentRow()
        new = row + delta
        if 0 <= row < len(self.rules) and 0 <= new < len(self.rules):
            self.rules[row], self.rules[new] = self.rules[new], self.rules[row]
            self._fill_list(new)
            self.edited.emit([dict(r) for r in self.rules])

    # ---- the field editor ---------------------------------------------------------------------
    def _edit_row(self, row: int) -> None:
        while self.fields.rowCount():
            self.fields.removeRow(0)
        if not 0 <= row < len(self.rules):
            self.fields_box.setTitle(self.tr("Rule"))
            self.fields.addRow(QLabel(self.tr("Add a rule to start.")))
            return
        rule = self.rules[row]
        kind = rule.get("type")
        self.fields_box.setTitle(self.tr("Rule {v0}: {v1}").format(v0=row + 1, v1=translate("RulesPane", RULE_LABELS.get(kind, kind))))
        required, optional = SCHEMA.get(kind, ((), {}))
        for name in (*required, *optional):
            text, tip = FIELD_LABELS.get(name, (name, ""))
            label = QLabel(translate("RulesPane", text))
            label.setToolTip(translate("RulesPane", tip) if tip else "")
            widget = self._field(rule, name)
            if tip and not widget.toolTip():
                widget.setToolTip(label.toolTip())
            self.fields.addRow(label, widget)

    def _field(self, rule: dict, name: str) -> QWidget:
        value = rule.get(name, SCHEMA.get(rule.get("type"), ((), {}))[1].get(name))

        def setter(v, refill=False):
            if v is None:
                rule.pop(name, None)
            else:
                rule[name] = v
            self._changed(refill)

        if name in ("weight", "amount", "lambda", "share"):
            box = QDoubleSpinBox()
            lo, hi, step = {"weight": (0, 1, 0.05), "amount": (-10, 10, 0.25), "lambda": (0, 1, 0.05),
                            "share": (0, 1, 0.05)}[name]
            box.setRange(lo, hi)
            box.setSingleStep(step)
            box.setDecimals(2)
            box.setValue(float(value) if isinstance(value, (int, float)) else 0.0)
            box.valueChanged.connect(lambda v: setter(round(float(v), 4)))
            return box
        if name in ("n", "pool"):
            box = QSpinBox()
            box.setRange(0 if name == "pool" else 1, 100_000)
            if name == "pool":
                box.setSpecialValueText(self.tr("all candidates"))
            box.setValue(int(value) if isinstance(value, int) else 0)
            box.valueChanged.connect(lambda v: setter(None if name == "pool" and v == 0 else int(v)))
            return box
        if name == "column":
            box = QComboBox()
            box.setEditable(True)
            box.addItems(self.columns)
            box.setCurrentText("" if value is None else str(value))
            box.currentTextChanged.connect(lambda t: setter(t.strip() or None))
            return box
        if name == "op":
            box = QComboBox()
            box.addItems(OPS)
            box.setCurrentText(str(value or "="))
            box.currentTextChanged.connect(lambda t: self._set_op(rule, t))
            return box
        if name == "embeddings":
            box = QCheckBox(self.tr("use the model's item embeddings"))
            box.setChecked(bool(value))
            box.toggled.connect(lambda on: setter(True if on else None))
            return box
        edit = QLineEdit(_text(value))
        if name in ("items", "groups"):
            edit.setPlaceholderText(self.tr("ids separated by commas"))
            edit.textEdited.connect(lambda t: setter([_id(p) for p in t.split(",") if p.strip()] or
                                                     (None if name == "groups" else [])))
        else:
            edit.setPlaceholderText(self.tr("a value (several, comma-separated, for 'in')"))
            edit.textEdited.connect(lambda t: setter([_id(p) for p in t.split(",") if p.strip()]
                                                     if rule.get("op") == "in" else _id(t)))
        return edit

    def _set_op(self, rule: dict, op: str) -> None:
        rule["op"] = op
        value = rule.get("value")
        if op == "in" and not isinstance(value, list):
            rule["value"] = [value] if value not in (None, "") else []
        elif op != "in" and isinstance(value, list):
            rule["value"] = value[0] if value else ""
        self._changed()


class RuleEdit(QUndoCommand):
    """One edit of the rules (form or JSON): undo shows the rules before it, redo after it."""

    def __init__(self, pane: "RulesPane", before: str, after: str):
        super().__init__(translate("RulesPane", "Edit rules"))
        self.pane, self.before, self.after = pane, before, after
        self._done = True                    # pushed after the edit happened: the first redo is a no-op

    def undo(self) -> None:
        self.pane.restore_rules(self.before)

    def redo(self) -> None:
        if self._done:
            self._done = False
            return
        self.pane.restore_rules(self.after)


class RulesPane(QWidget):
    def __init__(self, state: AppState, controller: RulesController, parent: QWidget | None = None):
        super().__init__(parent)
        self.state = state
        self.controller = controller
        self.book = self.controller.book
        self.evaluation = None
        self.sweep: list[dict] = []
        self.valid_spec: dict | None = None
        self._json_error: str | None = None
        self._validate_timer = QTimer(self)
        self._validate_timer.setSingleShot(True)
        self._validate_timer.setInterval(250)
        self._validate_timer.timeout.connect(self._json_typed)
        self._spec_text: str | None = None   # the rules as last remembered for undo (sorted JSON)
        self._restoring = False
        self._build()
        c = self.controller
        c.slot.progress.connect(self.strip.show_progress)
        c.slot.running_changed.connect(self._running)
        c.slot.done.connect(lambda result, k: self._show_evaluation((*result, k)))
        c.slot.failed.connect(lambda message, _tag: self._evaluation_failed(message))
        c.slot.cancelled.connect(lambda _tag: self._evaluation_failed(self.tr("Evaluation cancelled.")))
        self.book.changed.connect(self._fill_sets)
        state.runs_changed.connect(self._fill_runs)
        state.dataset_changed.connect(lambda _d: self._load_set(self.set_combo.currentText()))
        self._fill_runs()
        self._fill_sets()
        self._load_set(DEFAULT_NAME if DEFAULT_NAME in self.book.sets else self.set_combo.currentText())

    # ---- layout -------------------------------------------------------------------------------
    def _build(self) -> None:
        root = QHBoxLayout(self)
        root.setContentsMargins(12, 10, 12, 8)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.setChildrenCollapsible(False)
        split.addWidget(self._build_editor())
        split.addWidget(self._build_results())
        split.setStretchFactor(0, 0)
        split.setStretchFactor(1, 1)
        split.setSizes([400, 900])
        root.addWidget(split)

    def _build_editor(self) -> QWidget:
        panel = QWidget()
        panel.setObjectName("mappingPanel")
        lay = QVBoxLayout(panel)
        lay.setContentsMargins(0, 0, 6, 0)

        sets = QGroupBox(self.tr("Rule set"))
        sl = QVBoxLayout(sets)
        row = QHBoxLayout()
        self.set_combo = QComboBox()
        self.set_combo.setMinimumContentsLength(14)
        self.set_combo.activated.connect(lambda _i: self._load_set(self.set_combo.currentText()))
        self.save_button = QPushButton(self.tr("Save"))
        self.save_button.setToolTip(self.tr("Keep this rule set under its name"))
        self.save_button.clicked.connect(lambda: self.save_set(self.set_combo.currentText()))
        self.save_as_button = QPushButton(self.tr("Save as…"))
        self.save_as_button.clicked.connect(self._save_as)
        self.delete_button = QPushButton(self.tr("Delete"))
        self.delete_button.clicked.connect(self._delete_set)
        row.addWidget(self.set_combo, 1)
        row.addWidget(self.save_button)
        row.addWidget(self.save_as_button)
        row.addWidget(self.delete_button)
        sl.addLayout(row)
        self.store_label = QLabel("")
        self.store_label.setObjectName("muted")
        self.store_label.setWordWrap(True)
        sl.addWidget(self.store_label)
        self.use_check = QCheckBox(self.tr("Apply in the Inspector (before / after)"))
        self.use_check.setChecked(True)
        self.use_check.toggled.connect(lambda _on: self._publish())
        sl.addWidget(self.use_check)
        lay.addWidget(sets)

        self.editor_tabs = QTabWidget()
        self.form = RuleForm()
        self.form.edited.connect(self._form_edited)
        self.json_edit = QPlainTextEdit()
        self.json_edit.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.json_edit.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.json_edit.textChanged.connect(self._validate_timer.start)
        self.editor_tabs.addTab(self.form, self.tr("Form"))
        self.editor_tabs.addTab(self.json_edit, self.tr("JSON"))
        lay.addWidget(self.editor_tabs, 1)
        history = QHBoxLayout()
        self.undo_stack = QUndoStack(self)
        self.undo_action = self.undo_stack.createUndoAction(self, self.tr("Undo"))
        self.redo_action = self.undo_stack.createRedoAction(self, self.tr("Redo"))
        for act, keys in ((self.undo_action, QKeySequence.StandardKey.Undo),
                          (self.redo_action, QKeySequence.StandardKey.Redo)):
            act.setShortcut(QKeySequence(keys))
            act.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            act.setToolTip(f"{act.text()} ({act.shortcut().toString(QKeySequence.SequenceFormat.NativeText)})")
            self.addAction(act)
            button = QToolButton()
            button.setDefaultAction(act)
            history.addWidget(button)
        history.addStretch(1)
        lay.addLayout(history)
        self.valid_label = QLabel("")
        self.valid_label.setWordWrap(True)
        self.valid_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        lay.addWidget(self.valid_label)

        ev = QGroupBox(self.tr("Measure the effect"))
        form = QFormLayout(ev)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.run_combo = QComboBox()
        self.run_combo.setMinimumContentsLength(14)
        self.run_combo.currentIndexChanged.connect(lambda _i: self._validate())
        self.k_spin = QSpinBox()
        self.k_spin.setRange(1, 100)
        self.k_spin.setValue(10)
        self.weights_edit = QLineEdit(DEFAULT_WEIGHTS)
        self.weights_edit.setToolTip(self.tr("Long-tail weights to sweep (other rules kept); empty: no sweep"))
        form.addRow(self.tr("Model"), self.run_combo)
        form.addRow(self.tr("Top K"), self.k_spin)
        form.addRow(self.tr("Sweep weights"), self.weights_edit)
        self.evaluate_button = QPushButton(self.tr("Evaluate"))
        self.evaluate_button.setObjectName("primary")
        self.evaluate_button.setToolTip(self.tr("Measure the model's lists before and after the rules on the test split"))
        self.evaluate_button.clicked.connect(self.evaluate)
        form.addRow(self.evaluate_button)
        self.strip = ProgressStrip()
        self.strip.cancel_requested.connect(self.controller.cancel)
        form.addRow(self.strip)
        self.eval_error = QLabel("")
        self.eval_error.setObjectName("error")
        self.eval_error.setWordWrap(True)
        self.eval_error.hide()
        form.addRow(self.eval_error)
        lay.addWidget(ev)

        scroll = QScrollArea()
        scroll.setObjectName("mappingScroll")
        scroll.setWidget(panel)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setMinimumWidth(360)
        return scroll

    def _build_results(self) -> QWidget:
        split = QSplitter(Qt.Orientation.Vertical)
        split.setChildrenCollapsible(False)
        top = QWidget()
        lay = QVBoxLayout(top)
        lay.setContentsMargins(6, 0, 0, 0)
        self.result_title = QLabel(self.tr("Evaluate a rule set to see what it costs and what it buys."))
        self.result_title.setObjectName("sectionTitle")
        self.result_title.setWordWrap(True)
        lay.addWidget(self.result_title)
        tables = QHBoxLayout()
        self.metrics_model = MarkedFrameModel(self)
        self.metrics_model.header_context = "RulesPane"
        self.metrics_table = make_table(self.metrics_model)
        self.exposure_model = MarkedFrameModel(self)
        self.exposure_model.header_context = "RulesPane"
        self.exposure_table = make_table(self.exposure_model)
        left = QVBoxLayout()
        left.addWidget(self.metrics_table)
        right = QVBoxLayout()
        self.exposure_label = QLabel(self.tr("Exposure"))
        self.exposure_label.setWordWrap(True)
        right.addWidget(self.exposure_label)
        right.addWidget(self.exposure_table, 1)
        tables.addLayout(left, 1)
        tables.addLayout(right, 1)
        lay.addLayout(tables, 1)
        self.warnings_label = QLabel("")
        self.warnings_label.setObjectName("warning")
        self.warnings_label.setWordWrap(True)
        self.warnings_label.hide()
        lay.addWidget(self.warnings_label)
        split.addWidget(top)
        self.sweep_plot = LabelledPlot(self.tr("Long-tail sweep: accuracy against coverage as the weight moves"),
                                       self.tr("Coverage@10 (share of items recommended)"), self.tr("NDCG@10"))
        for side in ("bottom", "left"):
            self.sweep_plot.getPlotItem().getAxis(side).enableAutoSIPrefix(False)
        self.sweep_labels = LabelPlacer(self.sweep_plot)
        split.addWidget(self.sweep_plot)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 1)
        split.setSizes([330, 330])
        return split

    # ---- rule sets ----------------------------------------------------------------------------
    @Slot()
    def _fill_sets(self) -> None:
        current = self.set_combo.currentText()
        self.set_combo.blockSignals(True)
        self.set_combo.clear()
        self.set_combo.addItems(sorted(self.book.sets))
        if current:
            if self.set_combo.findText(current) < 0:
                self.set_combo.addItem(current)
            self.set_combo.setCurrentText(current)
        self.set_combo.blockSignals(False)
        self.set_combo.setToolTip(self.set_combo.currentText())
        self.store_label.setText(self.tr("Rule sets are saved in the project.") if self.book.persistent else
                                 self.tr("Rule sets are kept for this session (open a project to store them)."))

    def _load_set(self, name: str) -> None:
        spec = self.book.sets.get(name)
        if spec is None:
            return
        self.set_combo.setCurrentText(name)
        self.set_combo.setToolTip(name)
        self.set_spec(spec)
        self._remember()

    def set_spec(self, spec) -> None:
        """Load a rule spec (dict, list or JSON text) into the form and the JSON editor."""
        if isinstance(spec, str):
            try:                                   # stored sets are compact JSON: show them indented
                spec = json.dumps(json.loads(spec), indent=2)
            except ValueError:
                pass                               # the editor shows it as it is, with the error
            self.json_edit.setPlainText(spec)
            self._json_edited()
            return
        rules = spec.get("rules", []) if isinstance(spec, dict) else list(spec)
        self.form.set_rules(rules, self._columns())
        self._write_json(self.form.rules)
        self._validate()

    def save_set(self, name: str) -> None:
        if not name:
            return
        if self.valid_spec is None:
            self.valid_label.setText(self.valid_label.text() + self.tr("<br>Fix the rule set before saving it."))
            return
        error = self.book.save(name, self.valid_spec)
        if error:
            self._set_valid_text(self.tr("Could not save the rule set: {error}").format(error=error), ok=False)
            return
        self.set_combo.setCurrentText(name)
        self._publish()

    def _save_as(self) -> None:
        name, ok = QInputDialog.getText(self, self.tr("Save rule set as"), self.tr("Name:"), text=self.set_combo.currentText())
        if ok and name.strip():
            self.save_set(name.strip())

    def _delete_set(self) -> None:
        name = self.set_combo.currentText()
        if name in self.book.sets:
            self.book.delete(name)
            if self.set_combo.count():
                self._load_set(self.set_combo.itemText(0))

    # ---- editing and validation ---------------------------------------------------------------
    def _columns(self) -> list[str]:
        self.form.condition = self.controller.default_condition()
        return self.controller.columns()

    def _write_json(self, rules: list[dict]) -> None:
        self.json_edit.blockSignals(True)
        self.json_edit.setPlainText(json.dumps({"rules": rules}, indent=2))
        self.json_edit.blockSignals(False)
        self._json_error = None

    @Slot(list)
    def _form_edited(self, rules: list) -> None:
        self._write_json(rules)
        self._validate()
        self._remember()

    @Slot()
    def _json_typed(self) -> None:
        self._json_edited()
        self._remember()

    @Slot()
    def _json_edited(self) -> None:
        text = self.json_edit.toPlainText()
        try:
            raw = json.loads(text)
        except json.JSONDecodeError:
            raw = None
        rules = raw.get("rules") if isinstance(raw, dict) else raw
        if isinstance(rules, list) and all(isinstance(r, dict) for r in rules):
            self._json_error = None
            self.form.set_rules(rules, self._columns())
        else:
            self._json_error = text
        self._validate()

    def _remember(self) -> None:
        """Put the edit just made on the undo stack (the rules before → after it)."""
        if self._json_error is not None:
            return                                  # JSON being typed: not a rule set yet
        now = json.dumps([dict(r) for r in self.form.rules], sort_keys=True)
        if self._restoring or now == self._spec_text:
            return
        before, self._spec_text = self._spec_text, now
        if before is not None:
            self.undo_stack.push(RuleEdit(self, before, now))

    def restore_rules(self, text: str) -> None:
        """Show the rules of an undo step (not itself an edit to remember)."""
        self._restoring = True
        try:
            self.set_spec({"rules": json.loads(text)})
        finally:
            self._restoring = False
        self._spec_text = text

    def _validate(self) -> None:
        """Check the edited rules (against the chosen model's items and the catalog when there is
        a model); publish them to the Inspector when valid."""
        spec = self._json_error if self._json_error is not None else {"rules": [dict(r) for r in self.form.rules]}
        check = self.controller.check(spec, self.run_combo.currentData())
        self.valid_spec = check.spec
        if check.spec is None:
            self._set_valid_text(check.error, ok=False)
            return
        n = check.n_rules
        text = self.tr("✓ 1 rule, valid") if n == 1 else self.tr("✓ {n} rules, valid").format(n=n)
        if not check.bound:
            text += self.tr(" (columns are checked once a model is trained)")
        self._set_valid_text(text + "".join(f"<br>⚠ {w}" for w in check.warnings), ok=True)
        self._publish()

    def _set_valid_text(self, text: str, ok: bool) -> None:
        self.valid_label.setObjectName("valid" if ok else "error")
        self.valid_label.style().unpolish(self.valid_label)
        self.valid_label.style().polish(self.valid_label)
        self.valid_label.setText(text)
        self.evaluate_button.setEnabled(ok and self.run_combo.currentData() is not None
                                        and not self.controller.running)

    def _publish(self) -> None:
        if self.use_check.isChecked() and self.valid_spec is not None:
            self.book.set_active(self.set_combo.currentText() or self.tr("Unsaved rules"), self.valid_spec)
        elif not self.use_check.isChecked():
            self.book.set_active(None, None)

    # ---- evaluation ---------------------------------------------------------------------------
    @Slot()
    def _fill_runs(self) -> None:
        fill_run_combo(self.run_combo, self.state)
        self._validate()

    def weights(self) -> list[float]:
        """The sweep weights typed by the user; ValueError on text that is not a number."""
        return [float(w) for w in self.weights_edit.text().replace(";", ",").split(",") if w.strip()]

    @Slot()
    def evaluate(self) -> None:
        self.eval_error.hide()
        try:
            weights = self.weights()
        except ValueError:
            self._evaluation_failed(self.tr("Sweep weights must be numbers separated by commas, e.g. 0, 0.5, 1."))
            return
        if self.valid_spec is None:
            self._evaluation_failed(self.tr("Fix the rule set first (see the message under the editor)."))
            return
        self.strip.start(self.tr("Evaluating…"))
        self.controller.evaluate(self.run_combo.currentData(), self.valid_spec, self.k_spin.value(), weights)

    @Slot(bool)
    def _running(self, running: bool) -> None:
        self.strip.setVisible(running)
        self.evaluate_button.setEnabled(not running and self.valid_spec is not None)

    @Slot(str)
    def _evaluation_failed(self, message: str) -> None:
        self.strip.hide()
        self.eval_error.setText(message)
        self.eval_error.setVisible(bool(message))

    @Slot(object)
    def _show_evaluation(self, result) -> None:
        ev, sweep, k = result
        self.evaluation, self.sweep = ev, sweep
        run = self.state.run(self.run_combo.currentData())
        self.result_title.setText(self.tr("{v0} with {v1} rule(s), top {k}: {users_evaluated:,} customers of the test split").format(v0=run.name if run else self.tr('Model'), v1=len(ev.rules['rules']), k=k, users_evaluated=ev.users_evaluated))
        rows, marks, tips = [], {}, {}
        for key, label in METRICS:
            name = f"{key}@{k}"
            if name not in ev.metrics:
                continue
            before, after = ev.raw_metrics[name], ev.metrics[name]
            change = (after - before) / before if before else float("nan")
            rows.append({"Metric": f"{self.tr(label)}@{k}", "Model": round(before, 4), "With rules": round(after, 4),
                         "Change": "" if change != change else f"{change:+.1%}"})
            tips[len(rows) - 1] = glossary.tip(key)
            if change == change and abs(change) >= 0.005:
                better = change > 0 if key != "arp" else change < 0
                marks[len(rows) - 1] = "#dcfce7" if better else "#fee2e2"
        self.metrics_model.show(pd.DataFrame(rows), marks=marks, notes=tips)
        fit_columns(self.metrics_table)
        exp = ev.exposure
        col, entries = next(iter(exp["groups"].items()), (self.tr("item popularity"), exp.get("popularity", [])))
        col = translate("RulesPane", COLUMN_ROLES[col]) if col in COLUMN_ROLES else col
        text = (self.tr("Slots going to the bestsellers (the items holding the top 20% of purchases): "
                        "<b>{raw_head_share:.1%}</b> → <b>{head_share:.1%}</b><br>Exposure by {col}: the share "
                        "of all list places each group gets").format(raw_head_share=exp['raw_head_share'], head_share=exp['head_share'], col=col)
                + ("" if exp["groups"] else self.tr(" (a rule on a column shows exposure by that column)")) + ":")
        frame = pd.DataFrame([{"Group": e["group"], "Catalog": e["catalog"], "Model": e["raw"],
                               "With rules": e["reranked"]} for e in entries],
                             columns=["Group", "Catalog", "Model", "With rules"])
        self.exposure_label.setText(text)
        self.exposure_model.show(frame, formats={c: "{:.1%}" for c in frame.columns[1:]})
        self.exposure_model.header_tips = {
            "Catalog": self.tr("Share of the catalog's items in the group"), "Model": self.tr("Share of list places the model alone gives the group"), "With rules": self.tr("Share of list places with the rules applied")}
        fit_columns(self.exposure_table)
        self.warnings_label.setText("\n".join(f"⚠ {w}" for w in ev.warnings))
        self.warnings_label.setVisible(bool(ev.warnings))
        self._plot_sweep(sweep, k)

    def _plot_sweep(self, sweep: list[dict], k: int) -> None:
        plot = self.sweep_plot
        plot.clear_data()
        item = plot.getPlotItem()
        item.setLabel("bottom", self.tr("Coverage@{k} (share of items recommended)").format(k=k))
        item.setLabel("left", self.tr("NDCG@{k}").format(k=k))
        self.sweep_labels.set([], (0, 1), (0, 1))
        if not sweep:
            item.setTitle(self.tr("Long-tail sweep: give sweep weights to draw the trade-off"), size="10pt")
            return
        item.setTitle(self.tr("Long-tail sweep: accuracy against coverage as the weight moves (grey: another weight is "
                              "better on both)"), size="10pt")
        x = [p[f"coverage@{k}"] for p in sweep]
        y = [p[f"ndcg@{k}"] for p in sweep]
        plot._add(pg.PlotDataItem(x, y, pen=pg.mkPen("#9ca3af", width=1.5)))
        good = [j for j, p in enumerate(sweep) if p.get("efficient", True)]
        bad = [j for j in range(len(sweep)) if j not in good]
        for idx, brush, pen in ((good, ACCENT, pg.mkPen("w")), (bad, "#d1d5db", pg.mkPen("#6b7280"))):
            if idx:
                plot._add(pg.ScatterPlotItem([x[j] for j in idx], [y[j] for j in idx], size=9,
                                             brush=pg.mkBrush(brush), pen=pen))
        dx, dy = (max(x) - min(x)) or max(x) or 1.0, (max(y) - min(y)) or max(y) or 1.0
        x_range, y_range = (min(x) - 0.08 * dx, max(x) + 0.3 * dx), (min(y) - 0.15 * dy, max(y) + 0.2 * dy)
        item.setXRange(*x_range, padding=0)
        item.setYRange(*y_range, padding=0)
        self.sweep_labels.set([(f"w={p['weight']:g}", xi, yi, "#1f2937" if p.get("efficient", True) else "#6b7280",
                                p.get("efficient", True)) for p, xi, yi in zip(sweep, x, y)], x_range, y_range)
