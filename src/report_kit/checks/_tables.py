"""Arithmetic and completeness rules on tables 三 and 四 (the form's own identities)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from report_kit.checks._core import Finding, iter_cells, rule

if TYPE_CHECKING:
    from report_kit.model import AgencyYear

SECTION_OF_TABLE = {"二": "二", "三": "三", "四": "四"}


def _sum(values: list[int | None]) -> int | None:
    """Sum of the filled values, or None when every value is blank."""
    filled = [v for v in values if v is not None]
    return sum(filled) if filled else None


@rule("T3-BALANCE", "error", "表三勾稽关系",
      "一、本年新收 + 二、上年结转 = 三、（七）总计 + 四、结转下年度继续办理（每一申请人列及总计列）")
def t3_balance(ay: AgencyYear, previous: AgencyYear | None) -> Iterator[Finding]:
    t = ay.fmt.table("三")
    new, carried, handled, out = (t.row_by_role(r).key or "" for r in
                                  ("new", "carried_in", "handled_total", "carried_out"))
    for col in t.columns:
        a, b, c, d = (ay.t3(r, col.key) for r in (new, carried, handled, out))
        if all(v is None for v in (a, b, c, d)):
            continue  # an all-blank column is reported by the blank-cell rule
        lhs, rhs = (a or 0) + (b or 0), (c or 0) + (d or 0)
        if lhs != rhs:
            yield Finding(
                "T3-BALANCE", "error", "三", f"表三 {col.label} 列",
                f"表三“{col.label}”列勾稽关系不平：本年新收与上年结转之和为{lhs}，"
                f"办理结果总计与结转下年度之和为{rhs}。",
                expected=str(lhs), actual=str(rhs), key=col.key)


@rule("T4-SUM", "error", "表四合计", "总计 = 结果维持 + 结果纠正 + 其他结果 + 尚未审结（每一组）")
def t4_sum(ay: AgencyYear, previous: AgencyYear | None) -> Iterator[Finding]:
    t = ay.fmt.table("四")
    for group in t.rows:
        gk = group.key or ""
        parts = [ay.get("四", gk, c.key) for c in t.columns if not c.total]
        total_col = next(c for c in t.columns if c.total)
        total = ay.get("四", gk, total_col.key)
        s = _sum(parts)  # type: ignore[arg-type]
        if total is None and s is None:
            continue
        if (s or 0) != (total or 0):
            name = f"{group.role}·{group.label}" if group.role else group.label
            yield Finding(
                "T4-SUM", "error", "四", f"表四 {name} 总计",
                f"表四“{name}”的总计为{total}，但结果维持、结果纠正、其他结果、尚未审结之和为{s or 0}。",
                expected=str(s or 0), actual=str(total), key=gk)


@rule("BLANK-CELLS", "warning", "空白单元格", "法定表格中的每一个单元格都应填写（空白不等于0）")
def blank_cells(ay: AgencyYear, previous: AgencyYear | None) -> Iterator[Finding]:
    for tid in ("二", "三", "四"):
        table = ay.fmt.table(tid)
        blanks = [table.cell_label(r, c) for r, c, v in iter_cells(ay, tid) if v is None]
        if blanks:
            shown = "；".join(blanks[:12]) + (f"；等共{len(blanks)}格" if len(blanks) > 12 else "")
            yield Finding(
                "BLANK-CELLS", "warning", SECTION_OF_TABLE[tid], f"表{tid}",
                f"表{tid}有{len(blanks)}个单元格未填写（空白不等于0）：{shown}。",
                expected="全部填写", actual=f"{len(blanks)}格空白", key=tid)
