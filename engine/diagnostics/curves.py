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

from engine.i18n import N_, _
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
        why = (_("no validation curve: fit with a validation split to diagnose") if len(v) == 0 else
               _("only {n} validated epoch(s); at least {least} are needed").format(n=len(v), least=MIN_EPOCHS))
        return Diagnosis("too short to tell", _say("too short to tell", why), {"epochs": int(len(v))})
    b = int(np.argmax(v))
    peak, last = float(v[b]), float(v[-1])
    drop = (peak - last) / peak if peak > 0 else 0.0
    window = v[-MIN_EPOCHS:]
    gain = (float(window[-1]) - float(window[0])) / max(abs(float(window[0])), 1e-12)
    evidence = {"epochs": int(len(v)), "best_epoch": int(epochs[b]), "best_value": peak, "last_value": last,
                "relative_drop": drop, "recent_gain": gain, "loss_at_best": float(loss[b]),
                "loss_last": float(loss[-1]), "metric": name}
    best = int(epochs[b])
    if b < len(v) - 1 and drop > TOLERANCE:
        if loss[-1] <= loss[b] and history.best_epoch == best:
            after = len(v) - 1 - b
            how = _("training stopped early") if history.stopped == "early_stop" else _("they were discarded")
            evidence.update(kept_epoch=best, tail="over-fitting")
            kept = (_("the kept model is trained for {best} epochs, where validation {label} peaked at {peak:.4f} "
                      "(then again on all training data)") if history.refit_epochs else
                    _("the kept model is epoch {best}, where validation {label} peaked at {peak:.4f}")
                    ).format(best=best, label=label, peak=peak)
            return Diagnosis("good fit", _say("good fit", _(
                "{kept}; the {after} epoch(s) after it over-fitted (validation fell to {last:.4f} while training loss "
                "kept dropping), so {how} and the best epoch was kept").format(kept=kept, after=after, last=last,
                                                                                how=how)), evidence)
        if loss[-1] <= loss[b]:
            return Diagnosis("over-fitting", _say("over-fitting", _(
                "from epoch {epoch}: validation {label} falls ({peak:.4f} -> {last:.4f}) while training loss keeps "
                "dropping ({loss_best:.4f} -> {loss_last:.4f}); stop earlier or raise regularisation").format(
                epoch=best + 1, label=label, peak=peak, last=last, loss_best=loss[b], loss_last=loss[-1]),
                separator=" "), evidence)
        return Diagnosis("under-fitting", _say("under-fitting", _(
            "validation {label} and training loss both got worse after epoch {epoch} (loss {loss_best:.4f} -> "
            "{loss_last:.4f}): training is unstable; lower the learning rate").format(
            label=label, epoch=best, loss_best=loss[b], loss_last=loss[-1])), evidence)
    if b >= len(v) - 2 and gain > TOLERANCE:
        return Diagnosis("under-fitting", _say("under-fitting", _(
            "validation {label} was still rising at the last epoch (+{gain:.1%} over the last {n} epochs, now "
            "{last:.4f}); train for more epochs or raise the learning rate").format(
            label=label, gain=gain, n=MIN_EPOCHS, last=last)), evidence)
    return Diagnosis("good fit", _say("good fit", _(
        "validation {label} peaked at {peak:.4f} in epoch {epoch} and stayed within {tolerance:.0%} of it").format(
        label=label, peak=peak, epoch=best, tolerance=TOLERANCE)), evidence)


#: Verdict words in the sentences (the verdict keys stay English: they are data).
VERDICT_WORDS = {"good fit": N_("good fit"), "over-fitting": N_("over-fitting"), "under-fitting": N_("under-fitting"),
                 "too short to tell": N_("too short to tell")}


def _say(verdict: str, body: str, separator: str = ": ") -> str:
    """"good fit: …" in the current language (the verdict word, then the reason)."""
    return f"{_(VERDICT_WORDS[verdict])}{separator}{body}"
