"""The year's own figures stated for another year: "2022年，…共制定规范性文件0件，废止…0件，现行有效…0件" in the report
on 2023 (a text copied from last year's report, its year left as it was).

Reports rightly mention other years (comparisons, plans, "2019年以来"), so only a sentence that opens with a single
other year, names no second year and no comparison, and states what table 二 counts for the year (规范性文件 made,
repealed, in force) is flagged — as a warning: the reviewer checks the year.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from report_kit.checks._core import Finding, rule
from report_kit.checks._prose import _section_num, _stable_key, _statements

if TYPE_CHECKING:
    from report_kit.model import AgencyYear

# the year at the sentence's start, after at most a sub-heading ("（三）政府信息管理情况 2022年，")
OPENING_YEAR = re.compile(r"^[^。；，,\d]{0,16}?((?:19|20)\d{2})\s*年度?\s*[，,]")
YEARS = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")
COMPARE = re.compile(r"同比|较上年|较去年|上年|去年|上一年|相比|比上|增长|下降|增加|减少|以来|累计|计划|将")
TABLE2_STATED = re.compile(r"(?:制定|制发|印发|出台|废止|现行有效)[^，。；,\d]{0,10}?规范性文件"
                           r"[^，。；,\d]{0,4}?\d+\s*件")


@rule("TEXT-OTHER-YEAR", "warning", "本年数字冠以其他年份",
      "以其他年份开头、不含比较词、只提一个年份的句子，陈述的是表二当年口径的数字（规范性文件制定、废止、现行有效件数）时，"
      "提示年份可能未改（如2023年度报告中的“2022年，…共制定规范性文件0件”）")
def other_year(ay: AgencyYear, previous: AgencyYear | None) -> Iterator[Finding]:
    seen: dict[str, int] = {}
    for key, sentence, _start in _statements(ay):
        m = OPENING_YEAR.match(sentence)
        if m is None or int(m.group(1)) == ay.year or len(set(YEARS.findall(sentence))) != 1:
            continue
        if COMPARE.search(sentence) or not TABLE2_STATED.search(sentence):
            continue
        said = sentence.strip()
        yield Finding("TEXT-OTHER-YEAR", "warning", _section_num(ay, key), ay.fmt.section(key).title,
                      f"正文“{said[:60]}”以{m.group(1)}年陈述本年度表二口径的数字，与报告年度{ay.year}年不符，"
                      "请核实年份。",
                      expected=f"{ay.year}年", actual=f"{m.group(1)}年", key=_stable_key(key, said, seen), quote=said)
