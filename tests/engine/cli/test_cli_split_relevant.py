"""`recscope split --relevant`: which event types stay in the written test part."""

import json

import pandas as pd
import pytest

from engine.cli import main

PATTERN = ["view", "view", "cart", "purchase", "view", "purchase", "cart", "view"]


@pytest.fixture
def events_csv(tmp_path):
    """6 users x 8 timed events (view / cart / purchase), every (user, item, time) distinct."""
    rows = [(u, f"I{(u + j) % 5}", PATTERN[(j + u) % len(PATTERN)], 1_000_000 + 3600 * j + u)
            for u in range(1, 7) for j in range(len(PATTERN))]
    path = tmp_path / "events.csv"
    pd.DataFrame(rows, columns=["user", "item", "event", "timestamp"]).to_csv(path, index=False)
    return path


def _split(path, out, *extra):
    return main(["split", str(path), "--method", "temporal", "--test-frac", "0.5", "--out", str(out),
                 "--json", *extra])


def _test_types(source, out) -> list[str]:
    """The event types of the rows written to out/test.csv, looked up in the source file."""
    src = pd.read_csv(source)
    test = pd.read_csv(out / "test.csv")
    merged = test.merge(src, on=["user", "item", "timestamp"], how="left", validate="one_to_one")
    assert merged["event"].notna().all() and len(merged) == len(test)
    return sorted(set(merged["event"]))


def test_default_keeps_purchases_and_relevant_widens_it(events_csv, tmp_path, capsys):
    assert _split(events_csv, tmp_path / "default") == 0
    default = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert default["relevant_events"] == ["purchase"]
    assert _test_types(events_csv, tmp_path / "default") == ["purchase"]
    assert any("non-relevant events (view, cart) left out of the test part" in w for w in default["warnings"])

    assert _split(events_csv, tmp_path / "wide", "--relevant", "Purchase,cart") == 0
    wide = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert wide["relevant_events"] == ["cart", "purchase"]
    assert _test_types(events_csv, tmp_path / "wide") == ["cart", "purchase"]
    assert wide["test"] > default["test"] and wide["train"] == default["train"]


@pytest.mark.parametrize("relevant, fragment", [
    ("purchase,wishlist", "no wishlist events"),
    (",", "must be some of view, cart, purchase"),
])
def test_unknown_types_are_one_line_errors(events_csv, tmp_path, capsys, relevant, fragment):
    assert _split(events_csv, tmp_path / "out", "--relevant", relevant) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and fragment in err[0]


def test_relevant_needs_an_event_column(tmp_path, capsys):
    plain = tmp_path / "plain.csv"
    plain.write_text("user,item\n1,a\n1,b\n2,a\n2,b\n", encoding="utf-8")
    assert _split(plain, tmp_path / "out", "--relevant", "purchase") == 2
    assert "no event-type column" in capsys.readouterr().err
