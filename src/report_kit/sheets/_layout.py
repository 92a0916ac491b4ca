"""Where every label and input cell of an agency sheet goes: the plan derived from the form (pure data)."""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Literal

from openpyxl.utils.cell import column_index_from_string, get_column_letter

from report_kit.formats import Format, get_format
from report_kit.params import META_LABELS
from report_kit.render.grid import table_grid

INFO_SHEET = "说明"
LAYOUT_SHEET = "report-kit-layout"
BLANK_SHEET = "agency"
LAYOUT_VERSION = "1"
META_KEYS = ("agency", "short_name", "slug", "year", "format")

SlotKind = Literal["meta", "figure", "text", "label"]

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


def _table_blocks(plan: _Plan, fmt: Format, tid: str) -> None:
    """A table of blocks (二): each block's heading row, its column heads, then its rows."""
    t = fmt.table(tid)
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
                plan.put(Slot("figure", f"{t.params_key}.{row.key}.{col.key}", _addr(plan.row, FIRST_FIGURE_COL + i),
                              expect=col.kind), "input")
            plan.row += 1
    plan.row += 1


def _table_grid(plan: _Plan, fmt: Format, tid: str, left: int) -> None:
    """A tree or groups table (三, 四) exactly as the report renders it (render.grid), merged label cells included."""
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
                plan.put(Slot("figure", f"{t.params_key}.{cell.row}.{cell.col}", _addr(r, c), expect=col.kind),
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
    for section in fmt.sections:  # in the form's order: the text the analyst writes, then the section's table
        if section.analyst:
            _text_section(plan, fmt, section.key)
        if section.table:
            table = fmt.table(section.table)
            if table.shape == "blocks":
                _table_blocks(plan, fmt, table.id)
            else:  # table 四 starts at the first figure column: its labels are all column heads
                _table_grid(plan, fmt, table.id, 1 if table.shape == "tree" else FIRST_FIGURE_COL)
    return plan
