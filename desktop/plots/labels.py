"""Point labels that do not cover each other: each label goes beside its point where it hides no
other label or point (nearest free place first); points that fall on the same spot share one label
("fp16 · bf16"); a label with no free place left is hidden (its point keeps its hover tip).

``LabelPlacer`` keeps the labels of one plot and places them again whenever the plot is resized."""

from __future__ import annotations

import pyqtgraph as pg

#: Label box offsets from its point, (left, top) in pixels for a w × h label, tried in turn: beside,
#: above, below, diagonal, then the same further out.
_NEAR = (lambda w, h, d: (d, -h / 2), lambda w, h, d: (2 - w / 2, -h - d), lambda w, h, d: (2 - w / 2, d),
         lambda w, h, d: (-w - d, -h / 2), lambda w, h, d: (d, -h - d), lambda w, h, d: (d, d),
         lambda w, h, d: (-w - d, -h - d), lambda w, h, d: (-w - d, d))
PLACES = tuple((place, d) for d in (9, 22) for place in _NEAR)
#: Points closer than this (pixels) share one label.
SAME_SPOT = 6.0
#: Half the size of a point's marker (pixels): labels keep off it.
MARKER = 7.0


def overlaps(a, b) -> bool:
    """Whether boxes (left, top, right, bottom) a and b overlap."""
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def same_spots(points: list[tuple[float, float]], radius: float = SAME_SPOT) -> list[list[int]]:
    """Indices of ``points`` (pixels) grouped by spot: each group's points lie within ``radius`` of its first."""
    groups: list[list[int]] = []
    for j, (x, y) in enumerate(points):
        for g in groups:
            gx, gy = points[g[0]]
            if abs(gx - x) <= radius and abs(gy - y) <= radius:
                g.append(j)
                break
        else:
            groups.append([j])
    return groups


def place(points: list[tuple[float, float]], sizes: list[tuple[float, float]], width: float, height: float,
          order: list[int] | None = None) -> list[tuple[float, float] | None]:
    """For each label (its point in pixels, its size w × h) the (left, top) offset of its box from the
    point: the first of ``PLACES`` inside width × height that covers no point and no label placed
    before it (labels in ``order``); None when no place is free."""
    taken = [(x - MARKER, y - MARKER, x + MARKER, y + MARKER) for x, y in points]
    out: list[tuple[float, float] | None] = [None] * len(points)
    for j in (order if order is not None else range(len(points))):
        (x, y), (w, h) = points[j], sizes[j]
        own = (x - MARKER, y - MARKER, x + MARKER, y + MARKER)
        for offset, d in PLACES:
            dx, dy = offset(w, h, d)
            box = (x + dx, y + dy, x + dx + w, y + dy + h)
            inside = box[0] >= 0 and box[2] <= width and box[1] >= 0 and box[3] <= height
            if inside and not any(overlaps(box, t) for t in taken if t != own):
                out[j] = (dx, dy)
                taken.append(box)
                break
    return out


class LabelPlacer:
    """The labels of one plot: ``set(labels)`` with (text, x, y, colour, strong) in view coordinates
    and the view ranges; strong labels (e.g. the best trade-offs) are placed first."""

    def __init__(self, plot):
        self.plot = plot
        self.items: list[pg.TextItem] = []
        self._labels: list[tuple] = []
        self._range = (0.0, 1.0, 0.0, 1.0)
        plot.getPlotItem().vb.sigResized.connect(self.place)

    def set(self, labels: list[tuple[str, float, float, str, bool]], x_range, y_range) -> None:
        for item in self.items:
            self.plot.getPlotItem().removeItem(item)
        self.items, self._labels = [], list(labels)
        self._range = (*x_range, *y_range)
        self.place()

    def place(self) -> None:
        vb = self.plot.getPlotItem().vb
        for item in self.items:
            self.plot.getPlotItem().removeItem(item)
        self.items = []
        if not self._labels:
            return
        x0, x1, y0, y1 = self._range
        width, height = (vb.width(), vb.height()) if vb.width() > 100 else (600.0, 320.0)
        pixels = [((x - x0) / ((x1 - x0) or 1.0) * width, (y1 - y) / ((y1 - y0) or 1.0) * height)
                  for _, x, y, _, _ in self._labels]
        groups = same_spots(pixels)
        texts, points, sizes, strong, colours, spots = [], [], [], [], [], []
        for g in groups:
            first = self._labels[g[0]]
            text = " · ".join(self._labels[j][0] for j in g)
            item = pg.TextItem(text, color=first[3])
            box = item.textItem.boundingRect()          # the text with its margins, in pixels
            texts.append(item)
            points.append(pixels[g[0]])
            sizes.append((box.width(), box.height()))
            strong.append(any(self._labels[j][4] for j in g))
            colours.append(first[3])
            spots.append((first[1], first[2]))
        order = sorted(range(len(texts)), key=lambda j: not strong[j])
        for item, offset, (w, h), (x, y) in zip(texts, place(points, sizes, width, height, order), sizes, spots):
            if offset is None:
                continue                  # no free place: the point's hover tip names it
            item.setAnchor((-offset[0] / w, -offset[1] / h))    # this point of the box sits on the data point
            item.setPos(x, y)
            self.plot.getPlotItem().addItem(item)
            self.items.append(item)

    def shown(self) -> list[str]:
        """The label texts on the plot now."""
        return [it.toPlainText() for it in self.items]
