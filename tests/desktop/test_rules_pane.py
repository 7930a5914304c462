"""Rules pane on the demo data with a real EASE run: JSON and form editing with inline
validation, the rules applied in the Inspector's before/after view, evaluation and sweep plot."""

import json
from collections import Counter

import pyqtgraph as pg
import pytest

from test_inspector_pane import WAIT_MS, demo_with_runs, put


@pytest.fixture(scope="module")
def trained(demo_path):
    return demo_with_runs(demo_path, ("ease",))


@pytest.fixture
def rules(qtbot, window, trained):
    put(window.state, *trained)
    window.show_pane(window.rules_pane)
    return window.rules_pane, trained[0], trained[3][0]


def set_json(qtbot, pane, spec) -> None:
    pane.editor_tabs.setCurrentWidget(pane.json_edit)
    pane.json_edit.setPlainText(spec if isinstance(spec, str) else json.dumps(spec))
    qtbot.waitUntil(lambda: not pane._validate_timer.isActive(), timeout=5000)


def test_max_two_per_category_and_excluded_items_hold_in_inspector(qtbot, window, rules):
    pane, ds, run = rules
    inspector = window.inspector_pane
    # exclude the items EASE recommends most often at rank 1
    top1, _ = run.model.recommend(range(run.model.n_users), 1)
    banned = [str(run.model.item_ids_[i]) for i, _ in Counter(top1[:, 0].tolist()).most_common(3)]
    banned = [int(b) if b.isdigit() else b for b in banned]
    spec = {"rules": [{"type": "max_per", "column": "category", "n": 2},
                      {"type": "exclude_items", "items": banned}]}
    set_json(qtbot, pane, spec)
    assert pane.valid_label.text().startswith("✓ 2 rules, valid"), pane.valid_label.text()
    assert pane.form.rule_list.count() == 2 and pane.form.rule_list.item(0).text() == "1. At most 2 per category"
    assert pane.book.active == spec
    window.show_pane(inspector)
    cats = ds.catalog.frame["category"]
    users = run.model.user_ids_[::max(1, run.model.n_users // 15)][:15]
    reasons = []
    for user in users:
        with qtbot.waitSignal(inspector.controller.customer.done, timeout=WAIT_MS,
                              check_params_cb=lambda view, _tag: str(view.user) == str(int(user))):
            inspector.show_user(int(user))
        after = inspector.after_box.model
        assert after.rowCount() == 10
        items = [after.value(r, "item") for r in range(10)]
        assert max(Counter(cats.loc[items]).values()) <= 2
        assert not set(map(str, items)) & set(map(str, banned))
        before = [inspector.before_box.model.value(r, "item") for r in range(10)]
        assert before == [inspector.view.top_a["item"].iloc[r] for r in range(10)]
        # every item that moved or left the list says why
        assert all(after.value(r, "reasons") for r in range(10) if after.value(r, "move") != "=")
        removed = inspector.removed_box.model
        reasons += [removed.value(r, "reasons") for r in range(removed.rowCount())]
    assert all(reasons) and "excluded: listed item" in reasons
    assert any(r.startswith("demoted: 3rd in category") for r in reasons)
    assert "Rule set" in inspector.rules_label.text()


def test_invalid_json_and_unknown_column_are_named(qtbot, window, rules):
    pane, *_ = rules
    set_json(qtbot, pane, '{"rules": [{"type": "max_per", "column": "category", "n": 2,}]}')
    assert pane.valid_label.objectName() == "error"
    assert "rules are not valid JSON" in pane.valid_label.text() and "line 1" in pane.valid_label.text()
    assert not pane.evaluate_button.isEnabled()
    set_json(qtbot, pane, {"rules": [{"type": "max_per", "column": "brand", "n": 2}]})
    assert "rule 1 (max_per): column 'brand' is not in the catalog" in pane.valid_label.text()
    set_json(qtbot, pane, {"rules": [{"type": "long_tail", "weight": -1}]})
    assert "rule 1 (long_tail): weight must be in [0.0, 1.0]" in pane.valid_label.text()
    assert pane.valid_spec is None


def test_form_edits_write_json(qtbot, window, rules):
    pane, *_ = rules
    set_json(qtbot, pane, {"rules": []})
    pane.editor_tabs.setCurrentWidget(pane.form)
    pane.form.add_rule("max_per")
    pane.form.add_rule("long_tail")
    spec = json.loads(pane.json_edit.toPlainText())
    assert spec == {"rules": [{"type": "max_per", "column": "category", "n": 2},
                              {"type": "long_tail", "weight": 0.5}]}
    assert pane.valid_spec == {"rules": [{"type": "max_per", "column": "category", "n": 2},
                                         {"type": "long_tail", "weight": 0.5}]}
    pane.form.up_button.click()                 # long_tail first
    assert json.loads(pane.json_edit.toPlainText())["rules"][0]["type"] == "long_tail"


def test_evaluate_shows_metrics_and_sweep(qtbot, window, rules):
    pane, ds, run = rules
    set_json(qtbot, pane, {"rules": [{"type": "max_per", "column": "category", "n": 2}]})
    pane.weights_edit.setText("0, 0.5, 1")
    with qtbot.waitSignal(pane.controller.slot.done, timeout=WAIT_MS) as done:
        pane.evaluate_button.click()
    (ev, sweep), k = done.args
    model = pane.metrics_model
    names = [model.data(model.index(r, 0)) for r in range(model.rowCount())]
    assert names[:3] == ["NDCG@10", "Precision@10", "Recall@10"] and "Coverage@10" in names
    row = names.index("Coverage@10")
    assert model.data(model.index(row, 1)) == f"{round(ev.raw_metrics['coverage@10'], 4):.6g}"
    assert model.data(model.index(row, 2)) == f"{round(ev.metrics['coverage@10'], 4):.6g}"
    assert pane.exposure_model.rowCount() > 5 and "category" in pane.exposure_label.text()
    assert [p["weight"] for p in sweep] == [0.0, 0.5, 1.0]
    assert pane.sweep_plot.has_data()
    labels = pane.sweep_labels.items
    assert sorted(t.textItem.toPlainText() for t in labels) == ["w=0", "w=0.5", "w=1"]
    x, y = pane.sweep_plot._items[0].getData()
    assert list(x) == [p["coverage@10"] for p in sweep] and list(y) == [p["ndcg@10"] for p in sweep]
    assert sweep[1]["coverage@10"] > sweep[0]["coverage@10"]   # the boost reaches more items
    # beaten weights are drawn grey: one scatter per kind, as many spots as points of that kind
    spots = [it for it in pane.sweep_plot._items if isinstance(it, pg.ScatterPlotItem)]
    assert sum(len(s.points()) for s in spots) == len(sweep)
    grey = {f"w={p['weight']:g}" for p in sweep if not p["efficient"]}
    assert all(t.color.name() == "#6b7280" for t in labels if t.textItem.toPlainText() in grey)


def test_rule_sets_persist_in_the_project(qtbot, window, rules, tmp_path):
    from engine.store.project import Project
    from desktop.controllers.rules_controller import RuleBook
    pane, *_ = rules
    project = Project.create(tmp_path / "shop.recscope")
    window.state.set_project(project)
    assert "saved in the project" in pane.store_label.text()
    spec = {"rules": [{"type": "max_per", "column": "category", "n": 3}]}
    set_json(qtbot, pane, spec)
    pane.save_set("Three per category")
    assert project.load_rules()["Three per category"].to_dict() == spec
    assert pane.book.active_name == "Three per category" and pane.book.active == spec
    project.close()
    # another session opening the project gets the rule set back
    from desktop.state import AppState
    other = AppState()
    other.set_project(Project.open(tmp_path / "shop.recscope"))
    assert RuleBook(other).sets["Three per category"] == spec
    other.project.close()


def test_default_rules_show_exposure_labels_apart_and_new_rules_start_valid(qtbot, window, rules):
    """The default long-tail rule set on the demo: exposure by group is filled (not empty), the sweep's
    labels do not cover each other, and a new "Exclude where" rule is valid as it is added."""
    from desktop.plots.labels import overlaps
    pane, ds, run = rules
    set_json(qtbot, pane, {"rules": [{"type": "long_tail", "weight": 0.5}]})
    pane.weights_edit.setText("0, 0.2, 0.4, 0.5, 0.6, 0.8, 1")
    with qtbot.waitSignal(pane.controller.slot.done, timeout=WAIT_MS):
        pane.evaluate_button.click()
    assert pane.exposure_model.rowCount() >= 3 and "Exposure by" in pane.exposure_label.text()
    shown = [pane.exposure_model.data(pane.exposure_model.index(0, c)) for c in range(4)]
    assert all(v.endswith("%") for v in shown[1:])
    def apart() -> bool:
        boxes = [t.sceneBoundingRect() for t in pane.sweep_labels.items]
        return len(boxes) >= 2 and not any(a.intersects(b) for i, a in enumerate(boxes) for b in boxes[i + 1:])
    qtbot.waitUntil(apart, timeout=5000)                            # once the sweep plot's view is laid out
    texts = " ".join(pane.sweep_labels.shown())
    assert all(f"w={w:g}" in texts for w in (0, 0.2, 0.4, 0.5, 0.6, 0.8, 1))    # hidden ones would be missing
    assert overlaps((0, 0, 2, 2), (1, 1, 3, 3)) and not overlaps((0, 0, 1, 1), (2, 2, 3, 3))

    pane.editor_tabs.setCurrentWidget(pane.form)
    pane.form.add_rule("exclude_where")
    assert pane.valid_label.text().startswith("✓ 2 rules, valid"), pane.valid_label.text()
    added = pane.form.rules[-1]
    assert added["value"] not in ("", None) and added["column"] in pane.controller.columns()


def test_rule_edits_can_be_undone_and_redone(qtbot, window, rules):
    pane, ds, run = rules
    set_json(qtbot, pane, {"rules": [{"type": "long_tail", "weight": 0.5}]})
    pane.editor_tabs.setCurrentWidget(pane.form)
    pane.form.add_rule("max_per")
    pane.form.add_rule("diversity")
    assert [r["type"] for r in pane.form.rules] == ["long_tail", "max_per", "diversity"]
    assert pane.undo_action.isEnabled() and pane.undo_action.shortcut().matches(
        __import__("PySide6.QtGui", fromlist=["QKeySequence"]).QKeySequence("Ctrl+Z")).name == "ExactMatch"
    pane.undo_action.trigger()
    assert [r["type"] for r in pane.form.rules] == ["long_tail", "max_per"]
    pane.undo_action.trigger()
    assert [r["type"] for r in pane.form.rules] == ["long_tail"]
    assert '"long_tail"' in pane.json_edit.toPlainText() and '"max_per"' not in pane.json_edit.toPlainText()
    assert pane.book.active == {"rules": [{"type": "long_tail", "weight": 0.5}]}      # the Inspector follows
    pane.redo_action.trigger()
    assert [r["type"] for r in pane.form.rules] == ["long_tail", "max_per"]
    pane.undo_action.trigger()
    set_json(qtbot, pane, {"rules": [{"type": "long_tail", "weight": 0.9}]})          # JSON edits count too
    pane.undo_action.trigger()
    assert pane.form.rules == [{"type": "long_tail", "weight": 0.5}]
