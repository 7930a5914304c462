"""Fit diagnostics of a trained model: the verdict on its learning curves (``curves``) and the
per-layer weight and gradient statistics of its training objective (``weights``)."""
