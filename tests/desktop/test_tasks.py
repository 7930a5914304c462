"""desktop.tasks: outcomes, cancel, progress throttling, metrics never dropped."""

import threading
import time

import pytest

from engine.errors import DataFormatError
from engine.progress import check, emit
from desktop.tasks import PROGRESS_INTERVAL, TaskRunner


@pytest.fixture
def runner(qtbot):
    r = TaskRunner()
    yield r
    r.cancel_all()
    r.wait(5000)


def _add(a, b, *, progress=None, cancel=None):
    emit(progress, 1.0, "added")
    return a + b


def test_done_delivers_result_and_last_progress(qtbot, runner):
    task = runner.submit(_add, 2, b=3, name="add")
    seen = []
    task.progress.connect(seen.append)
    with qtbot.waitSignal(task.done, timeout=5000) as blocker:
        pass
    assert blocker.args == [5]
    assert seen and seen[-1].fraction == 1.0 and seen[-1].message == "added"
    assert not task.running
    qtbot.waitUntil(lambda: not runner.active, timeout=2000)


def test_engine_error_becomes_its_message(qtbot, runner):
    def bad(*, progress=None, cancel=None):
        raise DataFormatError("cannot read this", path="x.csv", row=3)

    task = runner.submit(bad)
    with qtbot.waitSignal(task.failed, timeout=5000) as blocker:
        pass
    assert blocker.args == ["x.csv, row 3: cannot read this"]


def test_unexpected_error_is_logged_and_short(qtbot, runner, caplog):
    def broken(*, progress=None, cancel=None):
        return {}["missing"]

    task = runner.submit(broken, name="Broken step")
    with qtbot.waitSignal(task.failed, timeout=5000) as blocker:
        pass
    message = blocker.args[0]
    assert message.startswith("Broken step failed unexpectedly: KeyError")
    assert "\n" not in message
    assert any(r.exc_info and r.exc_info[0] is KeyError for r in caplog.records)


def test_cancel_stops_a_looping_engine_call(qtbot, runner):
    started = threading.Event()
    loops = []

    def forever(*, progress=None, cancel=None):
        started.set()
        while True:
            check(cancel)
            loops.append(1)
            emit(progress, None, "working")
            time.sleep(0.001)

    task = runner.submit(forever)
    done, failed = [], []
    task.done.connect(done.append)
    task.failed.connect(failed.append)
    assert started.wait(5)
    with qtbot.waitSignals([task.cancelled, task.finished], timeout=5000, order="strict"):
        task.cancel()
    assert loops and not done and not failed
    assert runner.wait(5000)


def test_progress_is_throttled_but_metrics_are_not(qtbot, runner):
    n_reports, n_metrics = 20000, 200

    def chatty(*, progress=None, cancel=None):
        for i in range(n_reports):
            if i % (n_reports // n_metrics) == 0:
                emit(progress, i / n_reports, "step", step=float(i))
            else:
                emit(progress, i / n_reports, "tick")
        emit(progress, 1.0, "end")
        return "ok"

    task = runner.submit(chatty)
    progress, metrics, ticks = [], [], []
    task.progress.connect(progress.append)
    task.metrics.connect(metrics.extend)
    task._timer.timeout.connect(lambda: ticks.append(1))     # the throttle's clock, counted, not timed
    with qtbot.waitSignal(task.done, timeout=20000):
        pass
    # at most one progress signal per timer tick (every PROGRESS_INTERVAL s), however many reports
    assert task._timer.interval() == int(PROGRESS_INTERVAL * 1000)
    assert 0 < len(progress) <= len(ticks) and len(progress) < n_reports
    assert progress[-1].message == "end"
    fractions = [p.fraction for p in progress]
    assert fractions == sorted(fractions)
    assert [p.metrics["step"] for p in metrics] == [float(i) for i in range(0, n_reports, n_reports // n_metrics)]


def test_running_engine_calls_are_counted(qtbot, runner):
    """active_tasks() (desktop.gui_gc asks it) counts calls while they run in a worker."""
    from desktop import tasks
    go = threading.Event()
    before = tasks.active_tasks()
    task = runner.submit(lambda progress=None, cancel=None: go.wait(10), name="wait")
    qtbot.waitUntil(lambda: tasks.active_tasks() == before + 1, timeout=5000)
    with qtbot.waitSignal(task.finished, timeout=5000):
        go.set()
    assert tasks.active_tasks() == before
    qtbot.waitUntil(lambda: not runner.active, timeout=2000)


def _wait_for(event: threading.Event, value, *, progress=None, cancel=None):
    """Worker body: report, then block until ``event`` is set (or cancelled); returns ``value``."""
    emit(progress, 0.5, f"working on {value}")
    while not event.wait(0.01):
        check(cancel)
    return value


def test_slot_newest_request_wins(qtbot, runner):
    from desktop.tasks import TaskSlot
    slot = TaskSlot(runner)
    running, done, cancelled, messages = [], [], [], []
    slot.running_changed.connect(running.append)
    slot.done.connect(lambda result, tag: done.append((result, tag)))
    slot.cancelled.connect(cancelled.append)
    first, second = threading.Event(), threading.Event()
    old = slot.start(_wait_for, first, "old", name="old", tag="a")
    assert slot.busy and running == [True]
    new = slot.start(_wait_for, second, "new", name="new", tag="b", on_done=lambda r: messages.append(r))
    assert running == [True]                           # still busy: no idle in between
    qtbot.waitUntil(lambda: not old.running, timeout=5000)
    assert old.token.cancelled and done == [] and cancelled == []    # the superseded call is dropped
    second.set()
    qtbot.waitUntil(lambda: bool(done), timeout=5000)
    assert done == [("new", "b")] and messages == ["new"] and running == [True, False] and not slot.busy
    assert new.elapsed is not None


def test_slot_reports_failures_refusals_and_cancel(qtbot, runner):
    from desktop.tasks import TaskSlot
    slot = TaskSlot(runner, announce=True)
    failed, cancelled, status = [], [], []
    slot.failed.connect(lambda text, tag: failed.append((text, tag)))
    slot.cancelled.connect(cancelled.append)
    slot.message.connect(status.append)
    slot.fail("Open a data file first.", "x")
    assert failed == [("Open a data file first.", "x")] and not slot.busy

    def bad(*, progress=None, cancel=None):
        raise DataFormatError("cannot read this", path="x.csv", row=3)
    slot.start(bad, name="Reading x.csv", tag=1)
    qtbot.waitUntil(lambda: len(failed) == 2, timeout=5000)
    assert failed[1] == ("x.csv, row 3: cannot read this", 1)
    assert status == ["Reading x.csv…", "Failed: x.csv, row 3: cannot read this"]
    slot.start(_wait_for, threading.Event(), 0, name="Waiting", tag=2)
    slot.cancel()
    qtbot.waitUntil(lambda: cancelled == [2], timeout=5000)
    assert status[-1] == "Cancelled." and not slot.busy
