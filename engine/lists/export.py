"""Export every customer's list — the Inspector's "Export all lists" and `recscope export` are this
one function.

``export_lists`` writes one row per (customer, rank): user, rank, item, title[, category][, price],
score, list. Customers the model was trained on get the model's top-K ("model"), after the active
merchandising rules when given. Customers asked for who have no training history (the new
customers of a temporal split) get the fallback: the most popular training items, after the same
rules, labelled "popular items (no history before the split)" — their score is the number of
training customers who bought the item. Scoring runs in blocks of at most ``BLOCK_FLOATS`` scores
(rows per block = that // n_items), so a million-item catalog costs a few users per block, not
gigabytes. The file is formula-safe (``engine.lists.sheets``) and never left half-written
(``engine.machine.files``);
pseudonyms (``engine.store.pseudonyms``) replace customer ids when given.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from engine.data.interactions import index_of, normalize_ids
from engine.errors import EngineError, ValidationError
from engine.lists.inspector import FALLBACK_LIST, item_fields, training_popularity
from engine.lists.sheets import CsvSheet, XlsxSheet
from engine.machine.files import hidden_output
from engine.models.ranking import topk
from engine.progress import CancelToken, ProgressCallback, check, emit

#: Excel's row limit (one header row included).
XLSX_MAX_ROWS = 1_048_576
#: Scores held at once while scoring: rows per block = this // n_items (at least 1, at most 1024).
BLOCK_FLOATS = 1 << 25
MODEL_LIST = "model"


@dataclass
class ExportReport:
    """path written; rows (customers x ranks); users: customers with a model list; fallback_users:
    customers given the popular-items fallback; rules: the rule set applied (None: none);
    pseudonymised: customer ids were replaced; warnings: the rules' notes."""

    path: str
    rows: int
    users: int
    fallback_users: int = 0
    rules: str | None = None
    pseudonymised: bool = False
    warnings: list[str] = field(default_factory=list)


def cold_customers(model, customers) -> np.ndarray:
    """External ids among ``customers`` that ``model`` was not trained on (sorted, unique)."""
    if customers is None or not len(customers):
        return np.empty(0, dtype=object)
    ids = np.unique(normalize_ids(list(customers)))
    return ids[index_of(ids, model.user_ids_) < 0]


def _block_rows(n_items: int) -> int:
    return max(1, min(1024, BLOCK_FLOATS // max(n_items, 1)))


def _external(v):
    return v if isinstance(v, str) else int(v)


def export_lists(model, path, k: int = 10, catalog=None, *, rules=None, rules_name: str | None = None,
                 customers=None, pseudonyms=None, progress: ProgressCallback | None = None,
                 cancel: CancelToken | None = None) -> ExportReport:
    """Write every training customer's top-``k`` of ``model`` (and the fallback list of each of
    ``customers`` the model has no history for) to ``path`` (.csv or .xlsx by extension).

    rules: a rule set (any ``parse_rules`` input) applied to every list; rules_name labels it in
    the report. customers: external ids to include besides the training customers (e.g. a split's
    test customers). pseudonyms: a callable mapping external ids to pseudonyms (``Pseudonyms``).
    A cancel or an error leaves no file (and no partial file) behind."""
    p = Path(path)
    kind = p.suffix.lower()
    if kind not in (".csv", ".xlsx"):
        raise ValidationError(f"export to .csv or .xlsx, not '{p.suffix or p.name}'", path=p.name)
    cold = cold_customers(model, customers)
    n_users, n_cold = model.n_users, len(cold)
    k = min(int(k), model.n_items)
    if kind == ".xlsx" and (n_users + n_cold) * k + 1 > XLSX_MAX_ROWS:
        raise ValidationError(f"{n_users + n_cold:,} customers x {k} items is more than Excel's {XLSX_MAX_ROWS:,} "
                              "rows; export to .csv instead", path=p.name)
    ranker = _Ranker(model, k, rules, catalog, cancel)
    fields = item_fields(catalog, [_external(v) for v in model.item_ids_])
    step = _block_rows(model.n_items)
    try:
        with hidden_output(p) as fh:
            sheet = XlsxSheet(fh, "lists") if kind == ".xlsx" else CsvSheet(fh)
            rows = _write_all(sheet, model, ranker, cold, fields, step, pseudonyms, progress, cancel)
    except OSError as e:
        raise EngineError(f"cannot write the export ({e.strerror or e})", path=str(p)) from None
    emit(progress, 1.0, f"wrote {rows:,} rows", "export")
    return ExportReport(str(p), rows, n_users, n_cold, (rules_name or "unsaved rules") if rules is not None else None,
                        pseudonyms is not None, ranker.warnings)


def _write_all(sheet, model, ranker, cold, fields, step, pseudonyms, progress, cancel) -> int:
    """Every list into ``sheet`` (closed when done, abandoned on any failure); returns the rows."""
    n_users, n_cold = model.n_users, len(cold)
    total = max(n_users + n_cold, 1)
    rows = 0
    try:
        for start in range(0, n_users, step):
            check(cancel)
            batch = np.arange(start, min(start + step, n_users))
            items, scores = ranker.lists(batch)
            rows += _write(sheet, model.user_ids_[batch], items, scores, MODEL_LIST, fields, pseudonyms)
            emit(progress, (batch[-1] + 1) / total, f"{batch[-1] + 1:,} of {total:,} customers", "export")
        if n_cold:
            items, scores = ranker.fallback()
            for start in range(0, n_cold, 4096):
                check(cancel)
                part = cold[start:start + 4096]
                rows += _write(sheet, part, np.repeat(items, len(part), axis=0),
                               np.repeat(scores, len(part), axis=0), FALLBACK_LIST, fields, pseudonyms)
        if rows == 0:
            sheet.write(_frame(np.empty(0, dtype=object), np.empty(0, np.int64), np.empty(0, np.int64),
                               np.empty(0), MODEL_LIST, fields))
        check(cancel)
    except BaseException:
        sheet.abandon()
        raise
    sheet.close()
    return rows


class _Ranker:
    """The model's top-``k`` for blocks of internal users, after ``rules`` when given, and the
    popular-items fallback list after the same rules."""

    def __init__(self, model, k: int, rules, catalog, cancel):
        self.model, self.k = model, k
        self.popularity = training_popularity(model)  # (n_items,)
        self.wrapped = None
        self.warnings: list[str] = []
        if rules is not None:
            from engine.rerank.evaluate import RerankedModel
            self.wrapped = RerankedModel(model, rules, catalog, cancel=cancel)
            self.warnings = list(self.wrapped.reranker.warnings)

    def lists(self, users: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(len(users), k) item indices (-1 pads) and scores."""
        source = self.wrapped if self.wrapped is not None else self.model
        return source.recommend(users, self.k, batch_size=len(users))

    def fallback(self) -> tuple[np.ndarray, np.ndarray]:
        """(1, k) item indices (-1 pads) and popularity counts of the fallback list."""
        scores = self.popularity[None, :].copy()
        if self.wrapped is None:
            return topk(scores, self.k)
        items = self.wrapped.reranker.apply(scores, self.k).items
        return items, np.where(items >= 0, self.popularity[np.maximum(items, 0)], np.nan)


def _frame(user_ids, items, ranks, scores, label: str, fields: pd.DataFrame) -> pd.DataFrame:
    frame = pd.DataFrame({"user": pd.Series(list(user_ids), dtype=object), "rank": ranks})
    frame = pd.concat([frame, fields.iloc[items].reset_index(drop=True)], axis=1)
    frame["score"] = np.asarray(scores, dtype=np.float64)
    frame["list"] = label
    return frame


def _write(sheet, user_ids, items, scores, label, fields, pseudonyms) -> int:
    """Append the rows of one block: ``user_ids`` (n,) external ids, ``items`` / ``scores`` (n, k)."""
    r, c = np.nonzero(items >= 0)
    if not len(r):
        return 0
    users = np.array([_external(v) for v in user_ids], dtype=object)
    if pseudonyms is not None:
        users = pseudonyms(users)
    sheet.write(_frame(users[r], items[r, c], c + 1, scores[r, c], label, fields))
    return len(r)
