"""Spreadsheet intake: a workbook for departments to fill in, read back into params files.

``new_workbook`` writes one protected sheet per registered agency, laid out like the official
tables (labels from the format, one unlocked cell per figure) plus the three text sections, and a
hidden layout sheet that records where every label and input cell is. ``import_workbook`` reads a
filled workbook back through that record: it checks every label cell still reads its official
label, turns each input cell into a figure or a located problem (``file!sheet!cell: label: what``),
validates the result with the params schema (``params.dumps`` then ``params.loads``) and writes
``<out>/<year>/<slug>.yaml`` atomically, one file per sheet that has no problem.
"""

from __future__ import annotations

import io
import json
import math
import posixpath
import re
import unicodedata
import warnings
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Literal
from xml.etree import ElementTree as ET

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Protection, Side
from openpyxl.utils.cell import (
    column_index_from_string,
    coordinate_from_string,
    get_column_letter,
    range_boundaries,
)
from openpyxl.worksheet.cell_range import MultiCellRange
from openpyxl.worksheet.copier import WorksheetCopy
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from report_kit import params
from report_kit.errors import ParamsError, SourceDocumentError
from report_kit.files import atomic_write_bytes, atomic_write_text
from report_kit.formats import Format, format_for_year, get_format
from report_kit.model import MAX_FIGURE, TABLE_KEYS, TEXT_KEYS, AgencyYear, Number, blank_tables
from report_kit.params import META_LABELS
from report_kit.registry import Agency
from report_kit.render.grid import table_grid

MAX_BYTES = 20 * 1024 * 1024  # a filled workbook for a few hundred agencies is well under 5 MB
MAX_UNZIPPED = 200 * 1024 * 1024  # refuse zip bombs before openpyxl inflates them
INFO_SHEET = "说明"
LAYOUT_SHEET = "report-kit-layout"
BLANK_SHEET = "agency"
LAYOUT_VERSION = "1"
META_KEYS = ("agency", "short_name", "slug", "year", "format")

SlotKind = Literal["meta", "figure", "text", "label"]


# ----------------------------------------------------------------------------------------- layout


@dataclass(frozen=True)
class Slot:
    """One cell the import reads (meta, figure, text) or checks (label).

    ``key`` is the params field the cell fills (``table3.本年新收.自然人``, ``text.总体情况``, ``slug``);
    ``span`` the merged range the cell is meant to be part of (empty: a cell of its own);
    ``expect`` the official label a label cell must read, or a figure's column kind.
    """

    kind: SlotKind
    key: str
    cell: str
    span: str = ""
    expect: str = ""


@dataclass(frozen=True)
class Layout:
    year: int
    format_id: str
    slots: tuple[Slot, ...]
    sheets: tuple[str, ...] = ()  # agency sheets the workbook was made with

    @property
    def fmt(self) -> Format:
        return get_format(self.format_id)

    def inputs(self) -> Iterator[Slot]:
        return (s for s in self.slots if s.kind != "label")

    def labels(self) -> Iterator[Slot]:
        return (s for s in self.slots if s.kind == "label")

    def address(self, key: str) -> str:
        """The cell that holds the params field ``key`` (e.g. ``table3.本年新收.自然人``)."""
        return next(s.cell for s in self.slots if s.kind != "label" and s.key == key)


@dataclass
class _Plan:
    """Slots plus the styling the writer needs and the layout sheet does not record."""

    slots: list[Slot] = field(default_factory=list)
    styles: dict[str, str] = field(default_factory=dict)  # cell → title/head/label/input/value/note
    heights: dict[int, float] = field(default_factory=dict)
    row: int = 1

    def put(self, slot: Slot, style: str) -> None:
        self.slots.append(slot)
        self.styles[slot.cell] = style


# Column widths in characters: A–C hold table 三's three label levels, D onwards one figure each.
WIDTHS = {"A": 8, "B": 14, "C": 40}
FIGURE_WIDTH = 11
FIRST_FIGURE_COL = 4  # D
TEXT_SPAN = ("A", "J")  # text sections and titles span the width of table 三


def _addr(row: int, col: int) -> str:
    return f"{get_column_letter(col)}{row}"


def _span(row: int, col: int, rowspan: int = 1, colspan: int = 1) -> str:
    if rowspan == 1 and colspan == 1:
        return ""
    return f"{_addr(row, col)}:{_addr(row + rowspan - 1, col + colspan - 1)}"


def _width(col: int) -> int:
    return WIDTHS.get(get_column_letter(col), FIGURE_WIDTH)


def _display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _fit(plan: _Plan, row: int, col: int, colspan: int, rowspan: int, text: str) -> None:
    """Raise the row height so a wrapped label shows whole (Excel does not autofit on open)."""
    chars = sum(_width(c) for c in range(col, col + colspan)) * 1.1
    lines = max(1, math.ceil(_display_width(text) / max(chars, 1)))
    need = (15.0 * lines + 4) / rowspan
    plan.heights[row] = max(plan.heights.get(row, 15.0), need)


def _label(plan: _Plan, row: int, col: int, text: str, style: str = "label", rowspan: int = 1,
           colspan: int = 1) -> None:
    plan.put(Slot("label", "", _addr(row, col), _span(row, col, rowspan, colspan), text), style)
    _fit(plan, row, col, colspan, rowspan, text)


def _title_row(plan: _Plan, text: str) -> None:
    left, right = (column_index_from_string(c) for c in TEXT_SPAN)
    _label(plan, plan.row, left, text, "title", colspan=right - left + 1)
    plan.heights[plan.row] = 22.0
    plan.row += 1


def _text_section(plan: _Plan, fmt: Format, key: str) -> None:
    _title_row(plan, fmt.section(key).title)
    left, right = (column_index_from_string(c) for c in TEXT_SPAN)
    plan.put(Slot("text", f"text.{key}", _addr(plan.row, left), _span(plan.row, left, 1, right - left + 1)), "text")
    plan.heights[plan.row] = 160.0
    plan.row += 2


def _table_二(plan: _Plan, fmt: Format) -> None:
    t = fmt.table("二")
    _title_row(plan, t.title)
    width = max(len(b.columns) for b in t.blocks)
    for block in t.blocks:
        _label(plan, plan.row, 1, block.key, "head", colspan=FIRST_FIGURE_COL - 1 + width)
        plan.row += 1
        _label(plan, plan.row, 1, block.head, "head", colspan=FIRST_FIGURE_COL - 1)
        for i, col in enumerate(block.columns):
            _label(plan, plan.row, FIRST_FIGURE_COL + i, col.label, "head")
        plan.row += 1
        for row in block.rows:
            _label(plan, plan.row, 1, row.numbered, colspan=FIRST_FIGURE_COL - 1)
            for i, col in enumerate(block.columns):
                plan.put(Slot("figure", f"table2.{row.key}.{col.key}", _addr(plan.row, FIRST_FIGURE_COL + i),
                              expect=col.kind), "input")
            plan.row += 1
    plan.row += 1


def _table_grid(plan: _Plan, fmt: Format, tid: str, left: int) -> None:
    """Tables 三 and 四 exactly as the report renders them (render.grid), merged label cells included."""
    t = fmt.table(tid)
    _title_row(plan, t.title)
    grid = table_grid(fmt, tid)
    occupied: set[tuple[int, int]] = set()
    rows = [*grid.head, *grid.body]
    for ri, cells in enumerate(rows):
        ci = 0
        for cell in cells:
            while (ri, ci) in occupied:
                ci += 1
            rs, cs = cell.rowspan, cell.colspan
            r, c = plan.row + ri, left + ci
            if cell.row is not None:
                rs = cs = 1  # an input cell is never merged: one cell per figure
                col = t.column(cell.row, cell.col or "")
                plan.put(Slot("figure", f"{TABLE_KEYS[tid]}.{cell.row}.{cell.col}", _addr(r, c), expect=col.kind),
                         "input")
            else:
                _label(plan, r, c, cell.text, "head" if ri < len(grid.head) else "label", rs, cs)
            occupied.update((ri + dr, ci + dc) for dr in range(rs) for dc in range(cs))
            ci += cs
    plan.row += len(rows) + 1


def workbook_layout(fmt: Format, year: int) -> Layout:
    """Where every label and input cell of an agency sheet goes, for a format and report year."""
    return Layout(year, fmt.id, tuple(_plan(fmt).slots))


def _plan(fmt: Format) -> _Plan:
    plan = _Plan(row=3)  # row 1: the report title, row 2: a short hint (decoration, not checked)
    for key in META_KEYS:
        _label(plan, plan.row, 1, META_LABELS[key], colspan=FIRST_FIGURE_COL - 1)
        span = _span(plan.row, FIRST_FIGURE_COL, 1, 5) if key in ("agency", "short_name", "slug") else ""
        plan.put(Slot("meta", key, _addr(plan.row, FIRST_FIGURE_COL), span), "value")
        plan.row += 1
    plan.row += 1
    _text_section(plan, fmt, "总体情况")
    _table_二(plan, fmt)
    _table_grid(plan, fmt, "三", 1)
    _table_grid(plan, fmt, "四", FIRST_FIGURE_COL)
    _text_section(plan, fmt, "问题及改进")
    _text_section(plan, fmt, "其他事项")
    return plan


# ---------------------------------------------------------------------------------------- writing

_THIN = Side(style="thin", color="808080")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_FILLS = {
    "head": PatternFill("solid", fgColor="F2F2F2"),
    "input": PatternFill("solid", fgColor="FFF2CC"),
    "text": PatternFill("solid", fgColor="FFF2CC"),
    "value": PatternFill("solid", fgColor="EDEDED"),
}
_FONT = "宋体"
_HINT = "请只在浅黄色单元格中填写。空白表示“未填报”，与 0 不同；没有发生的事项请填 0。"


def _validations(fmt: Format) -> dict[str, DataValidation]:
    """Excel-side checks per column kind; the import checks the same rules again."""
    def dv(kind: str, op: str, lo: str, hi: str | None, what: str) -> DataValidation:
        v = DataValidation(type=kind, operator=op, formula1=lo, formula2=hi, allow_blank=True,
                           showErrorMessage=True, showInputMessage=True, errorTitle="输入有误",
                           error=f"请填写{what}；没有数据留空，没有发生的事项填 0。")
        v.promptTitle, v.prompt = "填写说明", f"{what}；留空表示未填报。"
        return v

    return {
        "count": dv("whole", "between", "0", str(MAX_FIGURE), "不小于 0 的整数"),
        "delta": dv("whole", "between", str(-MAX_FIGURE), str(MAX_FIGURE), "整数（减少时填负数）"),
        "amount": dv("decimal", "between", "0", str(MAX_FIGURE), "不小于 0 的数字（可以有小数）"),
    }


def _named_styles(wb: Workbook) -> None:
    """One named style per kind of cell: assigning a name is cheap, building style objects per cell is not."""
    for style in ("title", "note", "head", "label", "input", "value", "text"):
        align = Alignment(wrap_text=True, vertical="top") if style == "text" else Alignment(
            wrap_text=True, vertical="center", horizontal="center" if style == "head" else "left")
        wb.add_named_style(NamedStyle(
            name=f"rk-{style}", alignment=align,
            font=Font(name=_FONT, size=14 if style == "title" else 11, bold=style in ("title", "head")),
            fill=_FILLS.get(style, PatternFill()),
            border=_BORDER if style in ("head", "label", "input", "value", "text") else Border(),
            protection=Protection(locked=style not in ("input", "text"))))


def _form(ws: Worksheet, plan: _Plan, fmt: Format, blank: bool) -> None:
    """The agency-independent part of an agency sheet: labels, styles, merged cells, sizes."""
    ws["A2"] = _HINT
    for ref, style in (("A1", "title"), ("A2", "note")):
        ws[ref].style = f"rk-{style}"
        ws.merge_cells(f"{ref}:{TEXT_SPAN[1]}{ref[1:]}")
    ws.row_dimensions[1].height = 24
    for slot in plan.slots:
        cell = ws[slot.cell]
        style = plan.styles[slot.cell]
        if slot.kind == "label":
            cell.value = slot.expect
        # Registered agencies keep the registry's name and slug; a blank sheet is filled in by hand.
        elif slot.kind == "meta" and (slot.key == "short_name" or (blank and slot.key in ("agency", "slug"))):
            style = "input"
        cell.style = f"rk-{style}"
        if slot.span:
            for row in ws[slot.span]:  # borders all round the merged area, not just its first cell
                for c in row:
                    c.style = cell.style
            ws.merge_cells(slot.span)
    col, row = coordinate_from_string(next(s.cell for s in plan.slots if s.key == "format"))
    note = ws.cell(row=row, column=column_index_from_string(col) + 1, value=f"{fmt.notice}（{fmt.years}）")
    note.font = Font(name=_FONT)
    for col in range(1, FIRST_FIGURE_COL + 15):
        ws.column_dimensions[get_column_letter(col)].width = _width(col)
    for row, height in plan.heights.items():
        ws.row_dimensions[row].height = height
    # Printed on A4 landscape, as wide as one page, so a department can check a paper copy.
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0


def _personalise(ws: Worksheet, plan: _Plan, fmt: Format, year: int, agency: Agency | None) -> None:
    """What differs per agency, plus what copy_worksheet does not copy (validation, protection)."""
    ws["A1"] = fmt.title.format(agency=agency.name_for(year) if agency else "（机关名称）", year=year)
    values: dict[str, Any] = {"agency": agency.name_for(year) if agency else None,
                              "short_name": agency.short_name if agency else None,
                              "slug": agency.slug if agency else None, "year": year, "format": fmt.id}
    ranges: dict[str, list[str]] = {}
    for slot in plan.slots:
        if slot.kind == "meta":
            ws[slot.cell] = values[slot.key]
        elif slot.kind == "figure":
            ranges.setdefault(slot.expect, []).append(slot.cell)
    for kind, dv in _validations(fmt).items():
        if kind in ranges:
            dv.sqref = MultiCellRange(" ".join(ranges[kind]))  # at once: add() rescans the range per cell
            ws.add_data_validation(dv)
    # Protected without a password: it guards against moving labels by accident, not against the user.
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False


def _info_sheet(ws: Worksheet, fmt: Format, year: int, titles: list[tuple[str, str]]) -> None:
    kinds = {c.kind: c.label for _, _, c in fmt.cells()}
    lines = [
        f"{year}年政府信息公开工作年度报告数据填报说明",
        f"报告格式：{fmt.notice}（{fmt.years}）",
        "",
        "1. 每个机关一个工作表，工作表名为该机关的目录名。请只填写本机关的工作表。",
        "2. 只在浅黄色单元格中填写。表头和行列标题已锁定，请勿修改，也不要插入、删除或移动行列，否则无法导入。",
        "3. 每个单元格填一个数字：件数、项目数为不小于 0 的整数。",
    ]
    if "delta" in kinds:
        lines.append(f"   “{kinds['delta']}”为整数，减少时填负数。")
    if "amount" in kinds:
        lines.append(f"   “{kinds['amount']}”可以有小数。")
    lines += [
        "4. 没有发生的事项请填 0；留空表示“未填报”，报告中该格为空白，并作为待核实事项列出。",
        "5. 可以使用公式（例如合计），但须在 Excel 或 WPS 中打开并保存后再报送，以保存计算结果。",
        "6. 一、五、六部分的文字直接填在对应的大单元格中，单元格内换行请按 Alt+Enter。",
        "7. 工作表保护没有密码；如确需取消保护，请勿改动任何标题单元格。",
        "8. 填好后保存为 .xlsx 格式报送；不要另存为 .xls，也不要设置打开密码。",
        "",
        "工作表与机关：",
        *(f"   {title}：{name}" for title, name in titles),
    ]
    for i, text in enumerate(lines, start=1):
        cell = ws.cell(row=i, column=1, value=text)
        cell.font = Font(name=_FONT, size=14 if i == 1 else 11, bold=i == 1)
    ws.column_dimensions["A"].width = 120
    ws.protection.sheet = True


def _layout_sheet(ws: Worksheet, layout: Layout) -> None:
    ws.append(["kind", "key", "cell", "span", "expect"])
    ws.append(["info", "layout_version", "", "", LAYOUT_VERSION])
    ws.append(["info", "year", "", "", str(layout.year)])
    ws.append(["info", "format", "", "", layout.format_id])
    for title in layout.sheets:
        ws.append(["sheet", title, "", "", ""])
    for s in layout.slots:
        ws.append([s.kind, s.key, s.cell, s.span, s.expect])
    for row in ws.iter_rows():
        for cell in row:
            cell.data_type = "s"  # keep "2021" and "1" as text
    ws.sheet_state = "veryHidden"
    ws.protection.sheet = True


def _sheet_titles(agencies: list[Agency]) -> list[str]:
    """Slug as sheet title, cut to Excel's 31 characters and kept unique."""
    titles: list[str] = []
    for a in agencies:
        title, n = a.slug[:31], 2
        while title in titles or title in (INFO_SHEET, LAYOUT_SHEET):
            suffix = f"-{n}"
            title, n = a.slug[: 31 - len(suffix)] + suffix, n + 1
        titles.append(title)
    return titles


def new_workbook(year: int, agencies: list[Agency] | None, path: Path) -> None:
    """Write the intake workbook for ``year``: one sheet per agency active that year (or one blank sheet)."""
    fmt = format_for_year(year)
    chosen = [a for a in agencies or () if a.active(year)]
    titles = _sheet_titles(chosen) if chosen else [BLANK_SHEET]
    plan = _plan(fmt)
    layout = Layout(year, fmt.id, tuple(plan.slots), tuple(titles))
    wb = Workbook()
    _named_styles(wb)
    info = wb.active
    assert info is not None
    info.title = INFO_SHEET
    _info_sheet(info, fmt, year, [(t, a.name) for t, a in zip(titles, chosen, strict=True)] if chosen
                else [(BLANK_SHEET, "（请填写机关名称和目录名）")])
    # One sheet is built cell by cell; the others are copies (merging and styling per cell is slow in openpyxl).
    first = wb.create_sheet(titles[0])
    _form(first, plan, fmt, blank=not chosen)
    sheets = [first]
    for title in titles[1:]:
        sheets.append(wb.create_sheet(title))
        WorksheetCopy(first, sheets[-1]).copy_worksheet()
    for i, ws in enumerate(sheets):
        _personalise(ws, plan, fmt, year, chosen[i] if chosen else None)
    _layout_sheet(wb.create_sheet(LAYOUT_SHEET), layout)
    buf = io.BytesIO()
    wb.save(buf)
    atomic_write_bytes(Path(path), buf.getvalue())


# ---------------------------------------------------------------------------------------- reading


@dataclass(frozen=True)
class CellProblem:
    """One bad cell: ``in.xlsx!shanghai-kewei!C14: 表三 …: "十二" is not a whole number``."""

    source: str
    sheet: str
    cell: str | None
    label: str | None
    message: str

    def __str__(self) -> str:
        where = f"{self.source}!{self.sheet}" + (f"!{self.cell}" if self.cell else "")
        return f"{where}: {self.label}: {self.message}" if self.label else f"{where}: {self.message}"


@dataclass
class ImportResult:
    source: Path
    written: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)  # params file already had exactly this content
    skipped: list[str] = field(default_factory=list)  # hidden or foreign sheets, with the reason
    errors: list[CellProblem] = field(default_factory=list)
    failed_sheets: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # encrypted .xlsx and old .xls are OLE2 compound files


def _read_bytes(path: Path) -> bytes:
    try:
        size = path.stat().st_size
        if not path.is_file():
            raise SourceDocumentError(f"{path}: not a file; give the path of the filled .xlsx workbook")
        if size > MAX_BYTES:
            raise SourceDocumentError(f"{path}: file is {size:,} bytes, over the {MAX_BYTES:,}-byte limit for an "
                                      "intake workbook; remove pictures or unrelated sheets and save it again")
        with path.open("rb") as fh:
            head = fh.read(8)
            if head == _OLE2:
                raise SourceDocumentError(
                    f"{path}: encrypted (password-protected) workbook or old Excel 97-2003 .xls file; remove the "
                    "password (文件 → 信息 → 保护工作簿) and save it as .xlsx, then import again")
            if not head.startswith(b"PK\x03\x04"):
                raise SourceDocumentError(f"{path}: not an .xlsx workbook (Excel 2007 or later); "
                                          "open it in Excel or WPS and save it as .xlsx")
            fh.seek(0)
            data = fh.read(MAX_BYTES + 1)
    except OSError as exc:
        raise SourceDocumentError(f"{path}: cannot read: {exc.strerror or exc}") from None
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = set(zf.namelist())
            inflated = sum(i.file_size for i in zf.infolist())
    except (zipfile.BadZipFile, ValueError, EOFError) as exc:
        raise SourceDocumentError(f"{path}: damaged .xlsx file ({exc}); save it again from Excel") from None
    if "xl/workbook.xml" not in names:
        raise SourceDocumentError(f"{path}: a zip archive but not an Excel workbook; give the filled .xlsx file")
    if inflated > MAX_UNZIPPED:
        raise SourceDocumentError(f"{path}: unpacks to {inflated:,} bytes (limit {MAX_UNZIPPED:,}); "
                                  "this is not an intake workbook")
    return data


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
        raise SourceDocumentError(f"{path}: cannot be read as an .xlsx workbook ({type(exc).__name__}: {exc}); "
                                  "open it in Excel and save it again as .xlsx") from None
    return layout, sheets


_COORD = re.compile(r"^[A-Z]{1,3}[1-9]\d{0,6}$")


def _read_layout(wb: Workbook, path: Path) -> Layout:
    damaged = (f"{path}: the hidden layout sheet {LAYOUT_SHEET!r} is damaged; make a new workbook with "
               "`report-kit sheet new` and copy the figures into it")
    if LAYOUT_SHEET not in wb.sheetnames:
        raise SourceDocumentError(f"{path}: not a report-kit intake workbook (no {LAYOUT_SHEET!r} sheet); make one "
                                  "with `report-kit sheet new` and copy the figures into it")
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
    expected = [*META_KEYS, *(f"{TABLE_KEYS[t]}.{r.key}.{c.key}" for t, r, c in fmt.cells()),
                *(f"text.{k}" for k in TEXT_KEYS)]
    if sorted(keys) != sorted(expected) or info.get("layout_version") != LAYOUT_VERSION:
        raise SourceDocumentError(damaged)
    return Layout(year, fmt.id, tuple(slots), tuple(sheets))


def _label_of(fmt: Format, key: str) -> str:
    """The official label of a params field, as messages show it: 表三 一、… × 自然人, 一、总体情况, 机关名称."""
    parts = key.split(".")
    tid = next((t for t, k in TABLE_KEYS.items() if k == parts[0]), None)
    if tid and len(parts) == 3:
        return f"表{tid} {fmt.table(tid).cell_label(parts[1], parts[2])}"
    if parts[0] == "text" and len(parts) == 2:
        return fmt.section(parts[1]).title
    return META_LABELS.get(parts[0], key)


def _shown(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False) if isinstance(value, str) else str(value)


_TABLE_IDS = {k: t for t, k in TABLE_KEYS.items()}
_NUMBER_TEXT = re.compile(r"^[+-]?\d+(\.\d+)?$")
# Characters YAML cannot carry (C0/C1 controls other than tab and newline, surrogates, non-characters).
_BAD_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


_UNCALCULATED = "formula not calculated; open and save in Excel or type the number"


def _figure(value: Any, data_type: str, formula: bool, kind: str) -> tuple[Number | None, str | None]:
    """An input cell as a figure (None = blank), or the reason it is not one."""
    noun = "whole number" if kind in ("count", "delta") else "number"
    if value is None:
        return None, _UNCALCULATED if formula else None
    if data_type == "e":
        return None, f"formula error {value}; correct the formula or type the number"
    if isinstance(value, bool):
        return None, f"{'TRUE' if value else 'FALSE'} is not a {noun}"
    if isinstance(value, (datetime, date, time, timedelta)):
        return None, (f"{value} is a date or time, not a {noun}; set the cell's format to 常规 (General) "
                      "and type the number")
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return None, None
        if not _NUMBER_TEXT.match(text):  # a number stored as text is accepted; anything else is not a figure
            return None, (f"{_shown(value)} is not a {noun}; type digits only, leave the cell empty for a blank "
                          "figure or type 0 for none")
        value = Decimal(text)
    if isinstance(value, float):
        if not math.isfinite(value):
            return None, f"{value} is not a {noun}"
        value = Decimal(format(value, ".15g"))  # Excel keeps 15 significant digits
    try:
        number = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return None, f"{_shown(value)} is not a {noun}"
    if abs(number) > MAX_FIGURE:
        return None, f"is implausibly large (limit {MAX_FIGURE}), got {number}"
    if kind == "amount":
        return number, None
    if number != number.to_integral_value():
        return None, f"{number} is not a whole number"
    return int(number), None


def _text(value: Any, data_type: str, formula: bool) -> tuple[str | None, str | None]:
    if value is None:
        return None, _UNCALCULATED if formula else None
    if data_type == "e":
        return None, f"formula error {value}; type the text instead"
    if isinstance(value, datetime):
        value = value.date().isoformat() if value.time() == time() else value.isoformat()
    elif isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).replace("\r\n", "\n").replace("\r", "\n").strip("\n").rstrip()
    bad = _BAD_CHARS.search(text)
    if bad:
        return None, f"contains the control character U+{ord(bad.group()):04X}; delete it"
    return text or None, None


class _Sheet:
    """Reads one agency sheet; collects every problem instead of stopping at the first."""

    def __init__(self, source: str, ws: _SheetData, layout: Layout) -> None:
        self.source, self.ws, self.layout, self.fmt = source, ws, layout, layout.fmt
        self.problems: list[CellProblem] = []

    def problem(self, cell: str | None, label: str | None, message: str) -> None:
        self.problems.append(CellProblem(self.source, self.ws.title, cell, label, message))

    def untouched(self) -> bool:
        """No figure or text typed in: a sheet another department left for its own agency."""
        return all(s.cell not in self.ws.values and s.cell not in self.ws.formulas
                   for s in self.layout.inputs() if s.kind != "meta")

    def labels_intact(self) -> bool:
        for slot in self.layout.labels():
            actual = self.ws.value(slot.cell)
            shown = "" if actual is None else str(actual).strip()
            if shown != slot.expect:
                self.problem(slot.cell, slot.expect,
                             f"label cell reads {_shown(shown)}; the form was changed (rows or columns inserted, "
                             "deleted or moved, or a label edited), so no figure of this sheet can be trusted; "
                             "undo the change or copy the figures into a new workbook (report-kit sheet new)")
        return not self.problems

    def merges_intact(self) -> None:
        for slot in self.layout.inputs():
            col, row = coordinate_from_string(slot.cell)
            c = column_index_from_string(col)
            for text, (c1, r1, c2, r2) in self.ws.merged:
                if c1 <= c <= c2 and r1 <= row <= r2 and text != slot.span:
                    self.problem(slot.cell, _label_of(self.fmt, slot.key),
                                 f"input cell is merged with other cells ({text}); unmerge it so that every "
                                 "figure has a cell of its own")

    def read(self) -> AgencyYear | None:
        if not self.labels_intact():
            return None
        self.merges_intact()
        fmt, meta, tables = self.fmt, {}, blank_tables(self.fmt)
        texts: dict[str, str | None] = {}
        for slot in self.layout.inputs():
            raw, data_type = self.ws.values.get(slot.cell, (None, "n"))
            formula = slot.cell in self.ws.formulas
            label = _label_of(fmt, slot.key)
            if slot.kind == "figure":
                value, why = _figure(raw, data_type, formula, slot.expect)
                tkey, row, col = slot.key.split(".")
                tables[_TABLE_IDS[tkey]][row][col] = value
            elif slot.kind == "text":
                texts[slot.key.removeprefix("text.")], why = _text(raw, data_type, formula)
            else:
                meta[slot.key], why = _text(raw, data_type, formula)
            if why:
                self.problem(slot.cell, label, why)
        for key, what in (("agency", "type the agency's full name"), ("slug", "type the folder name, e.g. "
                                                                            "'zhuzhou-county-kgxj'")):
            if not meta.get(key):
                self.problem(self.layout.address(key), META_LABELS[key], f"empty; {what}")
        for key, want in (("year", str(self.layout.year)), ("format", fmt.id)):
            if meta.get(key) not in (None, want):
                self.problem(self.layout.address(key), META_LABELS[key],
                             f"reads {_shown(meta[key])} but this workbook was made for {want}; restore it")
        # Cells already reported go to the schema as blank, so its range checks still see every other cell.
        return AgencyYear(fmt=fmt, agency=meta["agency"] or "", slug=meta["slug"] or "", year=self.layout.year,
                          tables=tables, short_name=meta.get("short_name"), text=texts)

    def validate(self, ay: AgencyYear) -> tuple[AgencyYear, str] | None:
        """The params text of ``ay`` after the params schema accepted it; None with problems recorded."""
        text = params.dumps(ay)
        try:
            return params.loads(text, f"{self.source}!{self.ws.title}"), text
        except ParamsError as exc:
            reported = {p.cell for p in self.problems}
            for p in exc.problems:
                slot = next((s for s in self.layout.inputs() if s.key == p.field), None)
                if slot and slot.cell in reported:
                    continue
                label = _label_of(self.fmt, p.field) if slot else p.label
                self.problem(slot.cell if slot else None, label or p.field or None, p.message)
            return None


def _carry_over(ay: AgencyYear, previous: AgencyYear) -> AgencyYear:
    """Fields the workbook does not hold keep their values from the params file being replaced."""
    return replace(ay, body=previous.body, level=previous.level, published=previous.published,
                   catalogue=previous.catalogue, fee_charged=previous.fee_charged, fee_amount=previous.fee_amount,
                   narrative=previous.narrative, acknowledged=previous.acknowledged)


def import_workbook(path: Path, out_dir: Path, *, force: bool = False) -> ImportResult:
    """Read a filled intake workbook into ``out_dir/<year>/<slug>.yaml``, one file per sheet without problems.

    Unreadable, encrypted, oversized or foreign files raise SourceDocumentError before anything is
    written. Problems in cells are collected per sheet in the result; such a sheet writes nothing.
    """
    path, out_dir = Path(path), Path(out_dir)
    layout, sheets = _read_sheets(path, _read_bytes(path))
    result = ImportResult(path)
    source = str(path)
    slugs: dict[str, str] = {}
    agency_label_cell = next(s for s in layout.labels() if s.expect == META_LABELS["agency"]).cell
    for ws in sheets:
        if ws.title in (LAYOUT_SHEET, INFO_SHEET):
            continue
        looks_like_form = str(ws.value(agency_label_cell) or "").strip() == META_LABELS["agency"]
        if ws.title not in layout.sheets and not looks_like_form:
            result.skipped.append(f"{source}!{ws.title}: not an agency sheet of this workbook (no "
                                  f"{META_LABELS['agency']} at {agency_label_cell}); not imported")
            continue
        if ws.state != "visible":
            result.skipped.append(f"{source}!{ws.title}: hidden sheet; not imported (unhide it to import it)")
            continue
        sheet = _Sheet(source, ws, layout)
        if sheet.untouched():
            result.skipped.append(f"{source}!{ws.title}: no figure or text filled in; not imported")
            continue
        ay = sheet.read()
        checked = sheet.validate(ay) if ay is not None else None
        if checked is not None and not sheet.problems:
            _write(sheet, checked, out_dir, force, slugs, result)
        if sheet.problems:
            result.errors.extend(sheet.problems)
            result.failed_sheets.append(ws.title)
    if not result.written and not result.unchanged and not result.errors and not result.skipped:
        raise SourceDocumentError(f"{path}: no agency sheet to import")
    return result


def _write(sheet: _Sheet, checked: tuple[AgencyYear, str], out_dir: Path, force: bool, slugs: dict[str, str],
           result: ImportResult) -> None:
    ay, text = checked
    slug_cell = sheet.layout.address("slug")
    if ay.slug in slugs:
        sheet.problem(slug_cell, META_LABELS["slug"],
                      f"{ay.slug!r} is also the 目录名 of sheet {slugs[ay.slug]!r}; each agency needs its own")
        return
    slugs[ay.slug] = sheet.ws.title
    target = out_dir / str(ay.year) / f"{ay.slug}.yaml"
    existing = target.read_text("utf-8") if target.is_file() else None
    if existing is not None:
        try:
            merged = params.dumps(_carry_over(ay, params.loads(existing, str(target))))
            params.loads(merged, str(target))
            text = merged
        except ParamsError:
            pass  # a broken existing file has nothing worth keeping
        if existing == text:
            result.unchanged.append(target)
            return
        if not force:
            sheet.problem(slug_cell, META_LABELS["slug"],
                          f"{target} exists with other content; not overwritten (pass --force to replace it)")
            return
    atomic_write_text(target, text)
    result.written.append(target)


__all__ = ["BLANK_SHEET", "INFO_SHEET", "LAYOUT_SHEET", "MAX_BYTES", "CellProblem", "ImportResult",
           "Layout", "Slot", "import_workbook", "new_workbook", "workbook_layout"]
