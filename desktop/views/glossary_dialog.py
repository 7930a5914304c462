"""Help › Glossary: every metric, model, method and verdict in one plain sentence (``desktop.glossary``),
grouped, with a filter box."""

from __future__ import annotations

import html

from PySide6.QtWidgets import QDialog, QLineEdit, QTextBrowser, QVBoxLayout, QWidget

from desktop import glossary
from desktop.translate import translate


def glossary_html(text: str = "") -> str:
    """The glossary as HTML, only entries whose name or sentence holds ``text`` (case-insensitive)."""
    needle = text.strip().casefold()
    parts, group = [], None
    for t in glossary.entries():
        if needle and needle not in f"{t.name} {t.plain} {t.sentence}".casefold():
            continue
        if t.group != group:
            group = t.group
            parts.append(f"<h3>{html.escape(group)}</h3>")
        parts.append(f"<p><b>{html.escape(t.name)}</b> <i>({html.escape(t.plain)})</i> — {html.escape(t.sentence)}</p>")
    return "".join(parts) or translate("GlossaryDialog", "<p>Nothing matches.</p>")


class GlossaryDialog(QDialog):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Glossary"))
        self.resize(640, 680)
        lay = QVBoxLayout(self)
        self.filter = QLineEdit()
        self.filter.setPlaceholderText(self.tr("filter, e.g. NDCG, SHAP, over-fitting…"))
        self.filter.setClearButtonEnabled(True)
        self.text = QTextBrowser()
        self.text.setOpenExternalLinks(False)
        lay.addWidget(self.filter)
        lay.addWidget(self.text, 1)
        self.filter.textChanged.connect(lambda t: self.text.setHtml(glossary_html(t)))
        self.text.setHtml(glossary_html())
