"""Defects seen in the screenshots of every pane (tools/screenshots.py), each with the test that
catches it: what a merchandiser reads must not be clipped, overlapping or misleading."""

import pandas as pd
from PySide6.QtWidgets import QVBoxLayout, QWidget

from desktop.qtmodels.marked_frame_model import MarkedFrameModel
from desktop.widgets.tables import fit_columns, make_table


def test_a_table_filled_while_small_widens_its_titles_when_the_window_grows(qtbot):
    """Filled while its pane was hidden or the window small, the Title column was elided to 80 px and
    stayed so in a 1600 px window ("EDWARDI..." beside an empty half of the table)."""
    holder = QWidget()
    qtbot.addWidget(holder)
    model = MarkedFrameModel()
    view = make_table(model)
    QVBoxLayout(holder).addWidget(view)
    holder.resize(260, 300)
    holder.show()
    qtbot.waitExposed(holder)
    frame = pd.DataFrame({"Date": ["2011-12-08", "2011-07-12"], "Title": ["EDWARDIAN PARASOL NATURAL", "CERAMIC CAKE STAND + HANGING CAKES"],
                          "Price": [5.95, 9.95]})
    model.show(frame)
    fit_columns(view)
    title = 1
    assert view.columnWidth(title) < view.sizeHintForColumn(title)      # elided while small
    holder.resize(1200, 600)
    qtbot.waitUntil(lambda: view.columnWidth(title) >= view.sizeHintForColumn(title), timeout=5_000)


def test_one_validated_epoch_reads_on_a_whole_epoch_axis_from_zero(qtbot):
    """A run validated once drew NDCG 0.04 on an axis from −0.4 to 0.5 with epochs 1.6, 1.8, 2.2 …"""
    from desktop.plots.learning import LearningCurvePlot
    plot = LearningCurvePlot("Validation NDCG@10", "Epoch", "NDCG@10")
    qtbot.addWidget(plot)
    plot.resize(500, 300)
    plot.show()
    qtbot.waitExposed(plot)
    plot.append("valid", 2, 0.0421)
    qtbot.wait(50)
    (x_low, x_high), (y_low, y_high) = plot.getPlotItem().getViewBox().viewRange()
    assert 0.0 <= y_low and 0.0421 < y_high < 0.1
    axis = plot.getPlotItem().getAxis("bottom")
    ticks = [v for _, values in axis.tickValues(x_low, x_high, 500) for v in values]
    assert ticks and all(float(v).is_integer() for v in ticks)
    for epoch, value in ((3, 0.05), (4, 0.06)):
        plot.append("valid", epoch, value)
    qtbot.wait(50)
    _, (y_low, y_high) = plot.getPlotItem().getViewBox().viewRange()
    assert y_low < 0.0421 and 0.06 <= y_high < 0.1          # back to fitting the values once they differ


def test_compression_methods_are_named_in_words_not_specs():
    """The Compress table, chart and summary showed the engine's specs "prune:0.8", "lowrank:4"."""
    from desktop.controllers.compress_controller import method_label
    assert method_label("prune:0.8") == "pruned 80 %"
    assert method_label("lowrank:4") == "low rank 4"
    assert method_label("topk:400+int8") == "top 400 links + int8"
    assert method_label("distill:dim=16,layers=1") == "student, 16 dimensions"
    assert method_label("int8") == "int8" and method_label("original") == "original"


def test_settings_and_words_from_the_engine_read_in_chinese():
    """The Chinese Train pane listed "lr", "valid frac", "CPU (2 cores)" and the Leaderboard "1–6 items"."""
    import numpy as np
    from engine.evaluate.groups import activity_labels
    from engine.i18n import set_language
    from engine.machine.device import describe_devices
    from engine.runs.param_space import param_specs
    try:
        assert {s.name: s.label for s in param_specs("bpr")}["lr"] == "Learning rate"
        set_language("zh_CN")
        labels = {s.name: s.label for s in param_specs("bpr")}
        assert labels["lr"] == "学习率" and all(not label.isascii() for label in labels.values())
        assert all(not s.help.isascii() for s in param_specs("bpr"))
        assert "核" in describe_devices()[0]["label"]
        assert list(activity_labels(np.array([1, 1, 5, 9, 30, 40]), 2).categories) == ["1–5 个商品", "9–40 个商品"]
    finally:
        set_language("en")


def test_a_long_action_says_elapsed_time_and_an_estimate(qtbot, monkeypatch):
    """Every long action shows the time it has run and, once a share is done, about how long is left."""
    from types import SimpleNamespace
    from desktop.widgets import progress
    strip = progress.ProgressStrip()
    qtbot.addWidget(strip)
    strip.start("Training BPR")
    assert "elapsed" in strip.text() and "left" not in strip.text()       # too early to say
    now = progress.time.monotonic()
    monkeypatch.setattr(progress.time, "monotonic", lambda: now + 30.0)
    strip.show_progress(SimpleNamespace(fraction=0.25, message="epoch 5"))
    assert strip.text() == "epoch 5 · 30 s elapsed · about 1 min 30 s left"
