"""Out-of-core import: a CSV/TSV (.gz) or Parquet export larger than memory, aggregated by DuckDB
streaming from disk to one row per user–item pair; only those pairs reach memory.

The file is read as the in-memory readers read it: the first rows go through the same reader
(``readers``: encoding, delimiter, header, decimal comma, column names and types) and the same
schema inference (``inference.infer_mapping``, whose whole-file counts DuckDB supplies); DuckDB
then reads every row as text with those settings and validates, filters and aggregates it in SQL,
in the order ``dataset.build_dataset`` does, so the load report counts the same rows for each
reason and a bad value is reported with its file, row and column.

DuckDB groups the rows by (user, item, reason, event type): rows, distinct events (user, item,
timestamp, event type: the duplicates ``dedup`` merges), the sum of values (and of raw quantities,
for the "net" returns filter) and the last timestamp. Still in DuckDB, the pair-level filters (net
returns, dates, least events per customer and item) run on those groups, and the kept ones merge to
one event per user–item pair: its value the sum over its events (weighted by event type), its time
the last one, its event type the heaviest present. What reaches Python: the report's counts, the
distinct user and item ids (to normalize them as the in-memory reader does), and the pairs, read in
Arrow batches into (n_pairs,) arrays of 20 bytes per pair (``Pairs``; 8 more with event types).
``dataset.open_dataset`` builds the Dataset.

Chosen by ``chosen``: files of ``OUT_OF_CORE_BYTES`` or more on disk (``reader="auto"``), or any
CSV/TSV/Parquet file with ``reader="out-of-core"``. Not supported there (``DataFormatError``): Excel
and MovieLens files, text mixing encodings line by line, dates written in several formats, dedup
"first"/"last". Memory: DuckDB spills above ``memory_limit()`` into ``scratch_dir()``; the peak is
about that limit plus the pairs (bench/RESULTS.md, "Out-of-core import").
"""

from __future__ import annotations

import codecs
import csv
import gzip
import os
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from engine.data.dates import ORDER_WORDS, UNIT_NOTES, choose_format, epoch_unit, in_order
from engine.data.encoding import decode
from engine.data.inference import Counts
from engine.data.interactions import index_of, normalize_ids, sorted_ids
from engine.data.load_filters import LABELS, LoadFilters, merged_label
from engine.data.readers import NA_VALUES, _clean_names, _read_text, text_layout
from engine.data.table import Table, tidy
from engine.errors import Cancelled, DataFormatError, SchemaError, ValidationError
from engine.i18n import _
from engine.progress import check, emit

READERS = ("auto", "memory", "out-of-core")
#: Files this large on disk (compressed size for .gz) are imported out of core with reader="auto".
#: The in-memory reader peaks near 5x a CSV's size (bench/RESULTS.md: 2.64 GB for a 10M-row
#: order-line file of 0.5 GB), so from 1 GiB on a laptop of 8-16 GB runs short.
OUT_OF_CORE_BYTES = 1 << 30
#: Bytes of a text file's beginning read by the in-memory reader for the sample.
HEAD_BYTES = 16 << 20
DEDUP = ("sum", "max", "none")
#: Why a row is not kept (``reason`` in SQL), in ``build_dataset``'s order; 0 keeps it.
BLANK = -1
MISSING_USER, MISSING_ITEM, BAD_VALUE, MISSING_VALUE, NEGATIVE, BAD_TIME, MISSING_TIME, NON_PRODUCT, RETURN, \
    OUTSIDE_DATES, MISSING_EVENT = range(1, 12)


def chosen(path, reader: str = "auto") -> bool:
    """True when ``path`` is imported out of core under ``reader`` ("auto": by size)."""
    if reader not in READERS:
        raise SchemaError(f"reader must be one of {', '.join(READERS)}, not {reader!r}")
    if reader == "memory":
        return False
    p = Path(path)
    if reader == "auto" and (not p.is_file() or p.stat().st_size < OUT_OF_CORE_BYTES):
        return False
    if _kind(p) is None:
        if reader == "auto":
            return False
        raise DataFormatError("only CSV/TSV (optionally .gz) and Parquet files can be imported out of core",
                              path=p.name)
    return True


def _kind(p: Path) -> str | None:
    """"parquet", "text" or None (Excel, MovieLens .dat, old .xls: in-memory only)."""
    with open(p, "rb") as fh:
        head = fh.read(8)
    if head.startswith(b"PAR1") or p.suffix.lower() == ".parquet":
        return "parquet"
    if head.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")) or p.suffix.lower() in (".xlsx", ".xlsm", ".xls", ".dat"):
        return None
    return "text"


def scratch_dir() -> Path:
    """Where DuckDB spills and transcoded copies go: the system's temporary folder (``TMPDIR``)."""
    folder = Path(tempfile.gettempdir()) / "recscope-out-of-core"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def threads() -> int:
    """DuckDB's threads: the engine's thread policy, which ``import engine`` puts in OMP_NUM_THREADS
    (``engine.machine.threads``; a value the user set wins)."""
    value = os.environ.get("OMP_NUM_THREADS", "").strip()
    return int(value) if value.isdigit() and int(value) >= 1 else max(1, (os.cpu_count() or 1) - 1)


def memory_limit() -> int:
    """Bytes DuckDB may hold before spilling to disk: ``RECSCOPE_DUCKDB_MEMORY`` (e.g. "4GB"),
    else a quarter of the machine's memory (at least 1 GiB)."""
    env = os.environ.get("RECSCOPE_DUCKDB_MEMORY", "").strip().upper()
    units = {"GB": 2**30, "MB": 2**20}
    for unit, scale in units.items():
        if env.endswith(unit) and env[:-2].strip().replace(".", "", 1).isdigit():
            return int(float(env[:-2]) * scale)
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        total = 8 * 2**30
    return max(2**30, total // 4)


# ---- the file: a sample read by the in-memory reader, and how DuckDB reads all of it -----------
@dataclass
class Source:
    """How DuckDB reads the file. relation: a FROM clause; columns: cleaned name -> SQL expression of
    the raw value (VARCHAR for text files); types: cleaned name -> DuckDB type; first_row: file row
    of the first data record; text: the (UTF-8, maybe gzip-compressed) text file DuckDB reads, and
    delimiter: its delimiter, for row numbers; temp: a transcoded copy to delete after reading."""

    relation: str
    columns: dict[str, str]
    types: dict[str, str]
    first_row: int
    text: Path | None = None
    temp: Path | None = None
    delimiter: str = ","

    def close(self) -> None:
        if self.temp is not None:
            self.temp.unlink(missing_ok=True)


def _quote(name: str) -> str:
    return '"' + str(name).replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + str(text).replace("'", "''") + "'"


def read_sample(path, cancel=None) -> tuple[Table, Source]:
    """(the first rows of ``path`` read by the in-memory reader, how DuckDB reads all of it)."""
    p = Path(path)
    if not p.is_file():
        raise DataFormatError("no such file", path=p.name)
    if p.stat().st_size == 0:
        raise DataFormatError("the file is empty", path=p.name)
    kind = _kind(p)
    if kind is None:
        raise DataFormatError("only CSV/TSV (optionally .gz) and Parquet files can be imported out of core",
                              path=p.name)
    return _parquet_sample(p) if kind == "parquet" else _text_sample(p, cancel)


def _text_sample(p: Path, cancel=None) -> tuple[Table, Source]:
    zipped = open(p, "rb").read(2) == b"\x1f\x8b"
    opener = (lambda: gzip.open(p, "rb")) if zipped else (lambda: open(p, "rb"))
    try:
        with opener() as fh:
            head = fh.read(HEAD_BYTES + 1)
    except (OSError, EOFError) as e:
        raise DataFormatError(f"the gzip file is truncated or corrupt ({e})", path=p.name) from None
    whole = len(head) <= HEAD_BYTES
    if not whole:
        head = head[:head.rfind(b"\n") + 1] or head[:HEAD_BYTES]
    text, enc, notes = decode(head, p.name)
    if notes:
        raise DataFormatError("mixes text encodings line by line, which only the in-memory reader repairs; "
                              "save it as UTF-8 or open it with --reader memory", path=p.name)
    delim, header, sep_line = text_layout(text[:256 * 1024], not whole, p.name)
    sample = _read_text(p, head, cancel=cancel)
    temp = _transcode(p, opener, enc, cancel) if enc not in ("utf-8", "ascii") else None   # DuckDB reads UTF-8
    source_file = temp or p
    names = list(sample.frame.columns)
    na = ", ".join(_literal(v) for v in NA_VALUES)
    options = (f"delim={_literal(delim)}, header={str(header).lower()}, all_varchar=true, quote='\"', "
               f"escape='\"', strict_mode=true, null_padding=false, skip={1 if sep_line else 0}, nullstr=[{na}], "
               f"names=[{', '.join(_literal(n) for n in names)}], compression='auto'")
    relation = f"read_csv({_literal(str(source_file))}, {options})"
    columns = {n: _quote(n) for n in names}
    first = (2 if header else 1) + (1 if sep_line else 0)
    return sample, Source(relation, columns, {n: "VARCHAR" for n in names}, first, source_file, temp, delim)


def _transcode(p: Path, opener, enc: str, cancel=None) -> Path:
    """A UTF-8 copy of text file ``p`` in encoding ``enc`` (in ``scratch_dir()``), written in pieces."""
    fd, name = tempfile.mkstemp(prefix=f"recscope-{p.stem}-", suffix=".utf8.csv", dir=scratch_dir())
    os.close(fd)
    out = Path(name)
    decoder = codecs.getincrementaldecoder(enc)(errors="strict")
    try:
        with opener() as src, open(out, "w", encoding="utf-8", newline="") as dst:
            while True:
                check(cancel)
                block = src.read(1 << 24)
                dst.write(decoder.decode(block, final=not block))
                if not block:
                    break
    except UnicodeDecodeError as e:
        out.unlink(missing_ok=True)
        raise DataFormatError(f"is not {enc} throughout ({e.reason} past the first {HEAD_BYTES >> 20} MB); "
                              "save it as UTF-8", path=p.name) from None
    except BaseException:
        out.unlink(missing_ok=True)
        raise
    return out


def _parquet_sample(p: Path) -> tuple[Table, Source]:
    import duckdb
    relation = f"read_parquet({_literal(str(p))})"
    con = duckdb.connect()
    try:
        described = con.sql(f"DESCRIBE SELECT * FROM {relation}").fetchall()
        frame = con.sql(f"SELECT * FROM {relation} LIMIT {HEAD_ROWS}").df()
    except duckdb.Error as e:
        raise DataFormatError(f"the Parquet file is corrupt ({' '.join(str(e).split())[:200]})", path=p.name) from None
    finally:
        con.close()
    names = _clean_names(frame.columns)
    frame.columns = names
    for i in np.flatnonzero((frame.dtypes == object).to_numpy()):  # binary columns: decode the bytes
        s = frame.iloc[:, i]
        frame.isetitem(int(i), s.map(lambda v: v.decode("utf-8", "replace") if isinstance(v, bytes) else v,
                                     na_action="ignore"))
    columns = {n: _quote(row[0]) for n, row in zip(names, described)}
    types = {n: str(row[1]) for n, row in zip(names, described)}
    sample = Table(frame, str(p), "parquet", rows=np.arange(len(frame)) + 1)
    return sample, Source(relation, columns, types, 1)


#: Rows of a Parquet file read for the sample.
HEAD_ROWS = 200_000


# ---- DuckDB -------------------------------------------------------------------------------------
class _Query:
    """One DuckDB connection (threads and memory limit of the engine's policy; spills to the cache
    folder), whose queries report progress and stop on cancel."""

    def __init__(self, progress=None, cancel=None):
        import duckdb
        self.duckdb = duckdb
        self.con = duckdb.connect(config={"threads": threads(), "memory_limit": f"{memory_limit() >> 20}MB",
                                          "temp_directory": str(scratch_dir()), "preserve_insertion_order": False})
        # progress for ``run`` to read, never printed on the terminal
        self.con.execute("SET TimeZone = 'UTC'; SET enable_progress_bar = true; SET enable_progress_bar_print = false")
        self.progress, self.cancel = progress, cancel

    def run(self, sql: str, what: str, start: float = 0.0, stop: float = 1.0, name: str = ""):
        """Execute ``sql`` in a worker thread, reporting DuckDB's progress as ``start..stop`` and
        interrupting it on cancel; returns the DuckDB result."""
        out: dict = {}

        def work() -> None:
            try:
                out["result"] = self.con.execute(sql)
            except BaseException as e:  # noqa: BLE001 - re-raised in the caller's thread
                out["error"] = e

        worker = threading.Thread(target=work, daemon=True)
        worker.start()
        while worker.is_alive():
            worker.join(0.25)
            if self.cancel is not None and self.cancel.cancelled:
                self.con.interrupt()
                worker.join()
                raise Cancelled()
            try:
                done = max(0.0, float(self.con.query_progress())) / 100.0
            except self.duckdb.Error:
                done = 0.0
            emit(self.progress, start + (stop - start) * min(done, 1.0), what, "read")
        if "error" in out:
            e = out["error"]
            if isinstance(e, self.duckdb.Error):
                raise _duck_error(e, name) from None
            raise e
        return out["result"]

    def close(self) -> None:
        self.con.close()


def _duck_error(e: Exception, name: str) -> DataFormatError:
    """A DuckDB reading error as one line naming the file (and the line, where DuckDB says it)."""
    import re
    text = " ".join(str(e).split())
    line = re.search(r"[Ll]ine:? (\d+)", text)
    found = re.search(r"Expected Number of Columns: (\d+) Found: (\d+)", text)
    if found:
        return DataFormatError(f"has {found.group(2)} fields where the header has {found.group(1)} "
                               "(a stray delimiter or unquoted text?)", path=name,
                               row=int(line.group(1)) if line else None)
    if "unterminated quote" in text.lower():
        return DataFormatError('a quoted field starts here and never ends (a stray " character?)', path=name,
                               row=int(line.group(1)) if line else None)
    return DataFormatError(f"cannot be read as a table: {text[:300]}", path=name)


def duckdb_counts(sample: Table, source: Source, query: _Query) -> Counts:
    """``inference.Counts`` over the whole file, one DuckDB scan per call (distinct values as
    written, as pandas counts them)."""
    def counts(columns: list, negatives_of: str | None) -> tuple[dict[str, int], int]:
        parts = [f"count(DISTINCT {source.columns[c]})" for c in columns]
        if negatives_of:
            parts.append(f"count(*) FILTER (WHERE {_number(source, negatives_of, sample.decimal)} < 0)")
        if not parts:
            return {}, 0
        row = query.run(f"SELECT {', '.join(parts)} FROM {source.relation}", "counting values", 0.0, 0.3,
                        sample.name).fetchone()
        return {c: int(v) for c, v in zip(columns, row)}, int(row[-1]) if negatives_of else 0
    return counts


def _text(source: Source, col: str) -> str:
    """SQL: the column's value as trimmed text, NULL where missing (blank; DuckDB reads the NA
    words of ``readers.NA_VALUES`` as NULL)."""
    raw = source.columns[col]
    if source.types[col] != "VARCHAR":
        return f"CAST({raw} AS VARCHAR)"
    return f"nullif(trim({raw}), '')"


def _number(source: Source, col: str, decimal: str) -> str:
    """SQL: the column as DOUBLE; NULL where missing or not a number."""
    if source.types[col] != "VARCHAR":
        return f"TRY_CAST({source.columns[col]} AS DOUBLE)"
    text = _text(source, col)
    if decimal == ",":
        text = f"replace({text}, ',', '.')"
    return f"TRY_CAST({text} AS DOUBLE)"


# ---- timestamps -----------------------------------------------------------------------------------
@dataclass
class _Time:
    """How a timestamp column's values become epoch seconds in SQL (``seconds``), decided on the
    sample as ``dataset.to_epoch_seconds`` decides for the whole column; note: for the report."""

    seconds: str
    note: str | None = None
    unit: str | None = None
    what: str = "a date or time"


def _time_spec(sample: Table, source: Source, col: str, order: str | None) -> _Time:
    s, kind = sample.frame[col], source.types[col]
    if kind.startswith(("TIMESTAMP", "DATE")):
        return _Time(f"epoch({source.columns[col]})")
    if pd.api.types.is_numeric_dtype(s.dtype):
        v = s.to_numpy(dtype=np.float64, na_value=np.nan)
        fin = v[np.isfinite(v)]
        unit = epoch_unit(fin.min(), fin.max(), col, s.dtype.kind == "f") if len(fin) else "s"
        x = _number(source, col, sample.decimal)
        expr = {"ms": f"floor({x} / 1000.0)", "excel": f"round(({x} - 25569.0) * 86400.0)", "s": f"floor({x})"}[unit]
        return _Time(expr, UNIT_NOTES[unit], unit)
    missing = s.isna().to_numpy() | (s.astype(str).str.strip() == "").to_numpy()
    text = s.astype(str).str.strip().where(~missing)
    _, _, fmt, note = choose_format(text, missing, ~missing, order, col)
    what = "a date or time" + (f" written {ORDER_WORDS[order]}" if order in ORDER_WORDS else "")
    if fmt == "mixed":
        raise DataFormatError(f"column {col}: dates are written in several formats, which the out-of-core "
                              "import cannot read; write them as ISO dates (2011-06-30 08:26) or open the "
                              "file with --reader memory", path=sample.name)
    value = _text(source, col)
    if fmt == "ISO8601":  # naive times (the common case) first: the time-zone cast is slower
        return _Time(f"coalesce(epoch(TRY_CAST({value} AS TIMESTAMP)), epoch(TRY_CAST({value} AS TIMESTAMPTZ)))",
                     note, what=what)
    return _Time(f"epoch(try_strptime({value}, {_literal(in_order(fmt, order))}))", note, what=what)


# ---- the aggregation ----------------------------------------------------------------------------
@dataclass
class Pairs:
    """The imported data, one entry per user–item pair.

    user_ids / item_ids: sorted normalized ids; user_idx, item_idx: (n_pairs,) int32;
    values: (n_pairs,) float32 sum over the pair's events (weighted by event type);
    timestamps: (n_pairs,) int64 last event, or None; events: (n_pairs,) heaviest event type, or None;
    value_kind; report counts (rows_read, rows_used: distinct events kept, dropped: reason -> rows);
    item_rows: item id text -> rows naming it (for non-product candidates); catalog: per-item frame
    of the catalog columns (index: item text) or None.
    """

    user_ids: np.ndarray
    item_ids: np.ndarray
    user_idx: np.ndarray
    item_idx: np.ndarray
    values: np.ndarray
    timestamps: np.ndarray | None
    events: np.ndarray | None
    value_kind: str
    rows_read: int
    rows_used: int
    dropped: dict[str, int]
    warnings: list[str] = field(default_factory=list)
    item_rows: dict = field(default_factory=dict)
    catalog: pd.DataFrame | None = None
    relevant: list | None = None


def aggregate(sample: Table, source: Source, mapping, filters: LoadFilters, *, event_weights: dict | None,
              relevant_events, dedup: str, query: _Query) -> Pairs:
    """Validate, filter and aggregate the whole file under ``mapping`` in DuckDB (see the module doc).

    event_weights: event type -> weight (lower-case); relevant_events: wanted relevant types.
    """
    if dedup not in DEDUP:
        raise SchemaError(f"the out-of-core import merges duplicate rows by {' or '.join(DEDUP)}, not {dedup!r}")
    mapping.validate(sample.frame.columns, sample.name)
    name, m = sample.name, mapping
    kind = m.value_kind if m.value else "none"
    time = _time_spec(sample, source, m.timestamp, m.date_order) if m.timestamp else None
    # layer 1: each role's value parsed (column names: u, i, v, t, e; vr, tr: the raw text)
    parsed = {"u": _text(source, m.user), "i": _text(source, m.item),
              "v": _number(source, m.value, sample.decimal) if kind != "none" else "1.0",
              "vr": _text(source, m.value) if kind != "none" else "NULL",
              "t": time.seconds if time else "NULL",
              "tr": (_text(source, m.timestamp) if source.types[m.timestamp] == "VARCHAR"
                     else source.columns[m.timestamp]) if time else "NULL",
              "e": f"lower({_text(source, m.event)})" if m.event else "NULL",
              "blank": " AND ".join(f"{source.columns[c]} IS NULL" for c in source.columns)}
    # layer 2: why a row is left out, in build_dataset's order (one CASE over layer 1's columns)
    reasons = [(BLANK, "blank"), (MISSING_USER, "u IS NULL"), (MISSING_ITEM, "i IS NULL")]
    if kind != "none":
        reasons.append((MISSING_VALUE, f"v IS NULL THEN (CASE WHEN vr IS NOT NULL THEN {BAD_VALUE} ELSE {MISSING_VALUE} END)"))
        if kind == "weight":
            reasons.append((NEGATIVE, "v < 0"))
    if time is not None:
        reasons.append((MISSING_TIME, f"t IS NULL THEN (CASE WHEN tr IS NOT NULL THEN {BAD_TIME} ELSE {MISSING_TIME} END)"))
    if filters.exclude_items:
        reasons.append((NON_PRODUCT, f"i IN ({', '.join(_literal(c) for c in filters.exclude_items)})"))
    if kind == "quantity":
        reasons.append((RETURN, "v <= 0"))
    if time is not None and (filters.date_from or filters.date_to):
        day = "CAST(to_timestamp(t) AS DATE)"
        out = [f"{day} < DATE {_literal(filters.date_from)}"] if filters.date_from else []
        out += [f"{day} > DATE {_literal(filters.date_to)}"] if filters.date_to else []
        reasons.append((OUTSIDE_DATES, " OR ".join(out)))
    if m.event:
        reasons.append((MISSING_EVENT, "e IS NULL"))
    reason = "CASE " + " ".join(f"WHEN {cond}" + ("" if " THEN " in cond else f" THEN {r}") for r, cond in reasons) \
        + " ELSE 0 END"

    def rows_sql(extra: dict | None = None) -> str:
        """SQL: one row per file record: u, i, reason, t, e, v (+ ``extra``: name -> expression)."""
        more = {**parsed, **(extra or {})}
        inner = ", ".join(f"{sql} AS {key}" for key, sql in more.items())
        return (f"SELECT u, i, {reason} AS reason, t, e, v{''.join(f', {k}' for k in extra or {})} "
                f"FROM (SELECT {inner} FROM {source.relation})")

    first = "max(v)" if dedup == "max" else "sum(v)"
    distinct = "count(*)" if dedup != "none" else "sum(rows)"
    net = kind == "quantity" and filters.returns == "net"      # the raw quantities, for netting returns
    grouped = (f"SELECT u, i, reason, e, {distinct} AS n_events, sum(rows) AS n_rows, sum(v) AS v, "
               f"{'sum(q) AS q, ' if net else ''}max(t) AS t FROM (SELECT u, i, reason, t, e, count(*) AS rows, "
               f"{first} AS v{', sum(v) AS q' if net else ''} FROM ({rows_sql()}) GROUP BY ALL) GROUP BY ALL")
    query.run(f"CREATE OR REPLACE TEMP TABLE g AS {grouped}", "aggregating user–item pairs", 0.3, 0.85, name)
    for r, what in ((BAD_VALUE, "a number"), (BAD_TIME, time.what if time else "")):
        bad = query.con.execute(f"SELECT sum(n_rows) FROM g WHERE reason = {r}").fetchone()[0]
        if bad:
            target = m.value if r == BAD_VALUE else m.timestamp
            raise _first_bad(source, rows_sql, r, target, what, int(bad), name, query)
    counts = dict(query.con.execute("SELECT reason, sum(n_rows) FROM g GROUP BY reason").fetchall())
    item_rows = query.con.execute("SELECT i, sum(n_rows) FROM g WHERE i IS NOT NULL AND reason > -1 "
                                  "GROUP BY i").fetchall()
    if time is not None and time.unit:
        _check_unit(query, time, m.timestamp, sample)
    user_ids = _rank_ids(query, "u", sample.decimal)[2]
    item_text, i_norm, item_ids = _rank_ids(query, "i", sample.decimal)
    types = _Types(query, event_weights) if m.event else None
    pairs = _pairs(query, m, kind, filters, counts, types, relevant_events, dedup, user_ids, item_ids, name)
    pairs.item_rows = {str(k): int(v) for k, v in item_rows}
    catalog = _catalog(source, rows_sql, m, time is not None, query, name)
    if catalog is not None:
        catalog.index = normalize_ids(pd.Series(catalog.index.map(dict(zip(item_text.tolist(), i_norm.tolist())))))
        pairs.catalog = catalog
    if time is not None and time.note:
        pairs.warnings.append(time.note)
    return pairs


def _rank_ids(query: _Query, col: str, decimal: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The distinct ids of column ``col`` ("u" or "i") of the groups ``g``: (text (k,) object,
    normalized (k,) int64 or object as the in-memory reader types and normalizes an id column,
    ids (n,) sorted unique normalized ids); DuckDB table ``{col}_rank`` (x: the text, r: INTEGER
    position of its id in ``ids``) maps each text to its id."""
    text = np.array(query.con.execute(f"SELECT DISTINCT {col} FROM g WHERE {col} IS NOT NULL ORDER BY {col}")
                    .fetchnumpy()[col], dtype=object)
    norm = normalize_ids(tidy(pd.DataFrame({"x": text}), decimal)["x"].to_numpy())
    ids = sorted_ids(norm)
    view = pd.DataFrame({"x": text, "r": index_of(norm, ids).astype(np.int32)})
    query.con.register("ranks_view", view)
    query.con.execute(f"CREATE OR REPLACE TEMP TABLE {col}_rank AS SELECT CAST(x AS VARCHAR) AS x, r FROM ranks_view")
    query.con.unregister("ranks_view")
    return text, norm, ids


class _Types:
    """The event types of the groups ``g`` with their weights (a type without one weighs 1), in
    DuckDB table ``types`` (e: the lower-case text, w: DOUBLE weight, rank: SMALLINT position by
    weight, then name: the heaviest type of a pair has the largest rank); names: (k,) object by rank."""

    def __init__(self, query: _Query, event_weights: dict):
        texts = [r[0] for r in query.con.execute("SELECT DISTINCT e FROM g WHERE e IS NOT NULL").fetchall()]
        self.weights = {str(k).strip().lower(): float(w) for k, w in event_weights.items()}
        self.names = np.array(sorted(texts, key=lambda t: (self.weights.get(t, 1.0), t)), dtype=object)
        view = pd.DataFrame({"e": self.names, "w": [self.weights.get(t, 1.0) for t in self.names],
                             "rank": np.arange(len(self.names), dtype=np.int16)})
        query.con.register("types_view", view)
        query.con.execute("CREATE OR REPLACE TEMP TABLE types AS SELECT CAST(e AS VARCHAR) AS e, w, rank FROM types_view")
        query.con.unregister("types_view")


def _pairs(query: _Query, m, kind: str, filters: LoadFilters, counts: dict, types: _Types | None, relevant_events,
           dedup: str, user_ids: np.ndarray, item_ids: np.ndarray, name: str) -> Pairs:
    """The groups ``g`` through the pair-level filters (net returns, dates, least events) to one row
    per user–item pair, all in DuckDB; the pairs are read in batches into (n_pairs,) arrays.

    counts: reason -> rows of ``g``. What reaches Python is 20 bytes per pair (user, item, value,
    time; 8 more for the event type) and the users' and items' ids.
    """
    dropped: dict[str, int] = {}

    def count(n, label: str) -> None:
        if n:
            dropped[label] = dropped.get(label, 0) + int(n)

    labels = {MISSING_USER: _("missing {role}").format(role="user"), MISSING_ITEM: _("missing {role}").format(role="item"),
              MISSING_VALUE: _("missing {value}").format(value=m.value), NEGATIVE: _("negative weight"),
              MISSING_TIME: _("missing {timestamp}").format(timestamp=m.timestamp),
              NON_PRODUCT: _(LABELS["non_products"]), RETURN: _(LABELS["returns"])}
    for r, label in labels.items():
        count(counts.get(r), label)
    sql = query.con.execute
    # layer 1: the groups that pair-level filters see (a user, an item, nothing wrong but maybe a
    # return, a date outside the range or no event type), ids as positions in user_ids / item_ids
    net = kind == "quantity" and filters.returns == "net"
    value = "types.w * v" if m.event else ("CAST(n_events AS DOUBLE)" if kind == "none" else "v")
    extra = (["t"] if m.timestamp else []) + (["e"] if m.event else [])   # last time, heaviest type
    more = "".join(f", {c}" for c in extra)
    live = (f"SELECT ur.r AS u, ir.r AS i, reason, n_events, n_rows, {value} AS v{', q' if net else ''}"
            f"{', CAST(t AS BIGINT) AS t' if m.timestamp else ''}{', types.rank AS e' if m.event else ''} "
            f"FROM g JOIN u_rank ur ON g.u = ur.x JOIN i_rank ir ON g.i = ir.x "
            f"{'LEFT JOIN types USING (e) ' if m.event else ''}"
            f"WHERE reason IN (0, {RETURN}, {OUTSIDE_DATES}, {MISSING_EVENT})")
    if net:                                                  # pairs whose quantities net to <= 0 go
        query.run(f"CREATE OR REPLACE TEMP TABLE live AS {live}", "netting returns", 0.85, 0.87, name)
        sql("CREATE OR REPLACE TEMP TABLE net AS SELECT u, i FROM live GROUP BY u, i HAVING sum(q) <= 0")
        returned, outside = sql(f"SELECT sum(n_rows) FILTER (WHERE net.u IS NOT NULL AND reason <> {RETURN}), "
                                f"sum(n_rows) FILTER (WHERE net.u IS NULL AND reason = {OUTSIDE_DATES}) "
                                "FROM live LEFT JOIN net USING (u, i)").fetchone()
        count(returned, _(LABELS["returns_net"]))
        live = "SELECT * FROM live ANTI JOIN net USING (u, i)"
    else:
        outside = counts.get(OUTSIDE_DATES)
    count(outside, _(LABELS["dates"]))
    # layer 2: the groups that may become events, less customers and items with too few events
    query.run(f"CREATE OR REPLACE TEMP TABLE a AS SELECT u, i, reason, n_events, n_rows, v{more} FROM ({live}) "
              f"WHERE reason IN (0, {MISSING_EVENT})", "filtering user–item pairs", 0.87, 0.89, name)
    sql("DROP TABLE IF EXISTS live; DROP TABLE IF EXISTS net; DROP TABLE g")
    if filters.min_user_events > 1 or filters.min_item_events > 1:
        _least_events(query, filters, count)
    n_missing, n_rows, n_events = sql(f"SELECT sum(n_rows) FILTER (WHERE reason = {MISSING_EVENT}), "
                                      "sum(n_rows) FILTER (WHERE reason = 0), sum(n_events) FILTER (WHERE reason = 0) "
                                      "FROM a").fetchone()
    count(n_missing, _("missing {event}").format(event=m.event))
    merged = int(n_rows or 0) - int(n_events or 0)
    if merged and dedup != "none":
        dropped[merged_label(dedup)] = merged
    warnings: list[str] = []
    relevant = None
    if types is not None:
        present = sorted(types.names[[r[0] for r in sql("SELECT DISTINCT e FROM a WHERE reason = 0").fetchall()]])
        unknown = [t for t in present if t not in types.weights]
        if unknown:
            warnings.append(f"event types without a weight count as 1: {', '.join(unknown[:10])}")
        relevant = [t for t in relevant_events if t in present] or None
        if relevant is None:
            warnings.append(f"no {'/'.join(relevant_events)} events: every event counts as relevant")
    # layer 3: one row per pair: its value summed, its last time, its heaviest event type
    query.run(f"CREATE OR REPLACE TEMP TABLE p AS SELECT u, i, CAST(sum(v) AS FLOAT) AS v"
              f"{''.join(f', max({c}) AS {c}' for c in extra)} FROM a WHERE reason = 0 GROUP BY u, i",
              "merging events into user–item pairs", 0.89, 0.92, name)
    sql("DROP TABLE a")
    cols = _read_pairs(query, ["u", "i", "v"] + extra, name)
    user_idx, item_idx = cols["u"], cols["i"]
    users_used, items_used = _compact(user_idx, len(user_ids)), _compact(item_idx, len(item_ids))
    return Pairs(user_ids=user_ids[users_used], item_ids=item_ids[items_used], user_idx=user_idx, item_idx=item_idx,
                 values=cols["v"], timestamps=cols.get("t"), events=types.names[cols["e"]] if types else None,
                 value_kind="weight" if m.event else kind, rows_read=sum(int(n) for r, n in counts.items() if r > BLANK),
                 rows_used=int(n_events or 0), dropped=dropped, warnings=warnings, relevant=relevant)


def _least_events(query: _Query, filters: LoadFilters, count) -> None:
    """Leave out of table ``a`` the customers, then the items, with fewer rows than the filters'
    least events, again until none is left (each customer's or item's rows counted under its label)."""
    sql = query.con.execute
    while True:
        sql(f"CREATE OR REPLACE TEMP TABLE few_u AS SELECT u FROM a GROUP BY u HAVING sum(n_rows) < {filters.min_user_events}")
        sql(f"CREATE OR REPLACE TEMP TABLE few_i AS SELECT i FROM a GROUP BY i HAVING sum(n_rows) < {filters.min_item_events}")
        by_user, by_item = sql("SELECT sum(n_rows) FILTER (WHERE few_u.u IS NOT NULL), "
                               "sum(n_rows) FILTER (WHERE few_u.u IS NULL AND few_i.i IS NOT NULL) "
                               "FROM a LEFT JOIN few_u USING (u) LEFT JOIN few_i USING (i)").fetchone()
        if not by_user and not by_item:
            break
        count(by_user, _(LABELS["min_user"]))
        count(by_item, _(LABELS["min_item"]))
        sql("DELETE FROM a WHERE u IN (SELECT u FROM few_u) OR i IN (SELECT i FROM few_i)")
    sql("DROP TABLE few_u; DROP TABLE few_i")


#: Pairs read from DuckDB at a time.
BATCH_ROWS = 1 << 20
_DTYPES = {"u": np.int32, "i": np.int32, "v": np.float32, "t": np.int64, "e": np.int16}


def _read_pairs(query: _Query, columns: list[str], name: str) -> dict[str, np.ndarray]:
    """Columns of table ``p`` ordered by user, then item, read in Arrow batches of ``BATCH_ROWS``
    into (n_pairs,) arrays of ``_DTYPES`` (no whole-table copy at any time)."""
    n = query.con.execute("SELECT count(*) FROM p").fetchone()[0]
    out = {c: np.empty(n, dtype=_DTYPES[c]) for c in columns}
    reader = query.run(f"SELECT {', '.join(columns)} FROM p ORDER BY u, i", "reading user–item pairs",
                       0.92, 0.95, name).fetch_record_batch(BATCH_ROWS)
    at = 0
    for batch in reader:
        check(query.cancel)
        k = batch.num_rows
        for j, c in enumerate(columns):
            out[c][at:at + k] = batch.column(j).to_numpy(zero_copy_only=False)
        at += k
    return out


def _compact(idx: np.ndarray, n: int) -> np.ndarray:
    """Renumber ``idx`` (m,) int32 positions in a universe of ``n`` in place (a batch at a time) to
    positions among those it uses (order kept); returns the used positions (k,)."""
    used = np.zeros(n, dtype=bool)
    used[idx] = True
    new = (np.cumsum(used) - 1).astype(np.int32)
    for at in range(0, len(idx), BATCH_ROWS):
        idx[at:at + BATCH_ROWS] = new[idx[at:at + BATCH_ROWS]]
    return np.flatnonzero(used)


def _check_unit(query: _Query, time: _Time, col: str, sample: Table) -> None:
    """The unit of numeric timestamps was chosen on the sample: refuse when the whole file's range
    would choose another one (the in-memory reader decides on every row)."""
    low, high = query.con.execute("SELECT min(t), max(t) FROM g WHERE reason >= 0").fetchone()
    if low is None:
        return
    back = {"ms": lambda x: x * 1000.0, "excel": lambda x: x / 86400.0 + 25569.0, "s": lambda x: x}[time.unit]
    whole = epoch_unit(back(low), back(high), col, sample.frame[col].dtype.kind == "f")
    if whole != time.unit:
        raise DataFormatError(f"column {col}: the first rows look like {time.unit} timestamps but later rows "
                              f"like {whole}; convert the column to one unit or to ISO dates", path=sample.name)


def _catalog(source: Source, rows_sql, m, timed: bool, query: _Query, name: str) -> pd.DataFrame | None:
    """Per item (kept rows), each catalog column's value on its last row by time (any row without
    a time): (n_items, k) frame indexed by the item's text, or None without catalog columns."""
    cats = [c for c in dict.fromkeys([getattr(m, r) for r in ("title", "category", "price", "description")]
                                     + list(m.extra)) if c is not None]
    if not cats:
        return None
    pick = (lambda c: f"arg_max({c}, t) FILTER (WHERE {c} IS NOT NULL)") if timed else (lambda c: f"min({c})")
    sel = ", ".join(f"{pick(f'c{k}')} AS c{k}" for k in range(len(cats)))
    inner = rows_sql({f"c{k}": _text(source, c) for k, c in enumerate(cats)})
    frame = query.run(f"SELECT i, {sel} FROM ({inner}) WHERE reason = 0 GROUP BY i", "collecting item attributes",
                      0.95, 1.0, name).df()
    frame = frame.set_index("i")
    frame.columns = cats
    return tidy(frame)


def _first_bad(source: Source, rows_sql, reason: int, col: str, what: str, n: int, name: str,
               query: _Query) -> ValidationError:
    """The first row (in file order) with ``reason`` as ``_first_bad`` of the in-memory validation words it."""
    query.con.execute("SET preserve_insertion_order = true")
    raw = source.columns[col]
    inner = rows_sql({"raw": f"CAST({raw} AS VARCHAR)"})
    rn, text = query.con.execute(f"SELECT rn, raw FROM (SELECT row_number() OVER () AS rn, * FROM ({inner})) "
                                 f"WHERE reason = {reason} LIMIT 1").fetchone()
    tail = f" ({n - 1:,} more rows like it)" if n > 1 else ""
    return ValidationError(f"{str(text).strip()!r} is not {what}{tail}", path=name, row=_file_row(source, int(rn)),
                           column=col)


def _file_row(source: Source, record: int) -> int:
    """File row (1-based, header counted, blank lines counted as the in-memory reader counts them)
    of the ``record``-th data record DuckDB read (it skips blank lines)."""
    if source.text is None:
        return record + source.first_row - 1
    seen, row = 0, 0
    zipped = open(source.text, "rb").read(2) == b"\x1f\x8b"
    opened = (gzip.open(source.text, "rt", encoding="utf-8", newline="") if zipped
              else open(source.text, "r", encoding="utf-8", newline=""))
    with opened as fh:
        reader = csv.reader(fh, delimiter=source.delimiter)
        for row, fields in enumerate(reader, 1):
            if row < source.first_row or not any(f.strip() for f in fields):
                continue
            seen += 1
            if seen == record:
                return row
    return row


def import_file(path, mapping_overrides, *, recipe=None, filters, event_weights: dict,
                relevant_events, dedup: str, progress=None, cancel=None):
    """(sample Table, mapping, filters, Pairs) of ``path``: the sample read and its mapping inferred
    (with the whole-file counts), the recipe's and the caller's overrides applied, the file
    aggregated. filters: LoadFilters, or ``filters(sample, mapping) -> LoadFilters``."""
    from engine.data.inference import infer_mapping
    from engine.data.recipe import apply_mapping
    from engine.data.schema import ColumnMapping
    started = time.perf_counter()
    emit(progress, 0.0, f"reading the first rows of {Path(path).name}", "read")
    sample, source = read_sample(path, cancel)
    query = _Query(progress, cancel)
    try:
        if isinstance(mapping_overrides, ColumnMapping):
            mapping = mapping_overrides
        else:
            mapping = infer_mapping(sample.frame, duckdb_counts(sample, source, query))
            if recipe is not None:
                mapping = apply_mapping(mapping, recipe.mapping, sample.frame.columns, source="the import recipe",
                                        file=sample.name)
            mapping = mapping.replace(**mapping_overrides) if mapping_overrides else mapping
        if callable(filters):
            filters = filters(sample, mapping)
        pairs = aggregate(sample, source, mapping, filters, event_weights=event_weights,
                          relevant_events=relevant_events, dedup=dedup, query=query)
    finally:
        query.close()
        source.close()
    pairs.warnings[:0] = list(sample.notes)
    emit(progress, 1.0, f"{len(pairs.values):,} user–item pairs in {time.perf_counter() - started:.0f} s", "read")
    return sample, mapping, filters, pairs
