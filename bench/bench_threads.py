"""Thread policy on a busy machine: each model's fit time idle vs with a competing CPU load.

For every model and thread setting, a fresh subprocess fits the model on ml-100k (train part of
bench/peers.py's split, no validation) with RecScope's thread policy (``engine.machine.threads``)
forced to that setting through ``RECSCOPE_THREADS`` ("policy" = the default a user gets). Each fit
runs twice: alone ("idle": the machine's other work only) and while ``--load`` busy-loop processes
(bounded: each exits after ``--load-seconds`` at the latest and is ended by this script) spin on
the cores, as a browser or spreadsheet would. Reported: best wall seconds of ``--repeats`` fits
and the loaded ÷ idle ratio per setting, with ``uptime``'s load before and after.

    nice python bench/bench_threads.py [--models ease ials itemknn bpr sasrec] [--threads policy 1 2]
                                       [--load 2] [--repeats 2] [--no-write]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "bench" / "RESULTS.md"
START, END = "<!-- threads:start -->", "<!-- threads:end -->"
#: Settings per model: what a user trains (validation off so that the fit is the same work each time).
PARAMS = {"ease": {}, "itemknn": {}, "ials": {"valid_frac": 0.0},
          "bpr": {"valid_frac": 0.0, "epochs": 5},
          "sasrec": {"valid_frac": 0.0, "epochs": 2, "hidden": 32, "blocks": 1}}
BUSY = "import time, sys\nend = time.time() + float(sys.argv[1])\nwhile time.time() < end:\n    pass\n"


def child(model: str) -> None:
    """Subprocess body: one timed fit of ``model`` with the thread policy of this process."""
    sys.path.insert(0, str(REPO / "bench"))
    from peers import load
    from engine.models import registry
    from engine.machine.threads import apply
    n = apply()
    train, _ = load("ml-100k")
    m = registry.create(model, **{**PARAMS[model], **({"device": "cpu"} if "device" in
                                                       registry.get(model).defaults else {})})
    m.fit(train)                                   # warm: compiled kernels and lazy imports
    t = time.perf_counter()
    registry.create(model, **m.params).fit(train)
    import torch
    print(json.dumps({"seconds": time.perf_counter() - t, "threads": n, "torch": torch.get_num_threads()}))


def fit_seconds(model: str, threads: str) -> dict:
    env = dict(os.environ, PYTHONPATH=str(REPO))
    env.pop("RECSCOPE_THREADS", None)
    if threads != "policy":
        env["RECSCOPE_THREADS"] = threads
    res = subprocess.run([sys.executable, __file__, "--child", model], capture_output=True, text=True, env=env,
                         cwd=str(REPO), timeout=900)
    if res.returncode:
        raise RuntimeError(res.stderr[-500:])
    return json.loads(res.stdout.strip().splitlines()[-1])


def measure(model: str, threads: str, repeats: int) -> dict:
    runs = [fit_seconds(model, threads) for _ in range(repeats)]
    return {"seconds": min(r["seconds"] for r in runs), "threads": runs[0]["threads"]}


def main(argv=None) -> int:
    if argv is None and len(sys.argv) == 3 and sys.argv[1] == "--child":
        child(sys.argv[2])
        return 0
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--models", nargs="*", default=list(PARAMS), choices=list(PARAMS))
    ap.add_argument("--threads", nargs="*", default=["policy", "1", str(os.cpu_count() or 1)])
    ap.add_argument("--load", type=int, default=os.cpu_count() or 1, help="busy-loop processes")
    ap.add_argument("--load-seconds", type=float, default=900.0)
    ap.add_argument("--repeats", type=int, default=2)
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args(argv)
    before = os.getloadavg()[0]
    rows = []
    for model in args.models:
        for threads in dict.fromkeys(args.threads):
            idle = measure(model, threads, args.repeats)
            busy = [subprocess.Popen([sys.executable, "-c", BUSY, str(args.load_seconds)]) for _ in range(args.load)]
            try:
                time.sleep(0.5)
                loaded = measure(model, threads, args.repeats)
            finally:
                for p in busy:
                    p.kill()
                    p.wait()
            row = {"model": model, "setting": threads, "threads": idle["threads"], "idle": idle["seconds"],
                   "loaded": loaded["seconds"]}
            rows.append(row)
            print(row, flush=True)
    after = os.getloadavg()[0]
    lines = ["| model | setting | threads | idle s | loaded s | loaded ÷ idle |", "|---|---|---|---|---|---|"]
    lines += [f"| {r['model']} | {r['setting']} | {r['threads']} | {r['idle']:.2f} | {r['loaded']:.2f} | "
              f"{r['loaded'] / r['idle']:.2f} |" for r in rows]
    header = (f"Last run {time.strftime('%Y-%m-%d')}: `nice python bench/bench_threads.py "
              f"{' '.join(argv if argv is not None else sys.argv[1:])}` on {os.cpu_count()} cores, {args.load} "
              f"busy-loop process(es) for 'loaded'; load average {before:.2f} before, {after:.2f} after (other "
              "jobs share the machine: 'idle' is not idle).")
    text = "\n".join(lines)
    print(text + "\n" + header)
    if not args.no_write:
        old = RESULTS.read_text()
        block = f"{START}\n{header}\n\n{text}\n{END}"
        new = (re.sub(re.escape(START) + ".*?" + re.escape(END), lambda _: block, old, flags=re.S) if START in old
               else old.rstrip() + "\n\n" + block + "\n")
        RESULTS.write_text(new)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
