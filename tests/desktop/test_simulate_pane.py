"""Simulate pane on the demo data: bandit policies and a real EASE run's top-1 replayed on the
customers' baskets; the pane shows the engine's numbers and curves."""

import pytest

from engine.simulate.basket_log import basket_log, simulate
from test_inspector_pane import WAIT_MS, demo_with_runs, put


@pytest.fixture(scope="module")
def trained(demo_path):
    return demo_with_runs(demo_path, ("ease",))


def test_policies_curves_and_matched_counts(qtbot, window, trained):
    put(window.state, *trained)
    ds, run = trained[0], trained[3][0]
    pane = window.simulate_pane
    window.show_pane(pane)
    pane.model_check.setChecked(True)
    pane.model_combo.setCurrentIndex(pane.model_combo.findData(run.id))
    pane.n_arms.setValue(8)
    pane.seed_spin.setValue(3)
    with qtbot.waitSignal(pane.controller.finished, timeout=WAIT_MS):
        pane.run_button.click()
    specs = ["egreedy:0.1", "ucb:1", "thompson", f"model:{run.id}"]
    log = basket_log(ds.interactions, ds.catalog, "category", 8, 3)
    expected = simulate(log, specs, {run.id: run.model}, 3)
    table = pane.table_model
    assert table.rowCount() == 4
    assert [table.data(table.index(r, 0)) for r in range(4)] == [
        "ε-greedy (ε=0.1)", "UCB1 (α=1)", "Thompson sampling", f"{run.name}'s top-1"]
    matched_col = table.columns.index("Matched events")
    assert [int(table.data(table.index(r, matched_col))) for r in range(4)] == [r.matched for r in expected]
    for label, r in zip(["ε-greedy (ε=0.1)", "UCB1 (α=1)"], expected):
        assert f"{label} <b>{r.matched:,}</b>" in pane.matched_label.text()
    assert f"of {log.n_events:,}" in pane.matched_label.text()
    assert pane.reward_plot.has_data() and pane.regret_plot.has_data()
    curves = [it for it in pane.reward_plot._items]
    assert len(curves) == 4 and all(len(c.getData()[0]) > 10 for c in curves)
    assert list(curves[0].getData()[1]) == list(expected[0].cumulative_reward)
    # the demo log is small: the plain-language caveat is shown
    assert all(r.caveat for r in expected)
    assert pane.caveat_label.isVisible() and "Only" in pane.caveat_label.text()
    assert "model was trained on part of these baskets" in pane.caveat_label.text()


def test_no_policy_and_cancel(qtbot, window, trained):
    put(window.state, *trained)
    pane = window.simulate_pane
    window.show_pane(pane)
    for box in (pane.egreedy_check, pane.ucb_check, pane.thompson_check, pane.model_check):
        box.setChecked(False)
    pane.run_button.click()
    assert pane.error_label.isVisible() and "at least one policy" in pane.error_label.text()
    pane.thompson_check.setChecked(True)
    with qtbot.waitSignal(pane.controller.cancelled, timeout=WAIT_MS):
        pane.run_button.click()
        pane.strip.cancel_button.click()
    assert "cancelled" in pane.error_label.text() and pane.run_button.isEnabled()
