"""Inspector pane: one customer's history beside their top-N from one or two runs, the list before
and after the active merchandising rules, a made-up new customer, and the export of every list.

The pane shows what InspectorController's engine calls return; clicking a
recommended item selects it (AppState.select) for the Explain pane.
"""

from __future__ import annotations

import html
from pathlib import Path

import numpy as np
import pandas as pd
from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QComboBox, QFileDialog, QGroupBox,
                               QHBoxLayout, QLabel, QLineEdit, QListWidget,
                               QListWidgetItem, QPushButton, QSpinBox,
                               QSplitter, QTabWidget, QVBoxLayout, QWidget)

from desktop.controllers.finder import Finder
from desktop.controllers.inspector_controller import InspectorController
from desktop.qtmodels.marked_frame_model import MarkedFrameModel
from desktop.state import AppState
from desktop.widgets.customer_picker import CustomerPicker
from desktop.widgets.progress import ProgressStrip
from desktop.widgets.runs import fill_run_combo
from desktop.widgets.tables import fit_columns, make_table
from PySide6.QtCore import QT_TRANSLATE_NOOP

HELD_OUT = "#fef9c3"     # purchases held out for testing / recommendations the customer bought later
IN_BOTH = "#dcfce7"      # in both models' lists
MOVED_UP = "#dbeafe"
MOVED_DOWN = "#fee2e2"
#: engine column -> table heading (columns not listed are not shown)
HEADINGS = {"rank": "#", "was": QT_TRANSLATE_NOOP("InspectorPane", "Was"), "move": QT_TRANSLATE_NOOP("InspectorPane", "Move"), "date": QT_TRANSLATE_NOOP("InspectorPane", "Date"), "title": QT_TRANSLATE_NOOP("InspectorPane", "Title"),
            "category": QT_TRANSLATE_NOOP("InspectorPane", "Category"), "price": QT_TRANSLATE_NOOP("InspectorPane", "Price"), "quantity": QT_TRANSLATE_NOOP("InspectorPane", "Qty"), "rating": QT_TRANSLATE_NOOP("InspectorPane", "Rating"),
            "weight": QT_TRANSLATE_NOOP("InspectorPane", "Weight"), "score": QT_TRANSLATE_NOOP("InspectorPane", "Score"), "strength": QT_TRANSLATE_NOOP("InspectorPane", "Strength"), "item": QT_TRANSLATE_NOOP("InspectorPane", "Item"),
            "reasons": QT_TRANSLATE_NOOP("InspectorPane", "Why it moved")}
#: heading -> what it means, in one sentence (header tooltips)
HEADING_TIPS = {
    "#": QT_TRANSLATE_NOOP("InspectorPane", "Rank in the model's list (1 = its first choice). Ranks of two models can be compared directly."),
    "Strength": QT_TRANSLATE_NOOP("InspectorPane", "How far the model rates this item above the customer's average item, in standard "
                                                       "deviations of its scores (σ). Comparable between models, unlike their raw scores, which "
                                                       "live on unrelated scales; the raw score is in each row's tooltip."),
    "Was": QT_TRANSLATE_NOOP("InspectorPane", "Rank before the rules (empty: the item was not in the model's list)"),
    "Move": QT_TRANSLATE_NOOP("InspectorPane", "How many places the rules moved the item (▲ up, ▼ down, new)"),
    "Why it moved": QT_TRANSLATE_NOOP("InspectorPane", "The rule that moved, added or removed the item"),
    "Qty": QT_TRANSLATE_NOOP("InspectorPane", "Quantity bought"), "Rating": QT_TRANSLATE_NOOP("InspectorPane", "The customer's rating"), "Weight": QT_TRANSLATE_NOOP("InspectorPane", "The event's weight"),
}
#: heading -> how its numbers are written (they sort by value)
FORMATS = {"Strength": "{:.2f} σ", "Price": "{:,.2f}"}
#: the columns of a recommendation list
REC_COLUMNS = ["rank", "title", "category", "price", "strength"]
EXPORT_FILTER = QT_TRANSLATE_NOOP("InspectorPane", "CSV file (*.csv);;Excel workbook (*.xlsx)")


def _py(value):
    """A numpy scalar id as a plain Python value."""
    return value.item() if isinstance(value, np.generic) else value


def display_frame(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """The shown subset of an engine frame with readable headings and formatted cells."""
    out = pd.DataFrame(index=frame.index)
    for col in columns:
        if col not in frame.columns:
            continue
        elif col == "date":
            out[HEADINGS[col]] = frame[col].dt.strftime("%Y-%m-%d").fillna("")
        elif col in ("score", "strength"):
            out[HEADINGS[col]] = frame[col].astype("float64").round(2 if col == "strength" else 4)
        elif col == "was":
            out[HEADINGS[col]] = frame[col].astype("float64")
        else:
            out[HEADINGS[col]] = frame[col]
    return out


class ListBox(QGroupBox):
    """A titled table of one list (history or recommendations) with a one-line caption."""

    def __init__(self, title: str, parent: QWidget | None = None):
        super().__init__(title, parent)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 8, 6, 6)
        self.caption = QLabel("")
        self.caption.setObjectName("muted")
        self.caption.setWordWrap(True)
        self.model = MarkedFrameModel(self)
        self.table = make_table(self.model)
        lay.addWidget(self.caption)
        lay.addWidget(self.table, 1)

    def show_frame(self, frame: pd.DataFrame, data: pd.DataFrame, *, marks=None, notes=None) -> None:
        """Show ``frame`` (display columns) of engine rows ``data``; each row's tooltip names the
        item (title and id) above its note."""
        tips = {}
        if "item" in data.columns and "title" in data.columns:
            tips = {r: self.tr("{t}  (item {i})").format(t=t, i=i) for r, (t, i) in enumerate(zip(data["title"], data["item"]))}
        if "score" in data.columns:
            for r, score in enumerate(data["score"].tolist()):
                tips[r] = self.tr("{v0}\nraw score {score:.4g} (this model's own scale)").format(v0=tips.get(r, ''), score=score).strip()
        for r, note in (notes or {}).items():
            tips[r] = f"{tips[r]}\n{note}" if r in tips else note
        self.model.show(frame, data, marks=marks, notes=tips, formats=FORMATS)
        self.model.header_tips = HEADING_TIPS
        self.model.header_context = "InspectorPane"
        fit_columns(self.table)


class InspectorPane(QWidget):
    explain_requested = Signal()      # "Why this item?": show the Explain pane for the selected item

    def __init__(self, state: AppState, controller: InspectorController, finder: Finder,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.state = state
        self.controller = controller
        self.finder = finder
        self.user = None            # the customer shown (external id)
        self.view = None            # last engine.lists.inspector.CustomerView
        self.cold_items: list = []
        self._build()
        self._refresh = QTimer(self)
        self._refresh.setSingleShot(True)
        self._refresh.setInterval(0)
        self._refresh.timeout.connect(self._request)
        c = self.controller
        c.customer.done.connect(lambda view, _tag: self._show_view(view))
        c.customer.failed.connect(lambda message, _tag: self._show_error(message))
        c.cold.done.connect(lambda top, _tag: self._show_cold(top))
        c.cold.failed.connect(lambda message, _tag: self._show_cold_error(message))
        c.export_progress.connect(self.export_strip.show_progress)
        c.export_running.connect(self._export_running)
        c.export_finished.connect(lambda m: self.say(m, "info"))
        c.export_failed.connect(lambda m: self.say(m, "error"))
        c.book.changed.connect(self.refresh)
        state.runs_changed.connect(self._fill_runs)
        state.dataset_changed.connect(self._on_dataset)
        state.split_changed.connect(lambda _s: self.refresh())
        state.selection_changed.connect(self._on_selection)
        self._fill_runs()

    # ---- layout -------------------------------------------------------------------------------
    def _build(self) -> None:
        root = QVBoxLayout(self)
        root.setContentsMargins(12, 10, 12, 8)
        root.setSpacing(6)

        bar = QHBoxLayout()
        bar.addWidget(QLabel(self.tr("Customer")))
        self.picker = CustomerPicker(self.finder)
        self.picker.chosen.connect(self.show_user)
        self.picker.not_found.connect(self._show_error)
        self.user_edit = self.picker.edit
        self.run_a = QComboBox()
        self.run_a.setMinimumContentsLength(16)
        self.run_a.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.run_a.currentIndexChanged.connect(self._run_a_changed)
        self.run_b = QComboBox()
        self.run_b.setMinimumContentsLength(12)
        self.run_b.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.run_b.currentIndexChanged.connect(self.refresh)
        self.k_spin = QSpinBox()
        self.k_spin.setRange(1, 100)
        self.k_spin.setValue(10)
        self.k_spin.valueChanged.connect(self.refresh)
        self.export_button = QPushButton(self.tr("Export all lists…"))
        self.export_button.setToolTip(self.tr("Write every customer's top-N with catalog fields to CSV or Excel, after "
                                              "the active rules; new test customers (no history before the split) get "
                                              "the popular items, labelled as that fallback"))
        self.export_button.clicked.connect(self._browse_export)
        self.pseudonymise = QCheckBox(self.tr("Pseudonymise"))
        self.pseudonymise.setToolTip(self.tr("Replace customer ids in the export by keyed pseudonyms (c-…): the same "
                                             "customer gets the same pseudonym in every export of this project, and "
                                             "only this computer's key can link them back. For files you share."))
        bar.addWidget(self.picker)
        bar.addSpacing(12)
        bar.addWidget(QLabel(self.tr("Model")))
        bar.addWidget(self.run_a, 1)
        bar.addWidget(QLabel(self.tr("Compare with")))
        bar.addWidget(self.run_b, 1)
        bar.addWidget(QLabel(self.tr("Top")))
        bar.addWidget(self.k_spin)
        bar.addSpacing(8)
        bar.addWidget(self.export_button)
        bar.addWidget(self.pseudonymise)
        root.addLayout(bar)

        self.export_strip = ProgressStrip()
        self.export_strip.cancel_requested.connect(self.controller.cancel_export)
        root.addWidget(self.export_strip)
        self.message_label = QLabel("")
        self.message_label.setWordWrap(True)
        self.message_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message_label.hide()
        root.addWidget(self.message_label)

        self.tabs = QTabWidget()
        self.tabs.addTab(self._build_customer_tab(), self.tr("History and recommendations"))
        self.tabs.addTab(self._build_rules_tab(), self.tr("Before / after rules"))
        self.cold_tab = self._build_cold_tab()
        self.tabs.addTab(self.cold_tab, self.tr("New customer"))
        root.addWidget(self.tabs, 1)

    def _build_customer_tab(self) -> QWidget:
        tab = QWidget()
        lay = QVBoxLayout(tab)
        lay.setContentsMargins(4, 4, 4, 4)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.setChildrenCollapsible(False)
        self.history_box = ListBox(self.tr("History"))
        self.list_a = ListBox(self.tr("Recommendations"))
        self.list_b = ListBox(self.tr("Compared model"))
        for box in (self.list_a, self.list_b):
            box.table.clicked.connect(lambda index, b=box: self._item_clicked(b, index.row()))
        self.list_b.hide()
        split.addWidget(self.history_box)
        split.addWidget(self.list_a)
        split.addWidget(self.list_b)
        split.setStretchFactor(0, 5)
        split.setStretchFactor(1, 4)
        split.setStretchFactor(2, 4)
        lay.addWidget(split, 1)
        row = QHBoxLayout()
        self.legend = QLabel(self.tr("<span style='background:{HELD_OUT}'>&nbsp;yellow&nbsp;</span> held out for testing (the "
                                     "model never saw it) · <span style='background:{IN_BOTH}'>&nbsp;green&nbsp;</span> in "
                                     "both lists").format(HELD_OUT=HELD_OUT, IN_BOTH=IN_BOTH))
        self.legend.setObjectName("muted")
        self.why_button = QPushButton(self.tr("Why this item?"))
        self.why_button.setToolTip(self.tr("Select a recommended item, then open its explanation"))
        self.why_button.setEnabled(False)
        self.why_button.clicked.connect(self._why)
        row.addWidget(self.legend, 1)
        row.addWidget(self.why_button)
        lay.addLayout(row)
        return tab

    def _build_rules_tab(self) -> QWidget:
        tab = QWidget()
        lay = QVBoxLayout(tab)
        lay.setContentsMargins(4, 4, 4, 4)
        self.rules_label = QLabel("")
        self.rules_label.setWordWrap(True)
        lay.addWidget(self.rules_label)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.setChildrenCollapsible(False)
        self.before_box = ListBox(self.tr("Before rules"))
        right = QSplitter(Qt.Orientation.Vertical)
        right.setChildrenCollapsible(False)
        self.after_box = ListBox(self.tr("After rules"))
        self.removed_box = ListBox(self.tr("Left the list"))
        for box in (self.before_box, self.after_box):
            box.table.clicked.connect(lambda index, b=box: self._item_clicked(b, index.row()))
        right.addWidget(self.after_box)
        right.addWidget(self.removed_box)
        right.setStretchFactor(0, 3)
        right.setStretchFactor(1, 1)
        split.addWidget(self.before_box)
        split.addWidget(right)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 3)
        lay.addWidget(split, 1)
        return tab

    def _build_cold_tab(self) -> QWidget:
        tab = QWidget()
        lay = QHBoxLayout(tab)
        lay.setContentsMargins(4, 4, 4, 4)
        left = QGroupBox(self.tr("Build a new customer"))
        ll = QVBoxLayout(left)
        self.item_search = QLineEdit()
        self.item_search.setPlaceholderText(self.tr("search the catalog by title or item id…"))
        self.item_search.setClearButtonEnabled(True)
        self.item_search.textChanged.connect(self._search_items)
        self.found_list = QListWidget()
        self.found_list.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.found_list.itemDoubleClicked.connect(lambda it: self._add_cold_items([it]))
        self.add_button = QPushButton(self.tr("Add ↓"))
        self.add_button.setToolTip(self.tr("Add the selected items to the new customer (or double-click one)"))
        self.add_button.clicked.connect(lambda: self._add_cold_items(self.found_list.selectedItems()))
        self.chosen_list = QListWidget()
        self.chosen_list.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        buttons = QHBoxLayout()
        self.remove_button = QPushButton(self.tr("Remove"))
        self.remove_button.clicked.connect(self._remove_cold_item)
        self.clear_button = QPushButton(self.tr("Clear"))
        self.clear_button.clicked.connect(lambda: self._set_cold_items([]))
        buttons.addWidget(self.add_button)
        buttons.addStretch(1)
        buttons.addWidget(self.remove_button)
        buttons.addWidget(self.clear_button)
        ll.addWidget(self.item_search)
        ll.addWidget(self.found_list, 3)
        ll.addLayout(buttons)
        chosen = QLabel(self.tr("Their items"))
        chosen.setObjectName("sectionTitle")
        ll.addWidget(chosen)
        ll.addWidget(self.chosen_list, 2)
        self.cold_box = ListBox(self.tr("Recommendations for the new customer"))
        self.cold_box.table.clicked.connect(lambda index: self._item_clicked(self.cold_box, index.row()))
        lay.addWidget(left, 2)
        lay.addWidget(self.cold_box, 3)
        return tab

    # ---- choosing -----------------------------------------------------------------------------
    @Slot(str)
    def choose_user(self, text: str) -> None:
        """Show the customer whose id is ``text`` (a message when there is none)."""
        self.picker.choose(text)

    def show_user(self, user) -> None:
        """Show customer ``user`` (external id) and make them the selected customer."""
        self.user = user
        self.picker.set_user(user)
        self.state.select(user=user)
        self.refresh()

    @Slot()
    def refresh(self) -> None:
        """Ask for the current customer's view again (coalesced)."""
        self._refresh.start()

    def _request(self) -> None:
        if self.user is None or self.state.dataset is None:
            return
        self.controller.show_customer(self.user, self.run_a.currentData(), self.run_b.currentData(),
                                      self.k_spin.value())
        if self.cold_items and self._cold_offered():
            self._request_cold()

    @Slot()
    def _fill_runs(self) -> None:
        fill_run_combo(self.run_a, self.state)
        fill_run_combo(self.run_b, self.state, none=True)
        if self.state.run_id is not None and self.run_a.findData(self.state.run_id) >= 0:
            self.run_a.setCurrentIndex(self.run_a.findData(self.state.run_id))
        has_runs = bool(self.state.runs)
        self.export_button.setEnabled(has_runs and not self.controller.exporting)
        if self.user is None and self.state.dataset is not None and self.state.runs:
            first = self.state.current_run().model.user_ids_
            if len(first):
                self.show_user(_py(first[0]))
                return
        self.refresh()

    @Slot()
    def _run_a_changed(self) -> None:
        run_id = self.run_a.currentData()
        if run_id is not None:
            self.state.select(run_id=run_id)
        self._cold_offered()
        self.refresh()

    def _cold_offered(self) -> bool:
        """Enable the New customer tab when model A can score a history it never saw."""
        able = self.controller.scores_new_customers(self.run_a.currentData())
        at = self.tabs.indexOf(self.cold_tab)
        self.tabs.setTabEnabled(at, able)
        self.tabs.setTabToolTip(at, "" if able else self.tr(
            "This model cannot score a new customer's purchases (it knows only the customers it was trained on); "
            "choose another model above."))
        return able

    @Slot(object)
    def _on_dataset(self, _dataset) -> None:
        self.user, self.view, self.cold_items = None, None, []
        self.picker.set_user(None)
        for box in (self.history_box, self.list_a, self.list_b, self.before_box, self.after_box, self.removed_box):
            box.model.clear()
            box.caption.setText("")
        self._set_cold_items([])
        self._fill_runs()

    @Slot()
    def _on_selection(self) -> None:
        st = self.state
        if st.run_id is not None and st.run_id != self.run_a.currentData():
            idx = self.run_a.findData(st.run_id)
            if idx >= 0:
                self.run_a.setCurrentIndex(idx)
        if st.user is not None and str(st.user) != str(self.user):
            self.show_user(st.user)

    # ---- showing ------------------------------------------------------------------------------
    @Slot(object)
    def _show_view(self, view) -> None:
        self.view = view
        self._show_error("")
        hist = view.history
        value_col = next((c for c in ("quantity", "rating", "weight") if c in hist.columns), None)
        cols = ["date", "title", "category", "price"] + ([value_col] if value_col else [])
        held = {i for i, v in enumerate(hist.get("held_out", pd.Series(dtype=bool)).tolist()) if v}
        self.history_box.setTitle(self.tr("History of customer {user}").format(user=view.user))
        n_held = len(held)
        self.history_box.caption.setText(
            self.tr("{hist:,} purchases").format(hist=len(hist)) + (self.tr(" · {n_held} held out for testing (yellow)").format(n_held=n_held) if n_held else ""))
        self.history_box.show_frame(display_frame(hist, cols), hist,
                                    marks={r: HELD_OUT for r in held},
                                    notes={r: self.tr("Held out: the model did not see this purchase; it tests the lists")
                                           for r in held})
        rec_cols = REC_COLUMNS
        for box, top, combo in ((self.list_a, view.top_a, self.run_a), (self.list_b, view.top_b, self.run_b)):
            box.setVisible(top is not None or (box is self.list_a))
            if top is None:
                box.model.clear()
                box.caption.setText("")
                continue
            title = self.tr("Top {top} · {v1}").format(top=len(top), v1=combo.currentText().split('  (')[0])
            if "list" in top and len(top):  # a new customer's labelled fallback (the engine's words)
                title += f" · {top['list'].iloc[0]}"
            box.setTitle(title)
            marks = {r: IN_BOTH for r, v in enumerate(top.get("in_both", pd.Series(dtype=bool)).tolist()) if v}
            bought = [r for r, v in enumerate(top.get("held_out", pd.Series(dtype=bool)).tolist()) if v]
            marks.update({r: HELD_OUT for r in bought})
            caption = self.tr("{bought} of {top} bought later (held out)").format(bought=len(bought), top=len(top)) if "held_out" in top else ""
            if "in_both" in top:
                caption += self.tr(" · {v0} in both lists").format(v0=int(top['in_both'].sum()))
            box.caption.setText(caption.strip(" ·"))
            box.show_frame(display_frame(top, rec_cols), top, marks=marks,
                           notes={r: self.tr("The customer bought this later (held-out purchase)") for r in bought})
        if view.top_a is None:
            self.list_a.setTitle(self.tr("Recommendations"))
        if view.notes:
            self.say(" ".join(view.notes), "warning")
        self._show_rules(view)
        self.why_button.setEnabled(False)

    def _show_rules(self, view) -> None:
        book = self.controller.book
        if book.active is None:
            self.rules_label.setText(self.tr("No rule set is active: define one in the Rules pane."))
        elif view.rules_error:
            self.rules_label.setText(self.tr("<span style='color:#b91c1c'>Rule set '{active_name}' cannot be applied: {rules_error}</span>").format(active_name=book.active_name, rules_error=view.rules_error))
        else:
            self.rules_label.setText(self.tr("Rule set <b>{active_name}</b> ({n} rules; edit it in the Rules pane). Blue: "
                                             "moved up or new · red: moved down.").format(
                active_name=html.escape(str(book.active_name)), n=len(book.active.get('rules', []))))
        rv = view.rules
        if rv is None:
            for box in (self.before_box, self.after_box, self.removed_box):
                box.model.clear()
                box.caption.setText("")
            return
        self.before_box.show_frame(display_frame(rv.before, REC_COLUMNS),
                                   rv.before)
        self.before_box.caption.setText(self.tr("The model's own top {before}").format(before=len(rv.before)))
        up = {r for r, m in enumerate(rv.after["move"].tolist()) if m == "new" or m.startswith("▲")}
        down = {r for r, m in enumerate(rv.after["move"].tolist()) if m.startswith("▼")}
        marks = {**{r: MOVED_UP for r in up}, **{r: MOVED_DOWN for r in down}}
        self.after_box.show_frame(display_frame(rv.after, ["rank", "was", "move", "title", "category", "reasons"]),
                                  rv.after, marks=marks,
                                  notes={r: t for r, t in enumerate(rv.after["reasons"].tolist()) if t})
        moved = len(up) + len(down)
        self.after_box.caption.setText(self.tr("{moved} of {after} items moved").format(moved=moved, after=len(rv.after)) +
                                       (" · " + "; ".join(rv.warnings) if rv.warnings else ""))
        self.removed_box.show_frame(display_frame(rv.removed, ["was", "title", "category", "reasons"]),
                                    rv.removed)
        self.removed_box.caption.setText(self.tr("{removed} items of the model's list are not in the list after the rules").format(removed=len(rv.removed)) if len(rv.removed) else self.tr("No item left the list."))

    @Slot(str)
    def _show_error(self, message: str) -> None:
        self.say(message, "error")

    def say(self, message: str, kind: str = "error") -> None:
        """One line above the tabs: kind "error", "warning" or "info"; "" hides it."""
        self.message_label.setObjectName(kind)
        self.message_label.style().unpolish(self.message_label)
        self.message_label.style().polish(self.message_label)
        self.message_label.setText(message)
        self.message_label.setVisible(bool(message))

    # ---- selection and explanation --------------------------------------------------------------
    def _item_clicked(self, box: ListBox, row: int) -> None:
        item = box.model.value(row, "item")
        if item is None:
            return
        self.state.select(item=item)
        self.why_button.setEnabled(box is not self.history_box)

    @Slot()
    def _why(self) -> None:
        if self.state.item is not None:
            self.explain_requested.emit()

    # ---- new customer ---------------------------------------------------------------------------
    @Slot(str)
    def _search_items(self, text: str) -> None:
        self.found_list.clear()
        found = self.controller.search_items(self.run_a.currentData(), text, 100)
        for item, title in zip(found["item"].tolist(), found["title"].tolist()):
            entry = QListWidgetItem(f"{title}  ({item})")
            entry.setData(Qt.ItemDataRole.UserRole, item)
            self.found_list.addItem(entry)

    def _add_cold_items(self, entries) -> None:
        new = [e.data(Qt.ItemDataRole.UserRole) for e in entries]
        new = [i for i in dict.fromkeys(new) if i is not None and i not in self.cold_items]
        if new:
            self._set_cold_items(self.cold_items + new)

    @Slot()
    def _remove_cold_item(self) -> None:
        gone = {it.data(Qt.ItemDataRole.UserRole) for it in self.chosen_list.selectedItems()}
        self._set_cold_items([i for i in self.cold_items if i not in gone])

    def _set_cold_items(self, items: list) -> None:
        self.cold_items = list(items)
        self.chosen_list.clear()
        fields = self.controller.item_fields(self.cold_items)
        for item, title in zip(fields["item"].tolist(), fields["title"].tolist()):
            entry = QListWidgetItem(f"{title}  ({item})")
            entry.setData(Qt.ItemDataRole.UserRole, item)
            self.chosen_list.addItem(entry)
        if self.cold_items:
            self._request_cold()
        else:
            self.cold_box.model.clear()
            self.cold_box.caption.setText(self.tr("Add a few items the new customer bought or liked."))

    def _request_cold(self) -> None:
        self.controller.cold_start(self.run_a.currentData(), self.cold_items, self.k_spin.value())

    @Slot(object)
    def _show_cold(self, top) -> None:
        self.cold_box.caption.setText(self.tr("From {cold_items} chosen items · {v1}").format(cold_items=len(self.cold_items), v1=self.run_a.currentText()))
        self.cold_box.show_frame(display_frame(top, REC_COLUMNS), top)

    @Slot(str)
    def _show_cold_error(self, message: str) -> None:
        self.cold_box.model.clear()
        self.cold_box.caption.setText(message)

    # ---- export -------------------------------------------------------------------------------
    @Slot()
    def _browse_export(self) -> None:
        run = self.state.run(self.run_a.currentData())
        default = f"top{self.k_spin.value()}_{run.name if run else 'lists'}.csv".replace(" ", "_").replace("#", "")
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Export every customer's list"), default, self.tr(EXPORT_FILTER))
        if path:
            self.export_to(path)

    def export_to(self, path: str) -> None:
        """Export run A's top-N of every customer to ``path`` (.csv or .xlsx) in a worker."""
        self.export_strip.start(self.tr("Exporting to {name}…").format(name=Path(path).name))
        self.controller.export(self.run_a.currentData(), path, self.k_spin.value(), self.pseudonymise.isChecked())

    @Slot(bool)
    def _export_running(self, running: bool) -> None:
        self.export_button.setEnabled(not running and bool(self.state.runs))
        if not running:
            self.export_strip.hide()
