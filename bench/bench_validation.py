"""What validation costs and what it buys, for the early-stopping models on ml-100k.

Split: bench/peers.py's per-user 80/20 (seed 0). Per model, side by side in one process:

- overhead: the same epochs with validation at every ``validate_every``-th epoch on the model's
  fixed user sample vs without validation (``patience`` 0, no refit): validated ÷ plain time;
- the default path a user gets (validation carved from train by the model, early stopping, refit on
  all of train) vs a plain fit of the model's default epochs on all of train: time and test NDCG@10.

    nice python bench/bench_validation.py [--models ials bpr] [--no-write]
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))
RESULTS = REPO / "bench" / "RESULTS.md"
START, END = "<!-- validation:start -->", "<!-- validation:end -->"
#: Per model: epochs for the overhead pair, and the settings of every run.
MODELS = {"ials": (15, {"device": "cpu"}), "bpr": (40, {"device": "cpu"})}


def timed(model, *args, **kwargs) -> float:
    t = time.perf_counter()
    model.fit(*args, **kwargs)
    return time.perf_counter() - t


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--models", nargs="*", default=list(MODELS), choices=list(MODELS))
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args(argv)
    from peers import load
    from engine.data.splits import carve_validation, without
    from engine.evaluate import evaluate
    from engine.models import registry
    from engine.machine.threads import apply
    threads = apply()
    train, test = load("ml-100k")
    lines = ["| model | run | fit s | epochs | test NDCG@10 |", "|---|---|---|---|---|"]
    for name in args.models:
        epochs, base = MODELS[name]
        registry.create(name, **base, epochs=1, valid_frac=0.0).fit(train)        # warm (compiled kernels)
        valid = carve_validation(train, registry.get(name).defaults["valid_frac"], 0)
        fit_part = without(train, valid)
        plain = registry.create(name, **base, epochs=epochs, valid_frac=0.0)
        validated = registry.create(name, **base, epochs=epochs, patience=0, refit=False)
        t_plain = timed(plain, fit_part)
        t_valid = timed(validated, fit_part, valid=valid)
        n_checks = sum(bool(r.metrics) for r in validated.history_.records)
        lines.append(f"| {name} | {epochs} epochs on train − valid, no validation | {t_plain:.2f} | {epochs} | — |")
        lines.append(f"| {name} | same, validated {n_checks}× on ≤ {validated.params['valid_users']} users "
                     f"(**{t_valid / t_plain:.2f}×**) | {t_valid:.2f} | {epochs} | — |")
        default = registry.create(name, **base)
        t_default = timed(default, train)
        no_valid = registry.create(name, **base, valid_frac=0.0)
        t_none = timed(no_valid, train)
        h = default.history_
        for label, model, t, ep in (
                (f"default: early stop on a {default.params['valid_frac']:.0%} carve, then refit on all of train",
                 default, t_default, f"{len(h.records)} + refit {h.refit_epochs}"),
                ("no validation: default epochs on all of train", no_valid, t_none, str(no_valid.epochs_run_))):
            ndcg = evaluate(model, train, test, diversity=False).metrics["ndcg@10"]
            lines.append(f"| {name} | {label} | {t:.2f} | {ep} | {ndcg:.4f} |")
        print("\n".join(lines[-4:]), flush=True)
    header = (f"Last run {time.strftime('%Y-%m-%d')}: `nice python bench/bench_validation.py "
              f"{' '.join(argv if argv is not None else sys.argv[1:])}` ({threads} thread(s), load average "
              f"{os.getloadavg()[0]:.2f} on {os.cpu_count()} cores).")
    text = "\n".join(lines)
    print(text + "\n" + header)
    if not args.no_write:
        old = RESULTS.read_text()
        block = f"{START}\n{header}\n\n{text}\n{END}"
        RESULTS.write_text(re.sub(re.escape(START) + ".*?" + re.escape(END), lambda _: block, old, flags=re.S)
                           if START in old else old.rstrip() + "\n\n" + block + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
