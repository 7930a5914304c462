"""`recscope explain` / `explain-eval` through engine.cli.main on models saved from the generated
MovieLens-like data (its movies.csv as the catalog)."""

import json

import pytest

from engine.cli import main


@pytest.fixture(scope="module")
def saved(ml_models, ml_split, movielens_like_files, tmp_path_factory):
    d = tmp_path_factory.mktemp("explain_cli")
    ml_models["ease"].save(d / "ease")
    ml_models["sasrec"].save(d / "sasrec")
    ml_models["twotower"].save(d / "twotower")
    ml_split[0].to_frame().to_csv(d / "train.csv", index=False)
    ml_split[1].to_frame().to_csv(d / "test.csv", index=False)
    return d, movielens_like_files["movies"]


def test_explain_json(saved, ml_catalog, capsys):
    d, catalog = saved
    assert main(["explain", "--model-dir", str(d / "ease"), "--user", "1", "--item", "50",
                 "--method", "contributions", "--catalog", str(catalog), "--json"]) == 0
    out = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert out["method"] == "contributions" and out["item"] == 50 and out["user"] == 1
    assert abs(sum(out["values"]) - out["target"]) < 1e-5
    assert ml_catalog.titles([50])[0] in out["title"]


def test_explain_text_counterfactual(saved, capsys):
    d, catalog = saved
    assert main(["explain", "--model-dir", str(d / "ease"), "--user", "2", "--item", "50",
                 "--method", "counterfactual", "--k", "5"]) == 0
    assert "rank" in capsys.readouterr().out


def test_explain_eval_last_line(saved, capsys):
    d, _ = saved
    assert main(["explain-eval", "--model-dir", str(d / "ease"), "--test", str(d / "test.csv"),
                 "--users", "20", "--k", "3"]) == 0
    last = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert set(last) == {"pairs", "aopc"} and last["pairs"] == 60
    assert set(last["aopc"]) == {"contributions", "random"}
    assert last["aopc"]["contributions"] > last["aopc"]["random"]


def test_explain_eval_scores_features_and_factors(saved, capsys):
    d, _ = saved
    assert main(["explain-eval", "--model-dir", str(d / "twotower"), "--test", str(d / "test.csv"),
                 "--users", "30", "--k", "4", "--json"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    full, last = json.loads(lines[0]), json.loads(lines[-1])
    assert set(last) == {"pairs", "aopc", "feature_pairs", "feature_aopc", "shap_pairs", "shap_aopc",
                         "factor_pairs", "factor_aopc"}
    assert set(last["aopc"]) == {"contributions", "random"}
    assert set(last["feature_aopc"]) == {"saliency", "ig", "random"}
    assert set(last["shap_aopc"]) == {"shap", "random"} and set(last["factor_aopc"]) == {"latent", "random"}
    for test in ("feature", "shap", "factor"):
        assert last[f"{test}_aopc"] == full[f"{test}_aopc"] and 0 < last[f"{test}_pairs"] <= 120
        assert len(full[f"{test}_curves"]["random"]) >= 2
    assert main(["explain-eval", "--model-dir", str(d / "twotower"), "--test", str(d / "test.csv"),
                 "--users", "10", "--k", "2", "--method", "latent"]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert "latent factors zeroed, 20 pairs:" in [line.strip() for line in out]
    assert json.loads(out[-1]).keys() == {"pairs", "aopc", "factor_pairs", "factor_aopc"}
    assert main(["explain-eval", "--model-dir", str(d / "twotower"), "--test", str(d / "test.csv"),
                 "--method", "counterfactual"]) == 2
    assert "cannot deletion-test 'counterfactual'" in capsys.readouterr().err


def test_explain_eval_json_checks_the_training_file(saved, capsys, tmp_path):
    d, _ = saved
    assert main(["explain-eval", "--model-dir", str(d / "sasrec"), "--test", str(d / "test.csv"),
                 "--train", str(d / "train.csv"), "--users", "5", "--k", "2", "--method", "ig", "--json"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    full, last = json.loads(lines[0]), json.loads(lines[-1])
    assert full["model"] == "sasrec" and len(full["curves"]["ig"]) == 11
    assert last == {"pairs": full["pairs"], "aopc": full["aopc"]} and set(last["aopc"]) == {"ig", "random"}
    other = tmp_path / "other.csv"
    other.write_text("user,item,rating\n99999,50,5\n99999,172,4\n")
    assert main(["explain-eval", "--model-dir", str(d / "sasrec"), "--test", str(d / "test.csv"),
                 "--train", str(other)]) == 2
    assert "1 of its 1 users are unknown to the sasrec model" in capsys.readouterr().err


def test_explain_attention_text(saved, capsys):
    d, catalog = saved
    assert main(["explain", "--model-dir", str(d / "sasrec"), "--user", "7", "--item", "50",
                 "--method", "attention", "--catalog", str(catalog)]) == 0
    out = capsys.readouterr().out
    assert "Attention over the customer's last" in out and "(19" in out


@pytest.mark.parametrize("args, fragment", [
    (["--user", "99999", "--item", "50", "--method", "contributions"], "user '99999' is not in the training data"),
    (["--user", "1", "--item", "50", "--method", "attention"], "does not support the 'attention' explanation"),
    (["--user", "1", "--item", "50", "--method", "nonsense"], "invalid choice"),
])
def test_bad_input_exits_2_with_one_line(saved, capsys, args, fragment):
    d, _ = saved
    assert main(["explain", "--model-dir", str(d / "ease"), *args]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and fragment in err[0]
