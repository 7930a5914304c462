"""`recscope explain` and `recscope explain-eval`. ``engine.cli.main.build_parser`` registers them with
``add_explain_commands(sub)``.

    recscope explain --model-dir M --user U --item I --method contributions [--catalog C | --train T]
                     [--k 10] [--json]
    recscope explain-eval --model-dir M --test S [--train T] [--users 200] [--k 10] [--steps 10]
                          [--method M ...] [--seed 0] [--json]

explain's --train only supplies the catalog (item titles); explain-eval's --train is checked to be
the file the model was fitted on (the test users must be the model's users).

explain-eval's last stdout line is always one JSON object: ``{"pairs": N, "aopc": {"<method>": value,
..., "random": value}}`` for the history-item deletion test (methods that rank history items; empty
when none was asked for), plus, for each other test that scored any pair, its own pair count and
AOPCs against its own random deletion (``engine.explain.faithfulness``):

- ``"feature_pairs"``, ``"feature_aopc": {"saliency", "ig", "random"}``: the two-tower model's input
  features set to zero (the integrated-gradients baseline) in each method's order;
- ``"shap_pairs"``, ``"shap_aopc": {"shap", "random"}``: its features taken from SHAP's background,
  SHAP's margin re-computed (drops normalised by the pair's Σ|SHAP values|);
- ``"factor_pairs"``, ``"factor_aopc": {"latent", "random"}``: latent dimensions zeroed (MF, iALS,
  BPR, two-tower).

AOPCs of different tests are not comparable; compare each method with the "random" beside it.
"""

from __future__ import annotations

import json
import time

from engine.cli.common import (
    UsageError,
    load_catalog_only,
    load_dataset,
    positive_int,
    print_json,
    stderr_progress,
)

#: engine.explain.api.METHODS, repeated here so that building the parser imports no torch.
METHODS = ("contributions", "latent", "attention", "words", "saliency", "ig", "shap", "counterfactual")


def add_explain_commands(subparsers) -> None:
    """Register ``explain`` and ``explain-eval`` on the `recscope` sub-parsers."""
    s = subparsers.add_parser("explain", help="explain why a saved model recommends an item to a user")
    s.add_argument("--model-dir", required=True, help="a model saved by `recscope train` / `evaluate --save`")
    s.add_argument("--user", required=True)
    s.add_argument("--item", required=True)
    s.add_argument("--method", required=True, choices=METHODS)
    s.add_argument("--train", help="the training file (its catalog gives item titles)")
    s.add_argument("--catalog", help="item catalog file (titles)")
    s.add_argument("--k", type=positive_int, default=10, help="top-K of the counterfactual and of SHAP's margin")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_explain)

    s = subparsers.add_parser("explain-eval", help="deletion test (AOPC) of a saved model's explanations")
    s.add_argument("--model-dir", required=True)
    s.add_argument("--test", required=True, help="test events of the split the model was trained on")
    s.add_argument("--train", help="the training file: checked to be the one the model was fitted on")
    s.add_argument("--users", type=positive_int, default=200)
    s.add_argument("--k", type=positive_int, default=10)
    s.add_argument("--steps", type=positive_int, default=10)
    s.add_argument("--method", action="append", choices=METHODS,
                   help="methods to test (default: every one the model has a deletion test for)")
    s.add_argument("--seed", type=int, default=0)
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_explain_eval)


def _catalog(args):
    if args.catalog:
        return load_catalog_only(args.catalog)
    if args.train:
        return load_dataset(args.train).catalog
    return None


def _check_train(model, train, path: str, model_dir: str) -> None:
    """UsageError unless every user and item of ``train`` is known to ``model``."""
    import numpy as np

    from engine.data.interactions import index_of
    for what, ids, known in (("users", train.user_ids, model.user_ids_), ("items", train.item_ids, model.item_ids_)):
        missing = int(np.sum(index_of(ids, known) < 0))
        if missing:
            raise UsageError(f"{path}: {missing} of its {len(ids)} {what} are unknown to the {model.name} model "
                             f"in {model_dir}; pass the training file the model was fitted on")


def cmd_explain(args) -> int:
    from engine.explain.api import explain
    from engine.models.base import Recommender
    model = Recommender.load(args.model_dir)
    catalog = _catalog(args)
    t0 = time.perf_counter()
    result = explain(model, args.user, args.item, args.method, k=args.k, catalog=catalog)
    seconds = time.perf_counter() - t0
    out = {"model": model.name, "method": args.method, "seconds": round(seconds, 4), **result.to_dict()}
    if args.json:
        print_json(out)
        return 0
    print(out["title"])
    if args.method == "counterfactual":
        print(f"  rank {out['rank_before']} -> {out['rank_after']} (top {out['k']}); "
              f"found={out['found']} exact={out['exact']}")
        for label in out["labels"]:
            print(f"  - {label}")
    elif args.method == "words":
        print(f"  {result.text}")
        print(f"  score {result.target:.5f}, with every word padded {result.baseline:.5f}")
        for j in result.order()[:15]:
            print(f"  {result.values[j]:+10.5f}  {result.words[j]}" + ("" if result.read[j] else "  (not read)"))
        if result.history is not None:
            print("  purchases:")
            for j in result.history.order()[:10]:
                print(f"  {result.history.values[j]:+10.5f}  {result.history.labels[j]}")
    elif args.method == "attention":
        last = result.last_row[-1].mean(axis=0)
        for label, w in sorted(zip(out["labels"], last), key=lambda t: -t[1])[:15]:
            print(f"  {w:7.4f}  {label}")
    else:
        print(f"  target {result.target:.5f}  baseline {result.baseline:.5f}  ({result.unit})")
        for j in result.order()[:15]:
            print(f"  {result.values[j]:+10.5f}  {result.labels[j]}")
    if out.get("note"):
        print(f"  note: {out['note']}")
    return 0


def cmd_explain_eval(args) -> int:
    from engine.explain.faithfulness import deletion_test
    from engine.models.base import Recommender
    model = Recommender.load(args.model_dir)
    if args.train:
        _check_train(model, load_dataset(args.train).interactions, args.train, args.model_dir)
    test = load_dataset(args.test).interactions
    t0 = time.perf_counter()
    result = deletion_test(model, test, methods=args.method, users=args.users, k=args.k, steps=args.steps,
                           seed=args.seed, progress=stderr_progress(getattr(args, "verbose", False)))
    seconds = time.perf_counter() - t0
    tests = result.tests()
    last = {"pairs": result.pairs, "aopc": result.aopc}
    for key, (pairs, _, aopc) in tests.items():
        if key != "history":
            last.update({f"{key}_pairs": pairs, f"{key}_aopc": aopc})
    if args.json:
        print_json({**result.to_dict(), "seconds": round(seconds, 3)})
    else:
        print(f"deletion test of {model.name}: up to {result.steps} steps, {seconds:.1f}s")
        for key, (pairs, _, aopc) in tests.items():
            print(f"  {result.TESTS[key]}, {pairs} pairs:")
            for method, value in aopc.items():
                print(f"    {method:<14} AOPC {value:.4f}")
        print(f"  {result.note}")
    print(json.dumps(last))
    return 0
