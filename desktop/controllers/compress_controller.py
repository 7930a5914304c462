"""CompressController: looks up the compression methods of a run's model, runs a compression sweep
and keeps one compressed version as a new run — each in a worker (``engine.compress``).

The sweep's reports (``CompressReport.to_dict``) and Pareto points go into the parent run's
``info["compression_sweep"]``, so the Compress pane shows them again when the run is chosen again;
when the open project already holds the run, the run is stored again so the file keeps them. ``engine.compress`` imports torch: it is imported inside the
worker bodies, never on the GUI thread.
"""

from __future__ import annotations

from datetime import datetime, timezone

from PySide6.QtCore import QObject, Signal, Slot

from engine.evaluate.summary import split_key
from engine.runs import RUN_KS
from desktop.state import AppState
from desktop.tasks import TaskRunner, TaskSlot
from desktop.translate import translate

#: The cut-offs every run is measured at (the pane offers them).
KS = RUN_KS

#: Key of the sweep in ``Run.info``.
SWEEP_KEY = "compression_sweep"


def method_label(spec: str) -> str:
    """The words for a compression method spec: 'prune:0.8' -> 'pruned 80 %', 'lowrank:4' -> 'low rank 4',
    'topk:400+int8' -> 'top 400 links + int8', 'distill:dim=16,layers=1' -> 'student, 16 dimensions';
    the spec itself when it is none of these."""
    if spec == "original":
        return translate("CompressPane", "original")
    head, _, rest = spec.partition(":")
    value, plus, extra = rest.partition("+")
    try:
        if head == "prune":
            text = translate("CompressPane", "pruned {share} %").format(share=f"{float(value) * 100:g}")
        elif head == "lowrank":
            text = translate("CompressPane", "low rank {rank}").format(rank=int(value))
        elif head == "topk":
            text = translate("CompressPane", "top {k} links").format(k=int(value))
        elif head == "distill":
            dim = dict(part.split("=", 1) for part in value.split(",") if "=" in part).get("dim", "?")
            text = translate("CompressPane", "student, {dim} dimensions").format(dim=dim)
        else:
            return spec
    except ValueError:
        return spec
    return f"{text} + {extra}" if plus else text


def compression_options(model, *, progress=None, cancel=None) -> dict:
    """Worker body: {"kinds": method kinds that apply, "methods": the default sweep (spec strings),
    "specs": their parsed ``MethodSpec``s}; empty lists for a model that cannot be compressed."""
    from engine.compress import kinds_for, methods_for, parse_method
    methods = methods_for(model)
    return {"kinds": list(kinds_for(model)), "methods": methods, "specs": [parse_method(m) for m in methods]}


def sweep_run(model, methods: list[str], split, *, progress=None, cancel=None) -> dict:
    """Worker body: compress ``model`` by each of ``methods`` (trained on ``split.train``, measured on
    ``split.test`` at ``RUN_KS``) -> {"methods", "ks", "reports" (dicts), "pareto" ({"K": points of
    NDCG@K}), "split_key", "created"}: plain JSON, as stored with the run."""
    from engine.compress import pareto_points, sweep
    reports = sweep(model, list(methods), train=split.train, test=split.test, ks=RUN_KS, valid=split.valid,
                    progress=progress, cancel=cancel)
    return {"methods": list(methods), "ks": list(RUN_KS), "reports": [r.to_dict() for r in reports],
            "pareto": {str(k): pareto_points(reports, f"ndcg@{k}") for k in RUN_KS},
            "split_key": split_key(split), "created": datetime.now(timezone.utc).isoformat(timespec="seconds")}


def keep_run(parent, method: str, split, name: str, *, progress=None, cancel=None):
    """Worker body: compress ``parent.model`` by ``method`` and evaluate it on ``split.test`` at
    ``RUN_KS``; -> a ``Run`` of kind "compressed" whose parent is ``parent``."""
    from engine.compress import compress, compressed_run
    result = compress(parent.model, method, train=split.train, test=split.test, ks=RUN_KS, valid=split.valid,
                      progress=progress, cancel=cancel)
    run = compressed_run(parent, result, name)
    run.info["split_key"] = split_key(split)
    return run


def store_run(project, run, *, progress=None, cancel=None) -> bool:
    """Worker body: store ``run`` again in ``project`` (its info changed) when the project already
    holds it; False when it does not (the project's own save will write it)."""
    if run.id not in project.run_ids():
        return False
    project.add_run(run)
    return True


class CompressController(QObject):
    """``slot`` runs the sweep or the keep (a new request cancels the running one); ``lookup`` finds
    the methods of the run the pane shows."""

    options_ready = Signal(str, object)   # run id, compression_options() dict
    swept = Signal(str, object)           # run id, sweep dict (also in run.info[SWEEP_KEY])
    stored = Signal(str)                  # run id whose sweep the open project now holds
    kept = Signal(object)                 # the new compressed Run (already in AppState)
    message = Signal(str)                 # status text

    def __init__(self, state: AppState, runner: TaskRunner, parent: QObject | None = None):
        super().__init__(parent)
        self.state, self.runner = state, runner
        self.options: dict[str, dict] = {}    # run id -> compression_options()
        self.slot = TaskSlot(runner, self, announce=True)
        self.lookup = TaskSlot(runner, self)
        self.lookup.done.connect(self._options_done)
        self.lookup.failed.connect(lambda text, _rid: self.slot.fail(text))
        state.dataset_changed.connect(lambda _d: self.options.clear())

    @property
    def running(self) -> bool:
        return self.slot.busy

    # ---- method look-up -------------------------------------------------------------------------
    @Slot(str)
    def request_options(self, run_id: str) -> None:
        """Emit ``options_ready`` for ``run_id`` (from the cache, else after a worker look-up)."""
        run = self.state.run(run_id)
        if run is None:
            return
        if run_id in self.options:
            self.options_ready.emit(run_id, self.options[run_id])
            return
        if self.lookup.busy and self.lookup.tag == run_id:
            return
        self.lookup.start(compression_options, run.model, name=self.tr("Compression methods of {name}").format(name=run.name), tag=run_id)

    def _options_done(self, options: dict, run_id: str) -> None:
        self.options[run_id] = options
        self.options_ready.emit(run_id, options)

    # ---- sweep and keep -------------------------------------------------------------------------
    def _usable(self, run_id: str):
        run = self.state.run(run_id)
        split = self.state.split
        if run is None:
            self.slot.fail(self.tr("Choose a trained model first (train one in the Train pane)."))
            return None
        if split is None:
            self.slot.fail(self.tr("Apply a split in the Data pane first: compressed models are measured on its test part."))
            return None
        trained_on = run.info.get("split_key")
        if trained_on and trained_on != split_key(split):
            self.slot.fail(self.tr("{name} was trained on another split ({trained_on}); train it again on the current "
                                   "split, or choose a run trained on it.").format(name=run.name, trained_on=trained_on))
            return None
        return run

    @Slot(str, list)
    def sweep(self, run_id: str, methods: list) -> None:
        """Compress run ``run_id``'s model by each of ``methods`` (spec strings) and measure them."""
        run = self._usable(run_id)
        if run is None:
            return
        if not methods:
            self.slot.fail(self.tr("Tick at least one method."))
            return
        self.slot.start(sweep_run, run.model, list(methods), self.state.split, name=self.tr("Compressing {name}").format(name=run.name),
                        on_done=lambda result, rid=run_id: self._swept(rid, result))

    def _swept(self, run_id: str, result: dict) -> None:
        run = self.state.run(run_id)
        if run is None:
            return
        run.info[SWEEP_KEY] = result
        best = max(result["reports"], key=lambda r: r["size_ratio"])
        self.message.emit(self.tr("{name}: {v1} compressed versions measured; up to {size_ratio:.1f}× smaller.").format(name=run.name, v1=len(result['reports']), size_ratio=best['size_ratio']))
        self.swept.emit(run_id, result)
        project = self.state.project
        if project is not None:
            task = self.runner.submit(store_run, project, run, name=self.tr("Saving the sweep of {name}").format(name=run.name))
            task.done.connect(lambda held, rid=run_id: self.stored.emit(rid) if held else None)
            task.failed.connect(lambda msg: self.slot.fail(self.tr("The sweep is shown but the project file could not keep it: {msg}").format(msg=msg)))

    @Slot(str, str)
    def keep(self, run_id: str, method: str) -> None:
        """Compress run ``run_id`` by ``method`` and add the result to AppState as a new run."""
        run = self._usable(run_id)
        if run is None:
            return
        self.slot.start(keep_run, run, method, self.state.split, self.run_name(run, method),
                        name=self.tr("Keeping {name} · {method}").format(name=run.name, method=method_label(method)), on_done=self._kept)

    def run_name(self, parent, method: str) -> str:
        """"EASE · top 100 links", then "EASE · top 100 links #2", …"""
        title = f"{parent.name} · {method_label(method)}"
        taken = {r.name for r in self.state.runs}
        n, name = 1, title
        while name in taken:
            n += 1
            name = f"{title} #{n}"
        return name

    def _kept(self, run) -> None:
        self.state.add_run(run)
        self.state.select(run_id=run.id)
        self.message.emit(self.tr("Kept {name} as a new run: it is listed in the Leaderboard, Inspector and Explain.").format(name=run.name))
        self.kept.emit(run)

    @Slot()
    def cancel(self) -> None:
        self.slot.cancel()
