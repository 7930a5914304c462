"""engine.compress."""
