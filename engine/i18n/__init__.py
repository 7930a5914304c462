"""Display text the engine writes (explanation titles and notes, verdicts and advice, data-role
evidence, filter and candidate reasons, method labels, error messages) in the interface language.

Python's standard ``gettext``, English as the source language, one compiled catalog per language:
``engine/i18n/locale/<lang>/LC_MESSAGES/recscope.mo`` (made from ``recscope.po`` beside it by
``make i18n``; ``make i18n-check`` verifies that the two agree and that every marked message is
translated). The engine never imports Qt: the desktop calls ``set_language`` at start-up with the
language of its Qt translator; the CLI stays in English.

Mark a message with ``_("…")`` where the text is made, ``N_("…")`` where a constant is defined
(translate it with ``_(constant)`` where it is shown), ``ngettext`` where the count changes the
words. Placeholders are ``str.format`` names: ``_("row {row}: {problem}").format(row=3, problem=…)``.
"""

from __future__ import annotations

import gettext
from pathlib import Path

DOMAIN = "recscope"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
SOURCE_LANGUAGE = "en"

_translations: gettext.NullTranslations = gettext.NullTranslations()
_language = SOURCE_LANGUAGE


def available() -> list[str]:
    """Languages with a compiled catalog, plus the source language ("en", "zh_CN")."""
    found = sorted(p.parent.parent.name for p in LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.mo"))
    return [SOURCE_LANGUAGE] + found


def set_language(language: str) -> str:
    """Make the engine write ``language`` ("zh_CN"; "en" or "" for English) from now on, in every
    thread; returns the language in force (English when there is no catalog for it)."""
    global _translations, _language
    language = (language or SOURCE_LANGUAGE).replace("-", "_")
    if language == SOURCE_LANGUAGE or language.startswith(SOURCE_LANGUAGE + "_"):
        _translations, _language = gettext.NullTranslations(), SOURCE_LANGUAGE
        return _language
    try:
        _translations = gettext.translation(DOMAIN, LOCALE_DIR, languages=[language])
        _language = language
    except OSError:
        _translations, _language = gettext.NullTranslations(), SOURCE_LANGUAGE
    return _language


def language() -> str:
    """The language the engine writes now ("en", "zh_CN")."""
    return _language


def _(message: str) -> str:
    """``message`` in the current language (itself when the catalog lacks it)."""
    return _translations.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural form for ``n`` in the current language."""
    return _translations.ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Marks a constant for the catalog without translating it (translate with ``_`` when shown)."""
    return message
