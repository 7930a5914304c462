"""Client exports in twelve languages, five encodings, both separators and decimal styles, read
with the right roles and the counts pandas computes from the rows they were made of.

The core run builds the corpus from the bundled demo; with ../shared/data present the same checks
run on fresh samples of Online Retail I and II, and MovieLens / goodbooks files.
"""

import shutil
from pathlib import Path

import pandas as pd
import pytest

import import_corpus as ic
from engine.cli import main as cli_main
from engine.data import attach_catalog, infer_mapping, open_dataset, read_table


@pytest.fixture(scope="module")
def demo_corpus(tmp_path_factory):
    folder = tmp_path_factory.mktemp("corpus-demo")
    sample = ic.retail_sample(None, n_invoices=90)
    return sample, folder, {name: ic.write_variant(sample, v, folder) for name, v in ic.VARIANTS.items()}


def _check(path: Path, v: ic.Variant, exp: dict) -> None:
    table = read_table(path)
    assert table.encoding in v.reported, (v.name, table.encoding)
    assert table.delimiter == v.sep and table.decimal == v.decimal
    m = infer_mapping(table.frame)
    assert m.kind == "interactions"
    for role, col in v.roles.items():
        assert getattr(m, role) == col, (v.name, role, getattr(m, role))
        assert m.evidence.get(role), (v.name, role)
    assert m.value_kind == "quantity"
    assert (m.title or m.description) == v.headers[2]
    assert v.headers[7] in m.extra
    assert "each" in m.evidence["user"] and "belongs to one" in m.evidence["basket"]
    ds = open_dataset(path)
    inter = ds.interactions
    assert (inter.n_users, inter.n_items, inter.n_events) == (exp["users"], exp["items"], exp["events"]), v.name
    assert ds.report.rows_read == exp["rows"]
    assert ds.source["encoding"] == table.encoding


def test_the_corpus_covers_what_clients_send():
    variants = ic.VARIANTS.values()
    assert len({v.name for v in variants}) >= 8
    assert len({v.encoding for v in variants}) >= 3 and {",", ";", "\t"} <= {v.sep for v in variants}
    assert {".", ","} == {v.decimal for v in variants}


@pytest.mark.parametrize("name", list(ic.VARIANTS))
def test_demo_export_reads_right(demo_corpus, name):
    sample, _, paths = demo_corpus
    _check(paths[name], ic.VARIANTS[name], ic.expected(sample))


def test_day_first_dates_are_read_as_such(demo_corpus):
    sample, _, paths = demo_corpus
    ds = open_dataset(paths["de"])
    assert ds.mapping.date_order == "DMY" and "cannot be a month" in ds.mapping.evidence["timestamp"]
    first = pd.Timestamp(int(ds.interactions.timestamps.min()), unit="s")
    assert first == sample.loc[sample["customer"].notna() & (sample["quantity"] > 0), "date"].min()


def test_catalog_workbook_with_cover_sheet_joins(demo_corpus):
    sample, folder, paths = demo_corpus
    book, exp = ic.catalog_workbook(sample, folder)
    table = read_table(book)
    assert table.sheet == "Artikel" and table.sheets == ["Deckblatt", "Artikel"]
    m = infer_mapping(table.frame)
    assert m.kind == "catalog" and m.item == "Artikelnr" and m.user is None
    assert (m.title, m.price, m.category) == ("Bezeichnung", "Preis", "Warengruppe")
    ds = open_dataset(paths["de"], catalog_path=book)
    join = ds.source["catalog_join"]
    assert {k: join[k] for k in exp} == exp
    ds2 = open_dataset(paths["zh-Hans"])
    report = attach_catalog(ds2, table)
    assert (report.matched, report.missing, report.cold) == (exp["matched"], exp["missing"], exp["cold"])
    assert ds2.catalog.titles([sample["item"].iloc[1]])[0] != sample["item"].iloc[1]


def test_info_json_says_catalog_or_interactions(demo_corpus, capsys):
    sample, folder, paths = demo_corpus
    book, exp = ic.catalog_workbook(sample, folder)
    import json
    assert cli_main(["info", "--json", str(book)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["kind"] == "catalog" and out["items"] == exp["catalog"]
    assert cli_main(["info", "--json", str(paths["ko"])]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["kind"] == "interactions" and out["encoding"] == "cp949"
    assert out["mapping"]["evidence"]["user"].startswith("header '고객번호' means customer")


@pytest.mark.shared
@pytest.mark.parametrize("source", ["I", "II"])
def test_online_retail_exports_read_right(shared_data, tmp_path, source):
    sample = ic.retail_sample(shared_data, source, n_invoices=120, seed=11)
    exp = ic.expected(sample)
    for v in ic.VARIANTS.values():
        _check(ic.write_variant(sample, v, tmp_path), v, exp)


@pytest.mark.shared
def test_movielens_ratings_join_their_movies(shared_data, tmp_path):
    src = shared_data / "ml-100k"
    ratings = pd.read_csv(src / "u.data", sep="\t", header=None).head(3000)
    ratings.to_csv(tmp_path / "u.data", sep="\t", header=False, index=False)
    shutil.copy(src / "u.item", tmp_path / "u.item")
    ds = open_dataset(tmp_path / "u.data")
    join = ds.source["catalog_join"]
    assert join["matched"] == ratings[1].nunique() and join["missing"] == 0
    assert join["cold"] == 1682 - ratings[1].nunique()
    assert ds.catalog.titles([1])[0] == "Toy Story (1995)"


@pytest.mark.shared
def test_goodbooks_and_movies_are_catalogs(shared_data):
    for path, item in ((shared_data / "goodbooks-10k" / "books.csv", "book_id"),
                       (shared_data / "ml-1m" / "movies.dat", "movie_id")):
        m = infer_mapping(read_table(path).frame)
        assert m.kind == "catalog" and m.item == item and m.user is None
