"""The learning-curve verdict banner's text and look, shared by the Train and Diagnostics panes."""

from __future__ import annotations

from desktop import glossary
from desktop.controllers.train_controller import model_title
from desktop.translate import translate

#: Verdict -> style object name of the verdict banner.
VERDICT_STYLE = {"good fit": "verdictGood", "over-fitting": "verdictBad", "under-fitting": "verdictWarn",
                 "too short to tell": "verdictInfo"}


def verdict_text(run) -> tuple[str, str]:
    """(banner text, style name) for a finished run: the engine's diagnosis sentence, or why none."""
    d = run.diagnosis
    if d is not None:
        entry = glossary.term(d.verdict)
        name = entry.name if entry is not None else f"{d.verdict[0].upper()}{d.verdict[1:]}"
        return f"{name}: {d.sentence.split(': ', 1)[-1]}", VERDICT_STYLE.get(d.verdict, "verdictInfo")
    if run.history is None:
        return (translate("Verdict", "{model_name} is fitted in one step: there are no epochs, so no learning curve and no "
                                     "over/under-fitting verdict.").format(model_name=model_title(run.model_name)), "verdictInfo")
    return translate("Verdict", "No verdict: the run recorded no epochs."), "verdictInfo"
