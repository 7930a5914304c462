"""The GPU path proven: every torch model trained, compressed and explained on CUDA and on the CPU
on the same data; metrics must agree within seed-to-seed noise; prints the speed-up per model and
the peak GPU memory.

    python bench/gpu_check.py                  # CUDA + CPU on ml-1m (shared data) or a generated set
    python bench/gpu_check.py --small          # the CPU half on small generated data (seconds; CI runs it)

Per model (the registry's models that train with torch on a device: those whose parameters name a
``device``):

1. fit on the CPU with seed 0, and with CUDA there also on CUDA with seed 0 and on the CPU with
   seed 1 (the noise band: |NDCG@10(seed 0) - NDCG@10(seed 1)|, at least ``--min-noise``);
2. evaluate each by the protocol (``engine.runs.train_run``: full ranking, NDCG@10 on the test part);
3. compress the seed-0 model by every method kind that applies (``engine.compress.api.methods_for``,
   one spec each) and explain one recommendation by every method its capabilities allow
   (``engine.explain.api.methods_for``), on the device the model lives on;
4. check: CUDA's NDCG@10 is within 2 x the noise band of the CPU's; compression and explanation
   ran on both devices; explanation targets (the explained score) agree to 1e-2 relative.

Prints one row per model (fit seconds on each device and their ratio, NDCG@10 on each, the band,
peak GPU memory of fit + compress + explain) and exits 1 when a check fails. No GPU here: only the
CPU half runs and the CUDA columns say "no CUDA". Figures: bench/RESULTS.md, section "GPU path".
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

#: Settings per model: small (the CPU half in CI) and full (a real GPU check).
SMALL = {"bpr": {"factors": 8, "epochs": 2, "batch_size": 256},
         "ials": {"factors": 8, "epochs": 2},
         "twotower": {"factors": 8, "epochs": 2, "negatives": 32, "text": False},
         "sasrec": {"hidden": 16, "blocks": 1, "max_len": 10, "epochs": 2, "batch_size": 64}}
FULL = {"bpr": {"factors": 64, "epochs": 30, "batch_size": 4096},
        "ials": {"factors": 64, "epochs": 10},
        "twotower": {"factors": 64, "epochs": 20, "batch_size": 2048, "negatives": 512, "text": False},
        "sasrec": {"hidden": 64, "blocks": 2, "max_len": 50, "epochs": 20, "batch_size": 256}}


def torch_models() -> list[str]:
    """Registered models trained with torch on a chosen device (they take a ``device`` parameter);
    those that need a catalog are left out (the check's data has none)."""
    from engine.models import registry
    from engine.runs.param_space import trainable_models
    return [n for n in trainable_models()
            if "device" in registry.get(n).defaults and not registry.get(n).needs_catalog]


def data(small: bool, path: str | None, seed: int = 0):
    """(Dataset, Split): ``path``, else ml-1m from the shared data (full run), else generated."""
    from engine.data import open_dataset
    from engine.data.interactions import Interactions
    from engine.data.splits import split
    if path is None and not small:
        ml1m = REPO.parent / "shared" / "data" / "ml-1m" / "ratings.dat"
        path = str(ml1m) if ml1m.exists() else None
    if path is not None:
        inter = open_dataset(path).interactions
    else:
        n_users, n_items, n = (300, 120, 6000) if small else (20_000, 5_000, 1_000_000)
        rng = np.random.default_rng(seed)
        users = rng.integers(0, n_users, n)
        taste = rng.integers(0, 8, n_users)                                  # eight groups of shared taste
        items = (taste[users] * (n_items // 8) + np.minimum(rng.zipf(1.3, n), n_items // 8) - 1) % n_items
        inter = Interactions.from_arrays(users, items, timestamps=np.arange(n))
    return inter, split(inter, "random", test_frac=0.2, seed=seed, valid_frac=0.1)


def _sync(device: str) -> None:
    if device == "cuda":
        import torch
        torch.cuda.synchronize()


def one(name: str, params: dict, parts, device: str, seed: int, follow_up: bool) -> dict:
    """Fit (+ compress + explain) ``name`` on ``device``; seconds, NDCG@10, GPU peak, targets."""
    import torch
    from engine.compress.api import compress, methods_for as compress_methods
    from engine.explain.api import explain, methods_for as explain_methods
    from engine.runs import train_run
    if device == "cuda":
        torch.cuda.reset_peak_memory_stats()
    t0 = time.perf_counter()
    run = train_run(name, {**params, "device": device, "seed": seed}, parts)
    _sync(device)
    out = {"device": device, "seed": seed, "fit_s": time.perf_counter() - t0, "ndcg": run.metrics["ndcg@10"],
           "ran_on": str(getattr(run.model, "device_", device))}
    if follow_up:
        model = run.model
        done, t0 = [], time.perf_counter()
        for spec in _one_per_kind(compress_methods(model)):
            compress(model, spec, train=parts.train, test=parts.test, valid=parts.valid)
            done.append(spec)
        out["compress"], out["compress_s"] = done, time.perf_counter() - t0
        user = model.user_ids_[int(np.argmax(np.diff(model.seen_.indptr)))]          # a user with a history
        top, _ = model.recommend([int(np.argmax(np.diff(model.seen_.indptr)))], k=10)
        item = model.item_ids_[int(top[0][0])]
        targets, t0 = {}, time.perf_counter()
        for method in explain_methods(model):
            result = explain(model, user, item, method)
            targets[method] = float(result.target) if hasattr(result, "target") else None
        out["explain"], out["explain_s"] = targets, time.perf_counter() - t0
    if device == "cuda":
        out["peak_gpu_mib"] = torch.cuda.max_memory_allocated() / 2**20
    return out


def _one_per_kind(specs: list[str]) -> list[str]:
    """The first spec of each compression kind ("int8", "prune:0.5", ...)."""
    seen, out = set(), []
    for spec in specs:
        kind = spec.split(":")[0]
        if kind not in seen:
            seen.add(kind)
            out.append(spec)
    return out


def check(name: str, cpu: dict, other_seed: dict | None, cuda: dict | None,
          min_noise: float) -> tuple[dict, list[str]]:
    """(the model's row, what failed): CUDA against the CPU within the seed noise band."""
    noise = max(abs(cpu["ndcg"] - other_seed["ndcg"]), min_noise) if other_seed else min_noise
    row = {"model": name, "cpu_fit_s": cpu["fit_s"], "ndcg_cpu": cpu["ndcg"], "noise": noise,
           "compress": cpu.get("compress"), "explain": sorted(cpu.get("explain", {}))}
    problems = []
    if not cpu.get("explain"):
        problems.append(f"{name}: no explanation method ran on the CPU")
    if cuda is not None:
        row.update(cuda_fit_s=cuda["fit_s"], speedup=cpu["fit_s"] / max(cuda["fit_s"], 1e-9), ndcg_cuda=cuda["ndcg"],
                   peak_gpu_mib=cuda.get("peak_gpu_mib"), ran_on=cuda["ran_on"])
        if not cuda["ran_on"].startswith("cuda"):
            problems.append(f"{name}: asked for cuda, trained on {cuda['ran_on']}")
        if abs(cuda["ndcg"] - cpu["ndcg"]) > 2 * noise:
            problems.append(f"{name}: NDCG@10 {cuda['ndcg']:.4f} on cuda vs {cpu['ndcg']:.4f} on cpu, "
                            f"beyond 2 x the seed noise {noise:.4f}")
        if cuda.get("compress") != cpu.get("compress") or sorted(cuda.get("explain", {})) != row["explain"]:
            problems.append(f"{name}: compression/explanation steps differ between devices")
        for method, target in cpu.get("explain", {}).items():
            other = cuda.get("explain", {}).get(method)
            if target is not None and other is not None and abs(other - target) > 1e-2 * max(abs(target), 1e-3):
                problems.append(f"{name}: {method} explains a score of {other:.4g} on cuda, {target:.4g} on cpu")
    return row, problems


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--small", action="store_true", help="small generated data and settings (seconds)")
    ap.add_argument("--data", help="an interactions file instead of ml-1m / generated data")
    ap.add_argument("--models", nargs="*", help="default: every torch model")
    ap.add_argument("--min-noise", type=float, default=0.005, help="least NDCG@10 noise band")
    ap.add_argument("--cpu-only", action="store_true", help="skip CUDA even when it is there")
    ap.add_argument("--json", help="write the rows here")
    args = ap.parse_args(argv)
    import torch
    cuda = torch.cuda.is_available() and not args.cpu_only
    names = args.models or torch_models()
    settings = SMALL if args.small else FULL
    inter, parts = data(args.small, args.data)
    card = torch.cuda.get_device_name(0) if cuda else "no CUDA"
    print(f"data: {inter.n_users:,} users, {inter.n_items:,} items, {inter.n_events:,} events; "
          f"torch {torch.__version__}; GPU: {card}", flush=True)
    rows, problems = [], []
    for name in names:
        from engine.models import registry
        known = registry.get(name).defaults
        params = {k: v for k, v in {**settings.get(name, {}), "valid_frac": 0.0}.items() if k in known}
        cpu = one(name, params, parts, "cpu", 0, follow_up=True)
        other_seed = one(name, params, parts, "cpu", 1, follow_up=False) if cuda else None   # the noise band
        on_gpu = one(name, params, parts, "cuda", 0, follow_up=True) if cuda else None
        row, bad = check(name, cpu, other_seed, on_gpu, args.min_noise)
        rows.append(row)
        problems += bad
        gpu = (f"{row['cuda_fit_s']:8.2f} {row['speedup']:7.1f}x {row['ndcg_cuda']:10.4f} {row['peak_gpu_mib']:9.0f}"
               if on_gpu else f"{'no CUDA':>8} {'-':>8} {'-':>10} {'-':>9}")
        print(f"{name:<10} cpu {row['cpu_fit_s']:7.2f} s  cuda {gpu}   ndcg cpu {row['ndcg_cpu']:.4f} "
              f"(noise {row['noise']:.4f})  compress {','.join(row['compress'] or ['-'])}  "
              f"explain {','.join(row['explain'])}", flush=True)
    if args.json:
        Path(args.json).write_text(json.dumps({"gpu": card, "rows": rows, "problems": problems}, indent=1))
    for p in problems:
        print(f"FAILED: {p}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
