"""Import recipes: the column mapping and load-time filters a user confirmed, saved as JSON and
applied to next month's export of the same system with one command (``recscope ... --recipe``).

A recipe names columns, not positions: a file whose header lacks a column the recipe maps is
refused with one line naming the recipe, the file and the column.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from engine.data.load_filters import LoadFilters
from engine.data.schema import ROLES, ColumnMapping
from engine.errors import SchemaError

FORMAT = "recscope-import-recipe"
VERSION = 1
#: ColumnMapping fields a recipe stores (what the user confirmed; not the inference's evidence).
MAPPING_FIELDS = (*ROLES, "value_kind", "extra", "date_order")


def mapping_fields(m: ColumnMapping) -> dict:
    return {k: (list(v) if isinstance(v, list) else v) for k, v in m.to_dict().items() if k in MAPPING_FIELDS}


@dataclass
class Recipe:
    """mapping: ColumnMapping fields (role -> column or None, value_kind, extra, date_order);
    filters: LoadFilters; sheet: workbook sheet or None; catalog: {"mapping": {...}, "sheet": ...}
    for a separate catalog file, or None."""

    mapping: dict
    filters: LoadFilters = field(default_factory=LoadFilters)
    sheet: str | None = None
    catalog: dict | None = None

    @classmethod
    def from_dataset(cls, ds) -> "Recipe":
        """The recipe of a loaded Dataset: its mapping, filters, sheet and catalog mapping."""
        src = ds.source or {}
        catalog = None
        if src.get("catalog_mapping"):
            catalog = {"mapping": {k: v for k, v in src["catalog_mapping"].items() if k in MAPPING_FIELDS},
                       "sheet": src.get("catalog_sheet")}
        return cls(mapping_fields(ds.mapping), LoadFilters.from_dict(src.get("filters")), src.get("sheet"), catalog)

    def to_dict(self) -> dict:
        return {"format": FORMAT, "version": VERSION, "mapping": self.mapping, "filters": self.filters.to_dict(),
                "sheet": self.sheet, "catalog": self.catalog}

    def save(self, path) -> Path:
        p = Path(path)
        try:
            p.write_text(json.dumps(self.to_dict(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        except OSError as e:
            raise SchemaError(f"cannot write the recipe ({e.strerror})", path=p.name) from None
        return p

    @classmethod
    def load(cls, path) -> "Recipe":
        """Read a recipe file; SchemaError naming it when it is not one or holds bad values."""
        p = Path(path)
        try:
            doc = json.loads(p.read_text(encoding="utf-8"))
        except OSError as e:
            raise SchemaError(f"cannot read the recipe ({e.strerror})", path=p.name) from None
        except (ValueError, UnicodeDecodeError):
            raise SchemaError("is not an import recipe (not JSON)", path=p.name) from None
        if not isinstance(doc, dict) or doc.get("format") != FORMAT:
            raise SchemaError("is not a RecScope import recipe", path=p.name)
        if not isinstance(doc.get("version"), int) or doc["version"] > VERSION:
            raise SchemaError(f"is a recipe of a newer RecScope (version {doc.get('version')})", path=p.name)
        mapping = doc.get("mapping")
        if not isinstance(mapping, dict) or set(mapping) - set(MAPPING_FIELDS):
            raise SchemaError("its mapping is damaged", path=p.name)
        catalog = doc.get("catalog")
        if catalog is not None and not (isinstance(catalog, dict) and isinstance(catalog.get("mapping"), dict)):
            raise SchemaError("its catalog mapping is damaged", path=p.name)
        sheet = doc.get("sheet")
        if sheet is not None and not isinstance(sheet, str):
            raise SchemaError("its sheet is damaged", path=p.name)
        return cls(mapping, LoadFilters.from_dict(doc.get("filters"), f"{p.name}: filters"), sheet, catalog)


def apply_mapping(inferred: ColumnMapping, fields: dict, columns, *, source: str, file: str) -> ColumnMapping:
    """``inferred`` with ``fields`` (a recipe's or --map's roles) put in; each such role's evidence
    says ``source``. SchemaError naming ``source``, ``file`` and the column when one is missing."""
    columns = list(columns)
    for role, col in fields.items():
        cols = col if role == "extra" else [col] if role in ROLES else []
        for c in cols:
            if c is not None and c not in columns:
                raise SchemaError(f"{source} maps {role} to column '{c}', which {file} does not have "
                                  f"(columns: {', '.join(map(str, columns[:20]))})")
    m = inferred.replace(**fields)
    for role in ROLES:
        if fields.get(role) is not None:
            m.evidence[role] = f"from {source}"
    return m
