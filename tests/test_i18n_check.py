"""tools/i18n.py (`make i18n-check`): it passes on the project, and fails, naming the string, on a copy
with a planted untranslated label, an f-string inside tr(), a .ts message left unfinished, a translation
with other placeholders, an engine message missing from the .po, and a function that shadows gettext."""

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def _tool():
    spec = importlib.util.spec_from_file_location("i18n_tool", REPO / "tools" / "i18n.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["i18n_tool"] = module
    spec.loader.exec_module(module)
    return module


tool = _tool()


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    """A copy of the sources and catalogs the check reads."""
    root = tmp_path_factory.mktemp("project")
    ignore = shutil.ignore_patterns("__pycache__")
    for part in ("desktop", "engine", "tools"):
        shutil.copytree(REPO / part, root / part, ignore=ignore)
    shutil.copytree(REPO / "resources" / "i18n", root / "resources" / "i18n")
    return root


def run_check(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(root / "tools" / "i18n.py"), "check", "--root", str(root)],
                          capture_output=True, text=True, timeout=120)


def test_the_project_has_no_untranslated_string(project):
    proc = run_check(project)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-1000:]


def test_a_planted_untranslated_label_fails_the_check(project, tmp_path):
    root = tmp_path / "planted"
    shutil.copytree(project, root)
    pane = root / "desktop" / "views" / "leaderboard_pane.py"
    pane.write_text(pane.read_text(encoding="utf-8") + '\n\ndef planted(layout):\n'
                    '    layout.addWidget(QLabel("Planted words nobody translated"))\n', encoding="utf-8")
    proc = run_check(root)
    assert proc.returncode == 1
    assert "desktop/views/leaderboard_pane.py" in proc.stdout and "Planted words nobody translated" in proc.stdout


def test_scans_find_each_kind_of_gap(tmp_path):
    src = tmp_path / "desktop" / "views" / "pane.py"
    src.parent.mkdir(parents=True)
    src.write_text(
        "class Pane(QWidget):\n"
        "    def build(self, n):\n"
        "        self.setToolTip('Shown to the user')\n"
        "        self.tabs.addTab(w, self.tr('Fine'))\n"
        "        self.label.setText(self.tr(f'{n} customers'))\n"
        "        self.box.setObjectName('statCard')\n"
        "        QMessageBox.warning(self, self.tr('Title'), 'Could not save the file')\n"
        "        log.warning('not for the user: %s', n)\n"
        "        self.plot = CurvePlot('Training loss', self.tr('Epoch'), 'ndcg@10')\n", encoding="utf-8")
    found = [str(f) for f in tool.scan_desktop(tmp_path / "desktop", tmp_path)]
    assert any(":3:" in f and "Shown to the user" in f for f in found)
    assert any(":5:" in f and "f-string" in f for f in found)
    assert any(":7:" in f and "Could not save the file" in f for f in found)
    assert any(":9:" in f and "Training loss" in f for f in found)
    assert not any("statCard" in f or "not for the user" in f or "ndcg@10" in f or "Fine" in f for f in found)


def test_catalog_checks(tmp_path):
    ts = tmp_path / "x_zh_CN.ts"
    ts.write_text(
        '<?xml version="1.0" encoding="utf-8"?><!DOCTYPE TS><TS version="2.1" language="zh_CN"><context>'
        '<name>Pane</name>'
        '<message><source>Open</source><translation>打开</translation></message>'
        '<message><source>Left out</source><translation type="unfinished"></translation></message>'
        '<message><source>{n} rows</source><translation>行</translation></message>'
        '</context></TS>', encoding="utf-8")
    found = [str(f) for f in tool.check_ts(ts, "x.ts")]
    assert len(found) == 2 and "Left out" in found[0] and "placeholders" in found[1]

    engine = tmp_path / "engine" / "m.py"
    engine.parent.mkdir()
    engine.write_text("from engine.i18n import _\n\n"
                      "def f(rows):\n    a, _ = rows\n    return _('a {n} b').format(n=a)\n", encoding="utf-8")
    assert any("binds '_'" in str(f) for f in tool.scan_shadowed_gettext(tmp_path))
    messages, _bad = tool.engine_messages(tmp_path)
    po = REPO / tool.PO.format(lang="zh_CN")
    assert [str(f) for f in tool.check_po(po, messages, "po")] == ["engine/m.py:5: not in po (run make i18n): 'a {n} b'"]


def test_compiled_catalogs_match_their_sources(project):
    """The committed .qm and .mo are what lrelease and Babel make from the committed .ts and .po."""
    ts, qm, po, mo = tool.catalogs(project, "zh_CN")
    built = project / "built.qm"
    tool.lrelease(ts, built)
    assert built.read_bytes() == qm.read_bytes()
    assert tool.compile_mo(po) == mo.read_bytes()
