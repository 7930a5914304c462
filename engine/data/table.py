"""The ``Table`` a reader returns, and ``tidy``: text columns turned numeric only where every value
parses (decimal commas understood; ids such as "0042" stay strings). Shared by every reader."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from engine.progress import check, emit

_DECIMAL_COMMA = re.compile(r"^\s*[-+]?\d+,\d+\s*$")
_LEADING_ZERO = re.compile(r"^\s*0\d")
#: Rows parsed between two progress reports and cancel checks.
CHUNK_ROWS = 250_000


@dataclass
class Table:
    """A rectangular table read from one file.

    frame: the data; str columns for text, numeric dtypes where every value parsed.
    rows: (len(frame),) 1-based row number in the file of each frame row (see ``file_row``).
    sheets: every sheet name of an Excel workbook (empty otherwise).
    """

    frame: pd.DataFrame
    path: str
    fmt: str
    encoding: str | None = None
    notes: list[str] = field(default_factory=list)
    delimiter: str | None = None
    decimal: str = "."
    sheet: str | None = None
    sheets: list[str] = field(default_factory=list)
    rows: np.ndarray | None = None

    @property
    def name(self) -> str:
        return Path(self.path).name

    def file_row(self, i: int) -> int:
        """1-based row number in the file of frame row ``i`` (header lines counted)."""
        if self.rows is not None:
            return int(self.rows[i])
        return int(i) + 1


def has_decimal_commas(frame: pd.DataFrame) -> bool:
    for col in frame.columns:
        s = frame[col].dropna()
        if len(s) and s.dtype != object and not pd.api.types.is_string_dtype(s.dtype):
            continue
        s = s.head(200).astype(str)
        if len(s) and s.str.match(_DECIMAL_COMMA).mean() > 0.5:
            return True
    return False


def tidy(frame: pd.DataFrame, decimal: str = ".", *, progress=None, cancel=None) -> pd.DataFrame:
    """Turn text/object columns numeric when every non-missing value is a number.

    Integer-looking values with a leading zero ("0042") keep the column as text (they are ids).
    """
    out, n_cols = {}, max(len(frame.columns), 1)
    wide = _wide_text(frame, decimal) if n_cols > 200 and len(frame) * n_cols <= 10_000_000 else {}
    for j, col in enumerate(frame.columns):
        check(cancel)
        emit(progress, j / n_cols, "detecting column types", "read")
        if col in wide:
            out[col] = wide[col]
            continue
        s = frame[col]
        if pd.api.types.is_numeric_dtype(s.dtype) or pd.api.types.is_datetime64_any_dtype(s.dtype):
            out[col] = s
            continue
        nonnull = s.dropna()
        if len(nonnull) == 0:
            out[col] = s
            continue
        typed = s.dtype == object and not isinstance(nonnull.iloc[0], str)  # Excel cells
        if typed and nonnull.map(lambda v: isinstance(v, (int, float, np.number))
                                 and not isinstance(v, bool)).all():
            num = pd.to_numeric(s)
            if _exact(num):
                out[col] = num
                continue
        if typed and nonnull.map(lambda v: hasattr(v, "year")).all():
            out[col] = pd.to_datetime(s, errors="coerce")
            continue
        text = s.astype("str").where(s.notna())
        stripped = text.str.strip()
        probe = stripped.str.replace(",", ".", regex=False) if decimal == "," else stripped
        num = _numeric(probe, s.notna().to_numpy(), cancel,
                       lambda f, j=j: emit(progress, (j + f) / n_cols, "detecting column types", "read"))
        if num is not None and not _leading_zero(stripped) and _exact(num):
            out[col] = num
        else:
            out[col] = text
    return pd.DataFrame(out, index=frame.index)


def _wide_text(frame: pd.DataFrame, decimal: str) -> dict:
    """``tidy``'s result for the text columns of a wide, short frame (thousands of columns), found
    with one pass of string operations over all cells instead of one pass per column."""
    cols = [c for c, dtype in frame.dtypes.items() if isinstance(dtype, pd.StringDtype)]
    if not cols:
        return {}
    n = len(frame)
    flat = pd.Series(frame[cols].to_numpy(dtype=object).T.ravel(), dtype="str")   # column after column
    present = flat.notna().to_numpy().reshape(len(cols), n)
    stripped = flat.str.strip()
    probe = stripped.str.replace(",", ".", regex=False) if decimal == "," else stripped
    num_all = pd.to_numeric(probe, errors="coerce")
    parsed = num_all.notna().to_numpy().reshape(len(cols), n)
    zero = stripped.str.match(_LEADING_ZERO).fillna(False).to_numpy(dtype=bool).reshape(len(cols), n)
    candidate = (parsed | ~present).all(axis=1) & present.any(axis=1) & ~zero.any(axis=1)
    whole = probe.str.fullmatch(r"[+-]?[0-9]+").fillna(False).to_numpy(dtype=bool).reshape(len(cols), n)
    floats = num_all.to_numpy().reshape(len(cols), n) if num_all.dtype.kind == "f" else None
    out = {}
    for k, col in enumerate(cols):
        piece = slice(k * n, (k + 1) * n)
        num = None
        if candidate[k] and num_all.dtype.kind == "i":      # every cell an integer: the shared result is exact
            num = num_all.iloc[piece]
        elif candidate[k] and floats is not None and not (present[k].all() and whole[k].all()):
            num = pd.Series(floats[k])                      # what to_numeric gives the column: float64
        elif candidate[k] and floats is not None and np.all(np.abs(floats[k]) < 2.0**53):
            num = pd.Series(floats[k].astype(np.int64))     # whole numbers, none missing: int64, exact
        elif candidate[k]:
            num = pd.to_numeric(probe.iloc[piece], errors="coerce")
        text = flat.iloc[piece] if present[k].any() else frame[col]
        out[col] = (num if num is not None and _exact(num) else text).set_axis(frame.index)
    return out


def _numeric(probe: pd.Series, present: np.ndarray, cancel=None, report=None,
             step: int = CHUNK_ROWS) -> pd.Series | None:
    """``pd.to_numeric(probe)`` in ``step``-row pieces (``report(fraction)`` after each); None as soon
    as a present value is not a number."""
    parts = []
    for start in range(0, len(probe), step):
        check(cancel)
        part = pd.to_numeric(probe.iloc[start:start + step], errors="coerce")
        if part[present[start:start + step]].isna().any():
            return None
        parts.append(part)
        if report is not None and len(probe) > step:
            report(min(start + step, len(probe)) / len(probe))
    return parts[0] if len(parts) == 1 else pd.concat(parts)


def _leading_zero(stripped: pd.Series) -> bool:
    """True when an integer-looking value starts with 0 ("0042": an id, not a number)."""
    zero = stripped.dropna()
    zero = zero[zero.str.startswith("0")]
    return bool(len(zero)) and bool(zero.str.match(_LEADING_ZERO).any())


def _exact(num: pd.Series) -> bool:
    """False when a numeric column lost whole numbers to float rounding (|v| >= 2**53, e.g. 19-digit
    ids next to a blank) or holds integers int64 cannot (>= 2**63): such columns stay text."""
    v = num.dropna()
    if v.dtype.kind == "u":
        return not len(v) or int(v.max()) < 2**63
    if v.dtype.kind == "f":
        a = v.to_numpy()
        return not np.any(np.isfinite(a) & (np.abs(a) >= 2.0**53) & (a == np.round(a)))
    return v.dtype.kind != "O"


# ---- Parquet ----------------------------------------------------------------------------------
