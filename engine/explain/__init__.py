"""engine.explain."""
