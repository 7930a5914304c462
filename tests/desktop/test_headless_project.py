"""A project written headless by `recscope pipeline` (a server's job) opens in the desktop app
with every run: the leaderboard lists them, the compressed runs keep their parents, the
diagnostics show the stored learning curves and the explain pane explains a stored model."""

import json

from PySide6.QtWidgets import QFileDialog, QMessageBox

from engine.cli.main import main
from engine.store import Project

WAIT_MS = 120_000


def test_pipeline_project_opens_with_every_run_curve_and_explanation(qtbot, window, demo_path, tmp_path,
                                                                    monkeypatch, capsys):
    out = tmp_path / "server.recscope"
    assert main(["pipeline", "--data", str(demo_path), "--out", str(out), "--model", "ease",
                 "--model", "bpr:factors=8,epochs=3,valid_frac=0.2,validate_every=1", "--device", "cpu",
                 "--compress", "int8", "--json"]) == 0
    captured = capsys.readouterr()
    summary = json.loads(captured.out)
    log = captured.err.splitlines()                       # the progress a server log follows
    assert any("[import]" in line for line in log) and any("[train bpr]" in line and "epoch" in line for line in log)
    assert log[-1].endswith(f"4 runs in {out} after {summary['seconds']:.0f} s")
    with Project.open(out) as project:
        stored = project.run_ids()
    assert stored == [r["id"] for r in summary["runs"]]

    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(out), "")))
    warnings = []
    monkeypatch.setattr(QMessageBox, "warning", staticmethod(lambda _p, _t, text, *r: warnings.append(text)))
    with qtbot.waitSignal(window.projects.settled, timeout=WAIT_MS):
        window.project_menu.actions["open"].trigger()
    assert warnings == []
    state = window.state
    assert [r.id for r in state.runs] == stored
    by_name = {r.name: r for r in state.runs}
    assert {r.kind for r in state.runs} == {"trained", "compressed"}
    assert by_name["ease · int8"].parent == by_name["ease"].id
    for row in summary["runs"]:
        assert state.run(row["id"]).metrics["ndcg@10"] == row["metrics"]["ndcg@10"]

    board = window.leaderboard_pane
    window.show_pane(board)
    assert board.table_model.rowCount() == 4

    bpr = by_name["bpr"]
    diagnostics = window.diagnostics_pane
    window.show_pane(diagnostics)
    diagnostics.run_combo.setCurrentIndex(diagnostics.run_combo.findData(bpr.id))
    losses = list(bpr.history.losses)
    assert len(losses) >= 1 and diagnostics.loss_plot.points("loss")[1] == losses

    explain_pane = window.explain_pane
    window.show_pane(explain_pane)
    ease = by_name["ease"]
    user = ease.model.user_ids_[3]
    with qtbot.waitSignal(explain_pane.controller.explain.done, timeout=WAIT_MS):
        state.select(run_id=ease.id, user=user, item=None)
    qtbot.waitUntil(lambda: explain_pane.explanations is not None and explain_pane.explanations.run_id == ease.id,
                    timeout=WAIT_MS)
    result = explain_pane.explanations.results["contributions"]
    assert abs(sum(explain_pane.cards["contributions"].plot.values) - result.target) < 1e-4
