"""Explain pane tab: the latent map (items of the model's embedding space in 2-D), the customer's
history and recommendations on it, the selected item's nearest neighbours, and the user/item
factor heat map. Models without embeddings get a plain sentence instead."""

from __future__ import annotations

import html

import numpy as np
from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (QComboBox, QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QPushButton,
                               QSplitter, QStackedWidget, QVBoxLayout, QWidget)

from desktop import glossary
from desktop.translate import translate
from desktop.controllers.explain_controller import ExplainController
from desktop.plots.heatmap import HeatmapPlot
from desktop.plots.latent_scatter import LatentScatter
from desktop.views.explain_cards import titled
from desktop.widgets.style import show_message as _message
from desktop.widgets.progress import ProgressStrip
from PySide6.QtCore import QT_TRANSLATE_NOOP

PROJECTIONS = ((QT_TRANSLATE_NOOP("ExplainLatent", "PCA"), "pca"), (QT_TRANSLATE_NOOP("ExplainLatent", "t-SNE (slower)"), "tsne"))
#: Catalog roles that name items rather than group them (not offered as colours).
TEXT_ROLES = ("title", "description")


def _py(value):
    return value.item() if isinstance(value, np.generic) else value


def colour_choices(catalog) -> list[tuple[str, str]]:
    """(label, color_by) for the colour combo: catalog roles and other columns, then popularity."""
    out = []
    if catalog is not None:
        roles = {col: role for role, col in catalog.roles.items()}
        for col in catalog.frame.columns:
            role = roles.get(col)
            if role in TEXT_ROLES:
                continue
            out.append((f"{role} ({col})" if role and role != str(col).lower() else str(col), role or str(col)))
    out.append((translate("ExplainLatent", "popularity"), "popularity"))
    return out


class LatentTab(QWidget):
    """``bind`` follows the pane's run / customer / item; clicking a point asks to select it."""

    item_chosen = Signal(object)       # external item id

    def __init__(self, controller: ExplainController, parent: QWidget | None = None):
        super().__init__(parent)
        self.controller = controller
        self.run_id = self.user = self.item = None
        self.k = 10
        self.embeddings = True
        self.view = None                # LatentView drawn
        self._pending = None            # key of the last map asked for
        self._build()
        c = controller
        c.latent.progress.connect(self.strip.show_progress)
        c.latent.running_changed.connect(lambda busy: None if busy else self.strip.hide())
        c.latent.done.connect(self._show_view)
        c.latent.failed.connect(lambda msg, _t: _message(self.message, msg))
        c.latent.cancelled.connect(lambda _t: _message(self.message, self.tr("Map cancelled."), "info"))
        c.neighbours.done.connect(self._show_neighbours)
        c.neighbours.failed.connect(lambda msg, _t: self._neighbour_message(msg))

    def _build(self) -> None:
        root = QVBoxLayout(self)
        root.setContentsMargins(6, 6, 6, 6)
        root.setSpacing(5)
        self.pages = QStackedWidget()
        root.addWidget(self.pages)
        self.empty = QLabel("")
        self.empty.setObjectName("emptyNote")
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        content = QWidget()
        lay = QVBoxLayout(content)
        lay.setContentsMargins(0, 0, 0, 0)
        bar = QHBoxLayout()
        self.projection = QComboBox()
        for label, value in PROJECTIONS:
            self.projection.addItem(translate("ExplainLatent", label), value)
        self.colour = QComboBox()
        self.colour.setMinimumContentsLength(12)
        self.fit_button = QPushButton(self.tr("Fit view"))
        self.fit_button.setToolTip(self.tr("Zoom out to every point (the map zooms with the mouse wheel)"))
        self.projection.setToolTip(self.tr("{v0}<br>t-SNE keeps close neighbours close instead; slower, and distances between "
                                           "far-apart groups mean little.").format(v0=glossary.tip('pca')))
        self.projection.currentIndexChanged.connect(self.request)
        self.colour.currentIndexChanged.connect(self.request)
        self.fit_button.clicked.connect(lambda: self.scatter.getPlotItem().autoRange())
        bar.addWidget(QLabel(self.tr("Projection")))
        bar.addWidget(self.projection)
        bar.addWidget(QLabel(self.tr("Colour by")))
        bar.addWidget(self.colour)
        bar.addWidget(self.fit_button)
        bar.addStretch(1)
        lay.addLayout(bar)
        self.strip = ProgressStrip()
        self.strip.cancel_requested.connect(self.controller.latent.cancel)
        lay.addWidget(self.strip)
        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.message.hide()
        lay.addWidget(self.message)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.setChildrenCollapsible(False)
        left = QWidget()
        ll = QVBoxLayout(left)
        ll.setContentsMargins(0, 0, 0, 0)
        self.scatter = LatentScatter("", self.tr("map dimension 1"), self.tr("map dimension 2"))
        self.scatter.point_hovered.connect(self._hovered)
        self.scatter.point_clicked.connect(self._clicked)
        self.hover_label = QLabel(self.tr("Hover a point to see the item; click it to explain it."))
        self.hover_label.setObjectName("muted")
        self.caption = QLabel("")
        self.caption.setObjectName("muted")
        self.caption.setWordWrap(True)
        self.map_title = QLabel("")
        for label in (self.hover_label, self.caption, self.map_title):  # item titles are data, never markup
            label.setTextFormat(Qt.TextFormat.PlainText)
        self.map_title.setObjectName("sectionTitle")
        self.map_title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        ll.addWidget(self.map_title)
        ll.addWidget(self.scatter, 1)
        self.legend_label = QLabel("")
        self.legend_label.setWordWrap(True)
        ll.addWidget(self.legend_label)
        ll.addWidget(self.hover_label)
        ll.addWidget(self.caption)
        right = QSplitter(Qt.Orientation.Vertical)
        right.setChildrenCollapsible(False)
        box = QWidget()
        bl = QVBoxLayout(box)
        bl.setContentsMargins(0, 0, 0, 0)
        self.selected_label = QLabel("")
        self.selected_label.setTextFormat(Qt.TextFormat.PlainText)
        self.selected_label.setObjectName("sectionTitle")
        self.selected_label.setWordWrap(True)
        self.neighbours = QListWidget()
        self.neighbours.setToolTip(self.tr("Items closest in the model's space (cosine similarity first); click one to explain it"))
        self.neighbours.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.neighbours.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.neighbours.itemClicked.connect(lambda it: self.item_chosen.emit(it.data(Qt.ItemDataRole.UserRole)))
        bl.addWidget(self.selected_label)
        bl.addWidget(self.neighbours, 1)
        self.factors = HeatmapPlot("", self.tr("latent dimension"), "", colormap="CET-D1", bar_label="value",
                                   slanted=False, label_width=22)
        self.factors_box = titled(self.tr("Latent factors of the customer (top row) and of their top-K"), self.factors)
        right.addWidget(box)
        right.addWidget(self.factors_box)
        self.factors_box.hide()
        right.setStretchFactor(0, 2)
        right.setStretchFactor(1, 3)
        right.setMinimumWidth(390)
        split.addWidget(left)
        split.addWidget(right)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        lay.addWidget(split, 1)
        self.pages.addWidget(content)
        self.pages.addWidget(self.empty)

    # ---- following the pane -------------------------------------------------------------------
    def set_catalog(self, catalog) -> None:
        current = self.colour.currentData()
        self.colour.blockSignals(True)
        self.colour.clear()
        for label, value in colour_choices(catalog):
            self.colour.addItem(label, value)
        pick = next((i for i in range(self.colour.count()) if self.colour.itemData(i) == current), -1)
        if pick < 0:
            pick = next((i for role in ("category", "price") for i in range(self.colour.count())
                         if self.colour.itemData(i) == role), 0)
        self.colour.setCurrentIndex(pick)
        self.colour.blockSignals(False)

    def bind(self, run_id, user, item, k: int, embeddings: bool, model_name: str = "") -> None:
        """Follow the pane. The map is asked for again only when what it shows changed, and only
        while the tab is visible (a hidden tab catches up when shown)."""
        if (run_id, user, k, embeddings) != (self.run_id, self.user, self.k, self.embeddings):
            self.view = None
        self.run_id, self.user, self.k, self.embeddings = run_id, user, int(k), embeddings
        if not embeddings:
            self.empty.setText(self.tr("The model {model_name} has no latent vectors: it scores items without an embedding "
                                       "space (most-popular and item-kNN do), so there is no map to draw.\n\nChoose a BPR, iALS, "
                                       "SASRec, two-tower, text or EASE run to see one.").format(model_name=model_name))
            self.pages.setCurrentWidget(self.empty)
            return
        self.pages.setCurrentIndex(0)
        moved = item != self.item
        self.item = item
        if not self.isVisible():
            return
        if self.view is None:
            self.request()
        elif moved:
            self._select(item)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self.embeddings and self.run_id is not None and self.view is None:
            self.request()

    @Slot()
    def request(self) -> None:
        if self.run_id is None or not self.embeddings:
            return
        method = self.projection.currentData()
        key = (self.run_id, str(self.user), self.k, method, self.colour.currentData())
        if key == self._pending and self.controller.latent.busy:
            return                      # already on its way
        self._pending = key
        self.strip.start(self.tr("Running t-SNE…") if method == "tsne" else self.tr("Projecting the item vectors…"))
        _message(self.message, "")
        self.controller.request_latent(self.run_id, method, self.colour.currentData(), self.user, self.k)

    # ---- drawing ------------------------------------------------------------------------------
    def _show_view(self, view, key) -> None:
        if key[0] != self.run_id or (view.placement is not None and str(view.placement.user) != str(self.user)):
            return
        self.view = view
        m = view.map
        ordered = all("–" in s for s in m.legend if s not in ("other", "(unknown)"))
        self.scatter.set_map(m.xy, m.colors, m.legend, m.labels, ordered=ordered)
        self.map_title.setText(m.title)
        swatches = " ".join(f"<span style='color:{c}'>●</span>&nbsp;{html.escape(str(name))}&nbsp;&nbsp;"
                            for c, name in self.scatter.legend)
        self.legend_label.setText(self.tr("<b>{color_by}:</b> {swatches}<br><span style='color:#111827'>◯</span> bought "
                                          "&nbsp;&nbsp;<span style='color:#f59e0b'>★</span> recommended &nbsp;&nbsp;✕ the customer "
                                          "&nbsp;&nbsp;<span style='color:#dc2626'>◯</span> the item explained").format(
            color_by=html.escape(str(m.color_by)), swatches=swatches))
        flat = (self.tr("PCA flattens the model's many-dimensional item vectors onto this map, keeping as much "
                        "of their spread as it can: items close together are similar to the model.") if self.projection.currentData()
                == "pca" else self.tr("t-SNE keeps each item near its closest neighbours; distances between far groups mean little."))
        self.caption.setText(self.tr("{ids:,} items, coloured by {color_by}. {note}. {flat}").format(ids=len(m.ids), color_by=m.color_by, note=m.note, flat=flat))
        p = view.placement
        if p is not None:
            self.scatter.set_marks(p.history_xy, p.history_points, p.recommended_xy, p.recommended_points, p.user_xy)
            self.caption.setText(self.caption.text() + self.tr(" Marked: the customer's purchases and top {recommended_ids}; {note}.").format(recommended_ids=len(p.recommended_ids), note=p.note))
        h = view.heatmap
        self.factors_box.setVisible(h is not None)
        if h is not None:
            top = float(np.abs(h.matrix).max()) or 1.0
            self.factors.set_matrix(h.matrix, h.row_labels, [str(d + 1) for d in range(h.matrix.shape[1])],
                                    levels=(-top, top), decimals=3)
        self._select(self.item)

    def point_item(self, pos: int):
        """External id of map point ``pos``."""
        return _py(self.view.map.ids[pos])

    def _select(self, item) -> None:
        if self.view is None:
            return
        pos = -1
        if item is not None:
            hits = np.flatnonzero(self.view.map.ids.astype(str) == str(item))
            pos = int(hits[0]) if len(hits) else -1
        self.scatter.set_selected(pos)
        if item is None:
            self.selected_label.setText(self.tr("Click a point to see its nearest items"))
            self.neighbours.clear()
            return
        title = self.view.map.labels[pos] if pos >= 0 else str(item)
        where = "" if pos >= 0 else self.tr(" (not among the drawn points)")
        self.selected_label.setText(self.tr("Nearest to “{v0}”{where}").format(v0=title.strip(), where=where))
        self.controller.request_neighbours(self.run_id, item)

    @Slot(int)
    def _hovered(self, pos: int) -> None:
        if self.view is None or pos < 0:
            self.hover_label.setText(self.tr("Hover a point to see the item; click it to explain it."))
            return
        m = self.view.map
        self.hover_label.setText(self.tr("{title} · item {item} · {color_by}: {group}").format(
            title=m.labels[pos], item=m.ids[pos], color_by=m.color_by, group=m.legend[m.colors[pos]]))

    @Slot(int)
    def _clicked(self, pos: int) -> None:
        if self.view is not None:
            self.item_chosen.emit(self.point_item(pos))

    def _show_neighbours(self, found, tag) -> None:
        if tag != (self.run_id, self.item):
            return
        self.neighbours.clear()
        for item, title, cos in found:
            entry = QListWidgetItem(f"{cos:.2f}   {title.strip()}")
            entry.setData(Qt.ItemDataRole.UserRole, item)
            entry.setToolTip(self.tr("{title} (item {item})").format(title=title, item=item))
            self.neighbours.addItem(entry)

    def _neighbour_message(self, message: str) -> None:
        self.neighbours.clear()
        self.neighbours.addItem(message)
