"""Figures the form allows but a reviewer questions: 规章 below the level that may make them, much made but
little published, many applications carried over, a high correction rate."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from report_kit import figures
from report_kit.checks._core import Finding, rate, rule

if TYPE_CHECKING:
    from report_kit.model import AgencyYear

LEVEL_NAMES = {"county": "县级", "township": "乡镇级"}


@rule("LEVEL-RULES", "warning", "无权制定规章",
      "县级及以下机关（县级人民政府及其部门、乡镇、街道）不能制定规章（只有省级和设区的市级人民政府可以），"
      "表二“规章”一行各项均应为0；机关层级由名称推断时同样只作警告")
def level_rules(ay: AgencyYear, previous: AgencyYear | None) -> Iterator[Finding]:
    if ay.level not in LEVEL_NAMES:
        return
    t = ay.fmt.table("二")
    guessed = f"（{ay.inferred['level']}）" if "level" in ay.inferred else ""
    for rk, row in t.figure_rows():
        if row.role != "rules":
            continue
        filled = [(c.label, v) for c in t.columns_of(rk) if (v := ay.get("二", rk, c.key))]
        if filled:
            said = "、".join(f"{label}{v}" for label, v in filled)
            yield Finding("LEVEL-RULES", "warning", "二", f"表二 {t.row_label(rk)}",
                          f"{LEVEL_NAMES[ay.level]}机关{guessed}无权制定规章，但表二“{row.label}”填有{said}，"  # type: ignore[index]
                          "请核实（可能误填了上级规章或规范性文件）。",
                          expected="0", actual=said, key=rk, quote=f"{row.label} | {said}")


@rule("T2-NORMATIVE", "warning", "规范性文件未公开",
      "2019格式：规范性文件须公开方能生效，本年新制作数量应不大于本年新公开数量")
def normative_unpublished(ay: AgencyYear, previous: AgencyYear | None) -> Iterator[Finding]:
    t = ay.fmt.table("二")
    for rk, row in t.figure_rows():
        made, pub = t.column_by_role(rk, "made"), t.column_by_role(rk, "published")
        if row.role != "normative" or made is None or pub is None:
            continue
        m, p = ay.get("二", rk, made.key), ay.get("二", rk, pub.key)
        if m is not None and p is not None and m > p:
            yield Finding("T2-NORMATIVE", "warning", "二", f"表二 {t.row_label(rk)}",
                          f"表二“{row.label}”本年新制作{m}件，新公开{p}件；规范性文件须公开方能生效，"
                          "请核实是否有未公开的规范性文件或误填了其他公文的数量。",
                          expected=f"≤ {p}", actual=str(m), key=rk, quote=f"{row.label} | {m} | {p}")


@rule("T2-GAP", "info", "制作与公开差距", "2019格式：本年新制作数量远大于本年新公开数量（≥ 2倍且相差3件以上）")
def made_vs_published(ay: AgencyYear, previous: AgencyYear | None) -> Iterator[Finding]:
    t = ay.fmt.table("二")
    for rk, row in t.figure_rows():
        made, pub = t.column_by_role(rk, "made"), t.column_by_role(rk, "published")
        if made is None or pub is None or row.role == "normative":
            continue  # 规范性文件: T2-NORMATIVE says it (they must be published)
        m, p = ay.get("二", rk, made.key), ay.get("二", rk, pub.key)
        if m is not None and p is not None and m >= 2 * p and m - p >= 3:
            yield Finding("T2-GAP", "info", "二", f"表二 {t.row_label(rk)}",
                          f"“{row.label}”本年新制作{m}件，仅新公开{p}件，请核实是否应公开未公开。",
                          expected=f"接近{m}", actual=str(p), key=rk)


@rule("PLAUSIBLE-PENDING", "info", "结转比例偏高", "结转下年度继续办理 > （本年新收 + 上年结转）的一半，且不少于5件")
def pending(ay: AgencyYear, previous: AgencyYear | None) -> Iterator[Finding]:
    t = ay.fmt.table("三")
    apps = figures.applications(ay)
    out, base = apps.carried_out, apps.received
    if out is None or base is None:
        return
    if out >= 5 and 2 * out > base:
        share = rate(out, base)
        where = f"表三 {t.row_by_role('carried_out').numbered} × {figures.total_column(t).label}"
        yield Finding("PLAUSIBLE-PENDING", "info", "三", where,
                      f"结转下年度继续办理{out}件，占本年新收与上年结转之和的{share}，请核实是否存在超期未答复。",
                      expected="≤ 50%", actual=share, key="pending")


@rule("PLAUSIBLE-CORRECTED", "info", "复议诉讼纠正比例",
      "结果纠正 ÷ （结果维持 + 结果纠正 + 其他结果）> 20%（已审结案件不少于5件）")
def corrected(ay: AgencyYear, previous: AgencyYear | None) -> Iterator[Finding]:
    t = ay.fmt.table("四")
    roles = {c.role: c.key for c in t.columns if c.role}
    for gk, g in t.figure_rows():
        vals = [ay.get("四", gk, roles[r]) for r in ("upheld", "corrected", "other")]
        if None in vals:
            continue
        decided = sum(vals)  # type: ignore[arg-type]
        if decided >= 5 and vals[1] * 5 > decided:  # type: ignore[operator]
            share = f"{100 * vals[1] / decided:.1f}%"  # type: ignore[operator]
            name = f"{g.role}·{g.label}" if g.role else g.label
            yield Finding("PLAUSIBLE-CORRECTED", "info", "四", f"表四 {name} 结果纠正",
                          f"“{name}”已审结{decided}件，其中结果纠正{vals[1]}件，占{share}，纠错率偏高。",
                          expected="≤ 20%", actual=share, key=gk)
