"""The Data pane on a client's German export: evidence under each proposed role, the filter
preview, the catalog slot with its join report, and the unsaved-work prompt before new data."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

import import_corpus as ic
from engine.data import LoadFilters, infer_mapping, preview_filters
from engine.data.splits import split
from engine.runs import train_run

SETTLE_MS = 60_000


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    return ic.demo_files(tmp_path_factory.mktemp("gui-import"), n_invoices=70, seed=13)


def _preview(qtbot, window):
    with qtbot.waitSignal(window.data.preview_ready, timeout=SETTLE_MS) as blocker:
        window.data_pane._request_preview()
    return blocker.args[0]


def test_mapping_form_shows_the_evidence(qtbot, window, load, files):
    load(window, files["de"])
    pane = window.data_pane
    assert pane.combos["user"].currentText() == "Kundennr"
    assert pane.combos["basket"].currentText() == "Rechnungsnr"
    assert pane.date_order.currentData() == "DMY"
    user_why = pane.evidence["user"]
    assert user_why.isVisible() and "each Rechnungsnr belongs to one of them" in user_why.text()
    assert "negative values (returns)" in pane.evidence["value"].text()
    assert "day-first dates" in pane.evidence["timestamp"].text()
    assert "Why this column" in pane.combos["user"].toolTip()
    assert window.state.dataset.interactions.n_users == ic.expected(files["sample"])["users"]


def test_filter_preview_counts_and_apply(qtbot, window, load, files):
    load(window, files["de"])
    pane, state = window.data_pane, window.state
    pv = _preview(qtbot, window)
    codes = [pane.candidates.item(i).data(Qt.ItemDataRole.UserRole) for i in range(pane.candidates.count())]
    assert "POST" in codes and "porto" in pane.candidates.item(codes.index("POST")).toolTip()
    table = state.table
    engine_pv = preview_filters(table, infer_mapping(table.frame), LoadFilters())
    assert pv.removed == engine_pv.removed and pv.rows_left == engine_pv.rows_left
    # tick POST, net the returns, ask for 2 events per customer: the preview counts each
    pane.candidates.item(codes.index("POST")).setCheckState(Qt.CheckState.Checked)
    pane.returns.setCurrentIndex(pane.returns.findData("net"))
    pane.min_user.setValue(2)
    pv = _preview(qtbot, window)
    want = preview_filters(table, infer_mapping(table.frame), LoadFilters(exclude_items=["POST"], returns="net",
                                                                          min_user_events=2), propose=False)
    assert pv.removed == want.removed
    shown = {pane.preview_table.item(r, 0).text(): pane.preview_table.item(r, 1).text()
             for r in range(pane.preview_table.rowCount())}
    assert shown["non-product codes"] == f"{want.removed['non-product codes']:,}"
    assert "would load" in pane.preview_summary.text()
    with qtbot.waitSignal(window.data.settled, timeout=SETTLE_MS):
        pane.apply_button.click()
    ds = state.dataset
    assert ds.source["filters"]["exclude_items"] == ["POST"] and ds.source["filters"]["returns"] == "net"
    assert ds.report.rows_used <= want.rows_left


def test_catalog_slot_joins_and_reports(qtbot, window, load, files):
    load(window, files["de"])
    pane, state = window.data_pane, window.state
    assert not pane.catalog_form.isVisible()
    with qtbot.waitSignal(window.data.settled, timeout=SETTLE_MS):
        window.open_path(str(files["book"]))     # a catalog opened while data is loaded joins it
    assert state.table.path.endswith("export_de.csv")   # the interactions stay
    assert pane.catalog_form.isVisible() and pane.catalog_combos["item"].currentText() == "Artikelnr"
    assert "Produktstamm.xlsx" in pane.catalog_label.text() and "Artikel" in pane.catalog_label.text()
    join = state.dataset.source["catalog_join"]
    exp = files["join"]
    assert (join["matched"], join["missing"], join["cold"]) == (exp["matched"], exp["missing"], exp["cold"])
    assert f"{exp['cold']:,}</b> catalog items were never bought" in pane.join_label.text()
    # map the catalog's title to the group column: joined again with the new role
    pane.catalog_combos["title"].setCurrentText("Warengruppe")
    with qtbot.waitSignal(window.data.settled, timeout=SETTLE_MS):
        pane.catalog_apply.click()
    assert state.dataset.catalog.roles["title"] == "Warengruppe"
    with qtbot.waitSignal(window.data.settled, timeout=SETTLE_MS):
        pane.catalog_remove.click()
    assert "catalog_join" not in state.dataset.source and not pane.catalog_form.isVisible()


def test_opening_data_asks_before_unsaved_runs_go(qtbot, window, load, files, monkeypatch, tmp_path):
    load(window, files["de"])
    state = window.state
    parts = split(state.dataset.interactions, "random", test_frac=0.25, seed=1)
    state.set_split(parts)
    state.add_run(train_run("pop", {}, parts))
    asked = []
    answer = [QMessageBox.StandardButton.Cancel]
    monkeypatch.setattr(QMessageBox, "question", staticmethod(lambda *a, **k: asked.append(a[2]) or answer[0]))
    before = state.dataset
    for act in (lambda: window.open_path(str(files["fr"])), lambda: window.data.open_catalog(str(files["book"])),
                lambda: window.data_pane.apply_button.click()):
        act()
        assert state.dataset is before and len(state.runs) == 1 and not window.data.busy
    assert len(asked) == 3 and "Save before you open export_fr.csv?" in asked[0]
    assert "join the catalog" in asked[1]
    answer[0] = QMessageBox.StandardButton.Discard
    with qtbot.waitSignal(window.data.settled, timeout=SETTLE_MS):
        window.open_path(str(files["fr"]))
    assert state.dataset is not before and state.runs == []
    assert state.dataset.mapping.user == "N° client"
