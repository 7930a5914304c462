"""The project file on disk: one writer at a time, a file that is complete after every commit, and
replacement that never lands on a file someone else holds.

- ``connect`` opens a connection that runs nothing from the file's schema.
- ``hold`` makes a connection the file's only user (SQLite's exclusive locking mode: another window
  or process cannot read or write it until the holder closes) and switches the file to a rollback
  journal, so every committed transaction is in the file itself (no ``-wal`` side file that a copy
  or a failed checkpoint would leave behind).
- ``identity`` / ``same_file`` notice a file that was replaced or deleted behind an open project.
- ``replace`` moves a finished temporary file over a path, refusing when another holder has it.
"""

from __future__ import annotations

import contextlib
import glob
import os
import sqlite3
import tempfile
import threading
import time
from pathlib import Path

from engine.errors import ProjectError

_SIDE_FILES = ("-wal", "-shm", "-journal")
#: Seconds to wait for a file another connection is committing to before calling it in use.
LOCK_WAIT_S = 2.0
#: A partial file of a save untouched this long (seconds) was left by a killed save.
STALE_S = 3600
_IN_USE = ("is open in another RecScope window or program (a project has one writer at a time); "
           "close it there first, or open a copy")


#: (device, inode) of every project this process holds. POSIX drops all of a process's locks on
#: a file when ANY descriptor of it is closed, so this process must never open() a file it holds.
_held: set[tuple[int, int]] = set()
_held_lock = threading.Lock()


def register(ident: tuple[int, int] | None, held: bool) -> None:
    """Record that this process holds (``held``) or released the file ``ident``."""
    if ident is not None:
        with _held_lock:
            (_held.add if held else _held.discard)(ident)


def check_not_held(path: Path) -> None:
    """ProjectError when this process already holds the project at ``path`` (checked without opening it)."""
    with _held_lock:
        if identity(path) in _held:
            raise ProjectError(_IN_USE, path=str(path))


def connect(path: Path) -> sqlite3.Connection:
    """A connection that never runs functions from the file's schema, checks cells, syncs fully."""
    con = None
    try:
        con = sqlite3.connect(str(path), timeout=LOCK_WAIT_S, isolation_level=None, check_same_thread=False)
        for pragma in ("trusted_schema = OFF", "cell_size_check = ON", "synchronous = FULL"):
            con.execute(f"PRAGMA {pragma}")
    except (sqlite3.Error, UnicodeError) as e:
        if con is not None:
            con.close()
        if isinstance(e, sqlite3.Error) and _locked(e):
            raise ProjectError(_IN_USE, path=str(path)) from None
        raise ProjectError(f"not a readable RecScope project ({str(e)[:120]})", path=str(path)) from None
    return con


def _locked(e: sqlite3.Error) -> bool:
    text = str(e).lower()
    return "locked" in text or "busy" in text


def take_lock(con: sqlite3.Connection, path: Path) -> None:
    """Make ``con`` the file's only user (it must not have read the file yet): exclusive locking
    mode, and the lock taken now. ProjectError when another window or process holds the file."""
    try:
        con.execute("PRAGMA locking_mode = EXCLUSIVE")
        con.execute("BEGIN EXCLUSIVE")
        con.execute("COMMIT")
        con.execute("PRAGMA busy_timeout = 10000")
    except sqlite3.Error as e:
        if _locked(e):
            raise ProjectError(_IN_USE, path=str(path)) from None
        raise ProjectError(f"not a readable RecScope project ({str(e)[:120]})", path=str(path)) from None


def use_rollback_journal(con: sqlite3.Connection, path: Path) -> None:
    """Switch the file (a WAL file of an earlier RecScope is folded in first) to a rollback journal
    and re-take the exclusive lock; ProjectError when SQLite keeps another mode."""
    mode = con.execute("PRAGMA journal_mode = DELETE").fetchone()[0]
    if str(mode).lower() != "delete":
        raise ProjectError(f"cannot switch the file to a rollback journal (it stays in {mode} mode)", path=str(path))
    con.execute("BEGIN EXCLUSIVE")
    con.execute("COMMIT")


def identity(path: Path) -> tuple[int, int] | None:
    """(device, inode) of the file at ``path``, None when there is none."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_dev, st.st_ino


def temporary(path: Path) -> Path:
    """A new, empty, uniquely named hidden file next to ``path`` (two saves never share one).
    Partial files of saves that were killed (older than ``STALE_S`` and held by no one) go first."""
    _sweep(path)
    try:
        fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".partial", dir=path.parent)
    except OSError as e:
        raise ProjectError(f"could not write the file ({e.strerror or e})", path=str(path)) from None
    os.close(fd)
    return Path(name)


def _sweep(path: Path) -> None:
    now = time.time()
    for old in path.parent.glob(f".{glob.escape(path.name)}.*.partial"):
        with contextlib.suppress(OSError, ProjectError):
            if now - old.stat().st_mtime > STALE_S:
                holder = _hold_existing(old)
                if holder is not None:
                    holder.close()
                remove(old)


def remove(path: Path) -> None:
    """Remove ``path`` and any SQLite side files (-wal, -shm, -journal) it left."""
    for p in (path, *(path.with_name(path.name + s) for s in _SIDE_FILES)):
        with contextlib.suppress(FileNotFoundError):
            p.unlink()


def _hold_existing(path: Path) -> sqlite3.Connection | None:
    """A connection holding the exclusive lock on the project at ``path`` (None when there is no
    file or it is not a database); ProjectError when another window or process holds it."""
    if not path.exists():
        return None
    try:
        con = sqlite3.connect(str(path), timeout=LOCK_WAIT_S, isolation_level=None)
    except sqlite3.Error:
        return None
    try:
        con.execute("BEGIN EXCLUSIVE")
        con.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
        return con
    except sqlite3.Error as e:
        con.close()
        if _locked(e):
            raise ProjectError(_IN_USE, path=str(path)) from None
        return None  # not a SQLite file: nobody can hold it as a project


def replace(tmp: Path, path: Path) -> tuple[int, int] | None:
    """Atomically put the finished file ``tmp`` at ``path`` and return its (device, inode).

    Refused (``tmp`` removed) while another window or process holds a project at ``path``: its
    later saves would otherwise go to a file no longer in the folder. Stale side files of the old
    ``path`` are removed first (a leftover journal must never be replayed into the new file)."""
    ident = identity(tmp)
    try:
        holder = _hold_existing(path)
    except ProjectError:
        remove(tmp)
        raise
    try:
        for s in _SIDE_FILES:
            with contextlib.suppress(FileNotFoundError):
                path.with_name(path.name + s).unlink()
        os.replace(tmp, path)
    except OSError as e:
        remove(tmp)
        raise ProjectError(f"could not write the file ({e.strerror})", path=str(path)) from None
    finally:
        if holder is not None:
            with contextlib.suppress(sqlite3.Error):
                holder.execute("ROLLBACK")
            holder.close()
    return ident
