"""Translations of RecScope: ``python tools/i18n.py update`` (``make i18n``) and ``check`` (``make i18n-check``).

Two catalogs, one per side of the house rule "the engine never imports Qt":

* desktop: Qt's own tools. ``pyside6-lupdate`` collects ``self.tr(…)``, ``translate(context, …)`` and
  ``QT_TRANSLATE_NOOP(context, …)`` from ``desktop/`` into ``resources/i18n/recscope_<lang>.ts`` (edited
  with Qt Linguist or by hand), ``pyside6-lrelease`` compiles it to the ``.qm`` the app loads.
* engine: Python's gettext. ``_(…)``, ``N_(…)`` and ``ngettext(…)`` in ``engine/`` are collected into
  ``engine/i18n/locale/<lang>/LC_MESSAGES/recscope.po``, compiled to ``recscope.mo`` (Babel).

Both compiled files are committed (the frozen app and a plain ``pip install`` need no build step);
``check`` proves they match their sources. ``check`` lists, and exits 1 while any remain:

1. desktop strings a user sees that are not wrapped for translation: literal text given to Qt text
   setters and constructors (setText, setToolTip, QLabel(…), addItem, setHorizontalHeaderLabels,
   QMessageBox …), plot titles and axis labels, prose in the HTML report, glossary entries;
2. f-strings inside a translation call (they are formatted before the look-up, so never found);
3. wrapped messages the ``.ts`` lacks (run ``make i18n``), or whose translation is unfinished, empty, or
   has other ``{placeholders}``/``%n`` than the source;
4. engine messages missing from the ``.po`` or untranslated there, and plain text in the engine's
   display arguments (title=, note=, sentence …) of the modules that speak the interface language;
5. a ``.qm``/``.mo`` that does not match its ``.ts``/``.po``.
"""

from __future__ import annotations

import argparse
import ast
import io
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = ("zh_CN",)
#: Catalog files, relative to the project folder.
TS, QM = "resources/i18n/recscope_{lang}.ts", "resources/i18n/recscope_{lang}.qm"
PO, MO = "engine/i18n/locale/{lang}/LC_MESSAGES/recscope.po", "engine/i18n/locale/{lang}/LC_MESSAGES/recscope.mo"
BIN = Path(sys.executable).parent

#: Qt calls whose literal arguments a user reads (method or class name).
QT_TEXT_CALLS = {
    "setText", "setToolTip", "setWindowTitle", "setPlaceholderText", "setStatusTip", "setWhatsThis",
    "setTitle", "setLabel", "setLabelText", "setSuffix", "setPrefix", "setSpecialValueText", "showMessage",
    "addItem", "addItems", "insertItem", "setItemText", "addTab", "insertTab", "setTabText", "setTabToolTip",
    "addAction", "addMenu", "addRow", "setHorizontalHeaderLabels", "setVerticalHeaderLabels", "setHeaderLabels",
    "QLabel", "QPushButton", "QToolButton", "QAction", "QCheckBox", "QRadioButton", "QGroupBox", "QMenu",
    "QListWidgetItem", "QTableWidgetItem", "QTreeWidgetItem", "QMessageBox", "information", "warning",
    "critical", "question", "about", "getText", "getItem", "getInt", "getDouble", "getMultiLineText",
    "getOpenFileName", "getSaveFileName", "getExistingDirectory", "TextItem", "addLegend",
    # the app's own plot classes: (title, x label, y label, …)
    "CurvePlot", "HistogramPlot", "LearningCurvePlot", "BarPlot", "GroupedBarPlot", "LabelledScatter",
    "HBarPlot", "HeatmapPlot", "ParetoPlot", "LatentScatter", "BeeswarmPlot", "WaterfallPlot", "ListBox",
    "StatCard",
}
#: QMessageBox's static functions (log.warning is not one of them).
MESSAGE_BOX = {"information", "warning", "critical", "question", "about"}
TRANSLATING = {"tr", "translate", "QT_TRANSLATE_NOOP", "QT_TR_NOOP", "_", "N_", "ngettext"}
#: Literal texts that stay as they are in every language (brand, file formats, key names).
KEEP = {"RecScope", "PNG", "SVG", "CSV", "JSON", "HTML", "NDCG", "MAP", "MRR", "AUC", "F1", "SHAP", "PCA",
        "t-SNE", "UCB1", "LinUCB", "EASE", "BPR", "iALS", "SASRec", "ItemKNN", "TwoTower", "bfloat16"}
#: Engine modules whose display text speaks the interface language (their title=, note= … are checked).
ENGINE_DISPLAY = ("engine/data/dataset.py", "engine/data/headers.py", "engine/data/inference.py",
                  "engine/data/load_filters.py", "engine/diagnostics/curves.py", "engine/evaluate/significance.py",
                  "engine/explain", "engine/lists/inspector.py", "engine/rerank/rerankers.py")
ENGINE_DISPLAY_ARGS = {"title", "note", "caveat", "sentence", "why", "reason", "label", "message", "summary"}
PLACEHOLDER = re.compile(r"\{[^{}]*\}|%n|%\d")


@dataclass(frozen=True)
class Finding:
    where: str
    what: str

    def __str__(self) -> str:
        return f"{self.where}: {self.what}"


# ---- source scans ------------------------------------------------------------------------------------------
def _call_name(call: ast.Call) -> str:
    f = call.func
    return f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else ""


def _owner(call: ast.Call) -> str:
    """"QMessageBox" for QMessageBox.warning(…), "" for a plain function call."""
    f = call.func
    return f.value.id if isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name) else ""


def prose(text: str) -> bool:
    """Whether ``text`` holds words a user reads (not a key, a number format, a colour, markup or CSS)."""
    if ";" in text and ":" in text and "{" in text:
        return False                                                  # style sheets
    text = re.sub(r"<[^>]*>|\{[^{}]*\}|&[a-z]+;", " ", text).strip()
    if text in KEEP or not re.search(r"[^\W\d_]{2}", text):
        return False
    if re.fullmatch(r"[a-z0-9_@./:+\-]+", text) or re.fullmatch(r"#[0-9a-fA-F]{3,8}", text):
        return False          # keys, paths, metric names, colours
    return not (re.fullmatch(r"(Ctrl|Alt|Shift|Meta)\+.*", text) or re.fullmatch(r"\*?\.\w+", text))


def _literal_text(node: ast.AST) -> str | None:
    """The text of a string literal or an f-string's literal parts; None for anything else."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)
    return None


def _candidates(node: ast.AST):
    """Literal strings that reach a call argument directly or through a conditional or a list."""
    if isinstance(node, (ast.Constant, ast.JoinedStr)):
        yield node
    elif isinstance(node, ast.IfExp):
        yield from _candidates(node.body)
        yield from _candidates(node.orelse)
    elif isinstance(node, (ast.List, ast.Tuple)):
        for elt in node.elts:
            yield from _candidates(elt)
    elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        yield from _candidates(node.left)
        yield from _candidates(node.right)


def _mark_parents(tree: ast.AST) -> None:
    for node in ast.walk(tree):
        for child in ast.iter_child_nodes(node):
            child.parent = node


def _inside_translation(node: ast.AST) -> bool:
    while hasattr(node, "parent"):
        node = node.parent
        if isinstance(node, ast.Call) and _call_name(node) in TRANSLATING:
            return True
    return False


def scan_desktop_file(path: Path, rel: str) -> list[Finding]:
    """Untranslated user text and f-strings inside translation calls of one desktop module."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    _mark_parents(tree)
    out: list[Finding] = []
    whole_file = path.name in ("report.py", "glossary.py")      # every literal with words is shown
    docstrings = {id(n.body[0].value) for n in ast.walk(tree)
                  if isinstance(n, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
                  and n.body and isinstance(n.body[0], ast.Expr) and isinstance(n.body[0].value, ast.Constant)}
    seen: set[int] = set()

    def flag(node: ast.AST, why: str) -> None:
        text = _literal_text(node)
        if id(node) in seen or id(node) in docstrings or text is None or not prose(text) or _inside_translation(node):
            return
        seen.add(id(node))
        out.append(Finding(f"{rel}:{node.lineno}", f"{why}: {text[:70]!r}"))

    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = _call_name(node)
        if name in TRANSLATING:
            for arg in node.args:
                if isinstance(arg, ast.JoinedStr):
                    out.append(Finding(f"{rel}:{node.lineno}", "f-string inside a translation call (formatted "
                                       "before the look-up: use tr('… {n} …').format(n=…))"))
        elif name in QT_TEXT_CALLS and (name not in MESSAGE_BOX or _owner(node) == "QMessageBox"):
            for arg in list(node.args) + [k.value for k in node.keywords if k.arg in ("text", "title", "name")]:
                for lit in _candidates(arg):
                    flag(lit, f"not translated ({name})")
    if whole_file:
        skip_calls = {"debug", "info", "warning", "error", "exception", "getattr", "get", "startswith", "save",
                      "setdefault", "join", "escape", "b64encode", "decode", "encode"}
        for node in ast.walk(tree):
            if not isinstance(node, (ast.Constant, ast.JoinedStr)) or isinstance(getattr(node, "parent", None),
                                                                                 (ast.JoinedStr, ast.FormattedValue)):
                continue
            parent = getattr(node, "parent", None)
            if isinstance(parent, ast.Call) and _call_name(parent) in skip_calls:
                continue
            if isinstance(parent, (ast.Compare, ast.Subscript)) or (isinstance(parent, ast.Dict) and node in parent.keys):
                continue
            if isinstance(parent, ast.Tuple) and path.name == "glossary.py" and parent.elts and node is parent.elts[0]:
                continue      # the group key of a glossary entry
            if " " in (_literal_text(node) or "").strip():      # a phrase, not a key or a name
                flag(node, "not translated")
    return out


def scan_desktop(root: Path = ROOT / "desktop", base: Path = ROOT) -> list[Finding]:
    out: list[Finding] = []
    for path in sorted(root.rglob("*.py")):
        if path.name in ("selftest.py", "cli.py", "app.py"):      # terminal output: English by design
            continue
        out += scan_desktop_file(path, str(path.relative_to(base)))
    return out


def _engine_files(root: Path) -> list[Path]:
    return sorted(p for p in (root / "engine").rglob("*.py") if "locale" not in p.parts)


def engine_messages(root: Path = ROOT) -> tuple[dict[str, str], list[Finding]]:
    """{msgid: "file:line"} of every ``_``/``N_``/``ngettext`` literal in the engine, and f-strings found
    inside them."""
    messages: dict[str, str] = {}
    bad: list[Finding] = []
    for path in _engine_files(root):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        rel = str(path.relative_to(root))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and _call_name(node) in ("_", "N_", "ngettext") and node.args:
                for arg in node.args[:2 if _call_name(node) == "ngettext" else 1]:
                    if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                        messages.setdefault(arg.value, f"{rel}:{node.lineno}")
                    elif isinstance(arg, ast.JoinedStr):
                        bad.append(Finding(f"{rel}:{node.lineno}", "f-string inside _() (never found in the catalog)"))
    return messages, bad


def scan_shadowed_gettext(root: Path = ROOT) -> list[Finding]:
    """Functions that call ``_(…)`` and also bind ``_`` (``a, _ = f()``, ``for _ in``): there ``_`` is
    the bound value, not gettext, and the call fails at run time."""
    out: list[Finding] = []
    for path in _engine_files(root):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for fn in ast.walk(tree):
            if not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                continue
            body = list(ast.walk(fn))
            binds = [n for n in body if isinstance(n, ast.Name) and n.id == "_" and isinstance(n.ctx, ast.Store)]
            calls = [n for n in body if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == "_"]
            if binds and calls:
                out.append(Finding(f"{path.relative_to(root)}:{binds[0].lineno}",
                                   "binds '_' in a function that calls _() (gettext): rename the variable"))
    return out


def scan_engine_display(root: Path = ROOT) -> list[Finding]:
    """Plain text given to the display arguments (title=, note= …) in the engine modules that speak the
    interface language."""
    out: list[Finding] = []
    for entry in ENGINE_DISPLAY:
        target = root / entry
        for path in sorted(target.rglob("*.py")) if target.is_dir() else [target]:
            tree = ast.parse(path.read_text(encoding="utf-8"))
            _mark_parents(tree)
            for node in ast.walk(tree):
                if isinstance(node, ast.keyword) and node.arg in ENGINE_DISPLAY_ARGS:
                    for lit in _candidates(node.value):
                        text = _literal_text(lit)
                        if text and prose(text) and not _inside_translation(lit) and " " in text.strip():
                            out.append(Finding(f"{path.relative_to(root)}:{lit.lineno}",
                                               f"engine display text not marked with _(): {text[:70]!r}"))
    return out


# ---- catalogs ------------------------------------------------------------------------------------------------
def placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text.replace("{{", "").replace("}}", "")))


def lupdate(ts: Path, root: Path = ROOT) -> None:
    """Bring ``ts`` up to date with the wrapped strings of ``root/desktop`` (no line numbers: the file
    changes only when a message does)."""
    sources = [str(p) for p in sorted((root / "desktop").rglob("*.py"))]
    subprocess.run([str(BIN / "pyside6-lupdate"), *sources, "-ts", str(ts), "-locations", "none", "-no-obsolete",
                    "-target-language", ts.stem.split("_", 1)[1]], check=True, capture_output=True, cwd=root)


def lrelease(ts: Path, qm: Path) -> None:
    subprocess.run([str(BIN / "pyside6-lrelease"), str(ts), "-qm", str(qm)], check=True, capture_output=True)


def ts_messages(ts: Path) -> list[tuple[str, str, str | None, bool]]:
    """(context, source, translation, finished) of every message of a .ts file."""
    out = []
    for ctx in ET.parse(ts).getroot().iter("context"):
        name = ctx.findtext("name") or ""
        for msg in ctx.iter("message"):
            tr = msg.find("translation")
            forms = [f.text or "" for f in tr.iter("numerusform")] if tr is not None else []
            text = (" ".join(forms) if forms else (tr.text or "")) if tr is not None else ""
            finished = tr is not None and tr.get("type") not in ("unfinished", "vanished", "obsolete")
            out.append((name, msg.findtext("source") or "", text, finished and bool(text.strip())))
    return out


def check_ts(ts: Path, rel: str) -> list[Finding]:
    out = []
    for ctx, source, text, finished in ts_messages(ts):
        where = f"{rel} [{ctx}]"
        if not finished:
            out.append(Finding(where, f"no translation: {source[:70]!r}"))
        elif placeholders(source) != placeholders(text):
            out.append(Finding(where, f"placeholders differ: {source[:50]!r} -> {text[:50]!r}"))
    return out


def read_po(po: Path):
    from babel.messages.pofile import read_po as babel_read_po
    with po.open("rb") as f:
        return babel_read_po(f)


def compile_mo(po: Path) -> bytes:
    from babel.messages.mofile import write_mo
    buf = io.BytesIO()
    write_mo(buf, read_po(po), use_fuzzy=False)
    return buf.getvalue()


def check_po(po: Path, messages: dict[str, str], rel: str) -> list[Finding]:
    out = []
    catalog = read_po(po)
    for msgid, where in messages.items():
        entry = catalog.get(msgid)
        text = entry.string if entry is not None else ""
        text = " ".join(text) if isinstance(text, (list, tuple)) else text
        if entry is None:
            out.append(Finding(where, f"not in {rel} (run make i18n): {msgid[:70]!r}"))
        elif not text or entry.fuzzy:
            out.append(Finding(where, f"no translation in {rel}: {msgid[:70]!r}"))
        elif placeholders(msgid) != placeholders(text):
            out.append(Finding(where, f"placeholders differ in {rel}: {msgid[:50]!r} -> {text[:50]!r}"))
    return out


def update_po(po: Path, messages: dict[str, str], lang: str) -> None:
    """Add new engine messages to ``po`` (untranslated), drop the ones no code uses, keep the rest."""
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import write_po
    old = read_po(po) if po.exists() else None
    catalog = Catalog(locale=lang, domain="recscope", project="RecScope", charset="utf-8", fuzzy=False)
    for msgid in sorted(messages):
        entry = old.get(msgid) if old is not None else None
        catalog.add(msgid, entry.string if entry is not None else "")
    po.parent.mkdir(parents=True, exist_ok=True)
    with po.open("wb") as f:
        write_po(f, catalog, width=0, omit_header=False, no_location=True, sort_output=True)


# ---- commands -------------------------------------------------------------------------------------------------
def catalogs(root: Path, lang: str) -> tuple[Path, Path, Path, Path]:
    """(.ts, .qm, .po, .mo) of ``lang`` under ``root``."""
    return tuple(root / t.format(lang=lang) for t in (TS, QM, PO, MO))


def update(root: Path = ROOT) -> None:
    messages, _bad = engine_messages(root)
    for lang in LANGUAGES:
        ts, qm, po, mo = catalogs(root, lang)
        lupdate(ts, root)
        lrelease(ts, qm)
        update_po(po, messages, lang)
        mo.write_bytes(compile_mo(po))
        print(f"{lang}: {ts.relative_to(root)}, {qm.name}, {po.relative_to(root)}, {mo.name} updated")


def check(root: Path = ROOT) -> list[Finding]:
    findings = scan_desktop(root / "desktop", root)
    messages, bad = engine_messages(root)
    findings += bad + scan_shadowed_gettext(root) + scan_engine_display(root)
    for lang in LANGUAGES:
        ts, qm, po, mo = catalogs(root, lang)
        with tempfile.TemporaryDirectory() as tmp:
            fresh = Path(tmp) / ts.name
            shutil.copy(ts, fresh)
            lupdate(fresh, root)
            known = {(c, s) for c, s, _t, _f in ts_messages(ts)}
            findings += [Finding(f"{ts.relative_to(root)} [{c}]", f"not in the .ts (run make i18n): {s[:70]!r}")
                         for c, s, _t, _f in ts_messages(fresh) if (c, s) not in known]
            findings += check_ts(fresh, str(ts.relative_to(root)))
            built = Path(tmp) / qm.name
            lrelease(fresh, built)
            if not qm.exists() or built.read_bytes() != qm.read_bytes():
                findings.append(Finding(str(qm.relative_to(root)), "does not match the .ts (run make i18n)"))
        findings += check_po(po, messages, str(po.relative_to(root)))
        if not mo.exists() or compile_mo(po) != mo.read_bytes():
            findings.append(Finding(str(mo.relative_to(root)), "does not match the .po (run make i18n)"))
    return findings


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="tools/i18n.py", description=__doc__.split("\n\n")[0])
    p.add_argument("command", choices=("update", "check"))
    p.add_argument("--root", type=Path, default=ROOT, help="project folder to scan (tests use a fixture)")
    args = p.parse_args(argv)
    if args.command == "update":
        update(args.root)
        return 0
    findings = check(args.root)
    for f in findings:
        print(f)
    if findings:
        print(f"i18n-check: {len(findings)} problem(s): user-visible text without a translation, or a catalog out of date "
              "(wrap them, run make i18n, translate the .ts/.po)", file=sys.stderr)
        return 1
    print("i18n-check: every user-visible string has a translation")
    return 0


if __name__ == "__main__":
    sys.exit(main())
