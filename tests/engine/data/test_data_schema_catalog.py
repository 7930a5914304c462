"""Schema inference by name and content, and the ItemCatalog."""

import numpy as np
import pandas as pd
import pytest

from engine.data import ColumnMapping, infer_mapping, read_catalog
from engine.data.catalog import ItemCatalog
from engine.errors import SchemaError


@pytest.mark.parametrize("columns, expected", [
    (["InvoiceNo", "StockCode", "Description", "Quantity", "InvoiceDate", "UnitPrice", "CustomerID", "Country"],
     dict(user="CustomerID", item="StockCode", value="Quantity", value_kind="quantity",
          timestamp="InvoiceDate", description="Description", price="UnitPrice", extra=["Country"])),
    (["userId", "movieId", "rating", "timestamp"],
     dict(user="userId", item="movieId", value="rating", value_kind="rating", timestamp="timestamp")),
    (["user_id", "book_id", "title", "genre"],
     dict(user="user_id", item="book_id", value=None, title="title", category="genre")),
])
def test_names(columns, expected):
    data = {
        "InvoiceNo": ["536365", "536366"], "StockCode": ["85123A", "71053"], "Description": ["A", "B"],
        "Quantity": [6, 2], "InvoiceDate": ["2010-12-01 08:26:00", "2010-12-01 08:28:00"],
        "UnitPrice": [2.55, 3.39], "CustomerID": [17850.0, np.nan], "Country": ["UK", "France"],
        "userId": [1, 2], "movieId": [10, 20], "rating": [3.5, 4.0], "timestamp": [964982703, 964982224],
        "user_id": ["a", "b"], "book_id": [1, 2], "title": ["T1", "T2"], "genre": ["x", "y"],
    }
    m = infer_mapping(pd.DataFrame({c: data[c] for c in columns}))
    for role, col in expected.items():
        assert getattr(m, role) == col, role
    assert all(0 < v <= 1 for v in m.confidence.values())


def test_content_fallback_for_unknown_names():
    frame = pd.DataFrame({"a": ["u1", "u2", "u3"], "b": ["x", "y", "x"], "when": ["2020-01-01", "2020-01-02", "2020-01-03"]})
    m = infer_mapping(frame)
    assert (m.user, m.item, m.timestamp) == ("a", "b", "when")
    assert m.confidence["user"] < 0.5


def test_replace_rejects_unknown_roles():
    with pytest.raises(SchemaError, match="unknown column role"):
        ColumnMapping(user="u", item="i").replace(colour="red")


def test_validate_names_missing_columns():
    with pytest.raises(SchemaError, match="item column 'sku' is not in the file"):
        ColumnMapping(user="u", item="sku").validate(["u", "i"], "x.csv")


def test_read_catalog_csv_and_align(tmp_path):
    p = tmp_path / "products.csv"
    p.write_text("sku,name,price,category\nA-1,Mug,3.5,kitchen\nB-2,Plate,,kitchen\nB-2,Plate,2.0,\n")
    cat = read_catalog(p)
    assert cat.roles == {"title": "name", "category": "category", "price": "price"}
    aligned = cat.align(["B-2", "Z-9", "A-1"])
    assert aligned["price"].tolist()[0] == 2.0 and np.isnan(aligned["price"].tolist()[1])
    assert aligned["category"].tolist()[0] == "kitchen"  # latest non-null per item
    assert cat.titles(["A-1", "Z-9"]) == ["Mug", "Z-9"]


def test_read_catalog_explicit_id_column(tmp_path):
    p = tmp_path / "items.csv"
    p.write_text("code,label\n7,Seven\n8,Eight\n")
    cat = read_catalog(p, id_column="code")
    assert cat.item_ids.tolist() == [7, 8]
    with pytest.raises(SchemaError, match="id column 'nope'"):
        read_catalog(p, id_column="nope")


def test_align_int_catalog_with_string_ids():
    cat = ItemCatalog(pd.DataFrame({"title": ["x", "y"]}, index=pd.Index([1, 2], dtype=np.int64)), {"title": "title"})
    assert cat.titles(np.array(["2", "A"], dtype=object)) == ["y", "A"]


def test_goodbooks_catalog(shared_data):
    path = shared_data / "goodbooks-10k" / "books.csv"
    if not path.exists():
        pytest.skip("goodbooks-10k books.csv is not present")
    cat = read_catalog(path)
    assert len(cat) == 10_000 and cat.roles["title"] == "title"
    assert cat.item_ids.dtype == np.int64 and cat.item_ids.min() == 1
