"""Simulate pane: "what if we explored more?" — bandit policies replayed on the customers' own
baskets (rejection replay), with cumulative reward and regret curves, the share of exploration,
how many logged events matched, and a plain caveat when too few did.
"""

from __future__ import annotations

import pandas as pd
import pyqtgraph as pg
from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDoubleSpinBox, QFormLayout, QFrame, QGridLayout,
                               QGroupBox, QHBoxLayout, QLabel, QPushButton, QScrollArea, QSpinBox,
                               QSplitter, QVBoxLayout, QWidget)

from desktop import glossary
from desktop.controllers.simulate_controller import SimulateController
from desktop.plots.curves import LabelledPlot
from desktop.qtmodels.marked_frame_model import MarkedFrameModel
from desktop.state import AppState
from desktop.widgets.progress import ProgressStrip
from desktop.widgets.runs import fill_run_combo
from desktop.widgets.tables import fit_columns, make_table
from desktop.translate import translate
from PySide6.QtCore import QT_TRANSLATE_NOOP

PALETTE = ("#2563eb", "#dc2626", "#16a34a", "#9333ea", "#ea580c", "#0891b2")
#: The caveats' box grows with its text up to this height (pixels), then scrolls: the results stay in view.
CAVEAT_HEIGHT = 96
#: What an arm is, in plain words (beside the arm choice).
#: Headings of the results table (translated by its model).
HEADINGS = (QT_TRANSLATE_NOOP("SimulatePane", "Policy"), QT_TRANSLATE_NOOP("SimulatePane", "Matched events"),
            QT_TRANSLATE_NOOP("SimulatePane", "Mean reward (95% CI)"), QT_TRANSLATE_NOOP("SimulatePane", "IPS / SNIPS"),
            QT_TRANSLATE_NOOP("SimulatePane", "Exploration"), QT_TRANSLATE_NOOP("SimulatePane", "Total reward"),
            QT_TRANSLATE_NOOP("SimulatePane", "Final regret"))
ARM_MEANING = (QT_TRANSLATE_NOOP("SimulatePane", "An arm is one thing a policy can suggest at each visit: here one product category or "
                                                     "one item. The policy scores a point when the customer's next basket holds it."))


def arm_choices(catalog) -> list[tuple[str, str, str]]:
    """(engine arm kind, label, tooltip) the catalog allows, the best first: its category column when it
    has one, else single items (a title's first word only as a plainly named last resort)."""
    items = ("item", translate("SimulatePane", "Top items"), translate("SimulatePane", "Each arm is one of the most bought items"))
    if catalog is None:
        return [items]
    col = catalog.column("category")
    if col is not None:
        return [("category", translate("SimulatePane", "Categories ({col})").format(col=col), translate("SimulatePane", "Each arm is a value of the catalog column '{col}'").format(col=col)),
                items]
    if catalog.column("title") or catalog.column("description"):
        return [items, ("category", translate("SimulatePane", "First word of titles"),
                        translate("SimulatePane", "The catalog has no category column: items are grouped by the first word of their title, "
                                                  "a rough stand-in for a category"))]
    return [items]


def legend_html(labels: list[str]) -> str:
    """One line naming each curve in its colour (beside the plots, so no legend covers a curve)."""
    return " ".join(f"<span style='color:{PALETTE[j % len(PALETTE)]}'>▬▬</span>&nbsp;{label}&nbsp;&nbsp;"
                    for j, label in enumerate(labels))


def policy_label(spec: str, model_runs: dict) -> str:
    """'egreedy:0.1' -> 'ε-greedy (ε=0.1)', 'model:<id>' -> "<run name>'s top-1",
    'linucb:1@<id>' -> 'LinUCB (α=1) on <run name>'."""
    name, _, arg = spec.partition(":")
    if name == "linucb":
        alpha, _, run_id = arg.partition("@")
        return translate("SimulatePane", "LinUCB (α={alpha:g}) on {v1}").format(alpha=float(alpha), v1=model_runs.get(run_id, run_id))
    if name == "egreedy":
        return translate("SimulatePane", "ε-greedy (ε={arg:g})").format(arg=float(arg))
    if name == "ucb":
        return translate("SimulatePane", "UCB1 (α={arg:g})").format(arg=float(arg))
    if name == "thompson":
        return translate("SimulatePane", "Thompson sampling")
    if name == "model":
        return translate("SimulatePane", "{v0}'s top-1").format(v0=model_runs.get(arg, arg))
    return spec


class CurvesPlot(LabelledPlot):
    """Several labelled curves y(x) over one axis in palette order (the pane names them in a line
    above the plots: a legend inside would cover a curve)."""

    def set_curves(self, curves: list[tuple[str, object, object]]) -> None:
        """curves: (label, x (n,), y (n,)) each, drawn in palette order."""
        self.clear_data()
        for j, (label, x, y) in enumerate(curves):
            self._add(pg.PlotDataItem(x, y, pen=pg.mkPen(PALETTE[j % len(PALETTE)], width=2), name=label))
        self.getPlotItem().enableAutoRange()


class SimulatePane(QWidget):
    def __init__(self, state: AppState, controller: SimulateController, parent: QWidget | None = None):
        super().__init__(parent)
        self.state = state
        self.controller = controller
        self.log = None
        self.results: list = []
        self._build()
        c = self.controller
        c.slot.progress.connect(self.strip.show_progress)
        c.slot.running_changed.connect(self._running)
        c.slot.done.connect(lambda result, runs: self._show_results((*result, runs)))
        c.slot.failed.connect(lambda message, _tag: self._failed(message))
        c.slot.cancelled.connect(lambda _tag: self._failed(self.tr("Simulation cancelled.")))
        state.runs_changed.connect(self._fill_runs)
        state.dataset_changed.connect(self._on_dataset)
        self._fill_runs()
        self._on_dataset(state.dataset)

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
        split.setSizes([330, 1000])
        root.addWidget(split)

    def _build_controls(self) -> QWidget:
        panel = QWidget()
        panel.setObjectName("mappingPanel")
        lay = QVBoxLayout(panel)
        lay.setContentsMargins(0, 0, 6, 0)
        intro = QLabel(self.tr("Replays exploration policies on your customers' own baskets: at each basket a policy "
                               "suggests one arm; the reward is 1 when the customer's next basket holds it."))
        intro.setWordWrap(True)
        intro.setObjectName("muted")
        lay.addWidget(intro)

        arms = QGroupBox(self.tr("Arms"))
        form = QFormLayout(arms)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.arm_kind = QComboBox()
        self.arm_kind.setMinimumContentsLength(14)
        self.arm_kind.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.arm_meaning = QLabel(self.tr(ARM_MEANING))
        self.arm_meaning.setToolTip(glossary.tip("arm"))
        self.arm_meaning.setObjectName("muted")
        self.arm_meaning.setWordWrap(True)
        self.n_arms = QSpinBox()
        self.n_arms.setRange(2, 200)
        self.n_arms.setValue(10)
        self.n_arms.setToolTip(self.tr("More arms need more logged events: each arm gets 1/K of them"))
        self.arm_source = QLabel("")
        self.arm_source.setObjectName("muted")
        self.arm_source.setWordWrap(True)
        form.addRow(self.arm_meaning)
        form.addRow(self.tr("Arms are"), self.arm_kind)
        form.addRow(self.tr("Number of arms"), self.n_arms)
        form.addRow(self.arm_source)
        lay.addWidget(arms)

        pol = QGroupBox(self.tr("Policies"))
        grid = QGridLayout(pol)
        self.egreedy_check = QCheckBox(self.tr("ε-greedy"))
        self.egreedy_check.setChecked(True)
        self.eps_spin = QDoubleSpinBox()
        self.eps_spin.setRange(0.0, 1.0)
        self.eps_spin.setSingleStep(0.05)
        self.eps_spin.setValue(0.1)
        self.eps_spin.setPrefix("ε = ")
        self.ucb_check = QCheckBox(self.tr("UCB1"))
        self.ucb_check.setChecked(True)
        self.alpha_spin = QDoubleSpinBox()
        self.alpha_spin.setRange(0.0, 10.0)
        self.alpha_spin.setSingleStep(0.1)
        self.alpha_spin.setValue(1.0)
        self.alpha_spin.setPrefix("α = ")
        self.thompson_check = QCheckBox(self.tr("Thompson sampling"))
        self.thompson_check.setChecked(True)
        model_label = QLabel(self.tr("With a trained model:"))
        model_label.setObjectName("muted")
        self.model_combo = QComboBox()
        self.model_combo.setMinimumContentsLength(10)
        self.model_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.model_combo.currentIndexChanged.connect(self._model_chosen)
        self.model_check = QCheckBox(self.tr("Its top-1"))
        self.model_check.setToolTip(self.tr("Always suggest the arm of the model's best unseen item (never explores)"))
        self.linucb_check = QCheckBox(self.tr("LinUCB"))
        self.linucb_alpha = QDoubleSpinBox()
        self.linucb_alpha.setRange(0.0, 10.0)
        self.linucb_alpha.setSingleStep(0.1)
        self.linucb_alpha.setValue(1.0)
        self.linucb_alpha.setPrefix("α = ")
        for box, key in ((self.egreedy_check, "egreedy"), (self.ucb_check, "ucb"), (self.thompson_check, "thompson")):
            box.setToolTip(glossary.tip(key))
        grid.addWidget(self.egreedy_check, 0, 0)
        grid.addWidget(self.eps_spin, 0, 1)
        grid.addWidget(self.ucb_check, 1, 0)
        grid.addWidget(self.alpha_spin, 1, 1)
        grid.addWidget(self.thompson_check, 2, 0, 1, 2)
        grid.addWidget(model_label, 3, 0, 1, 2)
        grid.addWidget(self.model_combo, 4, 0, 1, 2)
        grid.addWidget(self.model_check, 5, 0, 1, 2)
        grid.addWidget(self.linucb_check, 6, 0)
        grid.addWidget(self.linucb_alpha, 6, 1)
        grid.setColumnStretch(1, 1)
        lay.addWidget(pol)

        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("Seed")))
        self.seed_spin = QSpinBox()
        self.seed_spin.setRange(0, 1_000_000)
        row.addWidget(self.seed_spin)
        row.addStretch(1)
        self.run_button = QPushButton(self.tr("Run simulation"))
        self.run_button.setObjectName("primary")
        self.run_button.clicked.connect(self.run)
        row.addWidget(self.run_button)
        lay.addLayout(row)
        self.strip = ProgressStrip()
        self.strip.cancel_requested.connect(self.controller.cancel)
        lay.addWidget(self.strip)
        self.error_label = QLabel("")
        self.error_label.setObjectName("error")
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        lay.addWidget(self.error_label)
        lay.addStretch(1)

        scroll = QScrollArea()
        scroll.setObjectName("mappingScroll")
        scroll.setWidget(panel)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setMinimumWidth(290)
        return scroll

    def _build_results(self) -> QWidget:
        w = QWidget()
        lay = QVBoxLayout(w)
        lay.setContentsMargins(6, 0, 0, 0)
        self.summary_label = QLabel(self.tr("Choose arms and policies, then Run simulation."))
        self.summary_label.setObjectName("sectionTitle")
        self.summary_label.setWordWrap(True)
        lay.addWidget(self.summary_label)
        self.matched_label = QLabel("")
        self.matched_label.setWordWrap(True)
        lay.addWidget(self.matched_label)
        self.legend_label = QLabel("")
        self.legend_label.setWordWrap(True)
        lay.addWidget(self.legend_label)
        split = QSplitter(Qt.Orientation.Vertical)
        split.setChildrenCollapsible(False)
        self.table_model = MarkedFrameModel(self)
        self.table_model.header_context = "SimulatePane"
        self.table = make_table(self.table_model)
        self.table.setMinimumHeight(90)
        split.addWidget(self.table)
        plots = QWidget()
        pl = QHBoxLayout(plots)
        pl.setContentsMargins(0, 0, 0, 0)
        self.reward_plot = CurvesPlot(self.tr("Cumulative reward"), self.tr("Matched events"), self.tr("Total reward"))
        self.regret_plot = CurvesPlot(self.tr("Regret against the best fixed arm"), self.tr("Matched events"),
                                      self.tr("Reward lost (below 0: beats it)"))
        pl.addWidget(self.reward_plot, 1)
        pl.addWidget(self.regret_plot, 1)
        split.addWidget(plots)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 3)
        split.setSizes([150, 450])
        lay.addWidget(split, 1)
        self.caveat_label = QLabel("")            # below the results, in a box of its own height
        self.caveat_label.setObjectName("warning")
        self.caveat_label.setWordWrap(True)
        self.caveat_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.caveats = QScrollArea()
        self.caveats.setWidget(self.caveat_label)
        self.caveats.setWidgetResizable(True)
        self.caveats.setFrameShape(QFrame.Shape.NoFrame)
        self.caveats.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.caveats.setMaximumHeight(CAVEAT_HEIGHT)
        self.caveats.viewport().setAutoFillBackground(False)
        self.caveats.setStyleSheet("QScrollArea { background: transparent; }")
        self.caveat_label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.caveats.hide()
        lay.addWidget(self.caveats)
        return w

    # ---- requests -----------------------------------------------------------------------------
    def policies(self) -> tuple[list[str], dict[str, str]]:
        """(policy specs checked, {run id: run name} of the model policy)."""
        specs, runs = [], {}
        if self.egreedy_check.isChecked():
            specs.append(f"egreedy:{self.eps_spin.value():g}")
        if self.ucb_check.isChecked():
            specs.append(f"ucb:{self.alpha_spin.value():g}")
        if self.thompson_check.isChecked():
            specs.append("thompson")
        run_id = self.model_combo.currentData()
        if self.model_check.isChecked() and run_id is not None:
            specs.append(f"model:{run_id}")
            runs[run_id] = self.state.run(run_id).name
        if self.linucb_check.isChecked() and self.linucb_check.isEnabled() and run_id is not None:
            specs.append(f"linucb:{self.linucb_alpha.value():g}@{run_id}")
            runs[run_id] = self.state.run(run_id).name
        return specs, runs

    @Slot()
    def run(self) -> None:
        specs, runs = self.policies()
        if not specs:
            self._failed(self.tr("Tick at least one policy."))
            return
        self.error_label.hide()
        self.strip.start(self.tr("Building the log of baskets…"))
        self.controller.start(self.arm_kind.currentData(), self.n_arms.value(), specs, runs, self.seed_spin.value())

    @Slot(bool)
    def _running(self, running: bool) -> None:
        self.run_button.setEnabled(not running and self.state.dataset is not None)
        self.strip.setVisible(running)

    @Slot(str)
    def _failed(self, message: str) -> None:
        self.strip.hide()
        self.error_label.setText(message)
        self.error_label.setVisible(bool(message))

    @Slot()
    def _fill_runs(self) -> None:
        fill_run_combo(self.model_combo, self.state)
        has = self.model_combo.count() > 0
        self.model_check.setEnabled(has)
        self.model_combo.setEnabled(has)
        if not has:
            self.model_check.setChecked(False)
        self._model_chosen()

    @Slot()
    def _model_chosen(self) -> None:
        """LinUCB only for a run whose model has user vectors."""
        run_id = self.model_combo.currentData()
        ok = run_id is not None and self.controller.has_user_vectors(run_id)
        self.linucb_check.setEnabled(ok)
        self.linucb_alpha.setEnabled(ok)
        if run_id is None:
            tip = self.tr("Train a model first (Train pane)")
        elif not ok:
            tip = self.tr("This model has no user vectors (most-popular, item-kNN): choose BPR, iALS, EASE, SASRec "
                          "or two-tower")
        else:
            tip = (self.tr("{v0}<br>Contextual bandit (Li et al. 2010) over the model's user vectors (top principal "
                           "components + a bias); α widens its exploration").format(v0=glossary.tip('linucb')))
        self.linucb_check.setToolTip(tip)

    @Slot(object)
    def _on_dataset(self, dataset) -> None:
        self.run_button.setEnabled(dataset is not None and not self.controller.running)
        if dataset is None:
            return
        catalog = dataset.catalog
        self.arm_kind.clear()
        for kind, label, tip in arm_choices(catalog):
            self.arm_kind.addItem(label, kind)
            self.arm_kind.setItemData(self.arm_kind.count() - 1, tip, Qt.ItemDataRole.ToolTipRole)
        if catalog is not None and catalog.column("category") is not None:
            self.arm_source.setText(self.tr("Categories come from the catalog column '{v0}'.").format(v0=catalog.column('category')))
        elif catalog is not None and (catalog.column("title") or catalog.column("description")):
            self.arm_source.setText(self.tr("The catalog has no category column, so the arms are single items. Map a category column "
                                            "in the Data pane to simulate categories."))
        else:
            self.arm_source.setText(self.tr("No catalog: the arms are single items."))

    # ---- results ------------------------------------------------------------------------------
    @Slot(object)
    def _show_results(self, payload) -> None:
        log, results, runs = payload
        self.log, self.results = log, results
        labels = [policy_label(r.policy, runs) for r in results]
        kind = self.tr("categories") if log.kind == "category" else self.tr("items")
        self.summary_label.setText(
            self.tr("{n_events:,} decision points (baskets followed by another basket of the same customer, "
                    "of {baskets:,} baskets) · {arm_names} arms: top {kind}").format(n_events=log.n_events, baskets=log.baskets, arm_names=len(log.arm_names), kind=kind)
            + (self.tr(" by {source}").format(source=log.source) if log.kind == "category" else ""))
        self.matched_label.setText(self.tr("Matched events: ") + " · ".join(
            f"{label} <b>{r.matched:,}</b>" for label, r in zip(labels, results)) +
            self.tr(" of {n_events:,}. Best arm in the log: <b>{v1}</b> (mean reward {best_arm_mean:.3f}).").format(n_events=log.n_events, v1=log.arm_names[results[0].best_arm], best_arm_mean=results[0].best_arm_mean))
        rows = []
        for label, r in zip(labels, results):
            rows.append({"Policy": label, "Matched events": r.matched,
                         "Mean reward (95% CI)": f"{r.mean_reward:.3f} [{r.ci[0]:.3f}, {r.ci[1]:.3f}]"
                         if r.matched > 1 else "–",
                         "IPS / SNIPS": "–" if r.ips is None else f"{r.ips:.3f} / {r.snips:.3f}",
                         "Exploration": f"{r.exploration_share:.0%}",
                         "Total reward": f"{r.cumulative_reward[-1]:g}" if r.matched else "0",
                         "Final regret": f"{r.regret[-1]:.1f}" if r.matched else "–"})
        frame = pd.DataFrame(rows)
        self.table_model.show(frame, marks={j: "#fef9c3" for j, r in enumerate(results) if r.caveat})
        fit_columns(self.table)
        self.legend_label.setText(legend_html(labels))
        self.reward_plot.set_curves([(lab, r.steps, r.cumulative_reward) for lab, r in zip(labels, results)])
        self.regret_plot.set_curves([(lab, r.steps, r.regret) for lab, r in zip(labels, results)])
        noisy = [(lab, r) for lab, r in zip(labels, results) if r.caveat]
        caveats = []
        if noisy:
            caveats.append(f"{noisy[0][0]}: {noisy[0][1].caveat}")
            if len(noisy) > 1:
                caveats[0] += self.tr(" The same holds for ") + ", ".join(self.tr("{policy} ({matched:,} matched)").format(policy=lab, matched=r.matched)
                                                                 for lab, r in noisy[1:]) + "."
        notes = []
        if any(r.policy.startswith("model:") for r in results):
            notes.append(self.tr("A model's top-1 is a fixed policy: it never explores. The model was trained on part of "
                                 "these baskets, so its reward is optimistic."))
        lin = next((r for r in results if r.policy.startswith("linucb:")), None)
        if lin is not None:
            notes.append(self.tr("LinUCB's context is the model's user vector cut to {v0} principal components "
                                 "({context_variance:.0%} of its variance) plus a bias. The vectors were learned from "
                                 "these baskets too, so its reward is optimistic.").format(v0=lin.extra['context_dims'] - 1, context_variance=lin.extra['context_variance']))
        cold = max((r.extra.get("cold_events", 0) for r in results), default=0)
        if cold:
            notes.append(self.tr("{cold:,} events are of customers the model never saw: its top-1 suggests the most "
                                 "frequent arm for them, LinUCB has only the bias (each arm's plain mean).").format(cold=cold))
        self.caveat_label.setText("\n".join(["⚠ " + c for c in caveats] + notes))
        self.caveats.setVisible(bool(caveats or notes))
        width = max(self.caveats.viewport().width(), 300)
        self.caveats.setFixedHeight(min(CAVEAT_HEIGHT, self.caveat_label.heightForWidth(width) + 6))
