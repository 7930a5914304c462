"""What a client's file may make the readers do: only regular files are opened, and every size a
file states (rows, columns, uncompressed bytes) is checked against a limit before it is read.

Each check raises ``DataFormatError`` with one line naming the file; none of them reads more than
the file's directory (a zip's central directory, a Parquet footer, a text table's first line).
"""

from __future__ import annotations

import os
import re
import stat
import zipfile
from pathlib import Path

from engine.errors import DataFormatError

#: Most data rows any table may hold (a Parquet or Excel file states its count up front).
MAX_ROWS = 100_000_000
#: Most columns a table may have (Excel's own limit).
MAX_COLUMNS = 16_384
#: Excel's rows per sheet: a workbook claiming more was not written by a spreadsheet.
MAX_SHEET_ROWS = 1_048_576
#: Most bytes the data in a Parquet file may decompress to.
MAX_PARQUET_BYTES = 4 * 2**30
#: Most bytes all parts of an .xlsx workbook may decompress to.
MAX_XLSX_BYTES = 1 * 2**30
#: An .xlsx part larger than ``_RATIO_FLOOR`` that inflates more than this many times is a zip bomb.
MAX_XLSX_RATIO = 100
_RATIO_FLOOR = 16 * 2**20
#: Longest first line (the header) of a text table.
MAX_HEADER_BYTES = 1 * 2**20


def _size(n: int) -> str:
    return f"{n / 2**30:.1f} GB" if n >= 2**30 else f"{n / 2**20:.1f} MB"


def open_regular(path: Path) -> int:
    """Size in bytes of ``path`` after checking it is a regular file, never opening anything else:
    a FIFO, socket or device (or a link to one) would block or stream forever."""
    name = path.name
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise DataFormatError("no such file", path=name) from None
    except OSError as e:
        raise DataFormatError(f"cannot be read ({e.strerror or e})", path=name) from None
    if stat.S_ISDIR(st.st_mode):
        raise DataFormatError("is a folder, not a file", path=name)
    if not stat.S_ISREG(st.st_mode):
        raise DataFormatError("is not a regular file (a pipe, socket or device); save the data to a file "
                              "and open that", path=name)
    return st.st_size


def check_rows(n: int, name: str, what: str = "") -> None:
    """DataFormatError when ``n`` rows exceed ``MAX_ROWS``."""
    if n > MAX_ROWS:
        raise DataFormatError(f"{what or 'holds'} {n:,} rows, more than the {MAX_ROWS:,} RecScope reads; "
                              "filter or sample it first", path=name)


def check_parquet(meta, name: str) -> None:
    """Refuse a Parquet file whose footer (``pyarrow.parquet.FileMetaData``) states more rows,
    columns or uncompressed bytes than the limits."""
    check_rows(meta.num_rows, name, "states")
    if meta.num_columns > MAX_COLUMNS:
        raise DataFormatError(f"has {meta.num_columns:,} columns, more than the {MAX_COLUMNS:,} RecScope reads",
                              path=name)
    total = sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups))
    if total > MAX_PARQUET_BYTES:
        raise DataFormatError(f"decompresses to {_size(total)}, more than the {_size(MAX_PARQUET_BYTES)} RecScope "
                              "reads (a decompression bomb, or a table too large); filter it first", path=name)


def check_parquet_batch(rows: int, nbytes: int, name: str) -> None:
    """Refuse once the batches read so far hold more rows or bytes than a Parquet file may
    (a footer can understate what its pages inflate to)."""
    check_rows(rows, name, "holds more than")
    if nbytes > MAX_PARQUET_BYTES:
        raise DataFormatError(f"decompresses to more than {_size(MAX_PARQUET_BYTES)} (a decompression bomb, or a "
                              "table too large); filter it first", path=name)


def check_xlsx(path: Path) -> None:
    """Refuse a workbook whose zip directory states more uncompressed bytes than ``MAX_XLSX_BYTES``
    or a part that inflates like a zip bomb. (Python's zipfile never inflates a part beyond its
    stated size, so the stated sizes bound what openpyxl can allocate.)"""
    try:
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return  # not a zip: the workbook reader reports it
    total = sum(i.file_size for i in infos)
    if total > MAX_XLSX_BYTES:
        raise DataFormatError(f"unpacks to {_size(total)}, more than the {_size(MAX_XLSX_BYTES)} RecScope reads "
                              "from a workbook; save it as CSV or Parquet", path=path.name)
    for i in infos:
        if i.file_size > _RATIO_FLOOR and i.file_size > MAX_XLSX_RATIO * max(i.compress_size, 1):
            raise DataFormatError(f"part {i.filename[:60]} inflates {i.file_size / max(i.compress_size, 1):,.0f} "
                                  "times (a zip bomb); RecScope does not read it", path=path.name)
    with zipfile.ZipFile(path) as z:
        for i in infos:
            if i.filename.startswith("xl/worksheets/") and i.filename.endswith(".xml"):
                check_sheet_rows(_rows_in_part(z, i), path.name)


_ROW_TAG = re.compile(rb"<(?:\w+:)?row[\s/>]")


def _rows_in_part(z: zipfile.ZipFile, info: zipfile.ZipInfo, chunk: int = 4 * 2**20) -> int:
    """Row elements in worksheet part ``info``, counted while streaming its XML; stops just past
    ``MAX_SHEET_ROWS`` (so a sheet too long for Excel is refused before a workbook reader parses it)."""
    n, tail = 0, b""
    with z.open(info) as fh:
        while n <= MAX_SHEET_ROWS:
            block = fh.read(chunk)
            if not block:
                break
            data = tail + block
            cut = data.rfind(b"<", max(0, len(data) - 64))   # no tag is split between two counts
            cut = len(data) if cut < 0 else cut
            n += len(_ROW_TAG.findall(data, 0, cut))
            tail = data[cut:]
        n += len(_ROW_TAG.findall(tail))
    return n


def check_sheet_rows(n: int, name: str) -> None:
    if n > MAX_SHEET_ROWS:
        raise DataFormatError(f"a sheet holds more than {MAX_SHEET_ROWS:,} rows, Excel's limit (not a workbook a "
                              "spreadsheet wrote); save the data as CSV or Parquet", path=name)


def check_header(text: str, delimiters, name: str) -> None:
    """Refuse a text table whose first line has more than ``MAX_COLUMNS`` fields for any of
    ``delimiters``, or is longer than ``MAX_HEADER_BYTES`` characters (a file without line breaks)."""
    end = text.find("\n", 0, MAX_HEADER_BYTES + 1)
    line = text[:MAX_HEADER_BYTES if end < 0 else end]
    fields = max(line.count(d) for d in delimiters) + 1
    if fields > MAX_COLUMNS:
        raise DataFormatError(f"has {'more than ' if end < 0 else ''}{fields:,} columns, more than the "
                              f"{MAX_COLUMNS:,} RecScope reads", path=name, row=1)
    if end < 0 and len(text) > MAX_HEADER_BYTES:
        raise DataFormatError(f"its first line is longer than {MAX_HEADER_BYTES:,} characters (no line breaks?), "
                              "so it is not a table RecScope can read", path=name, row=1)
