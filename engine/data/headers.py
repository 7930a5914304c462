"""Header vocabulary: what a column name means, in the languages clients export in.

The words live as data in ``engine/data/vocabulary/<language>.json`` (English, German, French,
Spanish, Italian, Portuguese, Dutch, Polish, Turkish, Russian, Simplified and Traditional Chinese,
Japanese, Korean), one file per language:

- ``names``: role -> whole column names ("Kundennr", "订单号", "Quantité");
- ``contains``: role -> word stems that mark the role inside a longer name ("...rechnung...");
- ``non_product``: words in a title that mark a line that is not a product (postage, fee, ...);
- ``date_order``: how that language writes dates ("DMY", "MDY", "YMD" or null).

Names are compared after ``normalize``: case-folded, accents dropped, spaces and punctuation removed.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from engine.i18n import N_, _

#: Roles a header can name ("basket" is the order / invoice / receipt id; "extra" an attribute).
ROLE_KEYS = ("user", "basket", "item", "title", "description", "quantity", "rating", "weight", "price",
             "timestamp", "category", "event", "extra")
#: Trailing id markers stripped before looking for a word inside a name ("Kundennr" -> "kunden").
_ID_SUFFIXES = ("nummer", "number", "numero", "code", "nr", "no", "id", "num", "cd", "#", "号", "编号", "番号", "번호")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff]")


def normalize(name) -> str:
    """Case-folded ``name`` without accents, spaces or punctuation ("Quantité " -> "quantite")."""
    text = unicodedata.normalize("NFKD", str(name).casefold())
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    text = unicodedata.normalize("NFC", text)
    return "".join(ch for ch in text if ch.isalnum())


@dataclass(frozen=True)
class NameHit:
    """A vocabulary match of one column name: role, score (1.0 exact name, 0.6 a word inside it),
    the language whose word matched, and that word as written in the vocabulary."""

    role: str
    score: float
    language: str
    word: str

    def describe(self, column: str) -> str:
        how = _("means") if self.score >= 0.9 else _("contains '{word}', which means").format(word=self.word)
        return _("header '{column}' {how} {v2} ({language})").format(column=column, how=how, v2=_(_ROLE_WORDS[self.role]), language=self.language)


_ROLE_WORDS = {"user": N_("customer / user"), "basket": N_("order / invoice"), "item": N_("article / product"),
               "title": N_("product name"), "description": N_("description"), "quantity": N_("quantity"),
               "rating": N_("rating"), "weight": N_("weight"), "price": N_("price"), "timestamp": N_("date / time"),
               "category": N_("category"), "event": N_("event type"), "extra": N_("an attribute")}


@dataclass(frozen=True)
class Vocabulary:
    """names: normalized name -> [(role, language, word)] (one per language that has it); contains: (stem, role, language, word),
    longest first; non_product: normalized word -> (language, word); date_order: language -> order;
    languages: file stem -> language name."""

    names: dict
    contains: tuple
    non_product: dict
    date_order: dict
    languages: dict


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    """The header vocabulary of every language file (read once)."""
    names, contains, non_product, order, languages = {}, [], {}, {}, {}
    folder = resources.files("engine.data") / "vocabulary"
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".json"):
            continue
        doc = json.loads(entry.read_text(encoding="utf-8"))
        lang = doc["language"]
        languages[entry.name[:-5]] = lang
        order[lang] = doc.get("date_order")
        for role in ROLE_KEYS:
            for word in doc.get("names", {}).get(role, []):
                names.setdefault(normalize(word), []).append((role, lang, word))
            for word in doc.get("contains", {}).get(role, []):
                contains.append((normalize(word), role, lang, word))
        for word in doc.get("non_product", []):
            non_product.setdefault(normalize(word), (lang, word))
    contains.sort(key=lambda c: -len(c[0]))
    return Vocabulary(names, tuple(contains), non_product, order, languages)


def name_hits(column, prefer: str | None = None) -> list[NameHit]:
    """What ``column``'s header says, best first: an exact vocabulary name (score 0.9; in language
    ``prefer`` when several languages have it), or the name without an id suffix (0.8), else every
    role whose word occurs in the name (0.6 for the word that ends latest, as German and CJK compounds
    end in their head word, "Rechnungsdatum"; 0.55 for the others, as "Date de facture" puts its
    head first). Content checks decide between several. Empty when the header means nothing known."""
    voc = vocabulary()
    n = normalize(column)
    if not n:
        return []
    core = n
    for suffix in _ID_SUFFIXES:
        s = normalize(suffix) or suffix
        if core.endswith(s) and len(core) > len(s) + 1:
            core = core[: -len(s)]
            break
    for key, score in ((n, 0.9), (core, 0.8)):
        entries = voc.names.get(key)
        if entries:
            role, lang, word = next((e for e in entries if e[1] == prefer), entries[0])
            own = key in (role, role + "id")  # "title", "userid": the role's own name
            return [NameHit(role, 1.0 if own else score, lang, word)]
    found = {}  # role -> ((end, length), hit)
    for stem, role, lang, word in voc.contains:
        if len(stem) < 3 and not _CJK.search(stem):
            continue
        at = core.rfind(stem)
        if at < 0:
            continue
        key = (at + len(stem), len(stem), lang == prefer)
        if role not in found or key > found[role][0]:
            found[role] = (key, word, lang)
    ranked = sorted(found.items(), key=lambda kv: kv[1][0], reverse=True)
    return [NameHit(role, 0.6 if i == 0 else 0.55, lang, word) for i, (role, (_, word, lang)) in enumerate(ranked)]


def header_language(columns) -> str | None:
    """The language that has most of ``columns``' recognised header names, or None."""
    voc = vocabulary()
    counts: dict[str, int] = {}
    for c in columns:
        n = normalize(c)
        langs = {e[1] for e in voc.names.get(n, [])} or {h.language for h in name_hits(c)}
        for lang in langs:
            counts[lang] = counts.get(lang, 0) + 1
    return max(counts, key=lambda k: (counts[k], k == "English")) if counts else None


def non_product_word(title) -> tuple[str, str] | None:
    """(word, language) when ``title`` holds a word that marks a non-product line (postage,
    Porto, 运费, ...), else None. Latin words match whole words; CJK words anywhere."""
    voc = vocabulary()
    text = str(title)
    words = [normalize(w) for w in re.split(r"[\s\-_/,.;:()]+", text) if w]
    joined = normalize(text)
    for w in words:
        if w in voc.non_product:
            lang, word = voc.non_product[w]
            return word, lang
    for n, (lang, word) in voc.non_product.items():
        if (_CJK.search(n) or " " in word) and n in joined:
            return word, lang
    return None
