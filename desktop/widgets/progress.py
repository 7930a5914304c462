"""ProgressStrip: the progress bar, message and Cancel button of one long action."""

from __future__ import annotations

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget


class ProgressStrip(QWidget):
    """A progress bar, its message and a Cancel button for one long action (hidden when idle).
    ``compact`` (the status bar): a short bar whose message is its tooltip."""

    cancel_requested = Signal()

    def __init__(self, parent: QWidget | None = None, *, compact: bool = False):
        super().__init__(parent)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.bar = QProgressBar()
        self.bar.setRange(0, 1000)
        self.bar.setTextVisible(False)
        self.bar.setMinimumWidth(120)
        self.label = QLabel("")
        self.label.setObjectName("muted")
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self.cancel_requested)
        lay.addWidget(self.bar, 1)
        lay.addWidget(self.label, 2)
        lay.addWidget(self.cancel_button)
        if compact:
            self.bar.setFixedWidth(160)
            self.label.hide()
        self.hide()

    def start(self, text: str) -> None:
        self.bar.setRange(0, 1000)
        self.bar.setValue(0)
        self.label.setText(text)
        self.show()

    @Slot(object)
    def show_progress(self, p) -> None:
        if p.fraction is None:
            self.bar.setRange(0, 0)
        else:
            self.bar.setRange(0, 1000)
            self.bar.setValue(int(p.fraction * 1000))
        if p.message:
            self.label.setText(p.message)
            self.bar.setToolTip(p.message)
