"""Architecture boundaries (docs/ARCHITECTURE.md): the import contracts of pyproject.toml hold (the
engine never imports Qt or the desktop, the desktop never imports compute libraries, the engine's
layers import only downwards), no module import cycle exists, and importing every engine module
loads no Qt at run time."""

import subprocess
import sys
from pathlib import Path

import grimp
import pytest

REPO = Path(__file__).resolve().parents[1]

_ENGINE_IMPORT_CHECK = """
import importlib, pkgutil, sys
import engine
names = [m.name for m in pkgutil.walk_packages(engine.__path__, "engine.") if not m.name.endswith("__main__")]
for name in names:
    importlib.import_module(name)
qt = sorted(m for m in sys.modules if m.split(".")[0] in ("PySide6", "pyqtgraph", "shiboken6"))
print(len(names), "modules;", "Qt:", qt)
assert not qt, f"engine imported {qt}"
"""


def test_engine_imports_no_qt():
    out = subprocess.run([sys.executable, "-c", _ENGINE_IMPORT_CHECK], cwd=REPO,
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "Qt: []" in out.stdout


def test_import_contracts_hold():
    lint = Path(sys.executable).with_name("lint-imports")
    if not lint.exists():
        pytest.skip("import-linter is not installed (pip install -e .[dev])")
    out = subprocess.run([str(lint), "--no-cache"], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-2000:]
    assert "0 broken" in out.stdout


@pytest.fixture(scope="module")
def graph():
    sys.path.insert(0, str(REPO))
    try:
        return grimp.build_graph("engine", "desktop", cache_dir=None, exclude_type_checking_imports=True)
    finally:
        sys.path.remove(str(REPO))


def test_no_import_cycles(graph):
    """Within every package no set of modules imports each other in a circle (function-local
    imports included, imports for type checking only not): grimp nominates no import to break."""
    cycles = {pkg: sorted(graph.nominate_cycle_breakers(pkg))
              for pkg in sorted(graph.modules) if graph.find_children(pkg)}
    assert not {p: c for p, c in cycles.items() if c}


def test_cycle_check_sees_a_cycle(tmp_path, monkeypatch):
    pkg = tmp_path / "loop_pkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "a.py").write_text("from loop_pkg import b\n")
    (pkg / "b.py").write_text("def f():\n    from loop_pkg import a\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    g = grimp.build_graph("loop_pkg", cache_dir=None)
    assert g.nominate_cycle_breakers("loop_pkg")
