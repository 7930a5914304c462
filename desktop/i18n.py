"""The interface language: which one (command line, Settings › Language, else the system's), Qt's
translators for it (the app's ``resources/i18n/recscope_<lang>.qm`` and Qt's own ``qtbase_<lang>.qm``
for standard buttons and dialogs), the default ``QLocale`` for numbers and dates, and the engine's
gettext language, all set once at start-up before any window is built.

A change of language in the menu is saved and applies when RecScope starts again (the menu says so).
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QSettings, QTranslator

from desktop.paths import resource_path
from engine.i18n import set_language as set_engine_language

log = logging.getLogger("recscope.desktop")

#: code -> the language's own name (menus show it in its own script, whatever the interface language)
LANGUAGES = {"en": "English", "zh_CN": "简体中文"}
SOURCE = "en"
SETTING = "ui/language"  # "" or absent: follow the system


def system_language() -> str:
    """The system locale's language when the app has it (any Simplified-Chinese locale -> "zh_CN"),
    else English."""
    loc = QLocale.system()
    if loc.language() == QLocale.Language.Chinese and loc.script() != QLocale.Script.TraditionalHanScript \
            and loc.territory() not in (QLocale.Territory.Taiwan, QLocale.Territory.HongKong,
                                        QLocale.Territory.Macao):
        return "zh_CN"
    return SOURCE


def normalise(code: str | None) -> str | None:
    """"zh-CN", "zh_cn", "zh" -> "zh_CN"; "en_US" -> "en"; unknown or empty -> None."""
    if not code:
        return None
    code = code.replace("-", "_")
    for known in LANGUAGES:
        if code.lower() == known.lower() or code.split("_")[0].lower() == known.split("_")[0].lower():
            return known
    return None


def saved_language(settings: QSettings) -> str | None:
    """The language chosen in the menu, None when the app follows the system."""
    return normalise(str(settings.value(SETTING, "") or ""))


def save_language(settings: QSettings, code: str | None) -> None:
    """Remember ``code`` for the next start (None: follow the system)."""
    settings.setValue(SETTING, code or "")
    settings.sync()


def chosen_language(settings: QSettings | None = None, override: str | None = None) -> str:
    """``--lang`` first, then the saved choice, then the system language."""
    return normalise(override) or (saved_language(settings) if settings is not None else None) or system_language()


def catalog_path(code: str):
    """The app's compiled catalog for ``code`` (resources/i18n/recscope_zh_CN.qm)."""
    return resource_path("i18n", f"recscope_{code}.qm")


def install(code: str) -> str:
    """Install the translators of ``code`` on the running application (replacing earlier ones), set
    the default QLocale and the engine's language; returns the language in force (English when the
    catalog is missing, logged)."""
    app = QCoreApplication.instance()
    for old in getattr(app, "recscope_translators", []):
        app.removeTranslator(old)
    installed: list[QTranslator] = []
    code = normalise(code) or SOURCE
    if code != SOURCE:
        own = QTranslator(app)
        if own.load(str(catalog_path(code))):
            installed.append(own)
            qt = QTranslator(app)
            if qt.load(f"qtbase_{code}", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
                installed.append(qt)
        else:
            log.warning("no translation for %s at %s; the interface stays in English", code, catalog_path(code))
            code = SOURCE
    for translator in installed:
        app.installTranslator(translator)
    app.recscope_translators = installed
    app.recscope_language = code
    QLocale.setDefault(locale_for(code))
    set_engine_language(code)
    return code


def current() -> str:
    """The language installed by ``install`` ("en" before it ran)."""
    return getattr(QCoreApplication.instance(), "recscope_language", SOURCE)


def locale_for(code: str) -> QLocale:
    """Number and date formats for ``code``: the system's own when it speaks that language (en_GB,
    zh_SG), else the language's main locale (en_US, zh_CN)."""
    system = QLocale.system()
    if normalise(system.name()) == code and (code != "zh_CN" or system_language() == "zh_CN"):
        return system
    return QLocale("en_US" if code == SOURCE else code)
