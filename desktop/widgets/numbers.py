"""Numbers and dates in the interface locale (``QLocale()``, set by ``desktop.i18n.install``):
grouping, decimal mark, month names. Panes format what they show through these."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QCoreApplication, QDate, QLocale


def integer(n) -> str:
    """12345 -> "12,345" (en) / "12,345" (zh_CN) / "12.345" (de)."""
    return QLocale().toString(int(n))


def decimal(x: float, decimals: int = 2) -> str:
    """0.12345, 3 -> "0.123" with the locale's decimal mark."""
    return QLocale().toString(float(x), "f", decimals)


def percent(share: float, decimals: int = 1) -> str:
    """0.1234 -> "12.3 %" (the locale's number and percent sign)."""
    loc = QLocale()
    return f"{loc.toString(100.0 * float(share), 'f', decimals)}{loc.percent()}"


def month(iso: str) -> str:
    """'2010-12-01T09:53:00+00:00' -> "Dec 2010" / "2010年12月"."""
    d = datetime.fromisoformat(iso)
    return QLocale().toString(QDate(d.year, d.month, d.day), QCoreApplication.translate("Numbers", "MMM yyyy"))


def day(iso: str) -> str:
    """'2010-12-01T09:53:00+00:00' -> the locale's short date ("12/1/10", "2010/12/1")."""
    d = datetime.fromisoformat(iso)
    return QLocale().toString(QDate(d.year, d.month, d.day), QLocale.FormatType.ShortFormat)
