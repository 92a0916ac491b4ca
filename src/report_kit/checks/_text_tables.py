"""Rules on what the text says against the tables: stated counts, shares, "none" and "all done" claims.

Text-vs-table rules flag only what a sentence states unambiguously: a false alarm costs a reviewer's
trust more than a miss, so sentences that mix bases (含上年结转, 受理, 备案) are left alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, NamedTuple

from report_kit import figures
from report_kit.checks._core import Finding, rate, rule
from report_kit.checks._prose import _mentions, _section_num, _stable_key, _statements, _texts
from report_kit.checks._shares import SharePattern

if TYPE_CHECKING:
    from report_kit.model import AgencyYear

APPS = re.compile(r"(?:新?收到|新收)[^，。；0-9]{0,14}?(?:政府信息公开申请|依申请公开申请|公开申请)\D{0,4}?(\d+)\s*件")
REVIEW = re.compile(r"行政复议(?:案件)?\D{0,2}?(\d+)\s*(?:起|件)")
LAWSUIT = re.compile(r"行政诉讼(?:案件)?\D{0,2}?(\d+)\s*(?:起|件)")
AMBIGUOUS = ("含", "包括", "结转", "受理", "备案", "累计", "以来")


class Stated(NamedTuple):
    name: str  # the table's label of the figure
    said: int  # the number in the sentence
    figure: int  # the table's own figure
    bases: frozenset[int]  # every figure a sentence in another basis may mean
    text: str  # the matched words


def _stated_figures(ay: AgencyYear) -> Iterator[tuple[str, str, list[Stated]]]:
    """(section key, sentence, stated figures) per sentence that states an application, review or
    lawsuit count. Applications have several bases: 新收, 新收 + 上年结转 (受理), 办理结果总计."""
    t3, t4 = ay.fmt.table("三"), ay.fmt.table("四")
    apps = figures.applications(ay)
    new = apps.new
    review, lawsuit = figures.reviews_and_lawsuits(ay)
    app_bases = {v for v in (new, apps.handled, apps.received) if v is not None}
    checks = ((APPS, new, t3.row_by_role("new").label, app_bases),
              (REVIEW, review, t4.rows[0].label, {review}),
              (LAWSUIT, lawsuit, t4.rows[1].role or "", {lawsuit}))
    for key, sentence, _ in _statements(ay):
        stated = [Stated(name, int(m.group(1)), int(figure), frozenset(int(b) for b in bases), m.group(0))  # type: ignore[arg-type]
                  for pattern, figure, name, bases in checks
                  if figure is not None and (m := pattern.search(sentence)) is not None]
        if stated:
            yield key, sentence, stated


@rule("TEXT-TABLE", "error", "正文与表格不一致",
      "正文明确陈述的申请数、复议数、诉讼数应与表三、表四一致（含上年结转、受理、备案等口径不同的句子不比对）")
def text_vs_tables(ay: AgencyYear, previous: AgencyYear | None) -> Iterator[Finding]:
    seen: dict[str, int] = {}
    for key, sentence, stated in _stated_figures(ay):
        if _mentions(sentence, AMBIGUOUS):
            continue  # another basis: TEXT-BASIS notes it when no basis fits
        for s in stated:
            if s.said != s.figure:
                yield Finding(
                    "TEXT-TABLE", "error", _section_num(ay, key), ay.fmt.section(key).title,
                    f"正文称“{s.text}”，但表格中{s.name}为{s.figure}件。",
                    expected=str(s.figure), actual=str(s.said), key=_stable_key(key, s.text, seen))


@rule("TEXT-BASIS", "info", "正文数字口径待核实",
      "含“备案、累计、含、受理”等口径词的句子所述申请数、复议数、诉讼数与表格的任何口径都不一致时，提示核实")
def text_other_basis(ay: AgencyYear, previous: AgencyYear | None) -> Iterator[Finding]:
    seen: dict[str, int] = {}
    for key, sentence, stated in _stated_figures(ay):
        off = [s for s in stated if s.said not in s.bases]
        if not off or not _mentions(sentence, AMBIGUOUS):
            continue
        said = "；".join(f"{s.name}：正文{s.said}件，表格{'/'.join(map(str, sorted(s.bases)))}件" for s in off)
        yield Finding(
            "TEXT-BASIS", "info", _section_num(ay, key), ay.fmt.section(key).title,
            f"正文“{sentence.strip()[:60]}”所述数字与表格不同（{said}），可能口径不同，请核实或在正文中说明口径。",
            expected="、".join(str(s.figure) for s in off), actual="、".join(str(s.said) for s in off),
            key=_stable_key(key, sentence, seen))


@rule("TEXT-ZERO", "error", "正文称无而表格有",
      "正文称“未收到政府信息公开申请”时表三本年新收应为0；称“未发生…行政复议、行政诉讼”时表四总计应为0；"
      "称“未被纠错/未败诉”时表四结果纠正应为0")
def text_says_none(ay: AgencyYear, previous: AgencyYear | None) -> Iterator[Finding]:
    new = figures.applications(ay).new or 0
    cases, corrected = figures.case_sum(ay), figures.case_sum(ay, "corrected")
    corrected_label = next(c.label for c in ay.fmt.table("四").columns if c.role == "corrected")
    seen: dict[str, int] = {}
    for key, sentence, _ in _statements(ay):
        said = sentence.strip()[:40]
        if re.search(r"未(?:收到|受理)[^，。；]{0,10}申请", sentence) and new:
            yield Finding("TEXT-ZERO", "error", _section_num(ay, key), ay.fmt.section(key).title,
                          f"正文称“{said}”，但表三本年新收申请为{new}件。",
                          expected=str(new), actual="0", key=_stable_key(key, "未收到申请", seen))
        if not re.search(r"未(?:发生|有|出现)[^，。；]{0,30}行政(?:复议|诉讼)", sentence):
            continue
        # "未发生…被纠错或…败诉" denies corrections, not cases (上海市政府办公厅 2025)
        if re.search(r"纠错|纠正|败诉|撤销|确认违法", sentence):
            if corrected:
                yield Finding("TEXT-ZERO", "error", _section_num(ay, key), ay.fmt.section(key).title,
                              f"正文称“{said}”，但表四{corrected_label}共{corrected}件。",
                              expected=str(corrected), actual="0", key=_stable_key(key, "未被纠错", seen))
        elif cases:
            yield Finding("TEXT-ZERO", "error", _section_num(ay, key), ay.fmt.section(key).title,
                          f"正文称“{said}”，但表四共有{cases}件复议、诉讼案件。",
                          expected=str(cases), actual="0", key=_stable_key(key, "未发生复议诉讼", seen))


ALL_DONE = re.compile(r"(?:所有|全部)[^，。；]{0,10}申请[^，。；]{0,6}(?:均已|均|全部|都已)[^，。；]{0,8}"
                      r"(?:办理完成|办结|办理完毕|答复完毕)|申请[^，。；]{0,4}均已办结")


@rule("TEXT-DONE", "error", "正文称全部办结而有结转",
      "正文称“所有申请均已办结/办理完成”时，表三 四、结转下年度继续办理应为0")
def text_says_all_done(ay: AgencyYear, previous: AgencyYear | None) -> Iterator[Finding]:
    out = figures.carried_out(ay)
    if not out:
        return
    row = ay.fmt.table("三").row_by_role("carried_out")
    seen: dict[str, int] = {}
    for key, sentence, _ in _statements(ay):
        if m := ALL_DONE.search(sentence):
            yield Finding("TEXT-DONE", "error", _section_num(ay, key), ay.fmt.section(key).title,
                          f"正文称“{m.group(0)}”，但表三“{row.numbered}”为{out}件。",
                          expected=f"说明{out}件结转", actual=m.group(0), key=_stable_key(key, m.group(0), seen))


# names (2-6 characters each, joined by 、及和与), N件, 占 X%: parsed without backtracking (see _shares)
SHARE = SharePattern()


@rule("TEXT-SHARE", "error", "正文比例与表格不一致",
      "正文“某办理结果N件，占X%”：N等于表三该项（总计列），X%等于N除以办理结果总计（允许四舍五入误差0.6个百分点）")
def shares(ay: AgencyYear, previous: AgencyYear | None) -> Iterator[Finding]:
    groups = dict(figures.outcome_groups(ay))
    apps = figures.applications(ay)
    seen: dict[str, int] = {}
    for key, sentence, _ in _statements(ay):
        # the base the sentence states: 含上年结转/受理 → 新收 + 结转; 新收 → 新收; otherwise 办理结果总计
        if _mentions(sentence, ("结转", "受理")):
            base = apps.received
        elif "新收" in sentence:
            base = apps.new
        else:
            base = apps.handled
        for m in SHARE.finditer(sentence):
            names = [n for n in re.split(r"、|及|和|与", m.group(1)) if n]
            names = [next((g for g in groups if n.endswith(g)), "") for n in names]
            if not names or "" in names or any(groups[n] is None for n in names):
                continue  # not unambiguously outcomes of table 三: leave it alone
            figure = sum(groups[n] or 0 for n in names)
            stated, pct = int(m.group(2)), float(m.group(3))
            label = "、".join(names)
            if stated != figure:
                yield Finding("TEXT-SHARE", "error", _section_num(ay, key), ay.fmt.section(key).title,
                              f"正文称“{m.group(0)}”，但表三{label}为{figure}件。", expected=str(figure),
                              actual=str(stated), key=_stable_key(key, m.group(0), seen))
            elif base and abs(100 * stated / base - pct) > 0.6:
                right = rate(stated, base)
                yield Finding("TEXT-SHARE", "error", _section_num(ay, key), ay.fmt.section(key).title,
                              f"正文称“{m.group(0)}”，但{stated}件占所述基数{base}件的{right}。",
                              expected=right, actual=f"{pct}%", key=_stable_key(key, m.group(0), seen))


@rule("TEXT-CASES", "warning", "复议诉讼未在正文说明",
      "表四有复议或诉讼案件（尤其尚未审结的）而正文未提及复议、诉讼，且未启用自动生成的第四部分文字")
def cases_unmentioned(ay: AgencyYear, previous: AgencyYear | None) -> Iterator[Finding]:
    if ay.narrative.get(ay.fmt.section_with_table("四").key, True) is not False:
        return  # the generated sentences of section 四 state every group's cases
    t = ay.fmt.table("四")
    cases, pending = figures.case_sum(ay), figures.case_sum(ay, "pending")
    text = "".join(v for _, v in _texts(ay))
    if cases and not _mentions(text, ("复议", "诉讼")):
        said = f"共{cases}件，其中尚未审结{pending}件" if pending else f"共{cases}件"
        yield Finding("TEXT-CASES", "warning", "四", t.title,
                      f"表四有行政复议、行政诉讼案件（{said}），正文未作说明。",
                      expected="正文说明复议诉讼情况", actual="未提及", key="cases")
