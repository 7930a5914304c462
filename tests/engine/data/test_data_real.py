"""Real data sets from ../shared/data load with their published counts (skipped when absent)."""

from pathlib import Path

import numpy as np
import pytest

from engine.data import open_dataset, read_catalog
from engine.data.filters import k_core, min_value
from engine.data.profile import profile

DEMO = Path(__file__).resolve().parents[3] / "resources" / "demo" / "online_retail_demo.csv"


def test_ml100k_counts_and_catalog(ml100k_dataset):
    inter = ml100k_dataset.interactions
    assert (inter.n_events, inter.n_users, inter.n_items) == (100_000, 943, 1_682)
    assert inter.value_kind == "rating" and inter.timestamps is not None
    assert ml100k_dataset.source["fmt"] == "movielens"
    cat = ml100k_dataset.catalog
    assert len(cat) == 1_682 and cat.roles["category"] == "genres"
    assert cat.titles([1, 50]) == ["Toy Story (1995)", "Star Wars (1977)"]
    assert cat.align([1])["genres"].iloc[0] == "Animation|Children's|Comedy"


def test_ml100k_profile(ml100k_dataset):
    p = profile(ml100k_dataset.interactions)
    assert (p.n_events, p.n_pairs, p.n_users, p.n_items) == (100_000, 100_000, 943, 1_682)
    assert p.density == pytest.approx(100_000 / (943 * 1_682))
    assert (p.time_min, p.time_max) == ("1997-09-20T03:05:10+00:00", "1998-04-22T23:10:38+00:00")
    assert p.values["counts"] == {"1": 6110, "2": 11370, "3": 27145, "4": 34174, "5": 21201}
    assert p.events_per_user["min"] == 20 and p.events_per_user["max"] == 737 and p.events_per_item["max"] == 583
    assert p.activity_counts.sum() == 943 and p.activity_edges[0] == 1
    assert p.tail_x[-1] == 1.0 and p.tail_y[-1] == pytest.approx(1.0) and np.all(np.diff(p.tail_y) >= 0)
    assert 0.6 < p.top20_share < 0.7
    d = p.to_dict()
    assert isinstance(d["tail_x"], list) and d["n_pairs"] == 100_000


def test_filters_on_ml100k(ml100k_dataset):
    inter = ml100k_dataset.interactions
    core = k_core(inter, min_user=10, min_item=10)
    assert (core.n_events, core.n_users, core.n_items) == (97_953, 943, 1_152)
    assert np.bincount(core.item_idx).min() >= 10 and np.bincount(core.user_idx).min() >= 10
    liked = min_value(inter, 4)
    assert liked.n_events == 34_174 + 21_201 and liked.values.min() == 4


def test_ml1m_implicit_pairs_join_movies(shared_data):
    path = shared_data / "ml-1m" / "ratings_implicit_pairs.parquet"
    if not path.exists():
        pytest.skip("ml-1m pairs are not present")
    ds = open_dataset(path)
    inter = ds.interactions
    assert (inter.n_events, inter.n_users, inter.n_items) == (1_000_209, 6_040, 3_706)
    assert inter.value_kind == "none" and inter.user_ids.dtype == np.int64
    assert ds.catalog is not None and len(ds.catalog) == 3_883
    assert ds.catalog.titles([1]) == ["Toy Story (1995)"]


def test_movielens_dat_reader(shared_data):
    path = shared_data / "ml-1m" / "movies.dat"
    if not path.exists():
        pytest.skip("ml-1m movies.dat is not present")
    cat = read_catalog(path)
    assert len(cat) == 3_883 and cat.roles == {"title": "title", "category": "genres"}
    assert cat.align([2])["genres"].iloc[0] == "Adventure|Children's|Fantasy"


def test_online_retail_parquet(shared_data):
    path = shared_data / "online-retail" / "online_retail.parquet"
    if not path.exists():
        pytest.skip("online-retail is not present")
    ds = open_dataset(path)
    m = ds.mapping
    assert (m.user, m.item, m.value, m.value_kind, m.timestamp) == (
        "CustomerID", "StockCode", "Quantity", "quantity", "InvoiceDate")
    r = ds.report
    assert r.rows_read == 541_909
    assert r.dropped["missing user"] == 135_080
    assert r.dropped["quantity <= 0 (returns/cancellations)"] == 8_905
    inter = ds.interactions
    assert inter.n_users == 4_339 and inter.n_items == 3_665
    assert inter.n_events + r.dropped["duplicate rows merged (values added up)"] == 397_924
    assert inter.values.min() > 0
    assert ds.catalog.roles == {"price": "UnitPrice", "description": "Description", "country": "Country"}
    assert ds.catalog.titles(["85123A"]) == ["CREAM HANGING HEART T-LIGHT HOLDER"]


def test_demo_dataset():
    assert DEMO.stat().st_size <= 2 * 1024 * 1024
    ds = open_dataset(DEMO)
    m = ds.mapping
    assert (m.user, m.item, m.value, m.timestamp) == ("CustomerID", "StockCode", "Quantity", "InvoiceDate")
    assert ds.catalog.roles == {"price": "UnitPrice", "description": "Description", "country": "Country"}
    inter = ds.interactions
    assert 1_000 <= inter.n_users <= 1_600 and np.bincount(inter.user_idx).min() >= 1
    assert inter.item_ids.dtype == object and len(ds.catalog) == inter.n_items
