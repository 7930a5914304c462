"""Run pickers: every pane that chooses a run lists them the same way."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox

from desktop.state import AppState
from desktop.translate import translate
from PySide6.QtCore import QT_TRANSLATE_NOOP

NONE = QT_TRANSLATE_NOOP("Runs", "(none)")


def run_items(state: AppState) -> list[tuple[str, str]]:
    """(run id, label) of every run, newest first."""
    out = []
    for run in reversed(state.runs):
        ndcg = run.metrics.get("ndcg@10")
        out.append((run.id, f"{run.name}" + (translate("Runs", "  (NDCG@10 {ndcg:.3f})").format(ndcg=ndcg) if ndcg is not None else "")))
    return out


def fill_run_combo(combo: QComboBox, state: AppState, none: bool = False) -> None:
    """Refill ``combo`` with the runs, keeping its choice when it still exists."""
    current = combo.currentData()
    combo.blockSignals(True)
    combo.clear()
    if none:
        combo.addItem(translate("Runs", NONE), None)
    for run_id, label in run_items(state):
        combo.addItem(label, run_id)
    idx = combo.findData(current)
    combo.setCurrentIndex(idx if idx >= 0 else (0 if combo.count() else -1))
    combo.blockSignals(False)
