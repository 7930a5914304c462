"""Fuzz: a project file with random bytes changed, zeroed pages or a truncated tail — or with one
stored value corrupted (bytes changed, a JSON value swapped for another type, the SQL type changed)
— either loads completely (data set, split, runs with usable models, rule sets), loads with each
damaged part left out and named in one warning line, or fails with a ProjectError that names the
file; never any other exception."""

import json
import sqlite3

import numpy as np
import pytest

from engine.errors import ProjectError
from engine.store import Project

N_MUTATIONS = 200
PAGE = 4096


def _mutate(data: bytes, rng: np.random.Generator) -> tuple[bytes, str]:
    buf = bytearray(data)
    kind = rng.choice(["bytes", "header", "page", "truncate", "bits"], p=[0.45, 0.1, 0.15, 0.1, 0.2])
    if kind == "bytes":  # a few random bytes anywhere
        for pos in rng.integers(0, len(buf), size=int(rng.integers(1, 17))):
            buf[pos] = int(rng.integers(0, 256))
    elif kind == "header":  # the database header and the first (schema) page
        for pos in rng.integers(0, PAGE, size=int(rng.integers(1, 5))):
            buf[pos] = int(rng.integers(0, 256))
    elif kind == "page":  # a whole page zeroed or filled with noise
        start = int(rng.integers(0, len(buf) // PAGE)) * PAGE
        buf[start:start + PAGE] = bytes(PAGE) if rng.random() < 0.5 else rng.bytes(PAGE)
    elif kind == "truncate":
        del buf[int(rng.integers(0, len(buf))):]
    else:  # single bit flips
        for pos in rng.integers(0, len(buf), size=int(rng.integers(1, 9))):
            buf[pos] ^= 1 << int(rng.integers(0, 8))
    return bytes(buf), str(kind)


_ODD = [None, "x", -1, 0, 10**30, 1e308, float("nan"), [], {}, [1, "a"], {"k": None}, True]


def _cells(path) -> list[tuple[str, str, int]]:
    """(table, column, rowid) of every stored value."""
    con = sqlite3.connect(path)
    out = []
    for (table,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall():
        cols = [r[1] for r in con.execute(f"PRAGMA table_info({table})")]
        for (rowid,) in con.execute(f"SELECT rowid FROM {table}").fetchall():
            out += [(table, c, rowid) for c in cols]
    con.close()
    return out


def _swap_json(value, rng):
    """``value`` with one nested element replaced by a value of another type."""
    if isinstance(value, (dict, list)) and len(value) and rng.random() < 0.8:
        keys = list(value) if isinstance(value, dict) else list(range(len(value)))
        key = keys[int(rng.integers(len(keys)))]
        value[key] = _swap_json(value[key], rng)
        return value
    return _ODD[int(rng.integers(len(_ODD)))]


def _mutate_cell(path, cells, rng) -> str:
    """Corrupt one stored value (retrying when a NOT NULL / UNIQUE constraint refuses the change)."""
    while True:
        try:
            return _try_mutate_cell(path, cells, rng)
        except sqlite3.IntegrityError:
            continue


def _try_mutate_cell(path, cells, rng) -> str:
    table, col, rowid = cells[int(rng.integers(len(cells)))]
    con = sqlite3.connect(path)
    (value,) = con.execute(f"SELECT {col} FROM {table} WHERE rowid = ?", (rowid,)).fetchone()
    how = rng.choice(["null", "retype", "bytes", "json"], p=[0.1, 0.1, 0.4, 0.4])
    if how == "json" and isinstance(value, str):
        try:
            value = json.dumps(_swap_json(json.loads(value), rng))
        except ValueError:
            how = "bytes"
    if how == "null":
        value = None
    elif how == "retype":
        value = value.encode() if isinstance(value, str) else (int(rng.integers(-5, 5)) if value is not None else "")
    elif how == "bytes" and isinstance(value, (str, bytes)):
        raw = bytearray(value.encode() if isinstance(value, str) else value)
        for _ in range(int(rng.integers(1, 5))):
            if raw:  # mostly near the start: JSON structure, safetensors headers
                pos = int(rng.integers(0, min(len(raw), 256) if rng.random() < 0.7 else len(raw)))
                raw[pos] = int(rng.integers(0, 256))
        value = raw.decode("utf-8", "replace") if isinstance(value, str) else bytes(raw)
    try:
        con.execute(f"UPDATE {table} SET {col} = ? WHERE rowid = ?", (value, rowid))
        con.commit()
    finally:
        con.close()
    return f"{table}.{col} {how}"


def test_corrupted_values_load_or_fail_clearly(small_project_bytes, tmp_path):
    base = tmp_path / "base.recscope"
    base.write_bytes(small_project_bytes)
    cells = _cells(base)
    rng = np.random.default_rng(7)
    outcomes: dict[str, int] = {}
    for trial in range(N_MUTATIONS):
        path = tmp_path / f"cell{trial % 4}.recscope"
        path.write_bytes(small_project_bytes)
        what = _mutate_cell(path, cells, rng)
        try:
            result = _use(path)
        except Exception as e:  # noqa: BLE001 - the point of the test
            pytest.fail(f"mutation {trial} ({what}) raised {type(e).__name__}: {e}")
        key = f"{what.split()[1]} {result}"
        outcomes[key] = outcomes.get(key, 0) + 1
    print(f"{len(cells)} stored values, {N_MUTATIONS} corrupted:", dict(sorted(outcomes.items())))
    assert sum(v for k, v in outcomes.items() if k.endswith("error")) > 0


def _use(path) -> str:
    """Open and load everything, and use each model once: "ok", "partial" (a damaged part was left
    out with one warning line, the rest loaded) or "error"."""
    try:
        with Project.open(path) as project:
            got = project.load(verify_sources=False)
            for run in got.runs:
                run.model.recommend([0], 5)
            if got.warnings:
                assert all("\n" not in w for w in got.warnings), got.warnings
                return "partial"
            assert got.dataset is not None and got.split is not None
        return "ok"
    except ProjectError as e:
        assert path.name in str(e) and "\n" not in str(e), str(e)
        return "error"


def test_mutated_project_files_load_or_fail_clearly(small_project_bytes, tmp_path):
    assert _use_bytes(small_project_bytes, tmp_path / "original.recscope") == "ok"
    rng = np.random.default_rng(20240611)
    outcomes: dict[str, int] = {}
    for trial in range(N_MUTATIONS):
        data, kind = _mutate(small_project_bytes, rng)
        path = tmp_path / f"mutant{trial % 4}.recscope"
        try:
            result = _use_bytes(data, path)
        except Exception as e:  # noqa: BLE001 - the point of the test
            pytest.fail(f"mutation {trial} ({kind}) raised {type(e).__name__}: {e}")
        outcomes[f"{kind} {result}"] = outcomes.get(f"{kind} {result}", 0) + 1
    print(f"{len(small_project_bytes):,}-byte project, {N_MUTATIONS} mutations:", dict(sorted(outcomes.items())))
    assert sum(v for k, v in outcomes.items() if k.endswith("error")) > 0
    assert sum(v for k, v in outcomes.items() if k.endswith("ok")) > 0


def _use_bytes(data: bytes, path) -> str:
    for side in ("-wal", "-shm"):
        path.with_name(path.name + side).unlink(missing_ok=True)
    path.write_bytes(data)
    return _use(path)
