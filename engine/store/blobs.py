"""Binary payloads of a project: named numpy arrays packed as safetensors bytes (never pickle),
stored in parts in the ``blobs`` table, with the size checked before anything is read.

Text arrays (str object arrays, None allowed) travel as three plain arrays: ``<key>::utf8``
(uint8 bytes of every string), ``<key>::offsets`` ((n+1,) int64) and ``<key>::null`` ((n,) bool).
"""

from __future__ import annotations

import hashlib
import json
import sqlite3

import numpy as np
from safetensors.numpy import load as st_load
from safetensors.numpy import save as st_save

from engine.errors import ProjectError
from engine.store import schema

_TEXT = ("::utf8", "::offsets", "::null")
_JSON_NAMES = {dict: "object", list: "list", str: "text", int: "number", float: "number", bool: "true/false"}


def pack(arrays: dict[str, np.ndarray]) -> bytes:
    """safetensors bytes of ``arrays`` (numeric/bool arrays as they are, object arrays as text)."""
    tensors: dict[str, np.ndarray] = {}
    for key, arr in arrays.items():
        arr = np.asarray(arr)
        if arr.dtype == object or arr.dtype.kind in "USTO":
            tensors.update(_pack_text(key, arr))
        else:
            tensors[key] = np.ascontiguousarray(arr)
    return st_save(tensors)


def unpack(data: bytes, what: str) -> dict[str, np.ndarray]:
    """Inverse of ``pack``; ProjectError naming ``what`` when the bytes are not a valid payload."""
    try:
        tensors = st_load(bytes(data))
    except Exception as e:  # safetensors raises its own error type for any malformed header
        raise ProjectError(f"{what} is damaged ({e})") from None
    out: dict[str, np.ndarray] = {}
    for key in list(tensors):
        if key.endswith("::utf8"):
            base = key[: -len("::utf8")]
            out[base] = _unpack_text(base, tensors, what)
        elif not key.endswith(_TEXT[1:]):
            out[key] = tensors[key]
    return out


def _pack_text(key: str, arr: np.ndarray) -> dict[str, np.ndarray]:
    values = arr.reshape(-1).tolist()
    null = np.array([v is None or (isinstance(v, float) and v != v) for v in values], dtype=bool)
    encoded = [b"" if n else str(v).encode("utf-8", "surrogatepass") for v, n in zip(values, null)]
    offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
    np.cumsum([len(b) for b in encoded], out=offsets[1:])
    return {key + "::utf8": np.frombuffer(b"".join(encoded), dtype=np.uint8).copy(),
            key + "::offsets": offsets, key + "::null": null}


def _unpack_text(key: str, tensors: dict, what: str) -> np.ndarray:
    try:
        raw, offsets, null = (tensors[key + s] for s in _TEXT)
    except KeyError:
        raise ProjectError(f"{what}: text array '{key}' is incomplete") from None
    n = len(null)
    if (raw.dtype != np.uint8 or offsets.dtype != np.int64 or null.dtype != bool or raw.ndim != 1
            or offsets.shape != (n + 1,) or null.ndim != 1 or offsets[0] != 0
            or np.any(np.diff(offsets) < 0) or offsets[-1] != len(raw)):
        raise ProjectError(f"{what}: text array '{key}' is damaged")
    buf = raw.tobytes()
    try:
        values = [None if z else buf[a:b].decode("utf-8", "surrogatepass")
                  for a, b, z in zip(offsets[:-1].tolist(), offsets[1:].tolist(), null.tolist())]
    except UnicodeDecodeError:
        raise ProjectError(f"{what}: text array '{key}' is not valid UTF-8") from None
    out = np.empty(n, dtype=object)
    out[:] = values
    return out


# ---- storage in parts --------------------------------------------------------------------------
def put(con: sqlite3.Connection, key: str, data: bytes) -> None:
    """Store ``data`` under ``key`` (replacing it), in parts of ``schema.CHUNK_BYTES``, each with its
    SHA-256; call inside a transaction."""
    con.execute("DELETE FROM blobs WHERE key = ?", (key,))
    view = memoryview(data)
    n_parts = max(1, -(-len(view) // schema.CHUNK_BYTES))
    parts = (view[i * schema.CHUNK_BYTES:(i + 1) * schema.CHUNK_BYTES] for i in range(n_parts))
    con.executemany("INSERT INTO blobs (key, part, data, sha256) VALUES (?, ?, ?, ?)",
                    ((key, i, part, hashlib.sha256(part).hexdigest()) for i, part in enumerate(parts)))


def get(con: sqlite3.Connection, key: str, what: str, max_bytes: int | None = None) -> bytes | None:
    """The bytes stored under ``key`` (None when absent); ProjectError when larger than ``max_bytes``
    (default ``schema.MAX_BLOB_BYTES``), when parts are missing or when a part does not match its
    checksum (a part saved without one, by an older RecScope, is not verified)."""
    max_bytes = schema.MAX_BLOB_BYTES if max_bytes is None else max_bytes
    n, size, top = con.execute("SELECT COUNT(*), SUM(length(data)), MAX(part) FROM blobs WHERE key = ?",
                               (key,)).fetchone()
    if not n:
        return None
    if size is None or size > max_bytes:
        raise ProjectError(f"{what} is {_mb(size or 0)}, more than the {_mb(max_bytes)} limit")
    if top != n - 1:
        raise ProjectError(f"{what} is damaged (parts missing)")
    parts = []
    for part, sha in con.execute("SELECT data, sha256 FROM blobs WHERE key = ? ORDER BY part", (key,)):
        if not isinstance(part, bytes):
            raise ProjectError(f"{what} is damaged (not binary data)")
        if sha is not None and hashlib.sha256(part).hexdigest() != sha:
            raise ProjectError(f"{what} is damaged (part {len(parts) + 1} of {n} does not match its checksum)")
        parts.append(part)
    return b"".join(parts)


def delete(con: sqlite3.Connection, prefix: str) -> None:
    """Remove every blob whose key starts with ``prefix``."""
    con.execute("DELETE FROM blobs WHERE substr(key, 1, ?) = ?", (len(prefix), prefix))


def _mb(n: int) -> str:
    return f"{n / 1024**2:,.1f} MB"


# ---- JSON ----------------------------------------------------------------------------------------
def to_json(value) -> str:
    """JSON text of ``value``; numpy scalars and arrays become plain numbers and lists."""
    return json.dumps(value, default=_plain, allow_nan=True)


def _plain(value):
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, (set, tuple)):
        return list(value)
    return str(value)


def from_json(text, what: str, kind: type | tuple = dict, *, optional: bool = False):
    """Parse stored JSON defensively: ProjectError unless ``text`` is a JSON ``kind`` within limits."""
    if text is None and optional:
        return None
    if not isinstance(text, str):
        raise ProjectError(f"{what} is missing or not text")
    if len(text) > schema.MAX_JSON_CHARS:
        raise ProjectError(f"{what} is {len(text):,} characters, more than the {schema.MAX_JSON_CHARS:,} limit")
    try:
        value = json.loads(text)
    except (ValueError, RecursionError) as e:
        raise ProjectError(f"{what} is not valid JSON ({str(e)[:80]})") from None
    if not isinstance(value, kind) and not (optional and value is None):
        raise ProjectError(f"{what} is damaged (a JSON {_JSON_NAMES.get(type(value), 'value')} "
                           "where an object or list belongs)")
    return value
