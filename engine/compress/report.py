"""The trade-off report of a compression: parameters, bytes on disk, peak memory and latency while
scoring, accuracy, and the Pareto points of a sweep.

Measurements (each model in this process, the original and the compressed one side by side):

- parameters: ``model.parameter_count()`` where a compressed model defines it (stored weight
  values: non-zeros of sparse forms, factors of low-rank forms, plus quantisation scales), else
  the number of floating-point values in the model's saved arrays (index arrays, user histories
  and id maps are not parameters).
- size_bytes: bytes on disk of the saved model folder (config.json + weights.safetensors + ids.json),
  plus, for a model that runs a language model kept outside its folder (``runtime_bytes()``: the
  bundled MiniLM, or its compressed form), that language model's weights.
- embedding_bytes: bytes of the saved embedding tables (user/item factors, SASRec item and
  position tables, two-tower id tables), None for models without them.
- peak_memory ("rss", Linux): the saved folder is loaded into this process and 1,000 users are
  scored; peak = the resident-set high-water mark while scoring (reset through
  /proc/self/clear_refs after loading) minus the resident set before loading, with freed heap
  returned to the system (glibc ``malloc_trim``) before each reading. Elsewhere ("tracemalloc"):
  the traced peak of the same steps, which sees numpy but not torch-internal buffers.
- latency_ms_per_1k: ``recommend`` (score + seen mask + top-K) of the same 1,000 users (all users
  when fewer), median of ``repeats`` runs alternating between the models, per 1,000 users.
"""

from __future__ import annotations

import ctypes
import gc
import math
import re
import statistics
import threading
import time
import tracemalloc
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from engine.errors import EngineError
from engine.models.base import Recommender
from engine.progress import check

#: Users scored for latency and memory.
TIMED_USERS = 1000
#: Saved arrays that are embedding tables (keys without the "model." prefix).
EMBEDDING_KEYS = re.compile(r"^(user_factors|item_factors|user\.|item\.|emb\.|net\.(item|pos)\.weight$"
                            r"|module\.(user|item)\.(ids|fields\.\d+)\.weight$)")


@dataclass(frozen=True)
class CompressReport:
    """One compression measured against its original on the same data (see the module docstring).

    metrics_*: evaluation metrics on the test split ({} without one); relative_change: metric ->
    (after - before) / before (None where before is 0); seconds: wall time of the compression itself.
    """

    method: str
    model_before: str
    model_after: str
    params_before: int
    params_after: int
    size_bytes_before: int
    size_bytes_after: int
    embedding_bytes_before: int | None
    embedding_bytes_after: int | None
    peak_memory_before: int
    peak_memory_after: int
    memory_method: str
    latency_ms_per_1k_before: float
    latency_ms_per_1k_after: float
    users_timed: int
    metrics_before: dict = field(default_factory=dict)
    metrics_after: dict = field(default_factory=dict)
    relative_change: dict = field(default_factory=dict)
    capabilities_before: tuple = ()
    capabilities_after: tuple = ()
    seconds: float = 0.0

    @property
    def size_ratio(self) -> float:
        """How many times smaller on disk (before / after)."""
        return self.size_bytes_before / max(self.size_bytes_after, 1)

    @property
    def embedding_ratio(self) -> float | None:
        if not self.embedding_bytes_before or not self.embedding_bytes_after:
            return None
        return self.embedding_bytes_before / self.embedding_bytes_after

    @property
    def params_ratio(self) -> float:
        """Parameters after / before."""
        return self.params_after / max(self.params_before, 1)

    def to_dict(self) -> dict:
        d = asdict(self)
        d["capabilities_before"], d["capabilities_after"] = list(self.capabilities_before), list(self.capabilities_after)
        d.update(size_ratio=self.size_ratio, embedding_ratio=self.embedding_ratio, params_ratio=self.params_ratio)
        return d


@dataclass(frozen=True)
class Measurement:
    """Static facts of one model: parameters, bytes on disk, embedding bytes, peak memory, metrics."""

    params: int
    size_bytes: int
    embedding_bytes: int | None
    peak_memory: int
    memory_method: str
    metrics: dict
    evaluation: object = None


def count_parameters(model: Recommender) -> int:
    """Stored weight values of ``model`` (see the module docstring)."""
    return int(model.parameter_count())


def embedding_bytes(model: Recommender) -> int | None:
    """Bytes of the embedding tables among ``model``'s saved arrays; None when it has none."""
    sizes = [np.asarray(v).nbytes for k, v in model.learned_arrays().items() if EMBEDDING_KEYS.match(k)]
    return int(sum(sizes)) if sizes else None


def folder_bytes(directory: Path) -> int:
    return int(sum(p.stat().st_size for p in Path(directory).iterdir() if p.is_file()))


def timed_users(model: Recommender) -> np.ndarray:
    return np.arange(min(TIMED_USERS, model.n_users), dtype=np.int64)


# ---- memory -------------------------------------------------------------------------------------
def _status_kb(field_name: str) -> int | None:
    try:
        text = Path("/proc/self/status").read_text()
    except OSError:
        return None
    m = re.search(rf"^{field_name}:\s+(\d+)\s+kB", text, re.M)
    return int(m.group(1)) if m else None


def _reset_peak() -> bool:
    """Reset the resident-set high-water mark (Linux); False where that is not possible."""
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")
        return True
    except OSError:
        return False


def _trim() -> None:
    """Collect garbage and hand freed heap back to the system (glibc), so the next growth is seen.

    gc.collect() runs only on the main thread: in a worker it may finalise GUI objects of the
    calling app off their thread, which can deadlock Qt."""
    if threading.current_thread() is threading.main_thread():
        gc.collect()
    try:
        ctypes.CDLL(None).malloc_trim(0)
    except (AttributeError, OSError):
        pass


def scoring_memory(directory: Path, users: np.ndarray, k: int) -> tuple[int, str]:
    """(peak bytes to load the model saved in ``directory`` and recommend for ``users``, method)."""
    if _status_kb("VmHWM") is not None and _reset_peak():
        _trim()
        base = _status_kb("VmRSS")
        model = Recommender.load(directory)
        _trim()
        _reset_peak()
        model.recommend(users, k=k)
        peak = _status_kb("VmHWM") - base
        del model
        _trim()
        return max(peak, 0) * 1024, "rss"
    tracemalloc.start()
    try:
        model = Recommender.load(directory)
        gc.collect()
        tracemalloc.reset_peak()
        model.recommend(users, k=k)
        peak = tracemalloc.get_traced_memory()[1]
        del model
    finally:
        tracemalloc.stop()
    return int(peak), "tracemalloc"


# ---- latency ------------------------------------------------------------------------------------
def scoring_latency(models: list[Recommender], users: np.ndarray, k: int, repeats: int = 5,
                    cancel=None) -> list[float]:
    """Median milliseconds per 1,000 users of ``recommend(users, k)`` for each model, the models
    alternating within every repeat (after one warm-up call each)."""
    for m in models:
        m.recommend(users[:64], k=k)
    times: list[list[float]] = [[] for _ in models]
    for _ in range(max(1, repeats)):
        for i, m in enumerate(models):
            check(cancel)
            t0 = time.perf_counter()
            m.recommend(users, k=k)
            times[i].append(time.perf_counter() - t0)
    return [statistics.median(t) * 1000.0 * 1000.0 / max(len(users), 1) for t in times]


# ---- accuracy -----------------------------------------------------------------------------------
def relative_change(before: dict, after: dict) -> dict:
    """metric -> (after - before) / before for the metrics both have (None where before is 0 or NaN)."""
    out = {}
    for key in sorted(set(before) & set(after)):
        b, a = before[key], after[key]
        ok = isinstance(b, (int, float)) and isinstance(a, (int, float)) and b != 0 and math.isfinite(b) and math.isfinite(a)
        out[key] = (a - b) / b if ok else None
    return out


# ---- Pareto -------------------------------------------------------------------------------------
def pareto_points(reports: list[CompressReport], metric: str = "ndcg@10") -> list[dict]:
    """Points of a size-vs-accuracy chart: the original model first, then one per report, each
    {"method", "size_bytes", "params", "value", "pareto"}; ``pareto`` is True for the points no
    other point beats (smaller or equal size AND higher or equal ``metric``, one of them strictly)."""
    if not reports:
        return []
    first = reports[0]
    if metric not in first.metrics_before:
        raise EngineError(f"the sweep has no {metric}; evaluate it on a test split with that cut-off")
    points = [{"method": "original", "size_bytes": first.size_bytes_before, "params": first.params_before,
               "value": float(first.metrics_before[metric])}]
    points += [{"method": r.method, "size_bytes": r.size_bytes_after, "params": r.params_after,
                "value": float(r.metrics_after[metric])} for r in reports]
    for p in points:
        p["pareto"] = not any(q is not p and q["size_bytes"] <= p["size_bytes"] and q["value"] >= p["value"]
                              and (q["size_bytes"] < p["size_bytes"] or q["value"] > p["value"]) for q in points)
    return points
