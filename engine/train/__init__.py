"""engine.train: the one torch training loop every epoch-trained model uses (``loop``: fit_loop,
History, make_validator, finish_fit). Device choice and seeding live in ``engine.machine``; the
curve verdict in ``engine.diagnostics``; tuning and runs in ``engine.runs``."""
