"""Explanations: why an item is in a customer's top-N, as display-ready results (``types``).

The public names below load on first use (so ``engine.explain.types`` stays light to import):
``explain``, ``methods_for`` (api), ``score_history`` (history), ``deletion_test`` (faithfulness).
"""

from __future__ import annotations

import importlib

#: public name -> module that defines it (under engine.explain)
_EXPORTS = {
    "Attribution": "types", "AttentionMap": "types", "Counterfactual": "types", "Faithfulness": "types",
    "METHODS": "api", "explain": "api", "methods_for": "api",
    "score_history": "history",
    "deletion_test": "faithfulness",
    "ShapSummary": "shap_explain", "explain_shap": "shap_explain", "shap_summary": "shap_explain",
    "FactorHeatmap": "latent", "LatentMap": "latent", "Placement": "latent", "embeddings": "latent",
    "factor_heatmap": "latent", "has_embeddings": "latent", "latent_map": "latent",
    "nearest_items": "latent", "place_user": "latent",
    "SurrogateTree": "surrogate", "surrogate_tree": "surrogate",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{_EXPORTS[name]}"), name)
    globals()[name] = value
    return value
