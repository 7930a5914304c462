"""`recscope export`: every customer's list of a saved model to CSV or Excel — the twin of the
Inspector's "Export all lists" (both call ``engine.lists.export.export_lists``).

    recscope export --model-dir DIR --out FILE.csv|.xlsx [--k K] [--catalog FILE] [--rules FILE]
                    [--customers FILE] [--pseudonymise] [--json]

--customers adds the customers of a data file (e.g. a split's test.csv): those the model was not
trained on get the popular-items fallback, labelled as such. --pseudonymise replaces customer ids
by keyed pseudonyms; the key stays in the user's key folder (its path is printed), never in the file.
"""

from __future__ import annotations

from pathlib import Path

from engine.cli.common import UsageError, load_catalog_only, load_dataset, positive_int, print_json, stderr_progress


def add_export_command(subparsers) -> None:
    """Register ``export`` on the `recscope` sub-parsers (engine.cli conventions)."""
    s = subparsers.add_parser("export", help="write every customer's list of a saved model to CSV or Excel")
    s.add_argument("--model-dir", required=True, help="a model saved by `recscope train` / `evaluate --save`")
    s.add_argument("--out", required=True, help="the file to write: .csv or .xlsx")
    s.add_argument("--k", type=positive_int, default=10, help="items per customer (default 10)")
    s.add_argument("--catalog", help="item catalog file (titles, categories, prices; needed by column rules)")
    s.add_argument("--rules", help="merchandising rule set applied to every list (.json or .toml)")
    s.add_argument("--customers", metavar="FILE",
                   help="a data file whose customers are exported too (those without training history get "
                        "the popular items, labelled as that fallback)")
    s.add_argument("--pseudonymise", action="store_true",
                   help="replace customer ids by keyed pseudonyms (the key is kept outside the file)")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_export)


def cmd_export(args) -> int:
    from engine.lists.export import export_lists
    from engine.models.base import Recommender
    from engine.rerank import load_rules
    from engine.store.pseudonyms import Pseudonyms, key_dir, scope_of
    if args.rules and not Path(args.rules).exists():
        raise UsageError(f"{args.rules}: no such file")
    model = Recommender.load(args.model_dir)
    catalog = load_catalog_only(args.catalog) if args.catalog else None
    rules = load_rules(args.rules) if args.rules else None
    customers = None
    if args.customers:
        inter = load_dataset(args.customers).interactions
        customers = inter.user_ids
    scope = scope_of(model.user_ids_) if args.pseudonymise else None
    rep = export_lists(model, args.out, args.k, catalog, rules=rules,
                       rules_name=Path(args.rules).name if args.rules else None, customers=customers,
                       pseudonyms=Pseudonyms.for_scope(scope) if scope else None,
                       progress=stderr_progress(getattr(args, "verbose", False)))
    out = {"out": rep.path, "rows": rep.rows, "customers": rep.users, "fallback_customers": rep.fallback_users,
           "rules": rep.rules, "pseudonymised": rep.pseudonymised, "warnings": rep.warnings,
           **({"pseudonym_key": str(key_dir() / f"{scope}.key")} if scope else {})}
    if args.json:
        print_json(out)
        return 0
    print(f"wrote {rep.rows:,} rows to {rep.path}: {rep.users:,} customers x top {args.k}"
          + (f", {rep.fallback_users:,} new customers on the popular-items fallback" if rep.fallback_users else "")
          + (f", after rules {rep.rules}" if rep.rules else ""))
    for w in rep.warnings:
        print(f"  warning: {w}")
    if scope:
        print(f"  customer ids pseudonymised; the key is {out['pseudonym_key']} (keep it to link them back)")
    return 0
