"""`recscope info` and `recscope split`: profile a data file (or describe a catalog), split it into
train/test CSVs. Both read the file as --map / --filter / --recipe / --catalog say."""

from __future__ import annotations

import sys
from pathlib import Path

from engine.cli.common import (UsageError, add_import_args, fraction, import_options, load_dataset, print_json,
                               report_dict)


def add_data_commands(sub) -> None:
    """Register ``info`` and ``split`` on the `recscope` sub-parsers."""
    s = sub.add_parser("info", help="profile a data file: column roles and why, encoding, filters, catalog")
    s.add_argument("path")
    add_import_args(s)
    s.add_argument("--save-recipe", metavar="FILE", help="save the mapping and filters used as an import recipe")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_info)

    s = sub.add_parser("split", help="split a data file into train/test CSVs")
    s.add_argument("path")
    add_import_args(s)
    s.add_argument("--method", choices=["random", "temporal", "leave-last"], default="random")
    s.add_argument("--test-frac", type=fraction, default=0.2)
    s.add_argument("--valid-frac", type=fraction, default=0.0,
                   help="validation share, held out of train while choosing epoch counts (valid.csv is a subset of train.csv)")
    s.add_argument("--seed", type=int, default=0)
    s.add_argument("--relevant", metavar="TYPE[,TYPE...]",
                   help="event types kept in the test part (default: purchase when the data has an "
                        "event column); other held-out events are left out")
    s.add_argument("--out", required=True)
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_split)


def _file_facts(table) -> dict:
    return {"encoding": table.encoding, "delimiter": table.delimiter, "decimal": table.decimal,
            "sheet": table.sheet, "format": table.fmt}


def _describe_file(path: str, facts: dict) -> str:
    parts = [facts["format"]]
    if facts.get("encoding"):
        parts.append(facts["encoding"])
    if facts.get("delimiter"):
        parts.append({"\t": "tab", ";": "';'", ",": "','", "|": "'|'"}.get(facts["delimiter"], repr(facts["delimiter"]))
                     + "-separated")
    if facts.get("decimal") == ",":
        parts.append("decimal comma")
    if facts.get("sheet"):
        parts.append(f"sheet '{facts['sheet']}'")
    return f"{path}  ({', '.join(parts)})"


def _pad(text: str, width: int) -> str:
    """``text`` padded to ``width`` terminal columns (CJK characters take two)."""
    import unicodedata
    cells = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    return text + " " * max(width - cells, 1)


def _print_roles(mapping) -> None:
    d = mapping.to_dict()
    for role, col in mapping.roles().items():
        kind = f" ({d['value_kind']})" if role == "value" else ""
        why = mapping.evidence.get(role, "")
        print(f"    {role:<11} = {_pad(str(col) + kind, 24)}{why}".rstrip())


def cmd_info(args) -> int:
    from engine.data import out_of_core, preview_filters, read_table
    from engine.data.inference import infer_mapping
    from engine.data.profile import profile
    from engine.data.recipe import Recipe
    if not Path(args.path).exists():
        raise UsageError(f"{args.path}: no such file")
    options = import_options(args)
    big = out_of_core.chosen(args.path, options.reader)
    # out of core, the first rows stand for the file until DuckDB has read all of it
    table = (out_of_core.read_sample(args.path)[0] if big else
             read_table(args.path, sheet=options.recipe.sheet if options.recipe else None))
    facts = _file_facts(table)
    inferred = infer_mapping(table.frame)
    if inferred.kind == "catalog" and not options.mapping.get("user") and not (options.recipe and options.recipe.mapping.get("user")):
        return _info_catalog(args, table, facts)
    ds = load_dataset(args.path, args.catalog, options)
    prof = profile(ds.interactions).to_dict()
    proposed = (ds.source["non_product_candidates"] if big else
                [c.to_dict() for c in preview_filters(table, ds.mapping, propose=True).candidates])
    applied = set(ds.source.get("filters", {}).get("exclude_items", []))
    candidates = [c | {"removed": c["item"] in applied} for c in proposed]
    if args.save_recipe:
        Recipe.from_dataset(ds).save(args.save_recipe)
    if args.json:
        out = {"path": args.path, "kind": "interactions", **facts, "reader": "out-of-core" if big else "memory",
               "interactions": int(prof["n_pairs"]), "users": int(prof["n_users"]), "items": int(prof["n_items"]),
               "events": int(ds.report.rows_used),
               "mapping": ds.mapping.to_dict(), "filters": ds.source.get("filters", {}),
               "non_product_candidates": candidates, "profile": prof, "report": report_dict(ds.report)}
        if ds.catalog is not None:
            out["catalog"] = {"path": ds.source.get("catalog_path"), "items": len(ds.catalog.frame),
                              "roles": ds.catalog.roles, "join": ds.source.get("catalog_join")}
        print_json(out)
        return 0
    r = report_dict(ds.report)
    print(_describe_file(args.path, facts))
    print("  columns (role = column, and why):")
    _print_roles(ds.mapping)
    print(f"  rows      : {r.get('rows_read'):,} read, {r.get('rows_used'):,} used")
    for reason, n in (r.get("dropped") or {}).items():
        print(f"  dropped   : {n:,} ({reason})")
    print(f"  users     : {prof['n_users']:,}")
    print(f"  items     : {prof['n_items']:,}")
    print(f"  interactions (unique user-item pairs): {prof['n_pairs']:,}  events: {ds.report.rows_used:,}")
    print(f"  density   : {prof['density']:.5f}")
    if prof.get("time_min"):
        print(f"  time span : {prof['time_min']} .. {prof['time_max']}")
    if ds.catalog is not None:
        print(f"  catalog   : {len(ds.catalog.frame):,} items ({', '.join(f'{k}={v}' for k, v in ds.catalog.roles.items())})")
        join = ds.source.get("catalog_join")
        if join:
            print(f"  join      : {join['matched']:,} items matched; {join['missing']:,} bought items without a "
                  f"catalog row; {join['cold']:,} catalog items never bought (cold-start candidates)")
    if candidates:
        left = [c for c in candidates if not c["removed"]]
        print(f"  non-products: {len(candidates)} code(s) look like no product"
              + (" (kept: --filter non-products removes them all, --filter exclude=CODE,... some)" if left else ""))
        for c in candidates[:12]:
            mark = "removed" if c["removed"] else "kept"
            print(f"    {c['item']:<14} {c['rows']:>7,} rows  {mark:<7} {str(c['title'] or '')[:28]:<28}  "
                  f"{'; '.join(c['reasons'])}")
    for w in r.get("warnings") or []:
        print(f"  warning   : {w}")
    if args.save_recipe:
        print(f"  recipe    : saved to {args.save_recipe}")
    return 0


def _info_catalog(args, table, facts) -> int:
    """``recscope info`` on a catalog: one row per item, its roles and why."""
    from engine.data.catalog import catalog_from_table
    options = import_options(args)
    cat = catalog_from_table(table, options.mapping or (options.recipe.mapping if options.recipe else None))
    if args.json:
        print_json({"path": args.path, "kind": "catalog", **facts, "items": len(cat.frame),
                    "mapping": cat.mapping.to_dict(), "roles": cat.roles})
        return 0
    print(_describe_file(args.path, facts))
    print(f"  kind      : catalog (one row per item: open it as the catalog of an interactions file, "
          f"e.g. --catalog {Path(args.path).name})")
    print(f"  items     : {len(cat.frame):,}")
    print("  columns (role = column, and why):")
    _print_roles(cat.mapping)
    for note in table.notes:
        print(f"  warning   : {note}")
    return 0


def cmd_split(args) -> int:
    from engine.data.splits import split, write_split
    ds = load_dataset(args.path, args.catalog, import_options(args))
    if args.relevant:
        ds.set_relevant_events(t for t in args.relevant.split(",") if t.strip())
    parts = split(ds.interactions, method=args.method, test_frac=args.test_frac, seed=args.seed,
                  valid_frac=args.valid_frac, relevant=None if ds.events is None else ds.relevant_mask(),
                  events=ds.events)
    out = write_split(parts, args.out)
    for w in parts.warnings:
        print(f"warning: {w}", file=sys.stderr)
    summary = {"out": str(args.out), "method": args.method,
               "train": int(parts.train.n_events), "test": int(parts.test.n_events),
               "valid": int(parts.valid.n_events) if parts.valid is not None else 0,
               "relevant_events": ds.relevant_events, "warnings": list(parts.warnings)}
    if args.json:
        print_json(summary)
    else:
        print(f"wrote {out if out else args.out}: train {summary['train']} rows, test {summary['test']} rows"
              + (f", valid {summary['valid']} rows" if summary["valid"] else ""))
    return 0
