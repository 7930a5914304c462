"""What a model can do beyond scoring its own users: small protocols a model class implements.

Explanations, compression, diagnostics, the CLI and the desktop ask ``supports(model, NAME)`` (or
``capabilities_of(model)``) and then call the protocol's methods; they never look at a model's
name. A model gains a capability by implementing the methods below (the shared implementations
for item–item and matrix-factorisation models live in ``engine.models.item_item`` and
``engine.models.factorization``); an instance can switch one off for itself through
``Recommender.unavailable`` (e.g. an int8-quantised network has no gradients).

All indices are internal (``0..n_users-1``, ``0..n_items-1``); a *history* is a (h,) int64 array
of item indices as ``Recommender.history_of`` returns it (distinct items ascending, or a sequence
model's last items in time order).

=================  ===========================  =======================================================
name               protocol                     what it enables
=================  ===========================  =======================================================
history            ScoresHistory                lists for a made-up or new customer, counterfactuals,
                                                history deletion tests
contributions      HistoryContributions         exact share of each history item in a score
latent             LatentTerms                  per-factor terms u_k·v_k, latent-factor deletion
embeddings         Embeddings                   latent maps, nearest items, LinUCB contexts
attention          Attention                    attention heatmap, attention rollout
history_gradients  DifferentiableHistory        saliency and integrated gradients over history items
history_ig         ClosedFormHistoryIG          integrated gradients over history items in closed form
features           FeatureTowers                saliency, integrated gradients and SHAP over input
                                                features; feature deletion
text_gradients     TextGradients                which words of an item's text made the match; word
                                                deletion
rescoring          HistoryRescoring             fast re-scoring of a history with items removed
factor_tables      FactorTables                 factor-table compression (int8, pruning, low rank)
objective          TrainingObjective            gradient diagnostics of the training loss
=================  ===========================  =======================================================
"""

from __future__ import annotations

from typing import Any, Callable, Iterable, Protocol, runtime_checkable

import numpy as np


@runtime_checkable
class ScoresHistory(Protocol):
    def score_histories(self, histories: list[np.ndarray]) -> np.ndarray:
        """(n, n_items) float32 scores for ``histories`` (a list of (h_j,) item index arrays,
        oldest first); works for customers the model never saw."""


@runtime_checkable
class HistoryContributions(Protocol):
    def contribution_values(self, item: int, history: np.ndarray) -> tuple[np.ndarray, float, float]:
        """Exact contributions (h,) float64 of each history position to ``item``'s score for that
        history, the score and the baseline (score of the empty history):
        values.sum() == score − baseline up to float rounding."""

    def contribution_note(self, user: int, item: int, score: float) -> str:
        """One plain sentence on how the contributions relate to the score the user really gets."""


@runtime_checkable
class LatentTerms(Protocol):
    def latent_values(self, users: np.ndarray, items: np.ndarray) -> np.ndarray:
        """(P, f) float64 per-factor terms u_k·v_k of the pairs (users[p], items[p]); each row sums
        to the pair's score minus ``item_offsets()[item]``."""

    def item_offsets(self) -> np.ndarray:
        """(n_items,) float32 part of every score that no factor explains (an item bias; zeros)."""


@runtime_checkable
class Embeddings(Protocol):
    def embeddings(self, kind: str, rows: np.ndarray | None = None) -> np.ndarray:
        """(n, d) float32 vectors of ``rows`` (default all) of ``kind`` "item" or "user"; user ·
        item is (approximately) the score."""

    def embedding_note(self) -> str:
        """Where the vectors come from, in a few plain words."""


@runtime_checkable
class Attention(Protocol):
    def attention(self, user: int) -> np.ndarray:
        """(layers, heads, L, L) float32 causal attention over ``history_of(user)`` (rows sum to 1)."""


@runtime_checkable
class DifferentiableHistory(Protocol):
    def history_inputs(self, item: int, history: np.ndarray) -> tuple[Any, Callable]:
        """Input vectors x (h, d) torch tensor of the history positions and a differentiable
        fn(e (n, h, d)) -> (n,) scores of ``item``; the zero input is the baseline."""


@runtime_checkable
class ClosedFormHistoryIG(Protocol):
    def history_ig(self, item: int, history: np.ndarray) -> tuple[np.ndarray, float, float]:
        """Integrated gradients (h,) float64 of ``item``'s score over the history positions, the
        score and the all-zero-input score (values sum to their difference)."""


@runtime_checkable
class FeatureTowers(Protocol):
    """A two-tower model over readable input features: score = user_head(Σ user inputs) ·
    item_head(Σ item inputs) + item bias. ``towers()`` returns (user tower, item tower, bias
    (n_items,) tensor); a tower has ``n_inputs``, ``dim`` (d), ``parts(idx) -> (P, n_inputs, d)``
    (the vectors it sums), ``head(h) -> h'`` and ``__call__(refs (n, n_inputs)) -> (n, d)``."""

    def feature_names(self) -> list[str]:
        """(F,) readable input feature names, user side first."""

    def feature_value(self, column: int, ref: int) -> str:
        """Readable value of feature ``column`` for entity ``ref``."""

    def feature_matrix(self, users, items) -> np.ndarray:
        """(n, F) int64 entity references for user–item pairs."""

    def feature_forward(self, X) -> np.ndarray:
        """(n,) float32 scores of reference rows X (n, F)."""

    def feature_bands(self, column: int) -> np.ndarray | None:
        """(n_entities,) band number of a banded feature column (price band…), else None."""

    def text_columns(self) -> set[int]:
        """Feature columns that hold a text vector (no short readable value)."""

    def towers(self) -> tuple[Any, Any, Any]:
        """(user tower, item tower, item bias) of the fitted network, in eval mode."""


@runtime_checkable
class TextGradients(Protocol):
    """A model that reads item text with a language model (see ``engine.explain.words``)."""

    def text_inputs(self, item: int) -> Any:
        """``engine.text.words.TextInputs`` of the item: token embeddings (T, d), their padding
        baseline, and which word each token belongs to."""

    def text_score_function(self, user: int, item: int) -> Callable:
        """f(token embeddings (B, T, d)) -> (B,) the item's score for the user, differentiable."""

    def history_items(self, user: int) -> np.ndarray:
        """(L,) the history the user side reads."""

    def history_vectors(self, user: int) -> Any:
        """(L, d) tensor of the history's item vectors."""

    def score_history_vectors(self, emb, user: int | None = None) -> Any:
        """Differentiable scores (B, n_items) of history vectors emb (L, d) or (B, L, d)."""


@runtime_checkable
class HistoryRescoring(Protocol):
    def history_rescorer(self, history: np.ndarray) -> Any:
        """A rescorer of ``history`` with ``full`` (n_items,) float64 scores,
        ``removed(removals) -> (n, n_items)`` (each tuple of positions deleted),
        ``prefixes(order)`` yielding (start, scores) for growing deleted prefixes, and
        ``deletion_scores(items, orders, cuts) -> (n, len(cuts))``."""


@runtime_checkable
class FactorTables(Protocol):
    def factor_tables(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """User factors (n_users, f), item factors (n_items, f), item bias (n_items,) float32 with
        score = U Vᵀ + b exactly."""


@runtime_checkable
class TrainingObjective(Protocol):
    def training_batches(self, train, batch_size: int, device) -> tuple[Callable[[int, Any], Iterable], int]:
        """(make_batches(epoch, generator) -> iterable of batches on ``device``, batches per epoch)
        for the training data ``train`` (the fit uses exactly this)."""

    def batch_loss(self, module, batch) -> Any:
        """The training loss (scalar tensor, mean over the batch) of ``module`` on ``batch`` — the
        one definition training, diagnostics and distillation use."""

    def training_module(self) -> Any:
        """A CPU copy of the fitted network at its fitted weights, in train mode (for diagnostics)."""

    def state_name(self, parameter: str) -> str:
        """The name under which ``learned_arrays`` holds the network parameter ``parameter``."""


#: capability name -> protocol, in the order ``capabilities_of`` lists them.
CAPABILITIES: dict[str, type] = {
    "history": ScoresHistory, "contributions": HistoryContributions, "latent": LatentTerms,
    "embeddings": Embeddings, "attention": Attention, "history_gradients": DifferentiableHistory,
    "history_ig": ClosedFormHistoryIG, "features": FeatureTowers, "text_gradients": TextGradients,
    "rescoring": HistoryRescoring,
    "factor_tables": FactorTables, "objective": TrainingObjective,
}


def _implements(model_or_class, protocol: type) -> bool:
    if isinstance(model_or_class, type):
        return issubclass(model_or_class, protocol)
    return isinstance(model_or_class, protocol)


def capabilities_of(model_or_class) -> frozenset[str]:
    """Capability names a model class implements, less those an instance switched off."""
    names = {n for n, proto in CAPABILITIES.items() if _implements(model_or_class, proto)}
    if not isinstance(model_or_class, type):
        names -= set(getattr(model_or_class, "unavailable", ()))
    return frozenset(names)


def supports(model, name: str) -> bool:
    """True when ``model`` (a fitted instance) has capability ``name``."""
    if name not in CAPABILITIES:
        raise KeyError(f"unknown capability {name!r}; known: {', '.join(CAPABILITIES)}")
    return _implements(model, CAPABILITIES[name]) and name not in getattr(model, "unavailable", ())
