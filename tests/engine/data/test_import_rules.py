"""Content decides roles where names do not; encodings; load-time filters; recipes; the store.

Every file is made here. Counts are checked against pandas on the same rows.
"""

import json

import pandas as pd
import pytest

import import_corpus as ic
from engine.data import ColumnMapping, LoadFilters, infer_mapping, open_dataset, preview_filters, read_table
from engine.data.headers import name_hits, non_product_word, vocabulary
from engine.data.inference import date_order
from engine.data.recipe import Recipe
from engine.errors import DataFormatError, SchemaError


@pytest.fixture(scope="module")
def sample():
    return ic.retail_sample(None, n_invoices=80, seed=3)


@pytest.fixture(scope="module")
def german(sample, tmp_path_factory):
    return ic.write_variant(sample, ic.VARIANTS["de"], tmp_path_factory.mktemp("de"))


def test_vocabulary_has_every_language_and_role():
    voc = vocabulary()
    assert len(voc.languages) == 14
    for role in ("user", "basket", "item", "title", "quantity", "price", "timestamp", "category", "event"):
        langs = {lang for _, entries in voc.names.items() for r, lang, _ in entries if r == role}
        assert len(langs) == 14, (role, sorted(set(voc.languages.values()) - langs))
    assert name_hits("Rechnungsdatum")[0].role == "timestamp"       # compound: the head word ends it
    assert {h.role for h in name_hits("Date de facture")} == {"timestamp", "basket"}  # content decides
    assert non_product_word("Versandkosten Ausland")[0] == "versandkosten"
    assert non_product_word("COFFEE MUG") is None


def test_unknown_headers_roles_from_content(german):
    frame = read_table(german).frame
    frame.columns = [f"Feld{i}" for i in range(1, 9)]
    m = infer_mapping(frame)
    assert (m.basket, m.user, m.item, m.value, m.timestamp, m.title, m.price) == (
        "Feld1", "Feld7", "Feld2", "Feld4", "Feld5", "Feld3", "Feld6")
    assert m.value_kind == "quantity" and "negative (returns)" in m.evidence["value"]
    assert "each Feld1 belongs to one of them" in m.evidence["user"]
    assert "words per value" in m.evidence["title"] and m.date_order == "DMY"


def test_an_order_column_named_like_a_customer_is_the_basket(german):
    """Functional dependency: each value of 'Beleg-Kunde' belongs to one KD, so KD is the customer."""
    frame = read_table(german).frame
    frame.columns = ["Beleg-Kunde", "Art", "Text", "Stk", "Wann", "EP", "KD", "LKZ"]
    m = infer_mapping(frame)
    assert (m.user, m.basket) == ("KD", "Beleg-Kunde")
    assert "behave as orders" in m.evidence["basket"]


@pytest.mark.parametrize("values, order", [
    (["01.12.2010", "31.12.2010"], "DMY"), (["12/01/2010", "12/31/2010"], "MDY"),
    (["2010-12-01 08:26", "2010-12-31"], "YMD"), (["01.02.2010", "03.04.2010"], "DMY")])
def test_date_order_from_the_values(values, order):
    got, why = date_order(pd.Series(values), None, None)
    assert got == order and why


def test_mostly_utf8_file_keeps_utf8_and_names_the_odd_line(tmp_path):
    lines = ["Kunde;Artikel;Bezeichnung"] + [f"{u};A{u % 7};Müller Tasse {u}" for u in range(1, 40)]
    raw = "\n".join(lines).encode("utf-8").split(b"\n")
    raw[17] = "17;A3;Müller Becher".encode("cp1252")     # one line pasted from an old system
    p = tmp_path / "mixed.csv"
    p.write_bytes(b"\n".join(raw) + b"\n")
    t = read_table(p)
    assert t.encoding == "utf-8"
    assert not t.frame["Bezeichnung"].str.contains("Ã").any()
    assert t.frame["Bezeichnung"].iloc[16] == "Müller Becher"
    assert t.notes and "line 18" in t.notes[0]
    ds = open_dataset(p)
    assert any("line 18" in w for w in ds.report.warnings)
    assert ds.interactions.n_users == 39                   # no second "MÃ¼ller"-like customer appears


def test_a_pound_sign_does_not_make_a_german_export_polish(tmp_path):
    """cp1252 0xA3 is £ and cp1250's Ł: a German file with prices in pounds stays cp1252."""
    lines = ["Kundennr;Artikelnr;Bezeichnung"] + [f"{u};A{u % 7};Schöne Tasse {u}" for u in range(1, 60)]
    lines[5] = "5;A5;Geschenkkarte £10"
    p = tmp_path / "export.csv"
    p.write_bytes("\r\n".join(lines).encode("cp1252"))
    t = read_table(p)
    assert t.encoding == "cp1252"
    assert t.frame["Bezeichnung"].iloc[4] == "Geschenkkarte £10"


@pytest.mark.parametrize("encoding", ["cp1251", "koi8_r"])
def test_a_russian_export_in_a_cyrillic_code_page_keeps_its_letters(tmp_path, encoding):
    """The Latin tie-break applies to Latin code pages only: a cp1251 or KOI8-R export (what 1C and
    older Russian ERPs write) is read in the code page detected, not as cp1254 mojibake."""
    lines = ["Номер заказа;Артикул;Наименование;Количество;Клиент"] + [
        f"{536365 + u};85123A;Подставка для свечей белая {u};{u % 5 + 1};{17850 + u % 7}" for u in range(80)]
    p = tmp_path / "export.csv"
    p.write_bytes("\r\n".join(lines).encode(encoding))
    t = read_table(p)
    assert t.encoding == encoding.replace("_", "-") or t.encoding == encoding
    assert list(t.frame.columns)[:3] == ["Номер заказа", "Артикул", "Наименование"]
    assert t.frame["Наименование"].iloc[0] == "Подставка для свечей белая 0"


def test_text_in_no_encoding_is_one_line_naming_file(tmp_path):
    p = tmp_path / "junk.csv"
    p.write_bytes(b"a,b\n" + bytes(range(0x80, 0x100)) * 40)
    with pytest.raises(DataFormatError) as err:
        read_table(p)
    assert str(err.value).startswith("junk.csv") and "\n" not in str(err.value)


def test_filters_count_what_pandas_counts(sample, german):
    table = read_table(german)
    m = infer_mapping(table.frame)
    base = sample[sample["customer"].notna()]
    pv = preview_filters(table, m)
    codes = {c.item for c in pv.candidates}
    assert "POST" in codes and any("porto" in r for c in pv.candidates if c.item == "POST" for r in c.reasons)
    f = LoadFilters(exclude_items=["POST"], date_from="2011-01-01", date_to="2011-06-30", min_user_events=2)
    got = preview_filters(table, m, f, propose=False).removed
    step = base[base["item"] != "POST"]
    assert got["non-product codes"] == (base["item"] == "POST").sum()
    assert got["quantity <= 0 (returns/cancellations)"] == (step["quantity"] <= 0).sum()
    step = step[step["quantity"] > 0]
    day = step["date"].dt.normalize()
    inside = step[(day >= "2011-01-01") & (day <= "2011-06-30")]
    assert got["outside the date range"] == len(step) - len(inside)
    few = inside.groupby("customer")["item"].transform("size") < 2
    assert got.get("customers with too few events", 0) == few.sum()
    ds = open_dataset(german, filters=f)
    assert ds.source["filters"]["exclude_items"] == ["POST"]
    assert ds.report.dropped["non-product codes"] == got["non-product codes"]


def test_net_returns_drop_purchases_returned_in_full(tmp_path):
    p = tmp_path / "r.csv"
    p.write_text("Kunde,Artikel,Menge,Preis\n1,A,2,1.50\n1,A,-2,1.50\n1,B,3,2.00\n1,B,-1,2.00\n2,A,1,1.50\n")
    ds = open_dataset(p, filters={"returns": "net"})
    assert ds.report.dropped == {"quantity <= 0 (returns/cancellations)": 2,
                                 "purchases returned in full (net quantity <= 0)": 1}
    assert ds.interactions.n_events == 2


def test_bad_filters_and_mapping_are_one_line(german):
    with pytest.raises(SchemaError, match="returns must be one of drop, net"):
        LoadFilters.from_dict({"returns": "keep"})
    with pytest.raises(SchemaError, match="date_from must be a date"):
        LoadFilters.from_dict({"date_from": "last monday"})
    with pytest.raises(SchemaError, match="unknown column role"):
        ColumnMapping(user="u", item="i").replace(colour="x")


def test_user_choice_moves_a_column_out_of_its_old_role(german):
    m = infer_mapping(read_table(german).frame).replace(user="Land")
    assert m.user == "Land" and "Land" not in m.extra and m.evidence["user"] == "chosen by you"
    m2 = m.replace(item="Kundennr")
    assert m2.item == "Kundennr" and m2.user == "Land"


def test_recipe_round_trip_and_next_month(german, tmp_path, sample):
    ds = open_dataset(german, {"title": "Bezeichnung"}, filters={"exclude_items": ["POST"], "returns": "net"})
    path = Recipe.from_dataset(ds).save(tmp_path / "erp.json")
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["format"] == "recscope-import-recipe" and doc["mapping"]["user"] == "Kundennr"
    recipe = Recipe.load(path)
    nxt = ic.write_variant(ic.retail_sample(None, n_invoices=40, seed=99), ic.VARIANTS["de"], tmp_path)
    ds2 = open_dataset(nxt, recipe=recipe, filters=recipe.filters)
    assert ds2.mapping.evidence["user"] == "from the import recipe"
    assert ds2.source["filters"]["returns"] == "net"
    other = ic.write_variant(sample, ic.VARIANTS["fr"], tmp_path)
    with pytest.raises(SchemaError, match="maps user to column 'Kundennr', which export_fr.csv does not have"):
        open_dataset(other, recipe=recipe)
    (tmp_path / "bad.json").write_text('{"format": "something else"}')
    with pytest.raises(SchemaError, match="bad.json: is not a RecScope import recipe"):
        Recipe.load(tmp_path / "bad.json")


def test_project_keeps_evidence_filters_and_join(german, sample, tmp_path):
    from engine.store import Project, save_new
    book, exp = ic.catalog_workbook(sample, tmp_path)
    ds = open_dataset(german, catalog_path=book, filters={"exclude_items": ["POST"]})
    save_new(tmp_path / "p.recscope", dataset=ds, split=None, runs=[]).close()
    project = Project.open(tmp_path / "p.recscope")
    try:
        back = project.load().dataset
    finally:
        project.close()
    assert back.mapping.evidence == ds.mapping.evidence and back.mapping.basket == "Rechnungsnr"
    assert back.mapping.date_order == "DMY"
    assert back.source["filters"]["exclude_items"] == ["POST"]
    assert back.source["catalog_join"] == ds.source["catalog_join"]
    assert back.source["catalog_join"]["cold"] == exp["cold"] + 1  # POST was left out, so never "bought"
    assert Recipe.from_dataset(back).catalog["mapping"]["item"] == "Artikelnr"
