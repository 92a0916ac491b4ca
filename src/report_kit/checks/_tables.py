"""Arithmetic and completeness rules on tables 三 and 四 (the form's own identities)."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import TYPE_CHECKING

from report_kit import figures
from report_kit.checks._core import UNVERIFIED, Finding, iter_cells, rule

if TYPE_CHECKING:
    from report_kit.formats import Table
    from report_kit.model import AgencyYear

SECTION_OF_TABLE = {"二": "二", "三": "三", "四": "四"}


def _known(values: list[int | None]) -> tuple[int, int]:
    """(sum of the filled values, number of blank ones): blanks are never taken as 0."""
    return sum(v for v in values if v is not None), sum(1 for v in values if v is None)


def _blanks_said(blanks: int) -> str:
    return f"（另有{blanks}格空白，未计入）" if blanks else ""


def _unverified(rule_id: str, section: str, location: str, what: str, items: list[str]) -> Finding:
    """The rule's one info saying what it could not verify because cells it needs are blank."""
    shown = "；".join(items[:6]) + (f"等{len(items)}处" if len(items) > 6 else "")
    return Finding(rule_id, "info", section, location,
                   f"{what}无法核实：所需单元格空白（空白不等于0，未按0计算）：{shown}。",
                   expected="填写后核实", actual=f"{len(items)}处无法核实", key=UNVERIFIED)


@rule("T3-BALANCE", "error", "表三勾稽关系",
      "一、本年新收 + 二、上年结转 = 三、（七）总计 + 四、结转下年度继续办理（每一申请人列及总计列；空白不按0计："
      "有空白时只在已填写的一边已超过另一边全部可能值时报错，否则提示无法核实）")
def t3_balance(ay: AgencyYear, previous: AgencyYear | None) -> Iterator[Finding]:
    t = ay.fmt.table("三")
    roles = ("new", "carried_in", "handled_total", "carried_out")
    keys = [t.key_of(r) for r in roles]
    unverified: list[str] = []
    for col in t.columns:
        a, b, c, d = (ay.t3(r, col.key) for r in keys)
        if all(v is None for v in (a, b, c, d)):
            continue  # an all-blank column is reported by the blank-cell rule
        (lhs, lb), (rhs, rb) = _known([a, b]), _known([c, d])
        # with blanks only a side that is complete can be exceeded by the other side's filled part
        if (lb == rb == 0 and lhs != rhs) or (lb == 0 and rhs > lhs) or (rb == 0 and lhs > rhs):
            yield Finding(
                "T3-BALANCE", "error", "三", f"表三 {col.label} 列",
                f"表三“{col.label}”列勾稽关系不平：本年新收与上年结转之和为{lhs}{_blanks_said(lb)}，"
                f"办理结果总计与结转下年度之和为{rhs}{_blanks_said(rb)}。",
                expected=str(lhs), actual=str(rhs), key=col.key,
                quote=f"{_cells(t, keys[:2], (a, b))} ≠ {_cells(t, keys[2:], (c, d))}")
        elif lb or rb:
            blank = "、".join(_short(t.row_label(k)) for k, v in zip(keys, (a, b, c, d), strict=True) if v is None)
            unverified.append(f"“{col.label}”列（{blank}空白）")
    if unverified:
        yield _unverified("T3-BALANCE", "三", "表三", "表三勾稽关系（一+二=三+四）", unverified)


def _short(label: str) -> str:
    """'一、本年新收…' → '一', '（七）总计' → '（七）': how a row is named inside a short quote."""
    return label.split("、")[0] if "、" in label else label[:3]


def _cells(t: Table, keys: list[str], values: tuple[int | None, ...]) -> str:
    """'一 859 + 二 18': the cells an identity adds, quoted."""
    return " + ".join(f"{_short(t.row_label(k))} {'（空白）' if v is None else v}"
                      for k, v in zip(keys, values, strict=True))


@rule("T4-SUM", "error", "表四合计",
      "总计 = 结果维持 + 结果纠正 + 其他结果 + 尚未审结（每一组；空白不按0计：已填写的分项之和超过总计，"
      "或全部填写而不等时报错；总计空白时不核对）")
def t4_sum(ay: AgencyYear, previous: AgencyYear | None) -> Iterator[Finding]:
    t = ay.fmt.table("四")
    addends = "、".join(c.label for c in t.columns if not c.total)  # 结果维持、结果纠正、其他结果、尚未审结
    unverified: list[str] = []
    for gk, group in t.figure_rows():
        parts = [ay.get("四", gk, c.key) for c in t.columns if not c.total]
        total = figures.total(ay, "四", gk)
        name = f"{group.role}·{group.label}" if group.role else group.label
        if total is None:
            continue  # a blank 总计 is a blank cell, reported as such
        known, blanks = _known(parts)  # type: ignore[arg-type]
        if (blanks == 0 and known != total) or known > total:
            yield Finding(
                "T4-SUM", "error", "四", f"表四 {name} 总计",
                f"表四“{name}”的总计为{total}，但{addends}之和为{known}{_blanks_said(blanks)}。",
                expected=str(known), actual=str(total), key=gk,
                quote=" | ".join("（空白）" if v is None else str(v) for v in [*parts, total]))
        elif blanks and blanks < len(parts):
            unverified.append(f"“{name}”（{blanks}格空白，已填写之和{known}，总计{total}）")
    if unverified:
        yield _unverified("T4-SUM", "四", "表四", "表四各组总计", unverified)


@rule("BLANK-CELLS", "warning", "空白单元格", "法定表格中的每一个单元格都应填写（空白不等于0）")
def blank_cells(ay: AgencyYear, previous: AgencyYear | None) -> Iterator[Finding]:
    for tid in ("二", "三", "四"):
        table = ay.fmt.table(tid)
        by_row: dict[str, list[str]] = {}
        for r, c, v in iter_cells(ay, tid):
            if v is None:
                by_row.setdefault(r, []).append(table.column(r, c).label)
        if not by_row:
            continue
        n = sum(len(cols) for cols in by_row.values())
        # one line per row keeps a report with dozens of blanks readable: "（一）予以公开 × 自然人、商业企业…"
        shown = "；".join(f"{table.row_label(r)} × {'、'.join(cols)}" for r, cols in by_row.items())
        yield Finding(
            "BLANK-CELLS", "warning", SECTION_OF_TABLE[tid], f"表{tid}",
            f"表{tid}有{n}个单元格未填写（空白不等于0）：{shown}。",
            expected="全部填写", actual=f"{n}格空白", key=tid)


@rule("T3-LEAVES", "error", "表三办理结果合计",
      "三、（七）总计 = （一）至（六）各项之和（每一申请人列及总计列；空白不按0计：已填写各项之和超过（七）总计，"
      "或全部填写而不等时报错）")
def t3_leaves(ay: AgencyYear, previous: AgencyYear | None) -> Iterator[Finding]:
    t = ay.fmt.table("三")
    total_row = t.row_by_role("handled_total")
    leaves = [r for r in t.leaves_under("handled_total") if r.key]
    unverified: list[str] = []
    for col in t.columns:
        total = ay.t3(t.key_of("handled_total"), col.key)
        values = [ay.t3(r.key, col.key) for r in leaves]  # type: ignore[arg-type]
        if total is None or all(v is None for v in values):
            continue  # nothing to compare: the blank-cell rule names the gaps
        known, blanks = _known(values)
        if (blanks == 0 and known != total) or known > total:
            yield Finding(
                "T3-LEAVES", "error", "三", f"表三 {total_row.numbered} × {col.label}",
                f"表三“{col.label}”列（七）总计为{total}，但（一）至（六）各项之和为{known}{_blanks_said(blanks)}。",
                expected=str(known), actual=str(total), key=col.key)
        elif blanks:
            unverified.append(f"“{col.label}”列（{blanks}格空白）")
    if unverified:
        yield _unverified("T3-LEAVES", "三", "表三", "表三（一）至（六）之和与（七）总计", unverified)


@rule("T3-ROWSUM", "error", "表三申请人合计",
      "总计列 = 自然人 + 商业企业 + 科研机构 + 社会公益组织 + 法律服务机构 + 其他（每一行；空白不按0计：已填写各列"
      "之和超过总计，或全部填写而不等时报错）")
def t3_rowsum(ay: AgencyYear, previous: AgencyYear | None) -> Iterator[Finding]:
    t = ay.fmt.table("三")
    parts = [c for c in t.columns if not c.total]
    unverified: list[str] = []
    for rk, _ in t.figure_rows():
        total = figures.total(ay, "三", rk)
        values = [ay.t3(rk, c.key) for c in parts]
        if total is None or all(v is None for v in values):
            continue
        known, blanks = _known(values)
        if (blanks == 0 and known != total) or known > total:
            yield Finding(
                "T3-ROWSUM", "error", "三", f"表三 {t.row_label(rk)} × 总计",
                f"表三“{t.row_label(rk)}”一行的总计为{total}，但各类申请人之和为{known}{_blanks_said(blanks)}。",
                expected=str(known), actual=str(total), key=rk)
        elif blanks:
            unverified.append(f"“{t.row_label(rk)}”（{blanks}格空白）")
    if unverified:
        yield _unverified("T3-ROWSUM", "三", "表三", "表三各行申请人之和与总计", unverified)


def _t2(ay: AgencyYear, row_key: str, role: str) -> tuple[str, int | None] | None:
    col = ay.fmt.table("二").column_by_role(row_key, role)
    if col is None:
        return None
    v = ay.get("二", row_key, col.key)
    return col.label, (int(v) if v is not None else None)


@rule("T2-ITEMS", "error", "表二项目数量",
      "2019格式：上一年项目数量 + 本年增/减 ≥ 0（项目数量不能为负）")
def t2_items(ay: AgencyYear, previous: AgencyYear | None) -> Iterator[Finding]:
    t = ay.fmt.table("二")
    for rk, row in t.figure_rows():
        before, delta = _t2(ay, rk, "items_before"), _t2(ay, rk, "items_delta")
        if not before or not delta or before[1] is None or delta[1] is None:
            continue
        if before[1] + delta[1] < 0:
            yield Finding(
                "T2-ITEMS", "error", "二", f"表二 {t.row_label(rk)}",
                f"表二“{row.label}”上一年项目数量{before[1]}加本年增/减{delta[1]}为负数，项目数量不可能为负。",
                expected="≥ 0", actual=str(before[1] + delta[1]), key=rk)


@rule("T2-PUBLISHED", "error", "表二公开数量",
      "2019格式：本年新公开数量 ≤ 对外公开总数量")
def t2_published(ay: AgencyYear, previous: AgencyYear | None) -> Iterator[Finding]:
    t = ay.fmt.table("二")
    for rk, row in t.figure_rows():
        new, total = _t2(ay, rk, "published"), _t2(ay, rk, "published_total")
        if not new or not total or new[1] is None or total[1] is None:
            continue
        if new[1] > total[1]:
            yield Finding(
                "T2-PUBLISHED", "error", "二", f"表二 {t.row_label(rk)}",
                f"表二“{row.label}”本年新公开数量{new[1]}大于对外公开总数量{total[1]}。",
                expected=f"≤ {total[1]}", actual=str(new[1]), key=rk)


@rule("T2-ISSUED", "error", "表二制发件数",
      "2021格式：本年制发件数 ≤ 现行有效件数 + 本年废止件数")
def t2_issued(ay: AgencyYear, previous: AgencyYear | None) -> Iterator[Finding]:
    t = ay.fmt.table("二")
    for rk, row in t.figure_rows():
        made, repealed, in_force = (_t2(ay, rk, r) for r in ("made", "repealed", "in_force"))
        if not made or not repealed or not in_force or None in (made[1], repealed[1], in_force[1]):
            continue
        if made[1] > in_force[1] + repealed[1]:  # type: ignore[operator]
            yield Finding(
                "T2-ISSUED", "error", "二", f"表二 {t.row_label(rk)}",
                f"表二“{row.label}”本年制发{made[1]}件，多于现行有效{in_force[1]}件与本年废止{repealed[1]}件之和。",
                expected=f"≤ {in_force[1] + repealed[1]}", actual=str(made[1]), key=rk)  # type: ignore[operator]


@rule("CELL-VALUE", "error", "数值类型",
      "件数为非负整数；2019格式“本年增/减”可为负整数；金额为非负数（可有小数）")
def cell_values(ay: AgencyYear, previous: AgencyYear | None) -> Iterator[Finding]:
    # params.load already refuses these; importers and hand-built AgencyYears reach the rules unvalidated
    for tid in ("二", "三", "四"):
        table = ay.fmt.table(tid)
        for row, col in table.cells():
            rk = row.key or ""  # cells() yields figure rows only: the key is never empty
            v = ay.get(tid, rk, col.key)
            if v is None:
                continue
            if col.kind == "amount":
                ok = isinstance(v, (int, Decimal)) and not isinstance(v, bool) and v >= 0
                want = "非负数"
            else:
                ok = isinstance(v, int) and not isinstance(v, bool) and (col.kind == "delta" or v >= 0)
                want = "整数" if col.kind == "delta" else "非负整数"
            if not ok:
                where = table.cell_label(rk, col.key)
                yield Finding("CELL-VALUE", "error", SECTION_OF_TABLE[tid], f"表{tid} {where}",
                              f"表{tid}“{where}”应为{want}，实际为{v!r}。", expected=want, actual=str(v),
                              key=f"{tid}:{rk}:{col.key}")
