"""Inspector pane on the demo data with real EASE / ItemKNN runs: history, top-N with catalog
titles, two models side by side, selection for the Explain pane, export with cancel."""

import numpy as np
import pandas as pd
import pytest

from engine.data import open_dataset
from engine.data.catalog import ItemCatalog
from engine.data.profile import profile
from engine.data.splits import split
from engine.runs import train_run

WAIT_MS = 60_000


def demo_with_runs(demo_path, models=("ease",)):
    """Demo data (with a derived category column: the data has none), an 80/20 split and runs
    trained on it: (dataset, profile, split, runs)."""
    ds = open_dataset(demo_path)
    frame = ds.catalog.frame.copy()
    frame["category"] = frame["Description"].astype(str).str.strip().str.split().str[-1]
    ds.catalog = ItemCatalog(frame, {**ds.catalog.roles, "category": "category"})
    parts = split(ds.interactions, "random", 0.2, seed=0)
    return ds, profile(ds.interactions), parts, [train_run(m, {}, parts, catalog=ds.catalog) for m in models]


def put(state, ds, prof, parts, runs):
    """Load a trained demo into a window's AppState as the Data and Train panes would."""
    state.set_dataset(ds, prof)
    state.set_split(parts)
    for run in runs:
        state.add_run(run)


def show(qtbot, pane, user):
    """Show ``user`` and wait for their view (a view still on its way for an earlier customer does not count)."""
    with qtbot.waitSignal(pane.controller.customer.done, timeout=WAIT_MS,
                          check_params_cb=lambda view, _tag: str(view.user) == str(user)):
        pane.show_user(user)


def side_by_side(qtbot, pane, run_a, run_b, user):
    """Show ``user`` with ``run_a``, then compare with ``run_b`` and wait for both lists."""
    pane.run_a.setCurrentIndex(pane.run_a.findData(run_a.id))
    show(qtbot, pane, user)
    with qtbot.waitSignal(pane.controller.customer.done, timeout=WAIT_MS,
                          check_params_cb=lambda view, _tag: view.top_b is not None):
        pane.run_b.setCurrentIndex(pane.run_b.findData(run_b.id))


def shown_column(box, heading):
    model = box.model
    col = model.columns.index(heading)
    return [model.data(model.index(r, col)) for r in range(model.rowCount())]


@pytest.fixture(scope="module")
def trained(demo_path):
    return demo_with_runs(demo_path, ("ease", "itemknn"))


@pytest.fixture
def inspector(qtbot, window, trained):
    put(window.state, *trained)
    window.show_pane(window.inspector_pane)
    return window.inspector_pane, trained[0], trained[3]


def test_history_and_top10_with_catalog_titles(qtbot, window, inspector):
    pane, ds, (ease, knn) = inspector
    pane.run_a.setCurrentIndex(pane.run_a.findData(ease.id))
    user = int(ease.model.user_ids_[7])
    show(qtbot, pane, user)
    inter = ds.interactions
    n_events = int((inter.user_idx == np.searchsorted(inter.user_ids, user)).sum())
    assert pane.history_box.model.rowCount() == n_events > 0
    hist_items = [pane.history_box.model.value(r, "item") for r in range(n_events)]
    assert shown_column(pane.history_box, "Title") == ds.catalog.titles(hist_items)
    dates = shown_column(pane.history_box, "Date")
    assert dates == sorted(dates, reverse=True) and dates[0].startswith("2011")
    # 10 recommendations, titles from the catalog, in the model's own order
    assert pane.list_a.model.rowCount() == 10
    items, _ = ease.model.recommend([ease.model.user_index(user)], 10)
    expected = [int(i) if str(i).isdigit() else i for i in ease.model.item_ids_[items[0]]]
    shown = [pane.list_a.model.value(r, "item") for r in range(10)]
    assert [str(i) for i in shown] == [str(i) for i in expected]
    assert shown_column(pane.list_a, "Title") == ds.catalog.titles(shown)
    assert shown_column(pane.list_a, "#") == [str(r) for r in range(1, 11)]
    assert not pane.list_b.isVisible()
    # held-out purchases are marked in the history
    test_items = set(pane.view.history.loc[pane.view.history["held_out"], "item"])
    assert len(pane.history_box.model.marked_rows()) == int(pane.view.history["held_out"].sum())
    assert test_items <= set(hist_items)


def test_two_models_side_by_side_mark_common_items(qtbot, window, inspector):
    pane, ds, (ease, knn) = inspector
    side_by_side(qtbot, pane, ease, knn, int(ease.model.user_ids_[3]))
    assert pane.list_b.isVisible() and pane.list_b.model.rowCount() == 10
    a = {str(pane.list_a.model.value(r, "item")) for r in range(10)}
    b = {str(pane.list_b.model.value(r, "item")) for r in range(10)}
    common = a & b
    for box in (pane.list_a, pane.list_b):
        flagged = {str(box.model.value(r, "item")) for r in range(10) if box.model.value(r, "in_both")}
        assert flagged == common
    assert f"{len(common)} in both lists" in pane.list_a.caption.text()


def test_click_selects_item_and_why_opens_explain(qtbot, window, inspector):
    pane, ds, (ease, _) = inspector
    pane.run_a.setCurrentIndex(pane.run_a.findData(ease.id))
    show(qtbot, pane, int(ease.model.user_ids_[0]))
    assert not pane.why_button.isEnabled()
    index = pane.list_a.model.index(2, 0)
    pane.list_a.table.clicked.emit(index)
    assert str(window.state.item) == str(pane.list_a.model.value(2, "item"))
    assert window.state.user == int(ease.model.user_ids_[0])
    assert pane.why_button.isEnabled()
    pane.why_button.click()
    assert window.stack.currentWidget() is window.explain_pane


def test_unknown_customer_message(qtbot, window, inspector):
    pane, *_ = inspector
    pane.user_edit.setText("99999999")
    pane.choose_user("99999999")
    assert pane.message_label.isVisible() and "No customer with id '99999999'" in pane.message_label.text()


def test_export_every_list_to_csv_and_cancel(qtbot, window, inspector, tmp_path):
    pane, ds, (ease, _) = inspector
    pane.run_a.setCurrentIndex(pane.run_a.findData(ease.id))
    path = tmp_path / "lists.csv"
    with qtbot.waitSignal(pane.controller.export_finished, timeout=WAIT_MS) as done:
        pane.export_to(str(path))
    assert "Wrote" in done.args[0] and pane.message_label.text() == done.args[0]
    frame = pd.read_csv(path, dtype={"item": str})
    assert len(frame) == ease.model.n_users * 10
    assert list(frame.columns) == ["user", "rank", "item", "title", "category", "price", "score", "list"]
    sample = frame.iloc[::997]
    assert sample["title"].tolist() == ds.catalog.titles([int(i) if i.isdigit() else i for i in sample["item"]])
    # a cancelled export leaves no file
    other = tmp_path / "cancelled.xlsx"
    with qtbot.waitSignal(pane.controller.export_finished, timeout=WAIT_MS) as done:
        pane.export_to(str(other))
        pane.controller.cancel_export()
    assert "cancelled" in done.args[0] and not other.exists()
    assert not list(tmp_path.glob(".*.part"))


def test_export_after_rules_with_new_customers_and_pseudonyms(qtbot, window, demo_path, tmp_path):
    from engine.lists.export import FALLBACK_LIST
    ds = open_dataset(demo_path)
    parts = split(ds.interactions, "temporal", 0.2, seed=0)
    run = train_run("pop", {}, parts, catalog=ds.catalog)
    put(window.state, ds, profile(ds.interactions), parts, [run])
    pane = window.inspector_pane
    window.show_pane(pane)
    pane.run_a.setCurrentIndex(pane.run_a.findData(run.id))
    window.rule_book.set_active("Two at most", {"rules": [{"type": "max_per", "column": "Country", "n": 2}]})
    pane.pseudonymise.setChecked(True)
    path = tmp_path / "lists.csv"
    with qtbot.waitSignal(pane.controller.export_finished, timeout=WAIT_MS) as done:
        pane.export_to(str(path))
    assert "new customers on the popular-items fallback" in done.args[0]
    assert "after rules 'Two at most'" in done.args[0] and "pseudonymised" in done.args[0]
    frame = pd.read_csv(path, dtype=str, encoding="utf-8-sig")
    assert (frame["list"] == FALLBACK_LIST).any() and frame["user"].str.startswith("c-").all()
    originals = {str(u) for u in ds.interactions.user_ids}
    assert not originals & set(frame["user"])


def test_new_customer_from_chosen_items(qtbot, window, inspector):
    from engine.explain.history import score_history
    pane, ds, (ease, _) = inspector
    pane.run_a.setCurrentIndex(pane.run_a.findData(ease.id))
    assert pane.tabs.isTabEnabled(pane.tabs.indexOf(pane.cold_tab))  # EASE scores a history it never saw
    pane.tabs.setCurrentWidget(pane.cold_tab)
    pane.item_search.setText("regency")
    assert pane.found_list.count() > 3
    assert all("REGENCY" in pane.found_list.item(r).text().upper() for r in range(pane.found_list.count()))
    chosen = [pane.found_list.item(r).data(0x0100) for r in range(3)]
    for r in range(3):
        pane.found_list.item(r).setSelected(True)
    with qtbot.waitSignal(pane.controller.cold.done, timeout=WAIT_MS):
        pane.add_button.click()
    assert pane.chosen_list.count() == 3
    box = pane.cold_box
    assert box.model.rowCount() == 10
    shown = [box.model.value(r, "item") for r in range(10)]
    assert not set(map(str, shown)) & set(map(str, chosen))
    assert shown_column(box, "Title") == ds.catalog.titles(shown)
    scores = score_history(ease.model, chosen, catalog=ds.catalog)
    best = [box.model.value(r, "score") for r in range(10)]
    assert best == sorted(best, reverse=True) and abs(best[0] - float(np.max(np.delete(
        scores, [int(np.flatnonzero(ease.model.item_ids_.astype(str) == str(c))[0]) for c in chosen])))) < 1e-5


def test_lists_show_rank_and_a_comparable_strength_and_sort(qtbot, window, inspector):
    """Two models side by side: rank and a strength comparable between models instead of raw scores
    (0.03 vs 5.7); a heading click sorts a table and a click on a sorted row still picks its item."""
    from PySide6.QtCore import Qt
    pane, ds, (ease, knn) = inspector
    side_by_side(qtbot, pane, ease, knn, int(ease.model.user_ids_[5]))
    for box in (pane.list_a, pane.list_b):
        columns = box.model.columns
        assert "Score" not in columns and "#" in columns and "Strength" in columns
        strength = [float(v.removesuffix(" σ")) for v in shown_column(box, "Strength")]
        assert strength == sorted(strength, reverse=True) and strength[-1] > 0     # the list's best items
        assert "σ" in box.model.headerData(columns.index("Strength"), Qt.Orientation.Horizontal,
                                           Qt.ItemDataRole.ToolTipRole)
        assert "raw score" in box.model.data(box.model.index(0, 0), Qt.ItemDataRole.ToolTipRole)
    firsts = [float(shown_column(b, "Strength")[0].removesuffix(" σ")) for b in (pane.list_a, pane.list_b)]
    assert all(f > 1 for f in firsts)               # each model's first choice stands well above its average item

    from PySide6.QtCore import QPoint
    from PySide6.QtTest import QTest
    table, model = pane.history_box.table, pane.history_box.model
    title = model.columns.index("Title")
    header = table.horizontalHeader()
    QTest.mouseClick(header.viewport(), Qt.MouseButton.LeftButton,
                     pos=QPoint(header.sectionViewportPosition(title) + 8, header.height() // 2))
    shown = shown_column(pane.history_box, "Title")
    assert shown == sorted(shown, key=str.casefold) and table.horizontalHeader().sortIndicatorSection() == title
    pane.list_a.table.sortByColumn(pane.list_a.model.columns.index("#"), Qt.SortOrder.DescendingOrder)
    pane.list_a.table.clicked.emit(pane.list_a.model.index(0, 0))
    assert str(window.state.item) == str(pane.view.top_a["item"].iloc[-1])    # the row shown, not row 0 of the data


def test_find_a_customer_by_what_they_bought(qtbot, window, inspector):
    pane, ds, (ease, knn) = inspector
    picker = pane.picker
    picker.edit.setText("regency")
    with qtbot.waitSignal(window.finder.found, timeout=WAIT_MS):
        picker.edit.textEdited.emit("regency")
    found = picker.suggestions()
    assert found and all("match 'regency'" in s for s in found)
    first = found[0]
    user = first.split(" — ")[0]
    with qtbot.waitSignal(pane.controller.customer.done, timeout=WAIT_MS,
                          check_params_cb=lambda view, _tag: str(view.user) == user):
        picker.completer.activated.emit(first)
    titles = " ".join(shown_column(pane.history_box, "Title")).upper()
    assert "REGENCY" in titles and window.state.user is not None and str(window.state.user) == user


def test_new_customer_of_a_temporal_split_gets_the_labelled_fallback(qtbot, window, demo_path):
    """A customer whose purchases all lie after the temporal cut has no training history: the
    Inspector shows the popular-items fallback, labelled in the list's title, and says why."""
    ds = open_dataset(demo_path)
    parts = split(ds.interactions, "temporal", 0.2)
    run = train_run("ease", {}, parts, catalog=ds.catalog)
    put(window.state, ds, profile(ds.interactions), parts, [run])
    window.show_pane(window.inspector_pane)
    pane = window.inspector_pane
    cold = np.setdiff1d(parts.test.user_ids, run.model.user_ids_)
    assert len(cold)
    show(qtbot, pane, cold[0])
    assert pane.list_a.model.rowCount() == 10
    assert "popular items (no history before the split)" in pane.list_a.title()
    assert "trained without customer" in pane.message_label.text()
