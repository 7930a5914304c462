"""CustomerPicker: ◀ [customer id…] ▶ — type or step to a customer (Inspector, Explain)."""

from __future__ import annotations

from PySide6.QtCore import QStringListModel, QTimer, Signal, Slot
from PySide6.QtWidgets import QCompleter, QHBoxLayout, QLineEdit, QPushButton, QWidget

from desktop.controllers.finder import SEPARATOR, Finder


class CustomerPicker(QWidget):
    """A customer field with suggestions (by id, or by what they bought: type "regency" or a
    category) and previous / next buttons. Emits ``chosen(user)`` (external id) for a known
    customer, ``not_found(message)`` for an unknown one; it never changes the selection itself."""

    chosen = Signal(object)
    not_found = Signal(str)

    def __init__(self, finder: Finder, parent: QWidget | None = None):
        super().__init__(parent)
        self.finder = finder
        self.user = None
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.prev_button = QPushButton("◀")
        self.prev_button.setToolTip(self.tr("Previous customer"))
        self.prev_button.setFixedWidth(34)
        self.prev_button.clicked.connect(lambda: self.step(-1))
        self.edit = QLineEdit()
        self.edit.setPlaceholderText(self.tr("customer id or what they bought…"))
        self.edit.setToolTip(self.tr("Type a customer id, or a word from the catalog (a title, a category, any attribute): "
                                     "customers who bought matching items are suggested"))
        self.edit.setClearButtonEnabled(True)
        self.edit.setMinimumWidth(150)
        self.edit.setMaximumWidth(240)
        self._suggestions = QStringListModel(self)
        completer = QCompleter(self._suggestions, self)
        completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        completer.setMaxVisibleItems(12)
        completer.activated.connect(self.choose)
        self.completer = completer
        self.edit.setCompleter(completer)
        self._typed = QTimer(self)                 # ask once typing pauses
        self._typed.setSingleShot(True)
        self._typed.setInterval(150)
        self._typed.timeout.connect(lambda: self.finder.search(self.edit.text()))
        self.edit.textEdited.connect(lambda _t: self._typed.start())
        finder.found.connect(self._show_suggestions)
        self.edit.returnPressed.connect(lambda: self.choose(self.edit.text()))
        self.next_button = QPushButton("▶")
        self.next_button.setToolTip(self.tr("Next customer"))
        self.next_button.setFixedWidth(34)
        self.next_button.clicked.connect(lambda: self.step(1))
        for w in (self.prev_button, self.edit, self.next_button):
            lay.addWidget(w)

    def set_user(self, user) -> None:
        """Show ``user`` (the customer the pane shows; None clears the field)."""
        self.user = user
        self.edit.setText("" if user is None else str(user))

    @Slot(str, list)
    def _show_suggestions(self, text: str, found: list) -> None:
        if text != self.edit.text():
            return                                   # typed on since, or another picker asked
        self._suggestions.setStringList([str(u) if why == "id" else f"{u}{SEPARATOR}{why}" for u, why in found])
        if found and self.edit.hasFocus():
            self.completer.complete()

    def suggestions(self) -> list[str]:
        return self._suggestions.stringList()

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
