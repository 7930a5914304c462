"""A corpus of client exports for the import tests, built from real rows.

Orders are sampled (whole invoices, seeded) from Online Retail I or II in ``../shared/data`` or,
without it, from the bundled demo (``resources/demo``, itself Online Retail rows), and written
again as a client's ERP would: headers in one of twelve languages, the encodings and separators
those systems use, decimal commas, day-first dates, country names and the postage line in the
language. ``expected`` computes the counts a loader must find with pandas alone, from the
sample itself. ``catalog_workbook`` writes a product master (.xlsx) with a cover sheet.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

#: Canonical columns of a sample (Online Retail's, renamed).
COLUMNS = ("invoice", "item", "title", "quantity", "date", "price", "customer", "country")


@dataclass(frozen=True)
class Variant:
    """How one client system writes the sample: header per canonical column, encoding, field
    separator, decimal mark, date format, and words of its language."""

    name: str
    headers: tuple
    encoding: str
    sep: str
    decimal: str
    date_format: str
    countries: dict
    postage: str
    reported: tuple   # encodings a reader may report for this file

    @property
    def roles(self) -> dict:
        """ColumnMapping field -> header the reader must choose."""
        h = dict(zip(COLUMNS, self.headers))
        return {"basket": h["invoice"], "item": h["item"], "user": h["customer"], "value": h["quantity"],
                "timestamp": h["date"], "price": h["price"]}


def _v(name, headers, encoding, sep, decimal, date_format, countries, postage, reported=None):
    return Variant(name, tuple(headers.split(sep if sep != "\t" else "\t")), encoding, sep, decimal, date_format,
                   dict(zip(("United Kingdom", "France", "Germany", "EIRE"), countries)), postage,
                   tuple(reported or (encoding,)))


VARIANTS = {v.name: v for v in (
    _v("de", "Rechnungsnr;Artikelnr;Bezeichnung;Menge;Rechnungsdatum;Einzelpreis;Kundennr;Land", "cp1252", ";",
       ",", "%d.%m.%Y %H:%M", ("Vereinigtes Königreich", "Frankreich", "Deutschland", "Irland"), "Porto"),
    _v("zh-Hans", "订单号,商品编码,商品名称,数量,下单时间,单价,会员ID,国家", "gb18030", ",", ".",
       "%Y-%m-%d %H:%M:%S", ("英国", "法国", "德国", "爱尔兰"), "运费"),
    _v("fr", "N° facture;Code article;Désignation;Quantité;Date de facture;Prix unitaire;N° client;Pays",
       "cp1252", ";", ",", "%d/%m/%Y %H:%M", ("Royaume-Uni", "France", "Allemagne", "Irlande"), "Frais de port"),
    _v("es", "Nº factura;Código artículo;Descripción;Cantidad;Fecha factura;Precio unitario;ID cliente;País",
       "utf-8-sig", ";", ",", "%d/%m/%Y %H:%M", ("Reino Unido", "Francia", "Alemania", "Irlanda"), "Gastos de envío",
       ("utf-8-sig",)),
    _v("it", "Numero fattura,Codice articolo,Descrizione,Quantità,Data fattura,Prezzo unitario,Codice cliente,Paese",
       "utf-8", ",", ".", "%d/%m/%Y %H:%M", ("Regno Unito", "Francia", "Germania", "Irlanda"), "Spese di spedizione"),
    _v("pt", "Nº fatura;Código produto;Designação;Quantidade;Data fatura;Preço unitário;Nº cliente;País",
       "cp1252", ";", ",", "%d-%m-%Y %H:%M", ("Reino Unido", "França", "Alemanha", "Irlanda"), "Portes de envio"),
    _v("nl", "Factuurnummer;Artikelnummer;Omschrijving;Aantal;Factuurdatum;Stukprijs;Klantnummer;Land", "utf-8",
       ";", ",", "%d-%m-%Y %H:%M", ("Verenigd Koninkrijk", "Frankrijk", "Duitsland", "Ierland"), "Verzendkosten"),
    _v("pl", "Nr faktury;Indeks;Nazwa towaru;Ilość;Data faktury;Cena jednostkowa;Nr klienta;Kraj", "cp1250", ";",
       ",", "%d.%m.%Y %H:%M", ("Wielka Brytania", "Francja", "Niemcy", "Irlandia"), "Wysyłka zagraniczna"),
    _v("tr", "Fatura No;Ürün Kodu;Ürün Adı;Miktar;Fatura Tarihi;Birim Fiyat;Müşteri No;Ülke", "utf-8", ";", ",",
       "%d.%m.%Y %H:%M", ("Birleşik Krallık", "Fransa", "Almanya", "İrlanda"), "Kargo ücreti"),
    _v("ru", "Номер заказа\tАртикул\tНаименование\tКоличество\tДата заказа\tЦена\tКод клиента\tСтрана", "utf-16",
       "\t", ",", "%d.%m.%Y %H:%M", ("Великобритания", "Франция", "Германия", "Ирландия"), "Доставка"),
    _v("ja", "注文番号\t商品コード\t商品名\t数量\t注文日時\t単価\t顧客番号\t国", "cp932", "\t", ".", "%Y/%m/%d %H:%M",
       ("イギリス", "フランス", "ドイツ", "アイルランド"), "送料"),
    _v("ko", "주문번호,상품코드,상품명,수량,주문일시,단가,고객번호,국가", "cp949", ",", ".", "%Y-%m-%d %H:%M",
       ("영국", "프랑스", "독일", "아일랜드"), "배송비"),
    _v("zh-Hant", "訂單編號,商品編號,品名,數量,訂單日期,單價,會員編號,國家", "big5", ",", ".", "%Y/%m/%d %H:%M",
       ("英國", "法國", "德國", "愛爾蘭"), "運費"),
    _v("en", "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country", "utf-8", ",",
       ".", "%m/%d/%Y %H:%M", ("United Kingdom", "France", "Germany", "EIRE"), "POSTAGE"),
)}


def retail_sample(shared: Path | None, source: str = "I", n_invoices: int = 150, seed: int = 7) -> pd.DataFrame:
    """Whole invoices sampled from Online Retail ``source`` ("I" or "II") in ``shared`` (the
    ../shared/data folder), or from the bundled demo when ``shared`` is None; canonical columns."""
    if shared is None:
        from desktop.paths import DEMO_DATA, resource_path
        frame = pd.read_csv(resource_path(*DEMO_DATA), dtype={"InvoiceNo": str, "StockCode": str})
    elif source == "I":
        frame = pd.read_parquet(shared / "online-retail" / "online_retail.parquet")
    else:
        frame = pd.read_parquet(shared / "online-retail-ii" / "online_retail_ii_2009-2010.parquet")
    frame = frame.set_axis(list(COLUMNS), axis=1)
    invoices = frame["invoice"].astype(str).unique()
    rng = np.random.default_rng(seed)
    post = frame.loc[frame["item"] == "POST", "invoice"].astype(str).unique()
    chosen = set(rng.choice(invoices, size=min(n_invoices, len(invoices)), replace=False))
    chosen |= set(post[:6])  # a few postage lines, as a client's export has them
    out = frame[frame["invoice"].astype(str).isin(chosen)].reset_index(drop=True)
    out["invoice"] = out["invoice"].astype(str)
    out["item"] = out["item"].astype(str)
    out["date"] = pd.to_datetime(out["date"])
    return out


def write_variant(sample: pd.DataFrame, v: Variant, folder: Path) -> Path:
    """``sample`` written as system ``v`` would export it; returns the file's path."""
    out = sample.copy()
    out["date"] = out["date"].dt.strftime(v.date_format)
    out["country"] = out["country"].map(lambda c: v.countries.get(c, c))
    out.loc[out["item"] == "POST", "title"] = v.postage
    out["customer"] = out["customer"].map(lambda c: "" if pd.isna(c) else str(int(c)))
    out["price"] = out["price"].map(lambda p: f"{p:.2f}".replace(".", v.decimal))
    out.columns = list(v.headers)
    path = folder / f"export_{v.name}.{'txt' if v.sep == chr(9) else 'csv'}"
    text = out.to_csv(index=False, sep=v.sep, lineterminator="\r\n")
    path.write_bytes(text.encode(v.encoding, errors="strict"))
    return path


def expected(sample: pd.DataFrame) -> dict:
    """What loading must find, by pandas alone: rows, customers and items of the purchases (a
    customer, quantity > 0), and events (rows sharing customer, item and time merged)."""
    bought = sample[sample["customer"].notna() & (sample["quantity"] > 0)]
    events = bought.groupby(["customer", "item", "date"]).ngroups
    return {"rows": len(sample), "users": bought["customer"].nunique(), "items": bought["item"].nunique(),
            "events": events, "returns": int((sample["quantity"] <= 0).sum()),
            "orders": sample["invoice"].nunique(), "customers": sample["customer"].nunique()}


def catalog_workbook(sample: pd.DataFrame, folder: Path, extra: pd.DataFrame | None = None) -> tuple[Path, dict]:
    """A German product master (.xlsx): a cover sheet, then ``Artikel`` with Artikelnr,
    Bezeichnung, Preis, Warengruppe. It leaves out every 10th item bought and adds ``extra``'s
    items (never bought). Returns (path, {"matched", "missing", "cold"}) counted with sets."""
    items = sample.drop_duplicates("item")[["item", "title", "price"]].reset_index(drop=True)
    kept = items[items.index % 10 != 0]
    if extra is not None:
        kept = pd.concat([kept, extra[["item", "title", "price"]]], ignore_index=True)
    kept = kept.drop_duplicates("item")
    sheet = pd.DataFrame({"Artikelnr": kept["item"], "Bezeichnung": kept["title"].str.title(),
                          "Preis": kept["price"].round(2),
                          "Warengruppe": np.where(kept["item"].str[:2].str.isdigit(), "Wohnen", "Sonstiges")})
    path = folder / "Produktstamm.xlsx"
    with pd.ExcelWriter(path) as xw:
        pd.DataFrame({"A": ["Produktstamm", "Stand: 01.01.2012", "Erstellt von: ERP-Export", None, "Vertraulich"]}
                     ).to_excel(xw, sheet_name="Deckblatt", index=False, header=False)
        sheet.to_excel(xw, sheet_name="Artikel", index=False)
    bought = set(sample.loc[sample["customer"].notna() & (sample["quantity"] > 0), "item"])
    cat = set(kept["item"])
    return path, {"matched": len(bought & cat), "missing": len(bought - cat), "cold": len(cat - bought),
                  "catalog": len(cat)}


def demo_files(folder: Path, names=("de", "fr"), n_invoices: int = 60, seed: int = 5) -> dict:
    """Exports ``names`` of one demo sample and its catalog workbook, written to ``folder``:
    {name: path, "book": path, "join": expected join counts, "sample": the rows}."""
    sample = retail_sample(None, n_invoices=n_invoices, seed=seed)
    book, join = catalog_workbook(sample, folder)
    return {**{n: write_variant(sample, VARIANTS[n], folder) for n in names}, "book": book, "join": join,
            "sample": sample}
