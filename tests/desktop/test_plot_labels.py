"""Point labels placed apart: no two labels overlap, points on the same spot share one label, a label
with no free place is left out rather than drawn over another (its point keeps its tooltip)."""

from desktop.plots.curves import LabelledPlot
from desktop.plots.labels import LabelPlacer, place, same_spots


def test_crowded_points_get_labels_that_do_not_overlap(qtbot):
    plot = LabelledPlot("t", "x", "y")
    qtbot.addWidget(plot)
    plot.resize(520, 340)
    plot.show()
    qtbot.waitExposed(plot)
    # the rules pane's long-tail sweep: seven weights, the last two nearly on top of each other
    xs = [0.10, 0.14, 0.19, 0.22, 0.25, 0.290, 0.2905]
    ys = [0.060, 0.058, 0.055, 0.053, 0.050, 0.0450, 0.0449]
    labels = [(f"w={w:g}", x, y, "#1f2937", True) for w, x, y in zip((0, 0.2, 0.4, 0.5, 0.6, 0.8, 1), xs, ys)]
    placer = LabelPlacer(plot)
    plot.getPlotItem().setXRange(0.08, 0.33, padding=0)
    plot.getPlotItem().setYRange(0.042, 0.063, padding=0)
    placer.set(labels, (0.08, 0.33), (0.042, 0.063))
    assert "w=0.8 · w=1" in placer.shown()                          # the same spot: one label

    def apart() -> bool:
        boxes = [t.sceneBoundingRect() for t in placer.items]
        return len(boxes) >= 2 and not any(a.intersects(b) for i, a in enumerate(boxes) for b in boxes[i + 1:])
    qtbot.waitUntil(apart, timeout=5000)                            # once the view's transform is applied
    view = plot.getPlotItem().vb
    width = view.width()
    plot.resize(360, 260)                                           # placed again on resize
    qtbot.waitUntil(lambda: view.width() < width and apart(), timeout=5000)


def test_place_leaves_out_what_cannot_fit():
    points = [(50.0, 50.0), (52.0, 51.0), (200.0, 50.0)]
    assert same_spots(points) == [[0, 1], [2]]
    offsets = place([(40.0, 20.0)] * 5, [(30.0, 10.0)] * 5, 80.0, 40.0)
    assert None not in offsets[:4] and offsets[4] is None            # right, above, below, left: then no room
