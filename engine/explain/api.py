"""One entry point for every per-recommendation explanation: ``methods_for`` and ``explain``.

``explain(model, user, item, method)`` takes EXTERNAL user and item ids and returns the matching
result type of ``engine.explain.types``: Attribution (contributions, latent, saliency, ig, shap),
AttentionMap (attention), WordAttribution (words: the item text's words and the purchases, for
models with ``engine.models.capabilities.TextGradients``) or Counterfactual (counterfactual).
"""

from __future__ import annotations

import importlib.util

from engine.data.interactions import index_of, normalize_ids
from engine.errors import EngineError
from engine.explain.gradients import gradient_methods
from engine.explain.types import AttentionMap, Attribution, Counterfactual, WordAttribution
from engine.explain.words import has_word_explanations
from engine.models.capabilities import supports
from engine.progress import check, emit

#: Every per-recommendation method, in display order.
METHODS = ("contributions", "latent", "attention", "words", "saliency", "ig", "shap", "counterfactual")


def shap_available() -> bool:
    """True when the SHAP explainer module (engine.explain.shap_explain) is installed."""
    return importlib.util.find_spec("engine.explain.shap_explain") is not None


def methods_for(model) -> list[str]:
    """The per-recommendation methods ``model`` supports (from its capabilities), in ``METHODS`` order."""
    gradients = gradient_methods(model)
    ok = {"contributions": supports(model, "contributions"), "latent": supports(model, "latent"),
          "attention": supports(model, "attention"),
          "words": has_word_explanations(model),
          "saliency": "saliency" in gradients, "ig": "ig" in gradients,
          "shap": supports(model, "features") and shap_available(),
          "counterfactual": supports(model, "history") and model.personalised}
    return [m for m in METHODS if ok[m]]


def _examples(ids) -> str:
    return ", ".join(str(v) for v in ids[:3].tolist())


def resolve_user(model, user) -> int:
    """Internal index of external user id ``user``; EngineError naming it otherwise."""
    model._check_fitted()
    idx = int(index_of(normalize_ids([user]), model.user_ids_)[0])
    if idx < 0:
        raise EngineError(f"user {user!r} is not in the training data of model {model.name} "
                          f"({model.n_users} users, e.g. {_examples(model.user_ids_)})")
    return idx


def resolve_item(model, item) -> int:
    """Internal index of external item id ``item``; EngineError naming it otherwise."""
    model._check_fitted()
    idx = int(index_of(normalize_ids([item]), model.item_ids_)[0])
    if idx < 0:
        raise EngineError(f"item {item!r} is not among the items of model {model.name} "
                          f"({model.n_items} items, e.g. {_examples(model.item_ids_)})")
    return idx


def explain(model, user, item, method: str, *, k: int = 10, catalog=None, progress=None, cancel=None):
    """Explain why ``item`` scores as it does for ``user`` (external ids) with ``method``.

    k: the top-K of the counterfactual (and the margin of SHAP). catalog: titles for the labels.
    EngineError for an unknown user, item or method, or one this model does not support.
    """
    if method not in METHODS:
        raise EngineError(f"unknown explanation method {method!r}; choose one of: {', '.join(METHODS)}")
    supported = methods_for(model)
    if method not in supported:
        raise EngineError(f"model {model.name} does not support the {method!r} explanation; "
                          f"it supports: {', '.join(supported) or 'none'}")
    u, i = resolve_user(model, user), resolve_item(model, item)
    check(cancel)
    emit(progress, 0.0, f"explaining with {method}", "explain")
    out: Attribution | AttentionMap | Counterfactual | WordAttribution
    if method == "contributions":
        from engine.explain.contributions import contributions
        out = contributions(model, u, i, catalog=catalog)
    elif method == "latent":
        from engine.explain.contributions import latent
        out = latent(model, u, i, catalog=catalog)
    elif method == "attention":
        from engine.explain.attention import attention
        out = attention(model, u, i, catalog=catalog)
    elif method == "words":
        from engine.explain.words import explain_words
        out = explain_words(model, u, i, catalog=catalog)
    elif method in ("saliency", "ig"):
        from engine.explain.gradients import integrated_gradients, saliency
        out = (saliency if method == "saliency" else integrated_gradients)(model, u, i, catalog=catalog)
    elif method == "counterfactual":
        from engine.explain.counterfactual import counterfactual
        out = counterfactual(model, u, i, k=k, catalog=catalog)
    else:
        from engine.explain.shap_explain import explain_shap
        out = explain_shap(model, user, item, k=k, catalog=catalog, progress=progress, cancel=cancel)
    emit(progress, 1.0, "done", "explain")
    return out
