"""The out-of-core import (DuckDB) reads what the in-memory reader reads: same mapping and
evidence, same rows dropped for each reason, same pairs with the same values and last times, the
same row-numbered errors; on files it generates."""

from __future__ import annotations

import gzip
import json

import numpy as np
import pandas as pd
import pytest

from engine.cli.main import main
from engine.data import open_dataset
from engine.data import out_of_core
from engine.errors import DataFormatError, ValidationError


def orders(n: int = 4000, seed: int = 0, events: bool = False) -> pd.DataFrame:
    """Order lines with skewed customers and items, returns, blanks, a postage code and duplicates."""
    rng = np.random.default_rng(seed)
    inv = np.arange(n) // 5
    cust = (rng.zipf(1.3, n // 5 + 1) % 300 + 12000)[inv].astype(object)
    cust[rng.random(n) < 0.03] = ""
    codes = np.array([f"{85000 + k}{'A' if k % 7 == 0 else ''}" for k in range(200)] + ["POST"], dtype=object)
    item = codes[np.minimum(rng.zipf(1.2, n) - 1, len(codes) - 1)]
    qty = rng.integers(1, 12, n)
    qty[rng.random(n) < 0.05] *= -1
    date = (pd.Timestamp("2011-01-01") + pd.to_timedelta(inv * 37, unit="m")).strftime("%Y-%m-%d %H:%M")
    df = pd.DataFrame({"InvoiceNo": inv + 500000, "StockCode": item, "Description": [f"THING {x} LARGE" for x in item],
                       "Quantity": qty, "InvoiceDate": date, "UnitPrice": np.round(rng.uniform(0.5, 20, n), 2),
                       "CustomerID": cust})
    if events:
        df["EventType"] = rng.choice(["view", "cart", "purchase", ""], n, p=[0.5, 0.2, 0.27, 0.03])
    return pd.concat([df, df.sample(frac=0.02, random_state=1)]).sort_index(kind="stable")


def both(path, **kw):
    return open_dataset(path, reader="memory", **kw), open_dataset(path, reader="out-of-core", **kw)


def pair_table(ds) -> pd.DataFrame:
    """Per user–item pair: summed value and last time, by external ids."""
    inter = ds.interactions
    df = pd.DataFrame({"u": inter.user_ids[inter.user_idx], "i": inter.item_ids[inter.item_idx],
                       "v": inter.values.astype(np.float64),
                       "t": inter.timestamps if inter.timestamps is not None else 0})
    return df.groupby(["u", "i"]).agg(v=("v", "sum"), t=("t", "max")).sort_index()


def assert_same(mem, ooc) -> None:
    assert ooc.mapping.to_dict() == mem.mapping.to_dict()
    assert (ooc.report.rows_read, ooc.report.rows_used) == (mem.report.rows_read, mem.report.rows_used)
    assert ooc.report.dropped == mem.report.dropped
    np.testing.assert_array_equal(ooc.interactions.user_ids, mem.interactions.user_ids)
    np.testing.assert_array_equal(ooc.interactions.item_ids, mem.interactions.item_ids)
    a, b = pair_table(mem), pair_table(ooc)
    assert a.index.equals(b.index)
    np.testing.assert_allclose(b["v"].to_numpy(), a["v"].to_numpy(), rtol=1e-5)
    np.testing.assert_array_equal(b["t"].to_numpy(), a["t"].to_numpy())
    assert ooc.source["reader"] == "out-of-core"


def test_order_lines_same_counts_pairs_and_catalog(tmp_path):
    path = tmp_path / "orders.csv"
    orders().to_csv(path, index=False)
    mem, ooc = both(path)
    assert_same(mem, ooc)
    assert ooc.interactions.n_events == len(pair_table(mem))          # one event per pair
    assert ooc.catalog is not None and mem.catalog is not None
    ids = mem.interactions.item_ids
    assert ooc.catalog.titles(ids) == mem.catalog.titles(ids)


@pytest.mark.parametrize("filters", [
    {"returns": "net"}, {"min_user_events": 5, "min_item_events": 8},
    {"date_from": "2011-01-05", "date_to": "2011-01-20", "exclude_items": ["POST", "85000A"]},
])
def test_filters_remove_the_same_rows(tmp_path, filters):
    path = tmp_path / "orders.csv"
    orders(seed=1).to_csv(path, index=False)
    assert_same(*both(path, filters=filters))


@pytest.mark.parametrize("drop,dedup", [(["InvoiceDate"], "sum"), (["InvoiceDate", "Quantity"], "sum"),
                                         ([], "max"), ([], "none")])
def test_without_time_or_value_and_other_merges(tmp_path, drop, dedup):
    path = tmp_path / "orders.csv"
    orders(seed=8).drop(columns=drop).to_csv(path, index=False)
    mem, ooc = both(path, dedup=dedup, filters={"min_user_events": 3, "min_item_events": 4})
    assert_same(mem, ooc)
    assert (ooc.interactions.timestamps is None) == ("InvoiceDate" in drop)
    # one event per pair, in the in-memory reader's order of users, then items
    keys = ooc.interactions.user_idx.astype(np.int64) * ooc.interactions.n_items + ooc.interactions.item_idx
    assert np.all(np.diff(keys) > 0)


def test_events_weights_relevance_and_proposed_non_products(tmp_path):
    path = tmp_path / "events.csv"
    orders(seed=2, events=True).to_csv(path, index=False)
    mem, ooc = both(path, drop_proposed=True)
    assert_same(mem, ooc)
    assert ooc.relevant_events == mem.relevant_events == ["purchase"]
    # each pair carries its heaviest event type: relevant when the pair holds a purchase
    kinds = pd.DataFrame({"u": mem.interactions.user_idx, "i": mem.interactions.item_idx, "e": mem.events})
    has = kinds.groupby(["u", "i"])["e"].agg(lambda e: "purchase" in set(e)).to_numpy()
    assert np.array_equal(ooc.relevant_mask(), has)


def test_gzip_semicolons_decimal_commas_and_cp1252(tmp_path):
    df = orders(1500, seed=3)
    df["Description"] = df["Description"].str.replace("THING", "Müller Größe")
    text = df.to_csv(index=False, sep=";", decimal=",").encode("cp1252")
    path = tmp_path / "export.csv.gz"
    path.write_bytes(gzip.compress(text))
    mem, ooc = both(path)
    assert_same(mem, ooc)
    assert ooc.source["encoding"] == mem.source["encoding"] == "cp1252"
    assert ooc.catalog.titles(ooc.interactions.item_ids[:3])[0].startswith("Müller Größe")


def test_parquet(tmp_path):
    df = orders(2000, seed=4)
    df["CustomerID"] = pd.to_numeric(df["CustomerID"])          # float with NaN, as exports have it
    df["InvoiceDate"] = pd.to_datetime(df["InvoiceDate"])
    path = tmp_path / "orders.parquet"
    df.to_parquet(path, index=False)
    mem, ooc = both(path)
    assert_same(mem, ooc)
    assert ooc.interactions.user_ids.dtype == np.int64


@pytest.mark.parametrize("column,bad,what", [("Quantity", "five", "a number"), ("InvoiceDate", "soon", "a date")])
def test_bad_value_names_the_same_file_row_and_column(tmp_path, column, bad, what):
    df = orders(3000, seed=5)
    df[column] = df[column].astype(object)
    df.iloc[2345, df.columns.get_loc(column)] = bad
    df.iloc[2700, df.columns.get_loc(column)] = bad
    path = tmp_path / "bad.csv"
    text = df.to_csv(index=False).splitlines(keepends=True)
    path.write_text("".join(text[:100] + ["\n"] + text[100:]))   # a blank line: rows still count it
    errors = []
    for reader in ("memory", "out-of-core"):
        with pytest.raises(ValidationError) as e:
            open_dataset(path, reader=reader)
        errors.append(str(e.value))
    assert errors[0] == errors[1]
    assert "row 2348" in errors[1] and f"column {column}" in errors[1] and "1 more rows like it" in errors[1]
    assert what in errors[1]


def test_reader_choice_by_size_and_option(tmp_path, monkeypatch):
    path = tmp_path / "orders.csv"
    orders(300).to_csv(path, index=False)
    assert not out_of_core.chosen(path) and out_of_core.chosen(path, "out-of-core")
    monkeypatch.setattr(out_of_core, "OUT_OF_CORE_BYTES", 1000)
    assert out_of_core.chosen(path)
    xlsx = tmp_path / "a.xlsx"
    orders(30).to_excel(xlsx, index=False)
    assert not out_of_core.chosen(xlsx)                          # auto keeps Excel in memory
    with pytest.raises(DataFormatError, match="out of core"):
        out_of_core.chosen(xlsx, "out-of-core")


def test_cli_info_json_reports_the_same_counts(tmp_path, capsys):
    path = tmp_path / "orders.csv"
    orders(seed=6).to_csv(path, index=False)
    out = {}
    for reader in ("memory", "out-of-core"):
        assert main(["info", str(path), "--reader", reader, "--json"]) == 0
        out[reader] = json.loads(capsys.readouterr().out)
    a, b = out["memory"], out["out-of-core"]
    assert (b["reader"], a["reader"]) == ("out-of-core", "memory")
    for key in ("users", "items", "interactions", "events", "encoding", "delimiter", "mapping", "filters"):
        assert a[key] == b[key], key
    for key in ("rows_read", "rows_used", "dropped"):
        assert a["report"][key] == b["report"][key]
    assert [(c["item"], c["rows"]) for c in a["non_product_candidates"]] == \
        [(c["item"], c["rows"]) for c in b["non_product_candidates"]]


def test_bad_value_row_in_a_gzip_file(tmp_path):
    df = orders(1200, seed=7)
    df["Quantity"] = df["Quantity"].astype(object)
    df.iloc[1000, df.columns.get_loc("Quantity")] = "lots"
    path = tmp_path / "bad.csv.gz"
    path.write_bytes(gzip.compress(df.to_csv(index=False).encode()))
    messages = []
    for reader in ("memory", "out-of-core"):
        with pytest.raises(ValidationError) as e:
            open_dataset(path, reader=reader)
        messages.append(str(e.value))
    assert messages[0] == messages[1] and "row 1002" in messages[1]
