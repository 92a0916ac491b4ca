"""Writing the intake workbook: styles, Excel's own checks, protection, the 说明 and hidden layout sheets."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Protection, Side
from openpyxl.utils.cell import column_index_from_string, coordinate_from_string, get_column_letter
from openpyxl.worksheet.cell_range import MultiCellRange
from openpyxl.worksheet.copier import WorksheetCopy
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from report_kit.files import atomic_write_bytes
from report_kit.formats import Format, format_for_year
from report_kit.model import MAX_FIGURE
from report_kit.registry import Agency
from report_kit.sheets._layout import (
    BLANK_SHEET,
    FIRST_FIGURE_COL,
    INFO_SHEET,
    LAYOUT_SHEET,
    LAYOUT_VERSION,
    TEXT_SPAN,
    Layout,
    _Plan,
    _plan,
    _width,
)

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
    written = "、".join(s.num for s in fmt.analyst_sections)
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
        f"6. {written}部分的文字直接填在对应的大单元格中，单元格内换行请按 Alt+Enter。",
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
