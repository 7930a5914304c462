"""Item and user side features as small integer codes (+ an optional text vector) with readable names.

Every categorical field maps its values to indices 1..V; index 0 (``MISSING``) is reserved for
unknown, missing or rare values. Multi-valued fields (a category such as "Action|Comedy") keep
one code per value, padded with -1. Numeric columns (price, age) become quantile bands.

- ``encode_item_features(catalog, item_ids)``: category (split on "|"), price band, country from
  the catalog's roles, plus the text embedding of title + category + description.
- ``encode_user_features(frame, user_ids)``: any user attribute table (one row per user); for
  MovieLens ``read_movielens_users(u.user)`` gives age, gender, occupation (zip is dropped as an
  identifier-like column).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from engine.data.interactions import index_of, normalize_ids
from engine.errors import DataFormatError, ModelError, SchemaError
from engine.progress import CancelToken, ProgressCallback

MISSING = "(unknown)"
#: Separator of multi-valued category strings.
MULTI_SEP = "|"


@dataclass(frozen=True)
class Field:
    """One categorical feature of n entities.

    name: readable name ("category", "price band"). labels: (V+1,) value labels, labels[0] == MISSING.
    codes: (n, width) int64 in 0..V; width > 1 for multi-valued fields, -1 pads.
    """

    name: str
    labels: tuple[str, ...]
    codes: np.ndarray

    @property
    def cardinality(self) -> int:
        return len(self.labels)

    def values(self, row: int) -> str:
        """Readable value(s) of entity ``row``, e.g. "Action, Comedy"."""
        return ", ".join(self.labels[c] for c in self.codes[row] if c >= 0)


@dataclass(frozen=True)
class FeatureSet:
    """Side features of n entities (items or users), aligned to their internal indices.

    text: (n, d) float32 unit vectors, zero rows where an entity has no text; None without text.
    """

    n: int
    fields: tuple[Field, ...] = ()
    text: np.ndarray | None = None
    text_hash: str | None = None

    @property
    def names(self) -> list[str]:
        """One readable name per feature group: the fields, then "text" when present."""
        return [f.name for f in self.fields] + (["text"] if self.text is not None else [])

    def describe(self, row: int) -> dict[str, str]:
        """Readable feature values of entity ``row`` (text excluded)."""
        return {f.name: f.values(row) for f in self.fields}

    @property
    def empty(self) -> bool:
        return not self.fields and self.text is None

    # ---- persistence (arrays go to safetensors, labels to config.json) --------------------------
    def to_state(self, prefix: str) -> dict[str, np.ndarray]:
        out = {f"{prefix}.field{j}": np.ascontiguousarray(f.codes, dtype=np.int64) for j, f in enumerate(self.fields)}
        if self.text is not None:
            out[f"{prefix}.text"] = np.ascontiguousarray(self.text, dtype=np.float32)
        return out

    def to_config(self) -> dict:
        return {"n": self.n, "fields": [{"name": f.name, "labels": list(f.labels)} for f in self.fields],
                "text": self.text is not None, "text_hash": self.text_hash}

    @classmethod
    def from_state(cls, state: dict[str, np.ndarray], config: dict, prefix: str, n: int) -> "FeatureSet":
        """Inverse of ``to_state`` / ``to_config``; ModelError when they disagree."""
        from engine.models.base import expect_array
        try:
            if int(config.get("n", -1)) != n:
                raise ModelError(f"saved {prefix} features describe {config.get('n')} rows, expected {n}")
            fields = []
            for j, fc in enumerate(config.get("fields") or []):
                labels = tuple(str(v) for v in fc["labels"])
                codes = expect_array(state, f"{prefix}.field{j}", (n, None), np.int64)
                if codes.size and (codes.min() < -1 or codes.max() >= len(labels)):
                    raise ModelError(f"saved {prefix} feature '{fc['name']}' has codes outside 0..{len(labels) - 1}")
                fields.append(Field(str(fc["name"]), labels, codes))
            text = expect_array(state, f"{prefix}.text", (n, None), np.float32) if config.get("text") else None
        except (KeyError, TypeError, AttributeError) as e:
            raise ModelError(f"saved {prefix} feature description is malformed ({e})") from None
        return cls(n, tuple(fields), text, config.get("text_hash"))


# ---- encoders ---------------------------------------------------------------------------------
def categorical_field(name: str, values, max_levels: int = 200, multi: bool = False) -> Field:
    """Encode (n,) values; the ``max_levels`` most frequent become 1..V (labels sorted), the rest 0.

    multi: split strings on "|" into several codes per row.
    """
    s = pd.Series(values, dtype=object)
    text = s.astype(str).str.strip()
    ok = (~s.isna() & ~text.isin(["", "nan", "None", "<NA>"])).to_numpy()
    lists = pd.Series([([t.strip() for t in v.split(MULTI_SEP) if t.strip()] if multi else [v]) if good else []
                       for v, good in zip(text.tolist(), ok)], dtype=object)
    flat = pd.Series([v for row in lists for v in row], dtype=object)
    counts = flat.value_counts()
    kept = counts.iloc[np.lexsort((counts.index.to_numpy().astype(str), -counts.to_numpy()))[:max_levels]]
    labels = sorted(kept.index.astype(str))
    lookup = {v: k + 1 for k, v in enumerate(labels)}
    width = max(1, int(lists.map(len).max()) if len(lists) else 1)
    codes = np.full((len(lists), width), -1, dtype=np.int64)
    codes[:, 0] = 0
    for r, row in enumerate(lists):
        row_codes = sorted({lookup.get(v, 0) for v in row}) or [0]
        if len(row_codes) > 1 and row_codes[0] == 0:
            row_codes = row_codes[1:]
        codes[r, :len(row_codes)] = row_codes
    return Field(name, (MISSING, *labels), codes)


def band_field(name: str, values, n_bands: int = 5, unit: str = "") -> Field:
    """Numeric (n,) values -> quantile band codes 1..B (labels "lo–hi"); NaN/non-numeric -> 0."""
    x = pd.to_numeric(pd.Series(values), errors="coerce").to_numpy(dtype=np.float64)
    ok = np.isfinite(x)
    codes = np.zeros((len(x), 1), dtype=np.int64)
    if not ok.any():
        return Field(name, (MISSING,), codes)
    edges = np.quantile(x[ok], np.linspace(0, 1, n_bands + 1))
    if np.all(x[ok] == np.round(x[ok])):
        edges = np.round(edges)
    edges = np.unique(edges)
    inner = edges[1:-1]
    codes[ok, 0] = 1 + np.searchsorted(inner, x[ok], side="right")
    bounds = np.concatenate([edges[:1], inner, edges[-1:]])
    labels = [f"{unit}{_num(bounds[b])}–{unit}{_num(bounds[b + 1])}" for b in range(len(bounds) - 1)]
    return Field(name, (MISSING, *labels), codes)


def _num(v: float) -> str:
    return f"{v:.0f}" if abs(v) >= 100 or float(v).is_integer() else f"{v:.2f}"


def _role_column(catalog, frame: pd.DataFrame, role: str) -> str | None:
    roles = dict(getattr(catalog, "roles", None) or {})
    col = roles.get(role)
    if col is not None and col in frame.columns:
        return col
    if role in frame.columns:
        return role
    lower = {str(c).lower(): c for c in frame.columns}
    return lower.get(role)


def item_texts(catalog, item_ids: np.ndarray) -> list[str]:
    """Text per item (n,): "title. category. description" from whatever the catalog has; "" if none."""
    frame = catalog.align(item_ids)
    parts = []
    for role in ("title", "category", "description"):
        col = _role_column(catalog, frame, role)
        if col is not None:
            s = frame[col]
            s = s.where(s.notna(), "").astype(str).str.strip()
            if role == "category":
                s = s.str.replace(MULTI_SEP, ", ", regex=False)
            parts.append(s.where(~s.isin(["nan", "None", "<NA>"]), ""))
    if not parts:
        return [""] * len(item_ids)
    return [". ".join(v for v in row if v) for row in zip(*(s.tolist() for s in parts))]


def item_text_embeddings(catalog, item_ids: np.ndarray, progress: ProgressCallback | None = None,
                         cancel: CancelToken | None = None, cache: str | os.PathLike | None = None
                         ) -> tuple[np.ndarray, str]:
    """(n, 384) float32 unit text vectors (zero rows for items without text) and the text hash."""
    from engine.text.encoder import EMBED_DIM, cached_embeddings
    texts = item_texts(catalog, item_ids)
    has = np.array([bool(t) for t in texts])
    emb = np.zeros((len(texts), EMBED_DIM), dtype=np.float32)
    if has.any():
        vecs, key = cached_embeddings([t for t, h in zip(texts, has) if h], progress, cancel, cache=cache)
        emb[has] = vecs
    else:
        from engine.text.encoder import text_hash
        key = text_hash(texts)
    return emb, key


def encode_item_features(catalog, item_ids: np.ndarray, *, text: bool = True, n_bands: int = 5,
                         max_levels: int = 200, progress: ProgressCallback | None = None,
                         cancel: CancelToken | None = None, cache: str | os.PathLike | None = None) -> FeatureSet:
    """Item features aligned to ``item_ids`` (n,): category, price band, country (those the catalog has) + text."""
    frame = catalog.align(item_ids)
    fields = []
    col = _role_column(catalog, frame, "category")
    if col is not None:
        fields.append(categorical_field("category", frame[col].to_numpy(), max_levels, multi=True))
    col = _role_column(catalog, frame, "price")
    if col is not None:
        fields.append(band_field("price band", frame[col].to_numpy(), n_bands))
    col = _role_column(catalog, frame, "country")
    if col is not None:
        fields.append(categorical_field("country", frame[col].to_numpy(), max_levels))
    fields = [f for f in fields if f.cardinality > 1]
    emb, key = (item_text_embeddings(catalog, item_ids, progress, cancel, cache) if text else (None, None))
    if emb is not None and not emb.any():
        emb, key = None, None
    return FeatureSet(len(item_ids), tuple(fields), emb, key)


def encode_user_features(frame: pd.DataFrame, user_ids: np.ndarray, *, id_column: str = "user",
                         n_bands: int = 5, max_levels: int = 50) -> FeatureSet:
    """User features aligned to ``user_ids`` (n,) from an attribute table with one row per user.

    Numeric columns become "<col> band" quantile bands; text columns categories (the
    ``max_levels`` most frequent; identifier-like columns with more distinct values than half
    the rows are skipped). Users absent from the table get index 0 everywhere.
    """
    if id_column not in frame.columns:
        raise SchemaError(f"user feature table has no '{id_column}' column", column=id_column)
    full_table = frame.drop_duplicates(id_column, keep="first")
    pos = index_of(normalize_ids(full_table[id_column].to_numpy()), user_ids)
    keep = pos >= 0
    table, pos = full_table[keep], pos[keep]
    fields = []
    for col in table.columns:
        if col == id_column:
            continue
        full = pd.Series([None] * len(user_ids), dtype=object)
        full.iloc[pos] = table[col].to_numpy()
        if pd.api.types.is_numeric_dtype(table[col]) and not pd.api.types.is_bool_dtype(table[col]):
            f = band_field(f"{col} band", full.to_numpy(), n_bands)
        else:
            distinct = full_table[col].nunique()
            if distinct > max_levels and distinct > len(full_table) / 2:
                continue
            f = categorical_field(str(col), full.to_numpy(), max_levels)
        if f.cardinality > 1:
            fields.append(f)
    return FeatureSet(len(user_ids), tuple(fields))


def read_movielens_users(path: str | os.PathLike) -> pd.DataFrame:
    """MovieLens-100k ``u.user`` ("id|age|gender|occupation|zip") -> columns user, age, gender, occupation, zip."""
    p = Path(path)
    try:
        df = pd.read_csv(p, sep="|", header=None, names=["user", "age", "gender", "occupation", "zip"],
                         dtype={"zip": str}, encoding="latin-1")
    except FileNotFoundError:
        raise DataFormatError("file not found", path=str(p)) from None
    except (pd.errors.ParserError, UnicodeDecodeError, ValueError) as e:
        raise DataFormatError(f"not a MovieLens u.user file ({e})", path=str(p)) from None
    bad = pd.to_numeric(df["user"], errors="coerce").isna() | pd.to_numeric(df["age"], errors="coerce").isna()
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0]) + 1
        raise DataFormatError("user id and age must be numbers", path=str(p), row=row,
                              column="user" if pd.isna(pd.to_numeric(df["user"].iloc[row - 1], errors="coerce")) else "age")
    df["user"] = df["user"].astype(np.int64)
    df["age"] = df["age"].astype(np.int64)
    return df
