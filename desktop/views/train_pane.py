"""Train pane: pick a model, set its hyper-parameters, train or search, watch the curves live.

The form is generated from the model's parameter specs (kinds and ranges); the pane emits
``train_requested`` / ``tune_requested`` and TrainController does the work in a worker.
"""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (QAbstractItemView, QButtonGroup, QCheckBox, QComboBox, QDoubleSpinBox,
                               QFormLayout, QFrame, QGridLayout, QGroupBox, QHBoxLayout, QHeaderView,
                               QLabel, QLineEdit, QPushButton, QRadioButton, QScrollArea,
                               QSpinBox, QSplitter, QStackedWidget, QTableWidget, QTableWidgetItem,
                               QVBoxLayout, QWidget)

from desktop import glossary
from desktop.controllers.train_controller import TrainController, model_title
from desktop.plots.learning import LearningCurvePlot
from desktop.views.split_box import split_method_label
from desktop.state import AppState
from desktop.widgets.progress import ProgressStrip
from desktop.widgets.style import set_style_name
from desktop.widgets.tables import NumberItem
from desktop.widgets.verdict import verdict_text
from desktop.translate import translate
from PySide6.QtCore import QT_TRANSLATE_NOOP

#: Model picker order: baselines first, then the trained families.
ORDER = ("pop", "itemknn", "ease", "ials", "bpr", "sasrec", "twotower", "text", "hybrid")
MONITOR = "ndcg@10"
EMPTY_NOTE = (QT_TRANSLATE_NOOP("TrainPane", "Live curves appear here while a model that trains in epochs (iALS, BPR, SASRec, "
                                                 "two-tower) is training: the training loss and the validation NDCG@10 after every "
                                                 "epoch.\n\nPick a model on the left and press Train."))


class EpochWatch:
    """What a run trained in epochs has done so far, for the progress line: the epoch, the best
    validation epoch, and when early stopping can end it."""

    def __init__(self, budget: int | None, patience: int, validated: bool):
        self.budget, self.patience, self.validated = budget, int(patience or 0), validated
        self.epoch = 0
        self.best_epoch: int | None = None
        self.best = -math.inf

    @property
    def can_stop_early(self) -> bool:
        return self.validated and self.patience > 0

    def add(self, epoch: int, value: float | None) -> None:
        self.epoch = epoch
        if value is not None and value > self.best:
            self.best, self.best_epoch = float(value), epoch

    def text(self) -> str:
        """E.g. "Epoch 6 of at most 200 · best so far: epoch 5 · stops when validation has not
        improved for 3 epochs (after epoch 8 at the earliest)"."""
        if not self.can_stop_early:
            return translate("EpochWatch", "Epoch {epoch} of {budget}").format(epoch=self.epoch, budget=self.budget)
        parts = [translate("EpochWatch", "Epoch {epoch} of at most {budget}").format(epoch=self.epoch, budget=self.budget)]
        if self.best_epoch is not None:
            parts.append(translate("EpochWatch", "best so far: epoch {best_epoch}").format(best_epoch=self.best_epoch))
            stop = self.best_epoch + self.patience
            parts.append(translate("EpochWatch", "stops when validation has not improved for {patience} epochs (after epoch {v1} at the earliest)").format(patience=self.patience, v1=max(stop, self.epoch + 1)))
        else:
            parts.append(translate("EpochWatch", "stops when validation has not improved for {patience} epochs").format(patience=self.patience))
        return " · ".join(parts)


class ParamForm(QWidget):
    """Widgets for one model's parameters; ``values()`` returns {name: value}."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.form = QFormLayout(self)
        self.form.setContentsMargins(0, 0, 0, 0)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.widgets: dict[str, QWidget] = {}
        self.specs = []
        self.devices: list[dict] | None = None

    def set_specs(self, specs: list) -> None:
        """One row per engine ``ParamSpec`` (kind, range, default, help), set to the defaults."""
        while self.form.rowCount():
            self.form.removeRow(0)
        self.widgets, self.specs = {}, list(specs)
        if not self.specs:
            note = QLabel(self.tr("This model has no settings."))
            note.setObjectName("muted")
            self.form.addRow(note)
        for spec in self.specs:
            w = self._widget(spec)
            w.setToolTip(spec.help + (self.tr(" (searched by hyper-parameter search)") if spec.tunable else ""))
            label = QLabel(spec.label or spec.name.replace("_", " "))
            label.setToolTip(w.toolTip())
            self.form.addRow(label, w)
            self.widgets[spec.name] = w
        self.set_values({s.name: s.default for s in self.specs})

    def _widget(self, spec) -> QWidget:
        if spec.kind == "bool":
            return QCheckBox()
        if spec.kind == "int":
            w = QSpinBox()
            w.setRange(int(spec.low), int(spec.high))
            w.setStepType(QSpinBox.StepType.AdaptiveDecimalStepType)
            w.setGroupSeparatorShown(spec.high >= 10_000 and spec.name != "seed")
            return w
        if spec.kind == "float":
            w = QDoubleSpinBox()
            w.setDecimals(spec.decimals)
            w.setRange(spec.low, spec.high)
            w.setStepType(QDoubleSpinBox.StepType.AdaptiveDecimalStepType)
            return w
        if spec.kind == "choice":
            w = QComboBox()
            _narrow(w)
            if spec.name == "device":
                self._fill_devices(w)
            else:
                for c in spec.choices:
                    w.addItem(str(c), c)
            return w
        return QLineEdit()

    def _fill_devices(self, box: QComboBox) -> None:
        box.clear()
        found = self.devices
        if found is None:
            box.addItem(self.tr("auto (detecting devices…)"), "auto")
            return
        auto = found[0].get("auto", "cpu") if found else "cpu"
        label = next((d["label"] for d in found if d["name"] == auto or d["name"] == f"{auto}:0"), auto)
        box.addItem(self.tr("auto → {label}").format(label=label), "auto")
        for d in found:
            mem = self.tr(", {memory_gb:g} GB").format(memory_gb=d['memory_gb']) if d.get("memory_gb") else ""
            text = f"{d['name']}: {d['label']}{mem}" + ("" if d["available"] else f" — {d['note']}")
            box.addItem(text, d["name"])
            if d.get("note"):
                box.setItemData(box.count() - 1, d["note"], Qt.ItemDataRole.ToolTipRole)
            if not d["available"]:
                box.model().item(box.count() - 1).setEnabled(False)
        box.setToolTip(self.tr("Devices PyTorch found on this machine; auto picks a GPU when there is one."))

    def set_devices(self, found: list[dict]) -> None:
        self.devices = found
        box = self.widgets.get("device")
        if isinstance(box, QComboBox):
            current = box.currentData()
            self._fill_devices(box)
            box.setCurrentIndex(max(box.findData(current), 0))

    def values(self) -> dict:
        out = {}
        for spec in self.specs:
            w = self.widgets[spec.name]
            if isinstance(w, QCheckBox):
                out[spec.name] = w.isChecked()
            elif isinstance(w, (QSpinBox, QDoubleSpinBox)):
                out[spec.name] = w.value()
            elif isinstance(w, QComboBox):
                out[spec.name] = w.currentData()
            else:
                out[spec.name] = w.text()
        return out

    def set_values(self, values: dict) -> None:
        for name, value in values.items():
            w = self.widgets.get(name)
            if isinstance(w, QCheckBox):
                w.setChecked(bool(value))
            elif isinstance(w, QSpinBox):
                w.setValue(int(value))
            elif isinstance(w, QDoubleSpinBox):
                w.setValue(float(value))
            elif isinstance(w, QComboBox):
                w.setCurrentIndex(max(w.findData(value), 0))
            elif isinstance(w, QLineEdit):
                w.setText(str(value))


class TrainPane(QWidget):
    train_requested = Signal(str, dict)
    tune_requested = Signal(str, dict, int, float)
    cancel_requested = Signal()

    def __init__(self, state: AppState, controller: TrainController, parent: QWidget | None = None):
        super().__init__(parent)
        self.state = state
        self.controller = controller
        self._build()
        self.train_requested.connect(controller.train)
        self.tune_requested.connect(controller.tune)
        self.cancel_requested.connect(controller.cancel)
        controller.slot.progress.connect(self._show_progress)
        controller.metrics.connect(self._on_metrics)
        controller.slot.failed.connect(lambda message, _tag: self.show_error(message))
        controller.slot.running_changed.connect(self._set_busy)
        controller.run_finished.connect(self._show_run)
        controller.devices_found.connect(self.form.set_devices)
        state.split_changed.connect(lambda _s: self._update_enabled())
        state.dataset_changed.connect(lambda _d: self._update_enabled())
        if controller.devices is not None:
            self.form.set_devices(controller.devices)
        self._busy = False
        self._epochs = EpochWatch(None, 0, False)
        self._model_changed()
        self._set_busy(False)

    # ---- layout -------------------------------------------------------------------------------
    def _build(self) -> None:
        root = QHBoxLayout(self)
        root.setContentsMargins(12, 10, 12, 8)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.setChildrenCollapsible(False)
        split.addWidget(self._build_left())
        split.addWidget(self._build_right())
        split.setStretchFactor(0, 0)
        split.setStretchFactor(1, 1)
        split.setSizes([370, 860])
        root.addWidget(split)

    def _build_left(self) -> QWidget:
        panel = QWidget()
        panel.setObjectName("formPanel")
        lay = QVBoxLayout(panel)
        lay.setContentsMargins(0, 0, 8, 0)

        self.split_label = QLabel("")
        self.split_label.setWordWrap(True)
        self.split_label.setObjectName("hint")
        lay.addWidget(self.split_label)

        model_box = QGroupBox(self.tr("Model"))
        ml = QVBoxLayout(model_box)
        self.model_combo = QComboBox()
        _narrow(self.model_combo)
        names = self.controller.models()
        for name in sorted(names, key=lambda n: ORDER.index(n) if n in ORDER else len(ORDER)):
            info = self.controller.info(name)
            self.model_combo.addItem(model_title(name), name)
            self.model_combo.setItemData(self.model_combo.count() - 1, info.description,
                                         Qt.ItemDataRole.ToolTipRole)
        self.model_combo.setCurrentIndex(max(self.model_combo.findData("ease"), 0))
        self.model_combo.currentIndexChanged.connect(self._model_changed)
        self.model_desc = QLabel("")
        self.model_desc.setWordWrap(True)
        self.model_desc.setObjectName("muted")
        ml.addWidget(self.model_combo)
        ml.addWidget(self.model_desc)
        lay.addWidget(model_box)

        params_box = QGroupBox(self.tr("Settings"))
        pl = QVBoxLayout(params_box)
        self.form = ParamForm()
        pl.addWidget(self.form)
        row = QHBoxLayout()
        self.defaults_button = QPushButton(self.tr("Defaults"))
        self.defaults_button.setToolTip(self.tr("The model's recommended settings"))
        self.defaults_button.clicked.connect(lambda: self._reset(fast=False))
        self.quick_button = QPushButton(self.tr("Quick try"))
        self.quick_button.setToolTip(self.tr("Small, fast settings to try the model in seconds"))
        self.quick_button.clicked.connect(lambda: self._reset(fast=True))
        row.addWidget(self.defaults_button)
        row.addWidget(self.quick_button)
        pl.addLayout(row)
        lay.addWidget(params_box)

        mode_box = QGroupBox(self.tr("Run"))
        grid = QGridLayout(mode_box)
        self.once_radio = QRadioButton(self.tr("Train once with these settings"))
        self.search_radio = QRadioButton(self.tr("Search settings:"))
        self.once_radio.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.once_radio)
        group.addButton(self.search_radio)
        self.trials = QSpinBox()
        self.trials.setRange(0, 1000)
        self.trials.setValue(10)
        self.trials.setSuffix(self.tr(" trials"))
        self.trials.setSpecialValueText(self.tr("no trial limit"))
        self.minutes = QDoubleSpinBox()
        self.minutes.setRange(0.0, 1440.0)
        self.minutes.setDecimals(1)
        self.minutes.setSuffix(self.tr(" min"))
        self.minutes.setSpecialValueText(self.tr("no time limit"))
        self.search_radio.setToolTip(self.tr("Try settings from the model's search space on the validation part (best {v0}), then "
                                             "train the best as a 'tuned' run").format(v0=MONITOR.upper()))
        grid.addWidget(self.once_radio, 0, 0, 1, 2)
        grid.addWidget(self.search_radio, 1, 0, 1, 2)
        grid.addWidget(self.trials, 2, 0)
        grid.addWidget(self.minutes, 2, 1)
        self.once_radio.toggled.connect(lambda _c: self._update_enabled())
        lay.addWidget(mode_box)

        lay.addStretch(1)
        scroll = QScrollArea()
        scroll.setObjectName("formScroll")
        scroll.setWidget(panel)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

        left = QWidget()
        outer = QVBoxLayout(left)
        outer.setContentsMargins(0, 0, 8, 0)
        outer.addWidget(scroll, 1)
        lay = outer   # the buttons, progress and errors stay in view below the scrolling form
        buttons = QHBoxLayout()
        self.train_button = QPushButton(self.tr("Train"))
        self.train_button.setObjectName("primary")
        self.train_button.setShortcut("Ctrl+Return")
        self.train_button.setToolTip(self.tr("Train (Ctrl+Enter)"))
        self.train_button.clicked.connect(self._request)
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.setToolTip(self.tr("Stop now: a model trained in epochs keeps its best epoch and is still added to the leaderboard"))
        self.cancel_button.clicked.connect(self.cancel_requested)
        buttons.addWidget(self.train_button, 1)
        buttons.addWidget(self.cancel_button)
        lay.addLayout(buttons)
        self.progress = ProgressStrip(cancellable=False)
        self.error_label = QLabel("")
        self.error_label.setObjectName("error")
        self.error_label.setWordWrap(True)
        self.error_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error_label.hide()
        lay.addWidget(self.progress)
        lay.addWidget(self.error_label)
        left.setMinimumWidth(340)
        return left

    def _build_right(self) -> QWidget:
        right = QWidget()
        lay = QVBoxLayout(right)
        lay.setContentsMargins(8, 0, 0, 0)
        self.title_label = QLabel(self.tr("Choose a model and press Train"))
        self.title_label.setObjectName("fileLabel")
        lay.addWidget(self.title_label)
        self.plot_stack = QStackedWidget()
        page = QWidget()
        plots = QGridLayout(page)
        plots.setContentsMargins(0, 0, 0, 0)
        self.loss_plot = LearningCurvePlot(self.tr("Training loss"), self.tr("Epoch"), self.tr("Loss (mean per batch)"))
        self.valid_plot = LearningCurvePlot(self.tr("Validation {v0}").format(v0=MONITOR.upper()), self.tr("Epoch"), MONITOR.upper(),
                                            legend=True)
        plots.addWidget(self.loss_plot, 0, 0)
        plots.addWidget(self.valid_plot, 0, 1)
        plots.setColumnStretch(0, 1)
        plots.setColumnStretch(1, 1)
        self.plot_stack.addWidget(page)
        self.no_curves = QLabel(self.tr(EMPTY_NOTE))
        self.no_curves.setObjectName("emptyNote")
        self.no_curves.setWordWrap(True)
        self.no_curves.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.plot_stack.addWidget(self.no_curves)
        self.plot_stack.setCurrentWidget(self.no_curves)
        lay.addWidget(self.plot_stack, 3)
        self.verdict_label = QLabel("")
        self.verdict_label.setWordWrap(True)
        self.verdict_label.setObjectName("verdictInfo")
        self.verdict_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.verdict_label.hide()
        lay.addWidget(self.verdict_label)
        self.result_label = QLabel("")
        self.result_label.setWordWrap(True)
        self.result_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        lay.addWidget(self.result_label)
        self.trials_title = QLabel(self.tr("Search trials (validation NDCG@10, best first when finished; click a heading to sort)"))
        self.trials_title.setObjectName("sectionTitle")
        self.trials_table = QTableWidget(0, 4)
        self.trials_table.setHorizontalHeaderLabels([self.tr("Trial"), MONITOR.upper(), self.tr("Best so far"), self.tr("Settings tried")])
        self.trials_table.verticalHeader().hide()
        self.trials_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.trials_table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.trials_table.setAlternatingRowColors(True)
        self.trials_table.setMinimumHeight(120)
        lay.addWidget(self.trials_title)
        lay.addWidget(self.trials_table, 2)
        self._show_trials(False)
        return right

    # ---- model and form -------------------------------------------------------------------------
    @property
    def model(self) -> str:
        return self.model_combo.currentData()

    def set_model(self, name: str) -> None:
        self.model_combo.setCurrentIndex(self.model_combo.findData(name))

    @Slot()
    def _model_changed(self, *_a) -> None:
        info = self.controller.info(self.model)
        extra = []
        if info.torch:
            extra.append(self.tr("Trains in epochs with live curves; stops early at the best validation score."))
        if info.needs_catalog:
            extra.append(self.tr("Needs an item catalog with text."))
        self.model_desc.setText(" ".join([info.description, *extra]))
        self.form.set_specs(self.controller.specs(self.model))
        self.search_radio.setEnabled(info.tunable)
        if not info.tunable:
            self.once_radio.setChecked(True)
        self._update_enabled()

    def _reset(self, fast: bool) -> None:
        self.form.set_specs(self.controller.specs(self.model))
        if fast:
            self.form.set_values(self.controller.info(self.model).fast_params)

    def set_params(self, values: dict) -> None:
        self.form.set_values(values)

    # ---- requests -------------------------------------------------------------------------------
    @Slot()
    def _request(self) -> None:
        if self._busy or not self.train_button.isEnabled():
            return
        self.clear_curves()
        self.verdict_label.hide()
        self.result_label.setText("")
        params = self.form.values()
        search = self.search_radio.isChecked()
        self._show_trials(search)
        self.trials_table.setRowCount(0)
        title = model_title(self.model)
        info = self.controller.info(self.model)
        self._epochs = EpochWatch(params.get("epochs") if info.torch and not search else None,
                                  params.get("patience", 0), self.state.split.valid is not None)
        if search or info.torch:
            self.plot_stack.setCurrentIndex(0)
            if self._epochs.budget:
                for plot in (self.loss_plot, self.valid_plot):
                    plot.set_x_budget(self._epochs.budget)
        else:
            self.no_curves.setText(self.tr("{title} is fitted in one step, without epochs: there is no learning curve to watch. Its "
                                           "test results appear below when it is done.").format(title=title))
            self.plot_stack.setCurrentWidget(self.no_curves)
        if search:
            self.title_label.setText(self.tr("Searching settings for {title}…").format(title=title))
            self.valid_plot.getPlotItem().setTitle(self.tr("Search: validation {v0} per trial").format(v0=MONITOR.upper()), size="10pt")
            self.valid_plot.getPlotItem().setLabel("bottom", self.tr("Trial"))
            self.tune_requested.emit(self.model, params, self.trials.value(), self.minutes.value())
        else:
            self.title_label.setText(self.tr("Training {title}…").format(title=title))
            self.valid_plot.getPlotItem().setTitle(self.tr("Validation {v0}").format(v0=MONITOR.upper()), size="10pt")
            self.valid_plot.getPlotItem().setLabel("bottom", self.tr("Epoch"))
            self.train_requested.emit(self.model, params)

    def clear_curves(self) -> None:
        self.loss_plot.clear_data()
        self.valid_plot.clear_data()

    # ---- live updates ---------------------------------------------------------------------------
    @Slot(list)
    def _on_metrics(self, reports: list) -> None:
        for p in reports:
            m = p.metrics
            if p.stage == "tune" and "trial" in m:
                self._add_trial(m)
            elif "loss" in m and "epoch" in m:
                if self.search_radio.isChecked() and m["epoch"] == 1:
                    self.loss_plot.clear_data()   # a new trial starts its own loss curve
                self.loss_plot.append("loss", m["epoch"], m["loss"])
                if MONITOR in m and not self.search_radio.isChecked():
                    self.valid_plot.append(MONITOR.upper(), m["epoch"], m[MONITOR])
                self._epochs.add(int(m["epoch"]), m.get(MONITOR))

    def _add_trial(self, m) -> None:
        self.valid_plot.append("trial", m["trial"], m["value"])
        self.valid_plot.append(self.tr("best so far"), m["trial"], m["best"])
        row = self.trials_table.rowCount()
        self.trials_table.insertRow(row)
        settings = ", ".join(f"{k.removeprefix('param.').replace('_', ' ')} = {v:g}" for k, v in m.items()
                             if k.startswith("param."))
        self.trials_table.setSortingEnabled(False)          # rows arrive in trial order
        cells = (NumberItem(f"{int(m['trial'])}", m["trial"]), NumberItem(f"{m['value']:.4f}", m["value"]),
                 NumberItem(f"{m['best']:.4f}", m["best"]), QTableWidgetItem(settings))
        for col, item in enumerate(cells):
            self.trials_table.setItem(row, col, item)
        self.trials_table.resizeColumnsToContents()
        self.trials_table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.trials_table.scrollToBottom()

    @Slot(object)
    def _show_progress(self, p) -> None:
        self.progress.show_progress(p)
        if self._epochs.epoch and p.stage == "train":     # epochs in words, not "epoch 6/200"
            self.progress.bound = self._epochs.can_stop_early
            self.progress.set_text(self._epochs.text())

    @Slot(object)
    def _show_run(self, run) -> None:
        """Redraw the finished run's full curves (the live ones may have missed nothing, but a search
        shows trials live) and its verdict and headline metrics."""
        h = run.history
        if h is not None and len(h.records) and run.kind != "tuned":
            self.loss_plot.set_series("loss", h.epochs, h.losses)
            vals = h.metric(MONITOR)
            ok = np.isfinite(vals)  # epochs without validation have none
            if ok.any():
                self.valid_plot.set_series(MONITOR.upper(), h.epochs[ok], vals[ok])
            if h.best_epoch is not None:
                self.valid_plot.mark(h.best_epoch, self.tr("best epoch {best_epoch}").format(best_epoch=h.best_epoch))
        text, style = verdict_text(run)
        set_style_name(self.verdict_label, style)
        self.verdict_label.setText(text)
        self.verdict_label.setToolTip(glossary.tip(run.diagnosis.verdict) if run.diagnosis is not None else "")
        self.verdict_label.show()
        m = run.metrics
        stopped = ""
        if h is not None:
            stopped = {"cancelled": self.tr(" — cancelled: the best epoch so far was kept"),
                       "early_stop": self.tr(" — stopped early, best epoch {best_epoch}").format(best_epoch=h.best_epoch),
                       "max_epochs": ""}.get(h.stopped, "")
        tuning = run.info.get("tuning")
        if tuning and self.trials_table.rowCount():
            self.trials_table.setSortingEnabled(True)          # best first, as the title says
            self.trials_table.sortItems(1, Qt.SortOrder.DescendingOrder)
            self.trials_table.scrollToTop()
        if tuning:
            done = sum(t["state"] == "complete" for t in tuning["trials"])
            best = ", ".join(f"{k.replace('_', ' ')} = {v:g}" if isinstance(v, (int, float)) else f"{k} = {v}"
                             for k, v in tuning["best_params"].items())
            stopped = self.tr(" — best of {done} trial(s): {best}").format(done=done, best=best)
        n_users = run.evaluation.n_users_evaluated if run.evaluation is not None else 0
        self.title_label.setText(f"{run.name}{stopped}")
        self.result_label.setText(
            self.tr("On the test part ({n_users:,} customers): NDCG@10 {v1} · HitRate@10 {v2} · Recall@10 "
                    "{v3} · Coverage@10 {v4}. Trained in {v5:.1f} s on {v6}. Compare runs in the Leaderboard.").format(n_users=n_users, v1=_num(m.get('ndcg@10')), v2=_num(m.get('hit@10')), v3=_num(m.get('recall@10')), v4=_num(m.get('coverage@10')), v5=run.info.get('fit_seconds', 0), v6=run.info.get('device', 'cpu')))

    # ---- state --------------------------------------------------------------------------------
    def _show_trials(self, visible: bool) -> None:
        self.trials_title.setVisible(visible)
        self.trials_table.setVisible(visible)

    @Slot(str)
    def show_error(self, message: str) -> None:
        self.error_label.setText(message)
        self.error_label.setVisible(bool(message))

    @Slot(bool)
    def _set_busy(self, busy: bool) -> None:
        if busy:
            self.show_error("")
        self._busy = busy
        self.cancel_button.setEnabled(busy)
        if busy:
            self.progress.start(self.tr("Starting…"))
        else:
            self.progress.hide()
        if not busy and not self.verdict_label.isVisible():
            self.title_label.setText(self.tr("Choose a model and press Train"))
        self._update_enabled()

    def _update_enabled(self) -> None:
        has_split = self.state.split is not None
        for w in (self.model_combo, self.form, self.defaults_button, self.quick_button, self.once_radio,
                  self.search_radio):
            w.setEnabled(not self._busy and (w is not self.search_radio or self.controller.info(self.model).tunable))
        searching = self.search_radio.isChecked()
        self.trials.setEnabled(searching and not self._busy)
        self.minutes.setEnabled(searching and not self._busy)
        self.train_button.setEnabled(has_split and not self._busy)
        self.train_button.setText(self.tr("Search") if searching else self.tr("Train"))
        if self.state.dataset is None:
            self.split_label.setText(self.tr("Load data in the Data pane, then apply a train / test split there."))
        elif not has_split:
            self.split_label.setText(self.tr("Training is off until the data is split: choose a split under the mapping in the Data "
                                             "pane and press Apply split."))
        else:
            s = self.state.split
            valid = 0 if s.valid is None else s.valid.n_events
            self.split_label.setText(self.tr("Split: {method} — trains on {n_events:,} interactions (validates on {valid:,} of them "
                                             "first), tests on {n_events2:,}.").format(method=split_method_label(s.method), n_events=s.train.n_events, valid=valid, n_events2=s.test.n_events))
        self.split_label.setProperty("ready", has_split)
        self.split_label.style().unpolish(self.split_label)
        self.split_label.style().polish(self.split_label)


def _narrow(box: QComboBox) -> None:
    """Let a combo box shrink with the form (long entries are elided; the popup shows them whole)."""
    box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    box.setMinimumContentsLength(8)


def _num(x) -> str:
    return "–" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:.4f}"
