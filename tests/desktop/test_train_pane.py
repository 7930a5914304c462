"""Train pane and split box on the demo data: split, train EASE and BPR, curves, verdict, cancel, search."""

from PySide6.QtCore import Qt

from engine.models import registry
from engine.runs.param_space import model_info, trainable_models

from _train_helpers import TRAIN_MS, split_demo, train


def start_bpr(window, qtbot, load, demo_path, **params):
    """Split the demo, start BPR (fast settings, then ``params``) and wait for two epochs; the Train pane."""
    split_demo(window, qtbot, load, demo_path)
    pane = window.train_pane
    window.show_pane(pane)
    pane.set_model("bpr")
    pane.quick_button.click()
    pane.set_params(params)
    pane.train_button.click()
    qtbot.waitUntil(lambda: len(pane.loss_plot.points("loss")[0]) >= 2, timeout=TRAIN_MS)
    return pane


def test_training_waits_for_a_split(qtbot, window, load, demo_path):
    pane, box = window.train_pane, window.data_pane.split_box
    load(window, demo_path)
    assert not pane.train_button.isEnabled() and "split" in pane.split_label.text()
    assert box.method.currentData() == "temporal"          # dated data: no future leakage
    with qtbot.waitSignal(window.state.split_changed, timeout=TRAIN_MS):
        box.apply_button.click()
    parts = window.state.split
    assert parts.method == "temporal" and parts.valid is not None
    assert f"{parts.train.n_events:,} training" in box.summary.text()
    assert box.warnings.isVisible() and "cold users" in box.warnings.text()
    assert pane.train_button.isEnabled() and f"{parts.test.n_events:,}" in pane.split_label.text()


def test_train_ease_then_bpr(qtbot, window, load, demo_path):
    split_demo(window, qtbot, load, demo_path)
    pane = window.train_pane
    ease = train(window, qtbot, "ease")
    assert ease.name == "EASE" and ease.history is None
    assert pane.verdict_label.isVisible() and "fitted in one step" in pane.verdict_label.text()
    assert f"NDCG@10 {ease.metrics['ndcg@10']:.4f}" in pane.result_label.text()
    assert not pane.loss_plot.has_data()
    assert window.statusBar().currentMessage().startswith("EASE finished")   # controllers reach the status bar

    bpr = train(window, qtbot, "bpr", epochs=2)
    assert bpr.name == "BPR" and len(bpr.history.records) == 2
    epochs, losses = pane.loss_plot.points("loss")
    assert epochs == [1.0, 2.0] and losses == list(bpr.history.losses)
    validated = [(e, v) for e, v in zip(bpr.history.epochs, bpr.history.metric("ndcg@10")) if v == v]
    assert pane.valid_plot.points("NDCG@10") == ([float(e) for e, _ in validated], [v for _, v in validated])
    assert pane.verdict_label.text().startswith("Too short to tell")    # 2 epochs < 3 needed
    assert window.state.run_id == bpr.id and [r.name for r in window.state.runs] == ["EASE", "BPR"]


def test_cancel_keeps_the_best_bpr_model(qtbot, window, load, demo_path):
    pane = start_bpr(window, qtbot, load, demo_path, epochs=2000, patience=0)
    assert pane.cancel_button.isEnabled()
    pane.cancel_button.click()
    qtbot.waitUntil(lambda: len(window.state.runs) == 1, timeout=TRAIN_MS)
    run = window.state.runs[0]
    assert run.history.stopped == "cancelled" and run.info["cancelled"]
    assert 2 <= len(run.history.records) < 2000 and run.evaluation is not None
    assert "cancelled" in pane.title_label.text()
    qtbot.waitUntil(lambda: not pane.cancel_button.isEnabled())


def test_search_shows_trials_and_keeps_a_tuned_run(qtbot, window, load, demo_path):
    split_demo(window, qtbot, load, demo_path)
    pane = window.train_pane
    window.show_pane(pane)
    pane.set_model("itemknn")
    pane.search_radio.setChecked(True)
    pane.trials.setValue(2)
    assert pane.train_button.text() == "Search"
    pane.train_button.click()
    qtbot.waitUntil(lambda: len(window.state.runs) == 1, timeout=TRAIN_MS)
    run = window.state.runs[0]
    assert run.kind == "tuned" and run.name == "ItemKNN tuned"
    assert pane.trials_table.rowCount() == 2 and pane.trials_table.isVisible()
    values = [float(pane.trials_table.item(r, 1).text()) for r in range(2)]
    assert values == sorted((round(t["value"], 4) for t in run.info["tuning"]["trials"]), reverse=True)  # best first
    assert pane.trials_table.isSortingEnabled() and pane.trials_table.horizontalHeader().sortIndicatorSection() == 1
    assert "k = " in pane.trials_table.item(0, 3).text() and "best of 2" in pane.title_label.text()


def test_form_offers_each_model_with_working_defaults(qtbot, window):
    pane = window.train_pane
    offered = [pane.model_combo.itemData(i) for i in range(pane.model_combo.count())]
    assert sorted(offered) == sorted(trainable_models())
    for name in offered:
        pane.set_model(name)
        values = pane.form.values()
        assert registry.create(name, **values).params == registry.get(name).defaults
    pane.set_model("bpr")
    qtbot.waitUntil(lambda: pane.form.devices is not None, timeout=TRAIN_MS)
    device = pane.form.widgets["device"]
    texts = [device.itemText(i) for i in range(device.count())]
    assert texts[0].startswith("auto → ") and any(t.startswith("cpu: CPU") for t in texts)


def test_live_curves_fit_their_epochs_and_say_when_training_stops(qtbot, window, load, demo_path):
    """A 200-epoch budget with early stopping: the axis fits the epochs drawn so far, the progress line
    says in words when training stops and how long it has run; a cancelled run is marked in the Leaderboard."""
    pane = start_bpr(window, qtbot, load, demo_path, epochs=200, patience=50)
    low, high = pane.loss_plot.x_range()
    assert high <= 10 < 200                                       # not a fixed 1..200 axis
    text = pane.progress.label.text()
    assert "of at most 200" in text and "stops when validation has not improved for 50 epochs" in text
    assert "elapsed" in text
    pane.cancel_button.click()
    qtbot.waitUntil(lambda: len(window.state.runs) == 1, timeout=TRAIN_MS)
    run = window.state.runs[0]
    board = window.leaderboard_pane
    window.show_pane(board)
    kind = board.proxy.index(0, 1)
    assert run.info["cancelled"] and "cancelled" in kind.data()
    assert "stopped by you" in kind.data(Qt.ItemDataRole.ToolTipRole)


def test_verdict_judges_the_kept_epoch(qtbot, window, load, demo_path):
    """Early stopping kept epoch 3; the epochs after it fell: the kept model is not called over-fitted."""
    from engine.runs import train_run
    from engine.diagnostics.curves import diagnose
    from engine.train.loop import EpochRecord, History
    split_demo(window, qtbot, load, demo_path)
    run = train_run("bpr", {**model_info("bpr").fast_params, "epochs": 2}, window.state.split)
    ndcg, loss = [0.010, 0.020, 0.025, 0.024, 0.022, 0.020], [0.9, 0.7, 0.6, 0.5, 0.45, 0.4]
    run.history = History([EpochRecord(e + 1, l, {"ndcg@10": v}) for e, (v, l) in enumerate(zip(ndcg, loss))],
                          best_epoch=3, stopped="early_stop")
    run.diagnosis = diagnose(run.history)
    window.state.add_run(run)
    window.state.select(run_id=run.id)
    pane = window.train_pane
    pane._show_run(run)
    text = pane.verdict_label.text()
    assert text.startswith("Good fit") and "kept model is epoch 3" in text
    assert pane.verdict_label.objectName() == "verdictGood"
    window.diagnostics_pane._show_run(run)
    assert "Over-fitting" not in window.diagnostics_pane.verdict_label.text()
