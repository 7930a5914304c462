"""Every file in tests/data/bad gives one EngineError line naming the file and the problem."""

import json
from pathlib import Path

import pytest

from engine.data import open_dataset
from engine.errors import EngineError

BAD_DIR = Path(__file__).resolve().parents[2] / "data" / "bad"
EXPECTED = json.loads((BAD_DIR / "expected.json").read_text())


def test_corpus_is_complete():
    on_disk = {p.name for p in BAD_DIR.iterdir() if p.name != "expected.json"}
    assert on_disk == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_bad_file_gives_one_line_error(name):
    with pytest.raises(EngineError) as info:
        open_dataset(BAD_DIR / name)
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(name), message
    assert EXPECTED[name] in message, message


def test_missing_file_is_a_format_error(tmp_path):
    with pytest.raises(EngineError, match="orders.csv: no such file"):
        open_dataset(tmp_path / "orders.csv")
