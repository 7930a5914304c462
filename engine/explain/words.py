"""Word-level explanations of a language-model recommender: which words of the item's text, and which
purchases in the customer's history, made the match.

A model offers them by implementing the protocol of capability "text_gradients"
(``engine.models.capabilities.TextGradients``):

- ``text_inputs(item) -> TextInputs``: the item's token input embeddings (T, 384), the baseline
  embeddings (every word token replaced by the padding token; [CLS]/[SEP] kept) and which word of
  the text each token belongs to.
- ``text_score_function(user, item) -> f``: f(embeds (B, T, 384)) -> (B,) the item's score for the
  user, differentiable, the whole language model run from the token embeddings.
- ``history_items(user)``, ``history_vectors(user) -> (L, d)`` and ``score_history_vectors(emb, user)``:
  the history the user side reads and a differentiable score over it (as SASRec's).

Words: integrated gradients over the token embeddings, from the padding baseline to the text in
``IG_STEPS`` Gauss–Legendre steps (``gradients.ig_values``), summed over each token's embedding
and then over the tokens of each whole word (a word = a run of non-space characters of the text,
so "T-LIGHT" is one word although the tokenizer reads three tokens). By completeness the words'
values sum to s(text) − s(all words padded). Words past the model's token limit were not read and
get 0. History: integrated gradients over each history item's vector from the all-zero input.

``word_deletion``: the words are replaced by padding in the order of their credit (most positive
first) and in one seeded random order, 0..min(steps, words) at a time; drops are normalised by
replacing every word, d_j = (s(x) − s(j words padded)) / (s(x) − s(all padded)); pairs where padding
every word does not lower the score are skipped.
"""

from __future__ import annotations

import numpy as np
import torch

from engine.explain.gradients import ig_values
from engine.explain.history import external_ids, item_labels, plain_id
from engine.explain.types import Attribution, WordAttribution
from engine.models.capabilities import supports
from engine.progress import check, emit
from engine.text.words import TextInputs
from engine.i18n import _


def has_word_explanations(model) -> bool:
    """True when ``model`` has capability "text_gradients"."""
    return supports(model, "text_gradients")


def word_values(model, user: int, item: int) -> tuple[TextInputs, np.ndarray, float, float]:
    """Integrated gradients per word: (inputs, values (W,) float64, score, baseline score)."""
    inputs = model.text_inputs(item)
    fn = model.text_score_function(user, item)
    base = inputs.baseline

    def shifted(d: torch.Tensor) -> torch.Tensor:
        return fn(base + d)

    per_token = ig_values(inputs.embeds - base, shifted)
    values = np.zeros(len(inputs.words))
    keep = inputs.token_word >= 0
    np.add.at(values, inputs.token_word[keep], per_token[keep])
    with torch.no_grad():
        s = fn(torch.stack([inputs.embeds, base]))
    return inputs, values, float(s[0]), float(s[1])


def history_values(model, user: int, item: int) -> tuple[np.ndarray, np.ndarray, float, float]:
    """Integrated gradients per history position: (items (L,), values (L,), score, zero-input score)."""
    hist = model.history_items(user)
    x = model.history_vectors(user)
    if len(hist) == 0:
        return hist, np.zeros(0), 0.0, 0.0

    def fn(e: torch.Tensor) -> torch.Tensor:
        return model.score_history_vectors(e, user)[:, item]

    values = ig_values(x, fn)
    with torch.no_grad():
        s = fn(torch.stack([x, torch.zeros_like(x)]))
    return hist, values, float(s[0]), float(s[1])


def explain_words(model, user: int, item: int, *, catalog=None) -> WordAttribution:
    """Which words of ``item``'s text and which of ``user``'s purchases made the match (internal indices)."""
    inputs, values, score, base = word_values(model, user, item)
    hist, h_values, h_score, h_base = history_values(model, user, item)
    title = item_labels(model, [item], catalog)[0]
    gap = abs(values.sum() - (score - base)) / max(abs(score - base), 1e-12)
    cut = int((~inputs.read).sum())
    note = (_("Integrated gradients over the token embeddings, summed per word, from every word "
              "replaced by the padding token (score {base:.4f}); the words sum to the score minus that "
              "within {v1:.2g} %.").format(base=base, v1=100 * gap) + (_(" {cut} word(s) past the token limit were not read.").format(cut=cut) if cut else ""))
    history = Attribution(
        method="ig", title=_("Why “{title}”: integrated gradients per purchase in the history").format(title=title),
        keys=external_ids(model, hist), labels=item_labels(model, hist, catalog), values=h_values,
        target=h_score, baseline=h_base, unit="score", user=plain_id(model.user_ids_, user),
        item=plain_id(model.item_ids_, item),
        note=_("From the all-zero history (score {base:.4f}); oldest purchase first.").format(base=h_base))
    return WordAttribution(
        title=_("Why “{title}”: the words of its text").format(title=title), text=inputs.text, words=inputs.words,
        spans=inputs.spans, values=values, read=inputs.read, target=score, baseline=base, history=history,
        user=plain_id(model.user_ids_, user), item=plain_id(model.item_ids_, item), note=note)


def word_deletion(model, users: np.ndarray, items: np.ndarray, *, steps: int, seed: int, progress=None,
                  cancel=None) -> tuple[dict[str, np.ndarray], int]:
    """Word deletion over the pairs (users[p], items[p]): normalised drops {"words", "random":
    (n, steps + 1)} (a text with fewer words stays at 1 once all are gone) and the pairs skipped."""
    rng = np.random.default_rng(seed + 4)
    drops = {"words": [], "random": []}
    skipped = 0
    for p, (u, i) in enumerate(zip(users, items)):
        check(cancel)
        inputs, values, _base, _target = word_values(model, int(u), int(i))
        read = np.flatnonzero(inputs.read)
        if len(read) == 0:
            skipped += 1
            continue
        orders = {"words": read[np.argsort(-values[read], kind="stable")], "random": rng.permutation(read)}
        cuts = np.minimum(np.arange(steps + 1), len(read))
        batch = []
        for order in orders.values():
            for c in list(cuts) + [len(read)]:
                gone = np.isin(inputs.token_word, order[:c])
                batch.append(torch.where(torch.from_numpy(gone)[:, None], inputs.baseline, inputs.embeds))
        with torch.no_grad():
            s = model.text_score_function(int(u), int(i))(torch.stack(batch)).double().numpy()
        s = s.reshape(len(orders), steps + 2)
        full, denom = s[0, 0], s[0, 0] - s[0, -1]
        if not denom > 1e-9 * max(1.0, abs(full)):
            skipped += 1
            continue
        for j, name in enumerate(orders):
            drops[name].append((full - s[j, :-1]) / denom)
        emit(progress, (p + 1) / len(users), _("word deletion: {v0}/{users} pairs").format(v0=p + 1, users=len(users)), "explain")
    return {k: np.array(v).reshape(len(v), steps + 1) for k, v in drops.items()}, skipped
