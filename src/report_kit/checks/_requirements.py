"""Content a form requires of a section's text (its ``requires`` flags): the fee statement, last year's
problems, the overview's topics. A rule reads the flag, never the form's id, so a form that does not ask for
the content is not checked for it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from report_kit.checks._core import Finding, rule
from report_kit.checks._prose import _mentions

if TYPE_CHECKING:
    from report_kit.model import AgencyYear

FEE_WORDS = re.compile(r"处理费|收费|收取费用")


@rule("REQ-FEE", "warning", "信息处理费说明",
      "格式要求时（2021格式的六、其他需要报告的事项）应说明本年度收取信息处理费的情况（收取与否、金额）")
def fee_statement(ay: AgencyYear, previous: AgencyYear | None) -> Iterator[Finding]:
    section = ay.fmt.requiring("fee_statement")
    if section is None or ay.fee_charged is not None:
        return  # a fee figure in params makes the narrative state it
    text = ay.text.get(section.key) or ""
    if text.strip() and not FEE_WORDS.search(text):  # an empty section: TEXT-EMPTY says it
        yield Finding("REQ-FEE", "warning", section.num, section.title,
                      f"{ay.fmt.id}年版格式要求在第{section.num}部分说明信息处理费的收取情况，"
                      "本报告未说明（可在参数 facts.fee 中填写）。",
                      expected="说明是否收取信息处理费", actual="未说明", key="fee")


@rule("REQ-RECTIFY", "warning", "上年问题整改",
      "格式要求时（2021格式的五、存在的主要问题及改进情况）应报告上年度问题的整改情况")
def rectification(ay: AgencyYear, previous: AgencyYear | None) -> Iterator[Finding]:
    section = ay.fmt.requiring("rectification")
    if section is None:
        return
    text = re.sub(r"\s+", "", ay.text.get(section.key) or "")
    # "整改措施" alone is this year's plan; the rule asks what became of last year's problems
    if text and not _mentions(text, ("上年", "上一年", "去年", f"{ay.year - 1}年", "以前年度", "往年")):
        yield Finding("REQ-RECTIFY", "warning", section.num, section.title,
                      f"第{section.num}部分未报告上年度存在问题的整改情况。", expected="上年度问题整改情况",
                      actual="未提及", key="rectify")


OVERVIEW_TOPICS = {
    "主动公开": ("主动公开",),
    "依申请公开": ("依申请公开", "公开申请"),
    "政府信息管理": ("信息管理", "信息资源", "保密审查", "公开属性", "发布审查", "发布审核", "信息清理",
                 "清理过期", "标准目录", "公开目录", "公开指南"),
    "平台建设": ("平台", "网站", "政务新媒体", "公开专栏"),
    "监督保障": ("监督", "保障", "考核", "培训", "责任追究"),
}


@rule("REQ-OVERVIEW", "warning", "总体情况要点",
      "格式要求时（2021格式的一、总体情况）应涵盖主动公开、依申请公开、政府信息管理、平台建设、监督保障")
def overview_topics(ay: AgencyYear, previous: AgencyYear | None) -> Iterator[Finding]:
    section = ay.fmt.requiring("overview_topics")
    if section is None:
        return
    text = ay.text.get(section.key) or ""
    missing = [topic for topic, words in OVERVIEW_TOPICS.items() if not _mentions(text, words)]
    if text.strip() and missing:
        yield Finding("REQ-OVERVIEW", "warning", section.num, section.title,
                      f"总体情况未涉及：{'、'.join(missing)}。", expected="五个方面均有说明",
                      actual="缺" + "、".join(missing), key="topics")
