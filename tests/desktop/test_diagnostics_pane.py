"""Diagnostics pane on real runs: BPR curves, verdict, weight and gradient histograms; a model
without epochs (most popular) gets a plain note and its weight histogram."""

from _train_helpers import split_demo, train

WAIT = 60_000


def test_diagnostics_of_bpr_and_ease(qtbot, window, load, demo_path):
    split_demo(window, qtbot, load, demo_path)
    pop = train(window, qtbot, "pop")
    bpr = train(window, qtbot, "bpr", epochs=3, validate_every=1)
    pane = window.diagnostics_pane
    window.show_pane(pane)
    assert pane.run_combo.count() == 2 and pane.run_combo.currentText() == "BPR"

    # learning curves with the best epoch, verdict and evidence
    assert pane.curves_stack.currentIndex() == 0
    assert pane.loss_plot.points("loss") == ([1.0, 2.0, 3.0], list(bpr.history.losses))
    validated = [(e, v) for e, v in zip(bpr.history.epochs, bpr.history.metric("ndcg@10")) if v == v]
    assert pane.valid_plot.points("NDCG@10") == ([float(e) for e, _ in validated], [v for _, v in validated])
    assert pane.valid_plot._marker is not None and pane.valid_plot._marker.value() == bpr.history.best_epoch
    assert bpr.diagnosis.sentence.split(": ", 1)[1] in pane.verdict_label.text()
    assert pane.evidence.item(1, 1).text() == str(bpr.history.best_epoch)

    # per-layer histograms of parameters and of one batch's gradients
    qtbot.waitUntil(lambda: pane.layers.rowCount() == 3 and pane.grad_hist.has_data(), timeout=WAIT)
    names = [pane.layers.item(r, 0).text() for r in range(3)]
    assert names == ["user_factors", "item_factors", "item_bias"]
    assert pane.layers.item(0, 1).text() == f"{bpr.model.n_users:,} × 16"
    assert pane.weight_hist.has_data() and "one batch" in pane.grad_note.text()
    pane.layers.selectRow(1)
    assert "item_factors" in pane.grad_hist.getPlotItem().titleLabel.text

    # most popular: no epochs, no gradients -- said plainly, its weights (counts) still shown
    pane.run_combo.setCurrentIndex(pane.run_combo.findData(pop.id))
    assert window.state.run_id == pop.id
    assert pane.curves_stack.currentWidget() is pane.no_curves
    assert "not trained in epochs" in pane.no_curves.text()
    qtbot.waitUntil(lambda: pane.layers.rowCount() == 1, timeout=WAIT)
    assert pane.layers.item(0, 0).text() == "counts" and pane.layers.item(0, 5).text() == "–"
    assert "nothing to train" in pane.grad_note.text()
    assert pane.weight_hist.has_data() and not pane.grad_hist.has_data()


def test_verdict_in_words_first_with_what_to_do(qtbot, window, load, demo_path):
    """A reader who is not an engineer gets the verdict in plain words and what to do before any layer
    name or gradient statistic."""
    split_demo(window, qtbot, load, demo_path)
    bpr = train(window, qtbot, "bpr", epochs=3, validate_every=1)   # a curve to read
    pane = window.diagnostics_pane
    window.show_pane(pane)
    from desktop import glossary
    meaning, todo = glossary.advice(bpr.diagnosis.verdict)
    assert pane.headline.text() == meaning and "ndcg" not in meaning.lower()
    assert pane.todo_label.text().startswith("<b>What to do:</b> " + todo)
    qtbot.waitUntil(lambda: "Gradients" in pane.todo_label.text() or "layers" in pane.todo_label.text(), timeout=WAIT)
    assert pane.headline.y() < pane.layers.mapTo(pane, pane.layers.rect().topLeft()).y()
    pop = train(window, qtbot, "pop")
    window.state.select(run_id=pop.id)
    assert "fitted in one step" in pane.headline.text() and "Leaderboard" in pane.todo_label.text()
