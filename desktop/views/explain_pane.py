"""Explain pane: why is this item in this customer's top-K?

For the selected run, customer and item (AppState's selection; the Inspector's "Why this item?"
lands here) it shows every explanation the run's model supports (``engine.explain``, through
ExplainController in workers): contributions, latent terms, attention, saliency / integrated
gradients, SHAP and the counterfactual, each with its faithfulness once measured; plus the global
SHAP summary, the surrogate rules and the latent map.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import (QButtonGroup, QComboBox, QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QPushButton, QSpinBox, QStackedWidget,
                               QTabWidget, QToolButton, QVBoxLayout, QWidget)

from desktop.controllers.finder import Finder
from desktop.controllers.explain_controller import FAITH_USERS, ExplainController, method_title
from desktop.state import AppState
from desktop.views.explain_cards import Context, make_card
from desktop.views.explain_global import ShapSummaryTab, SurrogateTab
from desktop.views.explain_latent import LatentTab
from desktop.widgets.customer_picker import CustomerPicker
from desktop.widgets.progress import ProgressStrip
from desktop.widgets.runs import fill_run_combo
from desktop.widgets.style import show_message as _message
from desktop.translate import translate
from PySide6.QtCore import QT_TRANSLATE_NOOP

#: AOPC in one sentence, under the faithfulness scores.
AOPC_MEANING = (QT_TRANSLATE_NOOP("ExplainPane", "AOPC: delete what a method calls most important, first, and measure how fast the item's "
                                                     "score falls; a method well above random deletion points at what really drives the score."))
#: Why a method gets no deletion score.
NOT_TESTED = {"counterfactual": QT_TRANSLATE_NOOP("ExplainPane", "is itself a deletion")}
NO_PAIR = QT_TRANSLATE_NOOP("ExplainPane", "had no pair whose score falls when all is deleted")


def _py(value):
    return value.item() if hasattr(value, "item") and not isinstance(value, (str, bytes)) else value


def _aopc(value: float) -> str:
    """Two decimals, without a "-0.00"."""
    return f"{round(value, 2) + 0.0:.2f}"


def faith_text(method: str, result) -> str:
    """'faithfulness AOPC 0.41 (random 0.12; history items deleted, 1,000 pairs)' for a measured
    method, else why it has none."""
    if result is None:
        return ""
    score = result.score(method)
    if score is not None:
        return translate("ExplainPane", "faithfulness AOPC {v0} (random {v1}; {v2}, {v3:,} pairs)").format(v0=_aopc(score[0]), v1=_aopc(score[1]), v2=score[3], v3=score[2])
    return translate("ExplainPane", "no deletion score: it {v0}").format(v0=translate("ExplainPane", NOT_TESTED.get(method, NO_PAIR)))


def faith_summary(result) -> str:
    """A heading line, then one line per deletion test: its pairs and AOPCs (Faithfulness.tests)."""
    lines = [translate("ExplainPane", "{v0}{v1}, {pairs:,} customer–item pairs: ").format(v0=result.test_label(key)[:1].upper(), v1=result.test_label(key)[1:], pairs=pairs)
             + ", ".join(f"{method_title(m).lower()} {_aopc(v)}" for m, v in aopc.items())
             for key, (pairs, _, aopc) in result.tests().items()]
    head = translate("ExplainPane", "Faithfulness (deletion AOPC; higher = finds what matters; each test has its own "
                                    "random deletion):")
    return "\n".join([head] + lines + [translate("ExplainPane", AOPC_MEANING)])


class MethodBar(QWidget):
    """A row of toggle buttons, one per method (two lines once faithfulness is measured)."""

    chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.row = QHBoxLayout(self)
        self.row.setContentsMargins(0, 0, 0, 0)
        self.row.setSpacing(4)
        self.group = QButtonGroup(self)
        self.group.setExclusive(True)
        self.buttons: dict[str, QToolButton] = {}
        self.row.addStretch(1)
        self.setStyleSheet("QToolButton { padding: 3px 9px; border: 1px solid #cbd5e1; border-radius: 4px; "
                           "background: #ffffff; color: #1f2937; }"
                           "QToolButton:hover { background: #f1f5f9; }"
                           "QToolButton:checked { background: #dbeafe; border-color: #2563eb; color: #1e3a8a; "
                           "font-weight: 600; }")

    def set_methods(self, methods: list[str]) -> None:
        for b in self.buttons.values():
            self.group.removeButton(b)
            b.deleteLater()
        self.buttons = {}
        for i, m in enumerate(methods):
            b = QToolButton()
            b.setCheckable(True)
            b.setText(method_title(m))
            b.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            b.clicked.connect(lambda _=False, m=m: self.chosen.emit(m))
            self.group.addButton(b)
            self.row.insertWidget(i, b)
            self.buttons[m] = b

    def current(self) -> str | None:
        return next((m for m, b in self.buttons.items() if b.isChecked()), None)

    def set_current(self, method: str) -> None:
        self.buttons[method].setChecked(True)
        self.chosen.emit(method)

    def set_text(self, method: str, text: str, tip: str) -> None:
        b = self.buttons[method]
        b.setText(text)
        b.setToolTip(tip)
        bold = QFont(b.font())
        bold.setBold(True)                   # the checked button is drawn bold
        b.setMinimumWidth(max(QFontMetrics(bold).horizontalAdvance(line) for line in text.split("\n")) + 30)


class ExplainPane(QWidget):
    def __init__(self, state: AppState, controller: ExplainController, finder: Finder,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.state = state
        self.controller = controller
        self.finder = finder
        self.run_id: str | None = None
        self.user = None
        self.item = None
        self.methods: list[str] = []
        self.cards: dict = {}
        self.top = None                 # TopList shown in the list
        self.explanations = None        # Explanations shown in the cards
        self._top_key = None            # (run id, str(user), k) of the list requested
        self._explain_key = None        # (run id, str(user), str(item), k) of the explanations requested
        self._new_model = False         # the model changed: keep the item only if the new one recommends it
        self._build()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._sync)
        c = self.controller
        c.top.done.connect(self._show_top)
        c.top.failed.connect(lambda msg, _t: self.say(msg))
        c.explain.done.connect(self._show_explanations)
        c.explain.failed.connect(lambda msg, _t: self.say(msg))
        c.explain.running_changed.connect(lambda busy: self.busy_label.setVisible(busy))
        c.faith.progress.connect(self.faith_strip.show_progress)
        c.faith.running_changed.connect(self._faith_running)
        c.faith.failed.connect(lambda msg, _t: self.say(msg))
        c.faith.cancelled.connect(lambda _t: self.say(self.tr("Faithfulness test cancelled."), "info"))
        c.faith_measured.connect(lambda _rid: self._show_faithfulness())
        state.runs_changed.connect(self._fill_runs)
        state.dataset_changed.connect(self._on_dataset)
        state.selection_changed.connect(self.refresh)
        self._fill_runs()

    # ---- layout -------------------------------------------------------------------------------
    def _build(self) -> None:
        root = QVBoxLayout(self)
        root.setContentsMargins(12, 10, 12, 8)
        root.setSpacing(6)
        bar = QHBoxLayout()
        bar.addWidget(QLabel(self.tr("Model")))
        self.run_combo = QComboBox()
        self.run_combo.setMinimumContentsLength(18)
        self.run_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.run_combo.currentIndexChanged.connect(self._run_chosen)
        bar.addWidget(self.run_combo, 1)
        bar.addSpacing(10)
        bar.addWidget(QLabel(self.tr("Customer")))
        self.picker = CustomerPicker(self.finder)
        self.picker.edit.setMinimumWidth(100)
        self.picker.edit.setMaximumWidth(160)
        self.picker.chosen.connect(lambda user: self.state.select(user=user, item=None))
        self.picker.not_found.connect(self.say)
        self.user_edit = self.picker.edit
        bar.addWidget(self.picker)
        bar.addSpacing(10)
        bar.addWidget(QLabel(self.tr("Top")))
        self.k_spin = QSpinBox()
        self.k_spin.setRange(1, 50)
        self.k_spin.setValue(10)
        self.k_spin.setToolTip(self.tr("K of the top-K: the list, the counterfactual and SHAP's margin use it"))
        self.k_spin.valueChanged.connect(self._k_changed)
        bar.addWidget(self.k_spin)
        root.addLayout(bar)

        self.headline = QLabel("")
        self.headline.setObjectName("fileLabel")
        self.headline.setWordWrap(True)
        root.addWidget(self.headline)
        self.faith_strip = ProgressStrip()
        self.faith_strip.cancel_requested.connect(self.controller.faith.cancel)
        root.addWidget(self.faith_strip)
        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message.hide()
        root.addWidget(self.message)

        body = QHBoxLayout()
        body.setSpacing(8)
        side = QVBoxLayout()
        self.top_title = QLabel(self.tr("Top 10"))
        self.top_title.setObjectName("sectionTitle")
        self.top_list = QListWidget()
        self.top_list.setFixedWidth(250)
        self.top_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.top_list.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.top_list.setToolTip(self.tr("Click an item to explain it"))
        self.top_list.currentItemChanged.connect(self._top_clicked)
        self.top_list.setFixedHeight(10 * 19 + 8)
        self.history_title = QLabel(self.tr("What they bought"))
        self.history_title.setObjectName("sectionTitle")
        self.history_list = QListWidget()
        self.history_list.setFixedWidth(250)
        self.history_list.setSelectionMode(QListWidget.SelectionMode.NoSelection)
        self.history_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.history_list.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.history_list.setToolTip(self.tr("The customer's purchases the model learned from, latest first"))
        side.addWidget(self.top_title)
        side.addWidget(self.top_list)
        side.addWidget(self.history_title)
        side.addWidget(self.history_list, 1)
        body.addLayout(side)
        self.tabs = QTabWidget()
        self.tabs.addTab(self._build_why_tab(), self.tr("Why this item"))
        self.summary_tab = ShapSummaryTab(self.controller)
        self.rules_tab = SurrogateTab(self.controller)
        self.latent_tab = LatentTab(self.controller)
        self.latent_tab.item_chosen.connect(lambda item: self.state.select(item=item))
        self.tabs.addTab(self.summary_tab, self.tr("SHAP summary"))
        self.tabs.addTab(self.rules_tab, self.tr("Surrogate rules"))
        self.tabs.addTab(self.latent_tab, self.tr("Latent map"))
        body.addWidget(self.tabs, 1)
        root.addLayout(body, 1)

    def _build_why_tab(self) -> QWidget:
        tab = QWidget()
        lay = QVBoxLayout(tab)
        lay.setContentsMargins(6, 6, 6, 6)
        lay.setSpacing(4)
        self.method_bar = MethodBar()
        self.method_bar.chosen.connect(self._method_chosen)
        lay.addWidget(self.method_bar)
        row = QHBoxLayout()
        self.faith_label = QLabel(self.tr("Faithfulness not measured yet for this model."))
        self.faith_label.setObjectName("muted")
        self.faith_label.setWordWrap(True)
        row.addWidget(self.faith_label, 1)
        row.addWidget(QLabel(self.tr("Customers")))
        self.faith_users = QSpinBox()
        self.faith_users.setRange(10, 2000)
        self.faith_users.setSingleStep(50)
        self.faith_users.setValue(FAITH_USERS)
        self.faith_users.setToolTip(self.tr("Customers sampled from the test split for the faithfulness test; each of their top-K "
                                            "items is tested"))
        row.addWidget(self.faith_users)
        self.faith_button = QPushButton(self.tr("Measure faithfulness"))
        self.faith_button.setToolTip(self.tr("Delete what each method ranks (history items, input features or latent factors) in its "
                                             "order and measure how fast the score falls (AOPC), against deleting the same units in "
                                             "random order"))
        self.faith_button.clicked.connect(self.measure_faithfulness)
        row.addWidget(self.faith_button)
        lay.addLayout(row)
        self.busy_label = QLabel(self.tr("Explaining…"))
        self.busy_label.setObjectName("muted")
        self.busy_label.hide()
        lay.addWidget(self.busy_label)
        self.card_stack = QStackedWidget()
        self.empty = QLabel(self.tr("Choose a model, a customer and one of their recommended items."))
        self.empty.setObjectName("emptyNote")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.card_stack.addWidget(self.empty)
        lay.addWidget(self.card_stack, 1)
        return tab

    # ---- messages -----------------------------------------------------------------------------
    def say(self, text: str, kind: str = "error") -> None:
        """One line under the headline: kind "error", "warning" or "info"; "" hides it."""
        _message(self.message, text, kind)

    # ---- runs and customers -------------------------------------------------------------------
    @Slot()
    def _fill_runs(self) -> None:
        fill_run_combo(self.run_combo, self.state)
        known = {r.id for r in self.state.runs}
        for run_id in [r for r in self.controller.faithfulness if r not in known]:
            self.controller.forget_run(run_id)
        self.refresh()

    @Slot(object)
    def _on_dataset(self, dataset) -> None:
        self.user = self.item = self.top = self.explanations = None
        self._top_key = self._explain_key = None
        self.picker.set_user(None)
        self._clear_top_list()
        self.history_list.clear()
        self.latent_tab.set_catalog(dataset.catalog if dataset is not None else None)
        self._fill_runs()

    @Slot()
    def _run_chosen(self) -> None:
        run_id = self.run_combo.currentData()
        if run_id is not None:
            self.state.select(run_id=run_id)
        self.refresh()

    @Slot(str)
    def choose_user(self, text: str) -> None:
        """Select the customer whose id is ``text`` (their top-1 item is explained first)."""
        self.picker.choose(text)

    @Slot()
    def _k_changed(self) -> None:
        self.refresh()

    # ---- following the selection --------------------------------------------------------------
    @Slot()
    def refresh(self) -> None:
        """Follow AppState's selection (coalesced): new run / customer → their top list; new item →
        its explanations."""
        self._timer.start()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.refresh()                         # a hidden pane does not follow the selection

    def _sync(self) -> None:
        if not self.isVisible():
            return
        st = self.state
        if st.run_id is not None and st.run_id != self.run_combo.currentData():
            idx = self.run_combo.findData(st.run_id)
            if idx >= 0:
                self.run_combo.blockSignals(True)
                self.run_combo.setCurrentIndex(idx)
                self.run_combo.blockSignals(False)
        run = self.state.run(self.run_combo.currentData())
        if run is None or st.dataset is None:
            self._clear(self.tr("Train a model first (Train pane), then pick a customer and one of their recommendations."))
            return
        user = st.user
        if user is None and len(run.model.user_ids_):
            user = _py(run.model.user_ids_[0])
            st.select(user=user)          # comes back here through selection_changed
            return
        k = self.k_spin.value()
        if self.run_id is not None and run.id != self.run_id:
            self._new_model = True        # the item chosen for the old model may not be in this one's list
        self.run_id, self.user = run.id, user
        self.picker.set_user(user)
        self.summary_tab.bind(run.id, k)
        self.rules_tab.bind(run.id, k)
        key = (run.id, str(user), k)
        if key != self._top_key:
            self._top_key, self.top, self._explain_key = key, None, None
            self.say("")
            self._clear_top_list()
            self.top_title.setText(self.tr("Top {k} for customer {user}").format(k=k, user=user))
            self.controller.request_top(run.id, user, k)
            return
        self._explain_selection()

    def _explain_selection(self) -> None:
        """With the top list shown: pick the item (the selection, else the top-1) and explain it."""
        st = self.state
        if self.top is None:
            return                        # _show_top comes back here
        listed = {str(i) for i in self.top.frame["item"].tolist()}
        stale = self._new_model and str(st.item) not in listed   # the old model's item: not recommended here
        self._new_model = False
        if st.item is None or stale:
            if len(self.top.frame):
                st.select(item=_py(self.top.frame["item"].iloc[0]))
            return
        self._mark_current(st.item)
        k = self.k_spin.value()
        self.latent_tab.bind(self.run_id, self.user, st.item, k, self.top.embeddings, self._model_name())
        key = (self.run_id, str(self.user), str(st.item), k)
        if key == self._explain_key:
            return
        self._explain_key = key
        self.item = st.item
        self.headline.setText(self._headline())
        self.controller.request_explanations(self.run_id, self.user, st.item, k, self.methods)

    def _model_name(self) -> str:
        run = self.state.run(self.run_id)
        return run.model.name if run is not None else ""

    def _clear(self, message: str) -> None:
        self.run_id = self.user = self.item = self.top = self.explanations = None
        self._top_key = self._explain_key = None
        self._clear_top_list()
        self.history_list.clear()
        self.method_bar.set_methods([])
        self.headline.setText("")
        self.empty.setText(message)
        self.card_stack.setCurrentWidget(self.empty)

    # ---- showing ------------------------------------------------------------------------------
    def _show_top(self, top, tag) -> None:
        if (tag[0], str(tag[1])) != (self.run_id, str(self.user)):
            return
        self.top = top
        k = self.k_spin.value()
        self.top_title.setText(self.tr("Top {frame} for customer {user}").format(frame=len(top.frame), user=self.user))
        self.top_list.blockSignals(True)
        self.top_list.clear()
        for rank, item, title, held in zip(top.frame["rank"], top.frame["item"], top.frame["title"],
                                           top.frame.get("held_out", [False] * len(top.frame))):
            entry = QListWidgetItem(f"{rank}. {title}" + ("  ✓" if held else ""))
            entry.setData(Qt.ItemDataRole.UserRole, _py(item))
            entry.setToolTip(self.tr("{title} (item {item})").format(title=title, item=item) + (self.tr("\nBought later (held-out purchase)") if held else ""))
            self.top_list.addItem(entry)
        self.top_list.blockSignals(False)
        rows = min(self.top_list.count(), 12) or 10
        self.top_list.setFixedHeight(self.top_list.sizeHintForRow(0) * rows + 2 * self.top_list.frameWidth() + 4)
        self._show_history(top.history)
        self._set_methods(top.methods)
        self.top_title.setToolTip(self.tr("The model's top {k}; ✓ = bought later (held out for testing)").format(k=k))
        self._explain_selection()

    def _clear_top_list(self) -> None:
        self.top_list.blockSignals(True)      # clearing moves the current row: no selection from that
        self.top_list.clear()
        self.top_list.blockSignals(False)

    def _show_history(self, history) -> None:
        self.history_list.clear()
        if history is None:
            self.history_title.setText(self.tr("What they bought"))
            return
        self.history_title.setText(self.tr("What they bought ({history:,}, latest first)").format(history=len(history)))
        dates = history["date"].dt.strftime("%Y-%m-%d").fillna("") if "date" in history else [""] * len(history)
        for date, item, title in zip(dates, history["item"], history["title"]):
            entry = QListWidgetItem(str(title).strip())
            entry.setToolTip(self.tr("{title} (item {item})").format(title=title, item=item) + (self.tr("\nbought {date}").format(date=date) if date else ""))
            self.history_list.addItem(entry)

    def _set_methods(self, methods: list[str]) -> None:
        if methods == self.methods and self.cards:
            return
        keep = self.method_bar.current()
        self.methods = list(methods)
        for card in self.cards.values():
            self.card_stack.removeWidget(card)
            card.deleteLater()
        self.cards = {}
        for m in self.methods:
            self.cards[m] = make_card(m)
            self.card_stack.addWidget(self.cards[m])
        self.method_bar.set_methods(self.methods)
        shap = self.tabs.indexOf(self.summary_tab)
        self.tabs.setTabEnabled(shap, "shap" in self.methods)
        self.tabs.setTabToolTip(shap, "" if "shap" in self.methods else
                                self.tr("SHAP explains the two-tower feature model; this model has no features to explain"))
        if not self.methods:
            self.empty.setText(self.tr("No explanation method fits the model {v0}.").format(v0=self._model_name()))
            self.card_stack.setCurrentWidget(self.empty)
            return
        self.method_bar.set_current(keep if keep in self.methods else self.methods[0])
        self._show_faithfulness()

    @Slot(str)
    def _method_chosen(self, method: str) -> None:
        if method in self.cards:
            self.card_stack.setCurrentWidget(self.cards[method])

    def _mark_current(self, item) -> None:
        self.top_list.blockSignals(True)
        self.top_list.setCurrentRow(-1)
        for row in range(self.top_list.count()):
            if str(self.top_list.item(row).data(Qt.ItemDataRole.UserRole)) == str(item):
                self.top_list.setCurrentRow(row)
        self.top_list.blockSignals(False)

    def _headline(self) -> str:
        title = self.item_title(self.item)
        rank = next((r for r in range(self.top_list.count())
                     if str(self.top_list.item(r).data(Qt.ItemDataRole.UserRole)) == str(self.item)), None)
        where = self.tr(" (rank {v0})").format(v0=rank + 1) if rank is not None else self.tr(" (not in their top list)")
        return self.tr("Why “{title}”{where} for customer {user}?").format(title=title, where=where, user=self.user)

    def report_context(self) -> str:
        """Whom and what the plots are about, for the report's captions."""
        run = self.state.run(self.run_id)
        if run is None or self.user is None:
            return ""
        item = self.tr(" · item “{item}”").format(item=self.item_title(self.item)) if self.item is not None else ""
        return self.tr("customer {user}{item} · model {name}").format(user=self.user, item=item, name=run.name)

    def item_title(self, item) -> str:
        ds = self.state.dataset
        return ds.catalog.titles([item])[0].strip() if ds is not None and ds.catalog is not None else str(item)

    def _show_explanations(self, ex, tag) -> None:
        if (tag[0], str(tag[1]), str(tag[2])) != (self.run_id, str(self.user), str(self.state.item)):
            return
        self.explanations = ex
        ctx = Context(self.item_title(ex.item), ex.k, self._model_name())
        for method, card in self.cards.items():
            if method in ex.results:
                card.show_result(ex.results[method], ctx)
            else:
                card.show_error(ex.errors.get(method, "Not computed."))
        self.say("")

    @Slot(QListWidgetItem, QListWidgetItem)
    def _top_clicked(self, current, _previous) -> None:
        if current is not None:
            self.state.select(item=current.data(Qt.ItemDataRole.UserRole))

    # ---- faithfulness ---------------------------------------------------------------------------
    @Slot()
    def measure_faithfulness(self) -> None:
        self.faith_strip.start(self.tr("Faithfulness test on {v0} customers…").format(v0=self.faith_users.value()))
        self.say("")
        self.controller.measure_faithfulness(self.run_id, self.faith_users.value(), self.k_spin.value())

    @Slot(bool)
    def _faith_running(self, running: bool) -> None:
        self.faith_button.setEnabled(not running)
        if not running:
            self.faith_strip.hide()

    def _show_faithfulness(self) -> None:
        result = self.controller.faithfulness.get(self.run_id)
        for m in self.methods:
            text = faith_text(m, result)
            self.cards[m].set_faithfulness(text)
            title = method_title(m)
            score = None if result is None else result.score(m)
            self.method_bar.set_text(m, self.tr("{title}\nAOPC {v1}").format(title=title, v1=_aopc(score[0])) if score else title,
                                     f"{title} — {text}" if text else title)
        self.faith_label.setText(self.tr("Faithfulness not measured yet for this model.") if result is None
                                 else faith_summary(result))
