"""Architecture boundaries: the engine never imports Qt; the desktop never imports compute libraries."""

import ast
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FORBIDDEN_IN_DESKTOP = {"torch", "sklearn", "scipy", "shap"}

_ENGINE_IMPORT_CHECK = """
import importlib, pkgutil, sys
import engine
names = [m.name for m in pkgutil.walk_packages(engine.__path__, "engine.")]
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


def _imported_roots(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    roots = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", None)) \
                in ("import_module", "__import__") and node.args and isinstance(node.args[0], ast.Constant):
            roots.add(str(node.args[0].value).split(".")[0])
    return roots


def test_desktop_imports_no_compute_libraries():
    files = sorted((REPO / "desktop").rglob("*.py"))
    assert files, "desktop/ has no modules"
    bad = {str(f.relative_to(REPO)): sorted(_imported_roots(f) & FORBIDDEN_IN_DESKTOP) for f in files}
    assert not {k: v for k, v in bad.items() if v}


def test_scanner_sees_forbidden_imports(tmp_path):
    sample = tmp_path / "m.py"
    sample.write_text("import os\nfrom scipy import sparse\nimport torch.nn as nn\n"
                      "importlib.import_module('sklearn.linear_model')\n")
    assert _imported_roots(sample) & FORBIDDEN_IN_DESKTOP == {"scipy", "torch", "sklearn"}
