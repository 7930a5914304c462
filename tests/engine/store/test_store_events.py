"""The project file keeps a data set's event labels, weights and relevant event types, and the
split made with them."""

import numpy as np
import pandas as pd

from engine.data import open_dataset
from engine.data.splits import split
from engine.store import Project, save_new

PATTERN = ["view", "view", "cart", "purchase", "view", "purchase", "cart", "view"]


def test_event_settings_round_trip(tmp_path):
    rows = [(u, f"I{(u + j) % 5}", PATTERN[(j + u) % len(PATTERN)], 1_000_000 + 3600 * j + u)
            for u in range(1, 7) for j in range(len(PATTERN))]
    csv = tmp_path / "events.csv"
    pd.DataFrame(rows, columns=["user", "item", "event", "timestamp"]).to_csv(csv, index=False)
    ds = open_dataset(csv, event_weights={"view": 0.5, "cart": 2, "purchase": 4})
    ds.set_relevant_events(["cart", "purchase"])
    sp = split(ds.interactions, "temporal", test_frac=0.5, relevant=ds.relevant_mask(), events=ds.events)
    save_new(tmp_path / "p.recscope", dataset=ds, split=sp).close()

    with Project.open(tmp_path / "p.recscope") as project:
        got = project.load()
    assert got.dataset.relevant_events == ["cart", "purchase"]
    assert got.dataset.event_weights == {"view": 0.5, "cart": 2.0, "purchase": 4.0}
    assert got.dataset.events.tolist() == ds.events.tolist()
    assert np.array_equal(got.dataset.relevant_mask(), ds.relevant_mask())
    assert got.split.test.n_events == sp.test.n_events and got.split.warnings == sp.warnings


def test_split_settings_and_a_changed_relevant_choice_are_kept(tmp_path):
    """The split's shares and relevant types are stored with it; splitting again with another
    relevant choice updates the data set's choice in the file, so a reopened project agrees."""
    rows = [(u, f"I{(u + j) % 5}", PATTERN[(j + u) % len(PATTERN)], 1_000_000 + 3600 * j + u)
            for u in range(1, 9) for j in range(len(PATTERN))]
    csv = tmp_path / "events.csv"
    pd.DataFrame(rows, columns=["user", "item", "event", "timestamp"]).to_csv(csv, index=False)
    ds = open_dataset(csv)
    assert ds.relevant_events == ["purchase"]
    first = split(ds.interactions, "random", test_frac=0.3, valid_frac=0.1, seed=5,
                  relevant=ds.relevant_mask(), events=ds.events)
    assert (first.test_frac, first.valid_frac, first.relevant_events) == (0.3, 0.1, ["purchase"])
    save_new(tmp_path / "p.recscope", dataset=ds, split=first).close()

    ds.set_relevant_events(["cart", "purchase"])
    again = split(ds.interactions, "temporal", test_frac=0.4, relevant=ds.relevant_mask(), events=ds.events)
    with Project.open(tmp_path / "p.recscope") as project:
        project.save_split(again)
    with Project.open(tmp_path / "p.recscope") as project:
        got = project.load()
    assert (got.split.method, got.split.test_frac, got.split.valid_frac) == ("temporal", 0.4, 0.0)
    assert sorted(got.split.relevant_events) == ["cart", "purchase"]
    assert sorted(got.dataset.relevant_events) == ["cart", "purchase"]
    assert np.array_equal(got.dataset.relevant_mask(), ds.relevant_mask())
