"""Controllers: start engine tasks and write their results into AppState."""
