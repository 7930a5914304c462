"""What validation costs and what it buys, for the early-stopping models (iALS, BPR, SASRec, two-tower).

Data: ml-100k (all ratings as events, timestamps kept so SASRec reads histories in time order),
per-user random 80/20 (seed 0; bench/peers.py's split). Per model, side by side in one process:

- overhead: the same epochs on train minus the model's own validation carve, validated every
  ``validate_every`` epochs (the model's default) on its fixed user sample (``valid_users``) vs not
  validated at all (``patience`` 0, no refit): validated ÷ plain, in wall seconds AND in this process's
  CPU seconds (the machine is shared: CPU time is what other jobs disturb least). Runs
  alternate (plain, validated, plain, validated, ...) ``--repeats`` times; the table shows the
  median ratio and the spread;
- with ``--default``: the path a user gets (validation carved by the model, early stopping, refit
  on all of train) vs a plain fit of the model's default epochs on all of train: time and test
  NDCG@10.

Every process first loads what all fits share (``engine.models.warm.warm_up``).

    nice python bench/bench_validation.py [--models ials bpr sasrec twotower] [--repeats 3] [--default] [--no-write]
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
RESULTS = REPO / "bench" / "RESULTS.md"
DATA = REPO.parent / "shared" / "data" / "ml-100k" / "u.data"
START, END = "<!-- validation:start -->", "<!-- validation:end -->"
#: Per model: epochs of the overhead pair, and the settings of every run.
MODELS = {"ials": (15, {}), "bpr": (40, {}), "sasrec": (10, {}), "twotower": (10, {"text": False})}


def load():
    """(train, test) of ml-100k with timestamps, per-user random 80/20 (seed 0)."""
    import pandas as pd
    from engine.data.interactions import Interactions
    from engine.data.splits import split
    df = pd.read_csv(DATA, sep="\t", names=["user", "item", "rating", "t"])
    inter = Interactions.from_arrays(df["user"].to_numpy(), df["item"].to_numpy(), timestamps=df["t"].to_numpy())
    s = split(inter, "random", test_frac=0.2, seed=0)
    return s.train, s.test


def timed(model, *args, **kwargs) -> tuple[float, float]:
    """(wall, thread CPU) seconds of ``model.fit(*args, **kwargs)``."""
    wall, cpu = time.perf_counter(), time.process_time()
    model.fit(*args, **kwargs)
    return time.perf_counter() - wall, time.process_time() - cpu


def spread(values: list[float]) -> str:
    return f"{statistics.median(values):.2f} ({min(values):.2f}–{max(values):.2f})"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--models", nargs="*", default=list(MODELS), choices=list(MODELS))
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--default", action="store_true", help="also time the default path against a plain fit")
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args(argv)
    from engine.data.splits import carve_validation, without
    from engine.evaluate import evaluate
    from engine.machine.threads import apply
    from engine.models import registry
    from engine.models.warm import warm_up
    threads = apply()
    warm_up()
    train, test = load()
    lines = ["| model | epochs | validated | users scored | plain s (wall / CPU) | validated s (wall / CPU) | "
             "validated ÷ plain, wall | validated ÷ plain, CPU | load avg |", "|---|---|---|---|---|---|---|---|---|"]
    default_lines = ["| model | run | fit s | epochs | test NDCG@10 |", "|---|---|---|---|---|"]
    for name in args.models:
        epochs, base = MODELS[name]
        cls = registry.get(name)
        base = {**base, "device": "cpu"}
        valid = carve_validation(train, cls.defaults["valid_frac"], 0, cls.validation_split)
        fit_part = without(train, valid)
        registry.create(name, **base, epochs=1, valid_frac=0.0).fit(fit_part)           # first-fit costs
        plain_t, valid_t, ratios_wall, ratios_cpu = [], [], [], []
        for _ in range(args.repeats):
            plain = registry.create(name, **base, epochs=epochs, valid_frac=0.0)
            validated = registry.create(name, **base, epochs=epochs, patience=0, refit=False)
            plain_t.append(timed(plain, fit_part))
            valid_t.append(timed(validated, fit_part, valid=valid))
            ratios_wall.append(valid_t[-1][0] / plain_t[-1][0])
            ratios_cpu.append(valid_t[-1][1] / plain_t[-1][1])
        n_checks = sum(bool(r.metrics) for r in validated.history_.records)
        users = min(len(np.unique(valid.user_idx)), validated.params["valid_users"] or 10**9)
        pw, pc = (statistics.median(t[i] for t in plain_t) for i in (0, 1))
        vw, vc = (statistics.median(t[i] for t in valid_t) for i in (0, 1))
        lines.append(f"| {name} | {epochs} | {n_checks}× (every {validated.params['validate_every']}) | {users} | "
                     f"{pw:.2f} / {pc:.2f} | {vw:.2f} / {vc:.2f} | {spread(ratios_wall)} | **{spread(ratios_cpu)}** | "
                     f"{os.getloadavg()[0]:.1f} |")
        print(lines[-1], flush=True)
        if not args.default:
            continue
        default = registry.create(name, **base)
        t_default = timed(default, train)[0]
        no_valid = registry.create(name, **base, valid_frac=0.0)
        t_none = timed(no_valid, train)[0]
        h = default.history_
        for label, model, t, ep in (
                (f"default: early stop on a {default.params['valid_frac']:.0%} carve, then refit on all of train",
                 default, t_default, f"{len(h.records)} + refit {h.refit_epochs}"),
                ("no validation: default epochs on all of train", no_valid, t_none, str(no_valid.epochs_run_))):
            ndcg = evaluate(model, train, test, diversity=False).metrics["ndcg@10"]
            default_lines.append(f"| {name} | {label} | {t:.2f} | {ep} | {ndcg:.4f} |")
        print("\n".join(default_lines[-2:]), flush=True)
    header = (f"Last run {time.strftime('%Y-%m-%d')}: `nice python bench/bench_validation.py "
              f"{' '.join(argv if argv is not None else sys.argv[1:])}` ({threads} thread(s), load average "
              f"{os.getloadavg()[0]:.2f} at the end on {os.cpu_count()} cores; median of {args.repeats} "
              "alternating pairs, (min–max)).")
    text = "\n".join(lines) + ("\n\n" + "\n".join(default_lines) if args.default else "")
    print(text + "\n" + header)
    if not args.no_write:
        old = RESULTS.read_text()
        block = f"{START}\n{header}\n\n{text}\n{END}"
        RESULTS.write_text(re.sub(re.escape(START) + ".*?" + re.escape(END), lambda _: block, old, flags=re.S)
                           if START in old else old.rstrip() + "\n\n" + block + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
