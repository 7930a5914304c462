"""What every start of the app shares (the window, the self-test): the log file, the global
exception hook and the styled QApplication."""

from __future__ import annotations

import logging
import logging.handlers
import os
import sys
import tempfile
import threading
from pathlib import Path

from PySide6.QtCore import QObject, QStandardPaths, Qt, Signal, Slot
from PySide6.QtGui import QGuiApplication, QIcon
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from desktop.gui_gc import GuiThreadGC
from desktop.paths import resource_path
from desktop.plots.curves import configure as configure_plots

APP_NAME = "RecScope"
log = logging.getLogger("recscope.desktop")


def log_dir() -> Path:
    """$RECSCOPE_LOG_DIR, else <AppDataLocation>/logs (needs the app and org names set)."""
    env = os.environ.get("RECSCOPE_LOG_DIR")
    if env:
        return Path(env)
    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    return Path(base or Path.home() / ".recscope") / "logs"


def setup_logging() -> Path:
    """Send the ``recscope`` loggers to a rotating log file (1 MB × 3) and return its path.

    When the log folder cannot be written (read-only profile, a file in the way), the log goes to
    the temporary folder instead: the app must start, and its crash dialog must name a real file.
    """
    root = logging.getLogger("recscope")
    for handler in list(root.handlers):
        if getattr(handler, "_recscope", False):
            root.removeHandler(handler)
            handler.close()
    for folder in (log_dir(), Path(tempfile.gettempdir()) / "recscope-logs"):
        path = folder / "recscope.log"
        try:
            folder.mkdir(parents=True, exist_ok=True)
            handler = logging.handlers.RotatingFileHandler(path, maxBytes=1_000_000, backupCount=3,
                                                           encoding="utf-8")
            break
        except OSError:
            continue
    else:  # nowhere writable: stderr only
        handler, path = logging.StreamHandler(), Path(os.devnull)
    handler._recscope = True
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(threadName)s] %(message)s"))
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    return path


class ExceptionHook(QObject):
    """Logs any uncaught exception (GUI thread, Qt slots, other threads) with its traceback and
    shows a dialog naming the log file; the app keeps running.

    With ``dialogs=False`` (screenshot/CI runs) the summary goes to stderr instead.
    """

    _report = Signal(str)

    def __init__(self, log_path: Path, *, dialogs: bool = True, parent: QObject | None = None):
        super().__init__(parent)
        self.log_path = log_path
        self.dialogs = dialogs
        self.window: QWidget | None = None
        self._showing = False
        self._previous = None
        self._report.connect(self._show, Qt.ConnectionType.QueuedConnection)

    def install(self) -> None:
        self._previous = (sys.excepthook, threading.excepthook)
        sys.excepthook = self.handle
        threading.excepthook = self._handle_thread

    def uninstall(self) -> None:
        if self._previous is not None:
            sys.excepthook, threading.excepthook = self._previous
            self._previous = None

    def handle(self, etype, value, tb) -> None:
        if issubclass(etype, KeyboardInterrupt):
            sys.__excepthook__(etype, value, tb)
            return
        log.error("Unhandled exception", exc_info=(etype, value, tb))
        self._report.emit(f"{etype.__name__}: {value}")  # queued: shown from the GUI thread

    def _handle_thread(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_type is SystemExit:
            return
        self.handle(args.exc_type, args.exc_value, args.exc_traceback)

    @Slot(str)
    def _show(self, summary: str) -> None:
        text = (self.tr("An unexpected error occurred:\n\n{summary}\n\nThe details were written "
                        "to\n{log_path}\n\nRecScope keeps running; if something looks wrong, save your work and "
                        "restart it.").format(summary=summary, log_path=self.log_path))
        if not self.dialogs:
            print(f"RecScope: unexpected error: {summary} (log: {self.log_path})", file=sys.stderr)
            return
        if self._showing:  # one dialog at a time; the rest are in the log
            return
        self._showing = True
        try:
            QMessageBox.critical(self.window, self.tr("RecScope: unexpected error"), text)
        finally:
            self._showing = False


def restart_command() -> tuple[str, list[str]]:
    """(program, arguments) that start this app again as it was started (the frozen bundle, ``python -m
    desktop`` or ``recscope gui``), less ``--lang`` so that the language saved in the settings applies."""
    args = sys.argv[1:] if getattr(sys, "frozen", False) else list(getattr(sys, "orig_argv", sys.argv)[1:])
    out, skip = [], False
    for a in args:
        if skip:
            skip = False
        elif a == "--lang":
            skip = True
        elif not a.startswith("--lang="):
            out.append(a)
    return sys.executable, out


def load_style_sheet() -> str:
    path = resource_path("style.qss")
    return path.read_text(encoding="utf-8") if path.exists() else ""


def create_app(argv: list[str]) -> QApplication:
    """The QApplication (reused when one exists), named and styled."""
    app = QApplication.instance()
    if app is None:
        QGuiApplication.setHighDpiScaleFactorRoundingPolicy(
            Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
        app = QApplication(argv)
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(APP_NAME)
    app.setApplicationDisplayName(APP_NAME)
    app.setWindowIcon(QIcon(str(resource_path("icons", "recscope.svg"))))
    app.setStyleSheet(load_style_sheet())
    configure_plots()
    if getattr(app, "gui_thread_gc", None) is None:
        app.gui_thread_gc = GuiThreadGC(app)  # cyclic GC on the GUI thread only (see gui_gc)
    return app


_warm_thread: threading.Thread | None = None


def warm_engine() -> threading.Thread:
    """Start loading what the first training would otherwise load in its worker
    (``engine.models.warm.warm_up``: torch's optimizer machinery, the numba kernels; ~2 s of
    Python work holding the GIL) in a background thread; the app calls it when the window shows
    its data. A training started later no longer stalls the window (bench/bench_gui_latency.py).
    Only the first call starts the thread; every call returns it."""
    global _warm_thread
    if _warm_thread is not None:
        return _warm_thread
    from engine.models.warm import warm_up

    def run() -> None:
        try:
            log.info("engine warm-up: %s", {k: round(v, 2) for k, v in warm_up().items()})
        except Exception:  # noqa: BLE001 - a failed warm-up only means the first training loads it
            log.exception("engine warm-up failed")

    _warm_thread = threading.Thread(target=run, name="engine-warm-up", daemon=True)
    _warm_thread.start()
    return _warm_thread
