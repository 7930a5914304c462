"""The interface in Simplified Chinese: Qt's translator and the engine's gettext catalog load, the
language is chosen in the menu (saved, applies at the next start), panes built after a switch speak
the new language, numbers and dates follow the locale, and `--lang zh_CN --screenshot` works."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QLocale, QSettings

from desktop import i18n
from desktop.startup import create_app, restart_command
from desktop.widgets import numbers

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def chinese(qapp):
    """The app speaks Simplified Chinese for one test, English again afterwards."""
    create_app([])
    assert i18n.install("zh_CN") == "zh_CN"
    yield
    i18n.install("en")


def test_translator_loads_app_qt_and_engine_catalogs(chinese):
    from engine.i18n import _, language
    assert QCoreApplication.translate("MainWindow", "Leaderboard") == "排行榜"
    assert QCoreApplication.translate("Glossary", "Recall") == "召回率"
    assert "归一化折损累计增益" in QCoreApplication.translate("Glossary", "ranking quality")
    assert language() == "zh_CN" and _("good fit") == "拟合良好"
    assert QLocale().name() == "zh_CN"
    # Qt's own strings (standard buttons) come from qtbase_zh_CN.qm
    assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "取消"


def test_english_is_the_source_and_unknown_languages_fall_back(qapp):
    from engine.i18n import _
    create_app([])
    assert i18n.install("en") == "en"
    assert QCoreApplication.translate("MainWindow", "Leaderboard") == "Leaderboard"
    assert _("good fit") == "good fit"
    assert i18n.normalise("zh-cn") == "zh_CN" and i18n.normalise("en_GB") == "en" and i18n.normalise("fr") is None
    assert i18n.install("fr") == "en"


def test_language_follows_the_setting_then_the_system(tmp_path, monkeypatch):
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    monkeypatch.setattr(i18n, "system_language", lambda: "zh_CN")
    assert i18n.chosen_language(settings) == "zh_CN"              # nothing saved: the system's
    i18n.save_language(settings, "en")
    assert i18n.chosen_language(settings) == "en"                 # the menu's choice wins
    assert i18n.chosen_language(settings, "zh_CN") == "zh_CN"     # --lang wins over both
    i18n.save_language(settings, None)
    assert i18n.saved_language(settings) is None


def test_switching_language_changes_the_panes_texts(qapp, qtbot, tmp_path, monkeypatch):
    """The Language menu saves the choice (and says it applies at the next start); a window built in
    the new language shows its navigation, menus and pane texts translated."""
    from desktop.mainwindow import MainWindow
    from desktop.views import leaderboard_pane
    monkeypatch.setenv("RECSCOPE_LOG_DIR", str(tmp_path / "logs"))
    create_app([])
    i18n.install("en")
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    english = MainWindow(settings)
    qtbot.addWidget(english)
    assert english.nav.item(2).text() == "Leaderboard"
    assert english.leaderboard_pane.hint.text().startswith("Click a run")
    asked = []
    monkeypatch.setattr("desktop.mainwindow.QMessageBox.question",
                        lambda *a, **k: asked.append(a[2]) or leaderboard_pane.QMessageBox.StandardButton.No)
    english.language_actions["zh_CN"].trigger()
    assert i18n.saved_language(settings) == "zh_CN" and asked and "简体中文" in asked[0]
    notes = [a.text() for a in english.menuBar().actions()[2].menu().actions() if not a.isEnabled()]
    assert any("starts again" in n for n in notes)

    i18n.install(i18n.chosen_language(settings))                  # what the next start does
    try:
        chinese = MainWindow(settings)
        qtbot.addWidget(chinese)
        assert chinese.nav.item(2).text() == "排行榜"
        assert chinese.leaderboard_pane.hint.text() != english.leaderboard_pane.hint.text()
        assert "运行" in chinese.leaderboard_pane.hint.text()
        assert [m.text() for m in chinese.menuBar().actions()][:2] == ["文件(&F)", "编辑(&E)"]
        assert chinese.language_actions["zh_CN"].isChecked()
    finally:
        i18n.install("en")


def test_numbers_and_dates_follow_the_locale(chinese):
    assert numbers.integer(1234567) == QLocale("zh_CN").toString(1234567)
    assert numbers.month("2010-12-01T09:53:00+00:00") == "2010年12月"
    i18n.install("en")
    assert numbers.integer(1234567) == "1,234,567"
    assert numbers.month("2010-12-01T09:53:00+00:00") == "Dec 2010"
    assert numbers.percent(0.1234) == "12.3%"


def test_restart_command_drops_lang(monkeypatch):
    monkeypatch.setattr(sys, "orig_argv", ["python", "-m", "desktop", "--lang", "zh_CN", "data.csv", "--lang=en"])
    program, args = restart_command()
    assert program == sys.executable and args == ["-m", "desktop", "data.csv"]


def test_lang_zh_cn_screenshot_writes_the_start_screen_in_chinese(tmp_path, demo_path):
    from PySide6.QtGui import QImage
    out = tmp_path / "zh.png"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", RECSCOPE_LOG_DIR=str(tmp_path / "logs"))
    proc = subprocess.run([sys.executable, "-m", "desktop", "--lang", "zh_CN", "--screenshot", str(out),
                           "--size", "1366x768"], cwd=REPO, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "dataset loaded; language zh_CN: 数据, 训练, 排行榜" in proc.stderr
    assert QImage(str(out)).size().width() == 1366
    bad = subprocess.run([sys.executable, "-m", "desktop", "--lang", "xx", "--screenshot", str(out)], cwd=REPO,
                         env=env, capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2 and "--lang must be one of en, zh_CN" in bad.stderr
