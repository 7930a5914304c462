"""Every plot saves itself as PNG or SVG from its right-click menu (``LabelledPlot.save_image``)."""

import numpy as np
import pytest
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QApplication, QFileDialog

from desktop.plots.bars import BarPlot
from desktop.plots.curves import CurvePlot
from desktop.plots.heatmap import HeatmapPlot


def _plots(qtbot):
    curve = CurvePlot("Loss per epoch", "epoch", "loss")
    curve.set_curve([1, 2, 3], [0.9, 0.5, 0.4])
    heat = HeatmapPlot("Attention: layer 1", "key", "query")
    heat.set_matrix(np.eye(3) * 0.8 + 0.05, ["a", "b", "c"], ["a", "b", "c"])
    bars = BarPlot("NDCG@10 per model", "model", "NDCG@10")
    bars.set_bars(["EASE", "BPR"], [0.31, 0.27])
    for p in (curve, heat, bars):
        qtbot.addWidget(p)
        p.resize(500, 320)
        with qtbot.waitExposed(p):
            p.show()
    QApplication.processEvents()          # the layout requests posted by show() and resize()
    return curve, heat, bars


def _pixels(image: QImage) -> np.ndarray:
    image = image.convertToFormat(QImage.Format.Format_RGB32)
    raw = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), image.bytesPerLine() // 4, 4)
    return raw[:, :image.width(), :3].astype(int)


def _blocks(pixels: np.ndarray, size: int = 6) -> np.ndarray:
    h, w = (pixels.shape[0] // size) * size, (pixels.shape[1] // size) * size
    return pixels[:h, :w].reshape(h // size, size, w // size, size, 3).mean(axis=(1, 3))


def _svg_drawn(path, width, height) -> np.ndarray:
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    QSvgRenderer(str(path)).render(painter)
    painter.end()
    return _pixels(image)


def test_png_and_svg_of_each_plot(qtbot, tmp_path):
    for n, plot in enumerate(_plots(qtbot)):
        png = plot.save_image(tmp_path / f"p{n}.png")
        image = QImage(str(png))
        assert image.width() == 2 * plot.width() and image.height() > 0
        colours = {image.pixelColor(x, y).name() for x in range(0, image.width(), 7)
                   for y in range(0, image.height(), 7)}
        assert len(colours) > 3                                    # something was drawn, not a blank
        svg = plot.save_image(tmp_path / f"p{n}.svg")
        text = svg.read_text(encoding="utf-8")
        assert "<path" in text and "<text" in text    # vector drawing and text, not the axis cache bitmap
        # drawn back, the SVG is the plot on screen: compared on 6x6-pixel block means (the SVG
        # renderer smooths the heatmap's cell edges); items misplaced by a scale mismatch fail
        diff = _blocks(_svg_drawn(svg, plot.width(), plot.height())) - _blocks(_pixels(plot.grab().toImage()))
        off = np.abs(diff).max(axis=2) > 40
        assert off.mean() < 0.005, (type(plot).__name__, off.mean())
    with pytest.raises(ValueError, match="png or .svg"):
        plot.save_image(tmp_path / "p.jpg")


def test_menu_action_asks_for_a_file_and_saves(qtbot, tmp_path, monkeypatch):
    curve, *_ = _plots(qtbot)
    asked = {}

    def answer(_parent, _title, name, _filter):
        asked["name"] = name
        return str(tmp_path / "curve"), ""
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(answer))
    assert curve.save_action in curve.getPlotItem().getViewBox().menu.actions()
    curve.save_action.trigger()
    assert asked["name"] == "loss-per-epoch.png"
    assert (tmp_path / "curve.png").stat().st_size > 1000
