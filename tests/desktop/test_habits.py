"""Habits of tools people already like: Ctrl+F from any pane, Help › Glossary with a plain sentence for
every term (the same text as the tooltips), and the window coming back on its pane and selection."""

from PySide6.QtCore import QSettings, Qt

from _train_helpers import TRAIN_MS
from engine.data.splits import split
from engine.runs import train_run

WAIT = 60_000


def _with_run(window, load, demo_path):
    load(window, demo_path)
    state = window.state
    state.set_split(split(state.dataset.interactions, "random", 0.2, seed=0))
    run = train_run("ease", {}, state.split, catalog=state.dataset.catalog)
    state.add_run(run)
    return run


def test_ctrl_f_finds_customers_and_items_from_any_pane(qtbot, window, load, demo_path):
    _with_run(window, load, demo_path)
    window.show_pane(window.leaderboard_pane)
    assert window.find_action.shortcut().toString() == "Ctrl+F"
    window.find_action.trigger()
    dialog = window.find_dialog
    assert dialog.isVisible()
    dialog.edit.setText("regency")
    with qtbot.waitSignals([window.finder.found, window.finder.items_found], timeout=WAIT):
        dialog.edit.textEdited.emit("regency")
    rows = [dialog.results.item(r).text() for r in range(dialog.results.count())]
    assert any(t.startswith("Customer ") and "match 'regency'" in t for t in rows)
    assert any(t.startswith("Item ") and "REGENCY" in t.upper() for t in rows)
    first = next(r for r in range(dialog.results.count()) if rows[r].startswith("Customer "))
    user = dialog.results.item(first).data(Qt.ItemDataRole.UserRole)[1]
    dialog.results.itemActivated.emit(dialog.results.item(first))
    assert window.stack.currentWidget() is window.inspector_pane and str(window.state.user) == str(user)
    assert not dialog.isVisible()

    window.find_action.trigger()
    dialog.edit.setText("regency")
    with qtbot.waitSignals([window.finder.found, window.finder.items_found], timeout=WAIT):
        dialog.edit.textEdited.emit("regency")
    item_row = next(r for r in range(dialog.results.count()) if dialog.results.item(r).text().startswith("Item "))
    item = dialog.results.item(item_row).data(Qt.ItemDataRole.UserRole)[1]
    dialog.results.itemActivated.emit(dialog.results.item(item_row))
    assert window.stack.currentWidget() is window.explain_pane and str(window.state.item) == str(item)


def test_glossary_page_and_the_tooltips_say_the_same(qtbot, window):
    from desktop import glossary
    window.show_glossary()
    dialog = window.glossary_dialog
    text = dialog.text.toPlainText()
    for group in ("Metrics", "Models", "Training", "Explanations", "Merchandising rules", "Simulation",
                  "Compression", "Data"):
        assert group in text
    for key in ("ndcg", "aopc", "pca", "ukvk", "over-fitting", "arm", "margin", "strength"):
        assert glossary.term(key).sentence in text
    dialog.filter.setText("AOPC")
    assert "Area over the perturbation curve" in dialog.text.toPlainText() and "Coverage" not in dialog.text.toPlainText()
    board = window.leaderboard_pane
    header = board.table_model.headerData(2, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)
    assert header == glossary.tip("ndcg")
    assert glossary.metric_plain("arp@10") == "Popularity bias (Avg popularity@10)"


def test_window_comes_back_on_its_pane_and_selection(qtbot, window, load, demo_path, tmp_path):
    from desktop.mainwindow import MainWindow
    run = _with_run(window, load, demo_path)
    user = run.model.user_ids_[4].item()
    window.state.select(user=user, run_id=run.id)
    window.show_pane(window.inspector_pane)
    window.close()                                              # saves the session
    again = MainWindow(QSettings(window.settings.fileName(), QSettings.Format.IniFormat))
    qtbot.addWidget(again)
    again.show()
    load(again, demo_path)
    assert again.stack.currentWidget() is again.inspector_pane
    assert again.state.user == user
    qtbot.waitUntil(lambda: again.inspector_pane.user == user, timeout=TRAIN_MS)
