"""desktop.selftest: the runner's reporting, and the whole self-test on the sources, offscreen."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from desktop import selftest

REPO = Path(__file__).resolve().parents[2]


def test_runner_reports_each_step_and_fails_on_any_failure(qapp, monkeypatch, tmp_path, capsys):
    def boom(t):
        raise ValueError("broken on purpose")

    monkeypatch.setattr(selftest, "STEPS", [
        ("environment", selftest.step_environment),
        ("boom", boom),
        ("needs window", lambda t: t.need("window", "main window")),
        ("expand", lambda t: [("child a", lambda t: "fine"), ("child b", lambda t: "also fine")]),
    ])
    rc = selftest.run(tmp_path / "shots")
    out = capsys.readouterr().out
    assert rc == 1
    assert re.search(r"\[self-test\] ok +[\d.]+s  environment: source;", out)
    assert "FAIL" in out and "boom: ValueError: broken on purpose" in out
    assert "needs window: needs step 'main window', which did not succeed" in out
    assert re.search(r"ok +[\d.]+s  expand: 2 sub-steps", out)
    assert re.search(r"ok +[\d.]+s  child b: also fine", out)
    assert "FAILED 2 of 6 steps" in out and out.rstrip().endswith("boom, needs window")


def test_runner_passes_when_every_step_passes(qapp, monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(selftest, "STEPS", [("environment", selftest.step_environment)])
    assert selftest.run(tmp_path) == 0
    assert "PASSED all 1 steps" in capsys.readouterr().out


@pytest.mark.slow
def test_full_self_test_from_sources_offscreen(tmp_path):
    """The same `--self-test` the frozen bundle runs in packaging/build.py, here on the sources."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", RECSCOPE_LOG_DIR=str(tmp_path / "logs"),
               RECSCOPE_CACHE_DIR=str(tmp_path / "cache"))
    shots = tmp_path / "shots"
    proc = subprocess.run([sys.executable, "-m", "desktop", "--self-test", str(shots)], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=900)
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("[self-test] ")]
    failed = [ln for ln in lines if " FAIL " in ln]
    assert proc.returncode == 0, "\n".join(failed) or proc.stdout[-3000:] + proc.stderr[-3000:]
    panes = [ln for ln in lines if re.search(r"ok +[\d.]+s  pane ", ln)]
    assert len(panes) >= 1 and len(list(shots.glob("*.png"))) == len(panes)
    assert any("explain " in ln for ln in lines) and any("compress " in ln for ln in lines)
    assert lines[-1].startswith("[self-test] PASSED")


def test_modules_with_cached_numba_kernels_ship_their_sources():
    """numba caches a kernel in RecScope's cache folder only when its source file exists; a frozen
    app without it writes to ~/.cache/numba (package-check's isolation refuses that). Every engine
    module whose kernels are cached is listed in the spec's data files."""
    root = Path(__file__).resolve().parents[2]
    cached = {p.relative_to(root).as_posix() for p in (root / "engine").rglob("*.py")
              if re.search(r"@numba\.njit\([^)]*(cache=True|\*\*_JIT)", p.read_text(encoding="utf-8"))}
    spec = (root / "packaging" / "recscope.spec").read_text(encoding="utf-8")
    shipped = {"/".join(m) for m in re.findall(r'REPO / "(\w+)" / "(\w+)" / "(\w+\.py)"', spec)}
    assert cached and cached <= shipped, cached - shipped
