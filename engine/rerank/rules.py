"""Merchandising rules as data: parse and validate a rule spec (dict, JSON or TOML).

A spec is ``{"rules": [{"type": ..., ...}, ...]}`` (a bare list of rules is accepted too). Rule
types and their fields:

====================  ======================================================================
long_tail             weight in [0, 1]: on each user's shortlist (the model's top ``pool``
                      candidates, default 100; null: every candidate) score' = (1 - weight) *
                      z(score) - weight * z(log(1 + popularity)), z over the shortlist: 0 keeps
                      the model's order, 0.5 weighs relevance and rarity equally, 1 lists the
                      shortlist's least popular items first. The rest follow in model order
boost_where           column, op, value, amount: add ``amount`` (in standard deviations of the
                      user's scores; negative demotes) to items where ``column op value``
exclude_where         column, op, value: drop items where ``column op value``
only                  column, op (default "="), value: keep only items where ``column op value``
exclude_items         items: external item ids that are never recommended
bury_items            items: ranked below every other candidate
pin_items             items: placed at the top, in the listed order, when they are candidates
max_per               column, n >= 1: at most ``n`` items per ``column`` value in each list
diversity             lambda in [0, 1] and column (same value = similar) or "embeddings": true
                      (cosine of the model's item factors): maximal marginal relevance
min_share             column, share in (0, 1], groups (optional; default every value): each
                      group gets at least ceil(share * K) slots in each list when it can
====================  ======================================================================

op is one of =, !=, <, <=, >, >=, in (``in`` takes a list). Columns name a catalog column or a
catalog role ("category", "price", ...). Errors are ``ValidationError``s naming the rule as
"rule N (type)" with N counted from 1.
"""

from __future__ import annotations

import json
import math
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine.errors import ValidationError

OPS = ("=", "!=", "<", "<=", ">", ">=", "in")
#: Rules that change scores or drop candidates (stage 1) vs. rules that rearrange the list (stage 2).
SCORE_RULES = ("long_tail", "boost_where", "exclude_where", "only", "exclude_items", "bury_items")
LIST_RULES = ("max_per", "diversity", "min_share", "pin_items")
#: type -> (required fields, optional fields with defaults)
SCHEMA: dict[str, tuple[tuple[str, ...], dict[str, Any]]] = {
    "long_tail": (("weight",), {"pool": 100}),
    "boost_where": (("column", "op", "value", "amount"), {}),
    "exclude_where": (("column", "op", "value"), {}),
    "only": (("column", "value"), {"op": "="}),
    "exclude_items": (("items",), {}),
    "bury_items": (("items",), {}),
    "pin_items": (("items",), {}),
    "max_per": (("column", "n"), {}),
    "diversity": (("lambda",), {"column": None, "embeddings": False}),
    "min_share": (("column", "share"), {"groups": None}),
}


@dataclass(frozen=True)
class Rule:
    """One validated rule: ``type`` plus its fields (defaults filled in). ``index`` counts from 1."""

    type: str
    params: dict = field(default_factory=dict)
    index: int = 1

    @property
    def label(self) -> str:
        return f"rule {self.index} ({self.type})"

    def error(self, message: str) -> ValidationError:
        return ValidationError(f"{self.label}: {message}")

    def condition(self) -> str:
        """Human text of a where-condition, e.g. "stock = 0"."""
        p = self.params
        value = p["value"]
        shown = "[" + ", ".join(map(str, value)) + "]" if isinstance(value, list) else str(value)
        return f"{p['column']} {p['op']} {shown}"

    def to_dict(self) -> dict:
        """The rule as a spec entry; optional fields at their default are left out."""
        defaults = SCHEMA[self.type][1]
        return {"type": self.type, **{k: v for k, v in self.params.items()
                                      if k not in defaults or v != defaults[k]}}


@dataclass(frozen=True)
class RuleSet:
    """An ordered, validated list of rules; ``to_dict()`` round-trips through ``parse_rules``."""

    rules: tuple[Rule, ...] = ()

    def __len__(self) -> int:
        return len(self.rules)

    def __iter__(self):
        return iter(self.rules)

    def of_type(self, *types: str) -> list[Rule]:
        return [r for r in self.rules if r.type in types]

    def to_dict(self) -> dict:
        return {"rules": [r.to_dict() for r in self.rules]}

    def to_json(self) -> str:
        return json.dumps(self.to_dict())

    def with_long_tail(self, weight: float, pool: int | None = None) -> "RuleSet":
        """Copy whose long_tail rule has ``weight`` (and ``pool`` when given; else the existing
        rule's); the rule is added first when absent."""
        old = self.of_type("long_tail")
        default = SCHEMA["long_tail"][1]["pool"]
        pool = pool if pool is not None else (old[0].params["pool"] if old else default)
        lt = {"type": "long_tail", "weight": weight, **({} if pool == default else {"pool": pool})}
        spec = [r.to_dict() for r in self.rules if r.type != "long_tail"]
        return parse_rules({"rules": [lt, *spec]})


def parse_rules(spec) -> RuleSet:
    """Validate ``spec`` (RuleSet, dict with "rules", list of rule dicts, or a JSON string)."""
    if isinstance(spec, RuleSet):
        return spec
    if spec is None:
        return RuleSet()
    if isinstance(spec, (str, bytes)):
        try:
            spec = json.loads(spec)
        except json.JSONDecodeError as e:
            raise ValidationError(f"rules are not valid JSON: {e}") from None
    if isinstance(spec, dict):
        unknown = set(spec) - {"rules"}
        if unknown:
            raise ValidationError(f"unknown key(s) in the rule spec: {', '.join(sorted(map(str, unknown)))}; "
                                  "expected {\"rules\": [...]}")
        spec = spec.get("rules", [])
    if not isinstance(spec, list):
        raise ValidationError("the rule spec must be {\"rules\": [...]} with a list of rules")
    return RuleSet(tuple(_parse_rule(i + 1, r) for i, r in enumerate(spec)))


def load_rules(path) -> RuleSet:
    """Read a rule spec from a .json or .toml file (``[[rules]]`` tables in TOML)."""
    p = Path(path)
    try:
        raw = p.read_bytes()
    except FileNotFoundError:
        raise ValidationError("no such file", path=str(p)) from None
    except OSError as e:
        raise ValidationError(f"cannot read the file ({e.strerror})", path=str(p)) from None
    try:
        if p.suffix.lower() == ".toml":
            spec = tomllib.loads(raw.decode("utf-8"))
        else:
            spec = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ValidationError("the rule file is not UTF-8 text", path=str(p)) from None
    except (tomllib.TOMLDecodeError, json.JSONDecodeError) as e:
        kind = "TOML" if p.suffix.lower() == ".toml" else "JSON"
        raise ValidationError(f"not valid {kind}: {e}", path=str(p)) from None
    try:
        return parse_rules(spec)
    except ValidationError as e:
        raise ValidationError(e.detail, path=str(p)) from None


def _parse_rule(index: int, raw) -> Rule:
    if not isinstance(raw, dict):
        raise ValidationError(f"rule {index}: expected an object with a \"type\", got {type(raw).__name__}")
    kind = raw.get("type")
    if kind not in SCHEMA:
        raise ValidationError(f"rule {index}: unknown type {kind!r}; choose one of: {', '.join(SCHEMA)}")
    rule = Rule(kind, {}, index)
    required, optional = SCHEMA[kind]
    missing = [f for f in required if f not in raw]
    if missing:
        raise rule.error(f"missing field(s) {', '.join(missing)}")
    unknown = set(raw) - {"type", *required, *optional}
    if unknown:
        raise rule.error(f"unknown field(s) {', '.join(sorted(map(str, unknown)))}; "
                         f"fields: {', '.join((*required, *optional))}")
    p = {**optional, **{k: v for k, v in raw.items() if k != "type"}}
    if "column" in p and p["column"] is not None and (not isinstance(p["column"], str) or not p["column"]):
        raise rule.error("column must be a non-empty string")
    if "op" in p:
        if p["op"] == "==":
            p["op"] = "="
        if p["op"] not in OPS:
            raise rule.error(f"op {p['op']!r} is not one of {', '.join(OPS)}")
        if p["op"] == "in":
            if not isinstance(p["value"], list) or not p["value"]:
                raise rule.error("op 'in' needs a non-empty list value")
        elif isinstance(p["value"], (list, dict)) or p["value"] is None:
            raise rule.error(f"op '{p['op']}' needs a single value, got {p['value']!r}")
    if kind == "long_tail":
        p["weight"] = _number(rule, "weight", p["weight"], lo=0.0, hi=1.0)
        pool = p["pool"]
        if pool is not None and (isinstance(pool, bool) or not isinstance(pool, int) or pool < 1):
            raise rule.error(f"pool must be an integer >= 1, got {pool!r}")
    elif kind == "boost_where":
        p["amount"] = _number(rule, "amount", p["amount"])
    elif kind in ("exclude_items", "bury_items", "pin_items"):
        items = p["items"]
        if not isinstance(items, list) or not items:
            raise rule.error("items must be a non-empty list of item ids")
        if any(isinstance(v, (list, dict, bool, float)) or v is None for v in items):
            raise rule.error("items must be item ids (strings or integers)")
    elif kind == "max_per":
        n = p["n"]
        if isinstance(n, bool) or not isinstance(n, int) or n < 1:
            raise rule.error(f"n must be an integer >= 1, got {n!r}")
    elif kind == "diversity":
        p["lambda"] = _number(rule, "lambda", p["lambda"], lo=0.0, hi=1.0)
        if not isinstance(p["embeddings"], bool):
            raise rule.error("embeddings must be true or false")
        if (p["column"] is None) == (not p["embeddings"]):
            raise rule.error("give either a column (same value = similar) or \"embeddings\": true")
    elif kind == "min_share":
        share = _number(rule, "share", p["share"], lo=0.0, hi=1.0)
        if share <= 0:
            raise rule.error("share must be in (0, 1]")
        p["share"] = share
        groups = p["groups"]
        if groups is not None and (not isinstance(groups, list) or not groups
                                   or any(isinstance(g, (list, dict)) or g is None for g in groups)):
            raise rule.error("groups must be a non-empty list of column values")
    return Rule(kind, p, index)


def _number(rule: Rule, name: str, value, lo: float | None = None, hi: float | None = None) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise rule.error(f"{name} must be a number, got {value!r}")
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        bounds = f">= {lo}" if hi is None else f"in [{lo}, {hi}]"
        raise rule.error(f"{name} must be {bounds}, got {value}")
    return float(value)
