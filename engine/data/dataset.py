"""Validate a mapped Table into a ``Dataset``: Interactions + ItemCatalog + a load report.

Validation is all-or-nothing: a bad value raises ``ValidationError`` naming file, row and column
("orders.csv, row 17, column rating: 'five' is not a number"). Rows without a user or item, and
(for quantities) rows with quantity <= 0 — returns and cancellations — are dropped and counted.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd

from engine.data.catalog import ItemCatalog, JoinReport, catalog_from_frame, catalog_from_table, join_catalog
from engine.data.interactions import Interactions, normalize_ids
from engine.data.load_filters import LoadFilters, apply_filters, merged_label, propose_non_products
from engine.data.readers import read_table
from engine.data.table import Table
from engine.data.dates import ORDER_WORDS, UNIT_NOTES, choose_format, epoch_unit
from engine.data.inference import infer_mapping, is_nested
from engine.data.schema import ColumnMapping
from engine.errors import SchemaError, ValidationError
from engine.progress import check, emit, scaled
from engine.i18n import _

#: Default confidence weight of each event type (user-editable).
DEFAULT_EVENT_WEIGHTS = {"view": 1.0, "cart": 3.0, "purchase": 5.0}
#: Event types that count as relevant in a test set by default.
DEFAULT_RELEVANT_EVENTS = ("purchase",)
DEDUP = ("sum", "max", "first", "last", "none")
_EPOCH = pd.Timestamp("1970-01-01", tz="UTC")
_FLOAT32_MAX = float(np.finfo(np.float32).max)
#: Plausible event times (epoch seconds): 1900-01-01 .. 2200-01-01. Excel has no dates before 1900.
_FIRST_TIME, _LAST_TIME = -2_208_988_800, 7_258_118_400
#: A time of day without a date ("08:26", "8:26:00 PM"): never an event's timestamp on its own.
_TIME_ONLY = re.compile(r"^\s*\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?\s*([ap]\.?m\.?)?\s*$", re.IGNORECASE)


@dataclass
class DataReport:
    """rows_read: data rows in the file; rows_used: events kept; dropped: reason -> rows."""

    rows_read: int = 0
    rows_used: int = 0
    dropped: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Dataset:
    """A loaded data set.

    events: (n_events,) event-type label of each interaction (str object array), or None.
    relevant_events: event types that count as relevant in a test set (None: all).
    source: where it came from (path, fmt, sheet, encoding, delimiter, decimal, catalog_path).
    """

    interactions: Interactions
    catalog: ItemCatalog | None
    mapping: ColumnMapping
    source: dict
    report: DataReport
    events: np.ndarray | None = None
    event_weights: dict[str, float] | None = None
    relevant_events: list[str] | None = None

    def relevant_mask(self) -> np.ndarray:
        """(n_events,) bool: events whose type is relevant (all True without an event column)."""
        if self.events is None or self.relevant_events is None:
            return np.ones(self.interactions.n_events, dtype=bool)
        return np.isin(self.events, list(self.relevant_events))

    def event_types(self) -> list[str]:
        """The event types present, lightest weight first (view, cart, purchase), then by name;
        [] without an event column."""
        if self.events is None:
            return []
        weights = self.event_weights or {}
        return sorted(set(self.events.tolist()), key=lambda e: (weights.get(e, 1.0), e))

    def set_relevant_events(self, types) -> None:
        """Make ``types`` (event-type names) the ones that count as relevant in a test set."""
        present = self.event_types()
        if not present:
            raise SchemaError(_("this data has no event-type column, so every event counts as relevant"))
        wanted = [str(t).strip().lower() for t in types]
        unknown = [t for t in wanted if t not in present]
        if unknown or not wanted:
            raise SchemaError(_("relevant event types must be some of {present}").format(present=', '.join(present))
                              + (_(" (no {unknown} events)").format(unknown=', '.join(unknown)) if unknown else ""))
        self.relevant_events = [e for e in present if e in wanted]


def open_dataset(path, mapping: ColumnMapping | dict | None = None, *, sheet: str | None = None,
                 catalog_path=None, catalog_mapping: ColumnMapping | dict | None = None,
                 filters: LoadFilters | dict | None = None, recipe=None, drop_proposed: bool = False,
                 reader: str = "auto", progress=None, cancel=None, **build_kw) -> Dataset:
    """read_table + infer_mapping (+ a recipe, + overrides) + build_dataset (+ a catalog joined).

    mapping: a full ColumnMapping, or a dict of role overrides applied to the inferred one (the
    same for ``catalog_mapping`` and the catalog file). recipe: an ``engine.data.recipe.Recipe``
    whose mapping, sheet and catalog mapping apply first (its filters are the caller's to merge).
    filters: LoadFilters (or its dict); drop_proposed: also leave out every proposed non-product
    code. A MovieLens ratings file joins its sibling movie file (u.item / movies.dat) as the
    catalog; catalog_path names a separate catalog file explicitly. reader: "memory", "out-of-core"
    (DuckDB aggregates the file to user–item pairs, ``engine.data.out_of_core``) or "auto" (out of
    core from ``out_of_core.OUT_OF_CORE_BYTES`` on).
    """
    from engine.data import movielens, out_of_core
    from engine.data.recipe import apply_mapping
    filters = LoadFilters.from_dict(filters) if isinstance(filters, dict) else (filters or LoadFilters())
    if out_of_core.chosen(path, reader):
        ds = _open_out_of_core(path, mapping, recipe, filters, drop_proposed, progress=scaled(progress, 0.0, 0.95),
                               cancel=cancel, **build_kw)
        if catalog_path is not None:
            cat = recipe.catalog if recipe is not None and recipe.catalog else {}
            attach_catalog(ds, read_table(catalog_path, sheet=cat.get("sheet"), cancel=cancel),
                           catalog_mapping or cat.get("mapping"))
        emit(progress, 1.0, f"{ds.interactions.n_events:,} user–item pairs", "load")
        return ds
    table = read_table(path, sheet=sheet or (recipe.sheet if recipe else None),
                       progress=scaled(progress, 0.0, 0.5), cancel=cancel)
    if not isinstance(mapping, ColumnMapping):
        inferred = infer_mapping(table.frame)
        if recipe is not None:
            inferred = apply_mapping(inferred, recipe.mapping, table.frame.columns, source=_("the import recipe"),
                                     file=table.name)
        mapping = inferred.replace(**mapping) if mapping else inferred
    if drop_proposed:
        codes = [c.item for c in preview_filters(table, mapping, filters, cancel=cancel).candidates]
        filters = dataclasses.replace(filters, exclude_items=list(dict.fromkeys(filters.exclude_items + codes)))
    ds = build_dataset(table, mapping, filters=filters, progress=scaled(progress, 0.5, 0.95), cancel=cancel,
                       **build_kw)
    if catalog_path is None and ds.catalog is None:
        catalog_path = movielens.sibling_catalog(path)
    if catalog_path is not None:
        cat = recipe.catalog if recipe is not None and recipe.catalog else {}
        attach_catalog(ds, read_table(catalog_path, sheet=cat.get("sheet"), cancel=cancel),
                       catalog_mapping or cat.get("mapping"))
    emit(progress, 1.0, _("{n_events:,} events").format(n_events=ds.interactions.n_events), "load")
    return ds


def _open_out_of_core(path, mapping, recipe, filters: LoadFilters, drop_proposed: bool, *, event_weights=None,
                      relevant_events=None, dedup: str = "sum", progress=None, cancel=None) -> Dataset:
    """``open_dataset`` through DuckDB: the file aggregated to one event per user–item pair."""
    from engine.data import out_of_core

    def chosen_filters(sample: Table, m: ColumnMapping) -> LoadFilters:
        if not drop_proposed:
            return filters
        codes = [c.item for c in preview_filters(sample, m, filters, cancel=cancel).candidates]
        return dataclasses.replace(filters, exclude_items=list(dict.fromkeys(filters.exclude_items + codes)))

    weights = {str(k).strip().lower(): float(v) for k, v in (event_weights or DEFAULT_EVENT_WEIGHTS).items()}
    wanted = list(DEFAULT_RELEVANT_EVENTS if relevant_events is None else relevant_events)
    sample, mapping, used, pairs = out_of_core.import_file(
        path, mapping or {}, recipe=recipe, filters=chosen_filters, event_weights=weights, relevant_events=wanted,
        dedup=dedup, progress=progress, cancel=cancel)
    report = DataReport(pairs.rows_read, pairs.rows_used, dict(pairs.dropped), list(pairs.warnings))
    if not len(pairs.values):
        raise ValidationError("no usable rows (every row lacks a user, an item or a valid value; "
                              f"dropped: {_reasons(report.dropped)})", path=sample.name)
    inter = Interactions(pairs.user_ids, pairs.item_ids, pairs.user_idx, pairs.item_idx, pairs.values,
                         pairs.timestamps, pairs.value_kind)
    if report.dropped:
        report.warnings.insert(0, f"{sum(report.dropped.values()):,} of {report.rows_read:,} rows dropped "
                                  f"or merged: {_reasons(report.dropped)}")
    report.warnings.append(f"imported out of core: {report.rows_used:,} events became {inter.n_events:,} "
                           "user–item pairs (each with its summed value, last time and heaviest event type)")
    catalog = None
    if pairs.catalog is not None:
        roles = {r: getattr(mapping, r) for r in ("title", "category", "price", "description") if getattr(mapping, r)}
        for col in mapping.extra:
            roles.setdefault(str(col).lower(), col)
        catalog = ItemCatalog(pairs.catalog.rename_axis("item"), roles)
    proposed = preview_filters(sample, mapping, cancel=cancel).candidates     # on the first rows
    candidates = [dataclasses.replace(c, rows=pairs.item_rows.get(c.item, c.rows)).to_dict() for c in proposed]
    source = {"path": str(path), "fmt": sample.fmt, "sheet": None, "encoding": sample.encoding,
              "delimiter": sample.delimiter, "decimal": sample.decimal, "reader": "out-of-core",
              "non_product_candidates": candidates}
    if used.active():
        source["filters"] = used.to_dict()
    return Dataset(inter, catalog, mapping, source, report, events=pairs.events,
                   event_weights=weights if mapping.event else None, relevant_events=pairs.relevant)


def attach_catalog(ds: Dataset, table: Table, mapping: ColumnMapping | dict | None = None) -> JoinReport:
    """Join the catalog in ``table`` (read with ``mapping``, see ``catalog.catalog_mapping``) to
    ``ds`` on the item id; ``ds.catalog`` becomes the joined catalog and ``ds.source`` records the
    file, its mapping and the join report (matched, missing, cold-start candidates)."""
    other = catalog_from_table(table, mapping)
    ds.catalog, report = join_catalog(ds.interactions.item_ids, ds.catalog, other)
    ds.source["catalog_path"] = str(table.path)
    ds.source["catalog_sheet"] = table.sheet
    ds.source["catalog_mapping"] = {k: v for k, v in other.mapping.to_dict().items() if k not in ("confidence",)}
    ds.source["catalog_join"] = report.to_dict()
    return report


@dataclass
class _Selection:
    """Rows chosen for a data set: keep (n,) bool; values (n,) float or None and their kind;
    ts (n,) epoch seconds or None; events (n,) labels or None; the report so far."""

    keep: np.ndarray
    values: np.ndarray | None
    kind: str
    ts: np.ndarray | None
    events: np.ndarray | None
    weights: dict | None
    relevant: list | None
    report: DataReport


def _select(table: Table, mapping: ColumnMapping, filters: LoadFilters, event_weights, relevant_events,
            progress=None, cancel=None) -> _Selection:
    """Validate ``table`` under ``mapping`` and choose its rows: those with a user, an item and a
    valid value and time, less what ``filters`` remove (each counted in the report)."""
    frame, name = table.frame, table.name
    mapping.validate(frame.columns, name)
    for role in ("user", "basket", "item", "value", "timestamp", "event"):
        col = getattr(mapping, role)
        if col is not None and is_nested(frame[col]):
            raise SchemaError(_("holds lists, not one value per row, so it cannot be the {role} column; RecScope needs "
                                "one row per user–item event: explode the lists first").format(role=role), path=name, column=col)
    report = DataReport(rows_read=len(frame), warnings=list(table.notes))
    keep = np.ones(len(frame), dtype=bool)

    def drop(mask: np.ndarray, reason: str) -> None:
        n = int((mask & keep).sum())
        if n:
            report.dropped[reason] = report.dropped.get(reason, 0) + n
            keep[mask] = False

    for role in ("user", "item"):
        drop(_missing(frame[getattr(mapping, role)]), _("missing {role}").format(role=role))
    emit(progress, 0.1, _("checking values"), "validate")
    check(cancel)

    values, kind = None, mapping.value_kind if mapping.value else "none"
    if kind != "none":
        values = _numbers(frame[mapping.value], table, mapping.value, keep)
        drop(np.isnan(values), _("missing {value}").format(value=mapping.value))
        if kind == "weight":
            drop(values < 0, _("negative weight"))
    check(cancel)
    ts = None
    if mapping.timestamp:
        emit(progress, 0.3, _("parsing timestamps"), "validate")
        ts, note = to_epoch_seconds(frame[mapping.timestamp], table, mapping.timestamp, keep, mapping.date_order)
        if note:
            report.warnings.append(note)
        drop(np.isnan(ts), _("missing {timestamp}").format(timestamp=mapping.timestamp))
    check(cancel)
    removed = apply_filters(keep, filters, users=text_ids(frame[mapping.user]), items=text_ids(frame[mapping.item]),
                            quantities=values if kind == "quantity" else None, seconds=ts)
    for reason, n in removed.items():
        report.dropped[reason] = report.dropped.get(reason, 0) + n
    check(cancel)

    events, weights, relevant = None, None, None
    if mapping.event:
        weights = {str(k).strip().lower(): float(v) for k, v in (event_weights or DEFAULT_EVENT_WEIGHTS).items()}
        ev = frame[mapping.event]
        drop(_missing(ev), _("missing {event}").format(event=mapping.event))
        events = ev.astype(str).str.strip().str.lower().to_numpy(dtype=object)
        known = np.isin(events, list(weights))
        unknown = sorted(set(events[keep & ~known].tolist()))
        if unknown:
            report.warnings.append(_("event types without a weight count as 1: {v0}").format(v0=', '.join(unknown[:10])))
        w = np.array([weights.get(e, 1.0) for e in events], dtype=np.float64)
        values = w * values if values is not None and kind in ("quantity", "weight") else w
        kind = "weight"
        present = set(events[keep].tolist())
        wanted = list(DEFAULT_RELEVANT_EVENTS if relevant_events is None else relevant_events)
        relevant = [e for e in wanted if e in present] or None
        if relevant is None:
            report.warnings.append(_("no {wanted} events: every event counts as relevant").format(wanted='/'.join(wanted)))
    return _Selection(keep, values, kind, ts, events, weights, relevant, report)


@dataclass
class FilterPreview:
    """What loading would keep: rows read, rows removed per reason (missing values, each filter),
    and the rows, customers and items left; candidates: proposed non-product codes."""

    rows_read: int
    removed: dict[str, int]
    rows_left: int
    users_left: int
    items_left: int
    candidates: list = field(default_factory=list)

    def to_dict(self) -> dict:
        return {**asdict(self), "candidates": [c.to_dict() for c in self.candidates]}


def preview_filters(table: Table, mapping: ColumnMapping, filters: LoadFilters | None = None, *,
                    propose: bool = True, cancel=None) -> FilterPreview:
    """The rows each filter would remove from ``table`` under ``mapping``, before loading it, and
    (``propose``) the non-product candidates (``load_filters.propose_non_products``)."""
    sel = _select(table, mapping, filters or LoadFilters(), None, None, cancel=cancel)
    frame, keep = table.frame, sel.keep
    users, items = text_ids(frame[mapping.user]), text_ids(frame[mapping.item])
    cands = []
    if propose:
        col = mapping.title or mapping.description
        cands = propose_non_products(
            items, titles=None if col is None else frame[col].to_numpy(dtype=object),
            users=users if mapping.basket and mapping.basket != mapping.user else None,
            baskets=None if mapping.basket is None else text_ids(frame[mapping.basket]),
            prices=None if mapping.price is None else _numbers(frame[mapping.price], table, mapping.price,
                                                                  np.zeros(len(frame), dtype=bool)))
    return FilterPreview(len(frame), dict(sel.report.dropped), int(keep.sum()),
                         len(set(users[keep].tolist())), len(set(items[keep].tolist())), cands)


def text_ids(s: pd.Series) -> np.ndarray:
    """(n,) object array: each id as the text the user sees ("17850", "85123A"), None where missing."""
    out = np.full(len(s), None, dtype=object)
    present = ~_missing(s)
    if present.any():
        out[present] = normalize_ids(s[present].to_numpy()).astype(str)
    return out


def build_dataset(table: Table, mapping: ColumnMapping, *, filters: LoadFilters | None = None,
                  event_weights: dict | None = None, relevant_events=None, dedup: str = "sum",
                  progress=None, cancel=None) -> Dataset:
    """Validate ``table`` under ``mapping``, apply the load-time ``filters`` and build the Dataset.

    dedup: how rows with the same user, item, timestamp (and event) are combined — "sum" / "max"
    / "first" / "last" their values, or "none" to keep them all. Without timestamps, repeated
    user–item rows are such duplicates. Rows without a value column simply collapse to one.
    """
    if dedup not in DEDUP:
        raise SchemaError(_("dedup must be one of {DEDUP}, not {dedup!r}").format(DEDUP=', '.join(DEDUP), dedup=dedup))
    filters = filters or LoadFilters()
    sel = _select(table, mapping, filters, event_weights, relevant_events, progress, cancel)
    frame, name, keep, report = table.frame, table.name, sel.keep, sel.report
    if not keep.any():
        raise ValidationError(_("no usable rows (every row lacks a user, an item or a valid value; dropped: {dropped})").format(dropped=_reasons(report.dropped)), path=name)
    emit(progress, 0.6, _("building interactions"), "build")
    check(cancel)

    users = normalize_ids(frame[mapping.user].to_numpy()[keep])
    items = normalize_ids(frame[mapping.item].to_numpy()[keep])
    vals = None if sel.values is None else sel.values[keep]
    t = None if sel.ts is None else sel.ts[keep].astype(np.int64)
    ev = None if sel.events is None else sel.events[keep]
    catalog = catalog_from_frame(frame.loc[keep], items, mapping, order=t)
    check(cancel)
    emit(progress, 0.7, _("merging duplicate rows"), "build")
    users, items, vals, t, ev, merged = _dedup(users, items, vals, t, ev, dedup)
    if merged:
        report.dropped[merged_label(dedup)] = merged
    if vals is not None and not np.all(np.abs(vals) <= _FLOAT32_MAX):
        raise ValidationError(_("weighted or merged values grow beyond ±{limit:.3g} (the largest an event value "
                                "may be); scale the column down").format(limit=_FLOAT32_MAX),
                              path=name, column=mapping.value or mapping.event)
    emit(progress, 0.85, _("indexing users and items"), "build")
    check(cancel)
    inter = Interactions.from_arrays(users, items, vals, t, value_kind=sel.kind)
    report.rows_used = inter.n_events
    if report.dropped:
        report.warnings.insert(0, _("{v0:,} of {rows_read:,} rows dropped or merged: {dropped}").format(v0=sum(report.dropped.values()), rows_read=report.rows_read, dropped=_reasons(report.dropped)))
    source = {"path": table.path, "fmt": table.fmt, "sheet": table.sheet, "encoding": table.encoding,
              "delimiter": table.delimiter, "decimal": table.decimal}
    if filters.active():
        source["filters"] = filters.to_dict()
    emit(progress, 1.0, _("{n_events:,} events").format(n_events=inter.n_events), "build")
    return Dataset(inter, catalog, mapping, source, report, events=ev,
                   event_weights=sel.weights, relevant_events=sel.relevant)


def _reasons(dropped: dict) -> str:
    return "; ".join(f"{v:,} {k}" for k, v in dropped.items())


def _missing(s: pd.Series) -> np.ndarray:
    """(n,) bool: NaN/None or blank text."""
    miss = s.isna().to_numpy().copy()
    if not pd.api.types.is_numeric_dtype(s.dtype) and not pd.api.types.is_datetime64_any_dtype(s.dtype):
        miss |= (s.astype(str).str.strip() == "").to_numpy()
    return miss


def _first_bad(bad: np.ndarray, s: pd.Series, table: Table, col: str, what: str) -> ValidationError:
    i = int(np.flatnonzero(bad)[0])
    more = int(bad.sum()) - 1
    tail = _(" ({more:,} more rows like it)").format(more=more) if more else ""
    text = str(s.iloc[i]).strip()
    if text.startswith("=") and table.fmt == "xlsx":
        tail += _("; it is a formula saved without its result: open the file in Excel or LibreOffice and "
                  "save it again")
    return ValidationError(_("{text!r} is not {what}{tail}").format(text=text, what=what, tail=tail), path=table.name, row=table.file_row(i), column=col)


def _numbers(s: pd.Series, table: Table, col: str, keep: np.ndarray) -> np.ndarray:
    """(n,) float64 values of ``s``; NaN where missing; ValidationError on text that is not a number
    and on infinity or a value beyond float32 (how events store values): the project could not
    hold it."""
    if pd.api.types.is_bool_dtype(s.dtype):
        return s.to_numpy(dtype=np.float64)
    if pd.api.types.is_numeric_dtype(s.dtype):
        num = s.to_numpy(dtype=np.float64, na_value=np.nan)
    else:
        text = s.astype(str).str.strip().where(~_missing(s))
        if table.decimal == ",":
            text = text.str.replace(",", ".", regex=False)
        num = pd.to_numeric(text, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
        bad = np.isnan(num) & text.notna().to_numpy() & keep
        if bad.any():
            raise _first_bad(bad, s, table, col, _("a number"))
    with np.errstate(invalid="ignore"):
        huge = ~np.isnan(num) & ~(np.abs(num) <= _FLOAT32_MAX) & keep
    if huge.any():
        raise _first_bad(huge, s, table, col, _("a finite number within ±{limit:.3g}").format(limit=_FLOAT32_MAX))
    return num


def to_epoch_seconds(s: pd.Series, table: Table, col: str, keep: np.ndarray,
                     order: str | None = None) -> tuple[np.ndarray, str | None]:
    """((n,) float64 seconds since the epoch, NaN where missing; a note or None).

    Accepts datetimes, epoch seconds or milliseconds, Excel serial dates, and date strings (ISO,
    "12/1/2010 8:26", "01.12.2010 08:26", ...; naive times are taken as UTC). ``order`` ("DMY",
    "MDY", "YMD") says how ambiguous text dates are written (see ``inference.date_order``).
    ValidationError names the first bad row, including a time of day without a date (which would
    silently become today) and a time outside 1900–2200 (an Excel serial below 1, infinity, a
    mistyped year).
    """
    seconds, note = _epoch_seconds(s, table, col, keep, order)
    with np.errstate(invalid="ignore"):
        odd = ~np.isnan(seconds) & ~((seconds >= _FIRST_TIME) & (seconds < _LAST_TIME)) & keep
    if odd.any():
        raise _first_bad(odd, s, table, col, _("a plausible date (between 1900 and 2200)"))
    return seconds, note


def _epoch_seconds(s: pd.Series, table: Table, col: str, keep: np.ndarray,
                   order: str | None) -> tuple[np.ndarray, str | None]:
    if pd.api.types.is_datetime64_any_dtype(s.dtype):
        return _seconds(pd.to_datetime(s, utc=True)), None
    if pd.api.types.is_numeric_dtype(s.dtype):
        v = s.to_numpy(dtype=np.float64, na_value=np.nan)
        fin = v[np.isfinite(v) & keep]
        unit = epoch_unit(fin.min(), fin.max(), col, s.dtype.kind == "f") if len(fin) else "s"
        note = UNIT_NOTES[unit]
        return np.floor(v / 1000.0) if unit == "ms" else np.round((v - 25569.0) * 86400.0) if unit == "excel" \
            else np.floor(v), _(note) if note else None
    missing = _missing(s)
    text = s.astype(str).str.strip().where(~missing)
    time_only = text.str.match(_TIME_ONLY).fillna(False).to_numpy(dtype=bool) & keep
    if time_only.any():
        raise _first_bad(time_only, s, table, col, _("a date (it is a time of day without a date)"))
    parsed, failed, _fmt, note = choose_format(text, missing, keep, order, col)
    if failed.any():
        raise _first_bad(failed, s, table, col, _("a date or time") + (
            _(" written {order}").format(order=_(ORDER_WORDS[order])) if order in ORDER_WORDS else ""))
    return _seconds(parsed), note


def _seconds(parsed: pd.Series) -> np.ndarray:
    """(n,) float64 epoch seconds of a tz-aware datetime series, NaN at NaT."""
    delta = (parsed - _EPOCH).dt.total_seconds()
    return np.floor(delta.to_numpy(dtype=np.float64, na_value=np.nan))


def _dedup(users, items, vals, ts, events, how: str):
    """Combine rows sharing (user, item[, timestamp][, event]); returns arrays and the merge count."""
    n = len(users)
    if how == "none" or n == 0:
        return users, items, vals, ts, events, 0
    keys = {"u": users, "i": items}
    if ts is not None:
        keys["t"] = ts
    if events is not None:
        keys["e"] = events
    df = pd.DataFrame(keys)
    dup = df.duplicated(keep="first").to_numpy()
    if not dup.any():
        return users, items, vals, ts, events, 0
    df["v"] = np.ones(n) if vals is None else vals
    out = df.groupby(list(keys), sort=False, dropna=False)["v"].agg(how).reset_index()
    new_vals = None if vals is None else out["v"].to_numpy()  # implicit rows just collapse
    return (normalize_ids(out["u"].to_numpy()), normalize_ids(out["i"].to_numpy()), new_vals,
            None if ts is None else out["t"].to_numpy(dtype=np.int64),
            None if events is None else out["e"].to_numpy(dtype=object), int(dup.sum()))
