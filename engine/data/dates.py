"""Text dates: which format a column is written in (ISO 8601, a guessed ``strftime`` format in the
column's day/month order, or a mix), shared by the in-memory validation and the out-of-core import."""

from __future__ import annotations

import pandas as pd

from engine.i18n import N_, _

#: How ambiguous dates are written (shown translated: ``_(ORDER_WORDS[order])``).
ORDER_WORDS = {"DMY": N_("day-first"), "MDY": N_("month-first")}
#: The note each unit of numeric timestamps leaves in the load report (shown translated).
UNIT_NOTES = {"s": None, "ms": N_("timestamps read as epoch milliseconds"),
              "excel": N_("timestamps read as Excel serial dates")}


def epoch_unit(low: float, high: float, col: str, floats: bool) -> str:
    """What numeric timestamps from ``low`` to ``high`` count: "ms" (epoch milliseconds), "excel"
    (serial days; a column named like a date, or holding fractions) or "s" (epoch seconds)."""
    if low >= 1e11 and high < 1e14:
        return "ms"
    if low > 1e4 and high < 1e5 and ("date" in col.lower() or floats):
        return "excel"
    return "s"


def choose_format(text: pd.Series, missing, keep, order: str | None,
                  col: str) -> tuple[pd.Series, "object", str, str | None]:
    """(UTC datetimes, (n,) bool rows that fail, format used, note) for the stripped date ``text``.

    Tries ISO 8601 first; where rows among ``keep`` (and not ``missing``) fail, the format pandas
    guesses from the first value (in ``order``: "DMY" / "MDY"; without one, day and month both
    ways), then "mixed" (each value guessed on its own). The format that leaves fewest failures
    wins. ``missing``, ``keep``: (n,) bool arrays.
    """
    fmt_used, note = "ISO8601", None
    parsed = parse_dates(text, "ISO8601")
    failed = parsed.isna().to_numpy() & ~missing & keep
    if failed.any():
        guess = pd.tseries.api.guess_datetime_format(text[~missing].iloc[0], dayfirst=order == "DMY")
        formats = [in_order(guess, order)] if guess else []
        if guess and order is None and "%m" in guess and "%d" in guess:  # 12/1/2010 vs 1/12/2010: try both
            formats.append(swap_day_month(guess))
        formats.append("mixed")
        for fmt in formats:
            alt = parse_dates(text, fmt, dayfirst=order == "DMY")
            bad = alt.isna().to_numpy() & ~missing & keep
            if bad.sum() < failed.sum():
                parsed, failed, fmt_used = alt, bad, fmt
                note = _("dates in column {col} read as {fmt}").format(col=col, fmt=fmt) if fmt != "mixed" else None
            if not failed.any():
                break
    return parsed, failed, fmt_used, note


def swap_day_month(fmt: str) -> str:
    return fmt.replace("%m", "\0").replace("%d", "%m").replace("\0", "%d")


def in_order(fmt: str, order: str | None) -> str:
    """``fmt`` with day and month in ``order`` ("DMY": %d before %m, "MDY": %m before %d)."""
    if order not in ORDER_WORDS or "%m" not in fmt or "%d" not in fmt:
        return fmt
    day_first = fmt.index("%d") < fmt.index("%m")
    return fmt if day_first == (order == "DMY") else swap_day_month(fmt)


def parse_dates(text: pd.Series, fmt: str, dayfirst: bool = False) -> pd.Series:
    """UTC datetimes of ``text`` in format ``fmt``; NaT where a value does not parse."""
    try:
        return pd.to_datetime(text, errors="coerce", utc=True, format=fmt, dayfirst=dayfirst)
    except (ValueError, TypeError, OverflowError):
        return pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns, UTC]")
