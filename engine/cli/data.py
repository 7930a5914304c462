"""`recscope info` and `recscope split`: profile a data file, split it into train/test CSVs."""

from __future__ import annotations

import sys

from engine.cli.common import fraction, load_dataset, print_json, report_dict


def add_data_commands(sub) -> None:
    """Register ``info`` and ``split`` on the `recscope` sub-parsers."""
    s = sub.add_parser("info", help="profile a data file")
    s.add_argument("path")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_info)

    s = sub.add_parser("split", help="split a data file into train/test CSVs")
    s.add_argument("path")
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


def cmd_info(args) -> int:
    from engine.data.profile import profile
    ds = load_dataset(args.path)
    prof = profile(ds.interactions).to_dict()
    if args.json:
        out = {"path": args.path, "interactions": int(prof["n_pairs"]), "users": int(prof["n_users"]),
               "items": int(prof["n_items"]), "events": int(prof["n_events"]),
               "mapping": ds.mapping.to_dict(), "profile": prof, "report": report_dict(ds.report)}
        print_json(out)
        return 0
    r = report_dict(ds.report)
    print(f"{args.path}")
    print(f"  columns   : {', '.join(f'{k}={v}' for k, v in ds.mapping.to_dict().items() if v and k != 'confidence')}")
    print(f"  rows      : {r.get('rows_read')} read, {r.get('rows_used')} used")
    for reason, n in (r.get("dropped") or {}).items():
        print(f"  dropped   : {n} ({reason})")
    print(f"  users     : {prof['n_users']}")
    print(f"  items     : {prof['n_items']}")
    print(f"  interactions (unique user-item pairs): {prof['n_pairs']}  events: {prof['n_events']}")
    print(f"  density   : {prof['density']:.5f}")
    if prof.get("time_min"):
        print(f"  time span : {prof['time_min']} .. {prof['time_max']}")
    if ds.catalog is not None:
        print(f"  catalog   : {len(ds.catalog.frame)} items ({', '.join(f'{k}={v}' for k, v in ds.catalog.roles.items())})")
    for w in r.get("warnings") or []:
        print(f"  warning   : {w}")
    return 0


def cmd_split(args) -> int:
    from engine.data.splits import split, write_split
    ds = load_dataset(args.path)
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
