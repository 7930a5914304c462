"""Leaderboard pane on real runs: table values, intervals, paired comparison, groups, popularity, ROC."""

from _train_helpers import TRAIN_MS, split_demo, train

WAIT = 60_000


def test_leaderboard_compares_ease_and_bpr(qtbot, window, load, demo_path):
    split_demo(window, qtbot, load, demo_path)
    ease = train(window, qtbot, "ease")
    bpr = train(window, qtbot, "bpr", epochs=2)
    pane = window.leaderboard_pane
    window.show_pane(pane)
    assert pane.table_model.rowCount() == 2
    for k in (10, 5):
        pane.set_k(k)
        shown = pane.row_values(f"NDCG@{k}")
        assert shown == {r.name: f"{r.metrics[f'ndcg@{k}']:.4f}" for r in (ease, bpr)}
        assert pane.row_values(f"Recall@{k}")["BPR"] == f"{bpr.metrics[f'recall@{k}']:.4f}"
    pane.set_k(10)
    # sorted by NDCG, best first
    first = pane.proxy.index(0, 0).data()
    assert first == max((ease, bpr), key=lambda r: r.metrics["ndcg@10"]).name

    # bars with bootstrap intervals of the chosen metric
    qtbot.waitUntil(lambda: len(pane._cis) == 2, timeout=WAIT)
    assert pane.bar_plot.values == [ease.metrics["ndcg@10"], bpr.metrics["ndcg@10"]]
    ci = pane._cis[ease.id]
    assert ci.low < ease.metrics["ndcg@10"] < ci.high

    # one run selected -> app selection; two -> plain-words significance
    pane.select_runs(bpr.id)
    assert window.state.run_id == bpr.id
    pane.select_runs(ease.id, bpr.id)
    assert window.state.run_id == bpr.id
    qtbot.waitUntil(lambda: "Wilcoxon" in pane.compare_label.text(), timeout=WAIT)
    text = pane.compare_label.text()
    assert "EASE" in text and "BPR" in text and "% of customers" in text and "NDCG@10" in text
    pane.set_metric("recall")
    qtbot.waitUntil(lambda: "Recall@10" in pane.compare_label.text(), timeout=WAIT)

    # customer groups (activity terciles) for both runs
    qtbot.waitUntil(lambda: pane.group_plot.has_data(), timeout=WAIT)
    assert pane.group_plot.series == ["EASE", "BPR"] and len(pane.group_plot.categories) == 3
    assert all("customers" in c for c in pane.group_plot.categories)

    # popularity bias and coverage
    pane.tabs.setCurrentIndex(1)
    assert pane.pop_scatter.points == [(r.metrics["coverage@10"], r.metrics["arp@10"]) for r in (ease, bpr)]
    qtbot.waitUntil(lambda: pane.item_plot.has_data(), timeout=WAIT)
    assert pane.item_plot.series == ["EASE", "BPR", "test purchases"]

    # ROC: the demo holds purchase quantities, not ratings
    pane.tabs.setCurrentIndex(2)
    qtbot.waitUntil(lambda: pane.roc_stack.currentWidget() is pane.roc_note, timeout=WAIT)
    assert "No ratings in this data" in pane.roc_note.text()


def test_roc_with_movielens_ratings(qtbot, window, load, movielens_like_files):
    load(window, movielens_like_files["ratings"])
    assert window.state.dataset.interactions.value_kind == "rating"
    with qtbot.waitSignal(window.state.split_changed, timeout=TRAIN_MS):
        window.data_pane.split_box.apply_button.click()
    run = train(window, qtbot, "ease")
    pane = window.leaderboard_pane
    window.show_pane(pane)
    pane.tabs.setCurrentIndex(2)
    qtbot.waitUntil(lambda: pane.roc_plot.has_data(), timeout=WAIT)
    roc, threshold = pane.controller.roc_cache[run.id]
    assert threshold == 4.0 and roc.auc > 0.5
    assert pane.roc_stack.currentWidget() is pane.roc_plot and f"AUC {roc.auc:.3f}" in pane.roc_plot.getPlotItem().titleLabel.text


def test_list_level_metric_rename_note_delete(qtbot, window, load, demo_path, monkeypatch):
    """Coverage as the chart metric with two runs: plain words, the selection kept; runs renamed,
    annotated and deleted (deleting asks first)."""
    from PySide6.QtWidgets import QInputDialog, QMessageBox
    split_demo(window, qtbot, load, demo_path)
    ease = train(window, qtbot, "ease")
    pop = train(window, qtbot, "pop")
    pane = window.leaderboard_pane
    window.show_pane(pane)
    pane.select_runs(ease.id, pop.id)
    pane.set_metric("coverage")
    qtbot.waitUntil(lambda: "describes all the lists together" in pane.compare_label.text(), timeout=WAIT)
    text = pane.compare_label.text()
    assert "describes all the lists together" in text and "EASE" in text and "coverage@" not in text
    assert "per_user" not in text and "Wilcoxon" not in text
    assert sorted(pane.selected_run_ids()) == sorted([ease.id, pop.id])
    pane.set_k(5)                                                   # a new K keeps the selection too
    assert sorted(pane.selected_run_ids()) == sorted([ease.id, pop.id])

    pane.select_runs(pop.id)
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *a, **k: ("Most popular (baseline)", True)))
    pane.rename_action.trigger()
    assert pop.name == "Most popular (baseline)" and "Most popular (baseline)" in pane.row_values("NDCG@5")
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *a, **k: ("EASE", True)))
    pane.rename_action.trigger()                                    # a name another run has is refused
    assert pop.name == "Most popular (baseline)" and "already called" in pane.error_label.text()
    monkeypatch.setattr(QInputDialog, "getMultiLineText", staticmethod(lambda *a, **k: ("baseline for the deck", True)))
    pane.note_action.trigger()
    note_col = pane.table_model.note_column()
    row = next(r for r in range(pane.proxy.rowCount()) if pane.proxy.index(r, 0).data() == pop.name)
    assert pane.proxy.index(row, note_col).data() == "baseline for the deck" == pop.info["note"]

    asked = []
    monkeypatch.setattr(QMessageBox, "question", staticmethod(
        lambda *a, **k: asked.append(a[2]) or QMessageBox.StandardButton.Cancel))
    pane.delete_action.trigger()
    assert len(asked) == 1 and pop.name in asked[0] and len(window.state.runs) == 2
    monkeypatch.setattr(QMessageBox, "question", staticmethod(lambda *a, **k: QMessageBox.StandardButton.Yes))
    pane.delete_action.trigger()
    assert [r.id for r in window.state.runs] == [ease.id] and pane.table_model.rowCount() == 1


def test_roc_without_a_per_customer_auc_says_so(qtbot, window, load, tmp_path):
    """Leave-last-out on ratings: every test customer has one rating, so there is no AUC per customer;
    the title says that in words (no "nan") and gives the pooled AUC."""
    rng = __import__("numpy").random.default_rng(0)
    rows = ["user,item,rating,timestamp"]
    for u in range(60):
        for t, i in enumerate(rng.choice(40, size=12, replace=False)):
            rows.append(f"{u},{i},{int(rng.integers(1, 6))},{1_000_000 + 1000 * u + t}")
    path = tmp_path / "ratings.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    load(window, path)
    box = window.data_pane.split_box
    box.set_method("leave-last")
    with qtbot.waitSignal(window.state.split_changed, timeout=TRAIN_MS):
        box.apply_button.click()
    train(window, qtbot, "ease")
    pane = window.leaderboard_pane
    window.show_pane(pane)
    pane.tabs.setCurrentIndex(2)
    qtbot.waitUntil(lambda: pane.roc_plot.has_data(), timeout=WAIT)
    title = pane.roc_plot.getPlotItem().titleLabel.text
    assert "nan" not in title.lower() and "no AUC per customer" in title and "over all test ratings" in title


def test_leaderboard_shows_further_test_sets_of_one_fitted_model(qtbot, window, load, demo_path):
    import numpy as np
    from engine.runs import add_test_sets
    split_demo(window, qtbot, load, demo_path)
    run = train(window, qtbot, "ease")
    pane = window.leaderboard_pane
    window.show_pane(pane)
    assert not pane.test_combo.isVisible()                    # no run has further test sets yet
    split = window.state.split
    users = np.unique(split.test.user_idx)
    half = np.isin(split.test.user_idx, users[: len(users) // 2])
    add_test_sets(run, split.train, {"first half": split.test.subset(half), "second half": split.test.subset(~half)})
    window.state.runs_changed.emit()
    assert pane.test_combo.isVisible() and pane.test_combo.count() == 3
    assert pane.row_values("NDCG@10") == {run.name: f"{run.metrics['ndcg@10']:.4f}"}
    pane.test_combo.setCurrentIndex(pane.test_combo.findData("second half"))
    shown = run.info["tests"]["second half"]["metrics"]["ndcg@10"]
    assert pane.row_values("NDCG@10") == {run.name: f"{shown:.4f}"} and shown != run.metrics["ndcg@10"]
