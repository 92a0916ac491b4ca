"""Rules on the report as a document: every section written, the form prescribed for its year, the
publication date."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import TYPE_CHECKING

from report_kit.checks._core import UNVERIFIED, Finding, rule
from report_kit.checks._prose import _section_num
from report_kit.deadlines import Deadline, deadline_for, kind
from report_kit.errors import FormatError
from report_kit.formats import Format, format_for_year

if TYPE_CHECKING:
    from report_kit.checks._context import Context
    from report_kit.model import AgencyYear

@rule("TEXT-EMPTY", "error", "章节缺失或为空",
      "一、五、六部分的分析文字都应填写（无内容时写明“无”）；导入的文档在某部分之前结束（其标题及之后的标题都没有）时，"
      "只提示无法核实（可能是节选或截断）", context=True)
def empty_sections(ay: AgencyYear, previous: AgencyYear | None, context: Context) -> Iterator[Finding]:
    doc = context.document
    keys = [s.key for s in ay.fmt.sections]
    last = max((keys.index(k) for k in {**doc.unmatched, **doc.headings}), default=-1) if doc else len(keys)
    cut: list[str] = []
    for key in ay.fmt.text_keys:
        if (ay.text.get(key) or "").strip():
            continue
        title = ay.fmt.section(key).title
        if doc is not None and keys.index(key) > last:
            cut.append(title)  # the document ends before this section: an excerpt, or cut off
            continue
        yield Finding("TEXT-EMPTY", "error", _section_num(ay, key), title,
                      f"“{title}”部分没有内容；如确无可报告事项，请写明“无”。", key=key)
    if cut:
        yield Finding("TEXT-EMPTY", "info", _section_num(ay, ay.fmt.text_keys[-1]), "、".join(cut),
                      f"文档在“{cut[0]}”之前结束，{'、'.join(cut)}无法核实（可能是节选或截断的文档）。",
                      expected="完整的报告", actual="未见", key=UNVERIFIED)


def _prescribed(year: int) -> Format | None:
    """The form prescribed for ``year`` (the newest that covers it), None when no form does."""
    try:
        return format_for_year(year)
    except FormatError:
        return None


@rule("FORMAT-YEAR", "error", "格式与年度不符",
      "2019、2020年度使用国办公开办函〔2019〕60号格式；2021年度起使用国办公开办函〔2021〕30号格式")
def format_year(ay: AgencyYear, previous: AgencyYear | None) -> Iterator[Finding]:
    right = _prescribed(ay.year)
    if right is None or right.id != ay.fmt.id:
        yield Finding(
            "FORMAT-YEAR", "error", "二", "报告格式",
            f"{ay.year}年度报告应使用{right.notice if right else '适用的'}格式，但本报告使用的是{ay.fmt.notice}格式。",
            expected=right.id if right else None, actual=ay.fmt.id, key="format")


def _deadline(ay: AgencyYear, context: Context) -> Deadline:
    """The agency's deadline as the office's status and region report compute it (``deadlines.deadline_for``): the
    registry's entry and local rules when known, Article 49 for the bodies it names, else unknown."""
    entry = context.registry.get(ay.slug) if context.registry is not None else None
    subject = kind(getattr(entry, "body", None) or ay.body, getattr(entry, "level", None) or ay.level,
                   getattr(entry, "deadline", None), getattr(entry, "deadline_basis", None))
    return deadline_for(subject, ay.year, context.deadline_rules)


@rule("PUBLISH-DATE", "error", "发布日期",
      "发布日期应晚于统计期末；不晚于该机关的公布期限（机构名录登记的期限或本地规定；否则《条例》第四十九条："
      "县级以上人民政府部门1月31日，县级以上地方人民政府3月31日；其他机关无登记期限时不判断逾期）", context=True)
def publish_date(ay: AgencyYear, previous: AgencyYear | None, context: Context) -> Iterator[Finding]:
    if ay.published is None:
        return
    close = date(ay.year, 12, 31)
    if ay.published <= close:
        yield Finding("PUBLISH-DATE", "error", "一", "发布日期",
                      f"发布日期{ay.published.isoformat()}早于统计期末{close.isoformat()}，年度报告不可能在年度结束前发布。",
                      expected=f"> {close.isoformat()}", actual=ay.published.isoformat(), key="early")
        return
    deadline = _deadline(ay, context)
    if deadline.due is None:
        yield Finding("PUBLISH-DATE", "info", "一", "发布日期",
                      f"无法判断是否按期公布：{deadline.rule}。", expected="公布期限", actual=ay.published.isoformat(),
                      key=UNVERIFIED)
    elif ay.published > deadline.due:
        guessed = "；机关层级由名称推断" if "level" in ay.inferred or "body" in ay.inferred else ""
        yield Finding("PUBLISH-DATE", "warning", "一", "发布日期",
                      f"年度报告应于{deadline.due.isoformat()}前公布（{deadline.rule}{guessed}），"
                      f"本报告发布日期为{ay.published.isoformat()}，已逾期。",
                      expected=f"≤ {deadline.due.isoformat()}", actual=ay.published.isoformat(), key="late")
