"""The Explain pane's Words card (language models) and the report's highlighted text."""

import numpy as np

from desktop import report
from desktop.views.explain_cards import Context, make_card, word_html
from engine.explain.types import Attribution, WordAttribution


def _result():
    text = "WHITE HANGING HEART T-LIGHT HOLDER"
    spans = np.array([[0, 5], [6, 13], [14, 19], [20, 27], [28, 34]])
    history = Attribution(method="ig", title="purchases", keys=(1, 2), labels=("RED MUG", "TEA SET"),
                          values=np.array([0.3, -0.1]), target=1.0, baseline=0.8)
    return WordAttribution(title="Why “HOLDER”: the words of its text", text=text,
                           words=tuple(text[s:e] for s, e in spans), spans=spans,
                           values=np.array([0.05, -0.02, 0.4, 0.1, 0.0]), read=np.array([1, 1, 1, 1, 0], bool),
                           target=1.0, baseline=0.47, history=history)


def test_word_html_colours_each_word_by_its_credit():
    html = word_html(_result())
    assert html.count("<span") == 5
    assert "rgba(22,163,74,0.85)" in html and ">HEART</span>" in html          # the largest credit, green
    assert "rgba(220,38,38" in html and ">HANGING</span>" in html               # negative, red
    assert "not read" in html and ">HOLDER</span>" in html                      # past the token limit
    assert "title='+0.4000'" in html


def test_words_card_shows_text_purchases_and_reports_them(qtbot):
    card = make_card("words")
    qtbot.addWidget(card)
    card.show_result(_result(), Context("HOLDER", 10, "lm"))
    assert "HEART" in card.text.text() and "<span" in card.text.text()
    assert "“HEART”" in card.because.text() and "RED MUG" in card.because.text()
    assert "0.5300" in card.caption.text()                                      # words' sum
    assert card.plot.has_data()
    fragment = card.report_html()
    assert fragment and "HEART" in fragment
    page = report.build_html(title="t", highlights=[("Explain", fragment)])
    assert "<h2>Explanations</h2>" in page and "rgba(22,163,74,0.85)" in page
