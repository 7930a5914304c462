"""Tables written for other people's spreadsheets, formula-safe.

- ``safe_text``: OWASP CSV-injection guidance — a text cell that a spreadsheet would run as a
  formula (it starts with ``=``, ``+``, ``-``, ``@``, a tab, CR or LF, or their full-width forms,
  also after leading spaces) gets a leading ``'``.
- ``CsvSheet``: UTF-8 (with BOM, so Excel reads non-Latin titles) CSV of such cells.
- ``XlsxSheet``: a one-sheet .xlsx streamed straight into the output, every text an inline string
  (a cell type Excel never evaluates), so no formula can come from the data; characters XML
  cannot hold become U+FFFD. (openpyxl's write-only mode would spool the sheet to a named file in
  the system's temporary folder, which a killed export would leave behind with client rows.)

Both write into a file object; ``engine.machine.files.hidden_output`` gives one that appears in
the folder only when complete.
"""

from __future__ import annotations

import contextlib
import csv
import io
import re
import zipfile

import numpy as np
import pandas as pd

#: First characters that make a spreadsheet read a cell as a formula (or hide one behind them).
_RISKY = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")
_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
#: Excel's longest cell text.
MAX_CELL_CHARS = 32_767


def safe_text(value: str) -> str:
    """``value`` with a leading ``'`` when a spreadsheet would otherwise run it as a formula."""
    if value and (value.startswith(_RISKY) or value.lstrip(" \u3000").startswith(_RISKY)):
        return "'" + value
    return value


def _cell_texts(column: pd.Series) -> pd.Series:
    """A text column's cells made formula-safe (numbers and missing values untouched)."""
    return column.map(lambda v: safe_text(v) if isinstance(v, str) else v)


class CsvSheet:
    """Rows appended as DataFrames to a CSV written into the binary file ``fh``."""

    def __init__(self, fh):
        self._out = io.TextIOWrapper(fh, encoding="utf-8-sig", errors="replace", newline="", write_through=True)
        self._header = True

    def write(self, frame: pd.DataFrame) -> None:
        frame = frame.copy()
        for col in frame.columns:
            if frame[col].dtype == object or pd.api.types.is_string_dtype(frame[col].dtype):
                frame[col] = _cell_texts(frame[col].astype(object))
        frame.to_csv(self._out, header=self._header, index=False, quoting=csv.QUOTE_MINIMAL,
                     lineterminator="\r\n")
        self._header = False

    def close(self) -> None:
        self._out.flush()
        self._out.detach()

    def abandon(self) -> None:
        with contextlib.suppress(ValueError, OSError):
            self._out.detach()


def _column_letter(j: int) -> str:
    name = ""
    j += 1
    while j:
        j, r = divmod(j - 1, 26)
        name = chr(65 + r) + name
    return name


def _xml(text: str) -> str:
    text = _XML_BAD.sub("\ufffd", text)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")


_PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/xl/styles.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>'),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'officeDocument" Target="xl/workbook.xml"/></Relationships>'),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'worksheet" Target="worksheets/sheet1.xml"/>'
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'styles" Target="styles.xml"/></Relationships>'),
    "xl/styles.xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
        '<fills count="2"><fill><patternFill patternType="none"/></fill>'
        '<fill><patternFill patternType="gray125"/></fill></fills>'
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
        '<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>'
        '</styleSheet>'),
}
_WORKBOOK = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
             '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
             'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
             '<sheets><sheet name="{name}" sheetId="1" r:id="rId1"/></sheets></workbook>')


class XlsxSheet:
    """A one-sheet workbook streamed into the binary file ``fh``: ``write(frame)`` appends rows
    (the first call's columns are the header), ``close()`` finishes the file."""

    def __init__(self, fh, sheet_name: str = "Sheet1"):
        self._zip = zipfile.ZipFile(fh, "w", zipfile.ZIP_DEFLATED)
        for name, text in _PARTS.items():
            self._zip.writestr(name, text)
        self._zip.writestr("xl/workbook.xml", _WORKBOOK.format(name=_xml(sheet_name[:31])))
        self._sheet = io.TextIOWrapper(self._zip.open("xl/worksheets/sheet1.xml", "w", force_zip64=True),
                                       encoding="utf-8", errors="replace")
        self._sheet.write('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns='
                          '"http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
        self._row = 0
        self._letters: list[str] = []

    def _cells(self, values) -> str:
        if len(self._letters) < len(values):
            self._letters = [_column_letter(j) for j in range(len(values))]
        self._row += 1
        out = [f'<row r="{self._row}">']
        for letter, v in zip(self._letters, values):
            ref = f"{letter}{self._row}"
            if v is None or (isinstance(v, float) and not np.isfinite(v)) or v is pd.NA or v is pd.NaT:
                continue
            if isinstance(v, (bool, np.bool_)):
                out.append(f'<c r="{ref}" t="b"><v>{int(v)}</v></c>')
            elif isinstance(v, (int, float, np.integer, np.floating)):
                out.append(f'<c r="{ref}"><v>{repr(float(v)) if isinstance(v, (float, np.floating)) else int(v)}</v></c>')
            else:
                text = _xml(str(v)[:MAX_CELL_CHARS])
                out.append(f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>')
        out.append("</row>")
        return "".join(out)

    def write(self, frame: pd.DataFrame) -> None:
        if self._row == 0:
            self._sheet.write(self._cells([str(c) for c in frame.columns]))
        columns = [frame[c].astype(object).tolist() for c in frame.columns]
        self._sheet.write("".join(self._cells(row) for row in zip(*columns)))

    def close(self) -> None:
        self._sheet.write("</sheetData></worksheet>")
        self._sheet.close()
        self._zip.close()

    def abandon(self) -> None:
        """Stop after a failure: release the zip writer (the unfinished output is discarded)."""
        for part in (self._sheet, self._zip):
            with contextlib.suppress(Exception):  # noqa: BLE001 - only releasing after another error
                part.close()
