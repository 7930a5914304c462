"""Explain pane on the demo data with real EASE / SASRec / two-tower / most-popular runs: the
contributions chart adds up to the score, SASRec's attention heat map is labelled with the history,
the SHAP waterfall adds up to the margin, the latent map is interactive, faithfulness scores
appear beside the methods, and models without a method or embeddings say so."""

import dataclasses
import re

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication

from desktop.plots.axes import elide
from engine.data import open_dataset
from engine.data.profile import profile
from engine.data.splits import split
from engine.explain.api import methods_for
from engine.runs import train_run

WAIT_MS = 60_000
FAST = {"ease": {}, "pop": {},
        "sasrec": {"epochs": 1, "hidden": 16, "max_len": 20, "blocks": 1, "batch_size": 256, "device": "cpu"},
        "twotower": {"factors": 16, "epochs": 2, "negatives": 256, "text": False, "device": "cpu"}}


@pytest.fixture(scope="module")
def trained(demo_path):
    ds = open_dataset(demo_path)
    parts = split(ds.interactions, "random", 0.2, seed=0)
    runs = {name: train_run(name, params, parts, catalog=ds.catalog, name=name) for name, params in FAST.items()}
    return ds, profile(ds.interactions), parts, runs


@pytest.fixture
def pane(qapp, qtbot, trained, tmp_path, monkeypatch):
    monkeypatch.setenv("RECSCOPE_LOG_DIR", str(tmp_path / "logs"))
    from desktop.startup import create_app
    from desktop.state import AppState
    from desktop.tasks import TaskRunner
    from desktop.controllers.finder import Finder
    from desktop.controllers.explain_controller import ExplainController
    from desktop.views.explain_pane import ExplainPane
    create_app([])
    state, runner = AppState(), TaskRunner()
    view = ExplainPane(state, ExplainController(state, runner), Finder(state, runner))

    def stop(_widget):                   # before pytest-qt closes the pane: let every task finish
        runner.cancel_all()
        runner.wait(10_000)
        qtbot.waitUntil(lambda: not runner.active, timeout=10_000)

    qtbot.addWidget(view, before_close_func=stop)
    view.resize(1216, 720)
    view.show()
    ds, prof, parts, runs = trained
    state.set_dataset(ds, prof)
    state.set_split(parts)
    for run in runs.values():
        state.add_run(run)
    return view


def explain(qtbot, pane, run, user=None, item=None):
    """Select run / user / item and wait until the cards show the explanations."""
    with qtbot.waitSignal(pane.controller.explain.done, timeout=WAIT_MS):
        pane.state.select(run_id=run.id, user=user if user is not None else pane.state.user, item=item)
    qtbot.waitUntil(lambda: pane.explanations is not None and pane.explanations.run_id == run.id, timeout=WAIT_MS)
    return pane.explanations


def test_contributions_bars_add_up_to_the_score_shown(qtbot, pane, trained):
    ds, _, _, runs = trained
    ease = runs["ease"]
    user = int(ease.model.user_ids_[3])
    ex = explain(qtbot, pane, ease, user=user)
    # only what EASE supports is offered, and the explained item is the customer's top-1
    assert list(pane.method_bar.buttons) == methods_for(ease.model) == ["contributions", "counterfactual"]
    top = ease.model.item_ids_[ease.model.recommend([ease.model.user_index(user)], 10)[0][0]]
    assert str(pane.state.item) == str(top[0]) and pane.top_list.count() == 10
    assert pane.top_list.item(0).text().startswith("1. ")
    card = pane.cards["contributions"]
    att = ex.results["contributions"]
    bars = card.plot.values
    assert len(bars) >= 1 and abs(sum(bars) - att.target) < 1e-4      # EASE: no baseline
    assert f"Score {att.target:.4f}" in card.caption.text()
    shown = re.search(r"<b>Score ([-\d.]+)</b>.*<b>([-\d.]+)</b>", card.caption.text())
    assert abs(float(shown.group(1)) - float(shown.group(2))) < 1e-3
    # bars are labelled with the catalog titles of the customer's history, the best one first
    hist = ease.model.item_ids_[ease.model.seen_[ease.model.user_index(user)].indices]
    titles = set(ds.catalog.titles(list(hist)))
    assert set(card.plot.labels[:-1] if len(att.values) > len(bars) else card.plot.labels) <= titles
    assert card.plot.axis.labels[0] == elide(card.plot.labels[0], card.plot.label_width)
    best = att.labels[int(np.argmax(att.values))]
    assert card.because.text().startswith("Because this customer bought") and best.strip() in card.because.text()
    assert card.header.text() == "Contributions"
    assert f"for customer {user}?" in pane.headline.text()
    # the counterfactual in words, with the list of removed items
    cf = ex.results["counterfactual"]
    words = pane.cards["counterfactual"].sentence.text()
    if cf.found and cf.removed:
        assert words.startswith("Had this customer not bought") and f"rank {cf.rank_after}" in words
    assert pane.cards["counterfactual"].removed.count() == len(cf.removed)


def test_clicking_another_recommendation_explains_it(qtbot, pane, trained):
    ease = trained[3]["ease"]
    explain(qtbot, pane, ease, user=int(ease.model.user_ids_[5]))
    with qtbot.waitSignal(pane.controller.explain.done, timeout=WAIT_MS):
        pane.top_list.setCurrentRow(2)
    wanted = pane.top_list.item(2).data(Qt.ItemDataRole.UserRole)
    qtbot.waitUntil(lambda: pane.explanations is not None and str(pane.explanations.item) == str(wanted))
    assert str(pane.state.item) == str(wanted) and "(rank 3)" in pane.headline.text()


def test_sasrec_attention_heatmap_is_labelled_with_the_history(qtbot, pane, trained):
    sasrec = trained[3]["sasrec"]
    ex = explain(qtbot, pane, sasrec, user=int(sasrec.model.user_ids_[10]))
    assert list(pane.method_bar.buttons) == methods_for(sasrec.model)
    assert "contributions" not in pane.method_bar.buttons and "attention" in pane.method_bar.buttons
    amap = ex.results["attention"]
    card = pane.cards["attention"]
    n = len(amap.labels)
    assert card.heatmap.matrix.shape == (n, n) == amap.weights.shape[2:]
    assert card.heatmap.image.image.shape == (n, n)
    assert card.layer.count() == amap.weights.shape[0] and card.head.count() == amap.weights.shape[1]
    labels = [elide(f"{p + 1}. {t}", card.heatmap.label_width) for p, t in enumerate(amap.labels)]
    assert card.heatmap.left_axis.labels == labels and card.heatmap.bottom_axis.labels == labels
    assert card.heatmap.bar.levels()[1] == pytest.approx(float(amap.weights[-1, 0][1:].max()))
    np.testing.assert_allclose(card.heatmap.matrix.sum(axis=1), 1.0, atol=1e-4)   # causal rows sum to 1
    assert sum(card.bars.values) == pytest.approx(1.0, abs=1e-4)                 # last row, every position
    assert "saliency" in ex.results and "ig" in ex.results
    # the slanted column labels fit the axis' drawn (and cached) area: the first ones reach left of it
    import math
    from PySide6.QtCore import QPointF
    from PySide6.QtGui import QFontMetrics
    from desktop.plots.axes import tick_font
    pane.method_bar.set_current("attention")
    axis, view = card.heatmap.bottom_axis, card.heatmap.getPlotItem().vb
    reach = QFontMetrics(tick_font()).horizontalAdvance(labels[0]) * math.cos(math.radians(axis.angle))

    def first_label_inside() -> bool:
        x0 = axis.mapFromScene(view.mapViewToScene(QPointF(0.5, 0))).x()
        return x0 - reach >= axis.boundingRect().left()
    qtbot.waitUntil(first_label_inside, timeout=5000)               # once the shown card is laid out


def test_twotower_shap_waterfall_adds_up_to_the_margin(qtbot, pane, trained):
    tt = trained[3]["twotower"]
    ex = explain(qtbot, pane, tt, user=int(tt.model.user_ids_[2]))
    assert "shap" in pane.method_bar.buttons
    pane.method_bar.set_current("shap")
    card = pane.cards["shap"]
    assert pane.card_stack.currentWidget() is card
    att = ex.results["shap"]
    w = card.plot
    assert w.baseline + sum(w.values) == pytest.approx(w.total, abs=1e-6) and w.total == pytest.approx(att.target)
    assert sorted(w.labels) == sorted(att.labels)
    names = w.axis.labels
    assert names[0].startswith("expected margin") and len(names) == len(att.labels) + 2
    assert "margin over the item ranked 11" in names[-1] or "gap to the item ranked 10" in names[-1]
    assert card.caption.text().startswith(f"<b>Margin {att.target:+.4f}</b>")


def send_mouse(widget, kind, at, button=Qt.MouseButton.NoButton):
    """Deliver a mouse event at widget position ``at`` (QTest's offscreen moves can land offset)."""
    buttons = button if kind == QEvent.Type.MouseButtonPress else Qt.MouseButton.NoButton
    event = QMouseEvent(kind, QPointF(at), QPointF(widget.mapToGlobal(at)), button, buttons,
                        Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, event)


def free_point(scatter):
    """Widget position of a drawn point with no marker or other point near it."""
    view = scatter.getPlotItem().vb
    scene = [view.mapViewToScene(QPointF(*xy)) for xy in scatter.xy]
    px = np.array([[p.x(), p.y()] for p in scene])
    taken = np.array([[x, y] for s in (scatter.history, scatter.recommended, scatter.user, scatter.selected)
                      for x, y in zip(*s.getData())]).reshape(-1, 2)
    taken_px = np.array([[q.x(), q.y()] for q in (view.mapViewToScene(QPointF(*t)) for t in taken)]).reshape(-1, 2)
    inside = view.sceneBoundingRect().adjusted(12, 12, -12, -12)
    for i in np.argsort(-px[:, 0]):
        d = np.hypot(*(px - px[i]).T)
        if (inside.contains(scene[i]) and np.sort(d)[1] > 9
                and (len(taken_px) == 0 or np.hypot(*(taken_px - px[i]).T).min() > 16)):
            return scatter.mapFromScene(scene[i])
    pytest.fail("no free point to hover")


def test_latent_map_one_point_per_item_hover_and_click_select(qtbot, pane, trained):
    tt = trained[3]["twotower"]
    explain(qtbot, pane, tt, user=int(tt.model.user_ids_[2]))
    tab = pane.latent_tab
    with qtbot.waitSignal(pane.controller.latent.done, timeout=WAIT_MS):
        pane.tabs.setCurrentWidget(tab)
    qtbot.waitUntil(lambda: tab.view is not None)
    lmap = tab.view.map
    points = tab.scatter.points
    assert len(points.data) == len(lmap.ids) == len(np.unique(lmap.ids)) > 100
    p = tab.view.placement
    assert len(tab.scatter.recommended.data) == int(np.isfinite(p.recommended_xy).all(axis=1).sum()) == 10
    assert tab.factors.matrix.shape == (11, 16)
    # hover a point with the mouse: the label names the item
    at = free_point(tab.scatter)
    send_mouse(tab.scatter.viewport(), QEvent.Type.MouseMove, at)
    qtbot.waitUntil(lambda: tab.scatter.hovered >= 0, timeout=5_000)
    assert lmap.labels[tab.scatter.hovered] in tab.hover_label.text()
    # clicking it selects the item for the whole app and explains it
    with qtbot.waitSignal(pane.controller.explain.done, timeout=WAIT_MS):
        send_mouse(tab.scatter.viewport(), QEvent.Type.MouseButtonPress, at, Qt.MouseButton.LeftButton)
        send_mouse(tab.scatter.viewport(), QEvent.Type.MouseButtonRelease, at, Qt.MouseButton.LeftButton)
    clicked = lmap.ids[tab.scatter.hovered]
    assert str(pane.state.item) == str(clicked)
    qtbot.waitUntil(lambda: tab.neighbours.count() == 10, timeout=WAIT_MS)
    assert len(tab.scatter.selected.data) == 1


def test_latent_map_labels_show_titles_as_plain_text(qtbot, pane, trained, tmp_path):
    tt = trained[3]["twotower"]
    explain(qtbot, pane, tt, user=int(tt.model.user_ids_[3]))
    tab = pane.latent_tab
    pane.tabs.setCurrentWidget(tab)
    qtbot.waitUntil(lambda: tab.view is not None, timeout=WAIT_MS)
    hostile = f"<img src={tmp_path / 'x.png'} width=4000><b>bold</b>"  # a client's title, not markup
    tab.view = dataclasses.replace(tab.view, map=dataclasses.replace(tab.view.map,
                                                                     labels=(hostile, *tab.view.map.labels[1:])))
    tab._hovered(0)
    tab._select(tab.point_item(0))
    for label in (tab.hover_label, tab.selected_label):
        assert label.textFormat() == Qt.TextFormat.PlainText and hostile in label.text()


def test_faithfulness_scores_beside_each_method(qtbot, pane, trained):
    ease = trained[3]["ease"]
    explain(qtbot, pane, ease, user=int(ease.model.user_ids_[1]))
    pane.faith_users.setValue(20)
    with qtbot.waitSignal(pane.controller.faith_measured, timeout=WAIT_MS):
        pane.faith_button.click()
    header = pane.cards["contributions"].header.text()
    found = re.fullmatch(r"Contributions — faithfulness AOPC (\d\.\d\d) \(random (\d\.\d\d); "
                         r"history items deleted, ([\d,]+) pairs\)", header)
    result = pane.controller.faithfulness[ease.id]
    assert found and float(found.group(1)) == pytest.approx(result.aopc["contributions"], abs=0.005)
    assert float(found.group(2)) == pytest.approx(result.aopc["random"], abs=0.005)
    assert "AOPC" in pane.method_bar.buttons["contributions"].text()
    assert "no deletion score" in pane.cards["counterfactual"].header.text()
    assert found.group(3) == f"{result.pairs:,}"
    assert f"History items deleted, {result.pairs:,} customer–item pairs: contributions" in pane.faith_label.text()


def test_feature_and_factor_scores_for_the_two_tower_model(qtbot, pane, trained):
    from desktop.views.explain_pane import _aopc
    assert _aopc(-0.001) == "0.00" and _aopc(0.456) == "0.46"
    tt = trained[3]["twotower"]
    explain(qtbot, pane, tt, user=int(tt.model.user_ids_[2]))
    pane.faith_users.setValue(20)
    with qtbot.waitSignal(pane.controller.faith_measured, timeout=WAIT_MS):
        pane.faith_button.click()
    result = pane.controller.faithfulness[tt.id]
    zeroed = (result.feature_aopc, "input features zeroed", result.feature_pairs)
    shown = {"saliency": zeroed, "ig": zeroed,
             "shap": (result.shap_aopc, "input features set to SHAP's background", result.shap_pairs),
             "latent": (result.factor_aopc, "latent factors zeroed", result.factor_pairs),
             "contributions": (result.aopc, "history items deleted", result.pairs)}
    for method, (aopc, test, pairs) in shown.items():
        header = pane.cards[method].header.text()
        assert header.endswith(f"faithfulness AOPC {_aopc(aopc[method])} (random {_aopc(aopc['random'])}; "
                               f"{test}, {pairs:,} pairs)"), header
        assert pane.method_bar.buttons[method].text().endswith(f"AOPC {_aopc(aopc[method])}")
    lines = pane.faith_label.text().splitlines()
    assert len(lines) == 6 and lines[5].startswith("AOPC: delete what a method calls most important") and lines[3] == (f"Input features set to SHAP's background, {result.shap_pairs:,} "
                                            f"customer–item pairs: shap {_aopc(result.shap_aopc['shap'])}, "
                                            f"random {_aopc(result.shap_aopc['random'])}")
    assert lines[4].startswith(f"Latent factors zeroed, {result.factor_pairs:,} customer–item pairs: latent factors ")


def test_models_without_methods_or_embeddings_say_so(qtbot, pane, trained):
    pop = trained[3]["pop"]
    with qtbot.waitSignal(pane.controller.top.done, timeout=WAIT_MS):
        pane.state.select(run_id=pop.id, user=int(pop.model.user_ids_[0]))
    qtbot.waitUntil(lambda: pane.top is not None)
    assert not pane.method_bar.buttons
    assert "No explanation method fits the model pop" in pane.empty.text()
    pane.tabs.setCurrentWidget(pane.latent_tab)
    qtbot.waitUntil(lambda: pane.latent_tab.pages.currentWidget() is pane.latent_tab.empty)
    assert "has no latent vectors" in pane.latent_tab.empty.text()
    assert pane.tabs.isTabEnabled(pane.tabs.indexOf(pane.summary_tab)) is False


def test_unknown_customer_and_shap_summary_with_cancel(qtbot, pane, trained):
    tt = trained[3]["twotower"]
    explain(qtbot, pane, tt, user=int(tt.model.user_ids_[0]))
    pane.choose_user("no-such-customer")
    assert pane.message.isVisible() and "No customer with id 'no-such-customer'" in pane.message.text()
    tab = pane.summary_tab
    pane.tabs.setCurrentWidget(tab)
    tab.pairs.setValue(50)
    with qtbot.waitSignal(pane.controller.summary.done, timeout=WAIT_MS):
        tab.run_button.click()
    n_features = len(tab.swarm.features)
    assert n_features > 1 and tab.swarm.points == 50 * n_features and len(tab.bars.values) == n_features
    assert tab.title.text().startswith("What drives the top 10")


def test_why_this_item_in_the_inspector_opens_its_explanation(qtbot, window, trained):
    ds, prof, parts, runs = trained
    ease = runs["ease"]
    window.state.set_dataset(ds, prof)
    window.state.set_split(parts)
    window.state.add_run(ease)
    inspector, explain_pane = window.inspector_pane, window.explain_pane
    window.show_pane(inspector)
    user = int(ease.model.user_ids_[4])
    with qtbot.waitSignal(inspector.controller.customer.done, timeout=WAIT_MS,
                          check_params_cb=lambda view, _tag: str(view.user) == str(user)):
        inspector.show_user(user)
    inspector.list_a.table.clicked.emit(inspector.list_a.model.index(3, 0))
    item = inspector.list_a.model.value(3, "item")
    with qtbot.waitSignal(explain_pane.controller.explain.done, timeout=WAIT_MS):
        inspector.why_button.click()
    assert window.stack.currentWidget() is explain_pane
    qtbot.waitUntil(lambda: explain_pane.explanations is not None
                    and str(explain_pane.explanations.item) == str(item), timeout=WAIT_MS)
    assert "(rank 4)" in explain_pane.headline.text() and f"customer {user}?" in explain_pane.headline.text()
    assert explain_pane.top_list.currentRow() == 3
    assert abs(sum(explain_pane.cards["contributions"].plot.values)
               - explain_pane.explanations.results["contributions"].target) < 1e-4


def test_switching_the_model_explains_an_item_the_new_model_recommends(qtbot, pane, trained):
    """An item of EASE's list that the most-popular model does not recommend: after switching to that
    model the pane explains one of its own recommendations, not why the old item is missing."""
    from engine.lists.inspector import top_n
    ease, pop = trained[3]["ease"], trained[3]["pop"]
    user = int(ease.model.user_ids_[6])
    explain(qtbot, pane, ease, user=user)
    pop_items = {str(i) for i in top_n(pop.model, user, 10)["item"]}
    item = next(i for i in pane.top.frame["item"].tolist()[1:] if str(i) not in pop_items)   # not the one shown
    explain(qtbot, pane, ease, user=user, item=item)
    assert str(pane.state.item) == str(item)
    pane.run_combo.setCurrentIndex(pane.run_combo.findData(pop.id))
    qtbot.waitUntil(lambda: pane.run_id == pop.id and pane.top is not None
                    and str(pane.state.item) in pop_items, timeout=WAIT_MS)
    assert str(pane.state.item) != str(item) and "not in their top list" not in pane.headline.text()
    pane.run_combo.setCurrentIndex(pane.run_combo.findData(ease.id))     # an item both recommend is kept
    qtbot.waitUntil(lambda: pane.run_id == ease.id and pane.top is not None, timeout=WAIT_MS)
    ease_items = {str(i) for i in pane.top.frame["item"]}
    assert str(pane.state.item) in ease_items


def test_every_term_on_the_cards_is_explained(qtbot, pane, trained):
    """AOPC, u_k·v_k, "factor N", PCA, and the score beside SHAP's margin each get a plain sentence where
    they appear."""
    tt = trained[3]["twotower"]
    explain(qtbot, pane, tt, user=int(tt.model.user_ids_[2]))
    latent, shap, saliency = pane.cards["latent"], pane.cards["shap"], pane.cards["saliency"]
    assert "u_k · v_k" in latent.info.text() and "factor 54 = the 54th" in latent.info.text()
    assert "taste" in latent.plot.getPlotItem().getAxis("bottom").labelText
    assert "not its score" in shap.caption.text() and "<b>Margin</b>" in shap.info.text()
    assert "<b>Score</b>" in saliency.info.text() and "cannot be compared" in saliency.info.text()
    assert "AOPC" in pane.faith_button.toolTip()
    pane.tabs.setCurrentWidget(pane.latent_tab)
    with qtbot.waitSignal(pane.controller.latent.done, timeout=WAIT_MS):
        pane.latent_tab.request()
    assert "PCA flattens" in pane.latent_tab.caption.text() and "Principal component" in pane.latent_tab.projection.toolTip()
