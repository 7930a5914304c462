"""`recscope evaluate | train | tune | recommend | models`: fit a registered model on a data file,
score it, save it, search its settings, list a user's top-K, list the models."""

from __future__ import annotations

import dataclasses
import json
import sys
import time
from pathlib import Path

from engine.cli.common import (
    UsageError,
    launch_workers,
    add_import_args,
    build_model,
    fit_model,
    fraction,
    import_options,
    json_default,
    load_catalog_only,
    load_dataset,
    model_facts,
    parse_params,
    positive_int,
    print_json,
    stderr_progress,
    train_interactions,
)


def model_args(s, need_model=True) -> None:
    """The options every command that builds a model shares."""
    s.add_argument("--model", required=need_model)
    s.add_argument("--param", action="append", metavar="KEY=VALUE")
    s.add_argument("--device", choices=["auto", "cpu", "cuda", "mps"])
    s.add_argument("--epochs", type=positive_int)
    s.add_argument("--seed", type=int)
    s.add_argument("--valid-frac", type=fraction, default=0.0,
                   help="share of each user's training events held out while an early-stopping model "
                        "chooses its epoch count; the kept model is refit on all of TRAIN (default: "
                        "the model's valid_frac parameter)")
    s.add_argument("--catalog", help="item catalog file (titles, categories, prices)")


def add_fit_commands(sub) -> None:
    """Register ``evaluate``, ``train``, ``tune``, ``recommend`` and ``models``."""
    s = sub.add_parser("evaluate", help="fit a model on TRAIN and evaluate on TEST (several --test: each "
                                        "test set against the one fitted model)")
    s.add_argument("--train", required=True)
    s.add_argument("--test", required=True, action="append",
                   help="test events; give it more than once (e.g. never-sold items and the rest) to evaluate "
                        "one fitted model on each; --json then has \"tests\": {file name: {\"metrics\": ...}}")
    model_args(s)
    add_import_args(s, catalog=False)
    s.add_argument("--k", type=positive_int, action="append")
    s.add_argument("--save", metavar="MODEL_DIR", help="also save the fitted model")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_evaluate)

    s = sub.add_parser("train", help="fit a model and save it (safetensors + JSON)")
    s.add_argument("--train", required=True)
    model_args(s)
    add_import_args(s, catalog=False)
    s.add_argument("--out", required=True)
    s.add_argument("--nproc", type=positive_int, metavar="N",
                   help="train a torch model data-parallel in N worker processes on this machine (torch "
                        "DistributedDataParallel through torch.distributed.run: gloo on CPU, nccl on GPUs); "
                        "across machines run the same command under torchrun instead")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_train)

    s = sub.add_parser("tune", help="hyper-parameter search on a validation split; saves the best model")
    s.add_argument("--train", required=True)
    model_args(s)
    add_import_args(s, catalog=False)
    s.add_argument("--trials", type=positive_int, default=20)
    s.add_argument("--minutes", type=float)
    s.add_argument("--sampler", choices=["tpe", "random"], default="tpe")
    s.add_argument("--out", required=True, help="folder for the best model and tuning.json")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_tune, valid_frac=0.1)

    s = sub.add_parser("recommend", help="top-K items for one user")
    s.add_argument("--model-dir")
    s.add_argument("--train")
    model_args(s, need_model=False)
    s.add_argument("--user", required=True)
    s.add_argument("--k", type=positive_int, default=10)
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_recommend)

    s = sub.add_parser("models", help="list the available models and their parameters")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_models)


def test_names(paths: list[str]) -> list[str]:
    """A key per test file: its file name, or its path where two files share a name."""
    names = [Path(p).name for p in paths]
    return [str(p) if names.count(n) > 1 else n for p, n in zip(paths, names)]


def cmd_evaluate(args) -> int:
    from engine.evaluate import evaluate
    options = import_options(args)
    train_ds = load_dataset(args.train, args.catalog, options)
    # test files are read with the same columns, but no rows are filtered out of them; bad files fail
    # before the fit
    test_options = dataclasses.replace(options, filters=None, drop_proposed=False)
    tests = [load_dataset(path, options=test_options).interactions for path in args.test]
    train = train_interactions(train_ds)
    model = build_model(args.model, parse_params(args.param), args)
    ks = tuple(sorted(set(args.k or [10])))
    t0 = time.perf_counter()
    fit_model(model, train, train_ds.catalog, args)
    fit_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    results = [evaluate(model, train, test, ks=ks, progress=stderr_progress(args.verbose)) for test in tests]
    score_s = time.perf_counter() - t0
    first = results[0]
    out = {"model": args.model, "params": model.get_params(), "metrics": first.metrics,
           "users_evaluated": int(first.n_users_evaluated), "cold_users": int(first.n_cold_users),
           "fit_seconds": round(fit_s, 4), "score_seconds": round(score_s, 4), **model_facts(model)}
    names = test_names(args.test)
    if len(results) > 1:
        out["tests"] = {name: {"metrics": r.metrics, "users_evaluated": int(r.n_users_evaluated),
                               "cold_users": int(r.n_cold_users)} for name, r in zip(names, results)}
    if args.save:
        model.save(args.save)
        out["model_dir"] = str(args.save)
    if args.json:
        print_json(out)
    else:
        print(f"{args.model}: fit {fit_s:.2f}s, score {score_s:.2f}s")
        for name, result in zip(names, results):
            print(f" {name}: {result.n_users_evaluated} users evaluated ({result.n_cold_users} cold users skipped)")
            for key in sorted(result.metrics):
                print(f"  {key:<16} {result.metrics[key]:.5f}")
    return 0


def cmd_train(args) -> int:
    from engine.train import distributed
    if (args.nproc or 1) > 1 and not distributed.launched():
        return launch_workers(args)
    workers = distributed.launched()
    if workers:
        distributed.init_from_env(args.device or "auto")
    ds = load_dataset(args.train, args.catalog, import_options(args))
    train = train_interactions(ds)
    model = build_model(args.model, parse_params(args.param), args)
    t0 = time.perf_counter()
    fit_model(model, train, ds.catalog, args, quiet=not distributed.is_main())
    if distributed.active() and not distributed.wrapped and distributed.is_main():
        print(f"recscope: note: model {args.model} does not train through the torch training loop, so every "
              "worker fitted it whole (no speed-up); run it without --nproc", file=sys.stderr)
    out = {"model": args.model, "params": model.get_params(), "model_dir": str(args.out),
           "fit_seconds": round(time.perf_counter() - t0, 4), **model_facts(model)}
    if workers:
        out["workers"] = distributed.world()[1]
        main_worker = distributed.is_main()
        distributed.finish()
        if not main_worker:
            return 0
    model.save(args.out)
    if args.json:
        print_json(out)
    else:
        print(f"trained {args.model} in {out['fit_seconds']:.2f}s -> {args.out}")
    return 0


def cmd_tune(args) -> int:
    from engine.data.splits import carve_validation
    from engine.runs.tune import tune
    ds = load_dataset(args.train, args.catalog, import_options(args))
    train = train_interactions(ds)
    valid = carve_validation(train, args.valid_frac, args.seed or 0)
    fixed = parse_params(args.param)
    for flag in ("device", "epochs"):
        if getattr(args, flag) is not None:
            fixed.setdefault(flag, getattr(args, flag))
    result = tune(args.model, train, valid, n_trials=args.trials, minutes=args.minutes,
                  sampler=args.sampler, seed=args.seed or 0, fixed=fixed, catalog=ds.catalog,
                  progress=stderr_progress(args.verbose))
    best = {**fixed, **result.best_params}
    model = build_model(args.model, dict(best), args)
    model.fit(train, catalog=ds.catalog, valid=valid)       # the kept model knows all of train
    out_dir = Path(args.out)
    model.save(out_dir)
    trials = [{"number": t.number, "params": t.params, "value": t.value, "seconds": round(t.seconds, 3),
               "state": t.state, **({"error": t.error} if t.error else {})} for t in result.trials]
    summary = {"model": args.model, "metric": result.metric, "best_value": result.best_value,
               "best_params": best, "trials": len(trials), "stopped": result.stopped, "model_dir": str(out_dir)}
    (out_dir / "tuning.json").write_text(json.dumps({**summary, "trials": trials}, indent=2,
                                                    default=json_default))
    if args.json:
        print_json(summary)
    else:
        print(f"best {result.metric} = {result.best_value:.5f} after {len(trials)} trials with "
              f"{', '.join(f'{k}={v}' for k, v in best.items())}; saved to {out_dir}")
    return 0


def cmd_recommend(args) -> int:
    from engine.models.base import Recommender
    catalog = None
    if args.model_dir:
        model = Recommender.load(args.model_dir)
        if args.catalog:
            catalog = load_catalog_only(args.catalog)
    else:
        if not (args.train and args.model):
            raise UsageError("recommend needs --model-dir DIR, or --train FILE and --model NAME")
        ds = load_dataset(args.train, args.catalog)
        catalog = ds.catalog
        model = build_model(args.model, parse_params(args.param), args)
        fit_model(model, train_interactions(ds), catalog, args)
    uidx = model.user_index(args.user)
    idx, scores = model.recommend([uidx], k=args.k)
    items = [int(i) for i in idx[0] if i >= 0]
    ids = model.item_ids_[items]
    titles = catalog.titles(ids) if catalog is not None else [None] * len(items)
    recs = [{"rank": r + 1, "item": json_default(ids[r]) if not isinstance(ids[r], str) else ids[r],
             "score": float(scores[0][r]), **({"title": titles[r]} if titles[r] is not None else {})}
            for r in range(len(items))]
    if args.json:
        print_json({"user": args.user, "model": model.name, "k": args.k, "items": recs})
    else:
        print(f"top {args.k} for user {args.user} ({model.name}):")
        for rec in recs:
            print(f"  {rec['rank']:>3}. {rec['item']}  {rec['score']:.4f}  {rec.get('title', '')}")
    return 0


def cmd_models(args) -> int:
    from engine.models import registry
    rows: list[dict] = []
    for name in registry.available():
        cls = registry.get(name)
        rows.append({"name": name, "capabilities": sorted(cls.capabilities), "defaults": cls.defaults})
    if args.json:
        print_json(rows)
    else:
        for r in rows:
            print(f"{r['name']:<10} {', '.join(f'{k}={v}' for k, v in r['defaults'].items())}")
    return 0
