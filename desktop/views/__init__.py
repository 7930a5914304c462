"""Panes: show AppState and emit requests; never call the engine."""
