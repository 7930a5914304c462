"""Rule sets shared by the Rules pane and the Inspector (``RuleBook``), and the controller that
evaluates a rule set against a run in a worker (``RulesController``).

Rule sets are plain spec dicts (``engine.rerank.rules``); they persist in the open project when
it offers ``save_rules(name, spec)`` (with ``load_rules(warnings)`` and ``delete_rules(name)``,
as ``engine.store.Project`` does), else they live for the session.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, Signal, Slot

from desktop.state import AppState
from desktop.tasks import Task, TaskRunner
from engine.progress import scaled
from engine.rerank import evaluate_rules, sweep_long_tail

log = logging.getLogger("recscope.desktop")

DEFAULT_NAME = "Long-tail boost"
DEFAULT_SPEC = {"rules": [{"type": "long_tail", "weight": 0.5}]}


class RuleBook(QObject):
    """The session's rule sets (name -> spec dict) and the active one the Inspector applies.

    One per AppState: ``RuleBook.of(state)``. ``changed`` fires when the saved sets or the active
    rule set change; ``active`` is a validated spec dict or None.
    """

    changed = Signal()

    def __init__(self, state: AppState):
        super().__init__(state)
        self.setObjectName("ruleBook")
        self.state = state
        self.sets: dict[str, dict] = {DEFAULT_NAME: DEFAULT_SPEC}
        self.active_name: str | None = None
        self.active: dict | None = None
        state.project_changed.connect(self._load_project)
        self._load_project(state.project)

    @staticmethod
    def of(state: AppState) -> "RuleBook":
        book = state.findChild(RuleBook, "ruleBook")
        return book if book is not None else RuleBook(state)

    @property
    def persistent(self) -> bool:
        return callable(getattr(self.state.project, "save_rules", None))

    def set_active(self, name: str | None, spec: dict | None) -> None:
        if (name, spec) != (self.active_name, self.active):
            self.active_name, self.active = name, spec
            self.changed.emit()

    def save(self, name: str, spec: dict) -> None:
        """Keep ``spec`` under ``name`` (and in the project when it can store rules)."""
        self.sets[name] = spec
        if self.persistent:
            self.state.project.save_rules(name, spec)
        self.changed.emit()

    def delete(self, name: str) -> None:
        self.sets.pop(name, None)
        remove = getattr(self.state.project, "delete_rules", None)
        if callable(remove):
            remove(name)
        self.changed.emit()

    @Slot(object)
    def _load_project(self, project) -> None:
        load = getattr(project, "load_rules", None)
        if callable(load):
            warnings: list[str] = []
            stored = {name: spec.to_dict() if hasattr(spec, "to_dict") else spec
                      for name, spec in (load(warnings) or {}).items()}
            for line in warnings:
                log.warning("project rule sets: %s", line)
            if stored:
                self.sets = stored
            self.changed.emit()


def evaluate_rule_set(model, split, catalog, rules, k: int, weights, *, progress=None, cancel=None):
    """Worker body: (``RulesEvaluation`` at ``k``, long-tail sweep points, [] without weights)."""
    head = 0.45 if weights else 1.0
    ev = evaluate_rules(model, split.train, split.test, rules, catalog, ks=(k,),
                        progress=scaled(progress, 0.0, head), cancel=cancel)
    sweep = (sweep_long_tail(model, split.train, split.test, weights, rules, catalog, k=k,
                             progress=scaled(progress, head, 1.0), cancel=cancel) if weights else [])
    return ev, sweep


class RulesController(QObject):
    """Evaluates a rule set on a run's test split; one evaluation at a time."""

    progress = Signal(object)
    evaluated = Signal(object)      # (RulesEvaluation, sweep points, k)
    failed = Signal(str)
    running_changed = Signal(bool)

    def __init__(self, state: AppState, runner: TaskRunner, parent: QObject | None = None):
        super().__init__(parent)
        self.state = state
        self.runner = runner
        self.book = RuleBook.of(state)
        self._task: Task | None = None

    @property
    def running(self) -> bool:
        return self._task is not None

    def evaluate(self, run_id: str, spec: dict, k: int, weights: list[float]) -> None:
        run = self.state.run(run_id)
        if run is None or self.state.split is None:
            self.failed.emit("Train a model first (Train pane): the rules are measured on its test split.")
            return
        if self._task is not None:
            self._task.cancel()
        catalog = self.state.dataset.catalog if self.state.dataset is not None else None
        task = self.runner.submit(evaluate_rule_set, run.model, self.state.split, catalog, spec, int(k),
                                  list(weights), name=f"Evaluate rules on {run.name}")
        self._task = task
        self.running_changed.emit(True)
        task.progress.connect(self.progress)
        task.done.connect(lambda res, t=task, kk=int(k): self._finish(t, self.evaluated, (*res, kk)))
        task.failed.connect(lambda msg, t=task: self._finish(t, self.failed, msg))
        task.cancelled.connect(lambda t=task: self._finish(t, self.failed, "Evaluation cancelled."))

    @Slot()
    def cancel(self) -> None:
        if self._task is not None:
            self._task.cancel()

    def _finish(self, task: Task, signal, payload) -> None:
        if task is not self._task:
            return
        self._task = None
        self.running_changed.emit(False)
        signal.emit(payload)
