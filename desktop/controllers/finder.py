"""Finder: finds customers (for the Inspector and Explain panes and Ctrl+F) by id, or by anything in
the catalog (title, category, any attribute) of the items they bought; and items by id or title
(``engine.lists.inspector``)."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QObject, Signal

from desktop.state import AppState
from desktop.tasks import TaskRunner, TaskSlot
from engine.lists import inspector as einspect
from engine.data.interactions import index_of, normalize_ids


def _py(value):
    """A numpy scalar id as a plain Python value."""
    return value.item() if isinstance(value, np.generic) else value


def find(interactions, catalog, text: str, limit: int, *, progress=None, cancel=None):
    """Worker body: ``engine.lists.inspector.find_customers`` (frame of user, why)."""
    return einspect.find_customers(interactions, catalog, text, limit)


def find_items(catalog, item_ids, text: str, limit: int, *, progress=None, cancel=None):
    """Worker body: ``engine.lists.inspector.search_items`` (frame of item, title, …)."""
    return einspect.search_items(catalog, item_ids, text, limit)


#: Separates a suggestion's id from why it is suggested ("13853 — 12 of their items match …").
SEPARATOR = " — "


class Finder(QObject):
    """Looks customers of the open dataset up: suggestions while typing (``found``: by id, then by
    catalog fields of what they bought; in a worker, the newest text wins), the customer a typed id
    names, and the customer before / after one."""

    found = Signal(str, list)       # the text searched, [(user, why)]
    items_found = Signal(str, list)  # the text searched, [(item, title)]

    def __init__(self, state: AppState, runner: TaskRunner, parent: QObject | None = None):
        super().__init__(parent)
        self.state = state
        self.slot = TaskSlot(runner, self)
        self.slot.done.connect(self._found)
        self.items = TaskSlot(runner, self)
        self.items.done.connect(lambda frame, text: self.items_found.emit(
            text, list(zip(frame["item"].tolist(), frame["title"].astype(str).str.strip().tolist()))))

    def search_items(self, text: str, limit: int = 50) -> None:
        """Find items whose id starts with ``text`` or whose title holds it (``items_found`` follows)."""
        ds = self.state.dataset
        if ds is None or not str(text).strip():
            return
        self.items.start(find_items, ds.catalog, ds.interactions.item_ids, str(text), int(limit),
                         name=self.tr("Find items"), tag=str(text))

    def search(self, text: str, limit: int = 50) -> None:
        """Find customers for ``text`` (``found`` follows)."""
        ds = self.state.dataset
        if ds is None:
            return
        self.slot.start(find, ds.interactions, ds.catalog, str(text), int(limit),
                        name=self.tr("Find customers"), tag=str(text))

    def _found(self, frame, text: str) -> None:
        self.found.emit(text, list(zip(frame["user"].tolist(), frame["why"].tolist())))

    def _ids(self):
        ds = self.state.dataset
        return None if ds is None else ds.interactions.user_ids

    def resolve(self, text: str) -> tuple[object | None, str]:
        """(the customer whose id is ``text``, "") or (None, why not in one line)."""
        ids = self._ids()
        if ids is None:
            return None, ""
        text = str(text).split(SEPARATOR)[0].strip()
        found = einspect.search_users(ids, text, 1)
        if not found or str(found[0]).lower() != text.lower():
            n = len(einspect.search_users(ids, text, 1000)) if text else 0
            return None, (self.tr("No customer with id '{text}'").format(text=text) + (self.tr("; {n} ids start with it.").format(n=n) if n else "") +
                          self.tr(" Pick one of the suggestions: customers are also found by what they bought (title, "
                                  "category or any catalog field)."))
        return found[0], ""

    def resolve_item(self, text: str):
        """The item whose id is ``text`` (typed as the data's ids), None when there is none."""
        ds = self.state.dataset
        if ds is None or not str(text).strip():
            return None
        found = einspect.search_items(ds.catalog, ds.interactions.item_ids, str(text), 20)
        exact = [i for i in found["item"].tolist() if str(i) == str(text).strip()]
        return exact[0] if exact else None

    def step(self, user, delta: int):
        """The customer ``delta`` places after ``user`` in id order (wrapping); the first one when
        ``user`` is None; None without data."""
        ids = self._ids()
        if ids is None or not len(ids):
            return None
        pos = index_of(normalize_ids([user]), ids)[0] if user is not None else -1
        return _py(ids[(pos + delta) % len(ids)])
