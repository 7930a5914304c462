"""Recommenders behind one interface (``base.Recommender``) and a registry by name."""

from engine.models.base import Recommender
from engine.models.registry import available, create, get

__all__ = ["Recommender", "available", "create", "get"]
