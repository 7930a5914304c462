"""ProjectController: the File menu's project actions — new, open, save, save as, export report,
recent projects — and autosave of finished runs into the open project.

While a project is open and holds the data set the app shows ("in sync"), every change is written
at once: a new split, each finished run (in a worker), deletions and renames. Loading other data
breaks the sync until the user saves (which replaces the project's data and runs). Without a
project, runs live only in memory: the status bar says so once, and closing asks.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QObject, QSettings, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (QFileDialog, QHBoxLayout, QMainWindow, QMenu, QMessageBox, QProgressBar,
                               QPushButton, QWidget)

from engine.data.profile import profile as profile_interactions
from engine.progress import scaled
from engine.runs import metric_table
from engine.store import SUFFIX, Project, save_new, with_suffix
from desktop import report
from desktop.state import AppState
from desktop.tasks import Task, TaskRunner

log = logging.getLogger("recscope.desktop")

MAX_RECENT = 8
FILTER = f"RecScope projects (*{SUFFIX})"
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


def autosave_run(project: Project, run, *, progress=None, cancel=None) -> str:
    project.add_run(run)
    return run.id


def autosave_split(project: Project, split, *, progress=None, cancel=None) -> None:
    project.save_split(split)


class ProjectStatus(QWidget):
    """Status-bar progress bar + Cancel button, visible while a project task runs."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.bar = QProgressBar()
        self.bar.setFixedWidth(160)
        self.bar.setRange(0, 1000)
        self.cancel_button = QPushButton("Cancel")
        lay.addWidget(self.bar)
        lay.addWidget(self.cancel_button)
        self.hide()

    def show_progress(self, p) -> None:
        if p.fraction is None:
            self.bar.setRange(0, 0)
        else:
            self.bar.setRange(0, 1000)
            self.bar.setValue(int(p.fraction * 1000))
        self.bar.setToolTip(p.message)


class ProjectController(QObject):
    progress = Signal(object)     # Progress of the running open/save
    message = Signal(str)         # status-bar text
    error = Signal(str)           # one-line message of a failed open/save/autosave
    settled = Signal()            # an open / save / save-as ended (done, failed or cancelled)
    autosaved = Signal(str)       # id of a run written by autosave
    dirty_changed = Signal(bool)

    def __init__(self, state: AppState, runner: TaskRunner, window: QMainWindow, settings: QSettings):
        super().__init__(window)
        self.state, self.runner, self.window, self.settings = state, runner, window, settings
        self.in_sync = False          # the open project holds the data set the app shows
        self._dirty = False
        self._restoring = False
        self._task: Task | None = None
        self._pending: dict[str, Task] = {}    # run id -> autosave task
        self._saved: dict[str, str] = {}       # run id -> name, as stored in the project
        self._hinted = False
        self._after_save = None
        self.status = ProjectStatus()
        self.status.cancel_button.clicked.connect(self.cancel)
        self.progress.connect(self.status.show_progress)
        self.error.connect(self._show_error)
        state.dataset_changed.connect(self._on_dataset)
        state.split_changed.connect(self._on_split)
        state.run_added.connect(self._on_run_added)
        state.runs_changed.connect(self._on_runs_changed)
        self.actions: dict[str, QAction] = {}
        self._update_title()

    @property
    def project(self) -> Project | None:
        return self.state.project

    @property
    def busy(self) -> bool:
        return self._task is not None

    def has_unsaved(self) -> bool:
        """Work that is in no file: runs without a project, or an open project out of sync."""
        if self.project is None:
            return bool(self.state.runs)
        return self._dirty or not self.in_sync

    # ---- menu ---------------------------------------------------------------------------------
    def add_actions(self, menu: QMenu, before: QAction | None = None) -> None:
        """Insert the project entries into the File menu (above ``before``)."""
        def act(key: str, text: str, slot, shortcut=None) -> QAction:
            a = QAction(text, self.window)
            if shortcut:
                a.setShortcut(QKeySequence(shortcut))
            a.triggered.connect(slot)
            menu.insertAction(before, a)
            self.actions[key] = a
            return a
        act("new", "&New project…", self.new_project, "Ctrl+N")
        act("open", "&Open project…", self.browse_open, "Ctrl+O")
        self.recent_menu = QMenu("Recent &projects", self.window)
        menu.insertMenu(before, self.recent_menu)
        act("save", "&Save project", self.save, "Ctrl+S")
        act("save_as", "Save project &as…", self.save_as, "Ctrl+Shift+S")
        act("export", "&Export report…", self.export_report, "Ctrl+E")
        reopen = act("reopen", "Reopen last project at start", self._set_reopen)
        reopen.setCheckable(True)
        reopen.setChecked(self.reopen_last())
        menu.insertSeparator(before)
        self._fill_recent()

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
        self._fill_recent()

    def _fill_recent(self) -> None:
        if not hasattr(self, "recent_menu"):
            return
        self.recent_menu.clear()
        for path in self.recent_projects():
            a = self.recent_menu.addAction(Path(path).name)
            a.setToolTip(path)
            a.setStatusTip(path)
            a.triggered.connect(lambda _=False, p=path: self.open(p))
        self.recent_menu.setEnabled(bool(self.recent_projects()))

    def reopen_last(self) -> bool:
        return str(self.settings.value("project/reopen_last", "false")).lower() == "true"

    def _set_reopen(self, on: bool) -> None:
        self.settings.setValue("project/reopen_last", "true" if on else "false")

    def startup_project(self) -> str | None:
        """The last project's path when the user chose to reopen it at start and it still exists."""
        last = self.settings.value("project/last")
        return str(last) if self.reopen_last() and last and Path(str(last)).is_file() else None

    # ---- commands ------------------------------------------------------------------------------
    @Slot()
    def new_project(self) -> None:
        """A new project file holding the open data set and split; the runs start afresh."""
        if not self.confirm_discard(self.new_project):
            return
        path = self._ask_save_path("New project")
        if path is None:
            return
        update = {"dataset": self.state.dataset, "split": self.state.split, "runs": []}
        self._start(save_project, (str(path), None, update), f"Creating {path.name}", self._on_created)

    def _on_created(self, project: Project) -> None:
        self._restoring = True
        try:
            for run in list(self.state.runs):
                self.state.remove_run(run.id)
        finally:
            self._restoring = False
        self._on_saved(project)

    @Slot()
    def browse_open(self) -> None:
        recent = self.recent_projects()
        start = str(Path(recent[0]).parent) if recent else ""
        path, _ = QFileDialog.getOpenFileName(self.window, "Open project", start, f"{FILTER};;All files (*)")
        if path:
            self.open(path)

    def open(self, path: str) -> None:
        if not self.confirm_discard(lambda: self.open(path)):
            return
        self._start(open_project, (str(path),), f"Opening {Path(path).name}", self._on_opened)

    @Slot()
    def save(self) -> None:
        """Write everything not yet in the open project; Save As when none is open."""
        if self.project is None:
            self.save_as()
            return
        if not self.has_unsaved() and not self._pending:
            self.message.emit(f"{self.project.path.name}: everything is saved (runs are saved as they finish).")
            self.settled.emit()
            return
        update = {"runs": list(self.state.runs)}
        if not self.in_sync:
            update.update(dataset=self.state.dataset, split=self.state.split)
        self._start(write_project, (self.project, update), f"Saving {self.project.path.name}", self._on_saved)

    @Slot()
    def save_as(self) -> None:
        path = self._ask_save_path("Save project as")
        if path is None:
            self._after_save = None
            return
        if self.project is not None and path.resolve() == self.project.path.resolve():
            self.save()
            return
        update = {"runs": list(self.state.runs)}
        if self.project is None or not self.in_sync:
            update.update(dataset=self.state.dataset, split=self.state.split)
        self._start(save_project, (str(path), self.project, update), f"Saving {path.name}", self._on_saved)

    @Slot()
    def export_report(self) -> None:
        start = str(self.project.path.with_suffix(".html")) if self.project else "recscope-report.html"
        path, _ = QFileDialog.getSaveFileName(self.window, "Export report", start, "HTML files (*.html)")
        if path:
            self.write_report(Path(path) if Path(path).suffix else Path(path + ".html"))

    def write_report(self, path: Path) -> Path:
        """Write the HTML report of what the app shows now; returns ``path``."""
        names, values = metric_table(self.state.runs, REPORT_K)
        stack = self.window.stack
        panes = [self.window.nav.item(i).text() for i in range(self.window.nav.count())]
        title = self.project.name if self.project else (
            Path(str(self.state.dataset.source.get("path", ""))).stem if self.state.dataset else "RecScope")
        html = report.build_html(title=title, dataset=self.state.dataset, profile=self.state.profile,
                                 runs=self.state.runs, metric_names=names, metric_values=values, k=REPORT_K,
                                 plots=report.collect_plots(stack, panes))
        try:
            Path(path).write_text(html, encoding="utf-8")
        except OSError as e:
            self.error.emit(f"{path}: could not write the report ({e.strerror})")
            return path
        self.message.emit(f"Report written to {path}")
        return path

    @Slot()
    def cancel(self) -> None:
        if self._task is not None:
            self._task.cancel()

    # ---- closing ---------------------------------------------------------------------------------
    def confirm_close(self) -> bool:
        """True when the window may close now; asks about unsaved work (Save starts a save and
        closes the window when it is done)."""
        if self.busy:
            self.message.emit("Wait for the project task to finish, or cancel it.")
            return False
        return self.confirm_discard(self.window.close, "close")

    def shutdown(self) -> None:
        """Close the project file (after the runner's workers have finished)."""
        if self.project is not None:
            self.project.close()

    def confirm_discard(self, then, verb: str = "continue") -> bool:
        """True to go ahead; False after Cancel, or after Save (which calls ``then`` once saved).
        Asked before anything replaces the data the runs belong to: quitting, a new or another
        project, a data file, a catalog, a sheet, a new mapping."""
        answer = self._ask_unsaved(verb)
        if answer == QMessageBox.StandardButton.Save:
            self._after_save = then
            self.save()
            return False
        return answer != QMessageBox.StandardButton.Cancel

    def _ask_unsaved(self, verb: str):
        if not self.has_unsaved():
            return QMessageBox.StandardButton.Discard
        what = (f"{len(self.state.runs)} run(s) are not saved in a project" if self.project is None else
                f"{self.project.path.name} does not hold the data that is open now")
        return QMessageBox.question(
            self.window, "Unsaved work", f"{what}. Save before you {verb}?",
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Save)

    def _ask_save_path(self, caption: str) -> Path | None:
        start = str(self.project.path) if self.project else (
            str(Path(str(self.state.dataset.source.get("path", "project"))).with_suffix(SUFFIX))
            if self.state.dataset else "project" + SUFFIX)
        path, _ = QFileDialog.getSaveFileName(self.window, caption, start, FILTER)
        return with_suffix(path) if path else None

    # ---- tasks ---------------------------------------------------------------------------------
    def _start(self, fn, args: tuple, name: str, on_done) -> None:
        if self._task is not None:
            self.message.emit("A project task is already running.")
            return
        task = self.runner.submit(fn, *args, name=name)
        self._task = task
        self.status.show()
        self.message.emit(name + "…")
        task.progress.connect(self.progress)
        task.done.connect(lambda result: self._end(on_done, result))
        task.failed.connect(lambda msg: self._end(self._on_failed, msg))
        task.cancelled.connect(lambda: self._end(self._on_cancelled))

    def _end(self, handler, *args) -> None:
        self._task = None
        self.status.hide()
        try:
            handler(*args)
        finally:
            self.settled.emit()

    def _on_cancelled(self) -> None:
        self._after_save = None
        self.message.emit("Cancelled; no file was changed.")

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
        self.message.emit(f"Opened {project.path.name}: {len(contents.runs)} run(s).{note}")

    def _on_saved(self, project: Project) -> None:
        if project is not self.project:
            self._replace_project(project)
            self.state.set_project(project)
        self._saved = {r.id: r.name for r in self.state.runs}
        self.in_sync = True
        self._set_dirty(False)
        self._add_recent(project.path)
        self.message.emit(f"Saved {project.path.name}.")
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
            text = (f"{self.project.path.name} still holds its earlier data: Save (Ctrl+S) replaces it with "
                    "this data, or Save As (Ctrl+Shift+S) keeps both.")
            QTimer.singleShot(0, lambda: self.message.emit(text))  # after the loader's own "Loaded …"
        self._update_title()

    def _on_split(self, split) -> None:
        if self._restoring or split is None or self.project is None or not self.in_sync:
            return
        task = self.runner.submit(autosave_split, self.project, split, name="Saving the split")
        task.failed.connect(self._autosave_failed)

    def _on_run_added(self, run) -> None:
        if self._restoring:
            return
        if self.project is None or not self.in_sync:
            if self.project is None and not self._hinted:
                self._hinted = True
                self.message.emit("Runs are kept in memory only: File › Save project as… (Ctrl+Shift+S) "
                                  "keeps them, and saves every later run as it finishes.")
            self._update_title()
            return
        task = self.runner.submit(autosave_run, self.project, run, name=f"Saving run {run.name}")
        self._pending[run.id] = task
        project = self.project
        task.done.connect(lambda rid, p=project: self._run_saved(p, rid))
        task.failed.connect(self._autosave_failed)
        task.finished.connect(lambda rid=run.id, t=task: self._pending.pop(rid, None) if self._pending.get(rid) is t
                              else None)

    def _run_saved(self, project: Project, run_id: str) -> None:
        if project is not self.project:
            return
        run = self.state.run(run_id)
        if run is None:  # removed while it was being saved
            project.delete_run(run_id)
            return
        self._saved[run_id] = run.name
        self.autosaved.emit(run_id)
        self.message.emit(f"Run {run.name} saved in {project.path.name}.")

    def _on_runs_changed(self) -> None:
        if self._restoring or self.project is None or not self.in_sync:
            self._update_title()
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
        self.error.emit(f"Autosave failed: {message}. Use File › Save project as… to keep your work elsewhere.")

    # ---- title and errors ----------------------------------------------------------------------------
    def _set_dirty(self, dirty: bool) -> None:
        if dirty != self._dirty:
            self._dirty = dirty
            self.dirty_changed.emit(dirty)
        self._update_title()

    def _update_title(self) -> None:
        name = self.project.path.name if self.project is not None else "untitled"
        self.window.setWindowTitle(f"{name}[*] — RecScope")
        self.window.setWindowModified(self.has_unsaved())

    def _show_error(self, message: str) -> None:
        self.message.emit("Failed: " + message)
        QMessageBox.warning(self.window, "RecScope", message)
