"""Screenshots of every pane with real content, in one language, at 1366x768 and 1600x1000.

    python tools/screenshots.py OUT_DIR [--lang zh_CN] [--data PATH]

Drives the real window the way a user does: opens the data (the demo by default; MovieLens u.data
joins its u.item catalog by itself), applies the split, trains EASE and BPR (quick settings) in the
Train pane, picks a customer and one of their recommendations, evaluates the default rule set,
runs the simulation and a compression sweep, then grabs each pane at both sizes as
``OUT_DIR/<pane>-<W>x<H>.png``. Run it under Xvfb (``xvfb-run -a -s "-screen 0 1600x1000x24"``) or
offscreen; it needs no network.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SIZES = ((1366, 768), (1600, 1000))
LIMIT_S = 900.0


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("out", type=Path)
    p.add_argument("--lang", default="en")
    p.add_argument("--data", type=Path, default=None, help="data file (default: the bundled demo)")
    args = p.parse_args(argv)
    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

    from PySide6.QtCore import QEventLoop, QSettings, QTimer
    from desktop.i18n import install
    from desktop.paths import DEMO_DATA, resource_path
    from desktop.startup import create_app

    app = create_app([sys.argv[0]])
    install(args.lang)
    from desktop.mainwindow import MainWindow
    scratch = tempfile.TemporaryDirectory()
    window = MainWindow(QSettings(str(Path(scratch.name) / "s.ini"), QSettings.Format.IniFormat))
    window.resize(*SIZES[0])
    window.show()
    st = window.state

    def pump(ms: int) -> None:
        loop = QEventLoop()
        QTimer.singleShot(ms, loop.quit)
        loop.exec()

    def wait(condition, what: str, limit: float = LIMIT_S) -> None:
        end = time.monotonic() + limit
        while not condition():
            if time.monotonic() > end:
                raise SystemExit(f"timed out: {what}")
            pump(50)

    def idle(extra_ms: int = 400) -> None:
        wait(lambda: not window.runner.active, "background tasks")
        pump(extra_ms)
        wait(lambda: not window.runner.active, "background tasks")

    def say(text: str) -> None:
        print(f"[{time.strftime('%H:%M:%S')}] {text}", flush=True)

    def shoot(pane, name: str) -> None:
        window.show_pane(pane)
        for w, h in SIZES:
            window.resize(w, h)
            idle(600)
            out = args.out / f"{name}-{w}x{h}.png"
            window.grab().save(str(out))
        window.resize(*SIZES[0])

    args.out.mkdir(parents=True, exist_ok=True)
    data = args.data or resource_path(*DEMO_DATA)
    say(f"opening {data} ({args.lang})")
    settled = []
    window.data.settled.connect(lambda: settled.append(1))
    window.open_path(str(data))
    wait(lambda: bool(settled) and st.dataset is not None, "loading the data")
    idle()
    window.data_pane.split_box.apply_button.click()
    wait(lambda: st.split is not None, "the split")
    idle()
    shoot(window.data_pane, "data")

    train = window.train_pane
    window.show_pane(train)
    for model in ("ease", "bpr"):
        say(f"training {model}")
        before = len(st.runs)
        train.model_combo.setCurrentIndex(train.model_combo.findData(model))
        train.quick_button.click()
        if model == "bpr":      # enough validated epochs for real curves and a verdict (a few seconds)
            train.form.set_values({"epochs": 30, "validate_every": 1, "lr": 0.005})
        train.train_button.click()
        wait(lambda: len(st.runs) > before, f"training {model}")
        idle()
    shoot(train, "train")
    ease, bpr = st.runs[0], st.runs[-1]

    board = window.leaderboard_pane
    window.show_pane(board)
    idle()
    board.table.selectAll()           # both runs: the paired comparison in words
    idle(1500)
    shoot(board, "leaderboard")

    split = st.split
    import numpy as np
    tested = np.isin(ease.model.user_ids_, split.test.user_ids[np.unique(split.test.user_idx)])
    user = ease.model.user_ids_[int(np.flatnonzero(tested)[0])]
    user = user.item() if hasattr(user, "item") else user
    st.select(user=user, run_id=ease.id)
    window.inspector_pane.show_user(user)
    idle(1500)
    shoot(window.inspector_pane, "inspector")

    items, _scores = ease.model.recommend([int(np.flatnonzero(tested)[0])], 1)
    item = ease.model.item_ids_[int(items[0, 0])]
    st.select(user=user, item=item.item() if hasattr(item, "item") else item, run_id=ease.id)
    window.show_pane(window.explain_pane)
    idle(2500)
    shoot(window.explain_pane, "explain")

    say("rules")
    rules = window.rules_pane
    window.show_pane(rules)
    idle()
    if rules.evaluate_button.isEnabled():
        rules.evaluate_button.click()
        idle(1500)
    shoot(rules, "rules")

    say("simulate")
    sim = window.simulate_pane
    window.show_pane(sim)
    idle()
    if sim.run_button.isEnabled():
        sim.run_button.click()
        idle(1500)
    shoot(sim, "simulate")

    say("compress")
    comp = window.compress_pane
    window.show_pane(comp)
    comp.run_combo.setCurrentIndex(max(comp.run_combo.findData(bpr.id), 0))
    idle()
    if comp.sweep_button.isEnabled():
        comp.sweep_button.click()
        idle(1500)
    shoot(comp, "compress")

    diag = window.diagnostics_pane
    window.show_pane(diag)
    diag.run_combo.setCurrentIndex(max(diag.run_combo.findData(bpr.id), 0))
    idle(1500)
    shoot(diag, "diagnostics")

    window.close()
    window.runner.wait(30_000)
    say(f"done: {len(list(args.out.glob('*.png')))} pictures in {args.out}")
    app.quit()
    return 0


if __name__ == "__main__":
    sys.exit(main())
