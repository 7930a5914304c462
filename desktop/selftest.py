"""``RecScope --self-test OUT_DIR``: drive the real app end to end, offscreen, and report.

Opens the bundled demo data through the main window, reads Parquet and Excel copies of it,
splits it, trains small models, embeds titles with the bundled text encoder, computes one
explanation of each kind the engine offers, runs one compression, then opens every pane of the
main window and saves a screenshot of each to ``OUT_DIR``. One line per step with its time;
exit status 0 only if every step worked, 1 otherwise (the failing steps are named at the end).

Used by packaging/build.py on the frozen bundle and by tests/packaging on the sources. A step is
one ``(name, function)`` entry in ``STEPS``; a function gets the ``SelfTest`` context, returns a
short detail string, or a list of further steps to run right after it (one per pane, per
explanation kind). A step whose prerequisite failed fails too, naming it; nothing is skipped.
"""

from __future__ import annotations

import inspect
import logging
import os
import re
import sys
import tempfile
import time
import traceback
from pathlib import Path
from typing import Any, Callable

SPLIT = {"method": "temporal", "test_frac": 0.2, "seed": 0}
#: (model, parameter overrides on top of the model's fast_params); each trained run is kept.
MODELS = [("ease", {}), ("bpr", {"epochs": 1}), ("sasrec", {"epochs": 1}), ("twotower", {"epochs": 1})]
COMPRESS = ("bpr", "int8")
WINDOW_SIZE = (1366, 768)
SETTLE_S = 180.0

Step = tuple[str, Callable[["SelfTest"], Any]]


class StepError(RuntimeError):
    """A step's own, readable failure (no traceback printed)."""


class SelfTest:
    """What the steps share: the app, the window, the output folder, the split and the runs."""

    def __init__(self, out_dir: Path):
        self.out = out_dir
        self.app = self.window = self.hook = self.settings_dir = None
        self.split = None
        self.runs: dict[str, Any] = {}
        self.user = self.item = None
        self.errors: list[str] = []   # unhandled exceptions / ERROR log records, newest last
        self.t_start = time.perf_counter()

    # ---- helpers the steps use --------------------------------------------------------------
    def need(self, attr: str, step: str):
        value = getattr(self, attr)
        if value is None:
            raise StepError(f"needs step '{step}', which did not succeed")
        return value

    def run_of(self, model: str):
        if model not in self.runs:
            raise StepError(f"needs step 'train {model}', which did not succeed")
        return self.runs[model]

    def wait(self, condition: Callable[[], bool], timeout_s: float, what: str) -> None:
        """Run the event loop until ``condition()`` holds; StepError after ``timeout_s``."""
        from PySide6.QtCore import QEventLoop, QTimer
        deadline = time.monotonic() + timeout_s
        while not condition():
            if time.monotonic() > deadline:
                raise StepError(f"{what} did not finish within {timeout_s:.0f} s")
            loop = QEventLoop()
            QTimer.singleShot(20, loop.quit)
            loop.exec()

    def settle(self, ms: int = 300) -> None:
        """Let queued events, timers and any task a pane started finish."""
        window = self.window
        self.wait(lambda: not window.runner.active, SETTLE_S, "background tasks")
        end = time.monotonic() + ms / 1000
        self.wait(lambda: time.monotonic() >= end, ms / 1000 + 5, "settling")
        self.wait(lambda: not window.runner.active, SETTLE_S, "background tasks")


class _ErrorRecords(logging.Handler):
    def __init__(self, sink: list[str]):
        super().__init__(logging.ERROR)
        self.sink = sink

    def emit(self, record: logging.LogRecord) -> None:
        self.sink.append(f"logged error: {record.getMessage()}"
                         + (f" ({record.exc_info[0].__name__}: {record.exc_info[1]})" if record.exc_info else ""))


def _call(fn: Callable, *args, **available):
    """``fn(*args, **kw)`` with only those keyword arguments ``fn``'s signature accepts."""
    params = inspect.signature(fn).parameters
    if any(p.kind is p.VAR_KEYWORD for p in params.values()):
        return fn(*args, **available)
    return fn(*args, **{k: v for k, v in available.items() if k in params})


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "pane"


def _distinct_colours(image, grid: int = 24) -> int:
    w, h = image.width(), image.height()
    return len({image.pixel(int((i + 0.5) * w / grid), int((j + 0.5) * h / grid))
                for i in range(grid) for j in range(grid)})


# ---- steps ---------------------------------------------------------------------------------------
def step_environment(t: SelfTest) -> str:
    import PySide6
    from desktop.paths import DEMO_DATA, resource_path, resource_root
    needed = [resource_path("style.qss"), resource_path("icons", "recscope.svg"),
              resource_path(*DEMO_DATA), resource_path("demo", "ATTRIBUTION.md")]
    frozen = bool(getattr(sys, "frozen", False))
    if frozen:
        needed.append(Path(sys._MEIPASS) / "licenses" / "THIRD-PARTY-NOTICES.txt")
    missing = [str(p) for p in needed if not p.is_file()]
    if missing:
        raise StepError("missing bundled files: " + ", ".join(missing))
    return (f"{'frozen' if frozen else 'source'}; Python {sys.version.split()[0]}, PySide6 "
            f"{PySide6.__version__}, platform {t.app.platformName()}; resources {resource_root()}")


def step_translations(t: SelfTest) -> str:
    """The Chinese catalogs ship and load: the app's .qm, Qt's own qtbase one, the engine's gettext .mo."""
    import gettext
    from PySide6.QtCore import QLibraryInfo, QTranslator
    from desktop.i18n import catalog_path
    from engine.i18n import DOMAIN, LOCALE_DIR
    own, qt = QTranslator(), QTranslator()
    if not own.load(str(catalog_path("zh_CN"))):
        raise StepError(f"cannot load {catalog_path('zh_CN')}")
    shown = own.translate("MainWindow", "Leaderboard")
    if not shown or shown == "Leaderboard":
        raise StepError("the Chinese catalog has no translation of 'Leaderboard'")
    qt_ok = qt.load("qtbase_zh_CN", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath))
    engine = gettext.translation(DOMAIN, LOCALE_DIR, languages=["zh_CN"]).gettext("good fit")
    if engine == "good fit":
        raise StepError("the engine's Chinese catalog has no translation of 'good fit'")
    return f"Leaderboard -> {shown}, good fit -> {engine}, Qt's own {'loaded' if qt_ok else 'MISSING'}"


def step_main_window(t: SelfTest) -> str:
    from PySide6.QtCore import QSettings
    from desktop.mainwindow import MainWindow
    t.settings_dir = tempfile.TemporaryDirectory(prefix="recscope-selftest-")
    settings = QSettings(str(Path(t.settings_dir.name) / "settings.ini"), QSettings.Format.IniFormat)
    t.window = MainWindow(settings)
    t.hook.window = t.window
    t.window.resize(*WINDOW_SIZE)
    t.window.show()
    t.wait(lambda: t.window.isVisible() and t.window.windowHandle() is not None
           and t.window.windowHandle().isExposed(), 30, "showing the main window")
    t.app.processEvents()  # first paint
    return (f"{t.window.nav.count()} panes, shown at {t.window.width()}x{t.window.height()}, "
            f"{time.perf_counter() - t.t_start:.2f} s after start")


def step_open_demo(t: SelfTest) -> str:
    from desktop.paths import DEMO_DATA, resource_path
    window = t.need("window", "main window")
    settled = []
    window.data.settled.connect(lambda: settled.append(1))
    window.open_path(str(resource_path(*DEMO_DATA)))
    t.wait(lambda: bool(settled), SETTLE_S, "loading the demo data")
    if window.state.dataset is None:
        raise StepError(f"demo data not loaded: {window.statusBar().currentMessage()}")
    inter = window.state.dataset.interactions
    return f"{inter.n_events:,} interactions, {inter.n_users:,} users, {inter.n_items:,} items"


def step_split(t: SelfTest) -> str:
    from engine.data.splits import split
    window = t.need("window", "main window")
    dataset = window.state.dataset
    if dataset is None:
        raise StepError("needs step 'open demo data', which did not succeed")
    t.split = split(dataset.interactions, **SPLIT)
    window.state.set_split(t.split)
    return (f"{SPLIT['method']}: {t.split.train.n_events:,} train / {t.split.test.n_events:,} test "
            f"interactions")


def step_file_formats(t: SelfTest) -> str:
    """Parquet (pyarrow) and Excel (openpyxl) written from the demo rows and read back by the engine."""
    import openpyxl  # noqa: F401 - imported first so that a broken bundle names the real error
    import pandas as pd
    import pyarrow.parquet  # noqa: F401
    from desktop.paths import DEMO_DATA, resource_path
    from engine.data import read_table
    frame = pd.read_csv(resource_path(*DEMO_DATA), nrows=200)
    folder = t.out / "formats"
    folder.mkdir(parents=True, exist_ok=True)
    frame.to_parquet(folder / "demo.parquet")
    frame.to_excel(folder / "demo.xlsx", index=False)
    shapes = {}
    for name in ("demo.parquet", "demo.xlsx"):
        table = read_table(folder / name)
        if table.frame.shape != frame.shape:
            raise StepError(f"{name} read back as {table.frame.shape}, wrote {frame.shape}")
        shapes[name] = table.frame.shape
    return ", ".join(f"{n} {r}x{c}" for n, (r, c) in shapes.items())


def train_step(model: str, overrides: dict) -> Step:
    def step(t: SelfTest) -> str:
        from engine.models import registry
        from engine.runs import train_run
        split = t.need("split", "split")
        params = {**registry.get(model).fast_params, **overrides}
        run = train_run(model, params, split, catalog=t.window.state.dataset.catalog,
                        name=f"{model} (self-test)")
        t.window.state.add_run(run)
        t.runs[model] = run
        ndcg = run.metrics.get("ndcg@10")
        return f"{params or 'defaults'}: ndcg@10 = {ndcg:.4f}" if ndcg is not None else str(params)
    return f"train {model}", step


def step_select(t: SelfTest) -> str:
    """Pick a customer with test purchases and the top item recommended to them (for the panes)."""
    import numpy as np
    split = t.need("split", "split")
    model = t.run_of(MODELS[0][0]).model
    tested = np.isin(model.user_ids_, split.test.user_ids[np.unique(split.test.user_idx)])
    if not tested.any():
        raise StepError("no trained user has test interactions")
    u = int(np.flatnonzero(tested)[0])
    items, _ = model.recommend([u], 1)
    def plain(v):  # numpy scalar -> Python value, as the panes store ids
        return v.item() if isinstance(v, np.generic) else v
    t.user, t.item = plain(model.user_ids_[u]), plain(model.item_ids_[int(items[0, 0])])
    t.window.state.select(user=t.user, item=t.item, run_id=t.runs[MODELS[0][0]].id)
    return f"user {t.user}, item {t.item}"


def step_text_encoder(t: SelfTest) -> str:
    import numpy as np
    from engine.text.encoder import embed_texts
    vecs = embed_texts(["WHITE HANGING HEART T-LIGHT HOLDER", "RED HANGING HEART T-LIGHT HOLDER",
                        "SET OF 3 CAKE TINS PANTRY DESIGN"])
    if vecs.shape != (3, 384) or not np.allclose(np.linalg.norm(vecs, axis=1), 1, atol=1e-3):
        raise StepError(f"unexpected embeddings: shape {vecs.shape}")
    near, far = float(vecs[0] @ vecs[1]), float(vecs[0] @ vecs[2])
    if not near > far:
        raise StepError(f"similar titles are not closer: {near:.2f} vs {far:.2f}")
    return f"(3, 384) unit vectors; similar titles {near:.2f} vs unrelated {far:.2f}"


def step_explanations(t: SelfTest) -> list[Step]:
    """One step per explanation kind the engine offers, each on the first model that offers it."""
    from engine.explain import api
    t.need("user", "select")
    chosen: dict[str, Any] = {}
    for model in (m for m, _ in MODELS):
        if model in t.runs:
            for method in api.methods_for(t.runs[model].model):
                chosen.setdefault(method, t.runs[model])
    if not chosen:
        raise StepError("engine.explain.api.methods_for offered no method for any trained model")
    return [(f"explain {method} ({run.model_name})", _explain_step(run, method))
            for method, run in chosen.items()]


def _explain_step(run, method: str) -> Callable[[SelfTest], str]:
    def step(t: SelfTest) -> str:
        from engine.explain import api
        state = t.window.state
        result = _call(api.explain, run.model, t.user, t.item, method, train=t.split.train,
                       interactions=t.split.train, catalog=state.dataset.catalog)
        if result is None:
            raise StepError("explain returned nothing")
        return type(result).__name__
    return step


def step_compress(t: SelfTest) -> str:
    from engine.compress import compress, compressed_run
    model, method = COMPRESS
    parent = t.run_of(model)
    result = compress(parent.model, method, train=t.split.train, test=t.split.test)
    run = compressed_run(parent, result)
    t.window.state.add_run(run)  # the Compress and Leaderboard panes show it
    report = result.report.to_dict()
    sizes = {k: v for k, v in report.items() if "bytes" in k and isinstance(v, (int, float))}
    return f"{run.name}: {sizes or type(result.report).__name__}"


def step_panes(t: SelfTest) -> list[Step]:
    window = t.need("window", "main window")
    t.out.mkdir(parents=True, exist_ok=True)
    return [(f"pane {window.nav.item(row).text()}", _pane_step(row)) for row in range(window.nav.count())]


def _pane_step(row: int) -> Callable[[SelfTest], str]:
    def step(t: SelfTest) -> str:
        window = t.window
        title = window.nav.item(row).text()
        window.nav.setCurrentRow(row)
        t.settle()
        if window.stack.currentIndex() != row or not window.stack.currentWidget().isVisible():
            raise StepError(f"pane {title!r} is not shown")
        path = t.out / f"{row + 1:02d}-{_slug(title)}.png"
        image = window.grab().toImage()
        if image.isNull() or not image.save(str(path)):
            raise StepError(f"could not save {path}")
        colours = _distinct_colours(image)
        if colours < 3:
            raise StepError(f"{path.name} looks blank ({colours} colours)")
        return f"{path.name} {image.width()}x{image.height()}, {colours} colours sampled"
    return step


def step_close(t: SelfTest) -> str:
    window = t.need("window", "main window")
    window.close()
    if not window.runner.wait(30_000):
        raise StepError("background tasks still running 30 s after closing")
    return "closed, all workers idle"


STEPS: list[Step] = [
    ("environment", step_environment),
    ("translations", step_translations),
    ("main window", step_main_window),
    ("open demo data", step_open_demo),
    ("file formats", step_file_formats),
    ("split", step_split),
    *(train_step(model, overrides) for model, overrides in MODELS),
    ("select", step_select),
    ("text encoder", step_text_encoder),
    ("explanations", step_explanations),
    (f"compress {COMPRESS[1]}", step_compress),
    ("panes", step_panes),
    ("close", step_close),
]


# ---- runner ----------------------------------------------------------------------------------------
def _say(t: SelfTest, text: str) -> None:
    """One report line on stdout and in OUT_DIR/selftest.txt (a windowed Windows exe has no stdout)."""
    print(text, flush=True)
    t.out.mkdir(parents=True, exist_ok=True)
    with open(t.out / "selftest.txt", "a", encoding="utf-8") as f:
        f.write(text + "\n")


def _line(t: SelfTest, status: str, seconds: float, name: str, detail: str) -> None:
    _say(t, f"[self-test] {status:<4} {seconds:7.2f}s  {name}: {detail}")


def run(out_dir: str | os.PathLike, argv: list[str] | None = None) -> int:
    """Run every step; print one line each; return 0 only if all succeeded."""
    from desktop.startup import ExceptionHook, create_app, setup_logging
    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    t = SelfTest(Path(out_dir).resolve())
    t.app = create_app([sys.argv[0]] + list(argv or []))
    log_path = setup_logging()
    t.hook = ExceptionHook(log_path, dialogs=False)
    t.hook.install()
    record = t.hook.handle

    def recording(etype, value, tb):
        t.errors.append(f"unhandled {etype.__name__}: {value}")
        record(etype, value, tb)

    t.hook.handle = sys.excepthook = recording
    errors_handler = _ErrorRecords(t.errors)
    logging.getLogger("recscope").addHandler(errors_handler)
    (t.out / "selftest.txt").unlink(missing_ok=True)
    _say(t, f"[self-test] writing screenshots to {t.out}; log {log_path}")

    queue, failed, count = list(STEPS), [], 0
    while queue:
        name, fn = queue.pop(0)
        count += 1
        seen_errors = len(t.errors)
        t0 = time.perf_counter()
        try:
            result = fn(t)
            if len(t.errors) > seen_errors:
                raise StepError("; ".join(t.errors[seen_errors:])[:500])
        except StepError as e:
            _line(t, "FAIL", time.perf_counter() - t0, name, str(e))
            failed.append(name)
            continue
        except Exception as e:  # noqa: BLE001 - report any failure as the step's result
            _line(t, "FAIL", time.perf_counter() - t0, name, f"{type(e).__name__}: {e}")
            logging.getLogger("recscope.selftest").error("step %s failed", name, exc_info=True)
            print("".join(traceback.format_exception(e, limit=-4)).rstrip(), file=sys.stderr, flush=True)
            del t.errors[seen_errors:]  # the logged traceback above belongs to this failure
            failed.append(name)
            continue
        if isinstance(result, list):
            queue[:0] = result
            result = f"{len(result)} sub-steps"
        _line(t, "ok", time.perf_counter() - t0, name, str(result))
    logging.getLogger("recscope").removeHandler(errors_handler)
    t.hook.uninstall()
    if t.settings_dir is not None:
        t.settings_dir.cleanup()
    total = time.perf_counter() - t.t_start
    if failed:
        _say(t, f"[self-test] FAILED {len(failed)} of {count} steps in {total:.1f} s: {', '.join(failed)}")
        return 1
    _say(t, f"[self-test] PASSED all {count} steps in {total:.1f} s")
    return 0
