"""ProjectMenu: the File menu's project entries, their dialogs (paths, unsaved work, errors) and the
status-bar progress of an open / save. ProjectController does the work."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog, QMainWindow, QMenu, QMessageBox

from desktop import report
from desktop.controllers.project_controller import SUFFIX, ProjectController
from desktop.translate import translate
from desktop.widgets.progress import ProgressStrip



def project_filter() -> str:
    """The file dialogs' filter for project files, in the interface language."""
    return translate("ProjectMenu", "RecScope projects (*{suffix})").format(suffix=SUFFIX)


class ProjectMenu(QObject):
    """Menu actions (``actions[key]``: new, open, save, save_as, export, export_shared, share, reopen), the
    recent-projects menu and the questions asked before work is lost."""

    def __init__(self, controller: ProjectController, window: QMainWindow):
        super().__init__(window)
        self.controller, self.window = controller, window
        self.actions: dict[str, QAction] = {}
        self.recent_menu = QMenu(self.tr("Recent &projects"), window)
        self.status = ProgressStrip(compact=True)
        self.status.cancel_requested.connect(controller.cancel)
        controller.slot.running_changed.connect(self.status.setVisible)
        controller.slot.progress.connect(self.status.show_progress)
        controller.error.connect(self._show_error)
        controller.recent_changed.connect(self._fill_recent)
        controller.title_changed.connect(self._set_title)
        controller.update_title()

    def add_actions(self, menu: QMenu, before: QAction | None = None) -> None:
        """Insert the project entries into the File menu (above ``before``)."""
        def act(key: str, text: str, slot, shortcut=None) -> QAction:
            a = QAction(text, self.window)
            if shortcut:
                a.setShortcut(QKeySequence(shortcut))
            if slot is not None:
                a.triggered.connect(lambda _checked=False: slot())
            menu.insertAction(before, a)
            self.actions[key] = a
            return a
        act("new", self.tr("&New project…"), self.new_project, "Ctrl+N")
        act("open", self.tr("&Open project…"), self.browse_open, "Ctrl+O")
        menu.insertMenu(before, self.recent_menu)
        act("save", self.tr("&Save project"), self.save, "Ctrl+S")
        act("save_as", self.tr("Save project &as…"), self.save_as, "Ctrl+Shift+S")
        act("export", self.tr("&Export report…"), self.export_report, "Ctrl+E")
        shared = act("export_shared", self.tr("Export a pseudonymised report…"),
                     lambda: self.export_report(pseudonymise=True))
        shared.setToolTip(self.tr("The report with the customers it shows replaced by keyed pseudonyms and without "
                                  "the project's or the data file's name: for people outside"))
        share = act("share", self.tr("Save a s&hare copy…"), self.save_share_copy)
        share.setToolTip(self.tr("A copy of the project for people outside: customer ids replaced by keyed "
                                 "pseudonyms (the key stays on this computer), no paths of the client's files, "
                                 "notes left out"))
        reopen = act("reopen", self.tr("Reopen last project at start"), None)
        reopen.setCheckable(True)
        reopen.setChecked(self.controller.reopen_last())
        reopen.toggled.connect(self.controller.set_reopen)
        menu.insertSeparator(before)
        self._fill_recent()

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        recent = self.controller.recent_projects()
        for path in recent:
            a = self.recent_menu.addAction(Path(path).name)
            a.setToolTip(path)
            a.setStatusTip(path)
            a.triggered.connect(lambda _=False, p=path: self.open(p))
        self.recent_menu.setEnabled(bool(recent))

    # ---- commands ------------------------------------------------------------------------------
    @Slot()
    def new_project(self) -> None:
        """A new project file holding the open data set and split; the runs start afresh."""
        if not self.confirm_discard(self.new_project):
            return
        path = self._ask_save_path(self.tr("New project"))
        if path is not None:
            self.controller.new_project(path)

    @Slot()
    def browse_open(self) -> None:
        recent = self.controller.recent_projects()
        start = str(Path(recent[0]).parent) if recent else ""
        path, _ = QFileDialog.getOpenFileName(self.window, self.tr("Open project"), start, self.tr("{projects};;All files (*)").format(projects=project_filter()))
        if path:
            self.open(path)

    def open(self, path: str) -> None:
        if self.confirm_discard(lambda: self.open(path)):
            self.controller.open(str(path))

    @Slot()
    def save(self, then=None) -> None:
        """Save into the open project; Save As when none is open."""
        if not self.controller.save(then):
            self.save_as(then)

    @Slot()
    def save_as(self, then=None) -> None:
        path = self._ask_save_path(self.tr("Save project as"))
        if path is not None:
            self.controller.save_as(path, then)

    @Slot()
    def export_report(self, pseudonymise: bool = False) -> None:
        project = self.controller.project
        start = str(project.path.with_suffix(".html")) if project else "recscope-report.html"
        path, _ = QFileDialog.getSaveFileName(self.window, self.tr("Export report"), start, self.tr("HTML files (*.html)"))
        if path:
            nav = self.window.nav
            panes = [nav.item(i).text() for i in range(nav.count())]
            plots = report.collect_plots(self.window.stack, panes)
            highlights = report.collect_highlights(self.window.stack, panes)
            self.controller.write_report(Path(path) if Path(path).suffix else Path(path + ".html"), plots, highlights,
                                         pseudonymise)

    @Slot()
    def save_share_copy(self) -> None:
        path = self._ask_save_path("Save a share copy")
        if path is not None:
            self.controller.save_share_copy(path)

    # ---- questions -------------------------------------------------------------------------------
    def confirm_close(self) -> bool:
        """True when the window may close now; asks about unsaved work (Save starts a save and
        closes the window when it is done)."""
        if self.controller.busy:
            self.controller.message.emit(self.tr("Wait for the project task to finish, or cancel it."))
            return False
        return self.confirm_discard(self.window.close, "close")

    def confirm_discard(self, then, verb: str | None = None) -> bool:
        """True to go ahead; False after Cancel, or after Save (which calls ``then`` once saved).
        ``verb``: what the user is about to do, translated ("open orders.csv"); "close" for quitting."""
        what = self.controller.unsaved_text()
        if not what:
            return True
        if verb == "close":
            question = self.tr("{what}. Save before you close?").format(what=what)
        elif verb:
            question = self.tr("{what}. Save before you {verb}?").format(what=what, verb=verb)
        else:
            question = self.tr("{what}. Save before you continue?").format(what=what)
        answer = QMessageBox.question(
            self.window, self.tr("Unsaved work"), question,
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Save)
        if answer == QMessageBox.StandardButton.Save:
            self.save(then)
            return False
        return answer != QMessageBox.StandardButton.Cancel

    def _ask_save_path(self, caption: str) -> str | None:
        path, _ = QFileDialog.getSaveFileName(self.window, caption, self.controller.default_path(), project_filter())
        return path or None

    @Slot(str)
    def _show_error(self, message: str) -> None:
        QMessageBox.warning(self.window, "RecScope", message)

    @Slot(str, bool)
    def _set_title(self, title: str, modified: bool) -> None:
        self.window.setWindowTitle(title)
        self.window.setWindowModified(modified)
