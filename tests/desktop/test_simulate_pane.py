"""Simulate pane on the demo data: bandit policies, a real EASE run's top-1 and LinUCB over its user
vectors replayed on the customers' baskets; the pane shows the engine's numbers and curves."""

import pytest

from engine.simulate.basket_log import basket_log, simulate
from test_inspector_pane import WAIT_MS, demo_with_runs, put


@pytest.fixture(scope="module")
def trained(demo_path):
    return demo_with_runs(demo_path, ("ease", "itemknn"))


def test_policies_curves_and_matched_counts(qtbot, window, trained):
    put(window.state, *trained)
    ds, run = trained[0], trained[3][0]
    pane = window.simulate_pane
    window.show_pane(pane)
    pane.model_combo.setCurrentIndex(pane.model_combo.findData(run.id))
    pane.model_check.setChecked(True)
    assert pane.linucb_check.isEnabled()
    pane.linucb_check.setChecked(True)
    pane.linucb_alpha.setValue(0.5)
    pane.n_arms.setValue(8)
    pane.seed_spin.setValue(3)
    with qtbot.waitSignal(pane.controller.slot.done, timeout=WAIT_MS):
        pane.run_button.click()
    specs = ["egreedy:0.1", "ucb:1", "thompson", f"model:{run.id}", f"linucb:0.5@{run.id}"]
    log = basket_log(ds.interactions, ds.catalog, "category", 8, 3)
    expected = simulate(log, specs, {run.id: run.model}, 3)
    table = pane.table_model
    assert table.rowCount() == 5
    assert [table.data(table.index(r, 0)) for r in range(5)] == [
        "ε-greedy (ε=0.1)", "UCB1 (α=1)", "Thompson sampling", f"{run.name}'s top-1", f"LinUCB (α=0.5) on {run.name}"]
    matched_col = table.columns.index("Matched events")
    assert [int(table.data(table.index(r, matched_col))) for r in range(5)] == [r.matched for r in expected]
    explore_col = table.columns.index("Exploration")
    assert table.data(table.index(4, explore_col)) == f"{expected[4].exploration_share:.0%}"
    for label, r in zip(["ε-greedy (ε=0.1)", "UCB1 (α=1)", f"LinUCB (α=0.5) on {run.name}"],
                        [expected[0], expected[1], expected[4]]):
        assert f"{label} <b>{r.matched:,}</b>" in pane.matched_label.text()
    assert f"of {log.n_events:,}" in pane.matched_label.text()
    assert pane.reward_plot.has_data() and pane.regret_plot.has_data()
    curves = [it for it in pane.reward_plot._items]
    assert len(curves) == 5 and all(len(c.getData()[0]) > 10 for c in curves)
    assert list(curves[0].getData()[1]) == list(expected[0].cumulative_reward)
    assert list(curves[4].getData()[1]) == list(expected[4].cumulative_reward)
    assert list(pane.regret_plot._items[4].getData()[1]) == list(expected[4].regret)
    # the demo log is small: the plain-language caveat is shown
    assert all(r.caveat for r in expected)
    text = pane.caveat_label.text()
    assert pane.caveat_label.isVisible() and "Only" in text
    assert "model was trained on part of these baskets" in text
    assert f"cut to {expected[4].extra['context_dims'] - 1} principal components" in text
    # the result comes first: the caveats sit below the plots in a box of their own, no legend covers a curve
    import pyqtgraph as pg
    assert pane.arm_kind.currentText() == "Categories (category)" and "An arm is" in pane.arm_meaning.text()
    assert all(label in pane.legend_label.text() for label in ("ε-greedy", "UCB1", "Thompson", "LinUCB"))
    assert not [it for it in pane.reward_plot.scene().items() if isinstance(it, pg.LegendItem)]
    plots_bottom = pane.reward_plot.mapTo(pane, pane.reward_plot.rect().bottomLeft()).y()
    assert pane.caveats.isVisible() and pane.caveats.mapTo(pane, pane.caveats.rect().topLeft()).y() >= plots_bottom
    assert pane.reward_plot.height() > pane.caveats.height()


def test_arms_follow_the_catalog(demo_path):
    """The demo's catalog has no category column: arms are items unless the user picks the title's first word,
    which is named as such; a catalog with a category offers it first."""
    from desktop.views.simulate_pane import arm_choices
    from engine.data import open_dataset
    ds = open_dataset(demo_path)
    kinds = arm_choices(ds.catalog)
    assert kinds[0][:2] == ("item", "Top items") and kinds[1][1] == "First word of titles"
    with_category = demo_with_runs(demo_path, ())[0].catalog
    assert arm_choices(with_category)[0][:2] == ("category", "Categories (category)")
    assert [k for k, _, _ in arm_choices(None)] == ["item"]


def test_linucb_needs_a_model_with_user_vectors(qtbot, window, trained):
    put(window.state, *trained)
    pane = window.simulate_pane
    knn = trained[3][1]
    pane.model_combo.setCurrentIndex(pane.model_combo.findData(knn.id))
    assert not pane.linucb_check.isEnabled() and "no user vectors" in pane.linucb_check.toolTip()
    pane.linucb_check.setChecked(True)
    assert not any(s.startswith("linucb") for s in pane.policies()[0])
    pane.model_combo.setCurrentIndex(pane.model_combo.findData(trained[3][0].id))
    assert pane.linucb_check.isEnabled() and pane.policies()[0][-1] == f"linucb:1@{trained[3][0].id}"


def test_no_policy_and_cancel(qtbot, window, trained):
    put(window.state, *trained)
    pane = window.simulate_pane
    window.show_pane(pane)
    for box in (pane.egreedy_check, pane.ucb_check, pane.thompson_check, pane.model_check, pane.linucb_check):
        box.setChecked(False)
    pane.run_button.click()
    assert pane.error_label.isVisible() and "at least one policy" in pane.error_label.text()
    pane.thompson_check.setChecked(True)
    with qtbot.waitSignal(pane.controller.slot.cancelled, timeout=WAIT_MS):
        pane.run_button.click()
        pane.strip.cancel_button.click()
    assert "cancelled" in pane.error_label.text() and pane.run_button.isEnabled()
