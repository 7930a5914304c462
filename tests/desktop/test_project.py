"""File menu project actions driven with real files: save as, autosave of finished runs, open in a
fresh window, unsaved-work prompts, damaged files, and the HTML report export."""

import base64
import re

import numpy as np
import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QFileDialog, QMessageBox

from engine.data.splits import split
from engine.runs import train_run
from engine.store import Project

SETTLE_MS = 60_000


@pytest.fixture
def dialogs(monkeypatch):
    """Answers for QFileDialog / QMessageBox: set ``dialogs.save`` / ``.open`` / ``.question``;
    warnings are recorded in ``dialogs.warnings``."""
    class Answers:
        save = open = ""
        question = QMessageBox.StandardButton.Discard
        warnings: list[str] = []
    a = Answers()
    a.warnings = []
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *args, **kw: (str(a.save), "")))
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *args, **kw: (str(a.open), "")))
    monkeypatch.setattr(QMessageBox, "question", staticmethod(lambda *args, **kw: a.question))
    monkeypatch.setattr(QMessageBox, "warning", staticmethod(lambda _parent, _title, text, *r: a.warnings.append(text)))
    return a


def _split_and_train(win, *models):
    """Split the loaded data in the app and add a run of each model (real engine calls)."""
    state = win.state
    parts = split(state.dataset.interactions, "random", test_frac=0.25, seed=3,
                  extra_items=state.dataset.catalog.item_ids)
    state.set_split(parts)
    runs = []
    for name, params in models:
        run = train_run(name, params, parts, catalog=state.dataset.catalog)
        state.add_run(run)
        runs.append(run)
    return runs


def _trigger(qtbot, win, key):
    with qtbot.waitSignal(win.projects.settled, timeout=SETTLE_MS):
        win.project_menu.actions[key].trigger()


def test_save_as_autosave_and_reopen(qtbot, window, load, demo_path, dialogs, tmp_path):
    load(window, demo_path)
    (ease,) = _split_and_train(window, ("ease", {}))
    assert window.projects.has_unsaved() and window.isWindowModified()
    assert "Save project as" in window.statusBar().currentMessage()

    dialogs.save = tmp_path / "shop"  # the suffix is added
    _trigger(qtbot, window, "save_as")
    path = tmp_path / "shop.recscope"
    assert path.is_file() and window.state.project.path == path
    assert window.windowTitle().startswith("shop.recscope") and not window.isWindowModified()
    assert not window.projects.has_unsaved()

    # a run that finishes now is saved at once; a removed run leaves the file
    with qtbot.waitSignal(window.projects.autosaved, timeout=SETTLE_MS):
        pop = train_run("pop", {}, window.state.split)
        window.state.add_run(pop)
    assert window.state.project.run_ids() == [ease.id, pop.id]
    window.state.remove_run(pop.id)
    assert window.state.project.run_ids() == [ease.id]
    assert window.projects.recent_projects() == [str(path.resolve())]
    assert [a.text() for a in window.project_menu.recent_menu.actions()] == ["shop.recscope"]

    # a second window cannot open the project while the first one holds it (one writer at a time) ...
    from desktop.mainwindow import MainWindow
    other = MainWindow(QSettings(str(tmp_path / "other.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(other)
    dialogs.open = path
    _trigger(qtbot, other, "open")
    assert len(dialogs.warnings) == 1 and "open in another RecScope window" in dialogs.warnings[0]
    assert other.state.project is None
    # ... and opens it through File › Open project once the first window let it go
    window.state.project.close()
    dialogs.warnings.clear()
    _trigger(qtbot, other, "open")
    assert dialogs.warnings == []
    state = other.state
    assert [r.id for r in state.runs] == [ease.id] and state.project.path == path
    assert state.dataset.interactions.n_events == window.state.dataset.interactions.n_events
    assert state.split.test.n_events == window.state.split.test.n_events
    box = other.data_pane.split_box                          # the settings behind the split, not defaults
    assert box.method.currentData() == "random" and box.seed.value() == 3
    assert (box.test.value(), box.valid.value()) == (25, 0)
    assert state.runs[0].metrics == ease.metrics
    users = np.arange(20)
    assert np.array_equal(state.runs[0].model.score(users), ease.model.score(users))
    assert "interactions" in other.dataset_status.text()
    assert "Opened shop.recscope: 1 run(s)." in other.statusBar().currentMessage()
    other.close()


def test_new_data_breaks_sync_until_saved(qtbot, window, load, demo_path, small_csv, dialogs, tmp_path):
    load(window, demo_path)
    _split_and_train(window, ("pop", {}))
    dialogs.save = tmp_path / "p.recscope"
    _trigger(qtbot, window, "save_as")
    load(window, small_csv)  # other data: the project no longer matches what is shown
    assert window.projects.has_unsaved() and window.isWindowModified()
    qtbot.waitUntil(lambda: "still holds its earlier data" in window.statusBar().currentMessage())
    _trigger(qtbot, window, "save")
    window.state.project.close()  # the window lets the file go; then another reader can open it
    with Project.open(tmp_path / "p.recscope") as project:
        assert project.load_dataset().interactions.n_events == window.state.dataset.interactions.n_events
        assert project.run_ids() == []


def test_unsaved_work_prompts(qtbot, window, load, demo_path, dialogs, tmp_path):
    load(window, demo_path)
    assert window.project_menu.confirm_close()  # data alone is not unsaved work
    _split_and_train(window, ("pop", {}))
    dialogs.question = QMessageBox.StandardButton.Cancel
    assert not window.project_menu.confirm_close()
    dialogs.question = QMessageBox.StandardButton.Discard
    assert window.project_menu.confirm_close()
    # "Save" saves (here: save as, with the dialog's answer) and then goes on
    dialogs.question = QMessageBox.StandardButton.Save
    dialogs.save = tmp_path / "kept.recscope"
    closed = []
    window.project_menu.confirm_discard(lambda: closed.append(True))
    qtbot.waitUntil(lambda: bool(closed), timeout=SETTLE_MS)
    assert (tmp_path / "kept.recscope").is_file() and not window.projects.has_unsaved()


def test_damaged_file_gives_a_clear_message(qtbot, window, dialogs, tmp_path):
    bad = tmp_path / "client.recscope"
    bad.write_bytes(b"SQLite format 3\x00" + bytes(range(256)) * 20)
    dialogs.open = bad
    _trigger(qtbot, window, "open")
    assert len(dialogs.warnings) == 1
    assert "client.recscope" in dialogs.warnings[0] and "RecScope project" in dialogs.warnings[0]
    assert window.state.project is None and window.state.dataset is None


def test_reopen_last_project_only_when_chosen(qtbot, window, load, demo_path, dialogs, tmp_path):
    load(window, demo_path)
    dialogs.save = tmp_path / "last.recscope"
    _trigger(qtbot, window, "save_as")
    assert window.projects.startup_project() is None
    window.project_menu.actions["reopen"].trigger()  # checkable: now on
    assert window.projects.startup_project() == str((tmp_path / "last.recscope").resolve())


def test_export_report_after_a_real_run(qtbot, window, load, demo_path, dialogs, tmp_path):
    load(window, demo_path)
    (ease,) = _split_and_train(window, ("ease", {}))
    dialogs.save = tmp_path / "report.html"
    window.project_menu.actions["export"].trigger()
    text = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert f"<td class='name'>{ease.name}<br><small>ease · trained</small></td>" in text
    assert f"{ease.metrics['ndcg@10']:.4f}" in text and "<th>ndcg@10</th>" not in text
    assert "Ranking quality<br><small>NDCG@10</small>" in text and "Popularity bias<br><small>" in text
    prof = window.state.profile
    assert f"<td>Interactions</td><td>{prof.n_events:,}</td>" in text
    images = re.findall(r'<img src="data:image/png;base64,([A-Za-z0-9+/=]+)"', text)
    assert len(images) >= 2  # at least the Data pane's long-tail and activity plots
    assert all(base64.b64decode(b)[:8] == b"\x89PNG\r\n\x1a\n" for b in images)
    assert "Long tail" in text


def test_report_tables_fit_the_page_and_explain_plots_say_what_they_show(qtbot, window, load, demo_path, dialogs,
                                                                         tmp_path):
    """Plain metric names over the keys, leaderboard tables narrow enough for a 1400 px window (the widest
    content that cannot wrap), and every Explain plot captioned with its customer, item and model."""
    from PySide6.QtGui import QTextDocument
    load(window, demo_path)
    runs = _split_and_train(window, ("ease", {}), ("pop", {}), ("itemknn", {}))
    runs[0].name = "EASE with a long name for the spring catalogue"
    explain = window.explain_pane
    window.show_pane(explain)
    with qtbot.waitSignal(explain.controller.explain.done, timeout=SETTLE_MS):
        window.state.select(run_id=runs[0].id, user=int(runs[0].model.user_ids_[3]))
    dialogs.save = tmp_path / "report.html"
    window.project_menu.actions["export"].trigger()
    text = (tmp_path / "report.html").read_text(encoding="utf-8")
    tables = re.findall(r"<table><tr>(.*?)</tr>", text)
    assert len(tables) == 3 and all(t.count("<th") <= 9 for t in tables[1:])     # data, then two leaderboards
    doc = QTextDocument()
    doc.setHtml(text.split("<h2>Plots</h2>")[0])
    doc.setTextWidth(100)
    assert doc.idealWidth() <= 1400 - 2 * 16                     # nothing that cannot wrap is wider than the page
    captions = re.findall(r"<figcaption>(.*?)</figcaption>", text.split("<h3>Explain</h3>")[1].split("<h3>")[0])
    assert captions and all(f"customer {window.state.user}" in c and f"model {runs[0].name}" in c and "item “" in c
                            for c in captions)


@pytest.mark.skipif(not hasattr(__import__("signal"), "SIGXFSZ"), reason="RLIMIT_FSIZE simulates a full disk")
def test_a_failed_report_write_keeps_the_previous_report(qtbot, window, load, demo_path, dialogs, tmp_path):
    import resource
    import signal
    load(window, demo_path)
    _split_and_train(window, ("pop", {}))
    path = tmp_path / "report.html"
    path.write_text("<html>the report the client already has</html>", encoding="utf-8")
    errors = []
    window.projects.error.connect(errors.append)
    old_handler = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    limits = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (1024, limits[1]))  # the disk fills up mid-write
    try:
        window.projects.write_report(path, plots=[])
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, limits)
        signal.signal(signal.SIGXFSZ, old_handler)
    assert path.read_text(encoding="utf-8") == "<html>the report the client already has</html>"
    assert len(errors) == 1 and "could not write the report" in errors[0]
    assert not [p.name for p in tmp_path.iterdir() if "report" in p.name and p.name != "report.html"]


def test_share_copy_from_the_file_menu(qtbot, window, load, demo_path, dialogs, tmp_path):
    load(window, demo_path)
    _split_and_train(window, ("pop", {}))
    dialogs.save = tmp_path / "shop.recscope"
    _trigger(qtbot, window, "save_as")
    dialogs.save = tmp_path / "for-the-agency.recscope"
    _trigger(qtbot, window, "share")
    assert "Share copy written" in window.statusBar().currentMessage()
    raw = (tmp_path / "for-the-agency.recscope").read_bytes()
    ids = window.state.dataset.interactions.user_ids
    with Project.open(tmp_path / "for-the-agency.recscope") as copy:
        shared = copy.load()
    assert len(shared.runs) == 1 and shared.dataset.interactions.n_users == len(ids)
    assert not set(map(str, ids)) & set(map(str, shared.dataset.interactions.user_ids))
    assert str(demo_path.parent).encode() not in raw


def test_pseudonymised_report_names_no_customer_and_no_file(qtbot, window, load, demo_path, dialogs, tmp_path):
    load(window, demo_path)
    runs = _split_and_train(window, ("ease", {}))
    dialogs.save = tmp_path / "acme-orders.recscope"
    _trigger(qtbot, window, "save_as")
    explain = window.explain_pane
    window.show_pane(explain)
    user = int(runs[0].model.user_ids_[3])
    with qtbot.waitSignal(explain.controller.explain.done, timeout=SETTLE_MS):
        window.state.select(run_id=runs[0].id, user=user)
    dialogs.save = tmp_path / "plain.html"
    window.project_menu.actions["export"].trigger()
    dialogs.save = tmp_path / "shared.html"
    window.project_menu.actions["export_shared"].trigger()
    plain = (tmp_path / "plain.html").read_text(encoding="utf-8")
    shared = (tmp_path / "shared.html").read_text(encoding="utf-8")
    assert f"customer {user}" in plain and "acme-orders" in plain
    from engine.store.pseudonyms import Pseudonyms
    pseudonym = Pseudonyms.for_scope(window.state.project.pseudonym_scope()).one(user)
    assert not re.search(rf"(?<![\w-]){user}(?![\w-])", shared) and f"customer {pseudonym}" in shared
    assert "acme-orders" not in shared and demo_path.name not in shared

