"""Property-based: any CSV/TSV/gzip text, raw bytes, Excel workbook or Parquet file either loads
into a sane Dataset or raises an EngineError whose message is one line and starts with the file
name. Nothing else may escape ``read_table`` / ``infer_mapping`` / ``build_dataset`` /
``open_dataset``.

Deterministic (``derandomize=True``, no example database) so CI sees the same inputs every run;
example counts keep the module under ~40 s on the project machine.
"""

from __future__ import annotations

import csv
import datetime as dt
import decimal
import gzip
import io
import tempfile
from pathlib import Path

import numpy as np
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from engine.data import build_dataset, infer_mapping, open_dataset, read_table
from engine.data.schema import ColumnMapping
from engine.errors import EngineError

SETTINGS = dict(derandomize=True, database=None, deadline=None, print_blob=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.large_base_example])


# ---- the contract -------------------------------------------------------------------------------
def check_error(err: EngineError, name: str) -> str:
    msg = str(err)
    assert "\n" not in msg and "\r" not in msg, repr(msg)
    assert msg.startswith(name), f"message does not name {name!r}: {msg!r}"
    return msg


def check_dataset(ds) -> None:
    inter = ds.interactions
    assert inter.n_events > 0
    assert len(inter.user_idx) == len(inter.item_idx) == len(inter.values) == inter.n_events
    assert 0 <= inter.user_idx.min() and inter.user_idx.max() < inter.n_users
    assert 0 <= inter.item_idx.min() and inter.item_idx.max() < inter.n_items
    assert np.isfinite(inter.values).all(), "non-finite event values were accepted"
    assert inter.timestamps is None or inter.timestamps.dtype == np.int64
    assert len(np.unique(inter.user_ids.astype(str))) == inter.n_users, "distinct user ids collided"
    assert len(np.unique(inter.item_ids.astype(str))) == inter.n_items, "distinct item ids collided"
    inter.csr  # the CSR view builds


def outcome(path: Path, kind: str) -> str:
    """open_dataset(path) under the contract; records the outcome for --hypothesis-show-statistics."""
    try:
        ds = open_dataset(path)
    except EngineError as e:
        msg = check_error(e, path.name)
        event(f"{kind}: error: {type(e).__name__}: {msg[len(path.name):].split('(')[0][:60]}")
        return "error"
    check_dataset(ds)
    event(f"{kind}: loaded")
    return "loaded"


def write(data: bytes, name: str) -> tuple[tempfile.TemporaryDirectory, Path]:
    tmp = tempfile.TemporaryDirectory(prefix="recscope-prop-")
    path = Path(tmp.name) / name
    path.write_bytes(data)
    return tmp, path


# ---- text tables --------------------------------------------------------------------------------
NASTY = ["", " ", "NA", "null", "None", "nan", "NaN", "inf", "-inf", "1e400", "-1e400", "1e308", "-0", "0042",
         "007", "1,5", "3,14159", "1.234,5", "１２３", "٣", "2011-12-01 08:26", "12/1/2010 8:26", "13/31/2010",
         "2020-13-45", "1970-01-01T00:00:00Z", "9999-12-31", "0001-01-01", "99999999999", "1e18",
         "9223372036854775808", "-9223372036854775809", "18446744073709551616", "True", "false",
         "=SUM(A1:A3)", "<html>", "<!DOCTYPE html>", "\x00", "a\x00b", "\ufeff", "\u202e", "😀", "\x1b[31m",
         "\t", "\r", "\n", "\r\n", '"', '""', "'", ",", ";", "|", "::", "\\", "#", "%", "\x85", "\u2028"]
HEADERS = ["user", "user_id", "UserID", "CustomerID", "item", "item_id", "StockCode", "movieId", "sku",
           "rating", "Rating", "Quantity", "qty", "weight", "timestamp", "InvoiceDate", "date", "event",
           "type", "title", "Description", "price", "category", "genres", "country", "", "column1",
           "Unnamed: 0", "user", "item"]

printable = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=12)
chaos = st.one_of(
    st.integers(-10**30, 10**30).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.sampled_from(NASTY),
    st.text(max_size=12),                   # any code point, control characters included
)
dates = st.datetimes(min_value=dt.datetime(1, 1, 1))
#: Column kinds: a realistic cell strategy each; any cell may still be replaced by chaos.
KINDS = {
    "int id": st.integers(0, 40).map(str),
    "big id": st.integers(2**53 - 3, 2**64 + 3).map(str),
    "text id": st.sampled_from(["A1", "B2", "0042", "42", "x y", "ç", "😀", "C536379", "85123A"]),
    "rating": st.sampled_from(["1", "2", "3", "4", "5", "4.5", "3,5", "-1", "0"]),
    "float": st.floats(allow_nan=True, allow_infinity=True).map(repr),
    "date": st.one_of(dates.map(str), dates.map(lambda d: d.strftime("%m/%d/%Y %H:%M")),
                      dates.map(lambda d: d.isoformat() + "Z")),
    "epoch": st.integers(0, 2 * 10**12).map(str),
    "event": st.sampled_from(["view", "cart", "purchase", "Purchase ", "refund"]),
    "text": printable,
    "chaos": chaos,
}
header_cell = st.one_of(st.sampled_from(HEADERS), printable, st.text(max_size=6))


@st.composite
def text_tables(draw) -> tuple[bytes, str]:
    """(file bytes, file name) of a random delimited text table."""
    ncol = draw(st.integers(1, 6))
    kinds = [KINDS[draw(st.sampled_from(sorted(KINDS)))] for _ in range(ncol)]
    chaos_rate = draw(st.sampled_from([0, 0, 10, 4]))     # 1 in N cells is chaos (0: none)
    header = draw(st.integers(0, 4)) > 0
    rows = [draw(st.lists(header_cell, min_size=ncol, max_size=ncol))] if header else []
    ragged = draw(st.integers(0, 4)) == 0
    for _ in range(draw(st.integers(2, 25)) if draw(st.integers(0, 7)) else draw(st.integers(0, 1))):
        n = draw(st.integers(max(0, ncol - 2), ncol + 2)) if ragged else ncol
        rows.append([draw(chaos if chaos_rate and draw(st.integers(1, chaos_rate)) == 1 else kinds[c % ncol])
                     for c in range(n)])
    delim = draw(st.sampled_from([",", ";", "\t", "|", " ", "::"]))
    style = draw(st.sampled_from(["minimal", "all", "nonnumeric", "naive"]))
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    if style == "naive" or len(delim) > 1:
        text = newline.join(delim.join(r) for r in rows)
    else:
        buf = io.StringIO()
        quoting = {"minimal": csv.QUOTE_MINIMAL, "all": csv.QUOTE_ALL, "nonnumeric": csv.QUOTE_NONNUMERIC}[style]
        csv.writer(buf, delimiter=delim, quoting=quoting, lineterminator=newline).writerows(rows)
        text = buf.getvalue()
    if draw(st.booleans()):
        text += newline
    enc = draw(st.sampled_from(["utf-8"] * 5 + ["utf-8-sig", "utf-16", "utf-16-le", "cp1252", "latin-1",
                                            "utf-32"]))
    data = text.encode(enc, errors="replace")
    for _ in range(draw(st.integers(0, 3)) if draw(st.integers(0, 3)) == 0 else 0):  # byte-level damage
        pos = draw(st.integers(0, len(data)))
        data = data[:pos] + draw(st.binary(max_size=3)) + data[pos + draw(st.integers(0, 3)):]
    name = draw(st.sampled_from(["data.csv", "data.csv", "events.tsv", "export.txt", "noext", "u.data",
                                 "ratings.dat", "data.csv.gz"]))
    if name.endswith(".gz") and draw(st.integers(0, 3)):
        data = gzip.compress(data)
        if draw(st.integers(0, 4)) == 0:
            data = data[:draw(st.integers(0, len(data)))]
    return data, name


@settings(max_examples=350, **SETTINGS)
@given(text_tables())
def test_random_text_tables(table):
    data, name = table
    tmp, path = write(data, name)
    with tmp:
        outcome(path, "text")


@settings(max_examples=120, **SETTINGS)
@given(st.binary(max_size=2048), st.sampled_from(["x.csv", "x.tsv", "x.csv.gz", "x.parquet", "x.xlsx", "x.xls",
                                                  "x.txt", "u.data", "movies.dat"]))
def test_random_bytes(data, name):
    tmp, path = write(data, name)
    with tmp:
        outcome(path, "bytes")


@settings(max_examples=150, **SETTINGS)
@given(text_tables(), st.data())
def test_any_role_choice_is_loaded_or_refused_clearly(table, data):
    """Whatever columns a user assigns to the roles, build_dataset loads or names the problem."""
    raw, name = table
    tmp, path = write(raw, name)
    with tmp:
        try:
            t = read_table(path)
        except EngineError as e:
            check_error(e, name)
            event("roles: unreadable")
            return
        cols = list(t.frame.columns)
        inferred = infer_mapping(t.frame)
        assert isinstance(inferred, ColumnMapping)
        pick = lambda: data.draw(st.one_of(st.none(), st.sampled_from(cols)))
        user, item = data.draw(st.permutations(cols))[:2] if len(cols) > 1 else (cols[0], None)
        mapping = ColumnMapping(user=user, item=item, value=pick(),
                                value_kind=data.draw(st.sampled_from(["rating", "quantity", "weight", "none"])),
                                timestamp=pick(), event=pick(), title=pick(), category=pick())
        try:
            ds = build_dataset(t, mapping, dedup=data.draw(st.sampled_from(["sum", "max", "first", "last", "none"])))
        except EngineError as e:
            check_error(e, name)
            event("roles: error")
            return
        check_dataset(ds)
        event("roles: loaded")


# ---- Excel --------------------------------------------------------------------------------------
xl_cell = st.one_of(
    st.none(), st.integers(-10**15, 10**15), st.floats(allow_nan=False, allow_infinity=False),
    st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=10),
    st.sampled_from(HEADERS), st.sampled_from(["=SUM(A1:A3)", "=1/0", "=A2*2", "#DIV/0!", "#N/A", "", " ", "0042"]),
    st.datetimes(min_value=dt.datetime(1900, 3, 1), max_value=dt.datetime(9999, 1, 1)),
    st.dates(min_value=dt.date(1900, 3, 1)), st.booleans(), st.times(),
)


@st.composite
def workbooks(draw) -> bytes:
    import openpyxl
    wb = openpyxl.Workbook()
    for s in range(draw(st.integers(1, 3))):
        ws = wb.active if s == 0 else wb.create_sheet()
        ws.title = draw(st.sampled_from(["Sheet", "Data", "Notes", "Orders 2011", "Ümlaut"])) + str(s)
        top = draw(st.integers(0, 3))   # title / notes rows above the table
        for r in range(top):
            ws.cell(r + 1, 1, draw(st.text(max_size=20, alphabet="abc XYZ:-")))
        ncol = draw(st.integers(0, 6))
        nrow = draw(st.integers(0, 12))
        for c in range(ncol):
            ws.cell(top + 1, c + 1, draw(st.one_of(st.sampled_from(HEADERS), xl_cell)))
        for r in range(nrow):
            for c in range(ncol):
                ws.cell(top + 2 + r, c + 1, draw(xl_cell))
        if ncol >= 2 and draw(st.booleans()):   # merged header cells
            c0 = draw(st.integers(1, ncol - 1))
            ws.merge_cells(start_row=top + 1, start_column=c0, end_row=top + 1 + draw(st.integers(0, 1)),
                           end_column=draw(st.integers(c0 + 1, ncol)))
    stamp = dt.datetime(2011, 12, 9, 12, 50)   # the saved bytes depend on the draws alone
    wb.properties.created = wb.properties.modified = stamp
    buf = io.BytesIO()
    wb.save(buf)
    data = buf.getvalue()
    if draw(st.integers(0, 5)) == 0:   # damage the zip (where: a share of its length, so a draw never
        pos = int(draw(st.floats(0.0, 1.0, exclude_max=True)) * len(data))   # depends on the length)
        data = data[:pos] + draw(st.binary(min_size=1, max_size=8)) + data[pos + draw(st.integers(0, 64)):]
    return data


@settings(max_examples=90, **SETTINGS)
@given(workbooks())
def test_random_workbooks(data):
    tmp, path = write(data, "book.xlsx")
    with tmp:
        outcome(path, "xlsx")


# ---- Parquet ------------------------------------------------------------------------------------
def _pa_column(draw, n: int):
    import pyarrow as pa
    kind = draw(st.sampled_from(["int", "bigint", "float", "str", "bool", "ts", "tsz", "date", "decimal",
                                 "binary", "list", "struct", "dict", "null", "duration", "map"]))
    nulls = lambda s: st.one_of(st.none(), s)
    if kind == "int":
        return pa.array(draw(st.lists(nulls(st.integers(-2**63, 2**63 - 1)), min_size=n, max_size=n)), pa.int64())
    if kind == "bigint":
        return pa.array(draw(st.lists(st.integers(0, 2**64 - 1), min_size=n, max_size=n)), pa.uint64())
    if kind == "float":
        return pa.array(draw(st.lists(nulls(st.floats()), min_size=n, max_size=n)), pa.float64())
    if kind == "str":
        return pa.array(draw(st.lists(nulls(st.one_of(st.text(max_size=8), st.sampled_from(NASTY))),
                                      min_size=n, max_size=n)), pa.string())
    if kind == "bool":
        return pa.array(draw(st.lists(nulls(st.booleans()), min_size=n, max_size=n)), pa.bool_())
    if kind in ("ts", "tsz"):
        unit = draw(st.sampled_from(["s", "ms", "us", "ns"]))
        lo, hi = (-2**40, 2**40) if unit != "ns" else (-2**62, 2**62)
        return pa.array(draw(st.lists(nulls(st.integers(lo, hi)), min_size=n, max_size=n)),
                        pa.timestamp(unit, tz="UTC" if kind == "tsz" else None))
    if kind == "date":
        return pa.array(draw(st.lists(nulls(st.dates()), min_size=n, max_size=n)), pa.date32())
    if kind == "decimal":
        vals = draw(st.lists(nulls(st.decimals(min_value=-10**6, max_value=10**6, places=2)), min_size=n, max_size=n))
        return pa.array([None if v is None else decimal.Decimal(v) for v in vals], pa.decimal128(12, 2))
    if kind == "binary":
        return pa.array(draw(st.lists(nulls(st.binary(max_size=6)), min_size=n, max_size=n)), pa.binary())
    if kind == "list":
        return pa.array(draw(st.lists(nulls(st.lists(st.integers(-5, 5), max_size=3)), min_size=n, max_size=n)),
                        pa.list_(pa.int64()))
    if kind == "struct":
        vals = draw(st.lists(nulls(st.fixed_dictionaries({"a": st.integers(0, 9), "b": st.text(max_size=3)})),
                             min_size=n, max_size=n))
        return pa.array(vals, pa.struct([("a", pa.int64()), ("b", pa.string())]))
    if kind == "dict":
        return pa.array(draw(st.lists(nulls(st.sampled_from(["a", "b", "ç"])), min_size=n, max_size=n))).dictionary_encode()
    if kind == "duration":
        return pa.array(draw(st.lists(nulls(st.integers(-10**9, 10**9)), min_size=n, max_size=n)), pa.duration("s"))
    if kind == "map":
        vals = draw(st.lists(st.lists(st.tuples(st.text(max_size=2), st.integers(0, 3)), max_size=2),
                             min_size=n, max_size=n))
        return pa.array(vals, pa.map_(pa.string(), pa.int64()))
    return pa.nulls(n)


@st.composite
def parquet_files(draw) -> bytes:
    import pyarrow as pa
    import pyarrow.parquet as pq
    n = draw(st.integers(0, 15))
    ncol = draw(st.integers(1, 5))
    names = [draw(st.one_of(st.sampled_from(HEADERS), st.text(max_size=6))) for _ in range(ncol)]
    table = pa.table([_pa_column(draw, n) for _ in range(ncol)], names=names)
    buf = io.BytesIO()
    pq.write_table(table, buf)
    data = buf.getvalue()
    if draw(st.integers(0, 5)) == 0:   # damage the file (pages, footer or metadata)
        pos = draw(st.integers(4, len(data) - 5))
        data = data[:pos] + draw(st.binary(min_size=1, max_size=4)) + data[pos + draw(st.integers(0, 4)):]
    return data


@settings(max_examples=120, **SETTINGS)
@given(parquet_files())
def test_random_parquet(data):
    tmp, path = write(data, "table.parquet")
    with tmp:
        outcome(path, "parquet")
