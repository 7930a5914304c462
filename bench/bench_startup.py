"""Cold start of RecScope to a usable main window: the frozen bundle vs ``python -m desktop``.

    python bench/bench_startup.py [--runs 5] [--bundle dist/RecScope] [--drop-caches]

Each run starts the app offscreen with ``--self-test`` in a fresh process (scratch HOME, settings
and log folders) and reads its step lines as they are printed: "window" is the time from spawning
the process to the ``main window`` step's line (main window created, shown, exposed and painted
once: the app answers input), "demo data" to the ``open demo data`` line (the bundled demo file
read, validated and profiled through the Data pane). The process is then killed. Medians of
``--runs``. ``--drop-caches`` empties the kernel page cache before every run (root only): a true
cold start from disk; without it the files are in the page cache (a warm cold start).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
MARKS = {"window": "] ok", "demo data": "] ok"}
STEP_OF = {"window": "  main window:", "demo data": "  open demo data:"}


def drop_caches() -> None:
    subprocess.run(["sync"], check=True)
    Path("/proc/sys/vm/drop_caches").write_text("3\n")


def one_run(cmd: list[str], drop: bool) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="recscope-bench-") as home:
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen", HOME=home, XDG_CONFIG_HOME=f"{home}/.config",
                   XDG_CACHE_HOME=f"{home}/.cache", XDG_DATA_HOME=f"{home}/.local/share")
        env.pop("RECSCOPE_LOG_DIR", None)
        if drop:
            drop_caches()
        found: dict[str, float] = {}
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd + ["--self-test", f"{home}/shots"], cwd=REPO, env=env, text=True,
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        try:
            for line in proc.stdout:
                for mark, step in STEP_OF.items():
                    if step in line and MARKS[mark] in line and mark not in found:
                        found[mark] = time.perf_counter() - t0
                if " FAIL " in line:
                    raise SystemExit(f"start-up failed: {line.strip()}")
                if len(found) == len(STEP_OF):
                    break
        finally:
            proc.kill()
            proc.wait()
        if len(found) != len(STEP_OF):
            raise SystemExit(f"{' '.join(cmd)}: the process ended before the main window was ready")
        return found


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--bundle", default=str(REPO / "dist" / "RecScope"))
    p.add_argument("--drop-caches", action="store_true", help="empty the page cache before each run (root)")
    args = p.parse_args()
    exe = Path(args.bundle) / "RecScope"
    variants = {"source (python -m desktop)": [sys.executable, "-m", "desktop"]}
    if exe.exists():
        variants = {"frozen (PyInstaller bundle)": [str(exe)], **variants}
    else:
        print(f"no bundle at {exe}: build it with `python packaging/build.py`; timing the sources only")
    print(f"{args.runs} runs each, offscreen, {'page cache dropped before each run' if args.drop_caches else 'page cache warm'}")
    print(f"{'variant':<30} {'to main window (s)':>20} {'to demo data loaded (s)':>25}")
    for name, cmd in variants.items():
        one_run(cmd, False)  # untimed: fills the page cache / compiles .pyc once
        runs = [one_run(cmd, args.drop_caches) for _ in range(args.runs)]
        cells = []
        for mark in STEP_OF:
            vals = sorted(r[mark] for r in runs)
            cells.append(f"{statistics.median(vals):.2f} [{vals[0]:.2f}–{vals[-1]:.2f}]")
        print(f"{name:<30} {cells[0]:>20} {cells[1]:>25}")
    print("median [min–max]; target: frozen to main window <= 4 s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
