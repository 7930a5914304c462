"""Fixtures for the Qt tests: a styled app, a MainWindow with throw-away settings, loaders."""

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from desktop.startup import create_app
from desktop.paths import DEMO_DATA, resource_path

SETTLE_MS = 60_000


@pytest.fixture(scope="session")
def qapp_cls():
    from PySide6.QtWidgets import QApplication
    return QApplication


@pytest.fixture
def window(qapp, qtbot, tmp_path, monkeypatch):
    monkeypatch.setenv("RECSCOPE_LOG_DIR", str(tmp_path / "logs"))
    create_app([])
    from desktop.i18n import install
    install("en")  # as the app does at start-up: English, en_US numbers whatever the test machine's LANG
    from desktop.mainwindow import MainWindow
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    win = MainWindow(settings)
    qtbot.addWidget(win)
    win.resize(1366, 768)
    win.show()
    yield win
    win.runner.cancel_all()
    win.runner.wait(10_000)


@pytest.fixture(scope="session")
def demo_path() -> Path:
    return resource_path(*DEMO_DATA)


@pytest.fixture
def load(qtbot):
    """load(win, path): open ``path`` in ``win`` and wait until the open/apply chain settled."""
    def run(win, path) -> None:
        with qtbot.waitSignal(win.data.settled, timeout=SETTLE_MS):
            win.open_path(str(path))
    return run


@pytest.fixture
def small_csv(tmp_path) -> Path:
    """A tiny real-looking purchase export: 6 customers, 5 products, timestamps, a title."""
    rows = ["CustomerID,StockCode,Quantity,InvoiceDate,Description"]
    data = [(1, "A1", 2, "2011-01-03 10:00", "MUG"), (1, "B2", 1, "2011-01-04 11:00", "CANDLE"),
            (2, "A1", 5, "2011-01-05 09:30", "MUG"), (3, "C3", 1, "2011-02-01 12:00", "BAG"),
            (3, "A1", 1, "2011-02-02 12:00", "MUG"), (4, "D4", 3, "2011-02-03 08:00", "LAMP"),
            (5, "E5", 1, "2011-03-01 10:00", "TRAY"), (6, "A1", 2, "2011-03-02 10:00", "MUG"),
            (6, "B2", 4, "2011-03-05 10:00", "CANDLE"), (2, "C3", 1, "2011-03-09 10:00", "BAG")]
    rows += [f"{u},{i},{q},{t},{d}" for u, i, q, t, d in data]
    path = tmp_path / "orders.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path
