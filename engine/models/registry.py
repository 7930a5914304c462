"""Model registry: name -> Recommender class. Modules register on import (``@register``)."""

from __future__ import annotations

import importlib

from typing import TYPE_CHECKING

from engine.errors import ModelError

if TYPE_CHECKING:
    from engine.models.base import Recommender

_REGISTRY: dict[str, type[Recommender]] = {}

#: Modules that define models; imported lazily so that ``available()`` is complete and so that
#: frozen builds can list them explicitly.
MODEL_MODULES = (
    "engine.models.popularity",
    "engine.models.itemknn",
    "engine.models.ease",
    "engine.models.bpr",
    "engine.models.ials",
    "engine.models.twotower",
    "engine.models.text",
    "engine.models.hybrid",
    "engine.models.sasrec",
    "engine.models.lm",
    "engine.compress.models",
    "engine.compress.language",
)


def register(cls: type[Recommender]) -> type[Recommender]:
    """Class decorator: make ``cls`` available under ``cls.name``."""
    _REGISTRY[cls.name] = cls
    return cls


def _load_all() -> None:
    for mod in MODEL_MODULES:
        importlib.import_module(mod)


def available() -> list[str]:
    """Registered model names, sorted."""
    _load_all()
    return sorted(_REGISTRY)


def get(name: str) -> type[Recommender]:
    """The class registered as ``name``; ModelError naming the choices otherwise."""
    _load_all()
    try:
        return _REGISTRY[name]
    except KeyError:
        raise ModelError(f"unknown model '{name}'; choose one of: {', '.join(sorted(_REGISTRY))}") from None


def create(name: str, **params) -> Recommender:
    """A new, unfitted model ``name`` with ``params`` (strings are coerced to the default's type)."""
    return get(name)(**params)
