"""Application entry: QApplication, log file, global exception hook, settings, main window.

``python -m desktop [PATH] [--screenshot OUT.png] [--size WxH] [--lang zh_CN]``; PATH defaults to
the bundled demo data; the language defaults to the one chosen in the menu, else the system's.
"""

from __future__ import annotations

import argparse
import logging
import logging.handlers
import os
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QSettings, QTimer

from desktop.i18n import LANGUAGES, chosen_language, install, normalise
from desktop.paths import DEMO_DATA, resource_path
from desktop.startup import ExceptionHook, create_app, setup_logging, warm_engine

log = logging.getLogger("recscope.desktop")


NO_DISPLAY = ("RecScope is a desktop app, and no display was found (neither DISPLAY nor WAYLAND_DISPLAY is "
              "set): log in to a desktop session or use ssh -X. For a picture of the start screen instead, run "
              "'make screenshot' or 'python -m desktop --screenshot start.png'.")


def has_display() -> bool:
    """Whether the app can be seen: always on Windows and macOS; on Linux a display server, or a Qt
    platform chosen on purpose (QT_QPA_PLATFORM, e.g. offscreen for tests)."""
    if not sys.platform.startswith("linux"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY") or os.environ.get("QT_QPA_PLATFORM"))


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="recscope gui", description="Open the RecScope desktop app.")
    p.add_argument("path", nargs="?", help="data file to open (default: the bundled demo data)")
    p.add_argument("--screenshot", metavar="OUT.png",
                   help="wait for the initial load, save a picture of the window and quit")
    p.add_argument("--size", metavar="WxH", help="window size, e.g. 1366x768")
    p.add_argument("--lang", metavar="CODE",
                   help=f"interface language for this start: {', '.join(LANGUAGES)} (default: the one chosen "
                        "in the Language menu, else the system's)")
    p.add_argument("--self-test", metavar="OUT_DIR",
                   help="run the end-to-end self-test offscreen, screenshots to OUT_DIR; exit 0 if it passed")
    args, _qt_args = p.parse_known_args(argv)
    if args.lang and normalise(args.lang) is None:
        p.error(f"--lang must be one of {', '.join(LANGUAGES)}, not {args.lang!r}")
    if args.size:
        try:
            w, h = (int(v) for v in args.size.lower().split("x"))
        except ValueError:
            p.error(f"--size must look like 1366x768, not {args.size!r}")
        args.size = (w, h)
    return args


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    args = parse_args(argv)
    if args.self_test:
        from desktop.selftest import run as run_self_test
        return run_self_test(args.self_test)
    if args.screenshot and not has_display():
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    elif not has_display():
        print(NO_DISPLAY, file=sys.stderr)
        return 2
    app = create_app([sys.argv[0]] + argv)
    log_path = setup_logging()
    hook = ExceptionHook(log_path, dialogs=not args.screenshot)
    hook.install()

    scratch = tempfile.TemporaryDirectory() if args.screenshot else None
    settings = (QSettings(str(Path(scratch.name) / "settings.ini"), QSettings.Format.IniFormat)
                if scratch else QSettings())
    language = install(chosen_language(None if scratch else settings, args.lang))
    log.info("interface language %s", language)

    from desktop.mainwindow import MainWindow  # after the QApplication and its translators exist

    window = MainWindow(settings)
    hook.window = window
    if args.size:
        window.resize(*args.size)
    window.show()

    path = Path(args.path) if args.path else Path(window.projects.startup_project() or resource_path(*DEMO_DATA))
    result = {"rc": 0}
    if args.screenshot:
        out = Path(args.screenshot)

        def shoot() -> None:
            if result.setdefault("shot", False):
                return
            result["shot"] = True
            out.parent.mkdir(parents=True, exist_ok=True)
            ok = window.grab().save(str(out))
            loaded = window.state.dataset is not None
            print(f"screenshot {out} ({'ok' if ok else 'FAILED'}; dataset "
                  f"{'loaded' if loaded else 'NOT loaded'}; language {language}: "
                  f"{', '.join(window.nav.item(i).text() for i in range(window.nav.count()))})", file=sys.stderr)
            result["rc"] = 0 if ok and loaded else 1
            window.close()
            app.quit()

        window.data.settled.connect(lambda: QTimer.singleShot(500, shoot))
        QTimer.singleShot(300_000, shoot)  # never hang a CI job
    window.data.settled.connect(warm_engine)          # the data first; then, once, the engine's kernels
    log.info("starting; opening %s", path)
    QTimer.singleShot(0, lambda: window.open_path(str(path)))
    rc = app.exec()
    hook.uninstall()
    if scratch:
        scratch.cleanup()
    return result["rc"] or rc
