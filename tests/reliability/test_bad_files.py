"""Hostile and odd files generated here (too big to commit, or valid ones that must load right).

The committed corpus with one expected message per file is tests/data/bad (checked by
tests/engine/data/test_data_bad_files.py); these tests cover what that corpus cannot hold.
"""

from __future__ import annotations

import gzip
import io
import re
import zipfile
import zlib

import numpy as np
import openpyxl
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from engine.data import open_dataset, read_table
from engine.data import readers, table
from engine.errors import DataFormatError, EngineError, SchemaError, ValidationError


def one_line_error(path, kind=EngineError) -> str:
    with pytest.raises(kind) as info:
        open_dataset(path)
    msg = str(info.value)
    assert "\n" not in msg and msg.startswith(path.name), msg
    return msg


# ---- size -----------------------------------------------------------------------------------------
def test_ten_thousand_columns_load(tmp_path):
    p = tmp_path / "wide.csv"
    header = ["user", "item"] + [f"f{j}" for j in range(3, 10_001)]
    rows = [",".join([str(r % 7), f"i{r % 5}"] + ["1"] * 9_998) for r in range(30)]
    p.write_text(",".join(header) + "\n" + "\n".join(rows) + "\n")
    ds = open_dataset(p)
    assert (ds.mapping.user, ds.mapping.item) == ("user", "item")
    assert (ds.interactions.n_users, ds.interactions.n_items) == (7, 5)


def test_ten_thousand_unnamed_columns_give_a_short_message(tmp_path):
    p = tmp_path / "wide_junk.csv"
    p.write_text(",".join(f"f{j}" for j in range(10_000)) + "\n" + ",".join(["1.5"] * 10_000) + "\n")
    msg = one_line_error(p, SchemaError)
    assert "no user column found" in msg and "and 9,980 more" in msg and len(msg) < 400


def test_text_bomb_stops_at_the_limit(tmp_path, monkeypatch):
    """A gzip that expands ~1000x (64 members of 1 MiB of CSV text) is refused once it passes the cap."""
    monkeypatch.setattr(readers, "MAX_TEXT_BYTES", 8 * 2**20)
    member = gzip.compress(b"1,2\n" * (2**20 // 4), compresslevel=9)
    p = tmp_path / "bomb.csv.gz"
    p.write_bytes(member * 64)                       # 64 MiB of text from ~100 KiB
    assert "decompresses to more than 8.0 MB" in one_line_error(p, DataFormatError)


def test_binary_bomb_is_refused_before_it_expands(tmp_path, monkeypatch):
    """64 MiB of NUL bytes: refused from the first decompressed piece, so even a 1 MiB cap is never hit."""
    monkeypatch.setattr(readers, "MAX_TEXT_BYTES", 2**20)
    comp = zlib.compressobj(9, zlib.DEFLATED, 31)
    p = tmp_path / "zeros.csv.gz"
    p.write_bytes(b"".join(comp.compress(b"\0" * 2**20) for _ in range(64)) + comp.flush())
    assert "binary file" in one_line_error(p, DataFormatError)


def test_plain_file_over_the_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(readers, "MAX_TEXT_BYTES", 1000)
    p = tmp_path / "big.csv"
    p.write_text("user,item\n" + "1,2\n" * 1000)
    assert "more than the 0.0 MB a text table may hold" in one_line_error(p, DataFormatError)


def test_nul_byte_beyond_the_sniffed_sample(tmp_path):
    p = tmp_path / "late_nul.csv"
    body = b"user,item\n" + b"1,2\n" * 100_000
    p.write_bytes(body + b"3,\x004\n" + b"5,6\n")
    assert f"a NUL byte at byte {len(body) + 2:,}" in one_line_error(p, DataFormatError)


# ---- row numbers across parse chunks --------------------------------------------------------------
def test_row_numbers_survive_chunked_parsing(tmp_path, monkeypatch):
    monkeypatch.setattr(readers, "CHUNK_ROWS", 1000)
    p = tmp_path / "long.csv"
    lines = ["user,item,rating"] + [f"{r % 50},{r % 30},{r % 5 + 1}" for r in range(5000)]
    lines[3500] = "7,8,lots"
    p.write_text("\n".join(lines) + "\n")
    assert "row 3501, column rating: 'lots' is not a number" in one_line_error(p, ValidationError)
    lines[3500] = "7,8,3,9"
    p.write_text("\n".join(lines) + "\n")
    assert "row 3501: has 4 fields where the header has 3" in one_line_error(p, DataFormatError)
    lines[3500] = '7,8,"3'
    p.write_text("\n".join(lines) + "\n")
    assert "row 3501: a quoted field starts here and never ends" in one_line_error(p, DataFormatError)
    lines[3500] = "7,8,3"
    p.write_text("\n".join(lines) + "\n")
    assert open_dataset(p).report.rows_read == 5000


# ---- ids --------------------------------------------------------------------------------------
def test_ids_beyond_float_precision_stay_distinct(tmp_path):
    """19-digit ids next to a blank used to become floats and merge (2**53 + 1 == 2**53 as float)."""
    p = tmp_path / "snowflake.csv"
    p.write_text("user,item\n9007199254740993,a\n9007199254740992,a\n,b\n1234567890123456789,b\n")
    inter = open_dataset(p).interactions
    assert inter.user_ids.tolist() == [9007199254740992, 9007199254740993, 1234567890123456789]


def test_ids_beyond_int64_stay_distinct(tmp_path):
    """Ids past 2**63 used to wrap or collapse to INT64_MIN (every such user merged into one)."""
    p = tmp_path / "huge.csv"
    p.write_text("user,item\n18446744073709551616,a\n18446744073709551617,a\n9223372036854775808,b\n")
    inter = open_dataset(p).interactions
    assert sorted(inter.user_ids.tolist()) == ["18446744073709551616", "18446744073709551617",
                                               "9223372036854775808"]
    q = tmp_path / "huge.parquet"
    pq.write_table(pa.table({"user": pa.array([2**64 - 1, 2**63, 5], pa.uint64()), "item": ["a", "b", "a"]}), q)
    assert set(open_dataset(q).interactions.user_ids.tolist()) == {"18446744073709551615",
                                                                   "9223372036854775808", "5"}


def test_parquet_binary_columns_are_decoded(tmp_path):
    p = tmp_path / "binary.parquet"
    pq.write_table(pa.table({"user": [1, 2, 2], "item": pa.array([b"\xae\xe0", b"ok", b"ok"], pa.binary())}), p)
    assert open_dataset(p).interactions.item_ids.tolist() == ["ok", "\ufffd\ufffd"]


# ---- encodings and text quirks --------------------------------------------------------------
@pytest.mark.parametrize("encoding", ["utf-16", "utf-32", "utf-8-sig", "cp1252"])
def test_bom_and_legacy_encodings_load(tmp_path, encoding):
    p = tmp_path / f"{encoding}.csv"
    p.write_bytes("user;item;rating\n1;Käse;4,5\n2;Brötchen;3,5\n2;Käse;5\n".encode(encoding))
    ds = open_dataset(p)
    assert ds.interactions.item_ids.tolist() == ["Brötchen", "Käse"]
    assert sorted(ds.interactions.values.tolist()) == [3.5, 4.5, 5.0]


def test_excel_sep_line(tmp_path):
    p = tmp_path / "excel.csv"
    p.write_text("sep=;\nuser;item;rating\n1;a;4,5\n2;b;3,5\n2;a;x\n")
    assert "row 5, column rating: 'x' is not a number" in one_line_error(p, ValidationError)
    p.write_text("sep=;\nuser;item;rating\n1;a;4,5\n2;b;3,5\n")
    ds = open_dataset(p)
    assert (ds.mapping.user, ds.mapping.item, ds.interactions.values.tolist()) == ("user", "item", [4.5, 3.5])


def test_quoted_newlines_load(tmp_path):
    p = tmp_path / "reviews.csv"
    p.write_text('user,item,title\n1,10,"Mug,\nblue"\n2,11,"Candle ""XL""\r\nred"\n2,10,"Mug,\nblue"\n')
    ds = open_dataset(p)
    assert ds.interactions.n_events == 3
    assert ds.catalog.titles([10, 11]) == ["Mug,\nblue", 'Candle "XL"\r\nred']


def test_html_saved_as_xls_and_tsv_saved_as_xls(tmp_path):
    p = tmp_path / "export.xls"
    p.write_text("user\titem\n1\ta\n2\tb\n")   # many web apps' "Excel export" is tab-separated text
    assert open_dataset(p).interactions.n_events == 2


# ---- Excel ------------------------------------------------------------------------------------
def _cached_formula_workbook(path) -> None:
    """A workbook whose formula cells carry saved results, as Excel writes them (openpyxl cannot)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["CustomerID", "StockCode", "Units", "Quantity"])
    for r in range(2, 6):
        ws.append([r % 2, f"P{r}", r, f"=C{r}*2"])
    buf = io.BytesIO()
    wb.save(buf)
    src = zipfile.ZipFile(buf)
    with zipfile.ZipFile(path, "w") as out:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(rb"<f>C(\d)\*2</f><v\s*/>|<f>C(\d)\*2</f><v></v>|<f>C(\d)\*2</f>",
                              lambda m: b"<f>C%s*2</f><v>%d</v>" % (m.group(1) or m.group(2) or m.group(3),
                                                                    2 * int(m.group(1) or m.group(2) or m.group(3))),
                              data)
            out.writestr(item, data)


def test_formula_cells_with_saved_results_load_their_values(tmp_path):
    p = tmp_path / "calculated.xlsx"
    _cached_formula_workbook(p)
    ds = open_dataset(p)
    assert ds.mapping.value == "Quantity"
    assert sorted(ds.interactions.values.tolist()) == [4.0, 6.0, 8.0, 10.0]


def test_formulas_without_results_show_their_text_in_unused_columns(tmp_path):
    p = tmp_path / "script.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["CustomerID", "StockCode", "Quantity", "Total"])
    for r in range(2, 6):
        ws.append([r % 2, f"P{r}", r, f"=C{r}*1.5"])
    wb.save(p)
    assert read_table(p).frame["Total"].tolist() == ["=C2*1.5", "=C3*1.5", "=C4*1.5", "=C5*1.5"]
    assert open_dataset(p).interactions.n_events == 4


def test_merged_two_row_header(tmp_path):
    """"Customer" merged over ID|Name, "Product" over Code|Title, "Quantity" merged down two rows:
    the names combine, so the customer's name is not mistaken for the item."""
    p = tmp_path / "report.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"], ws["C1"], ws["E1"] = "Customer", "Product", "Quantity"
    ws.merge_cells("A1:B1")
    ws.merge_cells("C1:D1")
    ws.merge_cells("E1:E2")
    for col, name in zip("ABCD", ["ID", "Name", "Code", "Title"]):
        ws[f"{col}2"] = name
    for r in range(8):
        ws.append([r % 3 + 1, f"customer {r % 3}", f"P{r % 4}", f"Product {r % 4}", r + 1])
    wb.save(p)
    ds = open_dataset(p)
    m = ds.mapping
    assert (m.user, m.item, m.value, m.title) == ("Customer ID", "Product Code", "Quantity", "Product Title")
    assert ds.interactions.n_events == 8


def test_damaged_zip_entries(tmp_path):
    """A workbook whose sheet XML is cut short (a download that stopped) gives one clear line."""
    good = tmp_path / "good.xlsx"
    _cached_formula_workbook(good)
    src = zipfile.ZipFile(good)
    p = tmp_path / "cut.xlsx"
    with zipfile.ZipFile(p, "w") as out:
        for item in src.infolist():
            data = src.read(item.filename)
            out.writestr(item, data[: len(data) // 2] if item.filename.startswith("xl/worksheets/") else data)
    assert one_line_error(p, DataFormatError)


def test_wide_frames_get_the_same_column_types(monkeypatch):
    """tidy's one-pass path for thousands of columns decides exactly as the per-column path."""
    rng = np.random.default_rng(0)
    cells = ["1", "2.5", " 3 ", "0042", "x", None, "1e5", "4,5", "inf", "007", "9007199254740993", "-0", "+7"]
    frame = pd.DataFrame({f"c{j}": pd.Series(rng.choice(np.array(rng.choice(cells, 3), dtype=object), 12),
                                             dtype="str") for j in range(300)})
    for decimal in (".", ","):
        wide = table.tidy(frame, decimal)
        with monkeypatch.context() as m:
            m.setattr(table, "_wide_text", lambda f, d: {})
            narrow = table.tidy(frame, decimal)
        assert all(wide[c].dtype == narrow[c].dtype and wide[c].equals(narrow[c]) for c in frame.columns)
        assert 0 < sum(pd.api.types.is_numeric_dtype(wide[c]) for c in wide) < 300


def test_nested_columns_are_never_guessed_as_ids(tmp_path):
    p = tmp_path / "tags.parquet"
    pq.write_table(pa.table({"user": [1, 2, 2], "item": ["a", "b", "a"],
                             "tags": pa.array([["x"], ["y", "z"], []], pa.list_(pa.string()))}), p)
    ds = open_dataset(p)
    assert (ds.mapping.user, ds.mapping.item) == ("user", "item")
    assert np.array_equal(ds.interactions.values, np.ones(3, np.float32))
