"""CustomerPicker: ◀ [customer id…] ▶ — type or step to a customer (Inspector, Explain)."""

from __future__ import annotations

from PySide6.QtCore import QStringListModel, Signal, Slot
from PySide6.QtWidgets import QCompleter, QHBoxLayout, QLineEdit, QPushButton, QWidget

from desktop.controllers.customer_finder import CustomerFinder


class CustomerPicker(QWidget):
    """A customer id field with suggestions and previous / next buttons. Emits ``chosen(user)``
    (external id) for a known customer, ``not_found(message)`` for an unknown one; it never
    changes the selection itself."""

    chosen = Signal(object)
    not_found = Signal(str)

    def __init__(self, finder: CustomerFinder, parent: QWidget | None = None):
        super().__init__(parent)
        self.finder = finder
        self.user = None
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.prev_button = QPushButton("◀")
        self.prev_button.setToolTip("Previous customer")
        self.prev_button.setFixedWidth(34)
        self.prev_button.clicked.connect(lambda: self.step(-1))
        self.edit = QLineEdit()
        self.edit.setPlaceholderText("customer id…")
        self.edit.setClearButtonEnabled(True)
        self.edit.setMinimumWidth(110)
        self.edit.setMaximumWidth(170)
        self._suggestions = QStringListModel(self)
        completer = QCompleter(self._suggestions, self)
        completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        completer.setMaxVisibleItems(12)
        completer.activated.connect(self.choose)
        self.edit.setCompleter(completer)
        self.edit.textEdited.connect(self._suggest)
        self.edit.returnPressed.connect(lambda: self.choose(self.edit.text()))
        self.next_button = QPushButton("▶")
        self.next_button.setToolTip("Next customer")
        self.next_button.setFixedWidth(34)
        self.next_button.clicked.connect(lambda: self.step(1))
        for w in (self.prev_button, self.edit, self.next_button):
            lay.addWidget(w)

    def set_user(self, user) -> None:
        """Show ``user`` (the customer the pane shows; None clears the field)."""
        self.user = user
        self.edit.setText("" if user is None else str(user))

    @Slot(str)
    def _suggest(self, text: str) -> None:
        self._suggestions.setStringList(self.finder.suggest(text, 50))

    @Slot(str)
    def choose(self, text: str) -> None:
        """Pick the customer whose id is ``text``."""
        user, why = self.finder.resolve(text)
        if user is not None:
            self.chosen.emit(user)
        elif why:
            self.not_found.emit(why)

    def step(self, delta: int) -> None:
        user = self.finder.step(self.user, delta)
        if user is not None:
            self.chosen.emit(user)
