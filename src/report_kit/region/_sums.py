"""Tables 二/三/四 summed cell by cell over a set of agencies, and the same set compared with last year.

A cell's total counts its blank addends instead of reading them as 0; an amount is added up only when every
addend has the same, stated unit (the 2019 form's 采购总金额 states none). Agencies whose format lacks a cell,
or words it differently, are not addends of it (they are counted apart, as 不适用).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from report_kit.formats import Format
from report_kit.model import AgencyYear, Number
from report_kit.render.grid import format_number

CellKey = tuple[str, str, str]  # table, row key, column key


@dataclass(frozen=True)
class Total:
    """Σ of one cell over agencies: ``value`` None when every addend is blank or the units do not allow a sum."""

    value: Number | None
    addends: int  # agencies with a figure in this cell
    blanks: int  # agencies that left it blank
    absent: int = 0  # agencies whose form has no such cell
    note: str = ""  # why there is no sum (单位未注明 / 单位不一致)

    @property
    def complete(self) -> bool:
        """A sum of every agency's figure: nothing blank, nothing refused."""
        return self.value is not None and self.blanks == 0 and not self.note

    def text(self) -> str:
        """As the region report prints it: ``123``, ``123（2个空白）``, ``（全部空白）``, ``—（单位未注明）``."""
        if self.note:
            return f"—（{self.note}）"
        if self.value is None:
            return "（全部空白）" if self.blanks else "—"
        shown = format_number(self.value)
        return f"{shown}（{self.blanks}个空白）" if self.blanks else shown


def _same_cell(a: Format, b: Format, key: CellKey) -> bool:
    """``key`` exists in both forms with the same official wording (and unit)."""
    tid, row, col = key
    try:
        ca, cb = a.table(tid).column(row, col), b.table(tid).column(row, col)
        return a.table(tid).cell_label(row, col) == b.table(tid).cell_label(row, col) and ca.unit == cb.unit
    except KeyError:
        return False


def cell_total(ays: Iterable[AgencyYear], fmt: Format, key: CellKey) -> Total:
    """Σ of one cell of ``fmt`` over ``ays``."""
    tid, row, col = key
    column = fmt.table(tid).column(row, col)
    values: list[Number] = []
    blanks = absent = 0
    units: set[str | None] = set()
    for ay in ays:
        if ay.fmt is not fmt and not _same_cell(ay.fmt, fmt, key):
            absent += 1
            continue
        v = ay.get(tid, row, col)
        if v is None:
            blanks += 1
            continue
        values.append(v)
        units.add(ay.fmt.table(tid).column(row, col).unit)
    if column.kind == "amount" and values:
        if len(units) > 1:
            return Total(None, len(values), blanks, absent, "单位不一致")
        if units == {None}:
            return Total(None, len(values), blanks, absent, "单位未注明")
    if not values:
        return Total(None, 0, blanks, absent)
    total: Number = sum(values, Decimal(0) if column.kind == "amount" else 0)
    return Total(total, len(values), blanks, absent)


def table_totals(ays: Sequence[AgencyYear], fmt: Format) -> dict[CellKey, Total]:
    """Every cell of tables 二/三/四 of ``fmt``, summed over ``ays``, in official order."""
    return {(tid, row.key or "", col.key): cell_total(ays, fmt, (tid, row.key or "", col.key))
            for tid, row, col in fmt.cells()}


@dataclass(frozen=True)
class Compared:
    """One cell this year (all filers), and the same set of agencies this year and last year."""

    now: Total
    same_now: Total
    same_before: Total | None  # None: no agency filed both years
    change: Number | None
    why: str = ""  # why there is no change: 含空白, 上年无此项, …

    def change_text(self) -> str:
        if self.change is None:
            return f"—（{self.why}）" if self.why else "—"
        shown = format_number(self.change)
        return f"+{shown}" if self.change > 0 else shown


def compare(now: Sequence[AgencyYear], before: Sequence[AgencyYear], fmt: Format) -> dict[CellKey, Compared]:
    """Each cell this year against last year over the agencies that filed both years (same order as ``now``)."""
    both = {ay.slug for ay in now} & {ay.slug for ay in before}
    same_now = [ay for ay in now if ay.slug in both]
    same_before = [ay for ay in before if ay.slug in both]
    out: dict[CellKey, Compared] = {}
    for tid, row, col in fmt.cells():
        key = (tid, row.key or "", col.key)
        total = cell_total(now, fmt, key)
        if not both:
            out[key] = Compared(total, total, None, None, "上年无可比机关")
            continue
        a, b = cell_total(same_now, fmt, key), cell_total(same_before, fmt, key)
        if b.absent == len(same_before):
            why = "上年报表无此项"
        elif a.note or b.note:
            why = a.note or b.note
        elif a.blanks or b.blanks:
            why = "含空白"
        elif b.absent:
            why = "部分机关上年无此项"
        else:
            why = ""
        change = a.value - b.value if not why and a.value is not None and b.value is not None else None
        out[key] = Compared(total, a, b, change, why)
    return out
