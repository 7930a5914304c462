"""Find (Ctrl+F from any pane): one box that finds customers (by id or by what they bought) and items
(by id or title); choosing a customer opens them in the Inspector, an item in the Explain pane."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import (QDialog, QLabel, QLineEdit, QListWidget, QListWidgetItem, QVBoxLayout,
                               QWidget)

from desktop.controllers.finder import Finder

CUSTOMER, ITEM = "customer", "item"


class FindDialog(QDialog):
    """Emits ``customer_chosen(user)`` or ``item_chosen(item)`` and closes."""

    customer_chosen = Signal(object)
    item_chosen = Signal(object)

    def __init__(self, finder: Finder, parent: QWidget | None = None):
        super().__init__(parent)
        self.finder = finder
        self.setWindowTitle(self.tr("Find a customer or an item"))
        self.resize(560, 420)
        lay = QVBoxLayout(self)
        self.edit = QLineEdit()
        self.edit.setPlaceholderText(self.tr("customer id, item id, a title, a category, any catalog word…"))
        self.edit.setClearButtonEnabled(True)
        self.hint = QLabel(self.tr("Customers are also found by what they bought. Enter or double-click opens "
                                   "the first or the chosen one: a customer in the Inspector, an item in Explain."))
        self.hint.setObjectName("muted")
        self.hint.setWordWrap(True)
        self.results = QListWidget()
        lay.addWidget(self.edit)
        lay.addWidget(self.hint)
        lay.addWidget(self.results, 1)
        self._customers: list = []
        self._items: list = []
        self._typed = QTimer(self)
        self._typed.setSingleShot(True)
        self._typed.setInterval(150)
        self._typed.timeout.connect(self.search)
        self.edit.textEdited.connect(lambda _t: self._typed.start())
        self.edit.returnPressed.connect(self.choose_first)
        self.results.itemActivated.connect(self._activated)
        finder.found.connect(self._customers_found)
        finder.items_found.connect(self._items_found)

    def open_empty(self) -> None:
        """Show the dialog with an empty box, ready to type."""
        self.edit.clear()
        self._customers, self._items = [], []
        self._fill()
        self.show()
        self.raise_()
        self.edit.setFocus()

    @Slot()
    def search(self) -> None:
        text = self.edit.text().strip()
        if text:
            self.finder.search(text, 30)
            self.finder.search_items(text, 30)

    def _customers_found(self, text: str, found: list) -> None:
        if text == self.edit.text().strip():
            self._customers = found
            self._fill()

    def _items_found(self, text: str, found: list) -> None:
        if text == self.edit.text().strip():
            self._items = found
            self._fill()

    def _fill(self) -> None:
        self.results.clear()
        for user, why in self._customers:
            entry = QListWidgetItem(self.tr("Customer {0}").format(user) + ("" if why == "id" else f" — {why}"))
            entry.setData(Qt.ItemDataRole.UserRole, (CUSTOMER, user))
            self.results.addItem(entry)
        for item, title in self._items:
            entry = QListWidgetItem(self.tr("Item {0} — {1}").format(item, title))
            entry.setData(Qt.ItemDataRole.UserRole, (ITEM, item))
            self.results.addItem(entry)

    @Slot()
    def choose_first(self) -> None:
        if self.results.count():
            self._activated(self.results.currentItem() or self.results.item(0))

    def _activated(self, entry: QListWidgetItem) -> None:
        kind, value = entry.data(Qt.ItemDataRole.UserRole)
        self.hide()
        (self.customer_chosen if kind == CUSTOMER else self.item_chosen).emit(value)
