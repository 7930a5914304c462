"""The fine-tuned language-model recommender (``lm``): ``tower`` (the verified MiniLM, frozen lower
layers cached, LoRA-adapted top layers) and ``model`` (the registered recommender); its compressed form is ``engine.compress.language``."""

from engine.models.lm.model import LMRecommender

__all__ = ["LMRecommender"]
