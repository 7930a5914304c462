"""Run an engine call off the GUI thread, with progress, cancel and typed outcomes.

The one pattern every pane uses::

    task = runner.submit(engine.data.read_table, path, name="Read file")
    task.progress.connect(bar.show_progress)      # Progress, at most 20 per second
    task.done.connect(on_table)                   # the call's return value
    task.failed.connect(error_label.setText)      # one-line message
    task.cancelled.connect(...)
    cancel_button.clicked.connect(task.cancel)

Controllers run their work through ``TaskSlot``s: one engine call at a time per slot, the newest
request wins (the one before is cancelled and its outcome dropped), with one set of signals.

The callable is invoked as ``fn(*args, progress=<callback>, cancel=<CancelToken>, **kwargs)`` in a
``QThreadPool`` thread. Connecting right after ``submit`` is safe: every signal is delivered
through the GUI event loop, never directly from the worker.

Progress is coalesced on the GUI side: the worker only stores the latest report; a 50 ms timer
in the GUI thread delivers it (latest wins), so the GUI never sees more than 20 ``progress``
signals a second. The same timer collects the outcome, so the worker never touches a Qt object.
Reports that carry ``metrics`` (live training curves) are never lost: they are queued and
delivered in order, in batches, through ``metrics(list[Progress])`` on the same timer tick.
"""

from __future__ import annotations

import itertools
import logging
import threading
import time
from typing import Any, Callable

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, QTimer, Signal, Slot

from engine.errors import Cancelled, EngineError
from engine.progress import CancelToken, Progress
from desktop.translate import translate

log = logging.getLogger("recscope.tasks")

#: Minimum time between two ``progress`` signals of one task (seconds).
PROGRESS_INTERVAL = 0.05

_ids = itertools.count(1)

#: Callables and arguments of finished jobs, released on the GUI thread: a bound method of a pane or
#: controller may hold the last reference to Qt objects, and destroying those in a worker thread
#: deadlocks Qt (seen when a test's window closed while a cancelled task was still running).
_parked: list[tuple] = []
_parked_lock = threading.Lock()
#: Engine calls running in worker threads right now (``desktop.gui_gc`` asks), under its lock.
_active = 0
_active_lock = threading.Lock()


def active_tasks() -> int:
    """Number of engine calls running in worker threads of any TaskRunner."""
    return _active


def _count_active(delta: int) -> None:
    global _active
    with _active_lock:
        _active += delta


def _release_parked() -> None:
    """Drop the parked references; call only on the GUI thread."""
    with _parked_lock:
        items = _parked[:]
        _parked.clear()
    del items


class _Job:
    """The worker's side of a task: plain Python, so no Qt object is ever touched off the GUI thread.

    The worker stores the latest Progress, queued metric reports and finally its outcome under a
    lock; the Task's GUI-thread timer collects them.
    """

    def __init__(self, fn: Callable[..., Any], args: tuple, kwargs: dict, name: str):
        self.fn, self.args, self.kwargs, self.name = fn, args, kwargs, name
        self.token = CancelToken()
        self.lock = threading.Lock()
        self.latest: Progress | None = None
        self.metric_queue: list[Progress] = []
        self.outcome: tuple[str, Any] | None = None  # ("done"|"failed"|"cancelled", payload)

    def report(self, p: Progress) -> None:
        with self.lock:
            self.latest = p
            if p.metrics:
                self.metric_queue.append(p)

    def take_progress(self) -> tuple[Progress | None, list[Progress]]:
        with self.lock:
            latest, queued = self.latest, self.metric_queue
            self.latest, self.metric_queue = None, []
        return latest, queued

    def run(self) -> None:
        _count_active(+1)
        try:
            result = self.fn(*self.args, progress=self.report, cancel=self.token, **self.kwargs)
        except Cancelled:
            outcome = ("cancelled", None)
        except EngineError as e:
            outcome = ("failed", str(e))
        except Exception as e:  # noqa: BLE001 - every other failure becomes a short message
            log.exception("task %r failed", self.name)
            outcome = ("failed", translate("_Job", "{name} failed unexpectedly: {name2}: {e} (details in the log file)").format(name=self.name, name2=type(e).__name__, e=e))
        else:
            outcome = ("cancelled", None) if self.token.cancelled else ("done", result)
        finally:
            _count_active(-1)
        with _parked_lock:
            _parked.append((self.fn, self.args, self.kwargs))
        self.fn = self.args = self.kwargs = None
        with self.lock:
            self.outcome = outcome


class _Runnable(QRunnable):
    def __init__(self, job: _Job):
        super().__init__()
        self._job = job

    def run(self) -> None:
        self._job.run()


class Task(QObject):
    """One engine call running in a worker thread. Created by ``TaskRunner.submit``."""

    progress = Signal(object)   # Progress, throttled (latest wins)
    metrics = Signal(list)      # [Progress] with non-empty metrics, in order, none dropped
    done = Signal(object)       # the call's return value
    failed = Signal(str)        # one-line message
    cancelled = Signal()
    finished = Signal()         # after done / failed / cancelled, exactly once

    def __init__(self, fn: Callable[..., Any], args: tuple, kwargs: dict, name: str,
                 parent: QObject | None = None):
        super().__init__(parent)
        self.name = name or getattr(fn, "__name__", "task")
        self.id = next(_ids)
        self._job = _Job(fn, args, kwargs, self.name)
        self._running = True
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)  # never early: <= 20 signals/s
        self._timer.setInterval(int(PROGRESS_INTERVAL * 1000))
        self._timer.timeout.connect(self._poll)
        self.started_at = time.monotonic()
        self.elapsed: float | None = None

    @property
    def running(self) -> bool:
        return self._running

    @property
    def token(self) -> CancelToken:
        return self._job.token

    @Slot()
    def cancel(self) -> None:
        """Ask the engine call to stop at its next ``check(cancel)``."""
        self._job.token.cancel()

    def _start(self, pool: QThreadPool) -> None:
        self._timer.start()
        pool.start(_Runnable(self._job))

    @Slot()
    def _poll(self) -> None:
        _release_parked()
        with self._job.lock:
            outcome = self._job.outcome
        latest, queued = self._job.take_progress()
        if queued:
            self.metrics.emit(queued)
        if latest is not None:
            self.progress.emit(latest)
        if outcome is None:
            return
        self._timer.stop()
        self._running = False
        self.elapsed = time.monotonic() - self.started_at
        kind, payload = outcome
        if kind == "done":
            self.done.emit(payload)
        elif kind == "failed":
            self.failed.emit(payload)
        else:
            self.cancelled.emit()
        self.finished.emit()


class TaskRunner(QObject):
    """Starts tasks and keeps a reference to each until it has finished."""

    active_changed = Signal(int)  # number of running tasks

    def __init__(self, parent: QObject | None = None, max_threads: int = 2):
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(max_threads)
        self._tasks: dict[int, Task] = {}

    def submit(self, fn: Callable[..., Any], *args, name: str = "", **kwargs) -> Task:
        """Start ``fn(*args, progress=, cancel=, **kwargs)`` in a worker; return its Task."""
        task = Task(fn, args, kwargs, name, parent=self)
        self._tasks[task.id] = task
        task.finished.connect(lambda t=task: self._forget(t))
        task._start(self._pool)
        self.active_changed.emit(len(self._tasks))
        return task

    @property
    def active(self) -> list[Task]:
        return list(self._tasks.values())

    def cancel_all(self) -> None:
        for task in self.active:
            task.cancel()

    def wait(self, msecs: int = -1) -> bool:
        """Block until every worker thread is idle (used at shutdown and in tests)."""
        return self._pool.waitForDone(msecs)

    def _forget(self, task: Task) -> None:
        self._tasks.pop(task.id, None)
        task.deleteLater()  # in the GUI thread; its Python attributes stay readable
        self.active_changed.emit(len(self._tasks))


class TaskSlot(QObject):
    """One engine call at a time, the newest wins: ``start`` cancels the running call, whose outcome
    is then dropped. Every controller runs its work through slots like this one.

    Signals, for the current call only: ``running_changed(bool)`` when the slot turns busy or idle;
    ``progress(Progress)``; ``done(result, tag)``, ``failed(message, tag)``, ``cancelled(tag)``, where
    ``tag`` is what ``start`` was given (e.g. the run and customer a result belongs to). A request
    that cannot start reports through ``fail``. With ``announce`` the slot also says on the status
    bar what it does (``message``: "Training BPR…", "Failed: …", "Cancelled.").
    """

    running_changed = Signal(bool)
    progress = Signal(object)
    done = Signal(object, object)
    failed = Signal(str, object)
    cancelled = Signal(object)
    message = Signal(str)

    def __init__(self, runner: TaskRunner, parent: QObject | None = None, *, announce: bool = False):
        super().__init__(parent)
        self.runner = runner
        self.announce = announce
        self.task: Task | None = None
        self.tag: Any = None

    @property
    def busy(self) -> bool:
        return self.task is not None

    def start(self, fn: Callable[..., Any], *args, name: str, tag: Any = None,
              on_done: Callable[[Any], None] | None = None, **kwargs) -> Task:
        """Run ``fn(*args, **kwargs)`` in a worker (cancelling the slot's running call); ``on_done(result)``
        runs before ``done`` is emitted."""
        old = self.task
        if old is not None:
            old.cancel()
        task = self.runner.submit(fn, *args, name=name, **kwargs)
        self.task, self.tag = task, tag
        if old is None:
            self.running_changed.emit(True)
        if self.announce:
            self.message.emit(task.name + "…")
        task.progress.connect(lambda p, t=task: t is self.task and self.progress.emit(p))
        task.done.connect(lambda result, t=task: self._end(t, self.done, result, on_done=on_done))
        task.failed.connect(lambda text, t=task: self._end(t, self.failed, text))
        task.cancelled.connect(lambda t=task: self._end(t, self.cancelled))
        return task

    @Slot()
    def cancel(self) -> None:
        """Ask the running call to stop (its ``cancelled`` follows)."""
        if self.task is not None:
            self.task.cancel()

    def fail(self, text: str, tag: Any = None) -> None:
        """Report a request that could not start (nothing to run: no data, no model, …)."""
        self.failed.emit(text, tag)

    def _end(self, task: Task, signal, *payload, on_done=None) -> None:
        if task is not self.task:
            return
        self.task, tag = None, self.tag
        self.running_changed.emit(False)
        if self.announce:
            if signal is self.failed:
                log.info("%s failed: %s", task.name, payload[0])
                self.message.emit(self.tr("Failed: ") + payload[0])
            elif signal is self.cancelled:
                self.message.emit(self.tr("Cancelled."))
        if on_done is not None:
            on_done(*payload)
        signal.emit(*payload, tag)
