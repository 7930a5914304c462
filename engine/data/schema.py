"""Column roles: which column holds the user, the order (basket), the item, the value, the time,
the event type and the catalog fields, with the evidence for each role in words.

``infer_mapping`` (in ``engine.data.inference``) proposes a ``ColumnMapping`` from header names in
the supported languages and from content checks; the user can override every role.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from engine.errors import SchemaError

#: Roles that name one column each (value_kind says how to read ``value``; basket is the order /
#: invoice / receipt id that groups a customer's lines bought together).
ROLES = ("user", "basket", "item", "value", "timestamp", "event", "title", "category", "price", "description")
#: Catalog roles: item attributes taken into an ItemCatalog.
CATALOG_ROLES = ("title", "category", "price", "description")
VALUE_KINDS = ("rating", "quantity", "weight", "none")
#: How text dates are written: day-month-year, month-day-year, year-month-day.
DATE_ORDERS = ("DMY", "MDY", "YMD")
#: What a table holds: events (one row per user–item event) or a catalog (one row per item).
KINDS = ("interactions", "catalog")
USER_CHOICE = "chosen by you"


@dataclass
class ColumnMapping:
    """Which column plays which role; None where absent.

    value_kind: "rating" | "quantity" | "weight" | "none" (how ``value`` is read).
    extra: further item attribute columns copied into the catalog (e.g. Country, author).
    confidence: role -> 0..1, how sure the inference was (1.0 for user choices).
    evidence: role -> why that column plays it, in words ("header 'Kundennr' means customer
      (Deutsch); 2,975 values, each Rechnungsnr belongs to one of them").
    date_order: how ``timestamp`` text is written ("DMY", "MDY", "YMD"), None when not text or unknown.
    kind: "interactions", or "catalog" for a table with one row per item and no user.
    """

    user: str | None = None
    basket: str | None = None
    item: str | None = None
    value: str | None = None
    value_kind: str = "none"
    timestamp: str | None = None
    event: str | None = None
    title: str | None = None
    category: str | None = None
    price: str | None = None
    description: str | None = None
    extra: list[str] = field(default_factory=list)
    confidence: dict[str, float] = field(default_factory=dict)
    evidence: dict[str, str] = field(default_factory=dict)
    date_order: str | None = None
    kind: str = "interactions"

    def replace(self, **changes) -> "ColumnMapping":
        """Copy with some roles overridden; overridden roles get confidence 1.0 and the evidence
        "chosen by you"."""
        names = {f.name for f in dataclasses.fields(self)}
        unknown = set(changes) - names
        if unknown:
            raise SchemaError(f"unknown column role(s): {', '.join(sorted(unknown))} "
                              f"(roles: {', '.join(sorted(names - {'confidence', 'evidence'}))})")
        conf, why = dict(self.confidence), dict(self.evidence)
        for k, v in changes.items():
            if k in ROLES:
                if v is None:
                    conf.pop(k, None)
                    why.pop(k, None)
                else:
                    conf[k] = 1.0
                    why[k] = USER_CHOICE
        taken = {v for k, v in changes.items() if k in ROLES and v is not None}
        for role in ROLES:  # a column the user gives a role leaves the role it had
            if role not in changes and getattr(self, role) in taken:
                changes[role] = None
                conf.pop(role, None)
                why.pop(role, None)
        if "extra" not in changes and any(c in taken for c in self.extra):
            changes["extra"] = [c for c in self.extra if c not in taken]
        if changes.get("user") or changes.get("item"):
            changes.setdefault("kind", "interactions")
        if changes.get("value", self.value) is None and "value_kind" not in changes:
            changes["value_kind"] = "none"
        if changes.get("value") is not None and self.value is None and "value_kind" not in changes:
            changes["value_kind"] = "rating"
        return dataclasses.replace(self, **changes, confidence=conf, evidence=why)

    def to_dict(self) -> dict:
        d = dataclasses.asdict(self)
        d["extra"] = list(self.extra)
        return d

    def roles(self) -> dict[str, str]:
        """role -> column of every mapped role (extra columns as "extra")."""
        out = {r: getattr(self, r) for r in ROLES if getattr(self, r)}
        if self.extra:
            out["extra"] = ", ".join(self.extra)
        return out

    @classmethod
    def from_dict(cls, d: dict) -> "ColumnMapping":
        names = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in d.items() if k in names})

    def columns(self) -> list[str]:
        """Every mapped column, in role order."""
        cols = [getattr(self, r) for r in ROLES] + list(self.extra)
        return [c for c in cols if c]

    def validate(self, columns, name: str | None = None) -> None:
        """SchemaError unless user and item are set and every mapped column exists in ``columns``."""
        columns = list(columns)
        listing = ", ".join(map(str, columns[:20])) + (f" and {len(columns) - 20:,} more" if len(columns) > 20 else "")
        for role in ("user", "item"):
            if getattr(self, role) is None:
                hint = (f"it has one row per {self.item}, so it looks like an item catalog: open it as the "
                        f"catalog, or " if role == "user" and self.item and (self.kind == "catalog" or self.title) else "")
                raise SchemaError(f"no {role} column found; {hint}choose one of: {listing}", path=name)
        if self.user == self.item or self.basket == self.item:
            role = "user" if self.user == self.item else "basket"
            raise SchemaError(f"{role} and item are both column '{self.item}'", path=name)
        for role in (*ROLES, "extra"):
            cols = self.extra if role == "extra" else [getattr(self, role)]
            for col in cols:
                if col is not None and col not in columns:
                    raise SchemaError(f"{role} column '{col}' is not in the file (columns: {listing})",
                                      path=name)
        if self.value_kind not in VALUE_KINDS:
            raise SchemaError(f"value_kind must be rating, quantity, weight or none, not {self.value_kind!r}")
        if self.date_order not in (None, *DATE_ORDERS):
            raise SchemaError(f"date_order must be one of {', '.join(DATE_ORDERS)}, not {self.date_order!r}")
