"""RecScope's cache folder, and torch's compile cache kept inside it.

``user_cache_dir()``: ``$RECSCOPE_CACHE_DIR`` or the platform's user cache + ``recscope``.
Importing ``engine`` points torch's inductor cache (``TORCHINDUCTOR_CACHE_DIR``, which torch
creates as ``/tmp/torchinductor_<user>`` as soon as ``torch.use_deterministic_algorithms`` loads
it) at ``user_cache_dir()/torchinductor`` and numba's (``NUMBA_CACHE_DIR``) at
``user_cache_dir()/numba`` unless the user set them, so the app writes only its own folders.
"""

from __future__ import annotations

import os
import sys
import threading
from pathlib import Path


def user_cache_dir() -> Path:
    env = os.environ.get("RECSCOPE_CACHE_DIR")
    if env:
        return Path(env).expanduser()
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Caches"
    else:
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "recscope"


def keep_torch_cache_here() -> None:
    os.environ.setdefault("TORCHINDUCTOR_CACHE_DIR", str(user_cache_dir() / "torchinductor"))
    # numba's compiled kernels (cache=True, e.g. engine.models.ials_cpu) go here too, not next to
    # the installed sources (read-only in a bundle)
    os.environ.setdefault("NUMBA_CACHE_DIR", str(user_cache_dir() / "numba"))


def save_array(path: Path, arr) -> None:
    """Write numpy array ``arr`` to ``path`` (.npy, no pickle) whole or not at all: a temporary file
    renamed over it, so a reader never sees half an array. A cache write that fails (read-only or
    full disk) is skipped: the caller recomputes next time."""
    import numpy as np
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.parent / f".{path.stem}.{os.getpid()}.{threading.get_ident()}.tmp.npy"
        np.save(tmp, arr, allow_pickle=False)
        os.replace(tmp, path)
    except OSError:
        pass
