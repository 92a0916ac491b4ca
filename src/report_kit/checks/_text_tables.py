"""Rules on what the text says against the tables: stated counts, shares, "none" and "all done" claims.

Text-vs-table rules flag only what a sentence states unambiguously: a false alarm costs a reviewer's
trust more than a miss, so sentences that mix bases (含上年结转, 受理, 备案) are left alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, NamedTuple

from report_kit import figures
from report_kit.checks._core import UNVERIFIED, Finding, rate, rule
from report_kit.checks._prose import _mentions, _section_num, _stable_key, _statements, _texts
from report_kit.checks._shares import SharePattern
from report_kit.figures import Reading

if TYPE_CHECKING:
    from report_kit.model import AgencyYear

APPS = re.compile(r"(?:新?收到|新收|受理|接收|接到)[^，。；0-9]{0,14}?(?:政府信息公开申请|依申请公开申请|公开申请)"
                  r"\D{0,4}?(\d+)\s*件")
REVIEW = re.compile(r"行政复议(?:案件)?\D{0,2}?(\d+)\s*(?:起|件)")
LAWSUIT = re.compile(r"行政诉讼(?:案件)?\D{0,2}?(\d+)\s*(?:起|件)")
AMBIGUOUS = ("含", "包括", "结转", "受理", "备案", "累计", "以来")


class Stated(NamedTuple):
    name: str  # the table's label of the figure
    said: int  # the number in the sentence
    figure: Reading  # the table's own figure (总计, else the applicant columns' sum)
    bases: tuple[Reading, ...]  # every figure a sentence in another basis may mean
    text: str  # the matched words


def _from_tables(r: Reading) -> str:
    """How the figure was read, when not simply from 总计 (said in every message that uses it)."""
    if r.source == figures.TOTAL and not r.blanks:
        return ""
    blanks = f"，其中{r.blanks}格空白未计入" if r.blanks else ""
    return f"（总计列空白，按各申请人列之和{blanks}）"


def _stated_figures(ay: AgencyYear) -> Iterator[tuple[str, str, list[Stated]]]:
    """(section key, sentence, stated figures) per sentence that states an application, review or
    lawsuit count. Applications have several bases: 新收, 新收 + 上年结转 (受理), 办理结果总计."""
    t3, t4 = ay.fmt.table("三"), ay.fmt.table("四")
    apps = figures.application_readings(ay)
    review, lawsuit = figures.reviews_and_lawsuits(ay)
    app_bases = (apps["new"], apps["handled_total"], apps["new"] + apps["carried_in"])
    checks = ((APPS, apps["new"], t3.row_by_role("new").label, app_bases),
              (REVIEW, _exact(review), t4.rows[0].label, ()),
              (LAWSUIT, _exact(lawsuit), t4.rows[1].role or "", ()))
    for key, sentence, _ in _statements(ay):
        stated = [Stated(name, int(m.group(1)), figure, bases or (figure,), m.group(0))
                  for pattern, figure, name, bases in checks
                  if figure.known is not None and (m := pattern.search(sentence)) is not None]
        if stated:
            yield key, sentence, stated


def _exact(value: int | None) -> Reading:
    return Reading(value, 0, figures.TOTAL) if value is not None else Reading(None, 1, figures.TOTAL)


@rule("TEXT-TABLE", "error", "正文与表格不一致",
      "正文明确陈述的申请数、复议数、诉讼数应与表三、表四一致（表三读总计列，总计空白时读各申请人列之和并注明；"
      "有空白时只在所述数字小于已填写部分时报错；含上年结转、受理、备案等口径不同的句子不比对）")
def text_vs_tables(ay: AgencyYear, previous: AgencyYear | None) -> Iterator[Finding]:
    seen: dict[str, int] = {}
    for key, sentence, stated in _stated_figures(ay):
        if _mentions(sentence, AMBIGUOUS):
            continue  # another basis: TEXT-BASIS notes it when no basis fits
        for s in stated:
            if s.figure.contradicts(s.said):
                yield Finding(
                    "TEXT-TABLE", "error", _section_num(ay, key), ay.fmt.section(key).title,
                    f"正文称“{s.text}”，但表格中{s.name}为{s.figure.known}件{_from_tables(s.figure)}。",
                    expected=str(s.figure.known), actual=str(s.said), key=_stable_key(key, s.text, seen),
                    quote=sentence.strip())


@rule("TEXT-BASIS", "info", "正文数字口径待核实",
      "含“备案、累计、含、受理”等口径词的句子所述申请数、复议数、诉讼数与表格的任何口径都不一致时，提示核实"
      "（表格截断、某一口径未能读取时，其余至少两种口径均不一致亦提示）")
def text_other_basis(ay: AgencyYear, previous: AgencyYear | None) -> Iterator[Finding]:
    seen: dict[str, int] = {}
    for key, sentence, stated in _stated_figures(ay):
        # every basis the tables give contradicts the sentence; a basis a cut table leaves unknown is passed over
        # when at least two others are known (said in the message)
        off = [s for s in stated
               if len(known := [b for b in s.bases if b.known is not None]) >= min(2, len(s.bases))
               and all(b.contradicts(s.said) for b in known)]
        if not off or not _mentions(sentence, AMBIGUOUS):
            continue
        said = "；".join(f"{s.name}：正文{s.said}件，表格"
                        f"{'/'.join(str(b.known) for b in s.bases if b.known is not None)}件" for s in off)
        unread = "（表格另有口径未能读取）" if any(b.known is None for s in off for b in s.bases) else ""
        yield Finding(
            "TEXT-BASIS", "info", _section_num(ay, key), ay.fmt.section(key).title,
            f"正文“{sentence.strip()[:60]}”所述数字与表格不同（{said}）{unread}，可能口径不同，请核实或在正文中说明口径。",
            expected="、".join(str(s.figure.known) for s in off), actual="、".join(str(s.said) for s in off),
            key=_stable_key(key, sentence, seen), quote=sentence.strip())


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


def _share_base(ay: AgencyYear, sentence: str) -> tuple[str, Reading]:
    """The base a sentence's shares are of: 含上年结转/受理 → 新收 + 结转; 新收 → 新收; otherwise 办理结果总计."""
    apps = figures.application_readings(ay)
    if _mentions(sentence, ("结转", "受理")):
        return "本年新收与上年结转之和", apps["new"] + apps["carried_in"]
    if "新收" in sentence:
        return "本年新收", apps["new"]
    return "办理结果总计", apps["handled_total"]


@rule("TEXT-SHARE", "error", "正文比例与表格不一致",
      "正文“某办理结果N件，占X%”：N等于表三该项（总计列，总计空白时为各申请人列之和；有空白时N不得小于已填写部分），"
      "X%等于N除以所述基数（办理结果总计，或含上年结转时本年新收与上年结转之和），"
      "允许0.1个百分点或所写精度末位的半个单位的舍入误差")
def shares(ay: AgencyYear, previous: AgencyYear | None) -> Iterator[Finding]:
    groups = dict(figures.outcome_readings(ay))
    seen: dict[str, int] = {}
    unverified: list[str] = []
    for key, sentence, _ in _statements(ay):
        base_name, base = _share_base(ay, sentence)
        for m in SHARE.finditer(sentence):
            names = [n for n in re.split(r"、|及|和|与", m.group(1)) if n]
            names = [next((g for g in groups if n.endswith(g)), "") for n in names]
            if not names or "" in names:
                continue  # not unambiguously outcomes of table 三: leave it alone
            figure = groups[names[0]]
            for n in names[1:]:
                figure = figure + groups[n]
            stated, pct = int(m.group(2)), m.group(3)
            label = "、".join(names)
            where = dict(section=_section_num(ay, key), location=ay.fmt.section(key).title,
                         key=_stable_key(key, m.group(0), seen), quote=sentence.strip())
            if figure.known is None:
                unverified.append(f"“{m.group(0)}”（表三{label}空白）")
            elif figure.contradicts(stated):
                yield Finding(rule="TEXT-SHARE", severity="error", message=f"正文称“{m.group(0)}”，但表三{label}为"
                              f"{figure.known}件{_from_tables(figure)}。",
                              expected=str(figure.known), actual=str(stated), **where)
            elif figure.exact is None:
                unverified.append(f"“{m.group(0)}”（表三{label}有{figure.blanks}格空白）")
            elif base.exact is None:
                unverified.append(f"“{m.group(0)}”（{base_name}空白）")
            elif base.exact and abs(100 * stated / base.exact - float(pct)) > figures.share_tolerance(pct):
                right = rate(stated, base.exact)
                yield Finding(rule="TEXT-SHARE", severity="error", message=f"正文称“{m.group(0)}”，但{stated}件占"
                              f"{base_name}{base.exact}件的{right}{_from_tables(base)}。",
                              expected=right, actual=f"{pct}%", **where)
    if unverified:
        yield Finding("TEXT-SHARE", "info", "三", ay.fmt.table("三").title,
                      f"正文所述办理结果及比例无法与表三核对（所需单元格空白，空白不等于0）：{'；'.join(unverified[:5])}。",
                      expected="填写后核实", actual=f"{len(unverified)}处无法核实", key=UNVERIFIED)


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
