"""CustomerFinder: finds customers for the Inspector and Explain panes (``engine.lists.inspector``)."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QObject

from desktop.state import AppState
from engine.lists import inspector as einspect
from engine.data.interactions import index_of, normalize_ids


def _py(value):
    """A numpy scalar id as a plain Python value."""
    return value.item() if isinstance(value, np.generic) else value


class CustomerFinder(QObject):
    """Looks customers of the open dataset up by id: suggestions while typing, the customer a typed
    id names, and the customer before / after one."""

    def __init__(self, state: AppState, parent: QObject | None = None):
        super().__init__(parent)
        self.state = state

    def _ids(self):
        ds = self.state.dataset
        return None if ds is None else ds.interactions.user_ids

    def suggest(self, text: str, limit: int = 50) -> list[str]:
        """Ids (as text) that start with ``text``, exact match first."""
        ids = self._ids()
        return [] if ids is None else [str(v) for v in einspect.search_users(ids, text, limit)]

    def resolve(self, text: str) -> tuple[object | None, str]:
        """(the customer whose id is ``text``, "") or (None, why not in one line)."""
        ids = self._ids()
        if ids is None:
            return None, ""
        text = str(text).strip()
        found = einspect.search_users(ids, text, 1)
        if not found or str(found[0]).lower() != text.lower():
            n = len(einspect.search_users(ids, text, 1000)) if text else 0
            return None, f"No customer with id '{text}'" + (f"; {n} ids start with it." if n else ".")
        return found[0], ""

    def step(self, user, delta: int):
        """The customer ``delta`` places after ``user`` in id order (wrapping); the first one when
        ``user`` is None; None without data."""
        ids = self._ids()
        if ids is None or not len(ids):
            return None
        pos = index_of(normalize_ids([user]), ids)[0] if user is not None else -1
        return _py(ids[(pos + delta) % len(ids)])
