"""LeaderboardController: the Leaderboard's engine calls in workers, cached per run.

Each analysis has its own ``TaskSlot`` (a newer request of the same kind supersedes the older one):
bootstrap intervals of a metric, the paired comparison of two runs, customer-group metrics,
item-popularity groups, and the ROC curve of one run.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal, Slot

from engine.evaluate.summary import compare_runs, group_metrics, item_group_metrics, metric_ci, run_roc
from engine.progress import check
from engine.runs import RUN_KS
from desktop.state import AppState
from desktop.tasks import TaskRunner, TaskSlot

#: The cut-offs every run is measured at (the pane offers them).
KS = RUN_KS


def intervals(runs, metric: str, *, progress=None, cancel=None) -> dict:
    """Worker body: {run id: MetricCI} of ``metric`` for ``runs``."""
    out = {}
    for run in runs:
        check(cancel)
        if run.evaluation is not None and metric in run.evaluation.metrics:
            out[run.id] = metric_ci(run.evaluation, metric)
    return out


def item_groups(runs, split, k: int, *, progress=None, cancel=None) -> dict:
    """Worker body: {run id: item-popularity group table} (runs of other splits are left out)."""
    out = {}
    for run in runs:
        check(cancel)
        if run.evaluation is not None and run.model.n_items == split.train.n_items \
                and run.model.n_users == split.train.n_users:
            out[run.id] = item_group_metrics(run, split, k, cancel=cancel)
    return out


def comparison(run_a, run_b, metric: str, *, progress=None, cancel=None):
    return compare_runs(run_a, run_b, metric)


def groups(runs, metric: str, *, progress=None, cancel=None):
    return group_metrics(runs, metric)


def roc(run, split, *, progress=None, cancel=None):
    return run_roc(run, split, progress=progress, cancel=cancel)


class LeaderboardController(QObject):
    intervals_ready = Signal(str, dict)     # metric, {run id: MetricCI}
    compared = Signal(object, str)          # Comparison, sentence
    compare_failed = Signal(str)
    groups_ready = Signal(str, object)      # metric, DataFrame run/group/n_users/value
    item_groups_ready = Signal(int, dict)   # k, {run id: DataFrame}
    roc_ready = Signal(str, object)         # run id, (RocResult, threshold)
    roc_failed = Signal(str, str)           # run id, message
    failed = Signal(str)                    # any other analysis failed

    def __init__(self, state: AppState, runner: TaskRunner, parent: QObject | None = None):
        super().__init__(parent)
        self.state, self.runner = state, runner
        self.slots = {name: TaskSlot(runner, self) for name in ("ci", "compare", "groups", "items", "roc")}
        for name in ("ci", "groups", "items"):
            self.slots[name].failed.connect(lambda message, _tag: self.failed.emit(message))
        self.slots["compare"].failed.connect(lambda message, _tag: self.compare_failed.emit(message))
        self.slots["roc"].failed.connect(lambda message, run_id: self.roc_failed.emit(run_id, message))
        self.ci_cache: dict[tuple[str, str], object] = {}
        self.item_cache: dict[tuple[str, int], object] = {}
        self.roc_cache: dict[str, tuple] = {}
        state.dataset_changed.connect(lambda _d: self._forget())
        state.split_changed.connect(lambda _s: (self.item_cache.clear(), self.roc_cache.clear()))

    # ---- the runs themselves -----------------------------------------------------------------------
    def rename(self, run_id: str, name: str) -> str:
        """Rename a run; "" when done, else why not (empty, or another run has that name)."""
        name = " ".join(str(name).split())
        if not name:
            return self.tr("A run needs a name.")
        if any(r.name == name and r.id != run_id for r in self.state.runs):
            return self.tr("Another run is already called “{name}”.").format(name=name)
        self.state.rename_run(run_id, name)
        return ""

    def annotate(self, run_id: str, note: str) -> None:
        """Keep a note with the run (``info["note"]``; "" removes it); the project stores it."""
        run = self.state.run(run_id)
        if run is None or run.info.get("note", "") == note.strip():
            return
        if note.strip():
            run.info["note"] = note.strip()
        else:
            run.info.pop("note", None)
        self.state.touch_run(run)

    def delete(self, run_id: str) -> None:
        """Remove a run from the session (and from the open project)."""
        self._forget_run(run_id)
        self.state.remove_run(run_id)

    def _forget_run(self, run_id: str) -> None:
        self.ci_cache = {k: v for k, v in self.ci_cache.items() if k[0] != run_id}
        self.item_cache = {k: v for k, v in self.item_cache.items() if k[0] != run_id}
        self.roc_cache.pop(run_id, None)

    def _forget(self) -> None:
        self.ci_cache.clear()
        self.item_cache.clear()
        self.roc_cache.clear()

    def _submit(self, slot: str, fn, *args, on_done, name: str, tag=None) -> None:
        self.slots[slot].start(fn, *args, name=name, tag=tag, on_done=on_done)

    def running(self) -> bool:
        return any(slot.busy for slot in self.slots.values())

    @Slot(str)
    def request_intervals(self, metric: str) -> None:
        missing = [r for r in self.state.runs if (r.id, metric) not in self.ci_cache]
        if not missing:
            self.intervals_ready.emit(metric, self._cis(metric))
            return

        def done(found: dict) -> None:
            self.ci_cache.update({(rid, metric): ci for rid, ci in found.items()})
            self.intervals_ready.emit(metric, self._cis(metric))
        self._submit("ci", intervals, missing, metric, on_done=done, name=self.tr("Bootstrap intervals"))

    def _cis(self, metric: str) -> dict:
        return {r.id: self.ci_cache[(r.id, metric)] for r in self.state.runs if (r.id, metric) in self.ci_cache}

    @Slot(str, str, str)
    def request_comparison(self, run_a: str, run_b: str, metric: str) -> None:
        a, b = self.state.run(run_a), self.state.run(run_b)
        if a is None or b is None:
            return
        self._submit("compare", comparison, a, b, metric, name=self.tr("Paired comparison"),
                     on_done=lambda res: self.compared.emit(*res))

    @Slot(str)
    def request_groups(self, metric: str) -> None:
        self._submit("groups", groups, list(self.state.runs), metric, name=self.tr("Customer groups"),
                     on_done=lambda frame: self.groups_ready.emit(metric, frame))

    @Slot(int)
    def request_item_groups(self, k: int) -> None:
        split = self.state.split
        if split is None:
            return
        missing = [r for r in self.state.runs if (r.id, k) not in self.item_cache]

        def done(found: dict) -> None:
            self.item_cache.update({(rid, k): t for rid, t in found.items()})
            self.item_groups_ready.emit(k, {r.id: self.item_cache[(r.id, k)] for r in self.state.runs
                                            if (r.id, k) in self.item_cache})
        if not missing:
            done({})
            return
        self._submit("items", item_groups, missing, split, k, on_done=done, name=self.tr("Item popularity groups"))

    @Slot(str)
    def request_roc(self, run_id: str) -> None:
        run, split = self.state.run(run_id), self.state.split
        if run is None or split is None:
            return
        if run_id in self.roc_cache:
            self.roc_ready.emit(run_id, self.roc_cache[run_id])
            return

        def done(result) -> None:
            self.roc_cache[run_id] = result
            self.roc_ready.emit(run_id, result)
        self._submit("roc", roc, run, split, on_done=done, name=self.tr("ROC curve"), tag=run_id)
