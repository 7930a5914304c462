"""The data set's source files as a project records them (path, size, modification time, SHA-256)
and the check, on opening, whether they are still there and unchanged.

A stored path is untrusted: it is never opened unless it names a local regular file whose size
matches the record, and it is hashed only when its size matches but its modification time does
not, and it is at most ``MAX_HASH_BYTES`` — so a project naming ``/proc/self/mem``, a device, a
FIFO, a 3 GB file or a network share (``\\\\server\\share``) opens at once, with a note at most.
"""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path, PureWindowsPath

from engine.progress import check, emit, scaled

_HASH_CHUNK = 4 * 1024**2
#: Largest source file whose content is re-hashed on opening when its modification time changed.
MAX_HASH_BYTES = 512 * 1024**2


def _regular(path: str | None) -> os.stat_result | None:
    """stat of ``path`` when it is an absolute, local path to a regular file; else None (never
    touching a network share)."""
    if not path or is_network(path) or not os.path.isabs(path):
        return None
    try:
        st = os.stat(path)
    except (OSError, ValueError):
        return None
    return st if stat.S_ISREG(st.st_mode) else None


def is_network(path: str) -> bool:
    """True for a UNC path (``\\\\server\\share\\…`` or ``//server/share/…``), which reaches the network."""
    return str(path).startswith(("\\\\", "//")) or bool(PureWindowsPath(str(path)).drive.startswith("\\\\"))


def sha256(path: Path, cancel=None, progress=None) -> str | None:
    """SHA-256 of the file at ``path``; None when it cannot be read."""
    h = hashlib.sha256()
    try:
        total = max(os.stat(path).st_size, 1)
        done = 0
        with open(path, "rb") as f:
            while chunk := f.read(_HASH_CHUNK):
                h.update(chunk)
                done += len(chunk)
                check(cancel)
                emit(progress, done / total, f"checking {Path(path).name}", "hash")
    except OSError:
        return None
    return h.hexdigest()


def describe(source: dict, progress=None, cancel=None) -> list[dict]:
    """[{role, path, size, mtime_ns, sha256, options}] for a data set's ``source`` (its data file
    and catalog file); size, time and hash are None for anything but a local regular file."""
    files = [("interactions", source.get("path"), {k: v for k, v in source.items() if k not in ("path", "catalog_path")})]
    if source.get("catalog_path"):
        files.append(("catalog", source["catalog_path"], {}))
    out = []
    for j, (role, path, options) in enumerate(files):
        size = mtime = sha = None
        if path and not is_network(str(path)):
            path = os.path.abspath(str(path))
        st = _regular(path)
        if st is not None:
            size, mtime = st.st_size, st.st_mtime_ns
            sha = sha256(Path(path), cancel, scaled(progress, j / len(files), (j + 1) / len(files)))
        out.append({"role": role, "path": None if path is None else str(path), "size": size, "mtime_ns": mtime,
                    "sha256": sha, "options": {k: (v if v is None or isinstance(v, (str, int, float, bool)) else str(v))
                                               for k, v in options.items()}})
    return out


def changes(recorded: list[dict], cancel=None) -> list[str]:
    """One line per recorded source file that is gone or changed since it was saved (the project
    keeps its own copy of the data, so this is information, not an error)."""
    notes = []
    for s in recorded:
        path = s.get("path")
        if not path:
            continue
        name = PureWindowsPath(path).name if "\\" in path else Path(path).name
        label = "catalog file" if s.get("role") == "catalog" else "data file"
        if is_network(path):
            notes.append(f"the {label} {name} is on a network share; it was not checked (the project keeps its own copy)")
            continue
        st = _regular(path)
        if st is None:
            notes.append(f"the {label} {name} is no longer at {Path(path).parent}; the project keeps its own copy")
            continue
        if s.get("sha256") is None or (st.st_size == s.get("size") and st.st_mtime_ns == s.get("mtime_ns")):
            continue
        if st.st_size != s.get("size") or st.st_size > MAX_HASH_BYTES or sha256(Path(path), cancel) != s["sha256"]:
            notes.append(f"the {label} {name} changed since it was saved (or could not be checked); the project "
                         "keeps the saved copy (open the file again to use the new data)")
    return notes
