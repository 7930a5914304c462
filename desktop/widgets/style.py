"""Style-sheet driven looks: a widget's object name picks its rules in ``resources/style.qss``."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget


def set_style_name(widget: QWidget, name: str) -> None:
    """Change ``widget``'s object name and re-apply the style sheet rules that match it."""
    widget.setObjectName(name)
    widget.style().unpolish(widget)
    widget.style().polish(widget)


def show_message(label: QLabel, text: str, kind: str = "error") -> None:
    """One message line: kind "error", "warning" or "info" picks its look; "" hides it."""
    set_style_name(label, kind)
    label.setText(text)
    label.setVisible(bool(text))
