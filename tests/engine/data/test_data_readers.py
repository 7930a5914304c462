"""Odd-but-valid files load with the right columns, values and counts."""

import gzip
from datetime import datetime

import numpy as np
import openpyxl
import pytest

from engine.data import infer_mapping, open_dataset, read_table
from engine.errors import Cancelled, ValidationError
from engine.progress import CancelToken


def test_semicolons_and_decimal_commas(tmp_path):
    p = tmp_path / "ratings_eu.csv"
    p.write_text("Kunde;Artikel;Rating;Preis\n7;A1;3,5;1.234\n7;B2;4,0;2,5\n8;A1;5;0,99\n", encoding="utf-8")
    t = read_table(p)
    assert (t.delimiter, t.decimal, t.fmt) == (";", ",", "csv")
    assert t.frame["Rating"].tolist() == [3.5, 4.0, 5.0]
    ds = open_dataset(p, {"user": "Kunde", "item": "Artikel"})
    assert ds.interactions.value_kind == "rating"
    assert sorted(ds.interactions.values.tolist()) == [3.5, 4.0, 5.0]
    assert ds.interactions.item_ids.tolist() == ["A1", "B2"]


def test_utf8_bom_header_is_clean(tmp_path):
    p = tmp_path / "bom.csv"
    p.write_bytes("user_id,item_id\n1,10\n2,10\n2,11\n".encode("utf-8-sig"))
    t = read_table(p)
    assert t.encoding == "utf-8-sig" and t.frame.columns[0] == "user_id"
    ds = open_dataset(p)
    assert (ds.interactions.n_users, ds.interactions.n_items, ds.interactions.n_events) == (2, 2, 3)


def test_latin1_text(tmp_path):
    p = tmp_path / "products.csv"
    p.write_bytes("customer,product,title\n1,p1,Café crème\n2,p2,Smørrebrød\n2,p1,Café crème\n".encode("cp1252"))
    t = read_table(p)
    assert t.encoding == "cp1252"
    ds = open_dataset(p)
    assert ds.catalog.titles(["p1", "p2"]) == ["Café crème", "Smørrebrød"]


def test_tab_pipe_and_headerless(tmp_path):
    p = tmp_path / "events.tsv"
    p.write_text("".join(f"{u}\t{i}\t{(u + i) % 5 + 1}\t{881250949 + 60 * (u * 7 + i)}\n"
                         for u in range(1, 6) for i in range(1, 5)))
    ds = open_dataset(p)
    m = ds.mapping
    assert (m.user, m.item, m.value, m.timestamp) == ("column1", "column2", "column3", "column4")
    assert ds.interactions.n_events == 20 and ds.interactions.timestamps.min() == 881250949 + 60 * 8
    q = tmp_path / "pipe.txt"
    q.write_text("user|item\nu1|i1\nu2|i1\n")
    assert read_table(q).delimiter == "|"


def test_string_ids_keep_leading_zeros(tmp_path):
    p = tmp_path / "ids.csv"
    p.write_text("user,item\n0042,007\n0042,010\n42,007\n")
    inter = open_dataset(p).interactions
    assert inter.user_ids.tolist() == ["0042", "42"]
    assert inter.item_ids.tolist() == ["007", "010"]


def test_gzip_csv(tmp_path):
    p = tmp_path / "orders.csv.gz"
    p.write_bytes(gzip.compress(b"user,item,quantity\n1,a,2\n1,b,1\n2,a,-1\n3,c,4\n"))
    ds = open_dataset(p)
    assert ds.interactions.n_events == 3
    assert ds.report.dropped == {"quantity <= 0 (returns/cancellations)": 1}


def test_dates_iso_and_us_style(tmp_path):
    p = tmp_path / "iso.csv"
    p.write_text("user,item,timestamp\n1,a,2021-03-04T05:06:07Z\n1,b,2021-03-04\n2,a,2021-03-04 05:06:07+01:00\n")
    ts = open_dataset(p).interactions.to_frame().sort_values(["user", "item"])["timestamp"].tolist()
    assert ts == [1614834367, 1614816000, 1614830767]
    q = tmp_path / "us.csv"
    q.write_text("CustomerID,StockCode,InvoiceDate\n1,a,12/1/2010 8:26\n1,b,12/13/2010 17:05\n")
    ts = sorted(open_dataset(q).interactions.timestamps.tolist())
    assert ts == [1291191960, 1292259900]


def test_epoch_milliseconds(tmp_path):
    p = tmp_path / "ms.csv"
    p.write_text("user,item,timestamp\n1,a,1614834367123\n2,a,1614834368000\n")
    ds = open_dataset(p)
    assert sorted(ds.interactions.timestamps.tolist()) == [1614834367, 1614834368]


def _workbook(path, bad_rating=False):
    wb = openpyxl.Workbook()
    cover = wb.active
    cover.title = "Cover"
    cover["A1"], cover["A2"], cover["B2"] = "Sales export Q1", "Prepared by", "Finance"
    data = wb.create_sheet("Orders")
    data["A1"] = "Orders, January"
    data.append([])
    data.append(["Customer ID", "SKU", "Qty", "Order Date", "Product Name"])
    rows = [(101, "X-1", 2, datetime(2024, 1, 3, 10, 0), "Mug"),
            (101, "X-2", 1, datetime(2024, 1, 4, 11, 0), "Plate"),
            (102, "X-1", "two" if bad_rating else 3, datetime(2024, 1, 5, 12, 30), "Mug"),
            (None, "X-3", 1, datetime(2024, 1, 6), "Cup")]
    for r in rows:
        data.append(list(r))
    wb.create_sheet("Notes")["A1"] = "nothing here"
    wb.save(path)


def test_excel_with_cover_sheet_and_title_rows(tmp_path):
    p = tmp_path / "orders.xlsx"
    _workbook(p)
    t = read_table(p)
    assert t.sheet == "Orders" and t.sheets == ["Cover", "Orders", "Notes"]
    assert list(t.frame.columns) == ["Customer ID", "SKU", "Qty", "Order Date", "Product Name"]
    assert t.file_row(0) == 4
    ds = open_dataset(p)
    m = ds.mapping
    assert (m.user, m.item, m.value, m.value_kind, m.timestamp, m.title) == (
        "Customer ID", "SKU", "Qty", "quantity", "Order Date", "Product Name")
    assert ds.interactions.n_events == 3 and ds.report.dropped == {"missing user": 1}
    assert ds.catalog.titles(["X-1", "X-2"]) == ["Mug", "Plate"]
    assert int(ds.interactions.timestamps.min()) == 1704276000


def test_excel_error_names_the_sheet_row(tmp_path):
    p = tmp_path / "orders.xlsx"
    _workbook(p, bad_rating=True)
    with pytest.raises(ValidationError, match=r"orders.xlsx, row 6, column Qty: 'two' is not a number"):
        open_dataset(p)


def test_event_types_map_to_weights(tmp_path):
    p = tmp_path / "clicks.csv"
    p.write_text("visitorid,itemid,event,timestamp\n1,a,view,100000000\n1,a,cart,100000001\n"
                 "1,b,purchase,100000002\n2,a,view,100000003\n2,b,wishlist,100000004\n")
    ds = open_dataset(p)
    assert ds.mapping.event == "event" and ds.interactions.value_kind == "weight"
    frame = ds.interactions.to_frame().sort_values("timestamp")
    assert frame["rating"].tolist() == [1.0, 3.0, 5.0, 1.0, 1.0]
    assert ds.relevant_mask().sum() == 1
    assert any("wishlist" in w for w in ds.report.warnings)
    ds2 = open_dataset(p, event_weights={"view": 0.5, "cart": 2, "purchase": 4, "wishlist": 1.5},
                       relevant_events=["purchase", "cart"])
    assert sorted(ds2.interactions.values.tolist()) == [0.5, 0.5, 1.5, 2.0, 4.0]
    assert ds2.relevant_mask().sum() == 2


def test_dedup_modes(tmp_path):
    p = tmp_path / "dups.csv"
    p.write_text("user,item,quantity,date\n1,a,2,2020-01-01\n1,a,3,2020-01-01\n1,a,1,2020-02-01\n")
    assert sorted(open_dataset(p).interactions.values.tolist()) == [1.0, 5.0]
    assert sorted(open_dataset(p, dedup="max").interactions.values.tolist()) == [1.0, 3.0]
    assert open_dataset(p, dedup="none").interactions.n_events == 3


def test_mapping_override_and_roundtrip(tmp_path):
    p = tmp_path / "x.csv"
    p.write_text("a,b,c\nu1,i1,1\nu2,i1,2\n")
    t = read_table(p)
    m = infer_mapping(t.frame).replace(user="b", item="a", value=None)
    assert m.value_kind == "none" and m.confidence["user"] == 1.0
    again = type(m).from_dict(m.to_dict())
    assert again == m
    ds = open_dataset(p, m)
    assert ds.interactions.user_ids.tolist() == ["i1"] and ds.interactions.values.tolist() == [1.0, 1.0]


def test_cancel_raises_cancelled(movielens_like_files):
    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        open_dataset(movielens_like_files["ratings"], cancel=token)


def test_progress_reaches_one(tmp_path):
    p = tmp_path / "x.csv"
    p.write_text("user,item\n1,2\n")
    seen = []
    open_dataset(p, progress=seen.append)
    fractions = [s.fraction for s in seen if s.fraction is not None]
    assert fractions[-1] == 1.0 and np.all(np.diff(fractions) >= 0)


def test_missing_markers_and_row_numbers_after_blank_lines(tmp_path):
    p = tmp_path / "orders.csv"
    p.write_bytes(b'user,item,title,rating\r\n1,a,"Mug, large",NA\r\n\r\n2,b,"Plate ""fine""",4\r\n3,a,x,bad\r\n')
    t = read_table(p)
    assert t.frame["title"].tolist() == ["Mug, large", 'Plate "fine"', "x"]
    assert [t.file_row(i) for i in range(3)] == [2, 4, 5]
    with pytest.raises(ValidationError, match=r"orders.csv, row 5, column rating: 'bad' is not a number"):
        open_dataset(p)
    p.write_bytes(b'user,item,rating\n1,a,NA\n2,b,4\n')
    ds = open_dataset(p)
    assert ds.report.dropped == {"missing rating": 1} and ds.interactions.n_events == 1


def test_day_first_dates_and_excel_serials(tmp_path):
    p = tmp_path / "eu_dates.csv"
    p.write_text("user,item,date\n1,a,01/12/2010 08:26\n1,b,13/12/2010 17:05\n")
    ds = open_dataset(p)
    assert sorted(ds.interactions.timestamps.tolist()) == [1291191960, 1292259900]
    assert any("%d/%m/%Y" in w for w in ds.report.warnings)
    q = tmp_path / "serial.csv"
    q.write_text("user,item,order_date\n1,a,40513.35\n2,a,40525.5\n")
    assert sorted(open_dataset(q).interactions.timestamps.tolist()) == [1291191840, 1292241600]
