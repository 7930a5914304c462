"""The main window and the Data pane on real files: load, preview, mapping, profile, errors, cancel."""

import threading

import pandas as pd
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent

from engine.progress import check
from desktop.controllers import data_controller

SETTLE_MS = 60_000


def test_opens_demo_data(qtbot, window, load, demo_path):
    load(window, demo_path)
    pane, state = window.data_pane, window.state
    assert state.dataset is not None and state.profile is not None
    assert not pane.error_label.isVisible()
    assert pane.preview_model.rowCount() > 0
    assert "CustomerID" in pane.preview_model.columns
    assert pane.combos["user"].currentText() == "CustomerID"
    assert pane.combos["item"].currentText() == "StockCode"
    assert pane.long_tail_plot.has_data() and pane.activity_plot.has_data()
    inter = state.dataset.interactions
    assert pane.cards["users"].value.text() == f"{inter.n_users:,}"
    assert pane.cards["items"].value.text() == f"{inter.n_items:,}"
    assert pane.cards["span"].value.text() == "Dec 2010 – Dec 2011"
    assert f"{inter.n_events:,} interactions" in window.dataset_status.text()
    assert window.recent_files()[0] == str(demo_path.resolve())
    assert not state.busy and pane.apply_button.isEnabled()


def test_remapping_and_bad_value_column(qtbot, window, load, small_csv):
    load(window, small_csv)
    pane, state = window.data_pane, window.state
    first = state.dataset
    assert first.interactions.n_users == 6 and first.interactions.n_items == 5
    assert pane.combos["value"].currentText() == "Quantity"
    # map a text column as the rating: validation fails inline, the dataset stays
    pane.combos["value"].setCurrentText("Description")
    pane.value_kind.setCurrentIndex(pane.value_kind.findData("rating"))
    with qtbot.waitSignal(window.data.settled, timeout=SETTLE_MS):
        pane.apply_button.click()
    assert pane.error_label.isVisible()
    assert "Description" in pane.error_label.text() and "not a number" in pane.error_label.text()
    assert state.dataset is first
    # a valid remapping (no value column) replaces the dataset and clears the error
    pane.combos["value"].setCurrentIndex(0)
    with qtbot.waitSignal(window.data.settled, timeout=SETTLE_MS):
        pane.apply_button.click()
    assert not pane.error_label.isVisible()
    assert state.dataset is not first and state.dataset.interactions.value_kind == "none"


def test_bad_file_keeps_previous_dataset(qtbot, window, load, small_csv, tmp_path):
    load(window, small_csv)
    pane, state = window.data_pane, window.state
    before, rows = state.dataset, pane.preview_model.rowCount()
    garbage = tmp_path / "garbage.xlsx"
    garbage.write_bytes(bytes(range(256)) * 40)
    load(window, garbage)
    assert pane.error_label.isVisible() and "garbage.xlsx" in pane.error_label.text()
    assert state.dataset is before
    assert pane.preview_model.rowCount() == rows
    assert pane.file_label.text() == "orders.csv"
    assert not state.busy


def test_cancel_button_stops_loading(qtbot, window, load, small_csv, monkeypatch):
    load(window, small_csv)
    pane, state = window.data_pane, window.state
    before = state.dataset
    started = threading.Event()

    def never_ends(table, mapping, *_filters_and_catalog, progress=None, cancel=None):
        started.set()
        while True:
            check(cancel)
            threading.Event().wait(0.002)

    monkeypatch.setattr(data_controller, "build_and_profile", never_ends)
    pane.apply_button.click()
    assert started.wait(10)
    qtbot.waitUntil(lambda: pane.cancel_button.isEnabled(), timeout=5000)
    assert not pane.apply_button.isEnabled()
    with qtbot.waitSignal(window.data.settled, timeout=SETTLE_MS):
        qtbot.mouseClick(pane.cancel_button, Qt.MouseButton.LeftButton)
    assert state.dataset is before and not state.busy
    assert window.statusBar().currentMessage() == "Cancelled."
    assert not pane.error_label.isVisible()


def test_excel_sheet_chooser(qtbot, window, load, tmp_path):
    path = tmp_path / "book.xlsx"
    with pd.ExcelWriter(path) as xw:
        pd.DataFrame({"user": [1, 2, 2], "item": [10, 11, 12]}).to_excel(xw, sheet_name="first", index=False)
        pd.DataFrame({"user": [1, 2, 3, 3], "movie": [7, 8, 9, 7], "rating": [5, 3, 4, 2]}).to_excel(
            xw, sheet_name="second", index=False)
    load(window, path)
    pane, state = window.data_pane, window.state
    assert pane.sheet_combo.isVisible()
    assert [pane.sheet_combo.itemText(i) for i in range(pane.sheet_combo.count())] == ["first", "second"]
    assert pane.sheet_combo.currentText() == state.table.sheet
    expect = {"first": ("item", 2), "second": ("movie", 3)}  # item column, users
    for sheet in [s for s in expect if s != state.table.sheet] + [state.table.sheet]:
        with qtbot.waitSignal(window.data.settled, timeout=SETTLE_MS):
            pane.sheet_requested.emit(sheet)
        assert state.table.sheet == sheet and pane.sheet_combo.currentText() == sheet
        assert pane.combos["item"].currentText() == expect[sheet][0]
        assert state.dataset.interactions.n_users == expect[sheet][1]


def test_drop_a_file_on_the_window(qtbot, window, load, small_csv):
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(small_csv))])
    event = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, mime,
                       Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    with qtbot.waitSignal(window.data.settled, timeout=SETTLE_MS):
        window.dropEvent(event)
    assert window.state.dataset is not None
    assert window.data_pane.file_label.text() == "orders.csv"
    assert [a.text() for a in window.recent_menu.actions()][0] == "orders.csv"
