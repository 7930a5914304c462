"""`recscope pipeline`: the whole analysis headless into one project file, for a server whose
results are opened on the laptop — import → split → train / tune (each run evaluated by the
protocol) → compress, every step saved into the project as it finishes (a failure or a stopped job
keeps what was done), with one timestamped progress line per step and update on stderr:

    recscope pipeline --data orders.csv --out shop.recscope --model ease --model bpr:factors=128 \\
        --tune ials --trials 30 --compress int8 --compress prune:0.5 2> pipeline.log

With ``--nproc N`` (or under torchrun) the torch models train data-parallel (DDP, one model
replica per worker, ``engine.train.distributed``); every worker runs the same steps, the first
logs and writes the project.

The desktop app opens the project (File › Open): the data, the split, every run with its metrics,
learning curves and diagnosis, the compressed runs with their reports; explanations are computed
there from the stored models.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from engine.cli.common import (UsageError, add_import_args, fraction, import_options, launch_workers, load_dataset,
                               positive_int, print_json)
from engine.errors import EngineError


def add_pipeline_command(sub) -> None:
    """Register ``pipeline`` on the `recscope` sub-parsers."""
    s = sub.add_parser("pipeline", help="import, split, train/tune, evaluate and compress headless into a "
                                        "project file the desktop app opens")
    s.add_argument("--data", required=True, metavar="FILE", help="the export to analyse (CSV, TSV, Parquet, Excel)")
    add_import_args(s)
    s.add_argument("--out", required=True, metavar="PROJECT", help="project file to write (.recscope)")
    s.add_argument("--overwrite", action="store_true", help="replace PROJECT when it exists")
    s.add_argument("--split", choices=["auto", "random", "temporal", "leave-last"], default="auto",
                   help="auto (default): temporal when the data has times, else random")
    s.add_argument("--test-frac", type=fraction, default=0.2)
    s.add_argument("--valid-frac", type=fraction, default=0.1,
                   help="validation share of training (early stopping, tuning); 0 for none")
    s.add_argument("--seed", type=int, default=0)
    s.add_argument("--model", action="append", default=[], metavar="NAME[:KEY=VALUE,...]",
                   help="train and evaluate this model (repeatable), e.g. bpr:factors=128,epochs=50")
    s.add_argument("--tune", action="append", default=[], metavar="NAME[:KEY=VALUE,...]",
                   help="search this model's settings on the validation part, keep the best (repeatable)")
    s.add_argument("--trials", type=positive_int, default=20, help="settings tried per --tune model")
    s.add_argument("--minutes", type=float, help="time limit per --tune model")
    s.add_argument("--compress", action="append", default=[], metavar="METHOD",
                   help="compress every run this method applies to (repeatable): int8, prune:0.8, topk:100, "
                        "lowrank:64, distill:dim=16,layers=1")
    s.add_argument("--device", choices=["auto", "cpu", "cuda", "mps"], help="device of the torch models")
    s.add_argument("--nproc", type=positive_int, metavar="N",
                   help="train the torch models data-parallel in N worker processes (DDP through "
                        "torch.distributed.run; worker 0 writes the project); or run the command under torchrun")
    s.add_argument("--json", action="store_true", help="a JSON summary on stdout at the end")
    s.set_defaults(func=cmd_pipeline)


class LogLines:
    """Progress as lines a log can follow: ``HH:MM:SS [step] 42.0% message key=value``, at most one
    per second per step (and every metrics update), flushed at once."""

    def __init__(self, stream=None):
        self.stream = stream or sys.stderr
        self.last: dict[str, float] = {}

    def say(self, step: str, text: str) -> None:
        print(f"{time.strftime('%H:%M:%S')} [{step}] {text}", file=self.stream, flush=True)

    def progress(self, step: str):
        def cb(p) -> None:
            now = time.monotonic()
            if now - self.last.get(step, 0.0) < 1.0 and not p.metrics:
                return
            self.last[step] = now
            frac = "" if p.fraction is None else f"{100 * p.fraction:5.1f}% "
            extra = " ".join(f"{k}={v:.4g}" if isinstance(v, float) else f"{k}={v}" for k, v in p.metrics.items())
            self.say(step, f"{frac}{p.message} {extra}".rstrip())
        return cb


def _model_spec(text: str) -> tuple[str, dict]:
    """("bpr", {"factors": "128"}) from "bpr:factors=128"."""
    name, _, rest = text.partition(":")
    params = {}
    for pair in filter(None, (p.strip() for p in rest.split(","))):
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise UsageError(f"--model/--tune {text!r}: expected NAME:KEY=VALUE,...")
        params[key.strip()] = value.strip()
    return name.strip(), params


def cmd_pipeline(args) -> int:
    from engine.compress.api import compress, compressed_run
    from engine.models import registry
    from engine.runs import train_run
    from engine.runs.tuned import tune_run
    from engine.store.project import Project
    from engine.store.schema import SUFFIX
    from engine.train import distributed

    if not args.model and not args.tune:
        raise UsageError("pipeline: name at least one --model or --tune")
    if (args.nproc or 1) > 1 and not distributed.launched():
        if args.minutes:
            raise UsageError("pipeline --nproc: tune by --trials, not --minutes (workers must stop together)")
        return launch_workers(args)
    if distributed.launched():
        distributed.init_from_env(args.device or "auto")
    specs = [(_model_spec(m), False) for m in args.model] + [(_model_spec(m), True) for m in args.tune]
    for (name, _), _tuned in specs:
        registry.get(name)                                   # an unknown name fails before any work
    out = Path(args.out if Path(args.out).suffix else args.out + SUFFIX)
    main_worker = distributed.is_main()          # data-parallel workers: only the first logs and writes
    log, started = LogLines(None if main_worker else _Discard()), time.perf_counter()
    project = Project.create(out, overwrite=args.overwrite) if main_worker else _NoProject()
    summary: dict = {"project": str(out), "runs": [], "skipped": []}
    try:
        log.say("import", f"reading {args.data}")
        ds = load_dataset(args.data, args.catalog, import_options(args), progress=log.progress("import"))
        inter = ds.interactions
        log.say("import", f"{inter.n_users:,} users, {inter.n_items:,} items, {inter.n_events:,} events "
                          f"({ds.source.get('reader', 'memory')} reader)")
        method = args.split if args.split != "auto" else ("temporal" if inter.timestamps is not None else "random")
        parts = _split(ds, method, args, log.progress("split"))
        options = {"method": method, "test_frac": args.test_frac, "valid_frac": args.valid_frac, "seed": args.seed}
        project.write(dataset=ds, split=parts, split_options=options, progress=log.progress("save"))
        log.say("split", f"{method}: train {parts.train.n_events:,}, test {parts.test.n_events:,}"
                         + (f", valid {parts.valid.n_events:,}" if parts.valid is not None else "") + " events")
        for w in parts.warnings:
            log.say("split", f"warning: {w}")
        runs = []
        for (name, params), tuned in specs:
            step = f"{'tune' if tuned else 'train'} {name}"
            params = _with_flags(registry.get(name), params, args)
            try:
                if tuned:
                    run = tune_run(name, params, parts, n_trials=args.trials, minutes=args.minutes, seed=args.seed,
                                   catalog=ds.catalog, progress=log.progress(step))
                else:
                    run = train_run(name, params, parts, catalog=ds.catalog, progress=log.progress(step))
            except EngineError as e:
                log.say(step, f"failed: {e}")
                summary["skipped"].append({"step": step, "why": str(e)})
                continue
            runs.append(run)
            project.write(runs=runs)
            log.say(step, f"ndcg@10 {run.metrics.get('ndcg@10', float('nan')):.4f} in "
                          f"{run.info.get('fit_seconds', 0):.1f} s; saved")
            summary["runs"].append(_row(run))
        for parent in list(runs):
            for method_text in args.compress:
                step = f"compress {parent.name} {method_text}"
                try:
                    result = compress(parent.model, method_text, train=parts.train, test=parts.test,
                                      valid=parts.valid, ks=(5, 10, 20), progress=log.progress(step))
                except EngineError as e:                     # the method does not apply to this model
                    log.say(step, f"skipped: {e}")
                    summary["skipped"].append({"step": step, "why": str(e)})
                    continue
                run = compressed_run(parent, result)
                runs.append(run)
                project.write(runs=runs)
                log.say(step, f"{result.report.size_ratio:.1f}x smaller, ndcg@10 "
                              f"{run.metrics.get('ndcg@10', float('nan')):.4f}; saved")
                summary["runs"].append(_row(run))
    finally:
        project.close()
        if distributed.launched():
            distributed.finish()
    if not main_worker:
        return 0
    summary["seconds"] = round(time.perf_counter() - started, 1)
    log.say("done", f"{len(summary['runs'])} runs in {out} after {summary['seconds']:.0f} s")
    if args.json:
        print_json(summary)
    return 0


class _Discard:
    """A stream that drops what is written (the log of workers other than the first)."""

    def write(self, _text: str) -> int:
        return 0

    def flush(self) -> None:
        pass


class _NoProject:
    """The project as workers other than the first see it: they write nothing."""

    def write(self, **_parts) -> None:
        pass

    def close(self) -> None:
        pass


def _split(ds, method: str, args, progress):
    """The split the Data pane makes: catalog items join the candidates; with an event column only
    relevant event types stay in the test part."""
    from engine.data.splits import split
    extra = ds.catalog.frame.index.to_numpy() if ds.catalog is not None else None
    relevant = None if ds.events is None else ds.relevant_mask()
    return split(ds.interactions, method, args.test_frac, args.seed, args.valid_frac, extra_items=extra,
                 relevant=relevant, events=ds.events, progress=progress)


def _with_flags(cls, params: dict, args) -> dict:
    """``params`` plus --device and --seed where the model takes them (its own values win)."""
    out = dict(params)
    for key, value in (("device", args.device), ("seed", args.seed)):
        if value is not None and key in cls.defaults:
            out.setdefault(key, value)
    return out


def _row(run) -> dict:
    return {"id": run.id, "name": run.name, "model": run.model_name, "kind": run.kind, "parent": run.parent,
            "metrics": {k: v for k, v in run.metrics.items() if k.endswith("@10")}}
