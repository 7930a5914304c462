"""Split box on an export with an event-type column: one checkbox per event type decides which
held-out events stay in the test part (default: purchases only)."""

import pandas as pd
import pytest

SPLIT_MS = 60_000
PATTERN = ["view", "view", "cart", "purchase", "view", "purchase", "cart", "view"]


@pytest.fixture
def events_csv(tmp_path):
    """10 customers x 8 events (view / cart / purchase), one every hour, items I0..I4."""
    start = pd.Timestamp("2024-03-01 09:00")
    rows = [(u, f"I{(u + j) % 5}", PATTERN[(j + u) % len(PATTERN)],
             (start + pd.Timedelta(hours=j, minutes=u)).strftime("%Y-%m-%d %H:%M"))
            for u in range(1, 11) for j in range(len(PATTERN))]
    path = tmp_path / "events.csv"
    pd.DataFrame(rows, columns=["user", "item", "event", "timestamp"]).to_csv(path, index=False)
    return path


def _triples(inter) -> set:
    f = inter.to_frame()
    return set(zip(f["user"].tolist(), f["item"].tolist(), f["timestamp"].tolist()))


def _test_types(window) -> set:
    """The event types of the current split's test events, looked up in the loaded dataset."""
    ds, test = window.state.dataset, _triples(window.state.split.test)
    types = {t: _triples(ds.interactions.subset(ds.events == t)) for t in ds.event_types()}
    assert test <= set().union(*types.values())
    return {t for t, events in types.items() if events & test}


def _apply(window, qtbot):
    box = window.data_pane.split_box
    with qtbot.waitSignal(window.state.split_changed, timeout=SPLIT_MS):
        box.apply_button.click()
    return window.state.split


def test_event_checkboxes_choose_the_test_events(qtbot, window, load, events_csv, small_csv):
    load(window, events_csv)
    box, ds = window.data_pane.split_box, window.state.dataset
    assert ds.mapping.event == "event"
    assert box.relevant_row.isVisible()
    assert list(box.relevant_boxes) == ["view", "cart", "purchase"]
    assert [b.isChecked() for b in box.relevant_boxes.values()] == [False, False, True]

    purchases = _apply(window, qtbot)                      # default: temporal, purchases only
    assert purchases.method == "temporal" and purchases.test.n_events > 0
    assert _test_types(window) == {"purchase"}
    assert "non-relevant events (view, cart) left out of the test part" in box.warnings.text()
    assert "kept for training but not used as validation targets" in box.warnings.text()

    box.relevant_boxes["cart"].setChecked(True)           # a changed choice marks the split stale
    assert ds.relevant_events == ["cart", "purchase"]
    assert "Apply split again" in box.summary.text()
    wider = _apply(window, qtbot)
    assert _test_types(window) == {"cart", "purchase"}
    assert wider.test.n_events > purchases.test.n_events and wider.train.n_events == purchases.train.n_events
    assert "Apply split again" not in box.summary.text()
    assert "(view) left out" in box.warnings.text()

    box.relevant_boxes["cart"].setChecked(False)
    box.relevant_boxes["purchase"].setChecked(False)       # the last checked type stays checked
    assert box.relevant_boxes["purchase"].isChecked() and not box.relevant_note.isHidden()
    assert "at least one" in box.relevant_note.text() and ds.relevant_events == ["purchase"]
    box.relevant_boxes["view"].setChecked(True)
    assert box.relevant_note.isHidden() and ds.relevant_events == ["view", "purchase"]
    _apply(window, qtbot)
    assert _test_types(window) == {"view", "purchase"}

    load(window, small_csv)                                # no event column: no row
    assert not box.relevant_row.isVisible() and box.relevant_boxes == {}
