"""Compress pane on the demo data with a real EASE run: the methods that apply, a two-method sweep
whose table and Pareto chart show the engine's numbers, keeping a compressed version as a run
(listed by the Leaderboard, scoring customers), the sweep shown again on reselection, cancel."""

import json

import pytest
from PySide6.QtCore import Qt

from engine.compress import compress, pareto_points
from engine.store import Project
from desktop.plots.pareto import size_text
from desktop.views.compress_pane import BAD, GOOD, LOSS, MILD, NOTICE
from test_inspector_pane import WAIT_MS, demo_with_runs, put


@pytest.fixture(scope="module")
def trained(demo_path):
    return demo_with_runs(demo_path, ("ease", "pop"))


@pytest.fixture
def pane(qtbot, window, trained):
    for run in trained[3]:   # the runs are shared by this module's tests: start without a sweep
        run.info.pop("compression_sweep", None)
    put(window.state, *trained)
    p = window.compress_pane
    window.show_pane(p)
    return p


def choose(qtbot, pane, run):
    """Pick ``run`` in the pane and wait until its methods are listed."""
    with qtbot.waitSignal(pane.controller.options_ready, timeout=WAIT_MS):
        pane.select_run(run.id)
        pane.controller.request_options(run.id)   # emits now when cached or already shown


def only(pane, **values):
    """Tick only these kinds (kind=None for kinds without values, else the values text)."""
    for kind, row in pane.rows.items():
        row.check.setChecked(kind in values)
        if kind in values and values[kind] is not None:
            row.field.setText(values[kind])


def expected_colour(change):
    if change is None or abs(change) < NOTICE:
        return None
    return GOOD if change > 0 else (MILD if change > -LOSS else BAD)


def test_sweep_table_pareto_and_keep(qtbot, window, pane, trained, tmp_path):
    ds, _prof, parts, (ease, pop) = trained
    project = Project.create(tmp_path / "shop.recscope")   # an open project that holds the run
    project.add_run(ease)
    window.state.set_project(project)
    choose(qtbot, pane, ease)
    assert pane.kinds == ["int8", "fp16", "bf16", "topk", "prune", "lowrank", "distill"]
    assert all(pane.rows[k].check.isVisibleTo(pane) for k in pane.kinds)
    assert pane.rows["topk"].field.text() == "100, 200, 400+int8"   # the engine's default sweep
    assert not pane.rows["distill"].check.isChecked()
    only(pane, int8=None, topk="100")
    assert pane.method_specs() == ["int8", "topk:100"]
    said = []
    pane.controller.slot.progress.connect(lambda p: said.append(p.message))
    with qtbot.waitSignals([pane.controller.swept, pane.controller.stored], timeout=WAIT_MS):
        pane.sweep_button.click()
        assert "Tick the methods" not in pane.empty_note.text() and "in 2 ways" in pane.empty_note.text()
    assert "timing" not in said
    # every step the strip can show is in words
    steps = []
    compress(ease.model, "int8", train=parts.train, test=parts.test, ks=(10,), progress=lambda p: steps.append(p.message))
    assert "timing" not in steps and "measuring how fast it scores 1,000 customers" in steps
    sweep = ease.info["compression_sweep"]
    assert project.load_run(ease.id).info["compression_sweep"]["reports"] == json.loads(json.dumps(sweep["reports"]))
    reports = sweep["reports"]
    assert [r["method"] for r in reports] == ["int8", "topk:100"]

    # the table shows the engine's numbers: original first, then one row per method
    model = pane.table_model
    assert model.rowCount() == 3
    assert [model.cell(r, "Method") for r in range(3)] == ["original", "int8", "top 100 links"]
    direct = compress(ease.model, "topk:100", train=parts.train).report
    assert reports[1]["size_bytes_after"] == direct.size_bytes_after
    assert reports[0]["size_bytes_before"] == direct.size_bytes_before
    assert model.cell(2, "Size on disk") == size_text(direct.size_bytes_after)
    assert model.cell(0, "Size on disk") == size_text(direct.size_bytes_before)
    assert model.cell(2, "Smaller by") == f"{direct.size_ratio:.1f}×"
    assert model.cell(0, "NDCG@10") == f"{ease.metrics['ndcg@10']:.4f}"
    col = model.headers().index("NDCG@10")
    for row, r in ((1, reports[0]), (2, reports[1])):
        change = r["relative_change"]["ndcg@10"]
        assert model.cell(row, "NDCG@10").startswith(f"{r['metrics_after']['ndcg@10']:.4f}")
        assert f"{abs(change) * 100:.1f}%" in model.cell(row, "NDCG@10")
        assert model.data(model.index(row, col), Qt.ItemDataRole.ForegroundRole) == expected_colour(change)
    assert model.cell(1, "Peak memory") == size_text(reports[0]["peak_memory_after"])
    assert model.cell(1, "ms per 1k customers") == f"{reports[0]['latency_ms_per_1k_after']:,.0f}"
    assert pane.summary_label.text().startswith(f"ease: {size_text(direct.size_bytes_before)} on disk")

    # the Pareto chart: the engine's points, original first, front flags as computed
    pane.k_combo.setCurrentIndex(pane.k_combo.findData(10))
    points = pareto_points([_report(r) for r in reports], "ndcg@10")
    assert [p["method"] for p in pane.plot.points] == ["original", "int8", "topk:100"]
    assert [p["pareto"] for p in pane.plot.points] == [p["pareto"] for p in points] == [
        p["pareto"] for p in sweep["pareto"]["10"]]
    spots = pane.plot.scatter.points()
    assert len(spots) == 3 and "top 100 links" in spots[2].data()[1]
    assert [s.symbol() for s in spots][:1] == ["star"]
    pane.plot._clicked(pane.plot.scatter, [spots[2]])   # clicking a point selects its row
    assert pane.selected_row() == 2 and pane.keep_button.isEnabled()

    # K switches the metric columns and the chart
    pane.k_combo.setCurrentIndex(pane.k_combo.findData(20))
    assert "NDCG@20" in model.headers()
    assert model.cell(2, "NDCG@20").startswith(f"{reports[1]['metrics_after']['ndcg@20']:.4f}")
    assert [p["value"] for p in pane.plot.points] == [p["value"] for p in sweep["pareto"]["20"]]
    assert pane.selected_row() == 2

    # keep topk:100 as a new run: compressed, child of EASE, evaluated, in the Leaderboard
    with qtbot.waitSignal(pane.controller.kept, timeout=WAIT_MS) as blocker:
        pane.keep_button.click()
    kept = blocker.args[0]
    assert window.state.runs[-1] is kept and window.state.run_id == kept.id
    assert kept.kind == "compressed" and kept.parent == ease.id and kept.name == "ease · top 100 links"
    assert kept.info["compression"]["method"] == "topk:100"
    assert kept.info["compression"]["size_bytes_after"] == direct.size_bytes_after
    assert kept.metrics["ndcg@10"] == pytest.approx(reports[1]["metrics_after"]["ndcg@10"], abs=1e-9)
    assert set(kept.metrics) >= {"ndcg@5", "ndcg@10", "ndcg@20"}
    items, scores = kept.model.recommend([0, 1], 10)
    assert items.shape == (2, 10) and (scores[:, :-1] >= scores[:, 1:]).all()
    assert model.cell(2, "Method") == "top 100 links ✓" and model.cell(1, "Method") == "int8"
    assert "ease · top 100 links" in model.data(model.index(2, 0), Qt.ItemDataRole.ToolTipRole)
    assert window.leaderboard_pane.row_values("NDCG@10")[kept.name] == f"{kept.metrics['ndcg@10']:.4f}"
    assert pane.run_combo.findData(kept.id) < 0      # compressed runs are not starting points
    window.state.set_project(None)
    project.close()

    # the sweep is stored with the run: choosing another run and back shows it again
    choose(qtbot, pane, pop)
    assert model.rowCount() == 0 and "cannot be compressed" in pane.methods_note.text()
    assert not pane.sweep_button.isEnabled()
    choose(qtbot, pane, ease)
    assert model.rowCount() == 3 and model.cell(2, "Method") == "top 100 links ✓"
    assert len(pane.plot.points) == 3


def _report(d):
    from engine.compress import CompressReport
    fields = {k: v for k, v in d.items() if k in CompressReport.__dataclass_fields__}
    return CompressReport(**fields)


def test_errors_and_cancel(qtbot, window, pane, trained):
    ease = trained[3][0]
    choose(qtbot, pane, ease)
    only(pane, topk="")
    pane.sweep_button.click()
    assert pane.error_label.isVisible() and "at least one value" in pane.error_label.text()
    only(pane)
    pane.sweep_button.click()
    assert "Tick at least one method" in pane.error_label.text()
    only(pane, lowrank="abc")          # the engine validates the spec and says what is valid
    with qtbot.waitSignal(pane.controller.slot.failed, timeout=WAIT_MS):
        pane.sweep_button.click()
    assert "lowrank:64" in pane.error_label.text() and "Traceback" not in pane.error_label.text()
    assert pane.sweep_button.isEnabled()

    only(pane, int8=None, distill="8")
    with qtbot.waitSignal(pane.controller.slot.cancelled, timeout=WAIT_MS):
        pane.sweep_button.click()
        assert pane.strip.isVisibleTo(pane) and not pane.sweep_button.isEnabled()
        pane.strip.cancel_button.click()
    assert "Cancelled" in pane.error_label.text()
    assert "compression_sweep" not in ease.info and pane.table_model.rowCount() == 0
    assert pane.sweep_button.isEnabled() and not pane.strip.isVisibleTo(pane)
