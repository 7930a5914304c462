"""`recscope rerank`: evaluate a saved model's lists after merchandising rules (or sweep the
long-tail weight). ``engine.cli.main.build_parser`` registers it with ``add_rerank_command(sub)``.

    recscope rerank --model-dir M --rules rules.json --test test.csv [--train train.csv]
                    [--catalog items.csv] [--k 10] [--json]
    recscope rerank --model-dir M --test test.csv --sweep-long-tail 0,0.2,0.4,0.6,0.8,1 [--rules r.json]

Without --train the training interactions are rebuilt from the model folder (its seen-item
matrix), so popularity-based metrics then count distinct users per item.
"""

from __future__ import annotations

import time
from pathlib import Path

from engine.cli.common import (
    UsageError,
    load_catalog_only,
    load_dataset,
    positive_int,
    print_json,
    stderr_progress,
    train_interactions,
)

#: Groups printed per column in the text output.
_SHOWN_GROUPS = 10


def add_rerank_command(subparsers) -> None:
    """Register ``rerank`` on the `recscope` sub-parsers (engine.cli conventions)."""
    s = subparsers.add_parser("rerank", help="evaluate a saved model's lists after merchandising rules")
    s.add_argument("--model-dir", required=True, help="a model saved by `recscope train` / `evaluate --save`")
    s.add_argument("--rules", help="rule spec (.json or .toml)")
    s.add_argument("--test", required=True)
    s.add_argument("--train", help="the training file the model was fitted on (default: rebuilt from the model)")
    s.add_argument("--catalog", help="item catalog file (for column rules)")
    s.add_argument("--k", type=positive_int, action="append")
    s.add_argument("--sweep-long-tail", metavar="W1,W2,...",
                   help="evaluate these long-tail weights in [0, 1] instead (0: the model's order, "
                        "1: least popular first within each user's shortlist)")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_rerank)


def _weights(text: str) -> list[float]:
    try:
        weights = [float(w) for w in text.split(",") if w.strip()]
    except ValueError:
        raise UsageError(f"--sweep-long-tail expects numbers separated by commas, got {text!r}") from None
    if not weights or any(not 0 <= w <= 1 for w in weights):
        raise UsageError(f"--sweep-long-tail weights must be numbers in [0, 1], got {text!r}")
    return weights


def _train_from_model(model):
    """Training Interactions rebuilt from a loaded model's id maps and seen-item matrix."""
    import numpy as np

    from engine.data.interactions import Interactions
    coo = model.seen_.tocoo()
    return Interactions(model.user_ids_, model.item_ids_, coo.row.astype(np.int32), coo.col.astype(np.int32),
                        np.ones(len(coo.row), np.float32))


def cmd_rerank(args) -> int:
    from engine.models.base import Recommender
    from engine.rerank import evaluate_rules, load_rules, parse_rules, sweep_long_tail
    if not args.rules and not args.sweep_long_tail:
        raise UsageError("rerank needs --rules FILE (or --sweep-long-tail W1,W2,...)")
    if args.rules and not Path(args.rules).exists():
        raise UsageError(f"{args.rules}: no such file")
    rules = load_rules(args.rules) if args.rules else parse_rules(None)
    weights = _weights(args.sweep_long_tail) if args.sweep_long_tail else None
    model = Recommender.load(args.model_dir)
    catalog = load_catalog_only(args.catalog) if args.catalog else None
    if args.train:
        train_ds = load_dataset(args.train)
        catalog = catalog if catalog is not None else train_ds.catalog
        train_ds.catalog = catalog
        train = train_interactions(train_ds)
        if train.n_items != model.n_items:      # model fitted without the catalog's extra items
            train = train_ds.interactions
    else:
        train = _train_from_model(model)
    test = load_dataset(args.test).interactions
    ks = tuple(sorted(set(args.k or [10])))
    progress = stderr_progress(getattr(args, "verbose", False))
    t0 = time.perf_counter()
    if weights is not None:
        k = ks[-1]
        points = sweep_long_tail(model, train, test, weights, rules, catalog, k=k, progress=progress)
        out = {"model": model.name, "rules": rules.to_dict(), "k": k, "sweep": points,
               "score_seconds": round(time.perf_counter() - t0, 4)}
        if args.json:
            print_json(out)
        else:
            print(f"{model.name}: long-tail sweep at k={k}")
            print(f"  {'weight':>6}  {'ndcg':>8}  {'coverage':>8}  {'arp':>9}  {'novelty':>8}")
            for p in points:
                print(f"  {p['weight']:>6g}  {p[f'ndcg@{k}']:>8.5f}  {p[f'coverage@{k}']:>8.5f}  "
                      f"{p[f'arp@{k}']:>9.3f}  {p[f'novelty@{k}']:>8.4f}"
                      f"{'' if p['efficient'] else '  (beaten on both by another weight)'}")
        return 0
    res = evaluate_rules(model, train, test, rules, catalog, ks=ks, progress=progress)
    out = {"model": model.name, "params": model.get_params(), "rules": res.rules, "metrics": res.metrics,
           "raw_metrics": res.raw_metrics, "exposure": res.exposure, "users_evaluated": res.users_evaluated,
           "cold_users": res.cold_users, "warnings": res.warnings,
           "score_seconds": round(time.perf_counter() - t0, 4)}
    if args.json:
        print_json(out)
        return 0
    print(f"{model.name} with {len(rules)} rule(s): {res.users_evaluated} users evaluated "
          f"({res.cold_users} cold users skipped)")
    for w in res.warnings:
        print(f"  warning: {w}")
    print(f"  {'metric':<16} {'model':>9} {'re-ranked':>10}")
    for key in sorted(res.metrics):
        print(f"  {key:<16} {res.raw_metrics[key]:>9.5f} {res.metrics[key]:>10.5f}")
    exp = res.exposure
    print(f"  head-item share of slots: {exp['raw_head_share']:.4f} -> {exp['head_share']:.4f}")
    for col, rows in exp["groups"].items():
        shown = ", ".join(f"{r['group']} {r['raw']:.3f}->{r['reranked']:.3f}" for r in rows[:_SHOWN_GROUPS])
        print(f"  exposure by {col}: {shown}")
    return 0
