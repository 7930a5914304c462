"""`recscope` command line: every GUI action has a headless twin here.

Exit status: 0 success, 2 bad input or arguments (one line on stderr, never a traceback),
1 an unexpected internal error (one line on stderr; the traceback goes to the log file),
130 interrupted.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import time
import traceback
from pathlib import Path

from engine.errors import EngineError

log = logging.getLogger("recscope")


class UsageError(EngineError):
    """A bad command-line argument."""


class _Parser(argparse.ArgumentParser):
    """ArgumentParser whose errors are one line on stderr with exit status 2."""

    def error(self, message: str):  # noqa: D401 - argparse hook
        raise UsageError(f"{self.prog}: {message}")


# ---- helpers ----------------------------------------------------------------------------------
def _params(pairs: list[str] | None) -> dict[str, str]:
    out: dict[str, str] = {}
    for pair in pairs or []:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise UsageError(f"--param expects key=value, got {pair!r}")
        out[key.strip()] = value.strip()
    return out


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an integer") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"{text!r} must be positive")
    return value


def _fraction(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not 0.0 <= value < 1.0:
        raise argparse.ArgumentTypeError(f"{text!r} must be in [0, 1)")
    return value


def _print_json(obj) -> None:
    print(json.dumps(obj, default=_json_default))


def _json_default(o):
    import numpy as np
    if isinstance(o, np.integer):
        return int(o)
    if isinstance(o, np.floating):
        return float(o)
    if isinstance(o, np.ndarray):
        return o.tolist()
    return str(o)


def _stderr_progress(enabled: bool):
    """A progress callback printing throttled one-line updates to stderr (when enabled)."""
    if not enabled:
        return None
    last = [0.0]

    def cb(p):
        now = time.monotonic()
        if now - last[0] < 1.0 and not p.metrics:
            return
        last[0] = now
        frac = "" if p.fraction is None else f"{100 * p.fraction:5.1f}% "
        extra = " ".join(f"{k}={v:.4g}" if isinstance(v, float) else f"{k}={v}" for k, v in p.metrics.items())
        print(f"  {frac}{p.message} {extra}".rstrip(), file=sys.stderr)

    return cb


def _load(path: str, catalog: str | None = None):
    """Dataset from a file (and an optional separate catalog file)."""
    from engine.data import open_dataset, read_catalog
    if not Path(path).exists():
        raise UsageError(f"{path}: no such file")
    ds = open_dataset(path)
    if catalog:
        if not Path(catalog).exists():
            raise UsageError(f"{catalog}: no such file")
        ds.catalog = read_catalog(catalog)
    return ds


def _train_interactions(ds):
    """Training Interactions whose candidates include the catalog's items (DESIGN.md protocol)."""
    from engine.data.interactions import Interactions
    inter = ds.interactions
    if ds.catalog is None:
        return inter
    return Interactions.from_arrays(inter.user_ids[inter.user_idx], inter.item_ids[inter.item_idx],
                                    inter.values, inter.timestamps, value_kind=inter.value_kind,
                                    extra_items=ds.catalog.frame.index.to_numpy())


def _build_model(name: str, params: dict, args):
    from engine.models import registry
    cls = registry.get(name)
    for flag, key in (("device", "device"), ("epochs", "epochs"), ("seed", "seed")):
        value = getattr(args, flag, None)
        if value is not None and key in cls.defaults:
            params.setdefault(key, value)
    return cls(**params)


def _fit(model, train, catalog, args):
    """Fit ``model`` on ``train``; with --valid-frac carve a validation split for early stopping."""
    valid = None
    if getattr(args, "valid_frac", 0.0):
        from engine.data.splits import split
        parts = split(train, method="random", test_frac=args.valid_frac, seed=args.seed or 0,
                      extra_items=train.item_ids)
        train, valid = parts.train, parts.test
    model.fit(train, catalog=catalog, valid=valid, progress=_stderr_progress(args.verbose))
    return model


def _model_facts(model) -> dict:
    facts = {}
    for attr, key in (("epochs_run_", "epochs_run"), ("device_", "device")):
        value = getattr(model, attr, None)
        if value is not None:
            facts[key] = str(value) if key == "device" else int(value)
    facts.setdefault("device", "cpu")
    return facts


# ---- commands ---------------------------------------------------------------------------------
def cmd_info(args) -> int:
    from engine.data.profile import profile
    ds = _load(args.path)
    prof = profile(ds.interactions).to_dict()
    if args.json:
        out = {"path": args.path, "interactions": int(prof["n_pairs"]), "users": int(prof["n_users"]),
               "items": int(prof["n_items"]), "events": int(prof["n_events"]),
               "mapping": ds.mapping.to_dict(), "profile": prof, "report": _report_dict(ds.report)}
        _print_json(out)
        return 0
    r = _report_dict(ds.report)
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


def _report_dict(report) -> dict:
    if report is None:
        return {}
    if hasattr(report, "to_dict"):
        return report.to_dict()
    from dataclasses import asdict, is_dataclass
    return asdict(report) if is_dataclass(report) else dict(report)


def cmd_split(args) -> int:
    from engine.data.splits import split, write_split
    ds = _load(args.path)
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
        _print_json(summary)
    else:
        print(f"wrote {out if out else args.out}: train {summary['train']} rows, test {summary['test']} rows"
              + (f", valid {summary['valid']} rows" if summary["valid"] else ""))
    return 0


def cmd_evaluate(args) -> int:
    from engine.evaluate import evaluate
    train_ds = _load(args.train, args.catalog)
    test_ds = _load(args.test)
    train = _train_interactions(train_ds)
    model = _build_model(args.model, _params(args.param), args)
    ks = tuple(sorted(set(args.k or [10])))
    t0 = time.perf_counter()
    _fit(model, train, train_ds.catalog, args)
    fit_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    result = evaluate(model, train, test_ds.interactions, ks=ks, progress=_stderr_progress(args.verbose))
    score_s = time.perf_counter() - t0
    out = {"model": args.model, "params": model.get_params(), "metrics": result.metrics,
           "users_evaluated": int(result.n_users_evaluated), "cold_users": int(result.n_cold_users),
           "fit_seconds": round(fit_s, 4), "score_seconds": round(score_s, 4), **_model_facts(model)}
    if args.save:
        model.save(args.save)
        out["model_dir"] = str(args.save)
    if args.json:
        _print_json(out)
    else:
        print(f"{args.model}: {result.n_users_evaluated} users evaluated "
              f"({result.n_cold_users} cold users skipped); fit {fit_s:.2f}s, score {score_s:.2f}s")
        for key in sorted(result.metrics):
            print(f"  {key:<16} {result.metrics[key]:.5f}")
    return 0


def cmd_train(args) -> int:
    ds = _load(args.train, args.catalog)
    train = _train_interactions(ds)
    model = _build_model(args.model, _params(args.param), args)
    t0 = time.perf_counter()
    _fit(model, train, ds.catalog, args)
    out = {"model": args.model, "params": model.get_params(), "model_dir": str(args.out),
           "fit_seconds": round(time.perf_counter() - t0, 4), **_model_facts(model)}
    model.save(args.out)
    if args.json:
        _print_json(out)
    else:
        print(f"trained {args.model} in {out['fit_seconds']:.2f}s -> {args.out}")
    return 0


def cmd_tune(args) -> int:
    from engine.data.splits import split
    from engine.train.tune import tune
    ds = _load(args.train, args.catalog)
    train = _train_interactions(ds)
    parts = split(train, method="random", test_frac=args.valid_frac, seed=args.seed or 0,
                  extra_items=train.item_ids)
    fixed = _params(args.param)
    for flag in ("device", "epochs"):
        if getattr(args, flag) is not None:
            fixed.setdefault(flag, getattr(args, flag))
    result = tune(args.model, parts.train, parts.test, n_trials=args.trials, minutes=args.minutes,
                  sampler=args.sampler, seed=args.seed or 0, fixed=fixed, catalog=ds.catalog,
                  progress=_stderr_progress(args.verbose))
    best = {**fixed, **result.best_params}
    model = _build_model(args.model, dict(best), args)
    model.fit(parts.train, catalog=ds.catalog, valid=parts.test)
    out_dir = Path(args.out)
    model.save(out_dir)
    trials = [{"number": t.number, "params": t.params, "value": t.value, "seconds": round(t.seconds, 3),
               "state": t.state, **({"error": t.error} if t.error else {})} for t in result.trials]
    summary = {"model": args.model, "metric": result.metric, "best_value": result.best_value,
               "best_params": best, "trials": len(trials), "stopped": result.stopped, "model_dir": str(out_dir)}
    (out_dir / "tuning.json").write_text(json.dumps({**summary, "trials": trials}, indent=2,
                                                    default=_json_default))
    if args.json:
        _print_json(summary)
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
            catalog = _load_catalog_only(args.catalog)
    else:
        if not (args.train and args.model):
            raise UsageError("recommend needs --model-dir DIR, or --train FILE and --model NAME")
        ds = _load(args.train, args.catalog)
        catalog = ds.catalog
        model = _build_model(args.model, _params(args.param), args)
        _fit(model, _train_interactions(ds), catalog, args)
    uidx = model.user_index(args.user)
    idx, scores = model.recommend([uidx], k=args.k)
    items = [int(i) for i in idx[0] if i >= 0]
    ids = model.item_ids_[items]
    titles = catalog.titles(ids) if catalog is not None else [None] * len(items)
    recs = [{"rank": r + 1, "item": _json_default(ids[r]) if not isinstance(ids[r], str) else ids[r],
             "score": float(scores[0][r]), **({"title": titles[r]} if titles[r] is not None else {})}
            for r in range(len(items))]
    if args.json:
        _print_json({"user": args.user, "model": model.name, "k": args.k, "items": recs})
    else:
        print(f"top {args.k} for user {args.user} ({model.name}):")
        for rec in recs:
            print(f"  {rec['rank']:>3}. {rec['item']}  {rec['score']:.4f}  {rec.get('title', '')}")
    return 0


def _load_catalog_only(path: str):
    from engine.data import read_catalog
    if not Path(path).exists():
        raise UsageError(f"{path}: no such file")
    return read_catalog(path)


def cmd_models(args) -> int:
    from engine.models import registry
    rows = []
    for name in registry.available():
        cls = registry.get(name)
        rows.append({"name": name, "capabilities": sorted(cls.capabilities), "defaults": cls.defaults})
    if args.json:
        _print_json(rows)
    else:
        for r in rows:
            print(f"{r['name']:<10} {', '.join(f'{k}={v}' for k, v in r['defaults'].items())}")
    return 0


def cmd_gui(args) -> int:
    from desktop.app import main as gui_main
    return gui_main([args.path] if args.path else [])


# ---- parser -----------------------------------------------------------------------------------
def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="recscope", description="Offline recommendation analysis.")
    p.add_argument("-v", "--verbose", action="store_true", help="progress on stderr")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True

    s = sub.add_parser("info", help="profile a data file")
    s.add_argument("path")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_info)

    s = sub.add_parser("split", help="split a data file into train/test CSVs")
    s.add_argument("path")
    s.add_argument("--method", choices=["random", "temporal", "leave-last"], default="random")
    s.add_argument("--test-frac", type=_fraction, default=0.2)
    s.add_argument("--valid-frac", type=_fraction, default=0.0)
    s.add_argument("--seed", type=int, default=0)
    s.add_argument("--relevant", metavar="TYPE[,TYPE...]",
                   help="event types kept in the test part (default: purchase when the data has an "
                        "event column); other held-out events are left out")
    s.add_argument("--out", required=True)
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_split)

    def model_args(s, need_model=True):
        s.add_argument("--model", required=need_model)
        s.add_argument("--param", action="append", metavar="KEY=VALUE")
        s.add_argument("--device", choices=["auto", "cpu", "cuda", "mps"])
        s.add_argument("--epochs", type=_positive_int)
        s.add_argument("--seed", type=int)
        s.add_argument("--valid-frac", type=_fraction, default=0.0)
        s.add_argument("--catalog", help="item catalog file (titles, categories, prices)")

    s = sub.add_parser("evaluate", help="fit a model on TRAIN and evaluate on TEST")
    s.add_argument("--train", required=True)
    s.add_argument("--test", required=True)
    model_args(s)
    s.add_argument("--k", type=_positive_int, action="append")
    s.add_argument("--save", metavar="MODEL_DIR", help="also save the fitted model")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_evaluate)

    s = sub.add_parser("train", help="fit a model and save it (safetensors + JSON)")
    s.add_argument("--train", required=True)
    model_args(s)
    s.add_argument("--out", required=True)
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_train)

    s = sub.add_parser("tune", help="hyper-parameter search on a validation split; saves the best model")
    s.add_argument("--train", required=True)
    model_args(s)
    s.add_argument("--trials", type=_positive_int, default=20)
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
    s.add_argument("--k", type=_positive_int, default=10)
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_recommend)

    from engine.rerank_cli import add_rerank_command
    from engine.simulate_cli import add_simulate_command
    add_rerank_command(sub)
    add_simulate_command(sub)
    from engine.compress_cli import add_compress_command
    add_compress_command(sub)
    from engine.explain_cli import add_explain_commands
    add_explain_commands(sub)

    s = sub.add_parser("models", help="list the available models and their parameters")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_models)

    s = sub.add_parser("gui", help="open the desktop app")
    s.add_argument("path", nargs="?")
    s.set_defaults(func=cmd_gui)
    return p


def _log_path() -> Path:
    base = Path(os.environ.get("RECSCOPE_LOG_DIR") or Path.home() / ".cache" / "recscope" / "logs")
    return base / "cli.log"


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    try:
        args = build_parser().parse_args(argv)
        return int(args.func(args) or 0)
    except EngineError as e:
        print(f"recscope: error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("recscope: interrupted", file=sys.stderr)
        return 130
    except Exception as e:  # last resort: never show a traceback to a user
        path = _log_path()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("a", encoding="utf-8") as fh:
                fh.write(f"--- {time.strftime('%Y-%m-%d %H:%M:%S')} recscope {' '.join(argv or sys.argv[1:])}\n")
                fh.write(traceback.format_exc())
            where = f" (details in {path})"
        except OSError:
            where = ""
        print(f"recscope: internal error: {type(e).__name__}: {' '.join(str(e).split())}{where}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
