"""Rules across consecutive years of one agency (run when the previous year's params exist)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from report_kit import figures
from report_kit.checks._core import Finding, rule

if TYPE_CHECKING:
    from report_kit.model import AgencyYear


def _consecutive(ay: AgencyYear, previous: AgencyYear | None) -> AgencyYear | None:
    return previous if previous is not None and previous.year == ay.year - 1 else None


@rule("XY-CARRY", "error", "上年结转衔接",
      "本年 二、上年结转政府信息公开申请数量 = 上一年度 四、结转下年度继续办理（每一申请人列及总计列）")
def carry_over(ay: AgencyYear, previous: AgencyYear | None) -> Iterator[Finding]:
    prev = _consecutive(ay, previous)
    if prev is None:
        return
    # formats may differ: carry_over compares only the columns both share
    for col, now, then in figures.carry_over(ay, prev):
        if now is None or then is None or now == then:
            continue
        yield Finding(
            "XY-CARRY", "error", "三", f"表三 二、上年结转 × {col.label}",
            f"本年“上年结转”（{col.label}）为{now}件，但{prev.year}年报告的“结转下年度继续办理”为{then}件。",
            expected=str(then), actual=str(now), key=col.key)


@rule("XY-INFORCE", "error", "现行有效件数衔接",
      "2021格式：本年 现行有效件数 = 上一年度 现行有效件数 + 本年制发件数 − 本年废止件数")
def in_force(ay: AgencyYear, previous: AgencyYear | None) -> Iterator[Finding]:
    prev = _consecutive(ay, previous)
    if prev is None:
        return
    t, pt = ay.fmt.table("二"), prev.fmt.table("二")
    for role in ("rules", "normative"):
        rows, prows = t.rows_by_role(role), pt.rows_by_role(role)
        if not rows or not prows:
            continue
        rk, pk = t.key_of(role), pt.key_of(role)
        cols = {r: t.column_by_role(rk, r) for r in ("made", "repealed", "in_force")}
        pcol = pt.column_by_role(pk, "in_force")
        if None in cols.values() or pcol is None:
            continue  # the previous year used the 2019 form, which has no 现行有效件数
        made, rep, now = (ay.get("二", rk, c.key) for c in cols.values())  # type: ignore[union-attr]
        before = prev.get("二", pk, pcol.key)
        if None in (made, rep, now, before):
            continue
        expected = before + made - rep  # type: ignore[operator]
        if now != expected:
            yield Finding(
                "XY-INFORCE", "error", "二", f"表二 {t.row_label(rk)} × 现行有效件数",
                f"“{rows[0].label}”现行有效{now}件，但上年现行有效{before}件加本年制发{made}件、减本年废止{rep}件应为{expected}件。",
                expected=str(expected), actual=str(now), key=rk)


@rule("XY-ITEMS", "error", "上一年项目数量衔接",
      "2019格式：本年 上一年项目数量 = 上一年度 上一年项目数量 + 上一年度 本年增/减")
def items(ay: AgencyYear, previous: AgencyYear | None) -> Iterator[Finding]:
    prev = _consecutive(ay, previous)
    if prev is None:
        return
    t, pt = ay.fmt.table("二"), prev.fmt.table("二")
    prev_keys = {r.key for r in pt.data_rows()}
    for rk, row in t.figure_rows():
        col = t.column_by_role(rk, "items_before")
        if col is None or rk not in prev_keys:
            continue
        pb, pd = pt.column_by_role(rk, "items_before"), pt.column_by_role(rk, "items_delta")
        if pb is None or pd is None:
            continue
        now, before, delta = ay.get("二", rk, col.key), prev.get("二", rk, pb.key), prev.get("二", rk, pd.key)
        if None in (now, before, delta):
            continue
        expected = before + delta  # type: ignore[operator]
        if now != expected:
            yield Finding(
                "XY-ITEMS", "error", "二", f"表二 {t.row_label(rk)} × 上一年项目数量",
                f"“{row.label}”上一年项目数量为{now}，但{prev.year}年报告的上一年项目数量{before}加本年增/减{delta}应为{expected}。",
                expected=str(expected), actual=str(now), key=rk)


@rule("XY-JUMP", "info", "数据大幅变化", "同一单元格与上一年度相比变化超过十倍（任一年不为0）")
def jumps(ay: AgencyYear, previous: AgencyYear | None) -> Iterator[Finding]:
    prev = _consecutive(ay, previous)
    if prev is None:
        return
    for tid in ("三",):
        t = ay.fmt.table(tid)
        for role in ("new", "handled_total"):
            rk, row = t.key_of(role), t.row_by_role(role)
            now, then = ay.t3(rk), prev.t3(rk)
            if not now or not then:
                continue
            if now > 10 * then or then > 10 * now:
                yield Finding(
                    "XY-JUMP", "info", "三", f"表三 {row.numbered} × 总计",
                    f"“{row.label}”由{prev.year}年的{then}件变为{now}件，变化超过十倍，请核实。",
                    expected=f"约{then}件量级", actual=str(now), key=rk)
