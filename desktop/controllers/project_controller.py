"""ProjectController: the project commands behind the File menu — new, open, save, save as, export
report, recent projects — and autosave of finished runs into the open project. The dialogs that ask
for paths and about unsaved work belong to the menu (``desktop.views.project_menu``).

While a project is open and holds the data set the app shows ("in sync"), every change is written
at once: a new split, each finished run (in a worker), deletions and renames. Loading other data
breaks the sync until the user saves (which replaces the project's data and runs). Without a
project, runs live only in memory: the status bar says so once, and closing asks.
"""

from __future__ import annotations

import dataclasses
import logging
from pathlib import Path

from PySide6.QtCore import QObject, QSettings, QTimer, Signal, Slot

from engine.data.profile import profile as profile_interactions
from engine.machine.files import hidden_output
from engine.progress import scaled
from engine.runs import metric_table
from engine.store import SUFFIX, Project, save_new, with_suffix
from engine.store.pseudonyms import Pseudonyms, replace_ids, scope_of
from desktop import report
from desktop.state import AppState
from desktop.tasks import Task, TaskRunner, TaskSlot

log = logging.getLogger("recscope.desktop")

MAX_RECENT = 8
REPORT_K = 10


# ---- worker bodies (engine calls only) -------------------------------------------------------------
def open_project(path: str, *, progress=None, cancel=None):
    """-> (Project, Contents, Profile or None); the project is closed again on failure or cancel."""
    project = Project.open(path)
    try:
        contents = project.load(progress=scaled(progress, 0.0, 0.9), cancel=cancel)
        prof = None if contents.dataset is None else profile_interactions(
            contents.dataset.interactions, progress=scaled(progress, 0.9, 1.0), cancel=cancel)
    except BaseException:
        project.close()
        raise
    return project, contents, prof


def save_project(path: str, current: Project | None, update: dict, *, progress=None, cancel=None) -> Project:
    """A project at ``path`` holding ``update`` (``Project.write`` arguments); copied from
    ``current`` (keeping its rule sets, reports and notes) when one is open."""
    if current is not None:
        return current.save_as(path, progress=progress, cancel=cancel, **update)
    return save_new(path, progress=progress, cancel=cancel, **update)


def write_project(project: Project, update: dict, *, progress=None, cancel=None) -> Project:
    project.write(progress=progress, cancel=cancel, **update)
    return project


def write_share_copy(project: Project, path: str, *, progress=None, cancel=None):
    """-> ShareReport: the pseudonymised copy of ``project`` for people outside (engine.store.share)."""
    from engine.store.share import share_copy
    return share_copy(project, path, progress=progress, cancel=cancel)


def autosave_run(project: Project, run, *, progress=None, cancel=None) -> str:
    project.add_run(run)
    return run.id


def autosave_split(project: Project, split, *, progress=None, cancel=None) -> None:
    project.save_split(split)


class ProjectController(QObject):
    """``slot`` runs one open / save at a time (a second is refused while one runs)."""

    message = Signal(str)         # status-bar text
    error = Signal(str)           # one-line message of a failed open/save/autosave
    settled = Signal()            # an open / save / save-as ended (done, failed or cancelled)
    autosaved = Signal(str)       # id of a run written by autosave
    dirty_changed = Signal(bool)
    title_changed = Signal(str, bool)   # window title ("shop.recscope[*] — RecScope"), unsaved work
    recent_changed = Signal()

    def __init__(self, state: AppState, runner: TaskRunner, settings: QSettings, parent: QObject | None = None):
        super().__init__(parent)
        self.state, self.runner, self.settings = state, runner, settings
        self.in_sync = False          # the open project holds the data set the app shows
        self._dirty = False
        self._restoring = False
        self.slot = TaskSlot(runner, self)
        self.slot.failed.connect(lambda text, _tag: self._on_failed(text))
        self.slot.cancelled.connect(lambda _tag: self._on_cancelled())
        for outcome in (self.slot.done, self.slot.failed, self.slot.cancelled):
            outcome.connect(lambda *_: self.settled.emit())     # after the outcome's handler
        self._pending: dict[str, Task] = {}    # run id -> autosave task
        self._saved: dict[str, str] = {}       # run id -> name, as stored in the project
        self._hinted = False
        self._after_save = None
        state.dataset_changed.connect(self._on_dataset)
        state.split_changed.connect(self._on_split)
        state.run_added.connect(self._on_run_added)
        state.runs_changed.connect(self._on_runs_changed)
        state.run_changed.connect(self._on_run_changed)
        self.error.connect(self._on_error)

    @property
    def project(self) -> Project | None:
        return self.state.project

    @property
    def busy(self) -> bool:
        return self.slot.busy

    def has_unsaved(self) -> bool:
        """Work that is in no file: runs without a project, or an open project out of sync."""
        if self.project is None:
            return bool(self.state.runs)
        return self._dirty or not self.in_sync

    # ---- settings: recent and last project ---------------------------------------------------------
    def recent_projects(self) -> list[str]:
        value = self.settings.value("recent_projects", [])
        if isinstance(value, str):
            value = [value]
        return [str(v) for v in (value or [])]

    def _add_recent(self, path: Path) -> None:
        p = str(Path(path).resolve())
        self.settings.setValue("recent_projects", ([p] + [r for r in self.recent_projects() if r != p])[:MAX_RECENT])
        self.settings.setValue("project/last", p)
        self.recent_changed.emit()

    def reopen_last(self) -> bool:
        return str(self.settings.value("project/reopen_last", "false")).lower() == "true"

    def set_reopen(self, on: bool) -> None:
        self.settings.setValue("project/reopen_last", "true" if on else "false")

    def startup_project(self) -> str | None:
        """The last project's path when the user chose to reopen it at start and it still exists."""
        last = self.settings.value("project/last")
        return str(last) if self.reopen_last() and last and Path(str(last)).is_file() else None

    # ---- commands ------------------------------------------------------------------------------
    def default_path(self) -> str:
        """Where a save dialog starts: the open project, else the data file with the project suffix."""
        if self.project is not None:
            return str(self.project.path)
        if self.state.dataset is not None:
            return str(Path(str(self.state.dataset.source.get("path", "project"))).with_suffix(SUFFIX))
        return "project" + SUFFIX

    def new_project(self, path: str) -> None:
        """A new project file at ``path`` holding the open data set and split; the runs start afresh."""
        path = with_suffix(path)
        update = {"dataset": self.state.dataset, "split": self.state.split, "runs": []}
        self._start(save_project, (str(path), None, update), self.tr("Creating {name}").format(name=path.name), self._on_created)

    def _on_created(self, project: Project) -> None:
        self._restoring = True
        try:
            for run in list(self.state.runs):
                self.state.remove_run(run.id)
        finally:
            self._restoring = False
        self._on_saved(project)

    def open(self, path: str) -> None:
        self._start(open_project, (str(path),), self.tr("Opening {name}").format(name=Path(path).name), self._on_opened)

    def save(self, then=None) -> bool:
        """Write everything not yet in the open project, then call ``then`` (after a save that
        succeeded); False when no project is open (the menu asks for a path: ``save_as``)."""
        if self.project is None:
            return False
        self._after_save = then
        if not self.has_unsaved() and not self._pending:
            self.message.emit(self.tr("{name}: everything is saved (runs are saved as they finish).").format(name=self.project.path.name))
            self._after_save = None
            self.settled.emit()
            if then is not None:
                QTimer.singleShot(0, then)
            return True
        update = {"runs": list(self.state.runs)}
        if not self.in_sync:
            update.update(dataset=self.state.dataset, split=self.state.split)
        self._start(write_project, (self.project, update), self.tr("Saving {name}").format(name=self.project.path.name), self._on_saved)
        return True

    def save_as(self, path: str, then=None) -> None:
        """Save everything into a project at ``path`` (the open one's rule sets and notes kept)."""
        path = with_suffix(path)
        if self.project is not None and path.resolve() == self.project.path.resolve():
            self.save(then)
            return
        self._after_save = then
        update = {"runs": list(self.state.runs)}
        if self.project is None or not self.in_sync:
            update.update(dataset=self.state.dataset, split=self.state.split)
        self._start(save_project, (str(path), self.project, update), self.tr("Saving {name}").format(name=path.name), self._on_saved)

    def report_title(self) -> str:
        if self.project is not None:
            return self.project.name
        return Path(str(self.state.dataset.source.get("path", ""))).stem if self.state.dataset else "RecScope"

    def _pseudonyms(self) -> Pseudonyms:
        """The open project's pseudonyms; without a project, those of the loaded customers."""
        if self.project is not None:
            return Pseudonyms.for_scope(self.project.pseudonym_scope())
        return Pseudonyms.for_scope(scope_of(self.state.dataset.interactions.user_ids))

    def save_share_copy(self, path: str) -> None:
        """Write the pseudonymised share copy of the open project to ``path`` (in a worker); the
        project must hold what the app shows (it is copied from the saved file)."""
        if self.project is None or not self.in_sync:
            self.message.emit(self.tr("Save the project first (File › Save project): a share copy is made from the "
                                      "saved file."))
            self.settled.emit()
            return
        path = with_suffix(path)
        self._start(write_share_copy, (self.project, str(path)), self.tr("Writing the share copy {name}").format(name=path.name),
                    self._on_shared)

    def _on_shared(self, rep) -> None:
        left = self.tr(" Left out: {what}.").format(what="; ".join(rep.left_out)) if rep.left_out else ""
        self.message.emit(self.tr("Share copy written to {path}: {customers:,} customers pseudonymised, {runs} "
                                  "run(s).{left}").format(path=rep.path, customers=rep.customers, runs=rep.runs,
                                                          left=left))

    def write_report(self, path: Path, plots: list, highlights: list = (), pseudonymise: bool = False) -> Path:
        """Write the HTML report of what the app shows now (``plots``: ``report.Plot``s of the panes;
        ``highlights``: (pane, HTML) from ``report.collect_highlights``); returns ``path``.
        ``pseudonymise``: the customers the panes show become keyed pseudonyms (the project's key),
        and neither the project's nor the data file's name appears."""
        names, values = metric_table(self.state.runs, REPORT_K)
        dataset, title = self.state.dataset, self.report_title()
        if pseudonymise:
            title = self.tr("RecScope report")
            if dataset is not None:
                dataset = dataclasses.replace(dataset, source={k: v for k, v in dataset.source.items()
                                                               if k not in ("path", "catalog_path")})
        html = report.build_html(title=title, dataset=dataset, profile=self.state.profile,
                                 runs=self.state.runs, metric_names=names, metric_values=values, k=REPORT_K,
                                 plots=plots, highlights=highlights)
        if pseudonymise and self.state.user is not None:
            html = replace_ids(html, [self.state.user], self._pseudonyms())
        try:  # appears only complete: a failed write keeps the previous report
            with hidden_output(path) as fh:
                fh.write(html.encode("utf-8", "replace"))
        except OSError as e:
            self.error.emit(self.tr("{path}: could not write the report ({strerror}); an earlier report there "
                                    "is kept").format(path=path, strerror=e.strerror))
            return path
        self.message.emit(self.tr("Report written to {path}").format(path=path))
        return path

    @Slot()
    def cancel(self) -> None:
        self.slot.cancel()

    # ---- closing ---------------------------------------------------------------------------------
    def shutdown(self) -> None:
        """Close the project file (after the runner's workers have finished)."""
        if self.project is not None:
            self.project.close()

    def unsaved_text(self) -> str:
        """What would be lost, in one line ("" when nothing)."""
        if not self.has_unsaved():
            return ""
        return (self.tr("{runs} run(s) are not saved in a project").format(runs=len(self.state.runs)) if self.project is None else
                self.tr("{name} does not hold the data that is open now").format(name=self.project.path.name))

    # ---- tasks ---------------------------------------------------------------------------------
    def _start(self, fn, args: tuple, name: str, on_done) -> None:
        if self.slot.busy:
            self.message.emit(self.tr("A project task is already running."))
            return
        self.message.emit(name + "…")
        self.slot.start(fn, *args, name=name, on_done=on_done)

    def _on_cancelled(self) -> None:
        self._after_save = None
        self.message.emit(self.tr("Cancelled; no file was changed."))

    def _on_failed(self, message: str) -> None:
        self._after_save = None
        self.error.emit(message)

    def _on_opened(self, result) -> None:
        project, contents, prof = result
        self._replace_project(project)
        self._restoring = True
        try:
            if contents.dataset is not None:
                self.state.set_dataset(contents.dataset, prof)
            if contents.split is not None:
                self.state.set_split(contents.split)
            for run in contents.runs:
                self.state.add_run(run)
            self.state.set_project(project)
        finally:
            self._restoring = False
        self._saved = {r.id: r.name for r in contents.runs}
        self.in_sync = contents.dataset is not None or self.state.dataset is None
        self._set_dirty(False)
        self._add_recent(project.path)
        for line in contents.warnings:
            log.warning("%s: %s", project.path, line)
        note = f" ({'; '.join(contents.warnings)})" if contents.warnings else ""
        self.message.emit(self.tr("Opened {name}: {runs} run(s).{note}").format(name=project.path.name, runs=len(contents.runs), note=note))

    def _on_saved(self, project: Project) -> None:
        if project is not self.project:
            self._replace_project(project)
            self.state.set_project(project)
        self._saved = {r.id: r.name for r in self.state.runs}
        self.in_sync = True
        self._set_dirty(False)
        self._add_recent(project.path)
        self.message.emit(self.tr("Saved {name}.").format(name=project.path.name))
        then, self._after_save = self._after_save, None
        if then is not None:
            QTimer.singleShot(0, then)

    def _replace_project(self, project: Project) -> None:
        """Close the previous project once its pending autosaves have finished."""
        old, pending = self.project, [t for t in self._pending.values() if t.running]
        self._pending = {}
        if old is None or old is project:
            return
        if not pending:
            old.close()
            return
        left = {t.id for t in pending}
        for t in pending:
            t.finished.connect(lambda t=t: (left.discard(t.id), None if left else old.close()))

    # ---- autosave ------------------------------------------------------------------------------
    def _on_dataset(self, _dataset) -> None:
        if self._restoring:
            return
        self._saved = {}
        if self.project is not None and self.in_sync:
            self.in_sync = False
            text = (self.tr("{name} still holds its earlier data: Save (Ctrl+S) replaces it with this data, or Save "
                            "As (Ctrl+Shift+S) keeps both.").format(name=self.project.path.name))
            QTimer.singleShot(0, lambda: self.message.emit(text))  # after the loader's own "Loaded …"
        self.update_title()

    def _on_split(self, split) -> None:
        if self._restoring or split is None or self.project is None or not self.in_sync:
            return
        task = self.runner.submit(autosave_split, self.project, split, name=self.tr("Saving the split"))
        task.failed.connect(self._autosave_failed)

    def _on_run_added(self, run) -> None:
        if self._restoring:
            return
        if self.project is None or not self.in_sync:
            if self.project is None and not self._hinted:
                self._hinted = True
                self.message.emit(self.tr("Runs are kept in memory only: File › Save project as… (Ctrl+Shift+S) keeps them, and "
                                          "saves every later run as it finishes."))
            self.update_title()
            return
        task = self.runner.submit(autosave_run, self.project, run, name=self.tr("Saving run {name}").format(name=run.name))
        self._pending[run.id] = task
        project = self.project
        task.done.connect(lambda rid, p=project: self._run_saved(p, rid))
        task.failed.connect(self._autosave_failed)
        task.finished.connect(lambda rid=run.id, t=task: self._pending.pop(rid, None) if self._pending.get(rid) is t
                              else None)

    def _on_run_changed(self, run) -> None:
        """A stored run whose info changed (its note) is stored again."""
        if self._restoring or self.project is None or not self.in_sync or run.id not in self._saved:
            return
        task = self.runner.submit(autosave_run, self.project, run, name=self.tr("Saving run {name}").format(name=run.name))
        project = self.project
        task.done.connect(lambda rid, p=project: self._run_saved(p, rid))
        task.failed.connect(self._autosave_failed)

    def _run_saved(self, project: Project, run_id: str) -> None:
        if project is not self.project:
            return
        run = self.state.run(run_id)
        if run is None:  # removed while it was being saved
            project.delete_run(run_id)
            return
        self._saved[run_id] = run.name
        self.autosaved.emit(run_id)
        self.message.emit(self.tr("Run {name} saved in {name2}.").format(name=run.name, name2=project.path.name))

    def _on_runs_changed(self) -> None:
        if self._restoring or self.project is None or not self.in_sync:
            self.update_title()
            return
        current = {r.id: r.name for r in self.state.runs}
        try:
            for rid in [r for r in self._saved if r not in current]:
                self.project.delete_run(rid)
                del self._saved[rid]
            for rid, name in current.items():
                if rid in self._saved and self._saved[rid] != name:
                    self.project.rename_run(rid, name)
                    self._saved[rid] = name
        except Exception as e:  # noqa: BLE001 - a failed autosave must not lose the session
            self._autosave_failed(str(e))

    def _autosave_failed(self, message: str) -> None:
        log.warning("autosave failed: %s", message)
        self._set_dirty(True)
        self.error.emit(self.tr("Autosave failed: {message}. Use File › Save project as… to keep your work elsewhere.").format(message=message))

    # ---- title and errors ----------------------------------------------------------------------------
    def _set_dirty(self, dirty: bool) -> None:
        if dirty != self._dirty:
            self._dirty = dirty
            self.dirty_changed.emit(dirty)
        self.update_title()

    def update_title(self) -> None:
        name = self.project.path.name if self.project is not None else "untitled"
        self.title_changed.emit(self.tr("{name}[*] — RecScope").format(name=name), self.has_unsaved())

    def _on_error(self, message: str) -> None:
        self.message.emit(self.tr("Failed: ") + message)
