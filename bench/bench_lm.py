"""Language-model recommender (``lm``): cold start and warm accuracy on Online Retail, MovieLens-100k
beside SASRec and the two-tower model, fine-tuning time and peak memory on CPU, its compressed
versions and the word-deletion test.

Parts (``--part``, several allowed; each prints a table and Markdown rows for bench/RESULTS.md):

- ``retail``: the protocol of ``bench/coldstart_retail.py`` (10 % of the products held out of
  training entirely, per-user random 80/20 of the rest, seed 0; test sets cold / few (warm events
  on items with 1..20 training sales) / warm). ``lm`` early-stops on a per-user 5 % of the training
  split (seed 1) and trains on the other 95 %; the frozen text model runs in the same process for
  reference. The fitted lm is saved to ``--save`` for the later parts.
- ``compress``: the saved retail model and its compressed versions (merge, int8, layers:3,
  layers:3+int8): language-model MB, ``recommend`` ms per 1,000 users and item-encoding ms per
  1,000 texts (median of 3), cold hit@10 and warm NDCG@10 and their change.
- ``explain``: word deletion on the saved retail model (``deletion_test(methods=["words"])``).
- ``demo``: fine-tuning time and peak memory of ``lm`` with its defaults on the bundled demo data
  (per-user random 90/10 train/valid, seed 0).
- ``ml100k``: per-user random 70/10/20 (seed 0) with titles + genres as item text; SASRec, two-tower
  (60 epochs) and lm, early stopping on the 10 %, test NDCG@10.

Peak memory = the process's resident-set high-water mark during the part (reset before it, Linux).

    nice python bench/bench_lm.py --part retail --part compress --part explain --threads 2
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from coldstart_retail import DATA, LOW_COUNT, SEED, retail_splits  # noqa: E402

from engine.data import open_dataset  # noqa: E402
from engine.data.splits import split  # noqa: E402
from engine.evaluate import evaluate  # noqa: E402
from engine.models import registry  # noqa: E402
from engine.models.base import Recommender  # noqa: E402

LM_RETAIL: dict = {}          # the registry defaults


def load() -> str:
    return "load %.1f" % os.getloadavg()[0]


def reset_peak() -> None:
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pass


def peak_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def timed_fit(name: str, params: dict, train, catalog, valid=None):
    reset_peak()
    t = time.perf_counter()
    model = registry.create(name, **params)
    model.fit(train, catalog=catalog, valid=valid)
    return model, time.perf_counter() - t, peak_mb()


def retail_tests():
    train, catalog, tests, n_held = retail_splits()
    return train, catalog, tests


def run_retail(args, rows: list[str]) -> None:
    train, catalog, tests = retail_tests()
    inner = split(train, "random", test_frac=0.05, seed=1, extra_items=catalog.item_ids)
    print(f"retail: {train.n_users} users, {train.n_items} candidates; lm trains on {inner.train.n_events} "
          f"events, validates on {inner.test.n_events}; {load()}", flush=True)
    print(f"{'model':<10}{'cold hit@10':>12}{'few hit@10':>11}{'warm ndcg@10':>13}{'fit s':>8}{'peak MB':>9}  epochs")
    runs = [("text", {"half_life_days": 90.0}, train, None), ("lm", dict(LM_RETAIL), inner.train, inner.test)]
    for name, params, fit_on, valid in runs:
        model, fit_s, peak = timed_fit(name, params, fit_on, catalog, valid)
        r = {k: evaluate(model, fit_on, t, ks=(10,)).metrics for k, t in tests.items()}
        epochs = getattr(model, "epochs_run_", "") or ""
        print(f"{name:<10}{r['cold']['hit@10']:>12.4f}{r['few']['hit@10']:>11.4f}{r['warm']['ndcg@10']:>13.4f}"
              f"{fit_s:>8.0f}{peak:>9.0f}  {epochs} ({load()})", flush=True)
        rows.append(f"| bench_lm retail | {name} {params} | cold hit@10 {r['cold']['hit@10']:.4f} (recall "
                    f"{r['cold']['recall@10']:.4f}); 1..{LOW_COUNT} sales hit@10 {r['few']['hit@10']:.4f}; warm "
                    f"NDCG@10 {r['warm']['ndcg@10']:.4f} | fit {fit_s:.0f} s, peak {peak:.0f} MB, {epochs} epochs, "
                    f"{load()} |")
        if name == "lm" and args.save:
            model.save(args.save)
            print(f"saved to {args.save}")


def _latency(fn, repeats: int = 3) -> float:
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return float(np.median(times))


def run_compress(args, rows: list[str]) -> None:
    from engine.compress.language import LMCompressed, method_spec
    train, catalog, tests = retail_tests()
    inner = split(train, "random", test_frac=0.05, seed=1, extra_items=catalog.item_ids)
    teacher = Recommender.load(args.save)
    users = np.arange(min(1000, teacher.n_users))
    texts = teacher.texts_[:1000]
    print(f"{'method':<16}{'LM MB':>8}{'smaller':>8}{'ms/1k users':>12}{'ms/1k texts':>12}{'cold hit@10':>12}"
          f"{'warm ndcg@10':>13}  ({load()})")
    base = None
    for method in ["original"] + LMCompressed.default_sweep(teacher):
        t = time.perf_counter()
        model = teacher if method == "original" else LMCompressed.from_teacher(
            teacher, method_spec(method, teacher.params["tune_layers"]))
        build_s = time.perf_counter() - t
        ms_users = 1000 * _latency(lambda: model.recommend(users, k=10)) * 1000 / len(users)
        encode = (lambda: _encode_original(teacher, texts)) if method == "original" else (lambda: model.encode_texts(texts))
        ms_texts = 1000 * _latency(encode) * 1000 / len(texts)
        mb = model.runtime_bytes() / 1e6
        r = {k: evaluate(model, inner.train, tests[k], ks=(10,)).metrics for k in ("cold", "warm")}
        cold, warm = r["cold"]["hit@10"], r["warm"]["ndcg@10"]
        if base is None:
            base = (mb, cold, warm)
        change = "" if method == "original" else (f"{100 * (cold / base[1] - 1):+.1f} % / "
                                                  f"{100 * (warm / base[2] - 1):+.1f} %")
        print(f"{method:<16}{mb:>8.1f}{base[0] / mb:>7.2f}x{ms_users:>12.0f}{ms_texts:>12.0f}{cold:>12.4f}"
              f"{warm:>13.4f}  {change} (built in {build_s:.0f} s, {load()})", flush=True)
        rows.append(f"| bench_lm compress | {method} | LM {mb:.1f} MB ({base[0] / mb:.2f}x smaller); "
                    f"{ms_users:.0f} ms / 1k users; {ms_texts:.0f} ms / 1k texts encoded; cold hit@10 {cold:.4f}, "
                    f"warm NDCG@10 {warm:.4f} {change} | built {build_s:.0f} s, {load()} |")


def _encode_original(model, texts) -> None:
    """The fine-tuned model's own path: frozen layers + adapted top layers (no caching) for ``texts``."""
    import torch
    from engine.models.lm import tower as lm_tower
    module = model.language_module()
    tokenizer, bert = lm_tower.load_base()
    ids, mask = lm_tower.tokenize(tokenizer, list(texts), model.params["max_tokens"])
    with torch.no_grad():
        states = lm_tower.frozen_states(bert, ids, mask, model.n_frozen)
        module.tower(states, torch.from_numpy(mask))


def run_explain(args, rows: list[str]) -> None:
    from engine.explain.faithfulness import deletion_test
    train, catalog, tests = retail_tests()
    model = Recommender.load(args.save)
    reset_peak()
    t = time.perf_counter()
    res = deletion_test(model, tests["warm"], methods=["words"], users=args.users, k=10, steps=5, seed=0)
    s = time.perf_counter() - t
    a = res.word_aopc
    print(f"word deletion: {res.word_pairs} pairs, AOPC words {a['words']:.4f} vs random {a['random']:.4f} "
          f"({s:.0f} s, {load()}); curves {np.round(res.word_curves['words'], 3)} / "
          f"{np.round(res.word_curves['random'], 3)}; {res.note}")
    rows.append(f"| bench_lm explain | words (IG per word) on Online Retail, {args.users} warm-test users x top 10, "
                f"5 deletions | AOPC {a['words']:.4f} vs random {a['random']:.4f} ({res.word_pairs} pairs) | "
                f"{s:.0f} s, {load()} |")


def run_demo(args, rows: list[str]) -> None:
    ds = open_dataset(REPO / "resources" / "demo" / "online_retail_demo.csv")
    parts = split(ds.interactions, "random", test_frac=0.1, seed=SEED, extra_items=ds.catalog.item_ids)
    model, fit_s, peak = timed_fit("lm", {}, parts.train, ds.catalog, parts.test)
    print(f"demo: {parts.train.n_events} events, lm defaults: fit {fit_s:.0f} s, peak {peak:.0f} MB, "
          f"{model.epochs_run_} epochs, best valid NDCG@10 {model.history_.best_metrics.get('ndcg@10', float('nan')):.4f} "
          f"({load()})")
    rows.append(f"| bench_lm demo | lm defaults, demo data 90/10 | fit {fit_s:.0f} s, peak {peak:.0f} MB, "
                f"{model.epochs_run_} epochs | {load()} |")


def run_ml100k(args, rows: list[str]) -> None:
    ds = open_dataset(DATA / "ml-100k" / "u.data")
    parts = split(ds.interactions, "random", test_frac=0.2, valid_frac=0.1, seed=SEED)
    configs = [("sasrec", {}), ("twotower", {"epochs": 60}), ("lm", {})]
    for name, params in configs:
        model, fit_s, peak = timed_fit(name, params, parts.train, ds.catalog, parts.valid)
        m = evaluate(model, parts.train, parts.test, ks=(10,)).metrics
        print(f"ml-100k {name:<10} NDCG@10 {m['ndcg@10']:.4f} recall@10 {m['recall@10']:.4f} fit {fit_s:.0f} s "
              f"{model.epochs_run_} epochs ({load()})", flush=True)
        rows.append(f"| bench_lm ml100k | {name} {params} | NDCG@10 {m['ndcg@10']:.4f}, recall@10 "
                    f"{m['recall@10']:.4f} | fit {fit_s:.0f} s, {model.epochs_run_} epochs, peak {peak:.0f} MB, "
                    f"{load()} |")


PARTS = {"retail": run_retail, "compress": run_compress, "explain": run_explain, "demo": run_demo,
         "ml100k": run_ml100k}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--part", action="append", choices=sorted(PARTS), required=True)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--save", default="/tmp/recscope-bench-lm-retail", help="folder of the fitted retail lm")
    ap.add_argument("--users", type=int, default=30, help="users of the word-deletion test")
    args = ap.parse_args()
    import torch
    torch.set_num_threads(args.threads)
    rows: list[str] = []
    for part in args.part:
        PARTS[part](args, rows)
    print("\n".join(rows))


if __name__ == "__main__":
    main()
