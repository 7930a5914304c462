"""engine.train."""
