"""Read a user's file into a ``Table``: CSV/TSV (sniffed), .gz, Parquet, Excel and MovieLens formats.

Every failure is a ``DataFormatError`` whose one-line message names the file. Text columns are
read as strings and turned numeric only when every value parses (ids such as "0042" stay strings).
"""

from __future__ import annotations

import csv
import io
import re
import zlib
from pathlib import Path

import numpy as np
import pandas as pd

from engine.data import limits, movielens
from engine.data.encoding import UTF16_32_BOMS, decode
from engine.data.table import CHUNK_ROWS, Table, has_decimal_commas, tidy
from engine.errors import Cancelled, DataFormatError
from engine.progress import check, emit, scaled

FORMATS = ("csv", "tsv", "parquet", "xlsx", "movielens")
DELIMITERS = (",", ";", "\t", "|")
_SNIFF_BYTES = 256 * 1024
#: Most bytes a text table may hold (after gunzip): a gzip bomb or a runaway export stops here.
MAX_TEXT_BYTES = 2 * 2**30
_NUMBER = re.compile(r"^\s*[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?\s*$")
_SEP_LINE = re.compile(r"^\s*sep=(.)\s*$", re.IGNORECASE)
#: Cell texts read as missing values.
NA_VALUES = ["", "NA", "N/A", "n/a", "#N/A", "NULL", "null", "NaN", "nan", "None"]


def read_table(path, *, sheet: str | None = None, progress=None, cancel=None) -> Table:
    """Read ``path`` into a Table, choosing the reader from the file's content and name."""
    p = Path(path)
    name = p.name
    size = limits.open_regular(p)
    emit(progress, 0.0, f"reading {name}", "read")
    check(cancel)
    if size == 0:  # also a system file (/proc) that states no size: never read
        raise DataFormatError("the file is empty", path=name)
    try:
        return _read_file(p, sheet, progress, cancel)
    except OSError as e:  # the disk or the file system fails mid-read (EIO, a vanished share)
        raise DataFormatError(f"cannot be read ({e.strerror or e})", path=name) from None


def _read_file(p: Path, sheet: str | None, progress, cancel) -> Table:
    name = p.name
    with open(p, "rb") as fh:
        head = fh.read(8)
    if head.startswith(b"PAR1") or p.suffix.lower() == ".parquet":
        table = _read_parquet(p, cancel)
    elif head.startswith(b"PK\x03\x04") or p.suffix.lower() in (".xlsx", ".xlsm"):
        table = _read_excel(p, sheet, cancel)
    elif head.startswith(b"\xd0\xcf\x11\xe0"):  # OLE2: a real .xls (an ".xls" export is often HTML or text)
        raise DataFormatError("old binary Excel (.xls) files are not supported; save it as .xlsx or CSV",
                              path=name)
    else:
        raw = _read_bytes(p, head, cancel)
        check(cancel)
        table = movielens.read(p, raw) or _read_text(p, raw, progress, cancel)
    if len(table.frame.columns) == 0 or len(table.frame) == 0:
        what = "has a header but no data rows" if len(table.frame.columns) else "holds no table"
        raise DataFormatError(what, path=name)
    emit(progress, 1.0, f"read {len(table.frame):,} rows", "read")
    return table


# ---- bytes and text ---------------------------------------------------------------------------
def _read_bytes(p: Path, head: bytes, cancel=None) -> bytes:
    """The file's bytes, gunzipped when it is gzip-compressed (at most MAX_TEXT_BYTES)."""
    if p.stat().st_size > MAX_TEXT_BYTES:
        raise DataFormatError(f"is {_size(p.stat().st_size)}, more than the {_size(MAX_TEXT_BYTES)} a text table "
                              "may hold in memory; import it out of core (recscope ... --reader out-of-core, "
                              "docs/SCALING.md) or convert it to Parquet", path=p.name)
    raw = p.read_bytes()
    if head.startswith(b"\x1f\x8b"):
        raw = _gunzip(raw, p.name, cancel)
        if not raw:
            raise DataFormatError("the file is empty", path=p.name)
    elif p.suffix.lower() == ".gz":
        raise DataFormatError("the name ends in .gz but the file is not gzip-compressed", path=p.name)
    return raw


def _gunzip(raw: bytes, name: str, cancel=None, step: int = 1 << 24) -> bytes:
    """Decompress every gzip member of ``raw`` in ``step``-byte pieces, refusing binary content
    early and stopping at MAX_TEXT_BYTES (a gzip bomb never fills the memory)."""
    parts, size, data = [], 0, raw
    try:
        while data:
            d = zlib.decompressobj(wbits=31)
            while not d.eof:
                part = d.decompress(data, step)
                data = d.unconsumed_tail
                if not part and not data:
                    raise DataFormatError("the gzip file is truncated or corrupt (it ends early)", path=name)
                if not parts and b"\x00" in part[:_SNIFF_BYTES] and not part.startswith(UTF16_32_BOMS):
                    decode(part[:_SNIFF_BYTES], name)  # binary content fails here, before it expands
                size += len(part)
                if size > MAX_TEXT_BYTES:
                    raise DataFormatError(f"decompresses to more than {_size(MAX_TEXT_BYTES)} (a gzip bomb, or a "
                                          "table too large to read); split it or convert it to Parquet", path=name)
                parts.append(part)
                check(cancel)
            data = d.unused_data.lstrip(b"\x00")  # NUL padding after a member is allowed
            if data and not data.startswith(b"\x1f\x8b"):
                raise DataFormatError("the gzip file is truncated or corrupt (junk after the data)", path=name)
    except zlib.error as e:
        raise DataFormatError(f"the gzip file is truncated or corrupt ({e})", path=name) from None
    return b"".join(parts)


def _size(n: int) -> str:
    return f"{n / 2**30:.1f} GB" if n >= 2**30 else f"{n / 2**20:.1f} MB"


def sniff_delimiter(lines: list[str]) -> str | None:
    """The delimiter whose per-line count is most consistent (ties: more fields), or None."""
    best, best_key = None, (0.0, 0)
    if not lines:
        return None
    for d in DELIMITERS:
        try:
            counts = [len(row) - 1 for row in csv.reader(lines, delimiter=d)]
        except csv.Error:  # a field longer than the csv module's limit: not this delimiter's table
            continue
        vals, freq = np.unique(counts, return_counts=True)
        mode = int(vals[np.argmax(freq)])
        if mode <= 0:
            continue
        key = (float(freq.max()) / len(counts), mode)
        if key > best_key:
            best, best_key = d, key
    return best


def text_layout(sample: str, cut: bool, name: str) -> tuple[str, bool, bool]:
    """(delimiter, has a header row, has Excel's "sep=;" first line) of delimited text whose
    first characters are ``sample`` (``cut``: the text goes on past it)."""
    lines = [ln for ln in sample.splitlines()[:200] if ln.strip()]
    if not lines:
        raise DataFormatError("the file is empty", path=name)
    if cut and len(lines) > 1:
        lines = lines[:-1]  # the sample's last line may be cut short
    sep_line = _SEP_LINE.match(lines[0]) if len(lines) > 1 else None  # Excel's "sep=;" first line
    if sep_line:
        lines = lines[1:]
    delim = sep_line.group(1) if sep_line else sniff_delimiter(lines) or ","
    try:
        first = next(csv.reader(lines[:1], delimiter=delim))
    except csv.Error as e:
        raise DataFormatError(f"cannot be read as a table ({e})", path=name, row=1) from None
    header = not all(_NUMBER.match(f) for f in first if f.strip()) if len(lines) > 1 else True
    return delim, header, bool(sep_line)


def _read_text(p: Path, raw: bytes, progress=None, cancel=None) -> Table:
    """Parse delimited text in CHUNK_ROWS pieces (progress 0..0.8, then column types 0.8..1)."""
    name = p.name
    text, enc, notes = decode(raw, name)
    limits.check_header(text, DELIMITERS, name)
    if notes:  # odd lines were decoded apart: pandas parses the repaired text
        raw, parse_enc = text.encode("utf-8"), "utf-8"
    else:
        parse_enc = enc
    delim, header, sep_line = text_layout(text[:_SNIFF_BYTES], len(text) > _SNIFF_BYTES, name)
    del text  # pandas parses the bytes: a str copy of a big file would only cost memory
    check(cancel)
    expected = max(1, raw.count(b"\n"))  # lines, for the progress fraction
    chunks, done = [], 0
    try:
        for chunk in pd.read_csv(io.BytesIO(raw), sep=delim, header=0 if header else None, dtype=str,
                                 keep_default_na=False, na_values=NA_VALUES, skip_blank_lines=False,
                                 engine="c", quotechar='"', encoding=parse_enc, chunksize=CHUNK_ROWS,
                                 skiprows=1 if sep_line else None):
            chunks.append(chunk)
            done += len(chunk)
            emit(progress, 0.8 * min(1.0, done / expected), f"parsed {done:,} rows", "read")
            check(cancel)
    except pd.errors.ParserError as e:
        raise _parser_error(e, name) from None
    except (ValueError, csv.Error) as e:
        raise DataFormatError(f"cannot be read as a table: {e}", path=name) from None
    frame = chunks[0] if len(chunks) == 1 else pd.concat(chunks, ignore_index=True)
    del chunks
    if not header:
        frame.columns = [f"column{i + 1}" for i in range(frame.shape[1])]
    offset = (2 if header else 1) + (1 if sep_line else 0)
    keep = frame.notna().any(axis=1).to_numpy()
    rows = np.flatnonzero(keep) + offset
    if not keep.all():
        frame = frame.loc[keep].reset_index(drop=True)
    frame.columns = _clean_names(frame.columns)
    decimal = "," if delim != "," and has_decimal_commas(frame) else "."
    frame = tidy(frame, decimal=decimal, progress=scaled(progress, 0.8, 1.0), cancel=cancel)
    fmt = "tsv" if delim == "\t" else "csv"
    return Table(frame, str(p), fmt, encoding=enc, delimiter=delim, decimal=decimal, rows=rows, notes=notes)


def _parser_error(e: Exception, name: str) -> DataFormatError:
    m = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", str(e))
    if m:
        expected, line, saw = m.groups()
        return DataFormatError(f"has {saw} fields where the header has {expected} "
                               "(a stray delimiter or unquoted text?)", path=name, row=int(line))
    m = re.search(r"EOF inside string starting at row (\d+)", str(e))
    if m:
        return DataFormatError('a quoted field starts here and never ends (a stray " character?)',
                               path=name, row=int(m.group(1)) + 1)
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


def _read_parquet(p: Path, cancel=None) -> Table:
    size = p.stat().st_size
    with open(p, "rb") as fh:
        head = fh.read(4)
        fh.seek(max(0, size - 4))
        tail = fh.read(4)
    if head != b"PAR1":
        raise DataFormatError("is not a Parquet file (no PAR1 signature)", path=p.name)
    if size < 12 or tail != b"PAR1":
        raise DataFormatError("the Parquet file is truncated or corrupt (no footer)", path=p.name)
    frame = _parquet_frame(p, cancel)
    frame = frame.reset_index(drop=not _named_index(frame))
    frame.columns = _clean_names(frame.columns)
    for i in np.flatnonzero((frame.dtypes == object).to_numpy()):  # binary columns: decode the bytes
        s = frame.iloc[:, i]
        if s.map(lambda v: isinstance(v, bytes)).any():
            frame.isetitem(i, s.map(lambda v: v.decode("utf-8", "replace") if isinstance(v, bytes) else v,
                                    na_action="ignore"))
    return Table(frame, str(p), "parquet", rows=np.arange(len(frame)) + 1)


def _parquet_frame(p: Path, cancel=None) -> pd.DataFrame:
    """The file's table, read in ``CHUNK_ROWS`` batches after its footer's sizes passed the limits;
    cancel is checked and the rows and bytes read so far are bounded after every batch."""
    import pyarrow as pa
    import pyarrow.parquet as pq
    batches, rows, nbytes = [], 0, 0
    try:
        with pq.ParquetFile(p) as pf:
            limits.check_parquet(pf.metadata, p.name)
            schema = pf.schema_arrow
            for batch in pf.iter_batches(batch_size=CHUNK_ROWS):
                check(cancel)
                rows, nbytes = rows + batch.num_rows, nbytes + _decoded_bytes(batch)
                limits.check_parquet_batch(rows, nbytes, p.name)
                batches.append(batch)
        table = pa.Table.from_batches(batches, schema=schema)
        del batches
        return table.to_pandas()
    except (DataFormatError, Cancelled):
        raise
    except Exception as e:  # pyarrow raises many kinds for corrupt files
        raise DataFormatError(f"the Parquet file is corrupt ({type(e).__name__}: {e})", path=p.name) from None


def _decoded_bytes(batch) -> int:
    """Bytes of ``batch`` once its dictionary-encoded text columns are expanded (what pandas makes
    of them): a dictionary of one long string referenced by millions of rows is a bomb whose
    ``nbytes`` counts the string once."""
    import pyarrow as pa
    import pyarrow.compute as pc
    total = batch.nbytes
    for col in batch.columns:
        if pa.types.is_dictionary(col.type) and (pa.types.is_string(col.type.value_type)
                                                 or pa.types.is_binary(col.type.value_type)):
            total += pc.sum(pc.take(pc.binary_length(col.dictionary), col.indices)).as_py() or 0
    return total


def _named_index(frame: pd.DataFrame) -> bool:
    return any(n is not None for n in frame.index.names)


# ---- Excel ------------------------------------------------------------------------------------
def _read_excel(p: Path, sheet: str | None, cancel=None) -> Table:
    import openpyxl
    limits.check_xlsx(p)
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
                best = (sh, found[0], found[1], rows[found[0] - 1] if found[0] else ())
        if best is None:
            where = f"sheet '{sheet}'" if sheet else "any sheet"
            raise DataFormatError(f"no table found in {where} (need a header row and data rows)", path=p.name)
        sh, header_at, _, above = best
        rows = _sheet_rows(wb[sh], header_at + 1, p.name, cancel)
    except (DataFormatError, Cancelled):
        raise
    except Exception as e:  # the sheet XML is parsed lazily: a damaged workbook fails only here
        raise DataFormatError(f"the workbook is damaged ({type(e).__name__}: {' '.join(str(e).split())[:120]})",
                              path=p.name) from None
    finally:
        wb.close()
    header, body = _group_header(above, rows[0]), rows[1:]
    width = max((len(r) for r in rows), default=0)
    frame = pd.DataFrame([list(r) + [None] * (width - len(r)) for r in body],
                         columns=list(header) + [None] * (width - len(header)), dtype=object)
    named = np.array([h is not None and str(h).strip() != "" for h in frame.columns], dtype=bool)
    blank = np.flatnonzero(frame.isna().all(axis=0).to_numpy() & named) if len(frame) else []
    if len(blank):  # formulas saved without results read as blanks: show the formula text instead
        for j, texts in _formula_texts(p, sh, header_at + 2, blank, len(frame)).items():
            frame.isetitem(int(j), pd.Series(texts, index=frame.index, dtype=object))
    frame.columns = _clean_names(frame.columns)
    frame = frame.replace({"": None})
    frame = frame.loc[:, frame.notna().any(axis=0) | ~frame.columns.str.match(r"^column\d+$")]
    keep = frame.notna().any(axis=1).to_numpy()
    rows_no = np.flatnonzero(keep) + header_at + 2
    frame = tidy(frame.loc[keep].reset_index(drop=True))
    return Table(frame, str(p), "xlsx", sheet=sh, sheets=names, rows=rows_no)


def _sheet_rows(ws, first: int, name: str, cancel=None, step: int = 10_000) -> list[tuple]:
    """Rows of ``ws`` from ``first`` (1-based), checking cancel every ``step`` rows and refusing a
    sheet longer than Excel allows or wider than ``limits.MAX_COLUMNS``."""
    rows = []
    for n, row in enumerate(ws.iter_rows(min_row=first, values_only=True), 1):
        if n % step == 0:
            check(cancel)
            limits.check_sheet_rows(first + n, name)
        if len(row) > limits.MAX_COLUMNS:
            raise DataFormatError(f"has more than {limits.MAX_COLUMNS:,} columns", path=name, row=first + n - 1)
        rows.append(row)
    limits.check_sheet_rows(first + len(rows) - 1, name)
    return rows


def _group_header(above: tuple, header: tuple) -> list:
    """Header names, prefixed with the group labels of the row above when that row holds two or
    more text labels (a two-row header whose merged group cells say "Customer" over "ID", "Name").

    A group label runs right until the next label; one over an empty header cell (merged
    downwards) is that column's name and does not run on.
    """
    labels = [v.strip() if isinstance(v, str) and v.strip() else None for v in above]
    if sum(v is not None for v in labels) < 2 or any(v is not None and not isinstance(v, str) for v in above):
        return list(header)
    out, group = [], None
    for j, h in enumerate(header):
        label = labels[j] if j < len(labels) else None
        name = str(h).strip() if h is not None and str(h).strip() else None
        group = label or group
        out.append(f"{group} {name}" if group and name else (name or label))
        if label and not name:
            group = None
    return out


def _formula_texts(p: Path, sheet: str, first_row: int, cols, n_rows: int) -> dict[int, list]:
    """Formula text ("=C2*D2") of the cells of columns ``cols`` (0-based) in ``n_rows`` rows from
    ``first_row`` (1-based), for the columns that hold any formula. A workbook written by a program
    that does not calculate (a script) saves formulas without results, which read as blanks."""
    import openpyxl
    out: dict[int, list] = {int(j): [] for j in cols}
    try:
        wb = openpyxl.load_workbook(p, read_only=True, data_only=False)
        try:
            for r in wb[sheet].iter_rows(min_row=first_row, max_row=first_row + n_rows - 1, values_only=True):
                for j, texts in out.items():
                    v = r[j] if j < len(r) else None
                    texts.append(v if isinstance(v, str) and v.startswith("=") else None)
        finally:
            wb.close()
    except Exception:  # noqa: BLE001 - the values were read already; formulas are only a hint
        return {}
    return {j: t for j, t in out.items() if len(t) == n_rows and any(v is not None for v in t)}


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
