"""Issue 21: nothing a client's data file can do hurts the consultant. Every file here is crafted
by the test; each case failed (hang, memory bomb, silent corruption or internal error) before."""

import datetime
import os
import threading
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from engine.data import limits, open_dataset, read_table
from engine.errors import Cancelled, DataFormatError, ValidationError
from engine.progress import CancelToken


def _orders(rating_cells) -> pd.DataFrame:
    n = len(rating_cells)
    return pd.DataFrame({"user": [f"u{i % 3}" for i in range(n)], "item": [f"i{i}" for i in range(n)],
                         "rating": rating_cells})


# ---- item 1: one non-finite value -----------------------------------------------------------------
@pytest.mark.parametrize("cell", ["inf", "-inf", "1e309", "Infinity", "5e38"])
def test_non_finite_rating_in_csv_is_refused_with_file_row_column(tmp_path, cell):
    path = tmp_path / "orders.csv"
    path.write_text(f"user,item,rating\nu1,i1,4\nu2,i2,{cell}\nu3,i3,5\n")
    with pytest.raises(ValidationError) as e:
        open_dataset(path)
    assert (e.value.path, e.value.row, e.value.column) == ("orders.csv", 3, "rating")
    assert "\n" not in str(e.value)


def test_non_finite_rating_in_parquet_and_excel_is_refused(tmp_path):
    frame = _orders([4.0, 3.0, np.inf, 1e39])
    frame.to_parquet(tmp_path / "orders.parquet")
    frame.to_excel(tmp_path / "orders.xlsx", index=False)
    for name, row in (("orders.parquet", 3), ("orders.xlsx", 4)):
        with pytest.raises(ValidationError) as e:
            open_dataset(tmp_path / name)
        assert (e.value.row, e.value.column) == (row, "rating"), name


def test_quantities_summing_beyond_float32_are_refused(tmp_path):
    path = tmp_path / "orders.csv"
    path.write_text("user,item,quantity\n" + "u1,i1,3e38\n" * 3)
    with pytest.raises(ValidationError, match="beyond"):
        open_dataset(path)


# ---- item 8 (second half): Excel times and serials --------------------------------------------------
def test_excel_time_only_cell_is_not_todays_date(tmp_path):
    pd.DataFrame({"user": ["a", "b"], "item": ["x", "y"],
                  "date": [datetime.datetime(2011, 1, 2, 8, 0), datetime.time(8, 26)]}).to_excel(
        tmp_path / "t.xlsx", index=False)
    with pytest.raises(ValidationError, match="time of day") as e:
        open_dataset(tmp_path / "t.xlsx")
    assert (e.value.row, e.value.column) == (3, "date")


def test_excel_serial_below_one_is_refused(tmp_path):
    import openpyxl
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["user", "item", "date"])
    ws.append(["a", "x", datetime.datetime(2011, 1, 2)])
    ws.append(["b", "y", -700])
    ws["C3"].number_format = "yyyy-mm-dd"
    wb.save(tmp_path / "s.xlsx")
    with pytest.raises(ValidationError, match="plausible date") as e:
        open_dataset(tmp_path / "s.xlsx")
    assert (e.value.row, e.value.column) == (3, "date")


def test_infinite_numeric_timestamp_is_refused(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("user,item,timestamp\nu1,i1,978300760\nu2,i2,inf\n")
    with pytest.raises(ValidationError) as e:
        open_dataset(path)
    assert (e.value.row, e.value.column) == (3, "timestamp")


# ---- item 7: special files ---------------------------------------------------------------------------
def _returns_within(fn, seconds=10.0):
    """fn's exception (or None) when it returns within ``seconds``; fails the test when it blocks."""
    out = {}

    def run():
        try:
            fn()
        except BaseException as e:  # noqa: BLE001 - handed to the test
            out["error"] = e
    t = threading.Thread(target=run, daemon=True)
    t.start()
    t.join(seconds)
    assert not t.is_alive(), "blocked on a special file"
    return out.get("error")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
@pytest.mark.parametrize("via_link", [False, True])
def test_fifo_is_refused_without_blocking(tmp_path, via_link):
    fifo = tmp_path / "orders.csv"
    os.mkfifo(fifo)
    path = fifo
    if via_link:
        path = tmp_path / "link.csv"
        path.symlink_to(fifo)
    try:
        err = _returns_within(lambda: read_table(path))
    finally:  # unblock a reader stuck in open() so the thread can end
        fd = os.open(fifo, os.O_RDWR | os.O_NONBLOCK)
        os.close(fd)
    assert isinstance(err, DataFormatError) and "not a regular file" in str(err)


@pytest.mark.skipif(not Path("/proc/self/mem").exists(), reason="no /proc")
@pytest.mark.parametrize("via_link", [False, True])
def test_a_proc_file_that_fails_to_read_is_one_clear_line(tmp_path, via_link):
    path = Path("/proc/self/mem")  # a "regular" file of size 0 whose first read fails with EIO
    if via_link:
        (tmp_path / "orders.csv").symlink_to(path)
        path = tmp_path / "orders.csv"
    with pytest.raises(DataFormatError) as e:
        read_table(path)
    assert e.value.path == path.name and "\n" not in str(e.value)


# ---- item 5: bombs -----------------------------------------------------------------------------------
def test_parquet_stating_too_many_rows_is_refused_before_reading(tmp_path, monkeypatch):
    _orders([1.0] * 5000).to_parquet(tmp_path / "big.parquet")
    monkeypatch.setattr(limits, "MAX_ROWS", 1000)
    with pytest.raises(DataFormatError, match="5,000 rows"):
        read_table(tmp_path / "big.parquet")


def test_parquet_decompressing_beyond_the_limit_is_refused(tmp_path, monkeypatch):
    pd.DataFrame({"user": ["x" * 1000] * 2000, "item": ["y"] * 2000}).to_parquet(tmp_path / "b.parquet")
    assert (tmp_path / "b.parquet").stat().st_size < 100_000
    monkeypatch.setattr(limits, "MAX_PARQUET_BYTES", 1_000_000)
    with pytest.raises(DataFormatError, match="decompress"):
        read_table(tmp_path / "b.parquet")


def test_parquet_dictionary_bomb_is_refused_by_its_decoded_size(tmp_path, monkeypatch):
    import pyarrow as pa
    import pyarrow.parquet as pq
    n = 200_000  # one 1,000-character customer name in every row: 200 MB decoded, a few KB on disk
    users = pa.DictionaryArray.from_arrays(pa.array(np.zeros(n, np.int32)), pa.array(["u" * 1000]))
    items = pa.DictionaryArray.from_arrays(pa.array(np.arange(n, dtype=np.int32) % 3), pa.array(["a", "b", "c"]))
    pq.write_table(pa.table({"user": users, "item": items}), tmp_path / "d.parquet")
    assert (tmp_path / "d.parquet").stat().st_size < 100_000
    monkeypatch.setattr(limits, "MAX_PARQUET_BYTES", 50_000_000)
    with pytest.raises(DataFormatError, match="decompress"):
        read_table(tmp_path / "d.parquet")


def test_parquet_read_can_be_cancelled(tmp_path, monkeypatch):
    from engine.data import readers
    _orders([1.0] * 3000).to_parquet(tmp_path / "o.parquet", row_group_size=500)
    monkeypatch.setattr(readers, "CHUNK_ROWS", 500)
    with pytest.raises(Cancelled):
        read_table(tmp_path / "o.parquet", cancel=_CancelAfter(3))


class _CancelAfter(CancelToken):
    """A token that reports cancelled from its ``n``-th check on (a user pressing Cancel mid-parse)."""

    def __init__(self, n):
        super().__init__()
        self.left = n

    def raise_if_cancelled(self):
        self.left -= 1
        if self.left <= 0:
            self.cancel()
        super().raise_if_cancelled()


def _xlsx_with_padding(path, pad_bytes):
    """A valid workbook whose sheet XML carries ``pad_bytes`` of a repeated comment (a zip bomb)."""
    import openpyxl
    plain = path.with_name("plain.xlsx")
    wb = openpyxl.Workbook()
    wb.active.append(["user", "item"])
    wb.active.append(["a", "b"])
    wb.save(plain)
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = b"<!--" + b"a" * pad_bytes + b"-->" + data
            dst.writestr(info.filename, data)


def test_xlsx_zip_bomb_is_refused_before_parsing(tmp_path):
    path = tmp_path / "bomb.xlsx"
    _xlsx_with_padding(path, 40 * 2**20)
    assert path.stat().st_size < 200_000
    with pytest.raises(DataFormatError, match="zip bomb"):
        read_table(path)


def test_xlsx_with_more_rows_than_excel_allows_is_refused(tmp_path, monkeypatch):
    pd.DataFrame({"user": range(3000), "item": range(3000)}).to_excel(tmp_path / "long.xlsx", index=False)
    monkeypatch.setattr(limits, "MAX_SHEET_ROWS", 1000)
    with pytest.raises(DataFormatError, match="1,000 rows"):
        read_table(tmp_path / "long.xlsx")


def test_a_sheet_too_long_for_excel_is_refused_before_it_is_parsed(tmp_path, monkeypatch):
    """The rows of every worksheet are counted in its XML first: a sheet longer than Excel allows is
    refused without openpyxl parsing a row (it used to parse ~1M rows, a minute or two, first)."""
    pd.DataFrame({"user": range(3000), "item": range(3000)}).to_excel(tmp_path / "long.xlsx", index=False)
    monkeypatch.setattr(limits, "MAX_SHEET_ROWS", 2999)
    import openpyxl
    monkeypatch.setattr(openpyxl, "load_workbook", lambda *a, **k: pytest.fail("parsed before the row check"))
    with pytest.raises(DataFormatError, match="2,999 rows"):
        read_table(tmp_path / "long.xlsx")
    monkeypatch.setattr(limits, "MAX_SHEET_ROWS", 1_048_576)     # counting stops just past the limit
    import zipfile
    with zipfile.ZipFile(tmp_path / "long.xlsx") as z:
        part = next(i for i in z.infolist() if i.filename.startswith("xl/worksheets/"))
        assert limits._rows_in_part(z, part) == 3001
        assert limits._rows_in_part(z, part, chunk=7) == 3001     # tags split across reads still count once


def test_xlsx_parse_can_be_cancelled(tmp_path):
    pd.DataFrame({"user": range(25_000), "item": range(25_000)}).to_excel(tmp_path / "long.xlsx", index=False)
    with pytest.raises(Cancelled):
        read_table(tmp_path / "long.xlsx", cancel=_CancelAfter(2))


# ---- item 10: wide headers and endless lines -----------------------------------------------------------
def test_header_with_too_many_columns_is_one_clear_line(tmp_path):
    path = tmp_path / "wide.csv"
    n = limits.MAX_COLUMNS * 4
    path.write_text(",".join(f"c{i}" for i in range(n)) + "\n" + ",".join("1" * n) + "\n")
    with pytest.raises(DataFormatError, match="columns, more than") as e:
        read_table(path)
    assert e.value.row == 1


@pytest.mark.parametrize("delimiter", ["", ","])
def test_line_without_breaks_is_one_clear_line(tmp_path, delimiter):
    path = tmp_path / "line.csv"
    path.write_text((("x" * 600) + delimiter) * 4000)  # 2.4 MB, no line break
    with pytest.raises(DataFormatError) as e:
        read_table(path)
    assert "internal" not in str(e.value) and e.value.row == 1
