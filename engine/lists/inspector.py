"""The Inspector's engine side: one customer's history and top-N lists joined with catalog fields,
two models side by side, a list before/after merchandising rules and search. (The export of every
customer's list is ``engine.lists.export``.)

Frames use the columns ``item``, ``title`` and, when the catalog has them, ``category`` and
``price`` (``item_fields``). Users and items are external ids throughout.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from engine.i18n import N_, _
from engine.data.interactions import Interactions, index_of, normalize_ids
from engine.errors import ModelError, ValidationError
from engine.progress import CancelToken, ProgressCallback, check, emit

_CATALOG_ROLES = ("category", "price")


def item_fields(catalog, item_ids) -> pd.DataFrame:
    """(n, 2..4) frame: item (external id), title (catalog title, else description, else the id)
    and category / price when the catalog has those roles; one row per id, in order."""
    ids = list(item_ids)
    out = pd.DataFrame({"item": pd.Series(ids, dtype=object)})
    if catalog is None:
        out["title"] = [str(i) for i in ids]
        return out
    out["title"] = pd.Series(catalog.titles(ids) if ids else [], dtype=object)  # any text, lone surrogates too
    aligned = catalog.align(normalize_ids(ids)) if ids else catalog.frame.iloc[:0]
    for role in _CATALOG_ROLES:
        col = catalog.column(role)
        if col is not None and col in aligned.columns:
            out[role] = aligned[col].to_numpy()
    return out


def _external(v):
    return v if isinstance(v, str) else int(v)


def _user_events(interactions: Interactions, user_id) -> np.ndarray:
    """Event positions (m,) of ``user_id`` in ``interactions`` (empty when absent)."""
    u = index_of(normalize_ids([user_id]), interactions.user_ids)[0]
    return np.empty(0, np.int64) if u < 0 else np.flatnonzero(interactions.user_idx == u)


def customer_history(interactions: Interactions, user_id, catalog=None, held_out: Interactions | None = None
                     ) -> pd.DataFrame:
    """The customer's events, latest first: date (UTC, NaT without timestamps), catalog fields
    (``item_fields``), the event value under its kind ("quantity", "rating", "weight"; absent for
    "none") and, with ``held_out`` (a split's test part), "held_out": the event is in it."""
    ev = _user_events(interactions, user_id)
    items = interactions.item_ids[interactions.item_idx[ev]]
    ts = interactions.timestamps
    t = ts[ev] if ts is not None else None
    order = np.argsort(-t, kind="stable") if t is not None else np.arange(len(ev))
    ev, items = ev[order], items[order]
    out = pd.DataFrame({"date": pd.to_datetime(t[order], unit="s", utc=True) if t is not None
                        else pd.Series(pd.NaT, index=range(len(ev)), dtype="datetime64[ns, UTC]")})
    out = pd.concat([out, item_fields(catalog, [_external(v) for v in items])], axis=1)
    if interactions.value_kind != "none":
        out[interactions.value_kind] = interactions.values[ev].astype(np.float64)
    if held_out is not None:
        hev = _user_events(held_out, user_id)
        h_items = held_out.item_ids[held_out.item_idx[hev]]
        if ts is not None and held_out.timestamps is not None:
            keys = set(zip(h_items.tolist(), held_out.timestamps[hev].tolist()))
            out["held_out"] = [(i, s) in keys for i, s in zip(items.tolist(), ts[ev].tolist())]
        else:
            out["held_out"] = np.isin(items, h_items)
    return out


def held_out_items(test: Interactions | None, user_id) -> np.ndarray:
    """External ids (m,) of the customer's items in a split's test part (empty without one)."""
    if test is None:
        return np.empty(0, dtype=object)
    ev = _user_events(test, user_id)
    return test.item_ids[test.item_idx[ev]]


def strength(all_scores: np.ndarray, scores: np.ndarray) -> np.ndarray:
    """How far ``scores`` (m,) stand above the customer's average item, in standard deviations of
    the model's scores for that customer (``all_scores`` (n_items,); non-finite ones ignored).
    Raw scores of two models live on unrelated scales (0.03 vs 5.7); these are comparable."""
    finite = all_scores[np.isfinite(all_scores)].astype(np.float64)
    spread = float(finite.std()) if finite.size > 1 else 0.0
    if spread <= 0.0:
        return np.zeros(len(scores))
    return (np.asarray(scores, dtype=np.float64) - float(finite.mean())) / spread


def top_n(model, user_id, k: int = 10, catalog=None, test: Interactions | None = None) -> pd.DataFrame:
    """The model's top-``k`` for ``user_id``: rank (from 1), catalog fields, score, ``strength`` (a
    measure comparable between models) and, with ``test``, "held_out": the customer bought the item
    in the held-out part. ModelError when the model never saw the customer."""
    u = model.user_index(user_id)
    items, scores = model.recommend([u], int(k))
    keep = items[0] >= 0
    ids = [_external(v) for v in model.item_ids_[items[0][keep]]]
    out = pd.concat([pd.DataFrame({"rank": np.arange(1, len(ids) + 1)}), item_fields(catalog, ids)], axis=1)
    out["score"] = scores[0][keep].astype(np.float64)
    out["strength"] = strength(model.score([u])[0], out["score"].to_numpy())
    if test is not None:
        out["held_out"] = np.isin(normalize_ids(ids) if ids else np.empty(0), held_out_items(test, user_id))
    return out


#: The "list" label of a new customer's popular-items list (exports write it in English; the
#: Inspector shows it translated).
FALLBACK_LIST = N_("popular items (no history before the split)")


def training_popularity(model) -> np.ndarray:
    """(n_items,) float32: how many training customers have each of ``model``'s items."""
    return np.asarray(model.seen_.sum(axis=0), dtype=np.float32).ravel()


def popular_top_n(model, user_id=None, k: int = 10, catalog=None, test: Interactions | None = None) -> pd.DataFrame:
    """The fallback list of a customer ``model`` never saw: its ``k`` most bought training items
    (rank, catalog fields, score = training customers who have the item, strength, "list" =
    ``FALLBACK_LIST`` and, with ``test`` and ``user_id``, "held_out")."""
    popularity = training_popularity(model)
    from engine.models.ranking import topk
    idx, vals = topk(popularity[None, :], int(k))
    keep = idx[0] >= 0
    ids = [_external(v) for v in model.item_ids_[idx[0][keep]]]
    out = pd.concat([pd.DataFrame({"rank": np.arange(1, len(ids) + 1)}), item_fields(catalog, ids)], axis=1)
    out["score"] = vals[0][keep].astype(np.float64)
    out["strength"] = strength(popularity, out["score"].to_numpy())
    out["list"] = _(FALLBACK_LIST)
    if test is not None and user_id is not None:
        out["held_out"] = np.isin(normalize_ids(ids) if ids else np.empty(0), held_out_items(test, user_id))
    return out


def side_by_side(model_a, model_b, user_id, k: int = 10, catalog=None, test: Interactions | None = None
                 ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``top_n`` of two models for one customer, each with "in_both": the item is in both lists."""
    a = top_n(model_a, user_id, k, catalog, test)
    b = top_n(model_b, user_id, k, catalog, test)
    common = set(a["item"].tolist()) & set(b["item"].tolist())
    a["in_both"] = a["item"].isin(common)
    b["in_both"] = b["item"].isin(common)
    return a, b


@dataclass
class RulesView:
    """One customer's list before and after rules.

    before: ``top_n`` columns of the model's own list. after: rank, was (raw rank, NaN when new),
    move ("new", "▲ 2", "▼ 1", "="), catalog fields, score, strength, reasons (text, "; "-joined).
    removed: items of the raw list that left it: was, catalog fields, reasons.
    """

    before: pd.DataFrame
    after: pd.DataFrame
    removed: pd.DataFrame
    warnings: list[str] = field(default_factory=list)


def _move(was, rank) -> str:
    if was is None:
        return "new"
    if was == rank:
        return "="
    return f"▲ {was - rank}" if rank < was else f"▼ {rank - was}"


def _reason(reasons: list[str], was, rank) -> str:
    """The re-ranker's reasons, or why an item without one moved (others left or came in)."""
    if reasons:
        return "; ".join(reasons)
    if was is None:
        return "new: fills a freed slot"
    if rank < was:
        return "moved up: items above it left"
    if rank > was:
        return "moved down: items placed above it"
    return ""


def rules_before_after(model, user_id, k: int, rules, catalog=None, test: Interactions | None = None
                       ) -> RulesView:
    """Apply ``rules`` (any ``parse_rules`` input) to the customer's top-``k`` and say why each
    item moved (the re-ranker's reasons). ValidationError names the rule and column at fault."""
    from engine.rerank import rerank_topk
    u = model.user_index(user_id)
    res = rerank_topk(model, [u], int(k), rules, catalog, explain=True)
    before = top_n(model, user_id, k, catalog, test)
    records = {r["item"]: r for r in res.records[0]}
    after_ids = [i for i in res.item_ids[0] if i is not None]
    after = item_fields(catalog, after_ids)
    ranks = np.arange(1, len(after_ids) + 1)
    raw_rank = {it: r for it, r in zip(before["item"].tolist(), before["rank"].tolist())}
    was = [raw_rank.get(i, records.get(i, {}).get("raw_rank")) for i in after_ids]
    after.insert(0, "was", pd.array(was, dtype="Int64"))
    after.insert(0, "rank", ranks)
    after.insert(2, "move", [_move(w, r) for w, r in zip(was, ranks)])
    if after_ids:
        scores = model.score([u])[0]
        after["score"] = scores[index_of(normalize_ids(after_ids), model.item_ids_)].astype(np.float64)
        after["strength"] = strength(scores, after["score"].to_numpy())
    else:
        after["score"] = after["strength"] = np.empty(0)
    after["reasons"] = [_reason(records.get(i, {}).get("reasons", []), w, r) for i, w, r in zip(after_ids, was, ranks)]
    gone = [i for i in before["item"].tolist() if i not in set(after_ids)]
    removed = item_fields(catalog, gone)
    removed.insert(0, "was", [raw_rank[i] for i in gone])
    removed["reasons"] = ["; ".join(records.get(i, {}).get("reasons", [])) or "pushed out by items above"
                          for i in gone]
    return RulesView(before, after, removed, list(res.warnings))


@dataclass
class CustomerView:
    """Everything the Inspector shows for one customer: ``customer_history``; ``top_n`` of model
    A and B (None when not asked or the model never saw the customer; with both, "in_both");
    ``rules_before_after`` for model A (None without rules); notes: plain-language remarks;
    rules_error: why the rules could not be applied."""

    user: object
    history: pd.DataFrame
    top_a: pd.DataFrame | None = None
    top_b: pd.DataFrame | None = None
    rules: RulesView | None = None
    notes: list[str] = field(default_factory=list)
    rules_error: str | None = None


def customer_view(user_id, interactions: Interactions, catalog=None, test: Interactions | None = None,
                  model_a=None, model_b=None, k: int = 10, rules=None, *, names=("A", "B"),
                  progress: ProgressCallback | None = None, cancel: CancelToken | None = None) -> CustomerView:
    """History, top-``k`` of up to two models and the rules view for ``user_id`` (external id).
    ValidationError when the data has no such customer; ``names`` label the models in notes."""
    if not len(_user_events(interactions, user_id)):
        raise ValidationError(f"no customer with id {user_id!r} in the data")
    view = CustomerView(user_id, customer_history(interactions, user_id, catalog, test))
    lists = []
    names = tuple(names) + ("A", "B")[len(names):]
    for model, name in ((model_a, names[0]), (model_b, names[1])):
        check(cancel)
        top = None
        if model is not None:
            try:
                top = top_n(model, user_id, k, catalog, test)
            except ModelError:
                top = popular_top_n(model, user_id, k, catalog, test)
                view.notes.append(_("{name} was trained without customer {user} (a new customer: their events are "
                                    "all in the test part). {name} shows the most popular training items instead, "
                                    "labelled as that fallback, as Export all lists does.").format(
                    name=name, user=user_id))
        lists.append(top)
    if lists[0] is not None and lists[1] is not None:
        common = set(lists[0]["item"].tolist()) & set(lists[1]["item"].tolist())
        for top in lists:
            top["in_both"] = top["item"].isin(common)
    view.top_a, view.top_b = lists
    emit(progress, 0.7, "lists ready", "inspect")
    if rules is not None and view.top_a is not None and "list" in view.top_a:
        view.notes.append(_("The rules' before/after view needs a customer {name} was trained on; Export all lists "
                            "applies the rules to the fallback list.").format(name=names[0]))
    elif rules is not None and view.top_a is not None:
        check(cancel)
        try:
            view.rules = rules_before_after(model_a, user_id, k, rules, catalog, test)
        except ValidationError as e:
            view.rules_error = str(e)
    emit(progress, 1.0, "done", "inspect")
    return view


def validate_rules(rules, model, catalog=None):
    """The parsed ``RuleSet`` bound to ``model``'s items and ``catalog`` (columns checked), and
    the binding warnings; ValidationError naming the rule and column otherwise."""
    from engine.rerank.evaluate import build_reranker
    reranker = build_reranker(model, rules, catalog)
    return reranker.rules, list(reranker.warnings)


def rule_columns(catalog) -> list[str]:
    """Catalog columns and roles a rule can name, roles first (e.g. "category", "price", ...)."""
    if catalog is None:
        return []
    roles = [r for r in catalog.roles if catalog.roles[r] in catalog.frame.columns]
    return roles + [str(c) for c in catalog.frame.columns if str(c) not in roles
                    and c not in catalog.roles.values()]


def default_condition(catalog) -> dict:
    """A valid starting condition for a new "… where" rule: {"column", "op", "value"} — the catalog's
    category (else its text column with the fewest distinct values) equal to its most common value,
    or a numeric column above its median; {} without a catalog."""
    columns = rule_columns(catalog)
    if not columns:
        return {}

    def values(name: str) -> pd.Series:
        return catalog.frame[catalog.column(name) or name].dropna()

    numeric = {c: pd.api.types.is_numeric_dtype(values(c)) and not pd.api.types.is_bool_dtype(values(c))
               for c in columns}
    text = sorted((c for c in columns if not numeric[c] and len(values(c))), key=lambda c: values(c).nunique())
    name = "category" if "category" in text else (text[0] if text else columns[0])
    s = values(name)
    if not len(s):
        return {"column": name, "op": "=", "value": ""}
    if numeric[name]:
        return {"column": name, "op": ">", "value": float(s.median())}
    return {"column": name, "op": "=", "value": str(s.astype(str).value_counts().index[0])}


def search_users(user_ids: np.ndarray, prefix: str, limit: int = 50) -> list:
    """External ids (up to ``limit``) whose text starts with ``prefix`` (case-insensitive), in
    id order; exact match first."""
    prefix = str(prefix).strip().lower()
    if not prefix:
        return [_external(v) for v in user_ids[:limit]]
    text = pd.Series(user_ids.astype(str), dtype=object).str.lower()
    hits = np.flatnonzero(text.str.startswith(prefix).to_numpy())
    exact = hits[text.to_numpy()[hits] == prefix]
    order = np.concatenate([exact, hits[~np.isin(hits, exact)]])[:limit]
    return [_external(v) for v in user_ids[order]]


def search_items(catalog, item_ids: np.ndarray, text: str, limit: int = 50) -> pd.DataFrame:
    """Items among ``item_ids`` whose id starts with ``text`` or whose title contains it
    (case-insensitive): ``item_fields`` rows, id matches first, up to ``limit``."""
    text = str(text).strip().lower()
    fields = item_fields(catalog, [_external(v) for v in item_ids])
    if not text:
        return fields.iloc[:0]
    by_id = fields["item"].astype(str).str.lower().str.startswith(text)
    by_title = fields["title"].astype(str).str.lower().str.contains(text, regex=False)
    order = np.concatenate([np.flatnonzero(by_id.to_numpy()), np.flatnonzero((by_title & ~by_id).to_numpy())])
    return fields.iloc[order[:limit]].reset_index(drop=True)


def find_customers(interactions: Interactions, catalog, text: str, limit: int = 50) -> pd.DataFrame:
    """Customers to suggest for ``text``: ids that start with it (exact match first), then customers
    who bought items whose catalog fields (title, category, any attribute column, the item id) hold
    it, most matching items first. Columns: user (external id), why (one line: "id", or
    "3 of their items match 'regency': REGENCY CAKESTAND 3 TIER, …"); at most ``limit`` rows."""
    text = str(text).strip()
    by_id = search_users(interactions.user_ids, text, limit)
    rows = [{"user": u, "why": "id"} for u in by_id]
    if not text or catalog is None or len(rows) >= limit:
        return pd.DataFrame(rows, columns=["user", "why"])
    frame = catalog.frame
    needle = text.casefold()
    hit = pd.Series(False, index=frame.index)
    for col in frame.columns:
        values = frame[col]
        if values.dtype == object or pd.api.types.is_string_dtype(values):
            hit |= values.astype(str).str.casefold().str.contains(needle, regex=False, na=False)
    hit |= pd.Series(frame.index.astype(str).str.casefold().str.contains(needle, regex=False), index=frame.index)
    matched = index_of(normalize_ids(frame.index[hit.to_numpy()].to_numpy()), interactions.item_ids)
    matched = matched[matched >= 0]
    if not matched.size:
        return pd.DataFrame(rows, columns=["user", "why"])
    ev = np.flatnonzero(np.isin(interactions.item_idx, matched))
    pairs = np.unique(interactions.user_idx[ev].astype(np.int64) * interactions.n_items + interactions.item_idx[ev])
    counts = np.bincount(pairs // interactions.n_items, minlength=interactions.n_users)   # matching items per user
    taken = set(map(str, by_id))
    users = [u for u in np.argsort(-counts, kind="stable")[:limit + len(taken)] if counts[u] > 0]
    for u in users:
        user = _external(interactions.user_ids[u])
        if str(user) in taken:
            continue
        items = interactions.item_ids[np.unique(interactions.item_idx[ev[interactions.user_idx[ev] == u]])]
        titles = item_fields(catalog, [_external(i) for i in items[:3]])["title"].astype(str).str.strip()
        more = ", …" if len(items) > 3 else ""
        rows.append({"user": user, "why": f"{len(items)} of their items match '{text}': {', '.join(titles)}{more}"})
        if len(rows) >= limit:
            break
    return pd.DataFrame(rows, columns=["user", "why"])


def cold_start_top_n(model, items, k: int = 10, catalog=None) -> pd.DataFrame:
    """Top-``k`` for a new customer who interacted with ``items`` (external ids): rank, catalog
    fields, score, strength. The chosen items themselves are not recommended."""
    from engine.explain.history import score_history
    items = list(items)
    if not items:
        raise ValidationError("choose at least one item for the new customer")
    scores = np.asarray(score_history(model, items, catalog=catalog), dtype=np.float32).reshape(-1)
    if scores.shape[0] != model.n_items:
        raise ModelError(f"expected {model.n_items} scores for the new customer, got {scores.shape[0]}")
    chosen = index_of(normalize_ids(items), model.item_ids_)
    scores[chosen[chosen >= 0]] = -np.inf
    from engine.models.ranking import topk
    idx, vals = topk(scores[None, :], int(k))
    keep = idx[0] >= 0
    ids = [_external(v) for v in model.item_ids_[idx[0][keep]]]
    out = pd.concat([pd.DataFrame({"rank": np.arange(1, len(ids) + 1)}), item_fields(catalog, ids)], axis=1)
    out["score"] = vals[0][keep].astype(np.float64)
    out["strength"] = strength(scores, out["score"].to_numpy())
    return out
