"""Run a command with no network and a record of every file it writes (Linux: unshare + strace).

``isolated(cmd, trace)`` returns ``cmd`` wrapped so that it runs in a new network namespace (only
a downed loopback: any connection fails) under ``strace -ff``, which logs, one file per process
(``trace.<pid>``), the calls that create or change files and every ``connect``. ``findings(trace, allowed)`` reads that log back: the paths
written outside the ``allowed`` folders and the internet addresses the process tried to reach.
``build.py`` runs the frozen self-test this way, so one run proves "no network needed" and
"writes only its own folders".
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

#: Calls that create, change or remove files (open/openat only count with a write flag).
WRITE_CALLS = ("open", "openat", "creat", "mkdir", "mkdirat", "rename", "renameat", "renameat2",
               "unlink", "unlinkat", "link", "linkat", "symlink", "symlinkat", "truncate", "rmdir")
#: Pseudo-file systems that are not the user's disk.
VIRTUAL = ("/dev/", "/proc/", "/sys/")
_CALL = re.compile(r'^(?:\[pid\s+\d+\]\s+|\d+\s+)?(?P<call>\w+)\((?P<args>.*)\)\s+=\s+(?P<ret>-?\d+|\?)')
_DIRFD = re.compile(r'^\d+<(?P<dir>[^>]*)>, ')
#: Calls whose last path argument is the name written (the others: the first).
_NEW_NAME_LAST = ("rename", "renameat", "renameat2", "link", "linkat", "symlink", "symlinkat")
_PATHS = re.compile(r'"((?:[^"\\]|\\.)*)"')
_INET = re.compile(r'sa_family=AF_INET6?, .*?(?:sin6?_addr=inet_(?:addr|pton)\((?:AF_INET6, )?"([^"]+)")')


def _unshare() -> list[str]:
    return ["unshare", "-n"] if os.geteuid() == 0 else ["unshare", "-rn"]


def available() -> bool:
    """True where the wrapper works here: Linux with ``unshare`` and ``strace``, and both allowed
    (containers may forbid namespaces or ptrace)."""
    if os.name != "posix" or not (shutil.which("unshare") and shutil.which("strace")):
        return False
    probe = subprocess.run([*_unshare(), "strace", "-qq", "-o", os.devnull, "true"], capture_output=True)
    return probe.returncode == 0


def isolated(cmd: list[str], trace: Path) -> list[str]:
    """``cmd`` in its own network namespace, traced into ``trace.<pid>`` files (root:
    ``unshare -n``; else a user namespace, ``unshare -rn``)."""
    unshare = _unshare()
    calls = ",".join((*WRITE_CALLS, "connect"))
    return [*unshare, "strace", "-ff", "-qq", "-y", "-s", "4096", "-e", f"trace={calls}", "-o", str(trace), *cmd]


def _is_write(call: str, args: str) -> bool:
    if call in ("open", "openat"):
        return bool(re.search(r"O_WRONLY|O_RDWR|O_CREAT|O_TRUNC", args))
    return call != "connect"


def findings(trace: Path, allowed: list[Path], cwd: Path) -> tuple[list[str], list[str]]:
    """(sorted paths written outside ``allowed`` and the virtual file systems, sorted internet
    addresses connected to) from the strace logs ``trace.<pid>``. Making the folders that lead to
    an allowed folder (``mkdir ~/.local``) is not a write outside. Only calls that succeeded count as writes; every
    attempted AF_INET/AF_INET6 connect counts, failed or not. Relative paths resolve against the
    directory fd strace names (``-y``) or else ``cwd``."""
    roots = [str(Path(a).resolve()) + os.sep for a in allowed]
    outside, inet = set(), set()
    lines = [line for log in sorted(trace.parent.glob(trace.name + ".*"))
             for line in log.read_text(encoding="utf-8", errors="replace").splitlines()]
    for line in lines:
        m = _CALL.match(line)
        if not m:
            continue
        call, args, ret = m["call"], m["args"], m["ret"]
        if call == "connect":
            hit = _INET.search(args)
            if hit:
                inet.add(hit.group(1))
            continue
        if call not in WRITE_CALLS or ret == "?" or int(ret) < 0 or not _is_write(call, args):
            continue
        paths = _PATHS.findall(args)
        if not paths:
            continue
        name = paths[-1] if call in _NEW_NAME_LAST else paths[0]
        if not name.startswith("/"):
            at = _DIRFD.match(args)   # strace -y shows a directory fd's path: 5</tmp/x>
            base = Path(at["dir"]) if at and call not in ("open", "creat", "mkdir", "rename", "link",
                                                          "symlink", "truncate", "unlink", "rmdir") else cwd
            name = str(base / name)
        full = os.path.normpath(name)
        if full.startswith(VIRTUAL) or any((full + os.sep).startswith(r) for r in roots):
            continue
        if call in ("mkdir", "mkdirat") and any(r.startswith(full + os.sep) for r in roots):
            continue
        outside.add(full)
    return sorted(outside), sorted(inet)
