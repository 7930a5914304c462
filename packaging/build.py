"""Build the RecScope desktop bundle: clean PyInstaller build -> frozen self-test -> archives.

    python packaging/build.py [--skip-build] [--no-deb] [--out dist]

Linux output in ``dist/``: ``RecScope/`` (one-folder bundle) and, compressed once and shipped twice,
``recscope-<v>-linux-x86_64.tar.xz`` (the installed tree: ``./opt/recscope/`` + ``./usr/bin/recscope``
+ menu entry + icon) and ``recscope_<v>_amd64.deb`` (that file as its data.tar.xz). Exits non-zero
when the build, the self-test or the size limit (350 MB) fails. Windows and macOS: see README.md.

The spec (``recscope.spec``) imports this file for the module list, the trimming rules and the
licence collection, so ``pyinstaller packaging/recscope.spec`` alone builds the same bundle.
"""

from __future__ import annotations

import argparse
import ast
import importlib.metadata as md
import os
import plistlib
import re
import shutil
import subprocess
import sys
import time
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PACKAGING = REPO / "packaging"
sys.path.insert(0, str(PACKAGING))
from isolation import available, findings, isolated  # noqa: E402
VERSION = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
APP = "RecScope"
MAX_ARCHIVE_MB = 350
SELFTEST_TIMEOUT_S = 1200

# ---- what goes in (TOOLCHAIN.md §5, measured) -----------------------------------------------------
#: Never needed at run time; dropping them is verified by the frozen self-test.
EXCLUDES = [
    "tkinter", "_tkinter", "matplotlib", "IPython", "pytest", "_pytest", "pygments", "hypothesis",
    "pytestqt", "torch.utils.tensorboard", "tensorboard", "pyqtgraph.opengl", "pyqtgraph.examples",
    "pyarrow.flight", "pyarrow._flight", "pyarrow._s3fs", "pyarrow._gcsfs", "pyarrow._azurefs",
    "pyarrow._hdfs", "pyarrow.orc", "pyarrow._orc", "pyarrow._dataset_orc",
    "pyarrow._pyarrow_cpp_tests", "pyarrow.tests", "pandas.tests", "scipy.tests", "sklearn.tests",
    "numpy.tests", "PySide6.QtNetwork", "PySide6.QtQml", "PySide6.QtQuick", "PySide6.QtQuickWidgets",
    "PyInstaller",
]
#: Bundle paths (fnmatch on the destination) removed after the analysis.
DROP = [
    "torch/bin/*", "torch/test/*", "torch/include/*", "torch/share/*",
    "torch/lib/libjitbackend_test.so", "torch/lib/libtorchbind_test.so",
    "torch/lib/libbackend_with_compiler.so", "torch/lib/libaoti_custom_ops.so",
    "pyarrow/libarrow_flight.so*", "pyarrow/libarrow_python_flight.so*", "pyarrow/libarrow_s3.so*",
    "pyarrow/include/*", "pyarrow/src/*", "pyarrow/tests/*", "PySide6/Qt/translations/*",
    "PySide6/Qt/lib/libQt6Wayland*", "PySide6/Qt/lib/libQt6WlShell*", "PySide6/Qt/lib/libQt6EglFs*",
    "PySide6/Qt/lib/libQt6EglFSDeviceIntegration*", "PySide6/Qt/plugins/platforms/libqwayland*",
    "PySide6/Qt/plugins/platforms/libqeglfs.so", "PySide6/Qt/plugins/platforms/libqminimalegl.so",
    "PySide6/Qt/plugins/platforms/libqvnc.so", "PySide6/Qt/plugins/platforms/libqlinuxfb.so",
    "PySide6/Qt/plugins/platforms/libqvkkhrdisplay.so", "PySide6/Qt/plugins/wayland*",
    "PySide6/Qt/plugins/egldeviceintegrations/*", "PySide6/Qt/plugins/platformthemes/libqgtk3.so",
]
#: Exceptions to DROP: ``import torch`` fails without torch_shm_manager; the Chinese interface wants Qt's own
#: translations of standard buttons.
KEEP = ["torch/bin/torch_shm_manager",
        "PySide6/Qt/translations/qtbase_zh_CN.qm"]   # standard buttons and dialogs in Chinese
#: Linux only, after the build: ``strip --strip-unneeded`` is safe on these (never on numpy/scipy
#: libs: their openblas breaks).
STRIP_GLOBS = ["torch/lib/*.so*", "llvmlite/binding/libllvmlite.so", "pyarrow/*.so*"]
#: Loaded by name at run time (sentence-transformers module types, the BERT architecture, peft's tuners).
THIRD_PARTY_SUBMODULES = ["sentence_transformers", "transformers.models.bert", "peft"]
#: Not used at run time (checked by importing the stack): hf_xet is the hub's download backend,
#: sqlalchemy/alembic serve optuna's database storage (RecScope tunes in memory).
EXCLUDES += ["hf_xet", "sqlalchemy", "alembic"]
#: Runs the text encoder once and lists the ``transformers.models.<arch>`` packages it imported;
#: the ~400 other architectures (17 MB of bytecode + 49 MB of sources) are excluded.
ENCODER_PROBE = ("import sys; from engine.text.encoder import embed_texts; embed_texts(['probe text']); "
                 "print('\\n'.join(sorted({'.'.join(m.split('.')[:3]) for m in sys.modules "
                 "if m.startswith('transformers.models.')})))")

#: Distributions whose licence is not (only) in their metadata, and the notice that covers them.
EXTRA_NOTICES = ["README-bundle.txt", "Qt-PySide6-NOTICE.md", "LGPL-3.0.txt", "GPL-3.0.txt", "all-MiniLM-L6-v2-NOTICE.md",
                 "Apache-2.0.txt"]
LICENSE_FILE = re.compile(r"(^|/)(LICEN[CS]E|COPYING|NOTICE|AUTHORS)[^/]*$", re.IGNORECASE)


# ---- module lists (the registries import by name, which PyInstaller cannot see) --------------------
def source_modules(package: str) -> list[str]:
    """Every module of a first-party package from its files (nothing is imported)."""
    root = REPO / package
    names = []
    for path in sorted(root.rglob("*.py")):
        if "__pycache__" in path.parts:
            continue
        parts = list(path.relative_to(REPO).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        names.append(".".join(parts))
    return names


def registry_modules() -> list[str]:
    """Module names listed in module-level ``*_MODULES`` tuples/lists anywhere in engine/ and desktop/."""
    names = []
    for package in ("engine", "desktop"):
        for path in sorted((REPO / package).rglob("*.py")):
            try:
                tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
            except SyntaxError:
                continue  # the analysis reports it; the self-test fails on it
            for node in tree.body:
                target = node.targets[0] if isinstance(node, ast.Assign) and len(node.targets) == 1 else \
                    node.target if isinstance(node, ast.AnnAssign) else None
                if (isinstance(target, ast.Name) and target.id.endswith("_MODULES")
                        and isinstance(node.value, (ast.Tuple, ast.List))):
                    names += [e.value for e in node.value.elts
                              if isinstance(e, ast.Constant) and isinstance(e.value, str)]
    return names


def first_party_modules() -> list[str]:
    """engine + desktop in full plus every name the registries list."""
    return sorted(set(source_modules("engine") + source_modules("desktop") + registry_modules()))


def unused_transformers_models() -> list[str]:
    """``transformers.models.<arch>`` packages the offline text encoder does not import."""
    import transformers
    env = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
    env.pop("RECSCOPE_CACHE_DIR", None)
    out = subprocess.run([sys.executable, "-c", ENCODER_PROBE], cwd=REPO, env=env, capture_output=True,
                         text=True, check=True).stdout
    used = {line.strip() for line in out.splitlines() if line.startswith("transformers.models.")}
    if "transformers.models.bert" not in used:
        raise RuntimeError(f"text encoder probe did not load BERT; it printed: {out[-500:]}")
    models = Path(transformers.__file__).parent / "models"
    return sorted(f"transformers.models.{d.name}" for d in models.iterdir()
                  if (d / "__init__.py").is_file() and f"transformers.models.{d.name}" not in used)


def hidden_imports() -> list[str]:
    """``first_party_modules()`` and the third-party modules loaded by name."""
    from PyInstaller.utils.hooks import collect_submodules
    names = set(first_party_modules())
    for package in THIRD_PARTY_SUBMODULES:
        names.update(collect_submodules(package, on_error="warn once"))
    return sorted(names)


# ---- licences --------------------------------------------------------------------------------------
def _dist_name(d: md.Distribution) -> str:
    return d.metadata["Name"]


def _canon(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def bundled_distributions(root: str = "recscope") -> list[md.Distribution]:
    """``root`` and everything it requires at run time (markers evaluated, extras left out),
    plus PyInstaller (its bootloader is in the bundle)."""
    from packaging.requirements import Requirement
    seen: dict[str, md.Distribution] = {}
    todo = [root]
    while todo:
        name = _canon(todo.pop())
        if name in seen:
            continue
        try:
            dist = md.distribution(name)
        except md.PackageNotFoundError:
            continue
        seen[name] = dist
        for text in dist.requires or []:
            req = Requirement(text)
            if req.marker is None or req.marker.evaluate({"extra": ""}):
                todo.append(req.name)
    seen.pop("recscope", None)
    seen["pyinstaller"] = md.distribution("pyinstaller")  # its bootloader only, not its build deps
    return sorted(seen.values(), key=lambda d: _canon(_dist_name(d)))


def _licence_label(dist: md.Distribution) -> str:
    meta = dist.metadata
    label = meta.get("License-Expression") or ""
    if not label:
        text = (meta.get("License") or "").strip()
        label = text if text and "\n" not in text and len(text) < 120 else ""
    if not label:
        label = "; ".join(c.split(" :: ")[-1] for c in meta.get_all("Classifier") or []
                          if c.startswith("License ::"))
    return label or "see files"


def collect_licenses(dest: Path) -> Path:
    """Write the licence texts of every bundled distribution, Python's, the hand-kept notices
    (Qt/PySide6 LGPL, the MiniLM weights, the demo data) and an index to ``dest``; return it."""
    dest = Path(dest)
    shutil.rmtree(dest, ignore_errors=True)
    dest.mkdir(parents=True)
    lines = [f"RecScope {VERSION}: third-party software and data in this bundle", "",
             "Each distribution's own licence files are in the folder named after it.", ""]
    for dist in bundled_distributions():
        name, version = _dist_name(dist), dist.version
        folder = dest / _canon(name)
        copied = []
        for f in dist.files or []:
            rel = str(f).replace("\\", "/")
            if rel.endswith((".py", ".pyc", ".pyi")) or not LICENSE_FILE.search(rel):
                continue
            src = Path(dist.locate_file(f))
            if not src.is_file():
                continue
            sub = rel.split(".dist-info/", 1)[1] if ".dist-info/" in rel else rel
            out = folder / sub
            out.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, out)
            copied.append(sub)
        text = (dist.metadata.get("License") or "").strip()
        if not copied and len(text) > 200:  # old-style metadata carrying the full text
            folder.mkdir(parents=True, exist_ok=True)
            (folder / "LICENSE-from-metadata.txt").write_text(text + "\n", encoding="utf-8")
            copied.append("LICENSE-from-metadata.txt")
        note = ", ".join(copied[:3]) + (f" (+{len(copied) - 3} more)" if len(copied) > 3 else "")
        if not copied:
            note = {"pyside6-essentials": "see Qt-PySide6-NOTICE.md, LGPL-3.0.txt, GPL-3.0.txt",
                    "shiboken6": "see Qt-PySide6-NOTICE.md, LGPL-3.0.txt, GPL-3.0.txt",
                    "tokenizers": "Apache-2.0 per its metadata: see Apache-2.0.txt"}.get(
                _canon(name), "no licence file in the distribution; licence per its metadata")
        lines.append(f"{name} {version} — {_licence_label(dist)} — {note}")
    python_licence = Path(sys.base_prefix) / "lib" / f"python{sys.version_info.major}.{sys.version_info.minor}" / "LICENSE.txt"
    if not python_licence.is_file():
        python_licence = Path(sys.base_prefix) / "LICENSE.txt"  # Windows layout
    if python_licence.is_file():
        (dest / "python").mkdir()
        shutil.copyfile(python_licence, dest / "python" / "LICENSE.txt")
        lines.append(f"Python {sys.version.split()[0]} — PSF-2.0 — python/LICENSE.txt")
    lines += ["", "Notices kept with the RecScope sources (packaging/licenses):"]
    for notice in EXTRA_NOTICES:
        shutil.copyfile(PACKAGING / "licenses" / notice, dest / notice)
        lines.append(f"  {notice}")
    shutil.copyfile(REPO / "resources" / "demo" / "ATTRIBUTION.md", dest / "demo-data-ATTRIBUTION.md")
    lines.append("  demo-data-ATTRIBUTION.md (Online Retail subset, CC BY 4.0)")
    (dest / "THIRD-PARTY-NOTICES.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return dest


def render_icon(folder: Path, platform: str = sys.platform) -> Path | None:
    """Windows .ico (256 px) / macOS .icns (1024 px) rendered from resources/icons/recscope.svg
    with Qt's image writers; None on Linux (the .desktop entry uses the SVG)."""
    suffix, size = {"win32": (".ico", 256), "darwin": (".icns", 1024)}.get(platform, (None, 0))
    if suffix is None:
        return None
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    QSvgRenderer(str(REPO / "resources" / "icons" / "recscope.svg")).render(painter)
    painter.end()
    folder.mkdir(parents=True, exist_ok=True)
    out = folder / f"recscope{suffix}"
    if not image.save(str(out)):
        raise RuntimeError(f"could not write {out}")
    return out


def mac_info_plist() -> dict:
    """Extra Info.plist keys for the macOS .app (packaging/macos/Info.plist)."""
    with open(PACKAGING / "macos" / "Info.plist", "rb") as f:
        keys = plistlib.load(f)
    keys["CFBundleShortVersionString"] = keys["CFBundleVersion"] = VERSION
    return keys


# ---- steps -------------------------------------------------------------------------------------------
def say(msg: str) -> None:
    print(f"[build] {msg}", flush=True)


def du_mb(path: Path) -> float:
    if path.is_file():
        return path.stat().st_size / 2**20
    return sum(p.lstat().st_size for p in path.rglob("*") if not p.is_symlink() and p.is_file()) / 2**20


def run_pyinstaller(dist: Path, work: Path) -> Path:
    shutil.rmtree(work, ignore_errors=True)
    shutil.rmtree(dist / APP, ignore_errors=True)
    shutil.rmtree(bundle_path(dist), ignore_errors=True)
    cmd = [sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean", "--log-level", "WARN",
           "--distpath", str(dist), "--workpath", str(work), str(PACKAGING / "recscope.spec")]
    say("pyinstaller: " + " ".join(cmd[2:]))
    subprocess.run(cmd, check=True, cwd=REPO)
    return bundle_path(dist)


def strip_libraries(bundle: Path) -> None:
    """Linux: strip debug symbols from the libraries TOOLCHAIN §5 found safe to strip."""
    if not sys.platform.startswith("linux") or not shutil.which("strip"):
        return
    internal = bundle / "_internal"
    files = sorted({p for g in STRIP_GLOBS for p in internal.glob(g) if p.is_file() and not p.is_symlink()})
    before = sum(p.stat().st_size for p in files)
    subprocess.run(["strip", "--strip-unneeded", *map(str, files)], check=True)
    after = sum(p.stat().st_size for p in files)
    say(f"stripped {len(files)} libraries: {before / 2**20:.0f} -> {after / 2**20:.0f} MiB")


def cache_bytecode(bundle: Path) -> int:
    """Move each ``X.pyc`` that sits next to its ``X.py`` into ``__pycache__/X.<tag>.pyc``.

    With ``noarchive=True`` the hooks that keep sources (torch, transformers: TorchScript and
    ``inspect`` read them) leave ``X.py`` and ``X.pyc`` side by side; the import system then picks
    ``X.py`` and, as a frozen app never writes bytecode, compiles ~2,600 modules at every start
    (+1.1 s measured). In ``__pycache__`` the same bytecode is used. The header is set to
    "unchecked hash" (PEP 552) so the source's timestamp is never compared. Returns the count.
    """
    tag = sys.implementation.cache_tag
    moved = 0
    for folder, _dirs, files in os.walk(bundle, followlinks=False):
        names = set(files)
        for name in files:
            if not name.endswith(".py") or name[:-3] + ".pyc" not in names:
                continue
            pyc = Path(folder) / (name[:-3] + ".pyc")
            data = bytearray(pyc.read_bytes())
            data[4:16] = (1).to_bytes(4, "little") + bytes(8)  # flags: hash-based, unchecked
            cache = Path(folder) / "__pycache__"
            cache.mkdir(exist_ok=True)
            (cache / f"{name[:-3]}.{tag}.pyc").write_bytes(bytes(data))
            pyc.unlink()
            moved += 1
    return moved


def bundle_path(dist: Path) -> Path:
    return dist / (APP + ".app" if sys.platform == "darwin" else APP)


def executable(bundle: Path) -> Path:
    if sys.platform == "darwin":
        return bundle / "Contents" / "MacOS" / APP
    return bundle / (APP + ".exe" if sys.platform == "win32" else APP)


def self_test(bundle: Path, out: Path, isolate: bool = True) -> None:
    """Run the frozen app's ``--self-test`` offscreen with throw-away HOME/config/log folders.

    On Linux with ``unshare`` and ``strace`` (``isolate``) it runs with no network at all and
    every file write is traced: the build fails when the app wrote anywhere but ``out``, its own
    folders under the scratch HOME (settings, log, cache) and the temp folder (``TMPDIR``, which
    must be empty again at exit), or tried an internet connection.
    """
    shutil.rmtree(out, ignore_errors=True)
    scratch = out.parent / "selftest-home"
    shutil.rmtree(scratch, ignore_errors=True)
    (scratch / "run").mkdir(parents=True, mode=0o700)
    (scratch / "tmp").mkdir()
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", HOME=str(scratch),
               XDG_CONFIG_HOME=str(scratch / ".config"), XDG_CACHE_HOME=str(scratch / ".cache"),
               XDG_DATA_HOME=str(scratch / ".local" / "share"), XDG_RUNTIME_DIR=str(scratch / "run"),
               TMPDIR=str(scratch / "tmp"), HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
    env.pop("RECSCOPE_LOG_DIR", None)
    env.pop("RECSCOPE_CACHE_DIR", None)
    cmd = [str(executable(bundle)), "--self-test", str(out)]
    trace = out.parent / "selftest-trace" / "strace"
    isolate = isolate and sys.platform.startswith("linux") and available()
    if isolate:
        shutil.rmtree(trace.parent, ignore_errors=True)
        trace.parent.mkdir(parents=True)
        cmd = isolated(cmd, trace)
    say(f"self-test: {' '.join(cmd)}")
    t0 = time.perf_counter()
    rc = subprocess.run(cmd, env=env, cwd=scratch, timeout=SELFTEST_TIMEOUT_S).returncode
    if sys.platform == "win32" and (out / "selftest.txt").is_file():  # windowed exe: no stdout
        print((out / "selftest.txt").read_text(encoding="utf-8"), flush=True)
    if rc != 0:
        raise SystemExit(f"[build] self-test FAILED (exit {rc}); see the step lines above")
    say(f"self-test passed in {time.perf_counter() - t0:.1f} s; screenshots in {out}")
    if isolate:
        own = [out, scratch / "run", scratch / "tmp", scratch / ".config" / APP, scratch / ".local" / "share" / APP,
               scratch / ".cache" / "recscope"]
        outside, inet = findings(trace, own, scratch)
        left = sorted(str(p) for p in (scratch / "tmp").rglob("*"))
        if outside or inet or left:
            raise SystemExit("[build] the self-test wrote outside its folders, left temporary files or went "
                             "online:\n  " + "\n  ".join(outside + [f"left {p}" for p in left]
                                                          + [f"connect {a}" for a in inet]))
        say(f"isolation: own network namespace, {len(list(trace.parent.iterdir()))} processes traced; wrote "
            f"only {out.name}/, ~/.config/{APP}, ~/.local/share/{APP}, ~/.cache/recscope and temporary "
            "files it removed")


def xz_command(preset: int = 6) -> list[str]:
    return ["xz", "-T0", "--x86", f"--lzma2=preset={preset}"]


def _link_or_copy(src: str, dst: str) -> None:
    try:
        os.link(src, dst)  # same file system: no copy of ~1.3 GB
    except OSError:
        shutil.copy2(src, dst)


def linux_tree(bundle: Path, root: Path) -> Path:
    """The installed file tree: /opt/recscope (the bundle), /usr/bin/recscope, menu entry, icon, copyright."""
    shutil.rmtree(root, ignore_errors=True)
    opt = root / "opt" / "recscope"
    opt.parent.mkdir(parents=True)
    shutil.copytree(bundle, opt, symlinks=True, copy_function=_link_or_copy)
    for folder, name, source in [
            ("usr/share/applications", "recscope.desktop", PACKAGING / "linux" / "recscope.desktop"),
            ("usr/share/icons/hicolor/scalable/apps", "recscope.svg", REPO / "resources" / "icons" / "recscope.svg")]:
        (root / folder).mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, root / folder / name)
    (root / "usr" / "bin").mkdir(parents=True)
    (root / "usr" / "bin" / "recscope").symlink_to("/opt/recscope/RecScope")
    doc = root / "usr" / "share" / "doc" / "recscope"
    doc.mkdir(parents=True)
    (doc / "copyright").write_text(
        "RecScope: the licences of everything bundled are in /opt/recscope/_internal/licenses/\n"
        "(start with THIRD-PARTY-NOTICES.txt).\n", encoding="utf-8")
    for path in [root, *root.rglob("*")]:  # dpkg wants sane modes whatever the umask was
        if path.is_dir() and not path.is_symlink():
            path.chmod(0o755)
    return root


def _tar_xz(folder: Path, out: Path, xz: list[str]) -> None:
    """``tar`` of ``folder``'s content (``./...``, root-owned, sorted) piped through ``xz``."""
    with open(out, "wb") as f:
        tar = subprocess.Popen(["tar", "--owner=0", "--group=0", "--numeric-owner", "--sort=name",
                                "-C", str(folder), "-cf", "-", "."], stdout=subprocess.PIPE)
        xz_proc = subprocess.run(xz + ["-c"], stdin=tar.stdout, stdout=f)
        tar.stdout.close()
        if tar.wait() != 0 or xz_proc.returncode != 0:
            raise SystemExit(f"[build] writing {out.name} failed")


def _ar(out: Path, members: list[tuple[str, Path | bytes]]) -> None:
    """A System V ``ar`` archive (the .deb container), members in the given order."""
    with open(out, "wb") as f:
        f.write(b"!<arch>\n")
        for name, data in members:
            size = len(data) if isinstance(data, bytes) else data.stat().st_size
            f.write(f"{name:<16}{0:<12}{0:<6}{0:<6}{0o100644:<8o}{size:<10}`\n".encode("ascii"))
            if isinstance(data, bytes):
                f.write(data)
            else:
                with open(data, "rb") as src:
                    shutil.copyfileobj(src, f, 1 << 20)
            if size % 2:
                f.write(b"\n")


def linux_archives(bundle: Path, dist: Path, work: Path, deb: bool = True, xz_preset: int = 6) -> list[Path]:
    """Compress the installed tree once; ship it twice:

    - ``recscope-<v>-linux-x86_64.tar.xz``: that tree (``./opt/recscope/…``, ``./usr/…``) —
      ``sudo tar -C / --no-overwrite-dir -xJf`` installs exactly what the .deb installs;
    - ``recscope_<v>_amd64.deb``: the same file as its ``data.tar.xz`` + a control member
      (checked with ``dpkg-deb --info`` when dpkg-deb exists).
    """
    root = linux_tree(bundle, work / "pkgroot")
    tarball = dist / f"recscope-{VERSION}-linux-x86_64.tar.xz"
    xz = xz_command(xz_preset)
    say(f"writing {tarball.name} ({' '.join(xz)})")
    _tar_xz(root, tarball, xz)
    out = [tarball]
    if deb:
        control_dir = work / "debian-control"
        shutil.rmtree(control_dir, ignore_errors=True)
        control_dir.mkdir(parents=True)
        installed_kib = int(sum(p.lstat().st_size for p in root.rglob("*")) / 1024)
        template = (PACKAGING / "linux" / "control.in").read_text(encoding="utf-8")
        (control_dir / "control").write_text(template.format(version=VERSION, installed_size=installed_kib),
                                             encoding="utf-8")
        control = work / "control.tar.xz"
        _tar_xz(control_dir, control, ["xz", "-6"])
        package = dist / f"recscope_{VERSION}_amd64.deb"
        say(f"writing {package.name} (data.tar.xz = {tarball.name})")
        _ar(package, [("debian-binary", b"2.0\n"), ("control.tar.xz", control), ("data.tar.xz", tarball)])
        if shutil.which("dpkg-deb"):
            info = subprocess.run(["dpkg-deb", "--info", str(package)], capture_output=True, text=True)
            if info.returncode != 0 or "Package: recscope" not in info.stdout:
                raise SystemExit(f"[build] dpkg-deb rejects {package.name}: {info.stderr.strip()}")
        out.append(package)
    shutil.rmtree(root)
    return out


def windows_installer(dist: Path, work: Path) -> Path | None:
    """Inno Setup installer (Windows, when ISCC.exe is on PATH)."""
    iscc = shutil.which("ISCC") or shutil.which("iscc")
    if not iscc:
        say("ISCC.exe (Inno Setup 6) not on PATH: no installer; see packaging/README.md")
        return None
    icon = render_icon(work / "icons", "win32")
    subprocess.run([iscc, f"/DAppVersion={VERSION}", f"/DIconFile={icon}",
                    str(PACKAGING / "windows" / "recscope.iss")], check=True)
    return dist / f"recscope-{VERSION}-windows-x64-setup.exe"


def mac_dmg(bundle: Path, dist: Path) -> Path:
    """Sign (when CODESIGN_IDENTITY is set), package and notarize (when NOTARY_PROFILE is set) the .app."""
    subprocess.run(["bash", str(PACKAGING / "macos" / "build-dmg.sh"), str(bundle), VERSION, str(dist)],
                   check=True)
    return next(dist.glob(f"RecScope-{VERSION}-macos-*.dmg"))


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", default=str(REPO / "dist"), help="output folder (default: dist/)")
    p.add_argument("--work", default=str(REPO / "build"), help="scratch folder (default: build/)")
    p.add_argument("--skip-build", action="store_true", help="reuse the bundle already in --out")
    p.add_argument("--no-deb", action="store_true", help="do not build the .deb")
    p.add_argument("--xz-preset", type=int, choices=range(10), default=6,
                   help="xz preset of the Linux archives (default 6; 9: ~2%% smaller, ~60%% slower)")
    p.add_argument("--no-archives", action="store_true",
                   help="stop after the self-test (CI: the archives take ~6 min of xz on 2 cores)")
    args = p.parse_args(argv)
    dist, work = Path(args.out).resolve(), Path(args.work).resolve()
    t0 = time.perf_counter()
    if args.skip_build:
        bundle = bundle_path(dist)
        if not executable(bundle).exists():
            raise SystemExit(f"[build] --skip-build: no bundle at {bundle}")
    else:
        bundle = run_pyinstaller(dist, work / "pyinstaller")
        strip_libraries(bundle)
        say(f"moved {cache_bytecode(bundle)} .pyc files next to their sources into __pycache__")
        say(f"bundle built in {time.perf_counter() - t0:.0f} s")
    self_test(bundle, work / "selftest")
    sizes = {f"{bundle.name}/ (folder)": du_mb(bundle)}
    archives = []
    if args.no_archives:
        pass
    elif sys.platform.startswith("linux"):
        archives += linux_archives(bundle, dist, work, deb=not args.no_deb, xz_preset=args.xz_preset)
    elif sys.platform == "win32":
        archives += [a for a in [windows_installer(dist, work)] if a is not None]
    elif sys.platform == "darwin":
        archives.append(mac_dmg(bundle, dist))
    sizes.update({a.name: du_mb(a) for a in archives})
    for name, mb in sizes.items():
        say(f"size {name}: {mb:,.0f} MiB ({mb * 2**20 / 1e6:,.0f} MB)")
    say(f"done in {time.perf_counter() - t0:.0f} s")
    too_big = [a for a in archives if a.name.endswith(".tar.xz") and a.stat().st_size > MAX_ARCHIVE_MB * 1e6]
    if too_big:
        say(f"FAILED: {too_big[0].name} is over {MAX_ARCHIVE_MB} MB")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
