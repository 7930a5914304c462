"""The HTML report: one self-contained file with the data profile, the leaderboard and every plot
the app's panes are showing (PNG, base64-embedded). Formatting only: every number comes from the
engine objects handed in (Profile, DataReport, runs and ``engine.runs.metric_table``).
"""

from __future__ import annotations

import base64
import html
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QBuffer, QIODevice
from PySide6.QtWidgets import QApplication, QStackedWidget, QWidget

#: Size (px) of plots rendered while not on screen.
PLOT_WIDTH, PLOT_HEIGHT = 760, 420

_CSS = """
body{font-family:"Segoe UI",Helvetica,Arial,sans-serif;color:#1f2937;margin:2em auto;max-width:1100px;
     line-height:1.4;padding:0 1em}
h1{font-size:1.6em;margin-bottom:.1em}h2{font-size:1.2em;margin-top:1.8em;border-bottom:1px solid #e5e7eb}
.sub{color:#6b7280;margin-top:0}table{border-collapse:collapse;font-size:.9em;margin:.5em 0}
th,td{border:1px solid #e5e7eb;padding:.3em .6em;text-align:right}th{background:#f3f4f6}
td:first-child,th:first-child{text-align:left}.warn{color:#92400e}
table.plots td{border:none;padding:0 1em 1em 0;vertical-align:top;text-align:left}
img{max-width:100%;border:1px solid #e5e7eb}
"""


@dataclass(frozen=True)
class Plot:
    """One rendered plot: pane name, plot title, PNG bytes."""

    pane: str
    title: str
    png: bytes


def collect_plots(stack: QStackedWidget, pane_names: list[str]) -> list[Plot]:
    """PNG of every pyqtgraph PlotWidget with data in the panes of ``stack``, each pane laid out
    as the user would see it (hidden panes are brought up for a moment, then the current one is
    restored).

    pane_names: the navigation title of each page of ``stack``.
    """
    plots = []
    current = stack.currentIndex()
    try:
        for index in range(stack.count()):
            page = stack.widget(index)
            widgets = [w for w in page.findChildren(pg.PlotWidget) if _has_data(w)]
            if not widgets:
                continue
            if stack.isVisible():
                stack.setCurrentIndex(index)
                QApplication.processEvents()  # lay the page out at the window's size
            pane = pane_names[index] if index < len(pane_names) else page.objectName()
            for widget in widgets:
                png = render_png(widget)
                if png:
                    plots.append(Plot(pane, _plain(widget.getPlotItem().titleLabel.text), png))
    finally:
        stack.setCurrentIndex(current)
    return plots


def _has_data(widget: pg.PlotWidget) -> bool:
    if hasattr(widget, "has_data"):
        return bool(widget.has_data())
    for item in widget.getPlotItem().listDataItems():
        x, _ = item.getData() if hasattr(item, "getData") else (None, None)
        if x is not None and len(x):
            return True
    return False


def render_png(widget: QWidget) -> bytes:
    """PNG bytes of ``widget`` as it looks now (at PLOT_WIDTH × PLOT_HEIGHT when it is not on
    screen, e.g. in a window that was never shown)."""
    if not widget.isVisible():
        widget.resize(PLOT_WIDTH, PLOT_HEIGHT)
    image = widget.grab().toImage()
    if image.isNull():
        return b""
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(buffer.data())


def _plain(text) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", str(text or ""))).strip()


# ---- HTML --------------------------------------------------------------------------------------
def build_html(*, title: str, dataset=None, profile=None, runs=(), metric_names=(), metric_values=None,
               k: int = 10, plots: list[Plot] = (), notes: list[str] = (), created: datetime | None = None) -> str:
    """The report as one HTML document.

    dataset: engine Dataset (source, mapping, report) or None; profile: its engine Profile or None;
    runs: engine Runs; metric_names, metric_values: ``engine.runs.metric_table(runs, k)``.
    """
    created = created or datetime.now()
    parts = [f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{_e(title)}</title>"
             f"<style>{_CSS}</style></head><body>",
             f"<h1>{_e(title)}</h1><p class='sub'>RecScope report · {created:%Y-%m-%d %H:%M}</p>"]
    parts.append(_data_section(dataset, profile))
    parts.append(_leaderboard(runs, metric_names, metric_values, k))
    if notes:
        parts.append("<h2>Notes</h2><ul>" + "".join(f"<li>{_e(n)}</li>" for n in notes) + "</ul>")
    if plots:
        parts.append("<h2>Plots</h2>")
        for pane in dict.fromkeys(p.pane for p in plots):
            cells = [f"<td><img src=\"data:image/png;base64,{base64.b64encode(p.png).decode('ascii')}\" "
                     f"alt=\"{_e(p.title or pane)}\"></td>" for p in plots if p.pane == pane]
            rows = "".join("<tr>" + "".join(cells[i:i + 2]) + "</tr>" for i in range(0, len(cells), 2))
            parts.append(f"<h3>{_e(pane)}</h3><table class='plots'>{rows}</table>")
    parts.append("</body></html>")
    return "\n".join(parts)


def _data_section(dataset, profile) -> str:
    if dataset is None or profile is None:
        return "<h2>Data</h2><p>No data set is loaded.</p>"
    m, rep = dataset.mapping, dataset.report
    source = Path(str(dataset.source.get("path") or "")).name or "—"
    rows = [("Source file", source),
            ("Columns", ", ".join(f"{role} = {col}" for role, col in
                                  (("user", m.user), ("item", m.item), ("value", m.value),
                                   ("time", m.timestamp), ("event", m.event)) if col)),
            ("Customers", _int(profile.n_users)), ("Items", _int(profile.n_items)),
            ("Interactions", _int(profile.n_events)), ("Distinct customer–item pairs", _int(profile.n_pairs)),
            ("Density", f"{profile.density:.3%}"),
            ("Share of interactions on the top 20 % of items", f"{profile.top20_share:.1%}"),
            ("Interactions per customer (median / mean / max)", _stats(profile.events_per_user)),
            ("Interactions per item (median / mean / max)", _stats(profile.events_per_item)),
            ("Time span", f"{profile.time_min} → {profile.time_max}" if profile.time_min else "no timestamps"),
            ("Rows read / kept", f"{_int(rep.rows_read)} / {_int(rep.rows_used)}")]
    rows += [(f"Dropped: {reason}", _int(n)) for reason, n in rep.dropped.items()]
    body = "".join(f"<tr><td>{_e(a)}</td><td>{_e(b)}</td></tr>" for a, b in rows)
    warn = "".join(f"<p class='warn'>⚠ {_e(w)}</p>" for w in rep.warnings)
    return f"<h2>Data</h2><table>{body}</table>{warn}"


def _leaderboard(runs, names, values, k: int) -> str:
    if not runs:
        return "<h2>Leaderboard</h2><p>No runs yet.</p>"
    order = sorted(range(len(names)), key=lambda j: (_rank(names[j]), names[j]))
    head = "".join(f"<th>{_e(n)}</th>" for n in ("Run", "Model", "Kind", *(names[j] for j in order)))
    body = []
    for run, row in zip(runs, np.asarray(values).reshape(len(runs), len(names))):
        cells = [run.name, run.model_name, run.kind] + [_num(row[j]) for j in order]
        body.append("<tr>" + "".join(f"<td>{_e(c)}</td>" for c in cells) + "</tr>")
    return (f"<h2>Leaderboard (K = {k})</h2><p class='sub'>Full ranking over every candidate item, seen "
            f"items excluded, averaged over test customers.</p><table><tr>{head}</tr>{''.join(body)}</table>")


#: Leaderboard column order (accuracy first, then beyond-accuracy); others follow alphabetically.
_ORDER = ("ndcg", "recall", "precision", "hit", "map", "mrr", "f1", "coverage", "novelty", "diversity", "arp")


def _rank(name: str) -> int:
    base = name.split("@")[0]
    return _ORDER.index(base) if base in _ORDER else len(_ORDER)


def _e(text) -> str:
    return html.escape(str(text), quote=True)


def _int(n) -> str:
    return f"{int(n):,}"


def _num(v) -> str:
    return "—" if v is None or not np.isfinite(v) else f"{float(v):.4f}"


def _stats(s: dict) -> str:
    return f"{s['median']:g} / {s['mean']:.1f} / {s['max']:g}"
