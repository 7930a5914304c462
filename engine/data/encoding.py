"""Text encodings of a user's file: byte-order marks, UTF-8, and detection by charset-normalizer.

``decode`` reads a BOM (UTF-8, UTF-16, UTF-32: Excel's "Unicode text"), else UTF-8, else asks
charset-normalizer (GB18030/GBK, Big5, Shift-JIS, EUC-KR, cp1252/latin-1, cp1250, ...). A UTF-8
file with a few lines in another encoding (one line pasted from an old system) is read as UTF-8
and those lines in the encoding detected for them; a note names them by line number, so a
"Müller" never turns into "MÃ¼ller" and nothing is silently mis-decoded.
"""

from __future__ import annotations

import re
import unicodedata
from typing import NamedTuple

from engine.errors import DataFormatError

SNIFF_BYTES = 256 * 1024
#: Bytes charset-normalizer looks at (the whole file is then decoded strictly with its choice).
DETECT_BYTES = 2 * 2**20
UTF16_32_BOMS = (b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")
#: Single-byte code pages charset-normalizer confuses on short samples (a German file "is" cp1250
#: or hp_roman8, a Turkish one cp1252): among the detected one and these three, the one whose
#: accented characters are most often letters of the supported languages wins, cp1252 (Windows'
#: Western default) on a tie.
_LATIN_CHOICES = ("cp1252", "cp1250", "cp1254")
_LETTERS = frozenset("ºªäöüßÄÖÜéèêëàâæçîïôœùûÿÉÈÊËÀÂÆÇÎÏÔŒÙÛŸáíóúñÁÍÓÚÑìòÌÒãõÃÕąćęłńśźżĄĆĘŁŃŚŹŻğıİşĞŞøØåÅ")
_NAMES = {"utf_8": "utf-8", "latin_1": "latin-1", "utf_16": "utf-16", "gb2312": "gb18030", "gbk": "gb18030",
          "cp936": "gb18030", "euc_kr": "cp949", "shift_jis": "cp932"}


class Decoded(NamedTuple):
    """text: the file as str; encoding: the name reported to the user; notes: lines to show."""

    text: str
    encoding: str
    notes: list


def decode(raw: bytes, name: str) -> Decoded:
    """Decode ``raw`` (the bytes of file ``name``); DataFormatError for binary data, HTML pages
    and text no encoding reads."""
    notes: list[str] = []
    if raw.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        text, enc = _strict(raw, "utf-32", name), "utf-32"
    elif raw.startswith(UTF16_32_BOMS):
        text, enc = _strict(raw, "utf-16", name), "utf-16"
    elif raw.startswith(b"\xef\xbb\xbf"):
        text, enc = _strict(raw, "utf-8-sig", name), "utf-8-sig"
    else:
        _refuse_nul(raw, name)
        try:
            text, enc = raw.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            text, enc, notes = _legacy(raw, name)
    _refuse_non_text(text, name)
    return Decoded(text, enc, notes)


def _refuse_nul(raw: bytes, name: str) -> None:
    nul = raw.find(b"\x00")
    if nul < 0:
        return
    core = raw[:SNIFF_BYTES].rstrip(b"\x00")
    if core[1::2].count(0) > len(core) // 4 or core[0::2].count(0) > len(core) // 4:
        raise DataFormatError("looks like UTF-16 text without a byte-order mark; save it as UTF-8", path=name)
    if nul and len(raw.rstrip(b"\x00")) == nul:
        raise DataFormatError(f"the text ends in {len(raw) - nul:,} NUL bytes from byte {nul:,} (a damaged "
                              "or padded file); cut them off or export the file again", path=name)
    raise DataFormatError(f"looks like a binary file, not a text table (a NUL byte at byte {nul:,})", path=name)


def _refuse_non_text(text: str, name: str) -> None:
    sample = text[:SNIFF_BYTES]
    controls = sum(sample.count(chr(c)) for c in (*range(1, 9), 11, 12, *range(14, 32), *range(127, 160)))
    if controls > max(2, len(sample) // 100):
        raise DataFormatError("cannot determine the text encoding (or it is not a text table); "
                              "save it as UTF-8 CSV", path=name)
    lead = sample.lstrip().lower()
    if lead.startswith(("<!doctype html", "<html", "<?xml", "<head", "<body")) or "<html" in lead[:2048]:
        raise DataFormatError("is an HTML/XML page, not a table (a web page saved under a table's name?)",
                              path=name)


def _strict(raw: bytes, enc: str, name: str) -> str:
    try:
        return raw.decode(enc)
    except UnicodeDecodeError as e:
        line = raw.count(b"\n", 0, e.start) + 1
        raise DataFormatError(f"is not valid {enc} text (byte {e.start})", path=name, row=line) from None


def _legacy(raw: bytes, name: str) -> tuple[str, str, list[str]]:
    """(text, encoding, notes) of bytes that are not all UTF-8: mostly-UTF-8 files keep UTF-8 and
    decode their odd lines apart; other files are decoded whole with the detected encoding."""
    lines = raw.split(b"\n")
    utf8, odd = 0, []
    for i, line in enumerate(lines):
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
            utf8 += 1
        except UnicodeDecodeError:
            odd.append(i)
    if utf8 > len(odd):
        legacy = detect(b"\n".join(lines[i] for i in odd), name)
        for i in odd:
            lines[i] = lines[i].decode(legacy, "replace").encode("utf-8")
        shown = ", ".join(f"{i + 1:,}" for i in odd[:10]) + (f" and {len(odd) - 10:,} more" if len(odd) > 10 else "")
        note = (f"{len(odd):,} line(s) are not UTF-8 like the other {utf8:,} lines with accents or other "
                f"scripts; read them as {legacy} (line {shown}): check them")
        return b"\n".join(lines).decode("utf-8"), "utf-8", [note]
    enc = detect(raw, name)
    return _strict(raw, enc, name), enc, []


def detect(raw: bytes, name: str) -> str:
    """The encoding charset-normalizer finds for ``raw`` (its first DETECT_BYTES, cut at a line end)
    that decodes all of ``raw``; DataFormatError when none does."""
    from charset_normalizer import from_bytes
    sample = raw if len(raw) <= DETECT_BYTES else raw[: raw.rfind(b"\n", 0, DETECT_BYTES) + 1 or DETECT_BYTES]
    tried = []
    for match in from_bytes(sample):
        enc = _NAMES.get(match.encoding, match.encoding)
        if enc in tried or enc.startswith(("utf_16", "utf_32", "utf-16", "utf-32")):
            continue
        tried.append(enc)
        try:
            raw.decode(enc)
        except (UnicodeDecodeError, LookupError):
            continue
        return _western(raw, enc)
    for enc in ("cp1252", "latin-1"):
        if enc in tried:
            continue
        try:
            text = raw.decode(enc)
        except UnicodeDecodeError:
            continue
        if sum(ch.isalpha() for ch in text if ord(ch) > 127) >= 0.5 * sum(ord(ch) > 127 for ch in text):
            return enc
    raise DataFormatError("cannot determine the text encoding (tried "
                          f"{', '.join(tried) or 'every detector guess'}); save it as UTF-8 CSV", path=name)


def _single_byte(enc: str) -> bool:
    """True for a code page with one byte per character (cp1252, hp_roman8, ...), not GB18030 & co."""
    try:
        return len(bytes(range(0x80, 0x100)).decode(enc, errors="replace")) == 0x80
    except LookupError:
        return False


def _latin_letters(enc: str) -> bool:
    """True when the letters of code page ``enc``'s upper half (bytes 0xC0-0xFF) are mostly Latin."""
    upper = bytes(range(0xC0, 0x100)).decode(enc, errors="replace")
    letters = [ch for ch in upper if ch.isalpha()]
    return sum("LATIN" in unicodedata.name(ch, "") for ch in letters) * 2 >= len(letters) > 0


def _western(raw: bytes, enc: str) -> str:
    """Among ``enc`` and cp1252 / cp1250 / cp1254, the Latin code page whose accented characters are
    most often letters of the supported languages (cp1252 first on a tie); ``enc`` when it is not a
    Latin code page (GB18030, cp1251 Cyrillic, KOI8-R, Greek...: the detector's choice stands)."""
    if not _single_byte(enc) or not _latin_letters(enc):
        return enc
    sample = raw[:SNIFF_BYTES]
    best, best_score = enc, None
    for cand in dict.fromkeys((*_LATIN_CHOICES, enc)):
        try:
            text = sample.decode(cand)
        except UnicodeDecodeError:
            continue
        score = _word_score(text)
        if best_score is None or score > best_score:
            best, best_score = cand, score
    return best


def _word_score(text: str) -> int:
    """How well ``text``'s non-ASCII characters read as words: +1 for a letter of a supported
    language next to another letter ("Müller", "Wysyłka"), -1 for a symbol inside a word ("Wysy³ka");
    a symbol among digits or spaces ("£5.00", "Ł5.00") counts for neither code page."""
    score = 0
    for m in re.finditer(r"[^\x00-\x7f]", text):
        i, ch = m.start(), m.group()
        before = text[i - 1] if i else " "
        after = text[i + 1] if i + 1 < len(text) else " "
        if not (before.isalpha() or after.isalpha()):
            continue
        if ch in _LETTERS:
            score += 1
        elif not ch.isalpha() and before.isalpha() and after.isalpha():
            score -= 1
    return score
