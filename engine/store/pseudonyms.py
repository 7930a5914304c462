"""Keyed pseudonyms for customer ids, for what a consultant shares: exports, reports and share
copies of a project.

A pseudonym is ``c-`` + 16 base32 characters of HMAC-SHA256(key, id): the same customer gets the
same pseudonym in every file shared from one scope, and nobody without the key can recompute or
reverse it (80 bits: no two of a billion customers collide in practice). The key is per scope —
a project (its ``pseudonym_scope``), or the customers a model was trained on — and is kept in the
user's own key folder (``key_dir()``), never in a file RecScope writes, so a shared file never
carries it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import html
import os
import re
import secrets
import sys
from pathlib import Path

import numpy as np

from engine.errors import EngineError

KEY_BYTES = 32
PREFIX = "c-"
_CHARS = 16


def key_dir() -> Path:
    """``$RECSCOPE_KEY_DIR``, else the platform's per-user data folder + ``recscope/keys``."""
    env = os.environ.get("RECSCOPE_KEY_DIR")
    if env:
        return Path(env).expanduser()
    if sys.platform == "win32":
        base = Path(os.environ.get("APPDATA") or Path.home() / "AppData" / "Roaming")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "recscope" / "keys"


def _text(value) -> str:
    """The canonical text of an external id (1234 and np.int64(1234) alike)."""
    return str(value.item() if isinstance(value, np.generic) else value)


def scope_of(user_ids) -> str:
    """A scope name for a set of customers (a model's training customers): a hash of their ids,
    which names the key without revealing any id."""
    h = hashlib.sha256()
    for v in user_ids:
        h.update(_text(v).encode("utf-8", "surrogatepass") + b"\0")
    return "ids-" + h.hexdigest()[:32]


def key_for(scope: str) -> bytes:
    """The secret key of ``scope``, created (readable by this user only) on first use."""
    if not scope or not all(c.isalnum() or c == "-" for c in scope):
        raise EngineError(f"not a pseudonym scope: {scope!r}")
    folder = key_dir()
    path = folder / f"{scope}.key"
    try:
        return bytes.fromhex(path.read_text().strip())
    except FileNotFoundError:
        pass
    except ValueError:
        raise EngineError(f"the pseudonym key {path} is damaged; restore it from a backup (pseudonyms made "
                          "with another key cannot be matched to earlier ones)") from None
    key = secrets.token_bytes(KEY_BYTES)
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it first: use theirs
        return key_for(scope)
    except OSError as e:
        raise EngineError(f"cannot keep the pseudonym key in {folder} ({e.strerror or e})") from None
    with os.fdopen(fd, "w") as f:
        f.write(key.hex())
    return key


class Pseudonyms:
    """Maps external customer ids to keyed pseudonyms: ``p(ids)`` -> (n,) str object array."""

    def __init__(self, key: bytes):
        if len(key) < 16:
            raise EngineError("a pseudonym key needs at least 16 bytes")
        self._key = bytes(key)

    @classmethod
    def for_scope(cls, scope: str) -> "Pseudonyms":
        return cls(key_for(scope))

    def one(self, value) -> str:
        digest = hmac.new(self._key, _text(value).encode("utf-8", "surrogatepass"), hashlib.sha256).digest()
        return PREFIX + base64.b32encode(digest).decode("ascii")[:_CHARS].lower()

    def __call__(self, ids) -> np.ndarray:
        out = np.empty(len(ids), dtype=object)
        out[:] = [self.one(v) for v in ids]
        return out


def replace_ids(text: str, ids, pseudo) -> str:
    """``text`` (a report's HTML) with every whole occurrence of each of ``ids`` — not a part of
    a longer word or number — replaced by its pseudonym ``pseudo([id])[0]``."""
    for value in ids:
        token = html.escape(_text(value), quote=False)
        if token:
            text = re.sub(rf"(?<![\w-]){re.escape(token)}(?![\w-])", pseudo([value])[0], text)
    return text

