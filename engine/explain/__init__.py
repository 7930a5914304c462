"""Explanations: why an item is in a customer's top-N, as display-ready results (``types``)."""
