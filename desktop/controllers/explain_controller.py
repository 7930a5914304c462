"""ExplainController: every explanation the Explain pane shows is computed here, in workers.

One ``TaskSlot`` per kind of request (the latest request of a kind wins; the one before is
cancelled): the customer's top-k, the per-recommendation explanations, the global SHAP summary,
the surrogate rules, the latent map, an item's neighbours and the faithfulness test. Results the
pane redraws often are kept per run in memory (faithfulness scores, latent maps).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QObject, Signal

from desktop.state import AppState
from desktop.tasks import TaskRunner, TaskSlot
from engine.lists import inspector as einspect
from engine.errors import EngineError
from engine.explain import latent as xlatent
from engine.progress import check, emit, scaled
from desktop.translate import translate
from PySide6.QtCore import QT_TRANSLATE_NOOP

log = logging.getLogger("recscope.explain")

#: Display names of the methods, in ``engine.explain.api.METHODS`` order (shown through ``method_title``).
METHOD_TITLES = {"contributions": QT_TRANSLATE_NOOP("ExplainController", "Contributions"), "latent": QT_TRANSLATE_NOOP("ExplainController", "Latent factors"), "attention": QT_TRANSLATE_NOOP("ExplainController", "Attention"),
                 "words": QT_TRANSLATE_NOOP("ExplainController", "Words"),
                 "saliency": QT_TRANSLATE_NOOP("ExplainController", "Saliency"), "ig": QT_TRANSLATE_NOOP("ExplainController", "Integrated gradients"), "shap": QT_TRANSLATE_NOOP("ExplainController", "SHAP"),
                 "counterfactual": QT_TRANSLATE_NOOP("ExplainController", "Counterfactual")}


def method_title(method: str) -> str:
    """"ig" -> "Integrated gradients" in the interface language."""
    return translate("ExplainController", METHOD_TITLES.get(method, method))


#: Customers sampled by the faithfulness test unless the pane asks otherwise.
FAITH_USERS = 100


@dataclass
class Explanations:
    """results: method -> engine result; errors: method -> one-line message (what to do next)."""

    run_id: str
    user: Any
    item: Any
    k: int
    results: dict = field(default_factory=dict)
    errors: dict = field(default_factory=dict)


@dataclass
class LatentView:
    """A latent map with the customer placed on it and their factor heat map (None without a customer)."""

    map: Any
    placement: Any = None
    heatmap: Any = None
    key: tuple = ()


def explain_each(model, user, item, methods, k, catalog, run_id, *, progress=None, cancel=None) -> Explanations:
    """Run ``engine.explain.api.explain`` for each method (None: every method the model supports);
    a method's EngineError becomes its message."""
    from engine.explain import api as xapi
    methods = xapi.methods_for(model) if methods is None else list(methods)
    out = Explanations(run_id, user, item, k)
    for j, method in enumerate(methods):
        check(cancel)
        try:
            out.results[method] = xapi.explain(model, user, item, method, k=k, catalog=catalog,
                                               progress=scaled(progress, j / len(methods), (j + 1) / len(methods)),
                                               cancel=cancel)
        except EngineError as e:
            out.errors[method] = str(e)
        except Exception as e:  # noqa: BLE001 - one broken method must not hide the others
            log.exception("explanation %r failed", method)
            out.errors[method] = (translate("ExplainController", "{v0} failed unexpectedly: {name}: {e} (details in the log file)").format(v0=method_title(method), name=type(e).__name__, e=e))
    emit(progress, 1.0, "done", "explain")
    return out


def latent_view(model, cached, method, color_by, catalog, user, k, key, *, progress=None, cancel=None) -> LatentView:
    """The (cached or new) item map of ``model``, ``user`` placed on it with their top-``k``."""
    lmap = cached or xlatent.latent_map(model, method=method, catalog=catalog, color_by=color_by,
                                        progress=scaled(progress, 0.0, 0.9), cancel=cancel)
    check(cancel)
    if user is None:
        return LatentView(lmap, key=key)
    placement = xlatent.place_user(model, lmap, user, k=k)
    recs = [xlatent.external_id(i) for i in placement.recommended_ids]
    heat = xlatent.factor_heatmap(model, user, recs, catalog=catalog) if recs else None
    emit(progress, 1.0, "done", "latent")
    return LatentView(lmap, placement, heat, key)


@dataclass
class TopList:
    """A customer's top-k (``engine.lists.inspector.top_n`` frame), their training history
    (``engine.lists.inspector.customer_history``, latest first; None without a split) and the methods that
    can explain the model."""

    frame: Any
    history: Any
    methods: list
    embeddings: bool


def top_list(model, user, k, catalog, split, *, progress=None, cancel=None) -> TopList:
    from engine.explain.api import methods_for
    test = split.test if split is not None else None
    history = einspect.customer_history(split.train, user, catalog) if split is not None else None
    return TopList(einspect.top_n(model, user, k, catalog, test), history, methods_for(model),
                   xlatent.has_embeddings(model))


def _neighbours(model, item, n, catalog, *, progress=None, cancel=None):
    return xlatent.nearest_items(model, item, n, catalog=catalog)


def _surrogate(model, train, catalog, k, depth, *, progress=None, cancel=None):
    from engine.explain.surrogate import surrogate_tree
    return surrogate_tree(model, train, catalog=catalog, k=k, max_depth=depth, progress=progress, cancel=cancel)


def _summary(model, k, catalog, pairs, *, progress=None, cancel=None):
    from engine.explain.shap_explain import shap_summary
    return shap_summary(model, k=k, catalog=catalog, max_pairs=pairs, progress=progress, cancel=cancel)


class ExplainController(QObject):
    """Starts the Explain pane's engine calls; ``faithfulness`` holds the measured scores per run id."""

    faith_measured = Signal(str)         # run id whose scores just arrived

    def __init__(self, state: AppState, runner: TaskRunner, parent: QObject | None = None):
        super().__init__(parent)
        self.state = state
        names = ("top", "explain", "summary", "surrogate", "latent", "neighbours", "faith")
        self.channels = {n: TaskSlot(runner, self) for n in names}
        self.top, self.explain, self.summary, self.surrogate, self.latent, self.neighbours, self.faith = (
            self.channels[n] for n in names)
        self.faithfulness: dict[str, Any] = {}
        self._maps: dict[tuple, Any] = {}
        self.latent.done.connect(self._keep_map)
        self.faith.done.connect(self._keep_faith)

    # ---- helpers --------------------------------------------------------------------------------
    @property
    def catalog(self):
        ds = self.state.dataset
        return ds.catalog if ds is not None else None

    def _run(self, run_id, channel: TaskSlot, what: str):
        run = self.state.run(run_id)
        if run is None:
            channel.fail(self.tr("Train a model first (Train pane) to {what}.").format(what=what))
        return run

    # ---- requests -------------------------------------------------------------------------------
    def request_top(self, run_id: str | None, user, k: int) -> None:
        run = self._run(run_id, self.top, self.tr("see a customer's recommendations"))
        if run is not None:
            self.top.start(top_list, run.model, user, int(k), self.catalog, self.state.split,
                            name=self.tr("Customer's top list"), tag=(run_id, user))

    def request_explanations(self, run_id: str | None, user, item, k: int, methods: list[str] | None = None) -> None:
        run = self._run(run_id, self.explain, self.tr("explain a recommendation"))
        if run is not None:
            self.explain.start(explain_each, run.model, user, item, methods, int(k), self.catalog,
                                run_id, name=self.tr("Explain recommendation"), tag=(run_id, user, item))

    def request_summary(self, run_id: str | None, k: int, pairs: int) -> None:
        run = self._run(run_id, self.summary, self.tr("summarise its SHAP values"))
        if run is not None:
            self.summary.start(_summary, run.model, int(k), self.catalog, int(pairs), name=self.tr("SHAP summary"),
                                tag=run_id)

    def request_surrogate(self, run_id: str | None, k: int, depth: int) -> None:
        run = self._run(run_id, self.surrogate, self.tr("fit surrogate rules"))
        if run is None:
            return
        if self.state.split is None:
            self.surrogate.fail(self.tr("Choose a train/test split first (Data pane)."), run_id)
            return
        self.surrogate.start(_surrogate, run.model, self.state.split.train, self.catalog, int(k), int(depth),
                              name=self.tr("Surrogate rules"), tag=run_id)

    def request_latent(self, run_id: str | None, method: str, color_by: str | None, user, k: int) -> None:
        run = self._run(run_id, self.latent, self.tr("draw its latent map"))
        if run is not None:
            key = (run_id, method, color_by)
            self.latent.start(latent_view, run.model, self._maps.get(key), method, color_by, self.catalog, user,
                               int(k), key, name=self.tr("Latent map"), tag=key)

    def request_neighbours(self, run_id: str | None, item, n: int = 10) -> None:
        run = self._run(run_id, self.neighbours, self.tr("find similar items"))
        if run is not None:
            self.neighbours.start(_neighbours, run.model, item, int(n), self.catalog, name=self.tr("Nearest items"),
                                   tag=(run_id, item))

    def measure_faithfulness(self, run_id: str | None, users: int = FAITH_USERS, k: int = 10) -> None:
        run = self._run(run_id, self.faith, self.tr("measure how faithful its explanations are"))
        if run is None:
            return
        if self.state.split is None:
            self.faith.fail(self.tr("Choose a train/test split first (Data pane)."), run_id)
            return
        from engine.explain.faithfulness import deletion_test
        self.faith.start(deletion_test, run.model, self.state.split.test, users=int(users), k=int(k),
                          name=self.tr("Faithfulness test"), tag=run_id)

    # ---- caches ---------------------------------------------------------------------------------
    def _keep_map(self, view: LatentView, key) -> None:
        self._maps[key] = view.map

    def _keep_faith(self, result, run_id) -> None:
        self.faithfulness[run_id] = result
        self.faith_measured.emit(run_id)

    def forget_run(self, run_id: str) -> None:
        """Drop what is kept for a removed run."""
        self.faithfulness.pop(run_id, None)
        self._maps = {k: v for k, v in self._maps.items() if k[0] != run_id}
