"""engine.i18n: the engine writes its display text in the language the desktop sets (gettext, no Qt):
verdict sentences, data-role evidence, explanation labels; English is the source and the fallback."""

import pytest

from engine import i18n
from engine.data.headers import name_hits
from engine.diagnostics.curves import diagnose
from engine.explain.types import Faithfulness
from engine.train.loop import EpochRecord, History


@pytest.fixture
def chinese():
    assert i18n.set_language("zh_CN") == "zh_CN"
    yield
    i18n.set_language("en")


def overfitted() -> History:
    ndcg, loss = [0.10, 0.20, 0.25, 0.22, 0.18], [1.0, 0.8, 0.6, 0.5, 0.4]
    return History([EpochRecord(e + 1, l, {"ndcg@10": v}) for e, (v, l) in enumerate(zip(ndcg, loss))], 5,
                   "max_epochs")


def test_catalogs_and_fallback():
    assert "zh_CN" in i18n.available()
    assert i18n.set_language("xx") == "en" and i18n.language() == "en"
    assert i18n._("good fit") == "good fit"


def test_verdict_sentence_in_the_interface_language(chinese):
    d = diagnose(overfitted())
    assert d.verdict == "over-fitting"                     # the key stays English: it is data
    assert d.sentence.startswith("过拟合") and "验证集" in d.sentence
    i18n.set_language("en")
    assert diagnose(overfitted()).sentence.startswith("over-fitting from epoch 4")


def test_evidence_and_explanation_labels(chinese):
    hit = name_hits("CustomerID")[0]
    assert "顾客" in hit.describe("CustomerID")
    assert Faithfulness.test_label(Faithfulness, "history") == "删除历史商品"
