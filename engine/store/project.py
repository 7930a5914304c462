"""``Project``: one SQLite file holding a data set (with its sources' hashes, column mapping and
catalog), the split, every run (params, seed, versions, metrics, per-customer metrics, curves,
diagnosis, the model as safetensors), rule sets, reports and notes.

Writes are transactions in WAL mode with full sync, so a crash (even SIGKILL) mid-save leaves the
last committed state. Files are untrusted input: loading never executes code, checks every array
against its description, bounds sizes, and turns any damage into a ``ProjectError`` that names
the file.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import stat
import threading
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from engine import __version__
from engine.data.dataset import Dataset
from engine.data.splits import Split
from engine.diagnostics.curves import diagnose
from engine.errors import EngineError, ProjectError
from engine.progress import check, emit, scaled
from engine.runs import Run
from engine.store import blobs, codec, files, schema, sources
from engine.store.schema import APPLICATION_ID, DDL, FORMAT, SCHEMA_VERSION, SUFFIX, TABLES

_SQLITE_MAGIC = b"SQLite format 3\x00"
#: Exceptions that malformed stored content can raise while it is decoded.
_DAMAGE = (sqlite3.Error, ValueError, TypeError, KeyError, IndexError, AttributeError, OverflowError,
           UnicodeError, RecursionError)


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


@dataclass
class Contents:
    """Everything ``Project.load`` restores. warnings: one line each (skipped runs, changed sources)."""

    dataset: Dataset | None
    split: Split | None
    runs: list[Run]
    rules: dict = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


class Project:
    """An open project file. Thread-safe (one lock); each write method is one transaction."""

    def __init__(self, path: Path, con: sqlite3.Connection, ident: tuple[int, int] | None = None):
        self.path = path
        self._con = con
        self._lock = threading.RLock()
        #: (device, inode) of the file this connection holds: a save notices a replaced file
        self.ident = ident if ident is not None else files.identity(path)
        files.register(self.ident, True)

    # ---- opening and creating ------------------------------------------------------------------
    @classmethod
    def create(cls, path, *, overwrite: bool = False) -> "Project":
        """A new, empty project at ``path`` (ProjectError if it exists, unless ``overwrite``)."""
        path = Path(path)
        if path.exists():
            if not overwrite:
                raise ProjectError("a file with this name already exists", path=str(path))
            files.remove(path)
        con = files.connect(path)
        try:
            files.take_lock(con, path)
            con.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            files.use_rollback_journal(con, path)
            con.execute("BEGIN IMMEDIATE")
            for stmt in filter(str.strip, DDL.split(";")):
                con.execute(stmt)
            con.executemany("INSERT INTO meta (key, value) VALUES (?, ?)",
                            [("format", FORMAT), ("schema_version", str(SCHEMA_VERSION)),
                             ("app_version", __version__), ("created", _now())])
            con.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            con.execute("COMMIT")
        except (sqlite3.Error, ProjectError) as e:
            con.close()
            if isinstance(e, ProjectError):
                raise
            raise ProjectError(f"cannot create the project file ({e})", path=str(path)) from None
        return cls(path, con)

    @classmethod
    def open(cls, path) -> "Project":
        """Open an existing project and hold it (no other window or process can open it until this
        one is closed); ProjectError if it is missing, not a regular file, not a project, damaged,
        newer, or held by another window or process."""
        path = Path(path)
        for _ in range(3):  # the file can be replaced between the two looks; then look again
            before = files.identity(path)
            project = cls._open(path)
            if project.ident == before:
                return project
            project.close()
        raise ProjectError("the file keeps being replaced by another program; try again", path=str(path))

    @classmethod
    def _open(cls, path: Path) -> "Project":
        try:
            if not stat.S_ISREG(os.stat(path).st_mode):
                raise ProjectError("is not a regular file (a pipe, socket or device)", path=str(path))
            files.check_not_held(path)  # reading it would drop this process's own lock on it
            with open(path, "rb") as f:
                head = f.read(100)
        except FileNotFoundError:
            raise ProjectError("no such file", path=str(path)) from None
        except OSError as e:
            raise ProjectError(f"cannot read the file ({getattr(e, 'strerror', e)})", path=str(path)) from None
        if not head.startswith(_SQLITE_MAGIC):
            raise ProjectError("not a RecScope project (not a SQLite database)", path=str(path))
        if not (os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)):
            raise ProjectError("the file or its folder is read-only (a project is saved as you work); "
                               "copy it to a folder you can write to and open the copy", path=str(path))
        con = files.connect(path)
        try:
            files.take_lock(con, path)
            ident = files.identity(path)
            _check_file(con, path)
            files.use_rollback_journal(con, path)
            _add_columns(con)
        except ProjectError:
            con.close()
            raise
        except (sqlite3.Error, UnicodeError) as e:
            con.close()
            raise ProjectError(f"not a readable RecScope project ({str(e)[:120]})", path=str(path)) from None
        return cls(path, con, ident)

    def close(self) -> None:
        """Close the file (every commit is already in it) and let other windows open it."""
        with self._lock:
            if self._con is None:
                return
            self._con.close()
            self._con = None
            files.register(self.ident, False)

    def __enter__(self) -> "Project":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @property
    def name(self) -> str:
        return self.path.stem

    # ---- transactions and error translation -----------------------------------------------------
    @contextlib.contextmanager
    def _write(self, what: str):
        """One transaction; rolled back on any exception (Cancelled included): no partial rows."""
        with self._lock:
            con = self._connection()
            if files.identity(self.path) != self.ident:
                raise ProjectError("the file was replaced or deleted by another program since it was opened, so "
                                   "nothing was saved there; use Save As to keep your work", path=str(self.path))
            try:
                con.execute("BEGIN IMMEDIATE")
                yield con
                con.execute("COMMIT")
            except BaseException as e:
                with contextlib.suppress(sqlite3.Error):
                    con.execute("ROLLBACK")
                if isinstance(e, sqlite3.Error):
                    raise ProjectError(f"could not save {what} ({e})", path=str(self.path)) from None
                raise

    @contextlib.contextmanager
    def _read(self, what: str):
        """Turn damage found while reading ``what`` into a ProjectError naming the file."""
        with self._lock:
            try:
                yield self._connection()
            except ProjectError as e:
                raise ProjectError(e.detail, path=str(self.path)) from None
            except EngineError as e:
                raise ProjectError(f"{what}: {e}", path=str(self.path)) from None
            except _DAMAGE as e:
                raise ProjectError(f"{what} is damaged ({type(e).__name__}: {str(e)[:100]})",
                                   path=str(self.path)) from None

    def _connection(self) -> sqlite3.Connection:
        if self._con is None:
            raise ProjectError("the project is closed", path=str(self.path))
        return self._con

    # ---- data set ------------------------------------------------------------------------------
    def save_dataset(self, dataset: Dataset, *, progress=None, cancel=None) -> None:
        """Store ``dataset`` with the hashes of its source files, replacing the previous data set,
        its split and its runs (one transaction)."""
        self.write(dataset=dataset, progress=progress, cancel=cancel)

    def _put_dataset(self, con, doc, arrays, catalog, described, dataset) -> None:
        con.execute("DELETE FROM dataset")
        con.execute("DELETE FROM sources")
        con.execute("DELETE FROM split")
        con.execute("DELETE FROM runs")
        blobs.delete(con, "dataset/")
        blobs.delete(con, "split/")
        blobs.delete(con, "run/")
        inter = dataset.interactions
        con.execute("INSERT INTO dataset (id, mapping, source, report, events, catalog, n_users, n_items, "
                    "n_events, saved) VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (blobs.to_json(doc["mapping"]), blobs.to_json(doc["source"]), blobs.to_json(doc["report"]),
                     blobs.to_json(doc["events"]), None if catalog is None else blobs.to_json(catalog[0]),
                     inter.n_users, inter.n_items, inter.n_events, _now()))
        blobs.put(con, "dataset/interactions", blobs.pack(arrays))
        if catalog is not None:
            blobs.put(con, "dataset/catalog", blobs.pack(catalog[1]))
        con.executemany("INSERT INTO sources (role, path, size, mtime_ns, sha256, options) VALUES (?, ?, ?, ?, ?, ?)",
                        [(s["role"], s["path"], s["size"], s["mtime_ns"], s["sha256"], blobs.to_json(s["options"]))
                         for s in described])

    def load_dataset(self, warnings: list | None = None) -> Dataset | None:
        """The stored data set (None when there is none). A damaged item catalog is left out with a
        line in ``warnings`` when given (the interactions stand on their own), else raised."""
        with self._read("the data set") as con:
            row = con.execute("SELECT mapping, source, report, events, catalog FROM dataset").fetchone()
            if row is None:
                return None
            what = "the data set"
            doc = {"mapping": blobs.from_json(row[0], f"{what} column mapping"),
                   "source": blobs.from_json(row[1], f"{what} source"),
                   "report": blobs.from_json(row[2], f"{what} load report"),
                   "events": blobs.from_json(row[3], f"{what} event settings")}
            data = blobs.get(con, "dataset/interactions", what)
            if data is None:
                raise ProjectError(f"{what} has no interactions")
            dataset = codec.decode_dataset(doc, blobs.unpack(data, what), None, what)
            catalog = row[4]
        if catalog is not None:
            dataset.catalog = _isolated(lambda: self._load_catalog(catalog), warnings,
                                        "the data set is loaded without titles, categories and prices")
        return dataset

    def _load_catalog(self, description: str):
        what = "the item catalog"
        with self._read(what) as con:
            raw = blobs.get(con, "dataset/catalog", what)
            if raw is None:
                raise ProjectError(f"{what} is missing")
            return codec.decode_catalog(blobs.from_json(description, f"{what} description"),
                                        blobs.unpack(raw, what), what)

    def sources(self) -> list[dict]:
        """[{role, path, size, mtime_ns, sha256, options}] of the data set's files ("interactions",
        "catalog")."""
        with self._read("the data sources") as con:
            out = []
            for role, path, size, mtime, sha, options in con.execute(
                    "SELECT role, path, size, mtime_ns, sha256, options FROM sources ORDER BY role DESC"):
                out.append({"role": str(role), "path": path if isinstance(path, str) else None,
                            "size": size if isinstance(size, int) else None,
                            "mtime_ns": mtime if isinstance(mtime, int) else None,
                            "sha256": sha if isinstance(sha, str) else None,
                            "options": blobs.from_json(options, "data source options")})
            return out

    def check_sources(self, cancel=None) -> list[str]:
        """One line per source file that is gone or changed since it was saved (``sources.changes``:
        a stored path is never opened unless it is a local regular file of the recorded size)."""
        return sources.changes(self.sources(), cancel)

    # ---- split ---------------------------------------------------------------------------------
    def save_split(self, split: Split, options: dict | None = None) -> None:
        """Store ``split`` exactly (its parts as arrays); ``options``: how it was made, e.g.
        {"test_frac": 0.2, "valid_frac": 0.1}."""
        self.write(split=split, split_options=options)

    def load_split(self) -> Split | None:
        what = "the split"
        with self._read(what) as con:
            row = con.execute("SELECT method, seed, options, warnings FROM split").fetchone()
            if row is None:
                return None
            options = blobs.from_json(row[2], f"{what} options")
            data = blobs.get(con, "split/parts", what)
            if data is None:
                raise ProjectError(f"{what} has no data")
            return codec.decode_split(row[0], row[1], blobs.from_json(row[3], f"{what} warnings", list),
                                      options.get("kinds"), blobs.unpack(data, what), what, options)

    def split_options(self) -> dict:
        with self._read("the split") as con:
            row = con.execute("SELECT options FROM split").fetchone()
            return {} if row is None else blobs.from_json(row[0], "the split options")

    def _keep_relevant_events(self, con, relevant: list[str]) -> None:
        """Make the stored data set's relevant event types those the new split used (the user
        changed them and split again), so a reopened project shows the choice behind its split."""
        row = con.execute("SELECT events FROM dataset").fetchone()
        if row is None:
            return
        events = blobs.from_json(row[0], "the data set's event settings")
        if isinstance(events, dict) and events.get("relevant_events") != relevant:
            con.execute("UPDATE dataset SET events = ?", (blobs.to_json({**events, "relevant_events": relevant}),))

    # ---- runs ----------------------------------------------------------------------------------
    def add_run(self, run: Run) -> None:
        """Store ``run`` (replacing a run with the same id) and commit at once (autosave)."""
        row, weights, ev_arrays = _encode_run(run)
        with self._write(f"run {run.name!r}") as con:
            self._put_run(con, run.id, row, weights, ev_arrays)

    def _put_run(self, con, run_id: str, row: dict, weights: bytes, ev_arrays) -> None:
        old = con.execute("SELECT seq FROM runs WHERE id = ?", (run_id,)).fetchone()
        seq = old[0] if old else (con.execute("SELECT COALESCE(MAX(seq), 0) + 1 FROM runs").fetchone()[0])
        con.execute("DELETE FROM runs WHERE id = ?", (run_id,))
        blobs.delete(con, f"run/{run_id}/")
        cols = ["id", "seq", *row]
        con.execute(f"INSERT INTO runs ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                    (run_id, seq, *row.values()))
        blobs.put(con, f"run/{run_id}/weights", weights)
        if ev_arrays is not None:
            blobs.put(con, f"run/{run_id}/evaluation", blobs.pack(ev_arrays))

    def delete_run(self, run_id: str) -> None:
        with self._write("the run list") as con:
            con.execute("DELETE FROM runs WHERE id = ?", (run_id,))
            blobs.delete(con, f"run/{run_id}/")

    def rename_run(self, run_id: str, name: str) -> None:
        with self._write("the run name") as con:
            con.execute("UPDATE runs SET name = ? WHERE id = ?", (str(name), run_id))

    def run_ids(self) -> list[str]:
        with self._read("the run list") as con:
            return [str(r[0]) for r in con.execute("SELECT id FROM runs ORDER BY seq")]

    def load_runs(self, *, progress=None, cancel=None, warnings: list | None = None) -> list[Run]:
        """Every run with its model, in the order they were added. A damaged run is skipped with a
        line in ``warnings`` (when given; else the ProjectError is raised)."""
        with self._read("the run list") as con:
            n = con.execute("SELECT COUNT(*) FROM runs").fetchone()[0]
            if n > schema.MAX_RUNS:
                raise ProjectError(f"the project holds {n:,} runs, more than the {schema.MAX_RUNS:,} limit")
            ids = [r[0] for r in con.execute("SELECT id FROM runs ORDER BY seq")]
        runs = []
        for j, run_id in enumerate(ids):
            check(cancel)
            emit(progress, j / max(len(ids), 1), f"loading run {j + 1} of {len(ids)}", "load")
            try:
                runs.append(self.load_run(run_id))
            except ProjectError as e:
                if warnings is None:
                    raise
                warnings.append(f"a run could not be loaded and was left out: {e.detail}")
        emit(progress, 1.0, f"{len(runs)} runs loaded", "load")
        return runs

    def load_run(self, run_id) -> Run:
        with self._read("a run") as con:
            row = con.execute("SELECT id, name, model, params, kind, parent, created, info, evaluation, "
                              "history, diagnosis, model_config, model_ids FROM runs WHERE id = ?",
                              (run_id,)).fetchone()
            if row is None:
                raise ProjectError(f"no run {run_id!r}")
            rid, name, model_name, _params, kind, parent, created, info, ev, hist, diag, config, ids = row
            if not all(isinstance(v, str) for v in (rid, name, model_name, kind, created, config, ids)):
                raise ProjectError(f"run {run_id!r} is damaged")
            what = f"run {name!r}"
            weights = blobs.get(con, f"run/{rid}/weights", f"{what} model weights")
            if weights is None:
                raise ProjectError(f"{what} has no model weights")
            model = codec.decode_model(config, ids, weights, what)
            if model.name != model_name:
                raise ProjectError(f"{what}: model is {model.name}, the run says {model_name}")
            evaluation = None
            if ev is not None:
                raw = blobs.get(con, f"run/{rid}/evaluation", f"{what} evaluation")
                if raw is None:
                    raise ProjectError(f"{what} lacks its per-customer metrics")
                evaluation = codec.decode_evaluation(blobs.from_json(ev, f"{what} metrics"),
                                                     blobs.unpack(raw, f"{what} evaluation"), what)
            history = codec.decode_history(blobs.from_json(hist, f"{what} history", optional=True), what) \
                if hist is not None else None
            diagnosis = codec.decode_diagnosis(blobs.from_json(diag, f"{what} diagnosis"), what) \
                if diag is not None else None
            if diagnosis is not None and history is not None and history.records:
                diagnosis = diagnose(history)      # its sentence in the language the app speaks now
            return Run(id=rid, name=name, model=model, evaluation=evaluation, history=history,
                       diagnosis=diagnosis, kind=kind, parent=parent if isinstance(parent, str) else None,
                       created=created, info=blobs.from_json(info, f"{what} info"))

    # ---- rule sets, reports, notes ---------------------------------------------------------------
    def save_rules(self, name: str, spec) -> None:
        """Store a merchandising rule set (validated by ``engine.rerank.rules.parse_rules``)."""
        from engine.rerank.rules import parse_rules
        text = parse_rules(spec).to_json()
        with self._write("the rule set") as con:
            con.execute("INSERT OR REPLACE INTO rules (name, spec, saved) VALUES (?, ?, ?)", (str(name), text, _now()))

    def delete_rules(self, name: str) -> None:
        with self._write("the rule sets") as con:
            con.execute("DELETE FROM rules WHERE name = ?", (name,))

    def load_rules(self, warnings: list | None = None) -> dict:
        """name -> validated ``RuleSet``; an invalid stored set is skipped with a warning line (or raised)."""
        from engine.rerank.rules import parse_rules
        out = {}
        with self._read("the rule sets") as con:
            rows = con.execute("SELECT name, spec FROM rules ORDER BY name").fetchall()
        for name, spec in rows:
            try:
                with self._read(f"rule set {name!r}"):
                    out[str(name)] = parse_rules(blobs.from_json(spec, f"rule set {name!r}"))
            except ProjectError as e:
                if warnings is None:
                    raise
                warnings.append(f"a rule set was left out: {e.detail}")
        return out

    def save_report(self, kind: str, name: str, data: dict, run_id: str | None = None) -> int:
        """Store a JSON report (e.g. kind "compression" for a compression sweep); returns its id."""
        with self._write("the report") as con:
            cur = con.execute("INSERT INTO reports (kind, name, run_id, data, created) VALUES (?, ?, ?, ?, ?)",
                              (kind, name, run_id, blobs.to_json(data), _now()))
            return int(cur.lastrowid)

    def reports(self, kind: str | None = None) -> list[dict]:
        """[{id, kind, name, run_id, data, created}] oldest first, optionally of one ``kind``."""
        with self._read("the reports") as con:
            rows = con.execute("SELECT id, kind, name, run_id, data, created FROM reports "
                               "WHERE ? IS NULL OR kind = ? ORDER BY id", (kind, kind)).fetchall()
            return [{"id": r[0], "kind": r[1], "name": r[2], "run_id": r[3],
                     "data": blobs.from_json(r[4], f"report {r[2]!r}"), "created": r[5]} for r in rows]

    def add_note(self, text: str, run_id: str | None = None) -> int:
        with self._write("the note") as con:
            return int(con.execute("INSERT INTO notes (run_id, text, created) VALUES (?, ?, ?)",
                                   (run_id, str(text), _now())).lastrowid)

    def notes(self, run_id: str | None = None) -> list[dict]:
        with self._read("the notes") as con:
            rows = con.execute("SELECT id, run_id, text, created FROM notes WHERE ? IS NULL OR run_id = ? "
                               "ORDER BY id", (run_id, run_id)).fetchall()
            return [{"id": r[0], "run_id": r[1], "text": str(r[2]), "created": r[3]} for r in rows]

    def pseudonym_scope(self) -> str:
        """The name of this project's pseudonym key (``engine.store.pseudonyms``), made on first use.
        The name is not the key: the key stays in the user's key folder, out of every file."""
        with self._read("the project's pseudonym scope") as con:
            row = con.execute("SELECT value FROM meta WHERE key = 'pseudonym_scope'").fetchone()
        if row is not None and isinstance(row[0], str) and row[0].startswith("project-"):
            return row[0]
        scope = f"project-{uuid.uuid4().hex}"
        with self._write("the project's pseudonym scope") as con:
            con.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('pseudonym_scope', ?)", (scope,))
        return scope

    # ---- whole-project operations -----------------------------------------------------------------
    def load(self, *, verify_sources: bool = True, progress=None, cancel=None) -> Contents:
        """Data set, split, runs (with models) and rule sets. Progress: 0–0.2 data, 0.2–1 runs."""
        emit(progress, 0.0, "reading the data set", "load")
        warnings: list[str] = []
        dataset = _isolated(lambda: self.load_dataset(warnings), warnings,
                            "it and its split were left out; the runs, rule sets and notes are loaded")
        split = None if dataset is None else _isolated(self.load_split, warnings, "it was left out")
        check(cancel)
        if verify_sources and dataset is not None:
            warnings += _isolated(lambda: self.check_sources(cancel), warnings, "sources not checked") or []
        runs = self.load_runs(progress=scaled(progress, 0.2, 1.0), cancel=cancel, warnings=warnings)
        rules = self.load_rules(warnings)
        return Contents(dataset, split, runs, rules, warnings)

    def write(self, *, dataset: Dataset | None = None, split: Split | None = None,
              split_options: dict | None = None, runs: list[Run] | None = None,
              progress=None, cancel=None) -> None:
        """Make the file hold exactly the given parts, in ONE transaction (a cancel or failure leaves
        it untouched). dataset: replaces the data set (dropping the old split and runs); split:
        replaces the split; runs: the complete run list (runs not in it are deleted, new ones added)."""
        described = (sources.describe(dict(dataset.source or {}), scaled(progress, 0.0, 0.2), cancel)
                     if dataset is not None else None)
        emit(progress, 0.2, "saving the project", "save")
        with self._write("the project") as con:
            if dataset is not None:
                doc, arrays = codec.encode_dataset(dataset)
                _readable("the data set", lambda: codec.decode_dataset(_json(doc), arrays, None, "it"))
                catalog = None if dataset.catalog is None else codec.encode_catalog(dataset.catalog)
                if catalog is not None:
                    _readable("the item catalog", lambda: codec.decode_catalog(_json(catalog[0]), catalog[1], "it"))
                self._put_dataset(con, doc, arrays, catalog, described, dataset)
            check(cancel)
            if split is not None:
                doc, arrays = codec.encode_split(split)
                opts = {**(split_options or {}), "kinds": doc["kinds"], "test_frac": split.test_frac,
                        "valid_frac": split.valid_frac, "relevant_events": split.relevant_events}
                _readable("the split", lambda: codec.decode_split(split.method, split.seed, list(split.warnings),
                                                                  doc["kinds"], arrays, "it", _json(opts)))
                if split.relevant_events is not None and dataset is None:
                    self._keep_relevant_events(con, split.relevant_events)
                con.execute("DELETE FROM split")
                blobs.delete(con, "split/")
                con.execute("INSERT INTO split (id, method, seed, options, warnings, counts, saved) "
                            "VALUES (1, ?, ?, ?, ?, ?, ?)",
                            (split.method, int(split.seed), blobs.to_json(opts),
                             blobs.to_json(list(split.warnings)), blobs.to_json(doc["counts"]), _now()))
                blobs.put(con, "split/parts", blobs.pack(arrays))
            if runs is not None:
                keep = {r.id for r in runs}
                stored = {r[0]: r[1] for r in con.execute("SELECT id, name FROM runs")}
                for rid in set(stored) - keep:
                    con.execute("DELETE FROM runs WHERE id = ?", (rid,))
                    blobs.delete(con, f"run/{rid}/")
                for j, run in enumerate(runs):
                    check(cancel)
                    emit(progress, 0.3 + 0.7 * j / max(len(runs), 1), f"saving run {run.name}", "save")
                    if run.id in stored:
                        if stored[run.id] != run.name:
                            con.execute("UPDATE runs SET name = ? WHERE id = ?", (run.name, run.id))
                        continue
                    self._put_run(con, run.id, *_encode_run(run))
            check(cancel)  # a cancel that arrived during the last step still leaves the file as it was
        emit(progress, 1.0, "saved", "save")

    def save_as(self, path, *, progress=None, cancel=None, **update) -> "Project":
        """Copy this project to ``path`` and return the copy opened; this one stays open.

        update: ``write`` arguments (dataset=, split=, split_options=, runs=) applied to the copy
        before it replaces any existing file at ``path`` (SQLite backup API into a file beside it,
        then an atomic rename), so a failure or cancel never leaves a half-written file. Refused
        while another window or process holds a project at ``path``."""
        path = Path(path)
        tmp = files.temporary(path)
        with self._lock:
            try:
                dst = files.connect(tmp)
                try:
                    files.take_lock(dst, tmp)
                    self._connection().backup(dst)
                finally:
                    dst.close()
            except (sqlite3.Error, ProjectError) as e:
                files.remove(tmp)
                raise ProjectError(f"could not save a copy ({getattr(e, 'detail', e)})", path=str(path)) from None
        return _finish(tmp, path, update, progress, cancel)


# ---- module functions ------------------------------------------------------------------------------
def _json(doc):
    """``doc`` as reading it back from the file gives it."""
    return blobs.from_json(blobs.to_json(doc), "a description", (dict, list))


def _readable(what: str, decode) -> None:
    """The writer refuses what the reader would refuse: ``decode()`` runs the reader's checks on
    what is about to be written; ProjectError "cannot save <what>: ..." when they fail."""
    try:
        decode()
    except EngineError as e:
        raise ProjectError(f"cannot save {what}: {e.detail}") from None


def _isolated(load, warnings: list | None, consequence: str):
    """``load()``, or None with a line in ``warnings`` when it finds damage (raised when
    ``warnings`` is None): one damaged part never takes the rest of a project with it."""
    try:
        return load()
    except ProjectError as e:
        if warnings is None:
            raise
        warnings.append(f"{e.detail}: {consequence}")
        return None


def save_new(path, *, dataset: Dataset | None, split: Split | None = None, split_options: dict | None = None,
             runs: list[Run] = (), progress=None, cancel=None) -> Project:
    """Write a complete new project at ``path`` (built next to it, then renamed over any existing
    file, so a failure or cancel never leaves a half-written project) and return it opened."""
    path = Path(path)
    tmp = files.temporary(path)
    Project.create(tmp, overwrite=True).close()
    return _finish(tmp, path, {"dataset": dataset, "split": split, "split_options": split_options,
                               "runs": list(runs)}, progress, cancel)


def _finish(tmp: Path, path: Path, update: dict, progress, cancel) -> Project:
    """Apply ``update`` (``Project.write`` arguments) to the project at ``tmp``, move it to ``path``
    and return it opened; ``tmp`` is removed on any failure. ProjectError when another save put
    its own file at ``path`` between the move and the opening (this one was then not kept)."""
    try:
        with Project.open(tmp) as project:
            if update:
                project.write(progress=progress, cancel=cancel, **update)
    except BaseException:
        files.remove(tmp)
        raise
    ident = files.replace(tmp, path)
    project = Project.open(path)
    if project.ident != ident:
        project.close()
        raise ProjectError("another window or program saved to this file at the same moment, and its copy "
                           "replaced this one; save again", path=str(path))
    return project


def with_suffix(path) -> Path:
    """``path`` with the project suffix added when it has none."""
    p = Path(path)
    return p if p.suffix.lower() == SUFFIX else p.with_name(p.name + SUFFIX)


def _add_columns(con: sqlite3.Connection) -> None:
    """Give a file of an earlier RecScope the columns added since (``schema.ADDED_COLUMNS``)."""
    missing = [(t, c, kind) for t, c, kind in schema.ADDED_COLUMNS
               if c not in {r[1] for r in con.execute(f"PRAGMA table_info({t})")}]
    if missing:
        con.execute("BEGIN IMMEDIATE")
        for table, column, kind in missing:
            con.execute(f"ALTER TABLE {table} ADD COLUMN {column} {kind}")
        con.execute("COMMIT")


def _check_file(con: sqlite3.Connection, path: Path) -> None:
    """ProjectError unless ``con`` is an undamaged RecScope project this version can read."""
    app_id = con.execute("PRAGMA application_id").fetchone()[0]
    version = con.execute("PRAGMA user_version").fetchone()[0]
    if app_id != APPLICATION_ID:
        raise ProjectError("not a RecScope project (a SQLite database of another program)", path=str(path))
    if version > SCHEMA_VERSION:
        made_by = "a newer version"
        with contextlib.suppress(sqlite3.Error):
            row = con.execute("SELECT value FROM meta WHERE key = 'app_version'").fetchone()
            if row and isinstance(row[0], str) and len(row[0]) < 40:
                made_by = row[0]
        raise ProjectError(f"made by RecScope {made_by} (project format {version}), newer than this one "
                           f"({__version__}, format {SCHEMA_VERSION}); update RecScope to open it", path=str(path))
    if version < 1:
        raise ProjectError("not a RecScope project (no project format version)", path=str(path))
    problems = [r[0] for r in con.execute("PRAGMA quick_check(5)")]
    if problems != ["ok"]:
        raise ProjectError(f"the project file is damaged ({'; '.join(map(str, problems))[:200]})", path=str(path))
    objects = con.execute("SELECT type, name FROM sqlite_master WHERE type IN ('table', 'view', 'trigger')").fetchall()
    unexpected = [f"{t} {n}" for t, n in objects if t != "table"]
    missing = set(TABLES) - {n for t, n in objects if t == "table"}
    if unexpected or missing:
        raise ProjectError("not a valid RecScope project (" + ", ".join(
            [f"unexpected {u}" for u in unexpected] + [f"table {m} missing" for m in sorted(missing)])[:200] + ")",
            path=str(path))
    row = con.execute("SELECT value FROM meta WHERE key = 'format'").fetchone()
    if row is None or row[0] != FORMAT:
        raise ProjectError("not a RecScope project (wrong format name)", path=str(path))


def _encode_run(run: Run) -> tuple[dict, bytes, dict | None]:
    """(column -> value for the runs table, model weights, evaluation arrays or None)."""
    config, ids, weights = codec.encode_model(run.model)
    ev_doc, ev_arrays = (None, None) if run.evaluation is None else codec.encode_evaluation(run.evaluation)
    what = f"run {run.name!r}"
    _readable(what, lambda: codec.decode_model(config, ids, weights, "its model"))
    if ev_doc is not None:
        _readable(what, lambda: codec.decode_evaluation(_json(ev_doc), ev_arrays, "its evaluation"))
    if run.history is not None:
        _readable(what, lambda: codec.decode_history(_json(run.history.to_dict()), "its history"))
    info = dict(run.info or {})
    seed = info.get("seed")
    row = {"name": run.name, "model": run.model_name, "params": blobs.to_json(run.params),
           "seed": int(seed) if isinstance(seed, int) and not isinstance(seed, bool) else None,
           "versions": blobs.to_json(info.get("versions")), "kind": run.kind, "parent": run.parent,
           "created": run.created, "info": blobs.to_json(info), "metrics": blobs.to_json(
               {} if ev_doc is None else ev_doc["metrics"]),
           "evaluation": None if ev_doc is None else blobs.to_json(ev_doc),
           "history": None if run.history is None else blobs.to_json(run.history.to_dict()),
           "diagnosis": None if run.diagnosis is None else blobs.to_json(codec.encode_diagnosis(run.diagnosis)),
           "model_config": config, "model_ids": ids, "saved": _now()}
    return row, weights, ev_arrays
