"""desktop.app: the global exception hook, the log file, resources, and `python -m desktop --screenshot`."""

import os
import subprocess
import sys
import threading
from pathlib import Path

import pandas as pd
import pytest
from PySide6.QtCore import QTimer
from PySide6.QtGui import QImage

from desktop import startup
from desktop.paths import resource_path
from desktop.qtmodels.frame_model import FrameModel

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.qt_no_exception_capture
def test_exception_hook_logs_shows_dialog_and_keeps_running(qtbot, window, tmp_path, monkeypatch):
    monkeypatch.setenv("RECSCOPE_LOG_DIR", str(tmp_path / "logs"))
    log_path = startup.setup_logging()
    shown = []
    monkeypatch.setattr(startup.QMessageBox, "critical",
                        lambda parent, title, text: shown.append((parent, title, text)))
    hook = startup.ExceptionHook(log_path)
    hook.window = window
    hook.install()
    try:
        def boom():
            raise ZeroDivisionError("slot went wrong")

        QTimer.singleShot(0, boom)  # an exception inside a Qt slot, on the GUI thread
        qtbot.waitUntil(lambda: len(shown) == 1, timeout=5000)
        worker = threading.Thread(target=lambda: 1 / 0, name="bad-worker")
        worker.start()
        worker.join()
        qtbot.waitUntil(lambda: len(shown) == 2, timeout=5000)
    finally:
        hook.uninstall()
    parent, title, text = shown[0]
    assert parent is window and "unexpected error" in title
    assert "ZeroDivisionError: slot went wrong" in text and str(log_path) in text
    assert "division by zero" in shown[1][2]
    logged = log_path.read_text(encoding="utf-8")
    assert "Traceback" in logged and "slot went wrong" in logged and "bad-worker" in logged
    alive = []
    QTimer.singleShot(0, lambda: alive.append(True))
    qtbot.waitUntil(lambda: alive == [True], timeout=2000)
    assert window.isVisible()


def test_frame_model_formats_cells():
    frame = pd.DataFrame({"id": ["0042", "7"], "price": [2.5, float("nan")],
                          "when": pd.to_datetime(["2011-01-02 00:00", "2011-01-03 10:30"], format="%Y-%m-%d %H:%M")})
    model = FrameModel(frame, row_labels=[2, 5])
    assert (model.rowCount(), model.columnCount()) == (2, 3)
    cell = lambda r, c: model.data(model.index(r, c))
    assert [cell(0, 0), cell(0, 1), cell(1, 1)] == ["0042", "2.5", ""]
    assert cell(0, 2) == "2011-01-02" and cell(1, 2) == "2011-01-03 10:30:00"
    from PySide6.QtCore import Qt
    assert model.headerData(1, Qt.Orientation.Horizontal) == "price"
    assert model.headerData(1, Qt.Orientation.Vertical) == "5"


def test_resources_exist():
    for parts in (("style.qss",), ("icons", "recscope.svg"), ("icons", "data.svg")):
        assert resource_path(*parts).is_file(), parts


def test_screenshot_command_loads_demo(tmp_path, demo_path):
    out = tmp_path / "shot.png"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", RECSCOPE_LOG_DIR=str(tmp_path / "logs"))
    proc = subprocess.run([sys.executable, "-m", "desktop", "--screenshot", str(out), "--size", "1366x768"],
                          cwd=REPO, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1366, 768)
    assert "dataset loaded" in proc.stderr


def test_without_a_display_the_app_says_so_and_exits(tmp_path):
    """`make run` on a machine without a display: one plain line and exit code 2 instead of an invisible
    app that waits forever; `make screenshot` writes under build/, never over a tracked file."""
    import os
    import re
    import subprocess
    import sys
    from pathlib import Path
    repo = Path(__file__).resolve().parents[2]
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env["RECSCOPE_LOG_DIR"] = str(tmp_path)
    out = subprocess.run([sys.executable, "-m", "desktop"], cwd=repo, env=env, capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 2 and "no display was found" in out.stderr and "make screenshot" in out.stderr
    makefile = (repo / "Makefile").read_text(encoding="utf-8")
    shot = re.search(r"^SCREENSHOT := (\S+)", makefile, re.M).group(1)
    assert "--screenshot $(SCREENSHOT)" in makefile and "docs/screenshots" not in makefile
    tracked = subprocess.run(["git", "ls-files", "--error-unmatch", shot], cwd=repo, capture_output=True)
    ignored = subprocess.run(["git", "check-ignore", "-q", shot], cwd=repo)
    assert tracked.returncode != 0 and ignored.returncode == 0
