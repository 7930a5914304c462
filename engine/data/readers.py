"""Read a user's file into a ``Table``: CSV/TSV (sniffed), .gz, Parquet, Excel and MovieLens formats.

Every failure is a ``DataFormatError`` whose one-line message names the file. Text columns are
read as strings and turned numeric only when every value parses (ids such as "0042" stay strings).
"""

from __future__ import annotations

import csv
import gzip
import io
import re
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from engine.errors import DataFormatError
from engine.progress import check, emit

FORMATS = ("csv", "tsv", "parquet", "xlsx", "movielens")
DELIMITERS = (",", ";", "\t", "|")
_SNIFF_BYTES = 256 * 1024
_NUMBER = re.compile(r"^\s*[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?\s*$")
_DECIMAL_COMMA = re.compile(r"^\s*[-+]?\d+,\d+\s*$")
_LEADING_ZERO = re.compile(r"^\s*0\d")
#: Cell texts read as missing values.
NA_VALUES = ["", "NA", "N/A", "n/a", "#N/A", "NULL", "null", "NaN", "nan", "None"]


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


def read_table(path, *, sheet: str | None = None, progress=None, cancel=None) -> Table:
    """Read ``path`` into a Table, choosing the reader from the file's content and name."""
    p = Path(path)
    name = p.name
    if not p.exists():
        raise DataFormatError("no such file", path=name)
    if p.is_dir():
        raise DataFormatError("is a folder, not a file", path=name)
    emit(progress, 0.0, f"reading {name}", "read")
    check(cancel)
    with open(p, "rb") as fh:
        head = fh.read(8)
    if p.stat().st_size == 0:
        raise DataFormatError("the file is empty", path=name)
    from engine.data import movielens  # late: movielens uses this module's helpers
    if head.startswith(b"PAR1") or p.suffix.lower() == ".parquet":
        table = _read_parquet(p)
    elif head.startswith(b"PK\x03\x04") or p.suffix.lower() in (".xlsx", ".xlsm"):
        table = _read_excel(p, sheet)
    elif head.startswith(b"\xd0\xcf\x11\xe0") or p.suffix.lower() == ".xls":
        raise DataFormatError("old binary Excel (.xls) files are not supported; save it as .xlsx or CSV",
                              path=name)
    else:
        raw = _read_bytes(p, head)
        check(cancel)
        table = movielens.read(p, raw) or _read_text(p, raw, cancel)
    if len(table.frame.columns) == 0 or len(table.frame) == 0:
        what = "has a header but no data rows" if len(table.frame.columns) else "holds no table"
        raise DataFormatError(what, path=name)
    emit(progress, 1.0, f"read {len(table.frame):,} rows", "read")
    return table


# ---- bytes and text ---------------------------------------------------------------------------
def _read_bytes(p: Path, head: bytes) -> bytes:
    """The file's bytes, gunzipped when it is gzip-compressed."""
    raw = p.read_bytes()
    if head.startswith(b"\x1f\x8b"):
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError, zlib.error) as e:
            raise DataFormatError(f"the gzip file is truncated or corrupt ({e})", path=p.name) from None
        if not raw:
            raise DataFormatError("the file is empty", path=p.name)
    elif p.suffix.lower() == ".gz":
        raise DataFormatError("the name ends in .gz but the file is not gzip-compressed", path=p.name)
    return raw


def decode(raw: bytes, name: str, fallback: str = "cp1252") -> tuple[str, str]:
    """(text, encoding) of ``raw``: BOM / UTF-8 / ``fallback`` (cp1252 or latin-1).

    Raises DataFormatError for binary data, HTML pages and text in an unknown encoding.
    """
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        text, enc = raw.decode("utf-16"), "utf-16"
    elif raw.startswith(b"\xef\xbb\xbf"):
        text, enc = _strict(raw, "utf-8-sig", name), "utf-8-sig"
    else:
        sample = raw[:_SNIFF_BYTES]
        if b"\x00" in sample:
            if sample[1::2].count(0) > len(sample) // 4 or sample[0::2].count(0) > len(sample) // 4:
                raise DataFormatError("looks like UTF-16 text without a byte-order mark; save it as UTF-8",
                                      path=name)
            raise DataFormatError("looks like a binary file, not a text table", path=name)
        try:
            text, enc = raw.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            try:
                text, enc = raw.decode(fallback), fallback
            except UnicodeDecodeError:
                text, enc = raw.decode("latin-1"), "latin-1"
    sample = text[:_SNIFF_BYTES]
    controls = sum(sample.count(chr(c)) for c in (*range(1, 9), 11, 12, *range(14, 32), *range(127, 160)))
    if controls > max(2, len(sample) // 100):
        raise DataFormatError("cannot determine the text encoding (or it is not a text table); "
                              "save it as UTF-8 CSV", path=name)
    lead = sample.lstrip().lower()
    if lead.startswith(("<!doctype html", "<html", "<?xml", "<head", "<body")) or "<html" in lead[:2048]:
        raise DataFormatError("is an HTML/XML page, not a table (a web page saved under a table's name?)",
                              path=name)
    return text, enc


def _strict(raw: bytes, enc: str, name: str) -> str:
    try:
        return raw.decode(enc)
    except UnicodeDecodeError as e:
        raise DataFormatError(f"is not valid {enc} text (byte {e.start})", path=name) from None


def sniff_delimiter(lines: list[str]) -> str | None:
    """The delimiter whose per-line count is most consistent (ties: more fields), or None."""
    best, best_key = None, (0.0, 0)
    if not lines:
        return None
    for d in DELIMITERS:
        counts = [len(row) - 1 for row in csv.reader(lines, delimiter=d)]
        vals, freq = np.unique(counts, return_counts=True)
        mode = int(vals[np.argmax(freq)])
        if mode <= 0:
            continue
        key = (float(freq.max()) / len(counts), mode)
        if key > best_key:
            best, best_key = d, key
    return best


def _read_text(p: Path, raw: bytes, cancel=None) -> Table:
    name = p.name
    text, enc = decode(raw, name)
    lines = [ln for ln in text[:_SNIFF_BYTES].splitlines()[:200] if ln.strip()]
    if not lines:
        raise DataFormatError("the file is empty", path=name)
    if len(text) > _SNIFF_BYTES and len(lines) > 1:
        lines = lines[:-1]  # the sample's last line may be cut short
    delim = sniff_delimiter(lines) or ","
    first = next(csv.reader(lines[:1], delimiter=delim))
    header = not all(_NUMBER.match(f) for f in first if f.strip()) if len(lines) > 1 else True
    check(cancel)
    try:
        frame = pd.read_csv(io.StringIO(text), sep=delim, header=0 if header else None, dtype=str,
                            keep_default_na=False, na_values=NA_VALUES, skip_blank_lines=False,
                            engine="c", quotechar='"')
    except pd.errors.ParserError as e:
        raise _parser_error(e, name) from None
    except (ValueError, csv.Error) as e:
        raise DataFormatError(f"cannot be read as a table: {e}", path=name) from None
    if not header:
        frame.columns = [f"column{i + 1}" for i in range(frame.shape[1])]
    offset = 2 if header else 1
    keep = frame.notna().any(axis=1).to_numpy()
    rows = np.flatnonzero(keep) + offset
    frame = frame.loc[keep].reset_index(drop=True)
    frame.columns = _clean_names(frame.columns)
    decimal = "," if delim != "," and _has_decimal_commas(frame) else "."
    frame = tidy(frame, decimal=decimal)
    fmt = "tsv" if delim == "\t" else "csv"
    return Table(frame, str(p), fmt, encoding=enc, delimiter=delim, decimal=decimal, rows=rows)


def _parser_error(e: Exception, name: str) -> DataFormatError:
    m = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", str(e))
    if m:
        expected, line, saw = m.groups()
        return DataFormatError(f"has {saw} fields where the header has {expected} "
                               "(a stray delimiter or unquoted text?)", path=name, row=int(line))
    return DataFormatError(f"cannot be read as a table: {str(e).strip()}", path=name)


def _clean_names(columns) -> list[str]:
    """Column names as stripped strings; blanks become column<N>; duplicates get a suffix."""
    out, seen = [], {}
    for i, c in enumerate(columns):
        s = "" if c is None or (isinstance(c, float) and np.isnan(c)) else str(c).strip()
        if not s or s.startswith("Unnamed: "):
            s = f"column{i + 1}"
        if s in seen:
            seen[s] += 1
            s = f"{s}.{seen[s]}"
        else:
            seen[s] = 0
        out.append(s)
    return out


def _has_decimal_commas(frame: pd.DataFrame) -> bool:
    for col in frame.columns:
        s = frame[col].dropna()
        if len(s) and s.dtype != object and not pd.api.types.is_string_dtype(s.dtype):
            continue
        s = s.head(200).astype(str)
        if len(s) and s.str.match(_DECIMAL_COMMA).mean() > 0.5:
            return True
    return False


def tidy(frame: pd.DataFrame, decimal: str = ".") -> pd.DataFrame:
    """Turn text/object columns numeric when every non-missing value is a number.

    Integer-looking values with a leading zero ("0042") keep the column as text (they are ids).
    """
    out = {}
    for col in frame.columns:
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
            out[col] = pd.to_numeric(s)
            continue
        if typed and nonnull.map(lambda v: hasattr(v, "year")).all():
            out[col] = pd.to_datetime(s, errors="coerce")
            continue
        text = s.astype("str").where(s.notna())
        stripped = text.str.strip()
        probe = stripped.str.replace(",", ".", regex=False) if decimal == "," else stripped
        num = pd.to_numeric(probe, errors="coerce")
        if num[s.notna()].notna().all() and not stripped.dropna().str.match(_LEADING_ZERO).any():
            out[col] = num
        else:
            out[col] = text
    return pd.DataFrame(out, index=frame.index)


# ---- Parquet ----------------------------------------------------------------------------------
def _read_parquet(p: Path) -> Table:
    size = p.stat().st_size
    with open(p, "rb") as fh:
        head = fh.read(4)
        fh.seek(max(0, size - 4))
        tail = fh.read(4)
    if head != b"PAR1":
        raise DataFormatError("is not a Parquet file (no PAR1 signature)", path=p.name)
    if size < 12 or tail != b"PAR1":
        raise DataFormatError("the Parquet file is truncated or corrupt (no footer)", path=p.name)
    try:
        frame = pd.read_parquet(p)
    except Exception as e:  # pyarrow raises many kinds for corrupt files
        raise DataFormatError(f"the Parquet file is corrupt ({type(e).__name__}: {e})", path=p.name) from None
    frame = frame.reset_index(drop=not _named_index(frame))
    frame.columns = _clean_names(frame.columns)
    return Table(frame, str(p), "parquet", rows=np.arange(len(frame)) + 1)


def _named_index(frame: pd.DataFrame) -> bool:
    return any(n is not None for n in frame.index.names)


# ---- Excel ------------------------------------------------------------------------------------
def _read_excel(p: Path, sheet: str | None) -> Table:
    import openpyxl
    try:
        wb = openpyxl.load_workbook(p, read_only=True, data_only=True)
    except Exception as e:  # zipfile/openpyxl raise various kinds for non-workbooks
        raise DataFormatError(f"is not a readable .xlsx workbook ({type(e).__name__})", path=p.name) from None
    try:
        names = list(wb.sheetnames)
        if sheet is not None and sheet not in names:
            raise DataFormatError(f"has no sheet '{sheet}' (sheets: {', '.join(names)})", path=p.name)
        candidates = [sheet] if sheet is not None else names
        best = None
        for sh in candidates:
            rows = list(wb[sh].iter_rows(min_row=1, max_row=60, values_only=True))
            found = _find_header(rows)
            if found is not None and (best is None or found[1] > best[2]):
                best = (sh, found[0], found[1])
        if best is None:
            where = f"sheet '{sheet}'" if sheet else "any sheet"
            raise DataFormatError(f"no table found in {where} (need a header row and data rows)", path=p.name)
        sh, header_at, _ = best
        rows = list(wb[sh].iter_rows(min_row=header_at + 1, values_only=True))
    finally:
        wb.close()
    header, body = rows[0], rows[1:]
    width = max((len(r) for r in rows), default=0)
    frame = pd.DataFrame([list(r) + [None] * (width - len(r)) for r in body],
                         columns=list(header) + [None] * (width - len(header)), dtype=object)
    frame.columns = _clean_names(frame.columns)
    frame = frame.replace({"": None})
    frame = frame.loc[:, frame.notna().any(axis=0) | ~frame.columns.str.match(r"^column\d+$")]
    keep = frame.notna().any(axis=1).to_numpy()
    rows_no = np.flatnonzero(keep) + header_at + 2
    frame = tidy(frame.loc[keep].reset_index(drop=True))
    return Table(frame, str(p), "xlsx", sheet=sh, sheets=names, rows=rows_no)


def _find_header(rows: list[tuple]) -> tuple[int, int] | None:
    """(0-based header row, score) of the widest table in the first rows of a sheet, or None.

    The header is the first row as wide as the table whose next row is data; score is the
    table width times its rows in the sample, so a cover or notes sheet loses to the data.
    """
    widths = [sum(v is not None and str(v).strip() != "" for v in r) for r in rows]
    if not widths or max(widths) < 2:
        return None
    wide = max(widths)
    for i, w in enumerate(widths[:-1]):
        if w >= max(2, 0.8 * wide) and widths[i + 1] >= 2:
            n_rows = sum(x >= 2 for x in widths[i + 1:])
            return i, wide * n_rows
    return None
