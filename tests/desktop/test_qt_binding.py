"""The pinned Qt binding keeps Python's reference counts right.

PySide6 6.12.0 on Python 3.11 returned ``None`` from every void method without a reference:
each ``label.setText()`` or ``app.processEvents()`` took one reference from ``None`` and the app
aborted ("deallocating None") after a few thousand calls. The pin in pyproject.toml avoids it.
"""

import sys

from PySide6.QtWidgets import QLabel


def test_void_calls_do_not_drain_none(qapp):
    label = QLabel()
    before = sys.getrefcount(None)
    for _ in range(2000):
        label.setText("x")
        qapp.processEvents()
    after = sys.getrefcount(None)
    assert abs(after - before) < 200, f"None lost {before - after} references in 4,000 Qt calls"
