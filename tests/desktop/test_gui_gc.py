"""desktop.gui_gc: collection on the GUI thread, the full one only when no task runs."""

import gc
import weakref

import pytest

from desktop import tasks
from desktop.gui_gc import GuiThreadGC


@pytest.fixture
def collector(qapp, monkeypatch):
    was_enabled = gc.isenabled()
    old = gc.get_threshold()
    gc.set_threshold(10, 1, 1)             # small thresholds: a few allocations cross them all
    c = GuiThreadGC(interval_ms=60_000)
    yield c
    c.timer.stop()
    KEPT.clear()
    gc.unfreeze()
    gc.set_threshold(*old)
    (gc.enable if was_enabled else gc.disable)()


KEPT: list = []


def churn() -> None:
    """Enough live container allocations to cross every (small) threshold (the count falls again
    when objects are freed, so they are kept)."""
    KEPT.append([[i] for i in range(50)])


def test_full_collection_waits_for_running_tasks(collector, monkeypatch):
    assert not gc.isenabled()
    monkeypatch.setattr(tasks, "_active", 1)
    assert collector.check() == 2 and collector.frozen        # the first tick settles start-up
    assert gc.get_freeze_count() > 0
    gens = []
    for _ in range(12):
        churn()
        gens.append(collector.check())
    assert 2 not in gens and 1 in gens
    monkeypatch.setattr(tasks, "_active", 0)
    for _ in range(12):
        churn()
        if collector.check() == 2:
            break
    else:
        pytest.fail("no full collection once the task finished")


def test_a_cycle_is_collected_on_the_timer(collector):
    class Node:
        pass
    a, b = Node(), Node()
    a.other, b.other = b, a
    ref = weakref.ref(a)
    del a, b
    for _ in range(4):
        churn()
        collector.check()
    assert ref() is None

