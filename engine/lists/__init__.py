"""Customer lists, the Inspector's engine side: history, top-N, two models side by side,
before/after rules, search and the export of every customer's list (``inspector``)."""
