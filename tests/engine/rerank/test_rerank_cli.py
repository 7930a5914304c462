"""`recscope rerank` end to end on the demo split: JSON output, the sweep, and bad input."""

import json

import numpy as np
import pytest

from engine.cli import main


@pytest.fixture(scope="module")
def files(retail, tmp_path_factory):
    d = tmp_path_factory.mktemp("rerank_cli")
    for name in ("train", "test"):
        frame = retail[name].to_frame()[["user", "item", "rating"]]
        frame.to_csv(d / f"{name}.csv", index=False)
    cat = retail["catalog"].frame[["Description", "UnitPrice", "category"]].reset_index()
    cat.rename(columns={"item": "StockCode"}).to_csv(d / "items.csv", index=False)
    retail["model"].save(d / "model")
    (d / "rules.json").write_text(json.dumps({"rules": [
        {"type": "long_tail", "weight": 0.5}, {"type": "max_per", "column": "category", "n": 2},
        {"type": "exclude_items", "items": ["85123A"]}]}))
    return d


def test_rerank_json_matches_evaluate(files, retail, capsys):
    d = files
    rc = main(["rerank", "--model-dir", str(d / "model"), "--rules", str(d / "rules.json"), "--test", str(d / "test.csv"),
              "--train", str(d / "train.csv"), "--catalog", str(d / "items.csv"), "--json"])
    out = capsys.readouterr()
    assert rc == 0, out.err
    res = json.loads(out.out)
    assert res["model"] == "itemknn" and res["rules"]["rules"][1] == {"type": "max_per", "column": "category", "n": 2}
    base = retail["base10"]
    assert res["raw_metrics"]["ndcg@10"] == pytest.approx(base["ndcg@10"], abs=1e-12)
    assert set(res["metrics"]) == set(base)
    assert res["metrics"]["coverage@10"] > base["coverage@10"]
    assert res["users_evaluated"] > 1000 and res["exposure"]["groups"]["category"]


def test_rerank_sweep_without_train(files, capsys):
    d = files
    rc = main(["rerank", "--model-dir", str(d / "model"), "--test", str(d / "test.csv"),
              "--sweep-long-tail", "0,0.5", "--json"])
    out = capsys.readouterr()
    assert rc == 0, out.err
    points = json.loads(out.out)["sweep"]
    assert [p["weight"] for p in points] == [0.0, 0.5]
    assert points[1]["coverage@10"] > points[0]["coverage@10"] and points[1]["arp@10"] < points[0]["arp@10"]
    assert np.isfinite([p["ndcg@10"] for p in points]).all()


@pytest.mark.parametrize("extra, fragment", [
    ([], "rerank needs --rules FILE"),
    (["--rules", "nope.json"], "nope.json: no such file"),
    (["--sweep-long-tail", "0,x"], "--sweep-long-tail expects numbers"),
    (["--rules", "BAD"], "rule 1 (max_per): column 'brand' is not in the catalog; catalog columns:"),
])
def test_bad_input_is_one_line_exit_2(files, capsys, extra, fragment):
    d = files
    (d / "bad.json").write_text(json.dumps({"rules": [{"type": "max_per", "column": "brand", "n": 2}]}))
    extra = [str(d / "bad.json") if a == "BAD" else a for a in extra]
    rc = main(["rerank", "--model-dir", str(d / "model"), "--test", str(d / "test.csv"),
              "--catalog", str(d / "items.csv"), *extra])
    err = capsys.readouterr().err
    assert rc == 2
    assert len(err.strip().splitlines()) == 1 and fragment in err
