"""Reading an .xlsx file defensively: size, encryption and zip-bomb limits, then each sheet's values,
formulas and merged ranges, and the hidden layout record (without openpyxl's slow merged-cell styling)."""

from __future__ import annotations

import io
import posixpath
import re
import warnings
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

from openpyxl import Workbook, load_workbook
from openpyxl.utils.cell import column_index_from_string, coordinate_from_string, range_boundaries

from report_kit._readers import read_limited
from report_kit._zipsafe import ZipRefused, inflate, repack
from report_kit.errors import InputFileError, SourceDocumentError
from report_kit.formats import get_format
from report_kit.i18n import N_, _
from report_kit.sheets._layout import LAYOUT_SHEET, LAYOUT_VERSION, META_KEYS, Layout, Slot

MAX_BYTES = 20 * 1024 * 1024  # a filled workbook for a few hundred agencies is well under 5 MB
MAX_UNZIPPED = 200 * 1024 * 1024  # refuse zip bombs before openpyxl inflates them

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # encrypted .xlsx and old .xls are OLE2 compound files


def _read_bytes(path: Path) -> bytes:
    """The workbook, re-packed from members inflated under MAX_UNZIPPED whatever its zip headers declare."""
    try:
        data = read_limited(path, MAX_BYTES, what=N_("over the limit for an intake workbook; remove pictures or "
                                                     "unrelated sheets and save it again"))
    except InputFileError as exc:
        raise SourceDocumentError(str(exc)) from None
    if data[:8] == _OLE2:
        raise SourceDocumentError(
            _("{path}: encrypted (password-protected) workbook or old Excel 97-2003 .xls file; remove the password "
              "(文件 → 信息 → 保护工作簿) and save it as .xlsx, then import again").format(path=path))
    if not data.startswith(b"PK\x03\x04"):
        raise SourceDocumentError(_("{path}: not an .xlsx workbook (Excel 2007 or later); open it in Excel or WPS "
                                    "and save it as .xlsx").format(path=path))
    try:
        members = inflate(data, MAX_UNZIPPED)
    except ZipRefused as exc:
        raise SourceDocumentError(_("{path}: damaged .xlsx file ({why}); save it again from Excel").format(
            path=path, why=exc)) from None
    if "xl/workbook.xml" not in members:
        raise SourceDocumentError(_("{path}: a zip archive but not an Excel workbook; give the filled .xlsx "
                                    "file").format(path=path))
    return repack(members)


@dataclass
class _SheetData:
    """What import needs of one worksheet, read without openpyxl's slow merged-cell styling."""

    title: str
    state: str
    values: dict[str, tuple[Any, str]]  # cell → (value or cached formula result, openpyxl data type)
    formulas: set[str]
    merged: list[tuple[str, tuple[int, int, int, int]]]  # "D5:E5", (min_col, min_row, max_col, max_row)

    def value(self, cell: str) -> Any:
        return self.values.get(cell, (None, "n"))[0]


_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"


def _sheet_parts(zf: zipfile.ZipFile) -> dict[str, str]:
    """Sheet title → its XML part in the archive, from xl/workbook.xml and its relationships."""
    rels = ET.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target", "") for r in rels.iter(f"{{{_PKG_REL_NS}}}Relationship")}
    book = ET.fromstring(zf.read("xl/workbook.xml"))
    parts = {}
    for sheet in book.iter(f"{{{_MAIN_NS}}}sheet"):
        target = targets.get(sheet.get(f"{{{_REL_NS}}}id"), "")
        parts[sheet.get("name", "")] = target.lstrip("/") if target.startswith("/") else \
            posixpath.normpath(posixpath.join("xl", target))
    return parts


def _formulas_and_merges(zf: zipfile.ZipFile, part: str) -> tuple[set[str], list[str]]:
    formulas: set[str] = set()
    merges: list[str] = []
    with zf.open(part) as fh:
        for _, el in ET.iterparse(fh, events=("end",)):
            tag = el.tag.rpartition("}")[2]
            if tag == "c":
                if el.find(f"{{{_MAIN_NS}}}f") is not None and el.get("r"):
                    formulas.add(el.get("r", ""))
                el.clear()
            elif tag == "row":
                el.clear()
            elif tag == "mergeCell" and el.get("ref"):
                merges.append(el.get("ref", ""))
    return formulas, merges


def _read_sheets(path: Path, data: bytes) -> tuple[Layout, list[_SheetData]]:
    """The layout record and every worksheet's values, formulas and merged ranges."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about extensions it drops; irrelevant here
            wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
            try:
                layout = _read_layout(wb, path)
                rows = max(coordinate_from_string(s.cell)[1] for s in layout.slots)
                cols = max(column_index_from_string(coordinate_from_string(s.cell)[0]) for s in layout.slots)
                with zipfile.ZipFile(io.BytesIO(data)) as zf:
                    parts = _sheet_parts(zf)
                    sheets = []
                    for ws in wb.worksheets:
                        values = {c.coordinate: (c.value, c.data_type)
                                  for row in ws.iter_rows(max_row=rows, max_col=cols) for c in row
                                  if c.value is not None}
                        formulas, merges = _formulas_and_merges(zf, parts[ws.title])
                        sheets.append(_SheetData(ws.title, ws.sheet_state, values, formulas,
                                                 [(m, range_boundaries(m)) for m in merges]))
            finally:
                wb.close()
    except SourceDocumentError:
        raise
    except Exception as exc:  # any parser failure on untrusted input is a bad document, not a crash
        why = f"{type(exc).__name__}: {exc}"
        raise SourceDocumentError(_("{path}: cannot be read as an .xlsx workbook ({why}); open it in Excel and save "
                                    "it again as .xlsx").format(path=path, why=why)) from None
    return layout, sheets


_COORD = re.compile(r"^[A-Z]{1,3}[1-9]\d{0,6}$")


def _read_layout(wb: Workbook, path: Path) -> Layout:
    damaged = _("{path}: the hidden layout sheet {sheet!r} is damaged; make a new workbook with `report-kit sheet "
                "new` and copy the figures into it").format(path=path, sheet=LAYOUT_SHEET)
    if LAYOUT_SHEET not in wb.sheetnames:
        raise SourceDocumentError(_("{path}: not a report-kit intake workbook (no {sheet!r} sheet); make one with "
                                    "`report-kit sheet new` and copy the figures into it").format(
                                        path=path, sheet=LAYOUT_SHEET))
    info: dict[str, str] = {}
    sheets: list[str] = []
    slots: list[Slot] = []
    for row in wb[LAYOUT_SHEET].iter_rows(min_row=2, max_col=5, values_only=True):
        kind, key, cell, span, expect = (("" if v is None else str(v)) for v in row)
        if kind == "info":
            info[key] = expect
        elif kind == "sheet":
            sheets.append(key)
        elif kind in ("meta", "figure", "text", "label"):
            if not _COORD.match(cell) or (span and not re.fullmatch(r"[A-Z]{1,3}\d{1,7}:[A-Z]{1,3}\d{1,7}", span)):
                raise SourceDocumentError(damaged)
            slots.append(Slot(kind, key, cell, span, expect))  # type: ignore[arg-type]
        elif kind:
            raise SourceDocumentError(damaged)
    try:
        year, fmt = int(info["year"]), get_format(info["format"])
    except (KeyError, ValueError):
        raise SourceDocumentError(damaged) from None
    keys = [s.key for s in slots if s.kind != "label"]
    expected = [*META_KEYS, *(f"{fmt.table(t).params_key}.{r.key}.{c.key}" for t, r, c in fmt.cells()),
                *(f"text.{k}" for k in fmt.text_keys)]
    if sorted(keys) != sorted(expected) or info.get("layout_version") != LAYOUT_VERSION:
        raise SourceDocumentError(damaged)
    return Layout(year, fmt.id, tuple(slots), tuple(sheets))
