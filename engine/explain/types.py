"""Display-ready explanation results: frozen dataclasses the GUI draws and the CLI prints as JSON.

Every method in ``engine.explain`` returns one of these; ``to_dict()`` makes it JSON-able.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields

import numpy as np
from engine.i18n import N_, _


def _jsonable(value):
    if isinstance(value, np.ndarray):
        return _jsonable(value.tolist())
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (np.floating, float)):
        return None if math.isnan(float(value)) else float(value)
    if isinstance(value, np.integer):
        return int(value)
    if hasattr(value, "to_dict"):
        return value.to_dict()
    return value


class _Dict:
    def to_dict(self) -> dict:
        return {f.name: _jsonable(getattr(self, f.name)) for f in fields(self)}


@dataclass(frozen=True)
class Attribution(_Dict):
    """Per-feature credit for one (user, item) score.

    method: "contributions" | "latent" | "saliency" | "ig" | "shap" | ...; title: one line for a chart;
    keys: (n,) external item ids (history items) or feature names; labels: (n,) display text
    (catalog title when known); values: (n,) float64 credit, in ``unit``;
    target: the explained quantity (the score, or the margin over the item ranked K+1);
    baseline: the quantity with every feature "absent", so sum(values) ≈ target − baseline
    (exactly for additive methods); unit: "score" or "margin"; note: caveats in plain words.
    """

    method: str
    title: str
    keys: tuple
    labels: tuple[str, ...]
    values: np.ndarray
    target: float
    baseline: float = 0.0
    unit: str = "score"
    user: object = None
    item: object = None
    note: str = ""

    def order(self) -> np.ndarray:
        """(n,) indices of ``values`` from the most to the least positive."""
        return np.argsort(-self.values, kind="stable")


@dataclass(frozen=True)
class WordAttribution(_Dict):
    """Which words of an item's text made the match (``engine.explain.words``), with the purchases.

    text: the item's text; words: (W,) its whole words; spans: (W, 2) int64 character [start, end)
    of each word in ``text`` (for highlighting); values: (W,) float64 credit per word in score units
    (sum ≈ target − baseline); read: (W,) bool, False for words past the model's token limit;
    target: the item's score; baseline: its score with every word replaced by padding; history: an
    ``Attribution`` over the customer's purchases (the same score, through the user side)."""

    title: str
    text: str
    words: tuple[str, ...]
    spans: np.ndarray
    values: np.ndarray
    read: np.ndarray
    target: float
    baseline: float
    history: Attribution | None = None
    method: str = "words"
    user: object = None
    item: object = None
    note: str = ""

    def order(self) -> np.ndarray:
        """(W,) word indices from the most to the least positive credit."""
        return np.argsort(-self.values, kind="stable")


@dataclass(frozen=True)
class AttentionMap(_Dict):
    """SASRec attention for one user: weights[layer, head, query, key] over the last ``n`` history
    positions (oldest first); keys/labels: (n,) history item ids / titles; last_row: (layers, heads, n)
    the weights from the last position (the one that scores the next item). Rows sum to 1."""

    title: str
    keys: tuple
    labels: tuple[str, ...]
    weights: np.ndarray
    user: object = None
    item: object = None
    note: str = ""

    @property
    def last_row(self) -> np.ndarray:
        return self.weights[:, :, -1, :]


@dataclass(frozen=True)
class Counterfactual(_Dict):
    """The smallest set of history items found whose removal drops ``item`` out of the top-``k``.

    removed: external ids (labels: titles) in removal order; rank_before / rank_after: 1-based rank
    of the item; found: False when even removing ``max_removed`` items kept it in the top-k;
    exact: True when the search proved minimality (exhaustive over small sets)."""

    title: str
    removed: tuple
    labels: tuple[str, ...]
    rank_before: int
    rank_after: int
    k: int
    found: bool
    exact: bool
    user: object = None
    item: object = None
    note: str = ""


@dataclass(frozen=True)
class Faithfulness(_Dict):
    """Deletion tests (``engine.explain.faithfulness``), one per kind of unit a method ranks.

    History items, over ``pairs`` (user, item) pairs: curves[method] is the (steps+1,) mean drop of
    the item's score after deleting 0..steps history items in the method's order (normalised by the
    drop from deleting the whole history); aopc[method] its mean over the steps + 1 points; "random"
    is the random-order baseline. The same, each with its own "random", for the two-tower model's
    input features set to zero (saliency, ig: ``feature_*``), its features taken from SHAP's
    background (shap: ``shap_*``; drops normalised by Σ|SHAP| instead) and latent factors zeroed
    (latent: ``factor_*``), with (min(steps, units) + 1,) curves, and the words of a language model's
    item text replaced by padding (words: ``word_*``, (steps + 1,) curves); ``score(method)`` finds a
    method's figures.
    """

    pairs: int
    steps: int
    aopc: dict = field(default_factory=dict)
    curves: dict = field(default_factory=dict)
    model: str = ""
    note: str = ""
    feature_pairs: int = 0
    feature_curves: dict = field(default_factory=dict)
    feature_aopc: dict = field(default_factory=dict)
    shap_pairs: int = 0
    shap_curves: dict = field(default_factory=dict)
    shap_aopc: dict = field(default_factory=dict)
    factor_pairs: int = 0
    factor_curves: dict = field(default_factory=dict)
    factor_aopc: dict = field(default_factory=dict)
    word_pairs: int = 0
    word_curves: dict = field(default_factory=dict)
    word_aopc: dict = field(default_factory=dict)

    #: Each deletion test: its key (the prefix "<key>_" of its fields; none for "history") -> what it deletes.
    TESTS = {"history": N_("history items deleted"), "feature": N_("input features zeroed"),
             "shap": N_("input features set to SHAP's background"), "factor": N_("latent factors zeroed"),
             "word": N_("words of the item's text replaced by padding")}

    def test_label(self, key: str) -> str:
        """What the test ``key`` deletes, in the current language ("history items deleted")."""
        return _(self.TESTS[key])

    def tests(self) -> dict[str, tuple[int, dict, dict]]:
        """{test key: (pairs, curves, aopc)} of each test that scored any pair, in ``TESTS`` order."""
        out = {}
        for key in self.TESTS:
            prefix = "" if key == "history" else f"{key}_"
            aopc = getattr(self, f"{prefix}aopc")
            if aopc:
                out[key] = (getattr(self, f"{prefix}pairs"), getattr(self, f"{prefix}curves"), aopc)
        return out

    def score(self, method: str) -> tuple[float, float, int, str] | None:
        """(AOPC of ``method``, AOPC of the random deletion it is compared with, pairs, the test's
        ``TESTS`` value), or None when it was not scored."""
        for key, (pairs, _curves, aopc) in self.tests().items():
            if method != "random" and method in aopc:
                return aopc[method], aopc["random"], pairs, self.test_label(key)
        return None
