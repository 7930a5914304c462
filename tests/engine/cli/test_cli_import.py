"""`recscope` reads a client's export as told: --map, --filter, --recipe, --catalog on every
command that loads data; bad options are one line and exit 2."""

import json

import pytest

import import_corpus as ic
from engine.cli import main


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    return ic.demo_files(tmp_path_factory.mktemp("cli-import"))


def _json(capsys, argv):
    assert main(argv) == 0
    return json.loads(capsys.readouterr().out)


def test_info_text_reads_like_a_report(files, capsys):
    assert main(["info", str(files["de"]), "--catalog", str(files["book"])]) == 0
    out = capsys.readouterr().out
    assert "cp1252, ';'-separated, decimal comma" in out
    assert "user        = Kundennr" in out and "each Rechnungsnr belongs to one of them" in out
    assert "day-first dates" in out and "cold-start candidates" in out
    assert "POST" in out and "title says 'porto' (Deutsch)" in out


def test_map_filter_and_recipe(files, capsys, tmp_path):
    out = _json(capsys, ["info", "--json", str(files["fr"]), "--map", "user=Pays", "--filter", "non-products",
                         "--filter", "returns=net", "--filter", "min-item=2", "--save-recipe", str(tmp_path / "r.json")])
    assert out["mapping"]["user"] == "Pays" and out["mapping"]["evidence"]["user"] == "chosen by you"
    assert "POST" in out["filters"]["exclude_items"] and out["filters"]["min_item_events"] == 2
    assert all(c["removed"] for c in out["non_product_candidates"])
    again = _json(capsys, ["info", "--json", str(files["fr"]), "--recipe", str(tmp_path / "r.json")])
    assert (again["users"], again["items"], again["events"]) == (out["users"], out["items"], out["events"])
    assert again["mapping"]["evidence"]["user"] == "from the import recipe"


def test_split_and_train_take_the_same_options(files, capsys, tmp_path):
    split = _json(capsys, ["split", str(files["de"]), "--filter", "exclude=POST,M", "--out", str(tmp_path / "s"),
                           "--json"])
    assert split["train"] > 0
    trained = _json(capsys, ["train", "--train", str(files["de"]), "--model", "pop", "--filter", "min-user=2",
                             "--map", "title=Bezeichnung", "--out", str(tmp_path / "m"), "--json"])
    assert trained["model"] == "pop"


@pytest.mark.parametrize("argv, text", [
    (["--filter", "colour=red"], "--filter 'colour=red'"),
    (["--filter", "min-user=many"], "expects a whole number"),
    (["--filter", "returns=keep"], "returns must be one of drop, net"),
    (["--map", "user"], "--map expects ROLE=COLUMN"),
    (["--map", "user=Kunde"], "user column 'Kunde' is not in the file"),
    (["--recipe", "/nonexistent.json"], "no such file"),
])
def test_bad_options_exit_2_with_one_line(files, capsys, argv, text):
    assert main(["info", str(files["de"]), *argv]) == 2
    err = capsys.readouterr().err.strip()
    assert text in err and "\n" not in err
