"""The project file's SQLite schema, its version stamp and the limits a loaded file must respect.

A project file is identified by ``PRAGMA application_id`` = ``APPLICATION_ID`` and versioned by
``PRAGMA user_version`` = ``SCHEMA_VERSION``; the ``meta`` table also records the format name and
the RecScope version that wrote it (for the "made by a newer RecScope" message).
"""

from __future__ import annotations

#: "RCSP" — marks a SQLite file as a RecScope project.
APPLICATION_ID = 0x52435350
#: Bump when the tables change; a reader refuses files with a larger number.
SCHEMA_VERSION = 1
FORMAT = "recscope-project"
#: File name suffix of project files.
SUFFIX = ".recscope"

# ---- limits (untrusted files): a file beyond them gets a ProjectError, never a huge allocation ----
#: Largest single binary payload (a model's weights, a dataset's arrays), bytes.
MAX_BLOB_BYTES = 8 * 1024**3
#: Largest JSON document (a run's history, info, ...), characters.
MAX_JSON_CHARS = 64 * 1024**2
#: Most runs in one project.
MAX_RUNS = 10_000
#: Most interactions in a stored dataset or split part.
MAX_EVENTS = 500_000_000
#: Blobs are stored in parts of this size (SQLite caps one value at 1 GB).
CHUNK_BYTES = 64 * 1024**2

DDL = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE blobs (key TEXT NOT NULL, part INTEGER NOT NULL, data BLOB NOT NULL,
                    sha256 TEXT, UNIQUE (key, part));
CREATE TABLE sources (role TEXT PRIMARY KEY, path TEXT, size INTEGER, sha256 TEXT,
                      options TEXT NOT NULL, mtime_ns INTEGER);
CREATE TABLE dataset (id INTEGER PRIMARY KEY CHECK (id = 1), mapping TEXT NOT NULL,
                      source TEXT NOT NULL, report TEXT NOT NULL, events TEXT NOT NULL,
                      catalog TEXT, n_users INTEGER, n_items INTEGER, n_events INTEGER,
                      saved TEXT NOT NULL);
CREATE TABLE split (id INTEGER PRIMARY KEY CHECK (id = 1), method TEXT NOT NULL,
                    seed INTEGER NOT NULL, options TEXT NOT NULL, warnings TEXT NOT NULL,
                    counts TEXT NOT NULL, saved TEXT NOT NULL);
CREATE TABLE runs (id TEXT PRIMARY KEY, seq INTEGER NOT NULL, name TEXT NOT NULL,
                   model TEXT NOT NULL, params TEXT NOT NULL, seed INTEGER, versions TEXT,
                   kind TEXT NOT NULL, parent TEXT, created TEXT NOT NULL, info TEXT NOT NULL,
                   metrics TEXT NOT NULL, evaluation TEXT, history TEXT, diagnosis TEXT,
                   model_config TEXT NOT NULL, model_ids TEXT NOT NULL, saved TEXT NOT NULL);
CREATE TABLE rules (name TEXT PRIMARY KEY, spec TEXT NOT NULL, saved TEXT NOT NULL);
CREATE TABLE reports (id INTEGER PRIMARY KEY, kind TEXT NOT NULL, name TEXT NOT NULL,
                      run_id TEXT, data TEXT NOT NULL, created TEXT NOT NULL);
CREATE TABLE notes (id INTEGER PRIMARY KEY, run_id TEXT, text TEXT NOT NULL,
                    created TEXT NOT NULL);
"""

#: Every table a version-1 file has (a file with triggers or views is refused).
TABLES = ("meta", "blobs", "sources", "dataset", "split", "runs", "rules", "reports", "notes")
#: Columns added to version-1 files without changing the version: (table, column, type). A file
#: without them gets them when it is opened; a RecScope that predates them leaves them NULL, which
#: reads as "not recorded" (a part without a checksum is not verified), never as a wrong value.
ADDED_COLUMNS = (("blobs", "sha256", "TEXT"), ("sources", "mtime_ns", "INTEGER"))
