"""Progress reporting and cooperative cancellation (plain Python, no Qt).

Every engine call that can take longer than ~100 ms accepts ``progress`` (a callable taking a
``Progress``) and ``cancel`` (a ``CancelToken``). It calls ``check(cancel)`` between batches and
reports through ``emit(progress, ...)``; both accept ``None``.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Callable, Mapping

from engine.errors import Cancelled


@dataclass(frozen=True)
class Progress:
    """One progress report.

    fraction: 0..1 of the whole call, or None when unknown.
    message: short human text ("epoch 3/20", "reading rows").
    stage: machine-readable step name ("read", "fit", "evaluate").
    metrics: numbers worth plotting live (e.g. {"epoch": 3, "loss": 0.41, "ndcg@10": 0.12}).
    """

    fraction: float | None = None
    message: str = ""
    stage: str = ""
    metrics: Mapping[str, float] = field(default_factory=dict)


ProgressCallback = Callable[[Progress], None]


class CancelToken:
    """Thread-safe cancellation flag shared between a caller and a running engine call."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def raise_if_cancelled(self) -> None:
        if self._event.is_set():
            raise Cancelled()


def check(cancel: CancelToken | None) -> None:
    """Raise ``Cancelled`` if ``cancel`` is set; no-op for ``None``."""
    if cancel is not None:
        cancel.raise_if_cancelled()


def emit(progress: ProgressCallback | None, fraction: float | None = None, message: str = "",
         stage: str = "", **metrics: float) -> None:
    """Send a ``Progress`` to ``progress`` if given."""
    if progress is not None:
        frac = None if fraction is None else min(1.0, max(0.0, float(fraction)))
        progress(Progress(frac, message, stage, dict(metrics)))


def scaled(progress: ProgressCallback | None, start: float, stop: float) -> ProgressCallback | None:
    """Map a sub-task's 0..1 fractions into ``[start, stop]`` of the parent's progress."""
    if progress is None:
        return None

    def inner(p: Progress) -> None:
        frac = None if p.fraction is None else start + (stop - start) * p.fraction
        progress(Progress(frac, p.message, p.stage, p.metrics))

    return inner
