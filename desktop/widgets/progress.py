"""ProgressStrip: the progress bar, message, elapsed time, estimate and Cancel button of one long action."""

from __future__ import annotations

import time

from PySide6.QtCore import QTimer, Signal, Slot
from PySide6.QtWidgets import QGridLayout, QLabel, QProgressBar, QPushButton, QWidget
from desktop.translate import translate

#: No estimate before this share of the work is done, or this many seconds have passed.
ESTIMATE_AFTER = (0.02, 3.0)


def duration_text(seconds: float) -> str:
    """42.3 -> "42 s", 190 -> "3 min 10 s", 3900 -> "1 h 5 min"."""
    s = int(round(max(seconds, 0.0)))
    if s < 60:
        return f"{s} s"
    if s < 3600:
        return translate("Progress", "{v0} min {v1} s").format(v0=s // 60, v1=s % 60) if s % 60 else translate("Progress", "{v0} min").format(v0=s // 60)
    return translate("Progress", "{v0} h {v1} min").format(v0=s // 3600, v1=s % 3600 // 60)


def estimate_left(elapsed: float, fraction: float | None) -> float | None:
    """Seconds left if the rest goes as fast as the part done (None when too early to say)."""
    if fraction is None or not ESTIMATE_AFTER[0] <= fraction < 1.0 or elapsed < ESTIMATE_AFTER[1]:
        return None
    return elapsed * (1.0 - fraction) / fraction


class ProgressStrip(QWidget):
    """A progress bar, its message with the elapsed time and an estimate of the time left, and a
    Cancel button for one long action (hidden when idle; the clock restarts each time it shows).
    ``compact`` (the status bar): a short bar whose message is its tooltip; ``cancellable=False``
    hides the button (the pane has its own); ``bound``: the estimate is an upper bound ("at most")."""

    cancel_requested = Signal()

    def __init__(self, parent: QWidget | None = None, *, compact: bool = False, cancellable: bool = True):
        super().__init__(parent)
        lay = QGridLayout(self)                  # bar and Cancel, the words under them (narrow panels too)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setVerticalSpacing(2)
        self.bar = QProgressBar()
        self.bar.setRange(0, 1000)
        self.bar.setTextVisible(False)
        self.bar.setMinimumWidth(120)
        self.label = QLabel("")
        self.label.setObjectName("muted")
        self.label.setWordWrap(True)
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.clicked.connect(self.cancel_requested)
        self.cancel_button.setVisible(cancellable)
        lay.addWidget(self.bar, 0, 0)
        lay.addWidget(self.cancel_button, 0, 1)
        lay.addWidget(self.label, 1, 0, 1, 2)
        lay.setColumnStretch(0, 1)
        if compact:
            self.bar.setFixedWidth(160)
            self.label.hide()
        self.bound = False
        self._text = ""
        self._fraction: float | None = None
        self._started = time.monotonic()
        self._clock = QTimer(self)
        self._clock.setInterval(1000)
        self._clock.timeout.connect(self._render)
        self.hide()

    def setVisible(self, visible: bool) -> None:
        if visible and self.isHidden():          # a new action: restart the clock
            self._started, self._fraction = time.monotonic(), None
            self._clock.start()
        elif not visible:
            self._clock.stop()
        super().setVisible(visible)

    def start(self, text: str) -> None:
        self.hide()
        self.bar.setRange(0, 1000)
        self.bar.setValue(0)
        self._text = text
        self.show()
        self._render()

    @property
    def elapsed(self) -> float:
        return time.monotonic() - self._started

    def set_text(self, text: str) -> None:
        """The message (the times are added to it)."""
        self._text = text
        self._render()

    @Slot(object)
    def show_progress(self, p) -> None:
        if p.fraction is None:
            self.bar.setRange(0, 0)
        else:
            self.bar.setRange(0, 1000)
            self.bar.setValue(int(p.fraction * 1000))
        self._fraction = p.fraction
        if p.message:
            self._text = p.message
        self._render()

    def text(self) -> str:
        """What the strip says now: message · elapsed · estimate."""
        parts = [self._text] if self._text else []
        elapsed = self.elapsed
        parts.append(self.tr("{elapsed} elapsed").format(elapsed=duration_text(elapsed)))
        left = estimate_left(elapsed, self._fraction)
        if left is not None:
            parts.append((self.tr("at most {left} left") if self.bound else self.tr("about {left} left"))
                         .format(left=duration_text(left)))
        return " · ".join(parts)

    def _render(self) -> None:
        text = self.text()
        self.label.setText(text)
        self.bar.setToolTip(text)
