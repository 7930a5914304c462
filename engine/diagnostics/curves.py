"""Read a learning curve: over-fitting, under-fitting, good fit, or too short to tell.

``diagnose(history)`` looks at the validation curve (``history.monitor``, NDCG@10 by default) and the
training loss of a ``History`` from ``fit_loop`` (or any model that records one) and returns a
``Diagnosis`` whose sentence a user can act on.

The verdict judges the model the run KEPT: ``fit_loop`` restores the best epoch's weights
(``history.best_epoch``), so epochs trained past it are discarded and cannot make the kept model
over-fit. A history without ``best_epoch`` kept its last epoch.

Rules, in order (v = validation metric per epoch, l = training loss, b = best epoch):
1. fewer than ``MIN_EPOCHS`` validated epochs -> "too short to tell";
2. v fell more than ``TOLERANCE`` (relative) below its peak after b while l did not rise:
   the kept model is epoch b -> "good fit" (the later, over-fitted epochs were discarded; the
   evidence says so); the last epoch was kept -> "over-fitting from epoch b+1";
3. v fell like that and l rose too (unstable training) -> "under-fitting";
4. v was still rising at the end (best in the last two epochs and gained more than
   ``TOLERANCE`` over the last ``MIN_EPOCHS`` epochs) -> "under-fitting" (train longer);
5. otherwise -> "good fit" (v peaked and stayed within ``TOLERANCE`` of the peak).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from engine.train.loop import History

VERDICTS = ("over-fitting", "under-fitting", "good fit", "too short to tell")
#: Validated epochs needed before any verdict.
MIN_EPOCHS = 3
#: Relative change of the validation metric treated as real rather than noise.
TOLERANCE = 0.02


@dataclass(frozen=True)
class Diagnosis:
    """verdict: one of VERDICTS; sentence: one line for the user; evidence: the numbers behind it."""

    verdict: str
    sentence: str
    evidence: dict = field(default_factory=dict)


def diagnose(history: History) -> Diagnosis:
    """Diagnose ``history``'s curves by the rules in the module docstring."""
    name = history.monitor
    label = name.upper().split("@")[0] if "@" in name else name
    v_all = history.metric(name)
    valid = ~np.isnan(v_all)
    epochs = history.epochs[valid]
    v, loss = v_all[valid], history.losses[valid]
    if len(v) < MIN_EPOCHS:
        why = ("no validation curve: fit with a validation split to diagnose" if len(v) == 0 else
               f"only {len(v)} validated epoch(s); at least {MIN_EPOCHS} are needed")
        return Diagnosis("too short to tell", f"too short to tell: {why}", {"epochs": int(len(v))})
    b = int(np.argmax(v))
    peak, last = float(v[b]), float(v[-1])
    drop = (peak - last) / peak if peak > 0 else 0.0
    window = v[-MIN_EPOCHS:]
    gain = (float(window[-1]) - float(window[0])) / max(abs(float(window[0])), 1e-12)
    evidence = {"epochs": int(len(v)), "best_epoch": int(epochs[b]), "best_value": peak, "last_value": last,
                "relative_drop": drop, "recent_gain": gain, "loss_at_best": float(loss[b]),
                "loss_last": float(loss[-1]), "metric": name}
    if b < len(v) - 1 and drop > TOLERANCE:
        if loss[-1] <= loss[b] and history.best_epoch == int(epochs[b]):
            after = len(v) - 1 - b
            how = ("training stopped early" if history.stopped == "early_stop" else
                   "they were discarded")
            evidence.update(kept_epoch=int(epochs[b]), tail="over-fitting")
            kept = (f"the kept model is trained for {int(epochs[b])} epochs, where validation {label} peaked at "
                    f"{peak:.4f} (then again on all training data)" if history.refit_epochs else
                    f"the kept model is epoch {int(epochs[b])}, where validation {label} peaked at {peak:.4f}")
            return Diagnosis("good fit",
                             f"good fit: {kept}; the {after} epoch(s) after it over-fitted (validation fell to "
                             f"{last:.4f} while training loss kept dropping), so {how} and the best epoch "
                             "was kept", evidence)
        if loss[-1] <= loss[b]:
            return Diagnosis("over-fitting",
                             f"over-fitting from epoch {int(epochs[b]) + 1}: validation {label} falls "
                             f"({peak:.4f} -> {last:.4f}) while training loss keeps dropping "
                             f"({loss[b]:.4f} -> {loss[-1]:.4f}); stop earlier or raise regularisation", evidence)
        return Diagnosis("under-fitting",
                         f"under-fitting: validation {label} and training loss both got worse after epoch "
                         f"{int(epochs[b])} (loss {loss[b]:.4f} -> {loss[-1]:.4f}): training is unstable; "
                         "lower the learning rate", evidence)
    if b >= len(v) - 2 and gain > TOLERANCE:
        return Diagnosis("under-fitting",
                         f"under-fitting: validation {label} was still rising at the last epoch "
                         f"(+{gain:.1%} over the last {MIN_EPOCHS} epochs, now {last:.4f}); train for more "
                         "epochs or raise the learning rate", evidence)
    return Diagnosis("good fit",
                     f"good fit: validation {label} peaked at {peak:.4f} in epoch {int(epochs[b])} and "
                     f"stayed within {TOLERANCE:.0%} of it", evidence)
