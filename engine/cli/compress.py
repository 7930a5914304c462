"""`recscope compress`: compress a saved model and report the trade-off (or sweep several methods).
``engine.cli.main.build_parser`` registers it with ``add_compress_command(sub)``.

    recscope compress --model-dir M --method int8|fp16|bf16|prune:0.8|topk:100|lowrank:64|distill:dim=16
                      --train T --test S --out OUT [--valid V] [--k 10] [--json]
    recscope compress --model-dir M --sweep int8,topk:200,lowrank:64 --train T --test S [--out OUT] [--json]

--train must be the training file the model was fitted on (same users and items). A single method
saves the compressed model into OUT and prints its report; a sweep prints the Pareto points (size
vs NDCG@10) and the reports, and writes them to OUT/sweep.json when --out is given.
"""

from __future__ import annotations

import json
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


def add_compress_command(subparsers) -> None:
    """Register ``compress`` on the `recscope` sub-parsers (engine.cli conventions)."""
    s = subparsers.add_parser("compress", help="compress a saved model and report size / latency / accuracy")
    s.add_argument("--model-dir", required=True, help="a model saved by `recscope train` / `evaluate --save`")
    group = s.add_mutually_exclusive_group(required=True)
    group.add_argument("--method", help="int8, fp16, bf16, prune:0.8, topk:100, lowrank:64, distill:dim=16[,layers=1]")
    group.add_argument("--sweep", metavar="SPEC,SPEC,...", help="several methods (';' separates specs with options)")
    s.add_argument("--train", required=True, help="the training file the model was fitted on")
    s.add_argument("--test", required=True)
    s.add_argument("--valid", help="validation file for early stopping of distilled students")
    s.add_argument("--catalog", help="item catalog file (when the model was fitted with one)")
    s.add_argument("--k", type=positive_int, action="append")
    s.add_argument("--out", help="folder for the compressed model (required with --method)")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_compress)


def _split_specs(text: str) -> list[str]:
    """"int8,topk:100,distill:dim=16,layers=1" -> specs; a part with "=" but no ":" is an option of
    the spec before it. ';' also separates specs."""
    specs: list[str] = []
    for chunk in text.split(";"):
        for i, part in enumerate(p.strip() for p in chunk.split(",")):
            if part and i and specs and "=" in part and ":" not in part:
                specs[-1] += "," + part
            elif part:
                specs.append(part)
    return specs


def _train_for(model, args):
    """Training Interactions in the model's id space (with the catalog's items when it was fitted so)."""
    ds = load_dataset(args.train)
    if args.catalog:
        ds.catalog = load_catalog_only(args.catalog)
    train = train_interactions(ds)
    if train.n_items != model.n_items:          # model fitted without the catalog's extra items
        train = ds.interactions
    return train


def cmd_compress(args) -> int:
    from engine.compress import compress, pareto_points, sweep
    from engine.models.base import Recommender
    if args.method and not args.out:
        raise UsageError("compress --method needs --out DIR for the compressed model")
    model = Recommender.load(args.model_dir)
    train = _train_for(model, args)
    test = load_dataset(args.test).interactions
    valid = load_dataset(args.valid).interactions if args.valid else None
    ks = tuple(sorted(set(args.k or [10])))
    progress = stderr_progress(getattr(args, "verbose", False))
    if args.sweep:
        specs = _split_specs(args.sweep)
        reports = sweep(model, specs, train=train, test=test, ks=ks, valid=valid, progress=progress)
        metric = f"ndcg@{10 if 10 in ks else ks[-1]}"
        out: dict = {"model": model.name, "metric": metric, "points": pareto_points(reports, metric),
               "reports": [r.to_dict() for r in reports]}
        if args.out:
            Path(args.out).mkdir(parents=True, exist_ok=True)
            (Path(args.out) / "sweep.json").write_text(json.dumps(out, indent=2))
        if args.json:
            print_json(out)
            return 0
        print(f"{model.name}: {len(reports)} methods, {metric} against size on disk")
        print(f"  {'method':<24} {'MB':>8} {'x smaller':>9} {metric:>9}  pareto")
        for p in out["points"]:
            ratio = out["points"][0]["size_bytes"] / max(p["size_bytes"], 1)
            print(f"  {p['method']:<24} {p['size_bytes'] / 1e6:>8.2f} {ratio:>9.2f} {p['value']:>9.4f}  "
                  f"{'*' if p['pareto'] else ''}")
        return 0
    res = compress(model, args.method, train=train, test=test, ks=ks, valid=valid, progress=progress)
    res.model.save(args.out)
    out = {**res.report.to_dict(), "model_dir": str(args.out)}
    if args.json:
        print_json(out)
        return 0
    r = res.report
    print(f"{model.name} -> {r.model_after} ({r.method}), saved to {args.out}")
    print(f"  size on disk     {r.size_bytes_before:>12,} -> {r.size_bytes_after:>12,} bytes ({r.size_ratio:.2f}x smaller)")
    print(f"  parameters       {r.params_before:>12,} -> {r.params_after:>12,}")
    print(f"  peak memory      {r.peak_memory_before:>12,} -> {r.peak_memory_after:>12,} bytes ({r.memory_method})")
    print(f"  ms per 1k users  {r.latency_ms_per_1k_before:>12.1f} -> {r.latency_ms_per_1k_after:>12.1f}")
    for key in sorted(r.metrics_after):
        change = r.relative_change.get(key)
        rel = "" if change is None else f" ({100 * change:+.2f} %)"
        print(f"  {key:<16} {r.metrics_before[key]:>12.5f} -> {r.metrics_after[key]:>12.5f}{rel}")
    return 0
