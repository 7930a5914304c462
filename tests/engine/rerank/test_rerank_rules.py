"""Rule specs: JSON/TOML round trips and the validation messages users see."""

import json

import numpy as np
import pytest

from engine.errors import ValidationError
from engine.rerank import Reranker, load_rules, parse_rules

SPEC = {"rules": [{"type": "long_tail", "weight": 0.5},
                  {"type": "max_per", "column": "category", "n": 2},
                  {"type": "exclude_items", "items": ["85123A", 22423]},
                  {"type": "exclude_where", "column": "UnitPrice", "op": "=", "value": 0},
                  {"type": "diversity", "column": "category", "lambda": 0.7},
                  {"type": "min_share", "column": "Country", "share": 0.1, "groups": ["France"]}]}

TOML = """
[[rules]]
type = "long_tail"
weight = 0.5

[[rules]]
type = "max_per"
column = "category"
n = 2

[[rules]]
type = "exclude_items"
items = ["85123A", 22423]

[[rules]]
type = "exclude_where"
column = "UnitPrice"
op = "="
value = 0

[[rules]]
type = "diversity"
column = "category"
lambda = 0.7

[[rules]]
type = "min_share"
column = "Country"
share = 0.1
groups = ["France"]
"""


def test_json_toml_and_dict_round_trip(tmp_path):
    (tmp_path / "r.json").write_text(json.dumps(SPEC))
    (tmp_path / "r.toml").write_text(TOML)
    a, b = load_rules(tmp_path / "r.json"), load_rules(tmp_path / "r.toml")
    assert a.to_dict() == b.to_dict() == SPEC
    assert parse_rules(a.to_json()).to_dict() == SPEC
    assert [r.type for r in a] == ["long_tail", "max_per", "exclude_items", "exclude_where", "diversity", "min_share"]
    assert a.with_long_tail(0.8).to_dict()["rules"][0] == {"type": "long_tail", "weight": 0.8}
    every = parse_rules({"rules": [{"type": "long_tail", "weight": 0.3, "pool": None}]})
    assert parse_rules(every.to_dict()).rules[0].params["pool"] is None       # "all candidates" survives


@pytest.mark.parametrize("spec, message", [
    ({"rules": [{"type": "long_tail", "weight": 1}, {"type": "shuffle"}]},
     "rule 2: unknown type 'shuffle'; choose one of: long_tail"),
    ({"rules": [{"type": "max_per", "column": "category"}]}, "rule 1 (max_per): missing field(s) n"),
    ({"rules": [{"type": "max_per", "column": "category", "n": 0}]}, "rule 1 (max_per): n must be an integer >= 1"),
    ({"rules": [{"type": "long_tail", "weight": -1}]}, "rule 1 (long_tail): weight must be in [0.0, 1.0], got -1"),
    ({"rules": [{"type": "long_tail", "weight": 2}]}, "rule 1 (long_tail): weight must be in [0.0, 1.0], got 2"),
    ({"rules": [{"type": "long_tail", "weight": "big"}]}, "rule 1 (long_tail): weight must be a number"),
    ({"rules": [{"type": "exclude_where", "column": "stock", "op": "~", "value": 0}]},
     "rule 1 (exclude_where): op '~' is not one of =, !=, <, <=, >, >=, in"),
    ({"rules": [{"type": "exclude_where", "column": "stock", "op": "in", "value": 3}]},
     "rule 1 (exclude_where): op 'in' needs a non-empty list value"),
    ({"rules": [{"type": "diversity", "lambda": 0.5}]},
     "rule 1 (diversity): give either a column (same value = similar) or \"embeddings\": true"),
    ({"rules": [{"type": "diversity", "column": "category", "lambda": 1.5}]},
     "rule 1 (diversity): lambda must be in [0.0, 1.0], got 1.5"),
    ({"rules": [{"type": "pin_items", "items": []}]}, "rule 1 (pin_items): items must be a non-empty list"),
    ({"rules": [{"type": "max_per", "column": "category", "n": 2, "colour": "red"}]},
     "rule 1 (max_per): unknown field(s) colour"),
    ({"rules": [{"type": "min_share", "column": "Country", "share": 0}]}, "rule 1 (min_share): share must be in (0, 1]"),
    ({"rule": []}, "unknown key(s) in the rule spec: rule"),
    ("{not json", "rules are not valid JSON"),
    ({"rules": ["long_tail"]}, "rule 1: expected an object with a \"type\", got str"),
])
def test_invalid_specs_name_the_rule(spec, message):
    with pytest.raises(ValidationError) as err:
        parse_rules(spec)
    assert message in str(err.value)
    assert "\n" not in str(err.value)


def test_bad_rule_file_names_the_file(tmp_path):
    bad = tmp_path / "rules.toml"
    bad.write_text("[[rules]]\ntype = \"max_per\"\ncolumn = \"category\"\nn = -1\n")
    with pytest.raises(ValidationError, match=r"rules.toml: rule 1 \(max_per\): n must be an integer >= 1"):
        load_rules(bad)
    broken = tmp_path / "rules.json"
    broken.write_text("{\"rules\": [")
    with pytest.raises(ValidationError, match="rules.json: not valid JSON"):
        load_rules(broken)


@pytest.mark.parametrize("rule, message", [
    ({"type": "max_per", "column": "brand", "n": 2},
     "rule 2 (max_per): column 'brand' is not in the catalog; catalog columns: UnitPrice, Description, Country, category"),
    ({"type": "exclude_where", "column": "UnitPrice", "op": "<", "value": "cheap"},
     "rule 2 (exclude_where): column 'UnitPrice' is numeric; value 'cheap' is not a number"),
    ({"type": "exclude_where", "column": "Country", "op": ">", "value": "France"},
     "rule 2 (exclude_where): op '>' needs a numeric column; column 'Country' holds text"),
    ({"type": "diversity", "embeddings": True, "lambda": 0.5},
     "rule 2 (diversity): this model has no item embeddings; use a catalog column instead"),
])
def test_catalog_errors_name_rule_and_column(retail, rule, message):
    spec = {"rules": [{"type": "long_tail", "weight": 0.5}, rule]}
    pop = np.ones(retail["model"].n_items)
    with pytest.raises(ValidationError) as err:
        Reranker(spec, retail["model"].item_ids_, catalog=retail["catalog"], popularity=pop)
    assert message in str(err.value)


def test_column_rule_without_catalog_and_impossible_quota(retail):
    ids = retail["model"].item_ids_
    with pytest.raises(ValidationError, match=r"rule 1 \(max_per\): column 'category' needs an item catalog"):
        Reranker({"rules": [{"type": "max_per", "column": "category", "n": 1}]}, ids)
    rr = Reranker({"rules": [{"type": "min_share", "column": "Country", "share": 0.3,
                              "groups": ["France", "Germany", "Italy", "Spain"]}]}, ids, catalog=retail["catalog"])
    with pytest.raises(ValidationError, match=r"rule 1 \(min_share\): 4 groups x 3 slots .* need more than 10 slots"):
        rr.apply(retail["scores"][:5], 10)


def test_unknown_items_and_groups_are_warnings(retail):
    rr = Reranker({"rules": [{"type": "exclude_items", "items": ["NOPE-1", "85123A"]},
                             {"type": "min_share", "column": "Country", "share": 0.1, "groups": ["Atlantis"]}]},
                  retail["model"].item_ids_, catalog=retail["catalog"])
    assert any("NOPE-1" in w and "rule 1 (exclude_items)" in w for w in rr.warnings)
    assert any("Atlantis" in w and "rule 2 (min_share)" in w for w in rr.warnings)
