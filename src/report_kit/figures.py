"""Figures derived from an agency-year's tables, defined once for checks, narrative and the region report.

Every function takes a validated ``AgencyYear`` (and, for year-on-year figures, the previous one) and
returns numbers, never text, except ``percent`` which formats a share the way reports print it. Rows and
columns are found by their role in the form (``new``, ``handled_total``, ``corrected`` …) or as the total
column, never by label, so the same code serves every form.

A blank cell is ``None`` and is never silently taken as 0, with two documented exceptions kept from the
rules that use them: ``case_sum`` (blanks add nothing) and ``carried_out`` (a blank 总计 falls back to the
sum of the applicant columns).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from report_kit.formats import Column, Row, Table

if TYPE_CHECKING:
    from report_kit.model import AgencyYear, Number

APPLICATIONS = "三"  # 收到和处理政府信息公开申请情况
CASES = "四"  # 行政复议、行政诉讼情况


def total_column(table: Table) -> Column:
    """The table's 总计 column (tables 三 and 四); every form declares one (checked when it is loaded)."""
    col = table.total_column
    if col is None:
        raise KeyError(f"table {table.id} has no total column")
    return col


def total(ay: AgencyYear, table_id: str, row_key: str) -> Number | None:
    """A row's figure in the 总计 column."""
    return ay.get(table_id, row_key, total_column(ay.fmt.table(table_id)).key)


def applicant_sum(ay: AgencyYear, row_key: str) -> int | None:
    """Sum of table 三's applicant columns (all but 总计) in one row; None when every one is blank."""
    t = ay.fmt.table(APPLICATIONS)
    parts = [ay.get(APPLICATIONS, row_key, c.key) for c in t.columns if not c.total]
    return None if all(p is None for p in parts) else sum(int(p or 0) for p in parts)


@dataclass(frozen=True)
class Applications:
    """Table 三's totals (总计 column): the balance 新收 + 上年结转 = 办理结果总计 + 结转下年度."""

    new: int | None  # 一、本年新收
    carried_in: int | None  # 二、上年结转
    handled: int | None  # 三、（七）总计
    carried_out: int | None  # 四、结转下年度继续办理

    @property
    def received(self) -> int | None:
        """新收 + 上年结转: what reports call 受理 or "含上年结转"; None when either is blank."""
        return None if self.new is None or self.carried_in is None else self.new + self.carried_in


def applications(ay: AgencyYear) -> Applications:
    """Table 三's four balance figures in the 总计 column (None where blank)."""
    t = ay.fmt.table(APPLICATIONS)
    new, carried_in, handled, carried_out = (
        total(ay, APPLICATIONS, t.key_of(role)) for role in ("new", "carried_in", "handled_total", "carried_out"))
    return Applications(new, carried_in, handled, carried_out)  # type: ignore[arg-type]


def carried_out(ay: AgencyYear) -> int | None:
    """结转下年度继续办理: the 总计 column, or the sum of the applicant columns when 总计 is blank."""
    key = ay.fmt.table(APPLICATIONS).key_of("carried_out")
    value = total(ay, APPLICATIONS, key)
    return int(value) if value is not None else applicant_sum(ay, key)


def outcome_groups(ay: AgencyYear) -> list[tuple[str, int | None]]:
    """Table 三's outcomes （一）…（六） by name (予以公开, 不予公开 …) in the 总计 column, in the form's order.

    A group with items (（三）不予公开 1.…8.) is the sum of its items; None when any item is blank.
    """
    t = ay.fmt.table(APPLICATIONS)
    group = t.parent_of(t.key_of("handled_total"))
    col = total_column(t).key
    out: list[tuple[str, int | None]] = []
    for item in group.children if group else ():
        if item.role == "handled_total":
            continue
        values = [ay.get(APPLICATIONS, r.key, col) for r, _ in item.walk() if r.key]
        out.append((item.label.split("（")[0], None if None in values else sum(int(v) for v in values)))  # type: ignore[arg-type]
    return out


def case_groups(ay: AgencyYear) -> list[tuple[Row, Number | None]]:
    """Table 四's groups (行政复议, then the 行政诉讼 groups) with their 总计."""
    t = ay.fmt.table(CASES)
    return [(g, total(ay, CASES, key)) for key, g in t.figure_rows()]


def reviews_and_lawsuits(ay: AgencyYear) -> tuple[int | None, int | None]:
    """(行政复议 总计, 行政诉讼 总计 over its groups); a sum is None when any addend is blank."""
    groups = [v for _, v in case_groups(ay)]
    suits = groups[1:]
    return groups[0], None if None in suits else sum(int(v) for v in suits)  # type: ignore[arg-type]


def case_sum(ay: AgencyYear, role: str | None = None) -> int:
    """Sum over table 四's groups of the column with ``role`` (None: 总计); blank cells add nothing."""
    t = ay.fmt.table(CASES)
    col = next(c for c in t.columns if (c.role == role if role else c.total)).key
    return sum(int(ay.get(CASES, key, col) or 0) for key, _ in t.figure_rows())


def percent(part: Number | None, base: Number | None) -> str:
    """A share as reports print it ('40.00%'); '—' when the base is 0 or unknown (never 0% or 100% by accident)."""
    if part is None or not base:
        return "—"
    return f"{100 * part / base:.2f}%"


TENTH = Decimal("0.1")


def shares(parts: Sequence[Number | None], base: Number | None) -> list[Decimal | None]:
    """Percentages to one decimal that add up to exactly 100.0 (largest remainder), None where unknown.

    Only when every part is known and they add up to ``base``; otherwise each share is rounded on its own
    (the parts do not make a whole, so forcing 100.0 would invent a figure). Ties go to the earlier part.
    """
    if not base:
        return [None] * len(parts)
    if None in parts or sum(p or 0 for p in parts) != base:
        return [None if p is None else (Decimal(100 * p) / Decimal(base)).quantize(TENTH, ROUND_HALF_UP)
                for p in parts]
    tenths = [Decimal(1000 * (p or 0)) / Decimal(base) for p in parts]
    floors = [int(t) for t in tenths]
    order = sorted(range(len(parts)), key=lambda i: (-(tenths[i] - floors[i]), i))
    for i in order[:1000 - sum(floors)]:
        floors[i] += 1
    return [Decimal(f) / 10 for f in floors]


def pct(value: Decimal | None) -> str:
    """A percentage as the narrative prints it: one decimal ('33.3%'); '—' when unknown."""
    return "—" if value is None else f"{value:.1f}%"


@dataclass(frozen=True)
class Change:
    """Year-on-year change of a count: how reports word it (增长X% below 100%, 增长X倍 from 1 up, 下降X%, 持平).

    ``kind`` is up, down, same or from_zero (last year 0, this year more); ``diff`` the absolute difference;
    ``percent`` the change in % to one decimal (up below 100%, down); ``times`` X of 增长X倍 = (new − old) / old
    to one decimal (up from 1)."""

    kind: str
    diff: int
    percent: Decimal | None = None
    times: Decimal | None = None


def change(now: int | None, before: int | None) -> Change | None:
    """This year's count against last year's; None when either is blank."""
    if now is None or before is None:
        return None
    diff = now - before
    if diff == 0:
        return Change("same", 0)
    if before == 0:
        return Change("from_zero", diff)
    ratio = Decimal(abs(diff)) / Decimal(before)
    percent = (100 * ratio).quantize(TENTH, ROUND_HALF_UP)
    if diff < 0:
        return Change("down", -diff, percent=percent)
    if percent < 100:  # decided on the printed figure: 99.96% prints 100.0%, so it is 增长1倍
        return Change("up", diff, percent=percent)
    return Change("up", diff, times=ratio.quantize(TENTH, ROUND_HALF_UP))


def carry_over(ay: AgencyYear, previous: AgencyYear | None) -> list[tuple[Column, int | None, int | None]]:
    """This year's 上年结转 against last year's 结转下年度, per applicant column both forms share.

    Empty unless ``previous`` is the year just before: (column, this year's figure, last year's figure).
    """
    if previous is None or previous.year != ay.year - 1:
        return []
    t, pt = ay.fmt.table(APPLICATIONS), previous.fmt.table(APPLICATIONS)
    this_in, last_out = t.key_of("carried_in"), pt.key_of("carried_out")
    shared = {c.key for c in pt.columns}
    return [(col, ay.get(APPLICATIONS, this_in, col.key), previous.get(APPLICATIONS, last_out, col.key))  # type: ignore[misc]
            for col in t.columns if col.key in shared]


@dataclass(frozen=True)
class Reading:
    """A figure as the tables give it, blanks never taken as 0: the sum of the filled addends (``known``) and how
    many addends were blank. Counts are never negative, so with blanks the figure is at least ``known``."""

    known: int | None  # sum of the filled addends; None when every addend is blank
    blanks: int  # addends left blank
    source: str  # "总计" (the total column) or "各申请人列之和" (the applicant columns, 总计 being blank)

    @property
    def exact(self) -> int | None:
        """The figure when nothing was blank, else None."""
        return self.known if self.blanks == 0 else None

    def contradicts(self, said: int) -> bool:
        """True when ``said`` cannot be the figure: it differs from the exact figure, or is below the known part."""
        if self.known is None:
            return False
        return said != self.known if self.blanks == 0 else said < self.known

    def __add__(self, other: Reading) -> Reading:
        known = None if self.known is None and other.known is None else (self.known or 0) + (other.known or 0)
        source = self.source if self.source == other.source else APPLICANT_SUM
        return Reading(known, self.blanks + other.blanks, source)


TOTAL = "总计"
APPLICANT_SUM = "各申请人列之和"


def row_reading(ay: AgencyYear, row_key: str) -> Reading:
    """A row of table 三 as a figure: its 总计 when filled, else the sum of its applicant columns (blanks counted)."""
    t = ay.fmt.table(APPLICATIONS)
    value = total(ay, APPLICATIONS, row_key)
    if value is not None:
        return Reading(int(value), 0, TOTAL)
    parts = [ay.get(APPLICATIONS, row_key, c.key) for c in t.columns if not c.total]
    filled = [int(p) for p in parts if p is not None]
    return Reading(sum(filled) if filled else None, len(parts) - len(filled), APPLICANT_SUM)


def outcome_readings(ay: AgencyYear) -> list[tuple[str, Reading]]:
    """Table 三's outcomes （一）…（六） by name with the figure the tables hold (``row_reading`` of each item)."""
    t = ay.fmt.table(APPLICATIONS)
    group = t.parent_of(t.key_of("handled_total"))
    out: list[tuple[str, Reading]] = []
    for item in group.children if group else ():
        if item.role == "handled_total":
            continue
        readings = [row_reading(ay, r.key) for r, _ in item.walk() if r.key]
        summed = readings[0]
        for r in readings[1:]:
            summed = summed + r
        out.append((item.label.split("（")[0], summed))
    return out


def application_readings(ay: AgencyYear) -> dict[str, Reading]:
    """Table 三's balance figures by role (new, carried_in, handled_total, carried_out) as ``row_reading``s."""
    t = ay.fmt.table(APPLICATIONS)
    return {role: row_reading(ay, t.key_of(role)) for role in ("new", "carried_in", "handled_total", "carried_out")}


def share_tolerance(stated: str) -> float:
    """How far (percentage points) a printed share may be from the exact one and still be correctly rounded (or
    cut) at the precision it is printed with: 0.1 point, or half a unit of its last digit when that is larger."""
    decimals = len(stated.partition(".")[2])
    return max(0.1, 0.5 * 10 ** -decimals + 1e-9)


__all__ = ["Applications", "Change", "Reading", "applicant_sum", "application_readings", "applications",
           "carried_out", "carry_over", "case_groups", "case_sum", "change", "outcome_groups", "outcome_readings",
           "pct", "percent", "reviews_and_lawsuits", "row_reading", "share_tolerance", "shares", "total",
           "total_column"]
