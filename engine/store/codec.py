"""Convert the engine's objects to what a project stores — JSON documents and named arrays — and
back, checking everything read back (a project file is untrusted input).

Each ``encode_*`` returns plain JSON-able dicts and ``{name: ndarray}``; each ``decode_*`` takes
them back and raises ``ProjectError`` (naming ``what``) on anything malformed.
"""

from __future__ import annotations

import math
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from engine.data.catalog import ItemCatalog
from engine.data.dataset import DataReport, Dataset
from engine.data.interactions import VALUE_KINDS, Interactions
from engine.data.schema import DATE_ORDERS, KINDS, ROLES, ColumnMapping
from engine.data.splits import METHODS, Split
from engine.errors import EngineError, ModelError, ProjectError
from engine.store.schema import MAX_BLOB_BYTES, MAX_EVENTS


# ---- interactions ------------------------------------------------------------------------------
def encode_interactions(inter: Interactions, prefix: str = "") -> tuple[dict, dict[str, np.ndarray]]:
    arrays = {"user_ids": inter.user_ids, "item_ids": inter.item_ids, "user_idx": inter.user_idx,
              "item_idx": inter.item_idx, "values": inter.values}
    if inter.timestamps is not None:
        arrays["timestamps"] = inter.timestamps
    return {"value_kind": inter.value_kind}, {prefix + k: v for k, v in arrays.items()}


def decode_interactions(meta: dict, arrays: dict, what: str, prefix: str = "") -> Interactions:
    """Interactions from stored arrays; every index, length, order and dtype is checked."""
    kind = meta.get("value_kind")
    if kind not in VALUE_KINDS:
        raise ProjectError(f"{what}: unknown value kind {kind!r}")
    a = {k[len(prefix):]: v for k, v in arrays.items() if k.startswith(prefix)}
    missing = {"user_ids", "item_ids", "user_idx", "item_idx", "values"} - set(a)
    if missing:
        raise ProjectError(f"{what} lacks {', '.join(sorted(missing))}")
    user_ids, item_ids = _ids(a["user_ids"], what, "user"), _ids(a["item_ids"], what, "item")
    u, i, v = a["user_idx"], a["item_idx"], a["values"]
    ts = a.get("timestamps")
    n = len(u) if u.ndim == 1 else -1
    if n < 0 or n > MAX_EVENTS:
        raise ProjectError(f"{what}: event arrays are damaged or larger than {MAX_EVENTS:,} events")
    for name, arr, dtype in (("user_idx", u, np.int32), ("item_idx", i, np.int32), ("values", v, np.float32),
                             ("timestamps", ts, np.int64)):
        if arr is not None and (arr.shape != (n,) or arr.dtype != dtype):
            raise ProjectError(f"{what}: {name} should be ({n},) {np.dtype(dtype)}, not "
                               f"{arr.shape} {arr.dtype}")
    if n and (u.min() < 0 or u.max() >= len(user_ids) or i.min() < 0 or i.max() >= len(item_ids)):
        raise ProjectError(f"{what}: an event points outside the {len(user_ids)} users / {len(item_ids)} items")
    if not np.all(np.isfinite(v)):
        raise ProjectError(f"{what}: values contain NaN or infinity")
    return Interactions(user_ids, item_ids, u, i, v, ts, kind)


def _ids(arr: np.ndarray, what: str, role: str) -> np.ndarray:
    """Sorted unique external ids (int64 or str) — the order internal indices rely on."""
    if arr.ndim != 1 or not (arr.dtype == np.int64 or arr.dtype == object):
        raise ProjectError(f"{what}: {role} ids should be a list of integers or texts")
    if arr.dtype == object and any(v is None for v in arr.tolist()):
        raise ProjectError(f"{what}: {role} ids contain an empty id")
    if len(arr) > 1 and not np.all(arr[1:] > arr[:-1]):
        raise ProjectError(f"{what}: {role} ids are not sorted and unique")
    return arr


# ---- catalog -----------------------------------------------------------------------------------
def encode_catalog(cat: ItemCatalog) -> tuple[dict, dict[str, np.ndarray]]:
    """Numbers and booleans stay numeric, datetimes become int64 ns (+ time zone), the rest text."""
    frame = cat.frame
    arrays: dict[str, np.ndarray] = {"index": frame.index.to_numpy()}
    columns = []
    for j, name in enumerate(frame.columns):
        s = frame[name]
        key = f"col{j}"
        if isinstance(s.dtype, np.dtype) and s.dtype.kind in "biuf":
            arrays[key], kind = s.to_numpy(), "number"
        elif pd.api.types.is_numeric_dtype(s.dtype) and not pd.api.types.is_bool_dtype(s.dtype):
            arrays[key], kind = s.to_numpy(dtype=np.float64, na_value=np.nan), "number"
        elif pd.api.types.is_datetime64_any_dtype(s.dtype):
            utc = pd.to_datetime(s, utc=True)
            arrays[key] = utc.to_numpy(dtype="datetime64[ns]").astype(np.int64)
            arrays[key + ".null"] = s.isna().to_numpy()
            kind = "datetime"
        else:
            arrays[key] = np.array([None if pd.isna(x) else str(x) for x in s.tolist()], dtype=object)
            kind = "str" if str(s.dtype) == "str" else "text"
        col = {"name": str(name), "kind": kind}
        if kind == "datetime":
            unit = s.dtype.unit if hasattr(s.dtype, "unit") else np.datetime_data(s.dtype)[0]
            col.update(tz=str(getattr(s.dtype, "tz", None) or ""), unit=unit)
        columns.append(col)
    return {"roles": dict(cat.roles), "columns": columns, "index_name": frame.index.name}, arrays


def decode_catalog(meta: dict, arrays: dict, what: str) -> ItemCatalog:
    index = arrays.get("index")
    if index is None or index.ndim != 1 or not (index.dtype == np.int64 or index.dtype == object):
        raise ProjectError(f"{what}: item ids are missing or damaged")
    n = len(index)
    roles, columns = meta.get("roles"), meta.get("columns")
    if not isinstance(roles, dict) or not isinstance(columns, list):
        raise ProjectError(f"{what}: column description is damaged")
    data = {}
    for j, col in enumerate(columns):
        if not isinstance(col, dict) or not isinstance(col.get("name"), str):
            raise ProjectError(f"{what}: column {j + 1} description is damaged")
        arr, kind = arrays.get(f"col{j}"), col.get("kind")
        if arr is None or arr.shape != (n,):
            raise ProjectError(f"{what}: column {col['name']!r} is missing or has the wrong length")
        if kind == "number" and arr.dtype.kind in "biuf":
            values = arr
        elif kind == "datetime" and arr.dtype == np.int64:
            null = arrays.get(f"col{j}.null")
            if null is None or null.shape != (n,) or null.dtype != bool:
                raise ProjectError(f"{what}: column {col['name']!r} is damaged")
            values = pd.to_datetime(np.where(null, np.iinfo(np.int64).min, arr), unit="ns", utc=True)
            tz = col.get("tz")
            if tz and tz != "UTC":
                try:
                    values = values.tz_convert(tz)
                except (TypeError, ValueError, KeyError):
                    raise ProjectError(f"{what}: column {col['name']!r} has an unknown time zone") from None
            elif not tz:
                values = values.tz_localize(None)
            if col.get("unit") in ("s", "ms", "us", "ns"):
                values = values.as_unit(col["unit"])
        elif kind in ("str", "text") and arr.dtype == object:
            values = pd.array(arr, dtype="str") if kind == "str" else arr
        else:
            raise ProjectError(f"{what}: column {col['name']!r} has an unknown kind {kind!r}")
        data[col["name"]] = values
    if any(not isinstance(k, str) or not isinstance(v, str) or v not in data for k, v in roles.items()):
        raise ProjectError(f"{what}: catalog roles name unknown columns")
    name = meta.get("index_name")
    frame = pd.DataFrame(data, index=pd.Index(index, dtype=index.dtype,
                                              name=name if isinstance(name, str) else None))
    frame.columns = [c["name"] for c in columns]
    return ItemCatalog(frame, roles)


# ---- dataset -----------------------------------------------------------------------------------
def encode_dataset(ds: Dataset) -> tuple[dict, dict[str, np.ndarray]]:
    """({mapping, source, report, events}, arrays incl. the event labels)."""
    meta, arrays = encode_interactions(ds.interactions)
    if ds.events is not None:
        arrays["events"] = np.asarray(ds.events, dtype=object)
    doc = {"mapping": ds.mapping.to_dict(), "source": {k: _plain_value(v) for k, v in ds.source.items()},
           "report": ds.report.to_dict(),
           "events": {"value_kind": meta["value_kind"], "event_weights": ds.event_weights,
                      "relevant_events": ds.relevant_events}}
    return doc, arrays


def decode_dataset(doc: dict, arrays: dict, catalog: ItemCatalog | None, what: str) -> Dataset:
    ev = _dict(doc.get("events"), f"{what} event settings")
    inter = decode_interactions(ev, arrays, what)
    events = arrays.get("events")
    if events is not None and (events.shape != (inter.n_events,) or events.dtype != object
                               or any(e is None for e in events.tolist())):
        raise ProjectError(f"{what}: event labels are damaged")
    weights = ev.get("event_weights")
    if weights is not None and (not isinstance(weights, dict) or not all(
            isinstance(k, str) and _is_number(w) for k, w in weights.items())):
        raise ProjectError(f"{what}: event weights are damaged")
    relevant = ev.get("relevant_events")
    if relevant is not None and (not isinstance(relevant, list) or not all(isinstance(r, str) for r in relevant)):
        raise ProjectError(f"{what}: relevant event types are damaged")
    source = _dict(doc.get("source"), f"{what} source")
    return Dataset(inter, catalog, decode_mapping(doc.get("mapping"), what),
                   source, decode_report(doc.get("report"), what), events=events,
                   event_weights=None if weights is None else {k: float(w) for k, w in weights.items()},
                   relevant_events=relevant)


def decode_mapping(d, what: str) -> ColumnMapping:
    d = _dict(d, f"{what} column mapping")
    for role in ROLES:
        if d.get(role) is not None and not isinstance(d.get(role), str):
            raise ProjectError(f"{what}: column mapping for {role} is damaged")
    extra, conf, why = d.get("extra", []), d.get("confidence", {}), d.get("evidence", {})
    if (not isinstance(extra, list) or not all(isinstance(c, str) for c in extra) or not isinstance(conf, dict)
            or not all(isinstance(k, str) and _is_number(v) for k, v in conf.items())
            or not isinstance(why, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in why.items())
            or d.get("value_kind", "none") not in VALUE_KINDS or d.get("date_order") not in (None, *DATE_ORDERS)
            or d.get("kind", "interactions") not in KINDS):
        raise ProjectError(f"{what}: column mapping is damaged")
    return ColumnMapping.from_dict(d)


def decode_report(d, what: str) -> DataReport:
    d = _dict(d, f"{what} load report")
    rows_read, rows_used = d.get("rows_read", 0), d.get("rows_used", 0)
    dropped, warnings = d.get("dropped", {}), d.get("warnings", [])
    if (not _is_int(rows_read) or not _is_int(rows_used) or not isinstance(dropped, dict)
            or not all(isinstance(k, str) and _is_int(v) for k, v in dropped.items())
            or not isinstance(warnings, list) or not all(isinstance(w, str) for w in warnings)):
        raise ProjectError(f"{what}: load report is damaged")
    return DataReport(rows_read, rows_used, dict(dropped), list(warnings))


# ---- split -------------------------------------------------------------------------------------
PARTS = ("train", "test", "valid")


def encode_split(split: Split) -> tuple[dict, dict[str, np.ndarray]]:
    """The split's parts as arrays (``train/...``, ``test/...``, ``valid/...``) + their value kinds."""
    arrays, kinds = {}, {}
    for part in PARTS:
        inter = getattr(split, part)
        if inter is not None:
            meta, arr = encode_interactions(inter, prefix=part + "/")
            kinds[part] = meta["value_kind"]
            arrays.update(arr)
    counts = {p: getattr(split, p).n_events for p in PARTS if getattr(split, p) is not None}
    return {"kinds": kinds, "counts": counts}, arrays


def decode_split(method, seed, warnings, kinds, arrays: dict, what: str, options: dict | None = None) -> Split:
    """The stored split; ``options`` (the split row's JSON) gives its fractions and relevant event
    types (absent in files saved before they were stored: defaults)."""
    if method not in METHODS or not _is_int(seed):
        raise ProjectError(f"{what}: method or seed is damaged")
    if not isinstance(warnings, list) or not all(isinstance(w, str) for w in warnings) or not isinstance(kinds, dict):
        raise ProjectError(f"{what}: description is damaged")
    options = options or {}
    test_frac, valid_frac = options.get("test_frac", 0.2), options.get("valid_frac", 0.0)
    if not (_is_number(test_frac) and _is_number(valid_frac) and 0 <= test_frac < 1 and 0 <= valid_frac < 1):
        raise ProjectError(f"{what}: test or validation share is damaged")
    relevant = options.get("relevant_events")
    if relevant is not None and (not isinstance(relevant, list) or not all(isinstance(r, str) for r in relevant)):
        raise ProjectError(f"{what}: relevant event types are damaged")
    parts = {}
    for part in PARTS:
        if part in kinds:
            parts[part] = decode_interactions({"value_kind": kinds[part]}, arrays, f"{what} ({part})", part + "/")
    if "train" not in parts or "test" not in parts:
        raise ProjectError(f"{what} lacks its train or test part")
    return Split(parts["train"], parts["test"], parts.get("valid"), list(warnings), method, int(seed),
                 float(test_frac), float(valid_frac), relevant)


# ---- evaluation, history, diagnosis --------------------------------------------------------------
def encode_evaluation(ev) -> tuple[dict, dict[str, np.ndarray]]:
    doc = {"metrics": {k: _num(v) for k, v in ev.metrics.items()}, "ks": list(ev.ks),
           "n_users_evaluated": int(ev.n_users_evaluated), "n_cold_users": int(ev.n_cold_users),
           "sampled": bool(ev.sampled), "n_candidates": int(ev.n_candidates),
           "per_user": list(ev.per_user)}
    arrays = {f"per_user/{k}": np.asarray(v, dtype=np.float64) for k, v in ev.per_user.items()}
    arrays.update(users=np.asarray(ev.users, dtype=np.int64), user_ids=ev.user_ids,
                  n_train_items=np.asarray(ev.n_train_items, dtype=np.int64))
    return doc, arrays


def decode_evaluation(doc: dict, arrays: dict, what: str):
    from engine.evaluate.protocol import EvalResult
    metrics, ks, names = doc.get("metrics"), doc.get("ks"), doc.get("per_user")
    if (not isinstance(metrics, dict) or not all(isinstance(k, str) and (v is None or _is_number(v))
                                                 for k, v in metrics.items())
            or not isinstance(ks, list) or not all(_is_int(k) and k > 0 for k in ks)
            or not isinstance(names, list) or not all(isinstance(n, str) for n in names)
            or not all(_is_int(doc.get(k)) for k in ("n_users_evaluated", "n_cold_users", "n_candidates"))):
        raise ProjectError(f"{what}: metrics are damaged")
    users, user_ids, n_train = arrays.get("users"), arrays.get("user_ids"), arrays.get("n_train_items")
    if users is None or users.dtype != np.int64 or users.ndim != 1:
        raise ProjectError(f"{what}: evaluated users are damaged")
    n = len(users)
    if (user_ids is None or user_ids.shape != (n,) or not (user_ids.dtype == np.int64 or user_ids.dtype == object)
            or n_train is None or n_train.shape != (n,) or n_train.dtype != np.int64):
        raise ProjectError(f"{what}: evaluated users are damaged")
    per_user = {}
    for name in names:
        arr = arrays.get(f"per_user/{name}")
        if arr is None or arr.shape != (n,) or arr.dtype != np.float64:
            raise ProjectError(f"{what}: per-customer {name} is missing or damaged")
        per_user[name] = arr
    return EvalResult({k: math.nan if v is None else float(v) for k, v in metrics.items()}, per_user,
                      users, user_ids, tuple(int(k) for k in ks), int(doc["n_users_evaluated"]),
                      int(doc["n_cold_users"]), bool(doc.get("sampled", False)), n_train,
                      int(doc["n_candidates"]))


def encode_diagnosis(d) -> dict:
    return {"verdict": d.verdict, "sentence": d.sentence, "evidence": dict(d.evidence)}


def decode_diagnosis(d: dict, what: str):
    from engine.diagnostics.curves import VERDICTS, Diagnosis
    if (d.get("verdict") not in VERDICTS or not isinstance(d.get("sentence"), str)
            or not isinstance(d.get("evidence", {}), dict)):
        raise ProjectError(f"{what}: diagnosis is damaged")
    return Diagnosis(d["verdict"], d["sentence"], dict(d.get("evidence", {})))


def decode_history(d: dict, what: str):
    from engine.train.loop import History
    try:
        return History.from_dict(d)
    except EngineError as e:
        raise ProjectError(f"{what}: {e}") from None


# ---- models --------------------------------------------------------------------------------------
MODEL_FILES = ("config.json", "ids.json", "weights.safetensors")


def encode_model(model) -> tuple[str, str, bytes]:
    """(config.json text, ids.json text, weights.safetensors bytes) as ``Recommender.save`` writes them."""
    try:
        with tempfile.TemporaryDirectory(prefix="recscope-model-") as tmp:
            d = model.save(tmp)
            return ((d / "config.json").read_text(encoding="utf-8"), (d / "ids.json").read_text(encoding="utf-8"),
                    (d / "weights.safetensors").read_bytes())
    except (OSError, ModelError) as e:  # a full disk or a temporary folder that cannot be written
        raise ProjectError(f"could not write the model to a temporary file ({e})") from None


def decode_model(config: str, ids: str, weights: bytes, what: str, max_bytes: int = MAX_BLOB_BYTES):
    """A model through ``Recommender.load`` (format, shapes and dtypes checked; never unpickles)."""
    from engine.models.base import Recommender
    with tempfile.TemporaryDirectory(prefix="recscope-model-") as tmp:
        d = Path(tmp)
        (d / "config.json").write_text(config, encoding="utf-8", errors="surrogatepass")
        (d / "ids.json").write_text(ids, encoding="utf-8", errors="surrogatepass")
        (d / "weights.safetensors").write_bytes(weights)
        try:
            return Recommender.load(d, max_bytes=max_bytes)
        except EngineError as e:
            raise ProjectError(f"{what}: {e.detail.replace(str(d), 'model')}") from None


# ---- small checks --------------------------------------------------------------------------------
def _dict(value, what: str) -> dict:
    if not isinstance(value, dict):
        raise ProjectError(f"{what} is damaged")
    return value


def _is_int(v) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _is_number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _num(x):
    x = float(x)
    return None if math.isnan(x) else x


def _plain_value(v):
    """``v`` as JSON: scalars as they are, dicts and lists (filters, a catalog's join report)
    value by value, anything else as text."""
    if v is None or isinstance(v, (str, int, float, bool)):
        return v
    if isinstance(v, dict):
        return {str(k): _plain_value(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_plain_value(x) for x in v]
    return str(v)
