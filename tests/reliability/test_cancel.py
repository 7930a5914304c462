"""Cancel everywhere: every long engine call stops within 1 s of work after its token is set.

Each call runs in a thread on work large enough to take several seconds; the test waits for
a progress report that shows it is inside real work (a condition, never a sleep), cancels, and
measures until the thread returns. The bound is a correctness property of cancel, not a speed
figure: a call that checks its token between chunks returns within one chunk. It is measured in
CPU seconds of the worker thread (tests run one OpenMP/torch thread), so a machine shared by many
jobs, which stretches wall time 3-5x, does not make it flaky; wall time is printed, not asserted
(a call that ignores its token is caught by the 120 s join). Calls must end in ``Cancelled``;
torch fits instead stop early and keep their best (or current) weights, as engine/train/loop.py
promises. A call that finished before the cancel arrived fails the test ("work too small"), so
the cases keep measuring cancellation.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from engine.data import build_dataset, infer_mapping, open_dataset, read_table
from engine.data.catalog import ItemCatalog
from engine.data.interactions import Interactions
from engine.data.profile import profile
from engine.data.splits import split
from engine.errors import Cancelled
from engine.progress import CancelToken

#: CPU seconds the worker may spend between ``cancel()`` and returning.
CANCEL_BOUND_S = 1.0
_CPU_CLOCK = hasattr(time, "pthread_getcpuclockid")


class Stop:
    """How a cancelled call ended: seconds of worker CPU and of wall time after the cancel."""

    def __init__(self, cpu: float, wall: float, outcome: str, value=None):
        self.cpu, self.wall, self.outcome, self.value = cpu, wall, outcome, value

    @property
    def prompt(self) -> bool:
        return self.cpu <= CANCEL_BOUND_S

    def __repr__(self) -> str:
        return f"{self.outcome} {self.cpu:.2f} s CPU / {self.wall:.2f} s wall after cancel"


def run_and_cancel(call, *, wait_for=lambda p: True, timeout: float = 300.0) -> Stop:
    """Start ``call(progress=, cancel=)`` in a thread, cancel after its first report matching
    ``wait_for`` and measure until it returns."""
    token, started, box = CancelToken(), threading.Event(), {}

    def progress(p) -> None:
        if wait_for(p):
            started.set()

    def target() -> None:
        try:
            box["value"] = call(progress=progress, cancel=token)
            box["outcome"] = "returned"
        except Cancelled:
            box["outcome"] = "cancelled"
        except BaseException as e:  # noqa: BLE001 - re-raised below
            box["outcome"], box["value"] = "error", e
        box["cpu_end"] = time.thread_time()

    thread = threading.Thread(target=target, name="cancel-test", daemon=True)
    thread.start()
    clock = time.pthread_getcpuclockid(thread.ident) if _CPU_CLOCK else None
    if not started.wait(timeout):
        pytest.fail(f"no progress report within {timeout} s (outcome {box.get('outcome')})")
    assert thread.is_alive(), f"work too small: the call ended ({box.get('outcome')}) before it could be cancelled"
    cpu0 = time.clock_gettime(clock) if clock is not None else None
    t0 = time.monotonic()
    token.cancel()
    thread.join(120)
    wall = time.monotonic() - t0
    assert not thread.is_alive(), "the call ignored its cancel token for 120 s"
    if box["outcome"] == "error":
        raise box["value"]
    cpu = box["cpu_end"] - cpu0 if cpu0 is not None else wall
    return Stop(cpu, wall, box["outcome"], box.get("value"))


def assert_cancelled(stop: Stop, what: str) -> None:
    print(f"{what}: {stop}")  # the figures, with pytest -s
    assert stop.outcome == "cancelled", f"{what}: {stop}"
    assert stop.prompt, f"{what}: {stop}"


# ---- data ---------------------------------------------------------------------------------------
def synthetic(n_users: int, n_items: int, n_events: int, seed: int = 0) -> Interactions:
    """Power-law users and items, timestamps over a year."""
    rng = np.random.default_rng(seed)
    pu = 1.0 / (np.arange(n_users) + 20.0) ** 0.8
    pi = 1.0 / (np.arange(n_items) + 10.0) ** 1.0
    users = rng.choice(n_users, n_events, p=pu / pu.sum())
    items = rng.choice(n_items, n_events, p=pi / pi.sum())
    ts = 1_600_000_000 + rng.integers(0, 365 * 86400, n_events)
    return Interactions.from_arrays(users, items, None, ts)


@pytest.fixture(scope="module")
def big_csv(tmp_path_factory) -> Path:
    """1.5 million rows of user,item,timestamp,quantity (~35 MB)."""
    rng = np.random.default_rng(1)
    n = 1_500_000
    path = tmp_path_factory.mktemp("cancel") / "events.csv"
    pd.DataFrame({"user_id": rng.integers(1, 200_000, n), "item_id": rng.integers(1, 30_000, n),
                  "timestamp": 1_500_000_000 + rng.integers(0, 10**8, n),
                  "quantity": rng.integers(1, 5, n)}).to_csv(path, index=False)
    return path


@pytest.fixture(scope="module")
def big_inter() -> Interactions:
    return synthetic(300_000, 50_000, 4_000_000, seed=2)


@pytest.fixture(scope="module")
def parts():
    """A split of 25k users x 3k items, 500k events, with validation."""
    return split(synthetic(25_000, 3_000, 500_000), method="random", test_frac=0.2, valid_frac=0.1, seed=0)


@pytest.fixture(scope="module")
def catalog(parts) -> ItemCatalog:
    ids = parts.train.item_ids
    rng = np.random.default_rng(3)
    words = np.array(["wooden", "glass", "vintage", "red", "blue", "heart", "candle", "mug", "bag", "lamp",
                      "garden", "paper", "metal", "sign", "box", "set", "of", "six", "jumbo", "retro"])
    titles = [" ".join(rng.choice(words, 4)) + f" no {i}" for i in range(len(ids))]
    cats = rng.choice(["kitchen", "garden", "gifts", "party"], len(ids))
    frame = pd.DataFrame({"title": titles, "category": cats}, index=pd.Index(ids, name="item"))
    return ItemCatalog(frame, {"title": "title", "category": "category"})


# ---- data layer ---------------------------------------------------------------------------------
def test_read_table(big_csv):
    assert_cancelled(run_and_cancel(lambda **kw: read_table(big_csv, **kw)), "read_table")


def test_read_table_while_typing_columns(big_csv):
    stop = run_and_cancel(lambda **kw: read_table(big_csv, **kw), wait_for=lambda p: "column types" in p.message)
    assert_cancelled(stop, "read_table (column types)")


def test_build_dataset(big_csv):
    table = read_table(big_csv)
    mapping = infer_mapping(table.frame)
    assert_cancelled(run_and_cancel(lambda **kw: build_dataset(table, mapping, **kw),
                                     wait_for=lambda p: p.stage == "build"), "build_dataset")


def test_open_dataset(big_csv):
    stop = run_and_cancel(lambda **kw: open_dataset(big_csv, **kw), wait_for=lambda p: (p.fraction or 0) > 0)
    assert_cancelled(stop, "open_dataset")                       # cancelled while rows are parsed


def test_split(big_inter):
    assert_cancelled(run_and_cancel(lambda **kw: split(big_inter, method="random", **kw)), "split")


def test_profile(big_inter):
    assert_cancelled(run_and_cancel(lambda **kw: profile(big_inter, **kw)), "profile")


# ---- model fits ---------------------------------------------------------------------------------
def fit(name: str, parts, catalog=None, valid=False, **params):
    from engine.models import registry
    model = registry.create(name, device="cpu", **params) if "device" in registry.get(name).defaults \
        else registry.create(name, **params)
    return lambda **kw: model.fit(parts.train, catalog=catalog, valid=parts.valid if valid else None, **kw)


def test_fit_itemknn(big_inter):
    from engine.models.itemknn import ItemKNN
    call = lambda **kw: ItemKNN(k=100).fit(big_inter, **kw)
    assert_cancelled(run_and_cancel(call, wait_for=lambda p: (p.fraction or 0) > 0), "itemknn.fit")


def test_fit_ease(parts):
    assert_cancelled(run_and_cancel(fit("ease", parts)), "ease.fit")


def test_fit_pop_with_a_cancelled_token(big_inter):
    """Popularity is one bincount (no progress to wait for): a token set beforehand stops it."""
    from engine.models import registry
    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        registry.create("pop").fit(big_inter, cancel=token)


#: Validate every epoch on every validation user, so that a re-evaluation can match the best epoch.
EVERY = {"validate_every": 1, "valid_users": 0}


def reevaluate(model, parts) -> float:
    """NDCG@10 on the validation part as the fit saw it: validation items are training items, so the
    fitted model excludes them; ranked against the training part without them, they count again."""
    from engine.data.splits import without
    from engine.evaluate import evaluate
    fitted = without(parts.train, parts.valid)
    model._adopt(fitted)
    return evaluate(model, fitted, parts.valid, ks=(10,), diversity=False).metrics["ndcg@10"]


@pytest.mark.parametrize("name, params", [
    ("bpr", {"epochs": 50, "factors": 32, **EVERY}),
    ("ials", {"epochs": 30, "factors": 64, **EVERY}),
    ("sasrec", {"epochs": 20, "hidden": 32, "max_len": 30, "blocks": 1, **EVERY}),
    ("twotower", {"epochs": 20, "factors": 32, "text": False, "negatives": 512, **EVERY}),
])
def test_torch_fit_stops_and_keeps_the_best_state(parts, catalog, name, params):
    """Cancel after the first validated epoch: fit returns (no raise) within the bound, history
    says "cancelled", and the restored weights are the best epoch's (its metric re-evaluates)."""
    call = fit(name, parts, catalog=catalog if name == "twotower" else None, valid=True, **params)
    stop = run_and_cancel(call, wait_for=lambda p: "ndcg@10" in p.metrics)
    print(f"{name}.fit: {stop}")
    assert stop.outcome == "returned" and stop.prompt, f"{name}.fit: {stop}"
    model = stop.value
    h = model.history_
    assert h.stopped == "cancelled" and h.best_epoch is not None and len(h.records) < params["epochs"]
    assert reevaluate(model, parts) == pytest.approx(h.best_metrics["ndcg@10"], rel=1e-5, abs=1e-7)


def test_torch_fit_cancelled_mid_first_epoch_keeps_usable_weights(parts):
    """Nothing validated yet: the current weights stay, and the model scores."""
    stop = run_and_cancel(fit("bpr", parts, epochs=5, factors=16, batch_size=256),
                          wait_for=lambda p: p.metrics.get("batch", 0) > 0)
    print(f"bpr.fit (first epoch): {stop}")
    assert stop.outcome == "returned" and stop.prompt, stop
    model = stop.value
    assert model.history_.stopped == "cancelled" and model.epochs_run_ == 0
    assert np.isfinite(model.score(np.arange(10))).all()


@pytest.mark.parametrize("name", ["bpr", "ials"])
def test_cancel_during_validation_stops_the_fit(parts, monkeypatch, name):
    """A validation pass over many users takes seconds: a cancel landing in it stops the fit there
    (no raise), and the best earlier epoch's weights are kept."""
    from engine.evaluate.validator import Validator
    from engine.models import registry
    token, calls, real = CancelToken(), [], Validator.__call__

    def validate(self, model, cancel=None):
        calls.append(cancel)
        if len(calls) == 2:          # the second epoch's validation: cancel arrives while it runs
            token.cancel()
        return real(self, model, cancel)

    monkeypatch.setattr(Validator, "__call__", validate)
    model = registry.create(name, epochs=10, factors=16, device="cpu", **EVERY).fit(parts.train, valid=parts.valid,
                                                                                     cancel=token)
    assert calls[1] is token and len(calls) == 2
    assert model.history_.stopped == "cancelled" and model.history_.best_epoch == 1
    assert [r.epoch for r in model.history_.records] == [1]
    monkeypatch.setattr(Validator, "__call__", real)
    assert reevaluate(model, parts) == pytest.approx(model.history_.best_metrics["ndcg@10"], rel=1e-5, abs=1e-7)


def test_fit_text(parts, catalog):
    assert_cancelled(run_and_cancel(fit("text", parts, catalog=catalog)), "text.fit")


def test_fit_hybrid(parts, catalog):
    stop = run_and_cancel(fit("hybrid", parts, catalog=catalog, cf_epochs=20), wait_for=lambda p: p.stage == "train")
    assert_cancelled(stop, "hybrid.fit")                          # cancelled while its CF model trains


# ---- evaluation, tuning, re-ranking, simulation -----------------------------------------------
@pytest.fixture(scope="module")
def fitted(parts):
    from engine.models.itemknn import ItemKNN
    return ItemKNN(k=50).fit(parts.train)


def test_evaluate(parts, fitted):
    from engine.evaluate import evaluate
    assert_cancelled(run_and_cancel(lambda **kw: evaluate(fitted, parts.train, parts.test, ks=(10, 20), **kw),
                                     wait_for=lambda p: (p.fraction or 0) > 0), "evaluate")


def test_tune(parts):
    """Cancelled during the first trial: nothing finished, so Cancelled."""
    from engine.runs.tune import tune
    call = lambda **kw: tune("bpr", parts.train, parts.valid, n_trials=10, fixed={"device": "cpu", "epochs": 30},
                             **kw)
    assert_cancelled(run_and_cancel(call, wait_for=lambda p: "batch" in p.metrics), "tune")


def test_tune_cancelled_after_a_trial_returns_the_best_so_far(parts):
    from engine.runs.tune import tune
    call = lambda **kw: tune("itemknn", parts.train, parts.valid, n_trials=50, **kw)
    stop = run_and_cancel(call, wait_for=lambda p: p.stage == "tune")
    print(f"tune (after a trial): {stop}")
    assert stop.outcome == "returned" and stop.prompt, f"tune: {stop}"
    result = stop.value
    assert result.stopped == "cancelled" and len(result.trials) < 50
    assert result.best_value == max(t.value for t in result.trials if t.value is not None)


def test_rerank_evaluate(parts, fitted, catalog):
    from engine.rerank.evaluate import evaluate_rules
    rules = {"rules": [{"type": "long_tail", "weight": 0.5},
                       {"type": "max_per", "column": "category", "n": 3}]}
    call = lambda **kw: evaluate_rules(fitted, parts.train, parts.test, rules, catalog, ks=(10,), **kw)
    assert_cancelled(run_and_cancel(call, wait_for=lambda p: (p.fraction or 0) > 0.4), "evaluate_rules")


def test_simulate_replay():
    from engine.simulate import parse_policy, replay
    rng = np.random.default_rng(4)
    n, k = 3_000_000, 10
    arms = rng.integers(0, k, n)
    rewards = (rng.random(n) < 0.05 + 0.01 * arms).astype(np.float64)
    call = lambda **kw: replay(parse_policy("ucb:1.0"), arms, rewards, k, propensity=np.full(n, 1 / k), **kw)
    assert_cancelled(run_and_cancel(call), "simulate replay")
