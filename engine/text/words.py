"""An item text as a language model reads it, by whole words: the token inputs of one text and which
word each token belongs to (for word-level explanations; ``engine.explain.words``)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import torch

WORD = re.compile(r"\S+")


@dataclass(frozen=True)
class TextInputs:
    """One item's text as the language model reads it.

    text: the item text; embeds, baseline: (T, 384) float32 token input embeddings and their
    padding baseline; token_word: (T,) int64 index of each token's word in ``words`` (-1 for
    [CLS], [SEP] and tokens outside every word); words: (W,) the text's words; spans: (W, 2) their
    character [start, end) in ``text``; read: (W,) bool, False for words cut off by the token limit.
    """

    text: str
    embeds: torch.Tensor
    baseline: torch.Tensor
    token_word: np.ndarray
    words: tuple[str, ...]
    spans: np.ndarray
    read: np.ndarray


def words_of(text: str, offsets: np.ndarray) -> tuple[tuple[str, ...], np.ndarray, np.ndarray, np.ndarray]:
    """Whole words of ``text`` and the word of each token: offsets (T, 2) character spans of the tokens
    ((0, 0) for special tokens) -> words (W,), spans (W, 2), token_word (T,) (-1: none), read (W,)."""
    found = [(m.start(), m.end()) for m in WORD.finditer(text)]
    spans = np.array(found, dtype=np.int64).reshape(-1, 2)
    token_word = np.full(len(offsets), -1, dtype=np.int64)
    real = offsets[:, 1] > offsets[:, 0]
    if len(spans):
        w = np.searchsorted(spans[:, 0], offsets[:, 0], side="right") - 1
        inside = real & (w >= 0) & (offsets[:, 0] < spans[np.maximum(w, 0), 1])
        token_word[inside] = w[inside]
    read = np.zeros(len(spans), dtype=bool)
    read[token_word[token_word >= 0]] = True
    return tuple(text[s:e] for s, e in found), spans, token_word, read
