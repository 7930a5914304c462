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
from PySide6.QtCore import QT_TRANSLATE_NOOP, QBuffer, QDateTime, QIODevice, QLocale
from PySide6.QtWidgets import QApplication, QStackedWidget, QWidget

from desktop import glossary
from desktop.translate import translate

#: Size (px) of plots rendered while not on screen.
PLOT_WIDTH, PLOT_HEIGHT = 760, 420

_CSS = """
body{font-family:"Segoe UI",Helvetica,Arial,sans-serif;color:#1f2937;margin:2em auto;max-width:1100px;
     line-height:1.4;padding:0 1em}
h1{font-size:1.6em;margin-bottom:.1em}h2{font-size:1.2em;margin-top:1.8em;border-bottom:1px solid #e5e7eb}
.sub{color:#6b7280;margin-top:0}table{border-collapse:collapse;font-size:.9em;margin:.5em 0}
th,td{border:1px solid #e5e7eb;padding:.3em .6em;text-align:right}th{background:#f3f4f6}
td:first-child,th:first-child{text-align:left}.warn{color:#92400e}
th{font-weight:600;vertical-align:bottom}th small,td small{font-weight:normal;color:#6b7280}
td.name{max-width:18em;overflow-wrap:anywhere}
table.plots td{border:none;padding:0 1em 1em 0;vertical-align:top;text-align:left}
img{max-width:100%;border:1px solid #e5e7eb}figcaption{font-size:.85em;color:#374151;margin:.2em 0 0}
"""
#: Leaderboard tables: (heading, metrics in column order); metrics in neither go to the second.
METRIC_TABLES = ((QT_TRANSLATE_NOOP("Report", "How accurate"), ("ndcg", "recall", "precision", "hit", "map", "mrr", "f1")),
                 (QT_TRANSLATE_NOOP("Report", "Beyond accuracy"), ("coverage", "novelty", "diversity", "arp")))


@dataclass(frozen=True)
class Plot:
    """One rendered plot: pane name, its caption (what it shows, for whom, by which model), PNG bytes."""

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
            context = page.report_context() if hasattr(page, "report_context") else ""
            for widget in widgets:
                png = render_png(widget)
                if png:
                    caption = " — ".join(filter(None, [plot_title(widget), context]))
                    plots.append(Plot(pane, caption, png))
    finally:
        stack.setCurrentIndex(current)
    return plots


def plot_title(widget: pg.PlotWidget) -> str:
    """The plot's own title, else the captions around it: the ``title_label`` of a box it sits in and
    the ``header`` of the card holding it (Explain cards draw their titles outside the plot)."""
    own = _plain(widget.getPlotItem().titleLabel.text)
    if own:
        return own
    parts, parent = [], widget.parentWidget()
    while parent is not None and len(parts) < 2:
        for name in ("title_label", "header"):
            label = getattr(parent, name, None)
            if label is not None and hasattr(label, "text") and _plain(label.text()):
                parts.insert(0, _plain(label.text()))
        parent = parent.parentWidget()
    return ": ".join(dict.fromkeys(parts))


def collect_highlights(stack: QStackedWidget, pane_names: list[str]) -> list[tuple[str, str]]:
    """(pane name, HTML) of every widget in the panes of ``stack`` that offers ``report_html()`` and
    has something to show (e.g. the Explain pane's highlighted words)."""
    out = []
    for index in range(stack.count()):
        page = stack.widget(index)
        pane = pane_names[index] if index < len(pane_names) else page.objectName()
        for widget in page.findChildren(QWidget):
            fragment = widget.report_html() if callable(getattr(widget, "report_html", None)) else None
            if fragment:
                out.append((pane, fragment))
    return out


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
               k: int = 10, plots: list[Plot] = (), notes: list[str] = (), created: datetime | None = None,
               highlights: list[tuple[str, str]] = ()) -> str:
    """The report as one HTML document.

    highlights: (pane, HTML fragment) from ``collect_highlights`` (app-made markup, e.g. the words of an
    item's text coloured by their credit), shown under "Explanations".
    dataset: engine Dataset (source, mapping, report) or None; profile: its engine Profile or None;
    runs: engine Runs; metric_names, metric_values: ``engine.runs.metric_table(runs, k)``.
    """
    created = created or datetime.now()
    stamp = QLocale().toString(QDateTime(created), QLocale.FormatType.ShortFormat)
    parts = [f"<!DOCTYPE html><html lang='{QLocale().bcp47Name()}'><head><meta charset='utf-8'><title>{_e(title)}</title>"
             f"<style>{_CSS}</style></head><body>",
             f"<h1>{_e(title)}</h1><p class='sub'>"
             + translate("Report", "RecScope report · {created}").format(created=stamp) + "</p>"]
    parts.append(_data_section(dataset, profile))
    parts.append(_leaderboard(runs, metric_names, metric_values, k))
    if notes:
        parts.append(translate("Report", "<h2>Notes</h2><ul>") + "".join(f"<li>{_e(n)}</li>" for n in notes) + "</ul>")
    if highlights:
        parts.append(translate("Report", "<h2>Explanations</h2>"))
        parts.extend(f"<h3>{_e(pane)}</h3>{fragment}" for pane, fragment in highlights)
    if plots:
        parts.append(translate("Report", "<h2>Plots</h2>"))
        for pane in dict.fromkeys(p.pane for p in plots):
            cells = [f"<td><figure><img src=\"data:image/png;base64,{base64.b64encode(p.png).decode('ascii')}\" "
                     f"alt=\"{_e(p.title or pane)}\"><figcaption>{_e(p.title)}</figcaption></figure></td>"
                     for p in plots if p.pane == pane]
            rows = "".join("<tr>" + "".join(cells[i:i + 2]) + "</tr>" for i in range(0, len(cells), 2))
            parts.append(f"<h3>{_e(pane)}</h3><table class='plots'>{rows}</table>")
    parts.append("</body></html>")
    return "\n".join(parts)


def _data_section(dataset, profile) -> str:
    if dataset is None or profile is None:
        return translate("Report", "<h2>Data</h2><p>No data set is loaded.</p>")
    m, rep = dataset.mapping, dataset.report
    source = Path(str(dataset.source.get("path") or "")).name or "—"
    rows = [(translate("Report", "Source file"), source),
            (translate("Report", "Columns"), ", ".join(f"{role} = {col}" for role, col in
                                  (("user", m.user), ("item", m.item), ("value", m.value),
                                   ("time", m.timestamp), ("event", m.event)) if col)),
            (translate("Report", "Customers"), _int(profile.n_users)), (translate("Report", "Items"), _int(profile.n_items)),
            (translate("Report", "Interactions"), _int(profile.n_events)), (translate("Report", "Distinct customer–item pairs"), _int(profile.n_pairs)),
            (translate("Report", "Density"), f"{profile.density:.3%}"),
            (translate("Report", "Share of interactions on the top 20 % of items"), f"{profile.top20_share:.1%}"),
            (translate("Report", "Interactions per customer (median / mean / max)"), _stats(profile.events_per_user)),
            (translate("Report", "Interactions per item (median / mean / max)"), _stats(profile.events_per_item)),
            (translate("Report", "Time span"), f"{profile.time_min} → {profile.time_max}" if profile.time_min else translate("Report", "no timestamps")),
            (translate("Report", "Rows read / kept"), f"{_int(rep.rows_read)} / {_int(rep.rows_used)}")]
    rows += [(translate("Report", "Dropped: {reason}").format(reason=reason), _int(n)) for reason, n in rep.dropped.items()]
    body = "".join(f"<tr><td>{_e(a)}</td><td>{_e(b)}</td></tr>" for a, b in rows)
    warn = "".join(f"<p class='warn'>⚠ {_e(w)}</p>" for w in rep.warnings)
    return translate("Report", "<h2>Data</h2><table>{body}</table>{warn}").format(body=body, warn=warn)


def _leaderboard(runs, names, values, k: int) -> str:
    """Two tables that fit a page: accuracy, then beyond-accuracy metrics; plain names over the keys."""
    if not runs:
        return translate("Report", "<h2>Leaderboard</h2><p>No runs yet.</p>")
    values = np.asarray(values).reshape(len(runs), len(names))
    column = {n: j for j, n in enumerate(names)}
    placed = [m for _, group in METRIC_TABLES for m in group]
    parts = [translate("Report", "<h2>Leaderboard (K = {k})</h2><p class='sub'>Full ranking over every candidate item, "
                                 "seen items excluded, averaged over test customers.</p>").format(k=k)]
    for j, (heading, group) in enumerate(METRIC_TABLES):
        keys = [f"{m}@{k}" for m in group if f"{m}@{k}" in column]
        if j == len(METRIC_TABLES) - 1:
            keys += sorted(n for n in names if n.split("@")[0] not in placed)
        if not keys:
            continue
        head = translate("Report", "<th>Run<br><small>model · kind</small></th>") + "".join(
            f"<th title=\"{_e(glossary.term(key).sentence if glossary.term(key) else key)}\">"
            f"{_e(_plain_name(key))}<br><small>{_e(glossary.metric_name(key))}</small></th>" for key in keys)
        body = "".join(
            f"<tr><td class='name'>{_e(run.name)}<br><small>{_e(run.model_name)} · {_e(run.kind)}</small></td>"
            + "".join(f"<td>{_num(row[column[key]])}</td>" for key in keys) + "</tr>"
            for run, row in zip(runs, values))
        parts.append(f"<h3>{_e(translate('Report', heading))}</h3><table><tr>{head}</tr>{body}</table>")
    return "".join(parts)


def _plain_name(key: str) -> str:
    t = glossary.term(key.split("@")[0])
    return f"{t.plain[:1].upper()}{t.plain[1:]}" if t is not None else key


def _e(text) -> str:
    return html.escape(str(text), quote=True)


def _int(n) -> str:
    return f"{int(n):,}"


def _num(v) -> str:
    return "—" if v is None or not np.isfinite(v) else f"{float(v):.4f}"


def _stats(s: dict) -> str:
    return f"{s['median']:g} / {s['mean']:.1f} / {s['max']:g}"
