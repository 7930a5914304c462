"""Rule sets shared by the Rules pane and the Inspector (``RuleBook``), and the controller that
evaluates a rule set against a run in a worker (``RulesController``).

Rule sets are plain spec dicts (``engine.rerank.rules``); they persist in the open project when
it offers ``save_rules(name, spec)`` (with ``load_rules(warnings)`` and ``delete_rules(name)``,
as ``engine.store.Project`` does), else they live for the session.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from PySide6.QtCore import QObject, Signal, Slot

from desktop.state import AppState
from desktop.tasks import TaskRunner, TaskSlot
from engine.lists import inspector as einspect
from engine.errors import EngineError
from engine.progress import scaled
from engine.rerank import evaluate_rules, sweep_long_tail
from engine.rerank.rules import OPS, SCHEMA, parse_rules

__all__ = ["DEFAULT_NAME", "OPS", "SCHEMA", "RuleBook", "RuleCheck", "RulesController"]

log = logging.getLogger("recscope.desktop")

DEFAULT_NAME = "Long-tail boost"
DEFAULT_SPEC = {"rules": [{"type": "long_tail", "weight": 0.5}]}


class RuleBook(QObject):
    """The session's rule sets (name -> spec dict) and the active one the Inspector applies.

    The main window keeps one and hands it to the Rules and Inspector controllers. ``changed`` fires when the saved sets or the active
    rule set change; ``active`` is a validated spec dict or None.
    """

    changed = Signal()

    def __init__(self, state: AppState):
        super().__init__(state)
        self.state = state
        self.sets: dict[str, dict] = {DEFAULT_NAME: DEFAULT_SPEC}
        self.active_name: str | None = None
        self.active: dict | None = None
        state.project_changed.connect(self._load_project)
        self._load_project(state.project)

    @property
    def persistent(self) -> bool:
        return callable(getattr(self.state.project, "save_rules", None))

    def set_active(self, name: str | None, spec: dict | None) -> None:
        if (name, spec) != (self.active_name, self.active):
            self.active_name, self.active = name, spec
            self.changed.emit()

    def save(self, name: str, spec: dict) -> str:
        """Keep ``spec`` under ``name`` (and in the project when it can store rules); "" when stored,
        else why the project could not store it (the session keeps it)."""
        self.sets[name] = spec
        if self.persistent:
            try:
                self.state.project.save_rules(name, spec)
            except EngineError as e:
                return str(e)
        self.changed.emit()
        return ""

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


@dataclass
class RuleCheck:
    """The outcome of checking an edited rule set: ``spec`` (the parsed rule set as a dict) when it is
    valid, else ``error`` (one line naming the rule and field); ``warnings`` of a valid set;
    ``bound``: checked against a model's items and the catalog's columns."""

    spec: dict | None = None
    error: str = ""
    warnings: list[str] = field(default_factory=list)
    bound: bool = False

    @property
    def n_rules(self) -> int:
        return len(self.spec["rules"]) if self.spec is not None else 0


class RulesController(QObject):
    """Checks rule sets and evaluates them on a run's test split; ``slot.done`` carries
    (``RulesEvaluation``, sweep points) with the K as its tag."""

    def __init__(self, state: AppState, runner: TaskRunner, book: RuleBook, parent: QObject | None = None):
        super().__init__(parent)
        self.state = state
        self.book = book
        self.slot = TaskSlot(runner, self)

    @property
    def running(self) -> bool:
        return self.slot.busy

    def columns(self) -> list[str]:
        """Catalog columns and roles a rule can name (roles first); [] without a catalog."""
        ds = self.state.dataset
        return einspect.rule_columns(ds.catalog) if ds is not None else []

    def default_condition(self) -> dict:
        """A valid condition ({"column", "op", "value"}) for a new "… where" rule; {} without a catalog."""
        ds = self.state.dataset
        return einspect.default_condition(ds.catalog) if ds is not None and ds.catalog is not None else {}

    def check(self, spec, run_id: str | None) -> RuleCheck:
        """Check ``spec`` (a rule-set dict, or JSON text that is not one) with the engine: against
        run ``run_id``'s items and the catalog when that run exists, else on its own."""
        try:
            if not isinstance(spec, dict):
                parse_rules(spec or "null")       # names what is wrong with the text
                raise EngineError('the JSON must be {"rules": [ {"type": …}, … ]}')
            run = self.state.run(run_id)
            if run is None:
                return RuleCheck(parse_rules(spec).to_dict())
            catalog = self.state.dataset.catalog if self.state.dataset is not None else None
            rules, warnings = einspect.validate_rules(spec, run.model, catalog)
        except EngineError as e:
            return RuleCheck(error=str(e))
        return RuleCheck(rules.to_dict(), warnings=list(warnings), bound=True)

    def evaluate(self, run_id: str, spec: dict, k: int, weights: list[float]) -> None:
        run = self.state.run(run_id)
        if run is None or self.state.split is None:
            self.slot.fail(self.tr("Train a model first (Train pane): the rules are measured on its test split."))
            return
        catalog = self.state.dataset.catalog if self.state.dataset is not None else None
        self.slot.start(evaluate_rule_set, run.model, self.state.split, catalog, spec, int(k), list(weights),
                        name=self.tr("Evaluate rules on {name}").format(name=run.name), tag=int(k))

    @Slot()
    def cancel(self) -> None:
        self.slot.cancel()
