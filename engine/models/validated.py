"""Fit an early-stopping model the way the evaluation protocol needs it: choose the epoch count on
validation events the fit does not see, then keep a model that knows every training item.

``fit_validated(model, train, *, valid, catalog, progress, cancel)`` (called by ``Recommender.fit``
for models with ``early_stopping``):

1. validation events: ``valid`` when given (normally a subset of ``train``, e.g. ``Split.valid``),
   else carved from ``train`` by the model (param ``valid_frac`` of each user's events, seeded by
   param ``seed``, ``validation_split`` method); ``valid_frac`` 0 and no ``valid``: no validation;
2. fit on ``without(train, valid)`` with early stopping on ``valid`` (progress 0–0.6 when a refit
   follows, else 0–1);
3. with param ``refit`` (default) and validation events inside ``train``: a fresh model of the same
   class fits all of ``train`` for the best epoch count (progress 0.6–1, stage "refit", so a live
   learning curve does not mistake its epochs for validated ones) and its learned state replaces
   the validated one. ``history_`` stays the validated run's curve, with ``refit_epochs`` set. A
   cancel during the refit keeps the validated model;
4. either way ``seen_`` ends as ``train``'s: every training item of a user, validation items
   included, is excluded from that user's rankings.
"""

from __future__ import annotations

import copy

from engine.data.interactions import Interactions
from engine.data.splits import carve_validation, without
from engine.progress import CancelToken, Progress, ProgressCallback, scaled

#: Share of the progress bar given to the validated fit when a refit follows.
VALIDATED_SHARE = 0.6


def _refit_progress(progress: ProgressCallback | None) -> ProgressCallback | None:
    """The refit's reports as stage "refit" without the per-epoch loss (not a validated curve)."""
    outer = scaled(progress, VALIDATED_SHARE, 1.0)
    if outer is None:
        return None

    def inner(p: Progress) -> None:
        epoch = p.metrics.get("epoch")
        message = "training on all data" + (f": {p.message}" if p.message.startswith("epoch") else "")
        outer(Progress(p.fraction, message, "refit", {} if epoch is None else {"refit_epoch": epoch}))

    return inner


def fit_validated(model, train: Interactions, *, catalog=None, valid: Interactions | None = None,
                  progress: ProgressCallback | None = None, cancel: CancelToken | None = None) -> None:
    """See the module docstring. ``model``: an unfitted ``Recommender`` with ``early_stopping``."""
    p = model.params
    blank = copy.copy(model)              # unfitted, with any set-up (e.g. user features) kept
    if valid is None and p.get("valid_frac", 0.0) > 0:
        valid = carve_validation(train, p["valid_frac"], p.get("seed", 0), model.validation_split)
    if valid is not None and valid.n_events == 0:
        valid = None
    sub = without(train, valid)
    refit = bool(p.get("refit", True)) and sub.n_events < train.n_events
    model._adopt(sub)
    model._fit(sub, catalog=catalog, valid=valid, progress=scaled(progress, 0.0, VALIDATED_SHARE if refit else 1.0),
               cancel=cancel)
    history = getattr(model, "history_", None)
    best = None if history is None else history.best_epoch
    if refit and best and not (cancel is not None and cancel.cancelled):
        fresh = copy.copy(blank)
        fresh.params = {**p, "epochs": int(best), "valid_frac": 0.0}
        fresh._adopt(train)
        fresh._fit(train, catalog=catalog, valid=None, progress=_refit_progress(progress), cancel=cancel)
        if not (cancel is not None and cancel.cancelled):
            model.__dict__.update({k: v for k, v in fresh.__dict__.items() if k != "params"})
            history.refit_epochs = int(best)
            model.history_, model.epochs_run_ = history, len(history.records)
    model._adopt(train)
