"""GUI crash handling through the real entry point (``desktop.app.main``): an unexpected exception
in a Qt slot, in a worker task, and while the error dialog is already open. Each is logged with
its traceback, named in one dialog that gives the log path, and the app keeps running.

(tests/desktop/test_app.py checks the ExceptionHook class on its own; these run the app as a user
starts it, so they also prove ``main`` installs the hook.)
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication

from desktop import app as desktop_app
from desktop import startup


@pytest.fixture
def orders(tmp_path):
    p = tmp_path / "orders.csv"
    p.write_text("CustomerID,StockCode,Quantity\n" + "".join(f"{u},P{(u * 7 + i) % 9},{i + 1}\n"
                                                              for u in range(1, 30) for i in range(4)))
    return p


def run_app(qapp, tmp_path, monkeypatch, path, script) -> tuple[int, list, str]:
    """Run ``desktop.app.main([path])`` until ``script(window, shown, finish)`` calls ``finish()``.

    QMessageBox.critical is replaced by a recorder (``shown`` gets (parent, title, text)); returns
    (exit code, shown, log file text).
    """
    monkeypatch.setenv("RECSCOPE_LOG_DIR", str(tmp_path / "logs"))
    shown: list = []
    monkeypatch.setattr(startup.QMessageBox, "critical",
                        lambda parent, title, text: shown.append((parent, title, text)))
    window_box = {}

    def finish() -> None:
        window = window_box["window"]
        window.runner.cancel_all()
        window.runner.wait(10_000)
        window.close()
        QApplication.instance().quit()

    def start() -> None:
        windows = [w for w in QApplication.topLevelWidgets() if type(w).__name__ == "MainWindow" and w.isVisible()]
        window_box["window"] = windows[-1]
        script(windows[-1], shown, finish)

    QTimer.singleShot(300, start)
    QTimer.singleShot(240_000, lambda: QApplication.instance().quit())  # never hang the suite
    rc = desktop_app.main([str(path)])
    log = (tmp_path / "logs" / "recscope.log").read_text(encoding="utf-8")
    return rc, shown, log


def after(ms: int, fn) -> None:
    QTimer.singleShot(ms, fn)


@pytest.mark.qt_no_exception_capture
def test_slot_exception_shows_log_path_and_app_lives_on(qapp, tmp_path, monkeypatch, orders):
    state = {}

    def script(window, shown, finish):
        def boom():
            raise RuntimeError("slot exploded")

        after(0, boom)

        def check():
            state["alive"] = window.isVisible()
            state["dialogs"] = len(shown)
            after(0, lambda: (state.__setitem__("event_loop_ran", True), finish()))

        after(1500, check)

    rc, shown, log = run_app(qapp, tmp_path, monkeypatch, orders, script)
    assert rc == 0 and state == {"alive": True, "dialogs": 1, "event_loop_ran": True}
    parent, title, text = shown[0]
    assert type(parent).__name__ == "MainWindow" and "unexpected error" in title
    assert "RuntimeError: slot exploded" in text and str(tmp_path / "logs" / "recscope.log") in text
    assert "Traceback (most recent call last)" in log and "slot exploded" in log and "in boom" in log


@pytest.mark.qt_no_exception_capture
def test_worker_exception_is_a_message_not_a_crash(qapp, tmp_path, monkeypatch, orders):
    """A bug inside an engine call run through tasks.py: the task fails with a one-line message
    pointing to the log, the traceback is logged, no dialog interrupts, and later tasks still run."""
    state = {}

    def broken(progress=None, cancel=None):
        raise KeyError("column that is not there")

    def fine(progress=None, cancel=None):
        return 42

    def script(window, shown, finish):
        task = window.runner.submit(broken, name="Broken step")
        task.failed.connect(lambda msg: state.__setitem__("failed", msg))

        def second():
            t2 = window.runner.submit(fine, name="Next step")
            t2.done.connect(lambda v: (state.__setitem__("next", v), state.__setitem__("dialogs", len(shown)),
                                       finish()))

        task.finished.connect(lambda: after(0, second))

    rc, shown, log = run_app(qapp, tmp_path, monkeypatch, orders, script)
    assert rc == 0 and state["next"] == 42 and state["dialogs"] == 0
    assert state["failed"].startswith("Broken step failed unexpectedly: KeyError")
    assert "details in the log file" in state["failed"] and "\n" not in state["failed"]
    assert "task 'Broken step' failed" in log and "Traceback" in log and "column that is not there" in log


@pytest.mark.qt_no_exception_capture
def test_errors_while_the_dialog_is_open_are_logged_not_stacked(qapp, tmp_path, monkeypatch, orders):
    """A second exception while the first dialog's modal loop runs: logged, no second dialog."""
    state = {}

    def script(window, shown, finish):
        def first():
            raise ValueError("first failure")

        def second():
            raise ZeroDivisionError("second failure")

        def modal(parent, title, text):        # a modal dialog runs its own (C++) event loop
            shown.append((parent, title, text))
            after(0, second)
            loop = QEventLoop()
            after(800, loop.quit)
            loop.exec()

        monkeypatch.setattr(startup.QMessageBox, "critical", modal)
        after(0, first)
        after(2500, lambda: (state.__setitem__("dialogs", len(shown)),
                             state.__setitem__("alive", window.isVisible()), finish()))

    rc, shown, log = run_app(qapp, tmp_path, monkeypatch, orders, script)
    assert rc == 0 and state == {"dialogs": 1, "alive": True}
    assert "ValueError: first failure" in shown[0][2]
    assert "first failure" in log and "second failure" in log and log.count("Traceback") >= 2


@pytest.mark.qt_no_exception_capture
def test_unwritable_log_folder_does_not_stop_the_app(qapp, tmp_path, monkeypatch, orders):
    """A file where the log folder should be used to kill the app before its window appeared."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    monkeypatch.setenv("RECSCOPE_LOG_DIR", str(blocker / "logs"))
    monkeypatch.setattr(startup.tempfile, "gettempdir", lambda: str(tmp_path))
    path = startup.setup_logging()
    assert path == tmp_path / "recscope-logs" / "recscope.log"
    shown = []
    monkeypatch.setattr(startup.QMessageBox, "critical", lambda *a: shown.append(a))
    monkeypatch.setattr(startup, "log_dir", lambda: blocker / "logs")

    def start():
        window = [w for w in QApplication.topLevelWidgets() if type(w).__name__ == "MainWindow"][-1]
        after(0, lambda: (_ for _ in ()).throw(OSError("disk gone")))
        after(1000, lambda: (window.runner.wait(10_000), window.close(), QApplication.instance().quit()))

    QTimer.singleShot(300, start)
    assert desktop_app.main([str(orders)]) == 0
    assert len(shown) == 1 and str(path) in shown[0][2]
    assert "disk gone" in path.read_text(encoding="utf-8")
