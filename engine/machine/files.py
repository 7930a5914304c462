"""Output files that appear only complete: a report, an export. The content is written to a file
with no name in the folder (Linux ``O_TMPFILE``) and linked under its name when complete,
replacing any earlier file atomically; a failure, a cancel or a kill leaves the earlier file as it
was and nothing else. Where the system has no unnamed files, a hidden ``.part`` file is used and
removed on any failure (one left by a kill is removed by the next output to that folder).
"""

from __future__ import annotations

import contextlib
import glob
import os
import tempfile
import time
from pathlib import Path

#: A ``.part`` file untouched this long (seconds) was left by a killed writer.
STALE_S = 3600

class _Output:
    """A binary file object for ``path``'s content; ``commit()`` names it ``path``."""

    def __init__(self, path: Path):
        self.path = path
        self._fd = -1
        self._part: Path | None = None
        _sweep(path)
        try:
            self._fd = os.open(path.parent, os.O_TMPFILE | os.O_RDWR, 0o600)  # no name in the folder
        except (AttributeError, OSError):  # no O_TMPFILE here (not Linux, or the file system lacks it)
            fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
            self._fd, self._part = fd, Path(name)
        self.file = os.fdopen(self._fd, "w+b", closefd=False)

    def commit(self) -> None:
        self.file.flush()
        os.fsync(self._fd)
        if self._part is not None:
            os.replace(self._part, self.path)
            self._part = None
            return
        named = self.path.with_name(f".{self.path.name}.{os.getpid()}.{time.monotonic_ns()}.part")
        _link_unnamed(self._fd, named)
        try:
            os.replace(named, self.path)
        except OSError:
            named.unlink(missing_ok=True)
            raise

    def discard(self) -> None:
        with contextlib.suppress(OSError, ValueError):
            self.file.close()
        if self._fd >= 0:
            with contextlib.suppress(OSError):
                os.close(self._fd)
            self._fd = -1
        if self._part is not None:
            self._part.unlink(missing_ok=True)
            self._part = None


def _link_unnamed(fd: int, dest: Path) -> None:
    """Give the O_TMPFILE file ``fd`` the name ``dest``: linkat(2) of /proc/self/fd/N with
    AT_SYMLINK_FOLLOW (Python's os.link does not pass that flag, so it cannot do this)."""
    import ctypes
    libc = ctypes.CDLL(None, use_errno=True)
    at_fdcwd, at_symlink_follow = -100, 0x400
    if libc.linkat(at_fdcwd, f"/proc/self/fd/{fd}".encode(), at_fdcwd, os.fsencode(dest), at_symlink_follow):
        err = ctypes.get_errno()
        raise OSError(err, os.strerror(err), str(dest))


def _sweep(path: Path) -> None:
    """Remove ``.part`` files of exports to ``path`` that a kill left behind."""
    now = time.time()
    for old in path.parent.glob(f".{glob.escape(path.name)}.*.part"):
        with contextlib.suppress(OSError):
            if now - old.stat().st_mtime > STALE_S:
                old.unlink()


@contextlib.contextmanager
def hidden_output(path):
    """Yield a binary file object; on a normal exit its content becomes ``path`` (atomically
    replacing any file there), on an exception (a cancel included) nothing is left."""
    out = _Output(Path(path))
    try:
        yield out.file
        out.commit()
    finally:
        out.discard()
