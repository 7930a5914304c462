"""One card per explanation method: a header with the method's faithfulness, the engine's title,
the chart (bars, attention heat map, SHAP waterfall) or the counterfactual in words, and its note.

Cards draw the display-ready results of ``engine.explain`` (Attribution, AttentionMap,
WordAttribution, Counterfactual); the only arithmetic is choosing which bars fit and adding up the rest.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QComboBox, QHBoxLayout, QLabel, QListWidget, QSplitter, QVBoxLayout,
                               QWidget)

from desktop import glossary
from desktop.controllers.explain_controller import method_title
from desktop.plots.heatmap import HeatmapPlot
from desktop.plots.hbars import HBarPlot
from desktop.plots.waterfall import WaterfallPlot
from desktop.translate import translate

#: Bars shown before the rest are added up into one grey "N other items" bar.
MAX_BARS = 15
#: Methods whose bars are the customer's history items (for "because they bought …").
HISTORY_KEYED = ("contributions", "saliency", "ig")
#: method -> glossary terms its card explains in its info line (what the chart's words mean)
INFO_TERMS = {"contributions": ("contributions", "score"), "latent": ("latent", "ukvk", "factor", "score"),
              "attention": ("attention",), "saliency": ("saliency", "score"), "ig": ("ig", "score"),
              "shap": ("shap", "margin"), "counterfactual": ("counterfactual",)}


def info_text(method: str) -> str:
    """"<b>Contributions</b> (…): … <b>Score</b> (…): …" — the plain meaning of a card's terms."""
    return " ".join(t for t in (glossary.tip(key) for key in INFO_TERMS.get(method, ())) if t)


@dataclass
class Context:
    """What a card needs beside the result: the item's title, the top-K, the model's name."""

    item_title: str
    k: int
    model: str


def join_titles(titles, limit: int = 4) -> str:
    """“A”, “A and B”, “A, B and C”, “A, B, C, D and 3 more”."""
    quoted = [f"“{str(t).strip()}”" for t in titles]
    if len(quoted) > limit:
        return ", ".join(quoted[:limit]) + translate("ExplainCards", " and {v0} more").format(v0=len(quoted) - limit)
    if len(quoted) <= 1:
        return "".join(quoted)
    return ", ".join(quoted[:-1]) + translate("ExplainCards", " and ") + quoted[-1]


def bar_rows(labels, values, unit_name: str, limit: int = MAX_BARS):
    """(labels, values, muted) for a bar chart: every value when they fit, else the ``limit`` − 1
    largest by size (most positive on top) and one bar adding up the rest. The bars always sum
    to ``values.sum()``."""
    v = np.asarray(values, dtype=np.float64)
    if len(v) <= limit:
        idx, rest = np.argsort(-v, kind="stable"), np.empty(0, np.int64)
    else:
        keep = np.argsort(-np.abs(v), kind="stable")[:limit - 1]
        idx = keep[np.argsort(-v[keep], kind="stable")]
        rest = np.setdiff1d(np.arange(len(v)), keep)
    out_labels = [str(labels[i]) for i in idx]
    out_values = v[idx].tolist()
    muted = set()
    if len(rest):
        out_labels.append(translate("ExplainCards", "{rest} other {unit_name}").format(rest=len(rest), unit_name=unit_name))
        out_values.append(float(v[rest].sum()))
        muted.add(len(out_values) - 1)
    return out_labels, out_values, muted


def titled(text: str, widget: QWidget) -> QWidget:
    """``widget`` under a centred caption (a Qt label wraps; a long plot title would widen the plot)."""
    box = QWidget()
    lay = QVBoxLayout(box)
    lay.setContentsMargins(0, 0, 0, 0)
    lay.setSpacing(2)
    label = QLabel(text)
    label.setObjectName("muted")
    label.setWordWrap(True)
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    lay.addWidget(label)
    lay.addWidget(widget, 1)
    box.title_label = label
    return box


class MethodCard(QWidget):
    """Header (method — faithfulness), subtitle (the engine's title), body, note, error line."""

    def __init__(self, method: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.method = method
        self.faith_text = ""
        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 2, 6, 2)
        lay.setSpacing(4)
        self.header = QLabel(method_title(method))
        self.header.setObjectName("sectionTitle")
        self.subtitle = QLabel("")
        self.subtitle.setWordWrap(True)
        self.error = QLabel("")
        self.error.setObjectName("error")
        self.error.setWordWrap(True)
        self.error.hide()
        self.body = QWidget()
        self.body_layout = QVBoxLayout(self.body)
        self.body_layout.setContentsMargins(0, 0, 0, 0)
        self.caption = QLabel("")
        self.caption.setWordWrap(True)
        self.caption.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.note = QLabel("")
        self.note.setObjectName("muted")
        self.note.setWordWrap(True)
        self.info = QLabel(info_text(method))
        self.info.setObjectName("muted")
        self.info.setWordWrap(True)
        self.info.setVisible(bool(self.info.text()))
        for w in (self.header, self.subtitle, self.error):
            lay.addWidget(w)
        lay.addWidget(self.body, 1)
        lay.addWidget(self.caption)
        lay.addWidget(self.note)
        lay.addWidget(self.info)
        self.result = None

    def set_faithfulness(self, text: str) -> None:
        self.faith_text = text
        title = method_title(self.method)
        self.header.setText(f"{title} — {text}" if text else title)
        self.header.setToolTip(glossary.tip("aopc") if "AOPC" in text else "")

    def show_result(self, result, ctx: Context) -> None:
        self.result = result
        self.error.hide()
        self.body.show()
        self.subtitle.setText(result.title)
        self.note.setText(result.note)
        self.draw(result, ctx)
        self.subtitle.setVisible(bool(self.subtitle.text()))

    def show_error(self, message: str) -> None:
        self.result = None
        self.error.setText(message)
        self.error.show()
        self.body.hide()
        self.subtitle.setText("")
        self.caption.setText("")
        self.note.setText("")

    def draw(self, result, ctx: Context) -> None:
        raise NotImplementedError


class AttributionCard(MethodCard):
    """Bars of an Attribution (contributions, latent terms, saliency, integrated gradients), their
    sum beside the score, and for history items “because the customer bought …”."""

    def __init__(self, method: str, parent: QWidget | None = None):
        super().__init__(method, parent)
        self.because = QLabel("")
        self.because.setWordWrap(True)
        self.because.setObjectName("verdictInfo")
        self.plot = HBarPlot("", self.tr("contribution to the score"), label_width=34)
        self.body_layout.addWidget(self.because)
        self.body_layout.addWidget(self.plot, 1)

    def draw(self, att, ctx: Context) -> None:
        history = self.method in HISTORY_KEYED and ctx.model != "twotower"
        if self.method == "latent":
            unit, axis = "factors", self.tr("u_k · v_k: customer taste × item trait on factor k (adds up to the score)")
        elif history:
            unit, axis = "items", self.tr("contribution to the score") if self.method == "contributions" else \
                self.tr("{v0} (score units)").format(v0=method_title(self.method).lower())
        else:
            unit, axis = "features", self.tr("{v0} (score units)").format(v0=method_title(self.method).lower())
        self.plot.getPlotItem().setLabel("bottom", axis)
        labels, values, muted = bar_rows(att.labels, att.values, unit)
        self.plot.set_bars(labels, values, muted=muted, decimals=4)
        total = float(np.sum(att.values))
        self.because.setVisible(history)
        if history:
            top = [i for i in att.order() if att.values[i] > 0][:3]
            share = float(np.sum(att.values[top])) / total if total > 0 else 0.0
            words = (self.tr("; together they make {share:.0%} of what the history adds").format(share=share) if 0 < share <= 1.0 and
                     self.method == "contributions" else "")
            self.because.setText(self.tr("Because this customer bought {v0}{words}.").format(v0=join_titles([att.labels[i] for i in top]), words=words)
                                 if top else self.tr("No item of this customer's history raises this item's score."))
        self.caption.setText(self._caption(att, total, len(att.values), unit))

    def _caption(self, att, total: float, n: int, unit: str) -> str:
        base = self.tr("baseline {baseline:.4f} + ").format(baseline=att.baseline) if abs(att.baseline) > 0 else ""
        if self.method in ("contributions", "latent"):
            what = self.tr("history items' contributions") if self.method == "contributions" else self.tr("factor terms")
            return (self.tr("<b>Score {target:.4f}</b> = {base}sum of the {n} {what} <b>{total:.4f}</b>").format(target=att.target, base=base, n=n, what=what, total=total)
                    + (self.tr(" (the baseline is the item's bias)") if base else ""))
        if self.method == "ig":
            return (self.tr("Score {target:.4f}; the bars sum to <b>{total:.4f}</b>, the score's change from the "
                            "empty input is {v2:.4f} (completeness).").format(target=att.target, total=total, v2=att.target - att.baseline))
        return (self.tr("Score {target:.4f}; the bars sum to {total:.4f}: saliency is a first-order estimate, "
                        "read it as a ranking, not as shares of the score.").format(target=att.target, total=total))


class AttentionCard(MethodCard):
    """SASRec attention: layer and head selectors, the position × position heat map (history titles
    on both axes, colour bar) and the last position's weights as bars."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__("attention", parent)
        row = QHBoxLayout()
        self.layer = QComboBox()
        self.head = QComboBox()
        for label, combo in ((self.tr("Layer"), self.layer), (self.tr("Head"), self.head)):
            row.addWidget(QLabel(label))
            row.addWidget(combo)
            combo.currentIndexChanged.connect(self._redraw)
        row.addStretch(1)
        self.body_layout.addLayout(row)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.setChildrenCollapsible(False)
        self.heatmap = HeatmapPlot("", self.tr("attended history item (key)"), self.tr("reading position (query)"),
                                   bar_label=self.tr("attention weight"), label_width=20)
        self.bars = HBarPlot("", self.tr("attention weight"), label_width=24)
        split.addWidget(titled(self.tr("Who attends to whom (row: the position reading; column: the item it reads)"),
                               self.heatmap))
        split.addWidget(titled(self.tr("What the last position reads to score the next item"), self.bars))
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        self.body_layout.addWidget(split, 1)

    def draw(self, amap, ctx: Context) -> None:
        layers, heads = amap.weights.shape[:2]
        for combo, n in ((self.layer, layers), (self.head, heads)):
            combo.blockSignals(True)
            keep = combo.currentIndex()
            combo.clear()
            combo.addItems([str(i + 1) for i in range(n)])
            combo.setCurrentIndex(keep if 0 <= keep < n else n - 1 if combo is self.layer else 0)
            combo.blockSignals(False)
        self._redraw()

    def _redraw(self) -> None:
        amap = self.result
        if amap is None or self.layer.currentIndex() < 0 or self.head.currentIndex() < 0:
            return
        layer, h = self.layer.currentIndex(), self.head.currentIndex()
        n = len(amap.labels)
        labels = [f"{p + 1}. {t}" for p, t in enumerate(amap.labels)]
        w = amap.weights[layer, h]
        # the first position can only read itself (weight 1): scale the colours to the other rows
        top = float(w[1:].max()) if n > 1 else 1.0
        self.heatmap.set_matrix(w, labels, labels, levels=(0.0, top))
        blabels, bvalues, muted = bar_rows(labels, amap.last_row[layer, h], "items")
        self.bars.set_bars(blabels, bvalues, muted=muted, decimals=3)
        self.caption.setText(self.tr("Layer {v0}, head {v1} of {v2}×{v3}; {n} history positions, oldest first (1 = oldest). "
                                     "Each row sums to 1; the colours stop at {top:.2f} (the first row, which can only read "
                                     "itself, is 1).").format(v0=layer + 1, v1=h + 1, v2=amap.weights.shape[0], v3=amap.weights.shape[1], n=n, top=top))


class ShapCard(MethodCard):
    """SHAP waterfall of the margin over the item ranked K+1: baseline → features → margin."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__("shap", parent)
        self.plot = WaterfallPlot("", self.tr("margin (score units)"), label_width=36)
        self.body_layout.addWidget(self.plot, 1)

    def draw(self, att, ctx: Context) -> None:
        order = np.argsort(-np.abs(att.values), kind="stable")
        inside = att.target > 0
        total = (self.tr("margin over the item ranked {v0}").format(v0=ctx.k + 1) if inside else self.tr("gap to the item ranked {k}").format(k=ctx.k))
        self.plot.set_waterfall(att.baseline, [att.labels[i] for i in order], att.values[order], att.target,
                                baseline_label=self.tr("expected margin (baseline)"), total_label=total, decimals=4)
        where = (self.tr("it stays ahead of the item ranked {v0}, so it is in the top {k}").format(v0=ctx.k + 1, k=ctx.k) if inside else
                 self.tr("it trails the item ranked {k}, so it misses the top {k}").format(k=ctx.k))
        self.caption.setText(self.tr("<b>Margin {target:+.4f}</b> = baseline {baseline:+.4f} + the features' SHAP values "
                                     "{v2:+.4f}: {where}. The margin is the item's lead over the item ranked {v4}, not its "
                                     "score, so it differs from the score the other cards show.").format(target=att.target, baseline=att.baseline, v2=float(np.sum(att.values)), where=where, v4=ctx.k + 1))


class CounterfactualCard(MethodCard):
    """The counterfactual in words and the list of the history items it removes."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__("counterfactual", parent)
        self.sentence = QLabel("")
        self.sentence.setWordWrap(True)
        self.sentence.setObjectName("verdictInfo")
        self.sentence.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.list_title = QLabel(self.tr("Items removed"))
        self.list_title.setObjectName("sectionTitle")
        self.removed = QListWidget()
        self.body_layout.addWidget(self.sentence)
        self.body_layout.addWidget(self.list_title)
        self.body_layout.addWidget(self.removed)
        self.body_layout.addStretch(1)

    def draw(self, cf, ctx: Context) -> None:
        self.subtitle.setText("")         # the sentence says it
        self.sentence.setText(counterfactual_sentence(cf, ctx.item_title))
        self.removed.clear()
        self.removed.addItems([self.tr("{v0}  (item {i})").format(v0=t.strip(), i=i) for t, i in zip(cf.labels, cf.removed)])
        rows = max(1, min(len(cf.removed), 12))
        self.removed.setFixedHeight(rows * self.removed.sizeHintForRow(0) + 8 if cf.removed else 0)
        self.list_title.setVisible(bool(cf.removed))
        self.removed.setVisible(bool(cf.removed))
        self.caption.setText("")


def counterfactual_sentence(cf, title: str) -> str:
    """The counterfactual as one plain sentence."""
    if cf.found and cf.removed:
        how = translate("ExplainCards", "This is the smallest such set.") if cf.exact else translate("ExplainCards", "Found greedily: a smaller set may exist.")
        return (translate("ExplainCards", "Had this customer not bought {labels}, “{title}” would drop from rank {rank_before} to "
                                          "rank {rank_after}, out of the top {k}. {how}").format(labels=join_titles(cf.labels), title=title, rank_before=cf.rank_before, rank_after=cf.rank_after, k=cf.k, how=how))
    if cf.rank_before > cf.k:
        return (translate("ExplainCards", "“{title}” ranks {rank_before} when scored from this customer's history alone, already "
                                          "outside the top {k}: there is nothing to remove.").format(title=title, rank_before=cf.rank_before, k=cf.k))
    return (translate("ExplainCards", "Even without {removed} of this customer's items, “{title}” stays in the top {k} (rank "
                                      "{rank_after}): no small change to the history removes it.").format(removed=len(cf.removed), title=title, k=cf.k, rank_after=cf.rank_after))


def word_html(result) -> str:
    """The item's text as HTML, each word on a background by its credit (``WordAttribution``): green
    raises the score, red lowers it, stronger = larger share of the largest |credit|; words past the
    token limit grey; each word's value in its tooltip (title)."""
    import html
    values = np.asarray(result.values, dtype=float)
    top = float(np.abs(values).max()) if len(values) else 0.0
    out, pos = [], 0
    for j, (start, end) in enumerate(np.asarray(result.spans, dtype=int).reshape(-1, 2)):
        out.append(html.escape(result.text[pos:start]))
        word = html.escape(result.text[start:end])
        if not result.read[j]:
            out.append(f"<span style='color:#9ca3af' title='not read (past the token limit)'>{word}</span>")
        else:
            alpha = 0.85 * abs(values[j]) / top if top > 0 else 0.0
            rgb = "22,163,74" if values[j] >= 0 else "220,38,38"
            out.append(f"<span style='background-color:rgba({rgb},{alpha:.2f});padding:1px 2px' "
                       f"title='{values[j]:+.4f}'>{word}</span>")
        pos = end
    out.append(html.escape(result.text[pos:]))
    return "".join(out) or translate("ExplainCards", "<i>(this item has no text)</i>")


class WordsCard(MethodCard):
    """Language models: the item's text with its words highlighted by integrated gradients, and the
    customer's purchases as bars (``WordAttribution``)."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__("words", parent)
        self.because = QLabel("")
        self.because.setWordWrap(True)
        self.because.setObjectName("verdictInfo")
        self.text = QLabel("")
        self.text.setTextFormat(Qt.TextFormat.RichText)
        self.text.setWordWrap(True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.text.setToolTip(self.tr("Green words raise this item's score for the customer, red words lower it; the stronger "
                                     "the colour, the larger the word's share (integrated gradients over the language model's "
                                     "token embeddings, summed per word). Hover a word for its value."))
        self.plot = HBarPlot(self.tr("Purchases in the history"), self.tr("integrated gradients (score units)"), label_width=34)
        self.plot.setToolTip(self.tr("How much each of the customer's purchases (as the model reads them, oldest first) adds "
                                     "to this item's score: integrated gradients from an empty history"))
        for w in (self.because, self.text):
            self.body_layout.addWidget(w)
        self.body_layout.addWidget(self.plot, 1)

    def draw(self, words, ctx: Context) -> None:
        top = [words.words[i] for i in words.order() if words.values[i] > 0 and words.read[i]][:3]
        bought = []
        if words.history is not None:
            h = words.history
            bought = [h.labels[i] for i in h.order() if h.values[i] > 0][:3]
            labels, values, muted = bar_rows(h.labels, h.values, "items")
            self.plot.set_bars(labels, values, muted=muted, decimals=4)
        because = (self.tr("Words that made the match: {v0}.").format(v0=join_titles([f'“{w}”' for w in top])) if top else
                   self.tr("No word of this item's text raises its score for this customer."))
        if bought:
            because += self.tr(" Purchases that made it: {bought}.").format(bought=join_titles(bought))
        self.because.setText(because)
        self.text.setText(word_html(words))
        self.caption.setText(self.tr("Score {target:.4f}; the words sum to <b>{v1:.4f}</b>, the score's change from the text "
                                     "with every word padded is {v2:.4f} (completeness).").format(target=words.target, v1=float(np.sum(words.values)), v2=words.target - words.baseline))

    def report_html(self) -> str | None:
        """The highlighted text and its caption for the HTML report (None before a result)."""
        if self.result is None:
            return None
        return f"<p><b>{self.subtitle.text()}</b></p><p style='font-size:1.1em'>{word_html(self.result)}</p>" \
               f"<p>{self.because.text()}</p>"


def make_card(method: str) -> MethodCard:
    if method == "attention":
        return AttentionCard()
    if method == "words":
        return WordsCard()
    if method == "shap":
        return ShapCard()
    if method == "counterfactual":
        return CounterfactualCard()
    return AttributionCard(method)
