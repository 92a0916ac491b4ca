"""The prose linter: rules on how the report's prose reads, applied to the prose as published.

They read what ``narrative.compose`` returns, the analyst's paragraphs and report-kit's generated sentences
together (a fact said by both is said twice), section by section. They are about wording, not figures:
the text-vs-table rules live in ``_text_tables``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from report_kit.checks._core import Finding, rule
from report_kit.checks._memo import per_run
from report_kit.checks._prose import _stable_key

if TYPE_CHECKING:
    from report_kit.content import SectionContent
    from report_kit.model import AgencyYear

LINT_SENTENCE = re.compile(r"[^。；;！？!?\n]+")
# a form's column label copied into prose: 本年增/减, 予以公开/部分公开 (a slash between Chinese words; URLs
# and dates like 2024/1/1 have none)
LABEL_SLASH = re.compile(r"[\u4e00-\u9fff]\s*+[/／]\s*+[\u4e00-\u9fff]")
# a count whose noun was never said: a clause that is only "现行有效0件" (the noun sat in a 未… clause)
BARE_FIGURE = re.compile(r"(?:现行有效|废止|新公开|对外公开总数|结转)\s*+\d++\s*+(?:件|项|条)")
FIGURE = re.compile(r"(?<!\d)\d++\s*+(?:件|项|条|个)")
CLAUSE_END = re.compile(r"[，,、：:]")
# percentages to one decimal (33.3%); amounts in 元 may have fen (120.50元), nothing needs three
LONG_PERCENT = re.compile(r"(?<![\d.])\d++\.\d{2,}+\s*+[%％]")
LONG_NUMBER = re.compile(r"(?<![\d.])\d++\.\d{3,}+(?![\d.]|\s*万)")
MIN_REPEAT = 6  # "无。" twice is not a repeated statement


def _sections(ay: AgencyYear, previous: AgencyYear | None) -> list[SectionContent]:
    from report_kit.narrative import compose  # narrative imports figures; imported late to keep checks light

    return compose(ay, previous)


@per_run  # the four rules below read the same prose: composed and split once per check
def _split(ay: AgencyYear, previous: AgencyYear | None) -> tuple[tuple[SectionContent, str], ...]:
    return tuple((s, m.group(0).strip()) for s in _sections(ay, previous) for p in s.paragraphs
                 for m in LINT_SENTENCE.finditer(p.text) if m.group(0).strip())


def _sentences(ay: AgencyYear, previous: AgencyYear | None) -> Iterator[tuple[SectionContent, str]]:
    yield from _split(ay, previous)


def _finding(rule_id: str, severity: str, ay: AgencyYear, s: SectionContent, message: str, key: str,
             expected: str | None = None, actual: str | None = None) -> Finding:
    return Finding(rule_id, severity, ay.fmt.section(s.key).num, s.title, message,  # type: ignore[arg-type]
                   expected=expected, actual=actual, key=key)


@rule("PROSE-REPEAT", "warning", "同一句话重复",
      "同一部分中同一句话（去除空白后相同、不少于6个字符）出现两次及以上（分析文字与生成文字合并计算）")
def repeated_sentence(ay: AgencyYear, previous: AgencyYear | None) -> Iterator[Finding]:
    seen: dict[str, int] = {}
    said: dict[tuple[str, str], int] = {}
    for s, sentence in _sentences(ay, previous):
        compact = re.sub(r"\s+", "", sentence)
        if len(compact) < MIN_REPEAT:
            continue
        said[(s.key, compact)] = said.get((s.key, compact), 0) + 1
        if said[(s.key, compact)] == 2:
            yield _finding("PROSE-REPEAT", "warning", ay, s,
                           f"“{sentence[:40]}”在本部分出现了两次，请删去重复的一句。",
                           _stable_key(s.key, compact, seen), expected="1次", actual="2次")


@rule("PROSE-LABEL", "warning", "表格栏目名称写入正文",
      "正文中出现表格栏目名称的片段（两个汉字之间的“/”，如“本年增/减”），应改写为文字（增加、减少、无增减）")
def label_in_prose(ay: AgencyYear, previous: AgencyYear | None) -> Iterator[Finding]:
    seen: dict[str, int] = {}
    for s, sentence in _sentences(ay, previous):
        m = LABEL_SLASH.search(sentence)
        if m:
            yield _finding("PROSE-LABEL", "warning", ay, s,
                           f"正文“{sentence[:40]}”含表格栏目名称片段“{m.group(0)}”，请改写为文字表述。",
                           _stable_key(s.key, sentence, seen), expected="文字表述", actual=m.group(0))


@rule("PROSE-NOUN", "warning", "数字缺少名词",
      "一个分句只有“现行有效/废止/新公开/对外公开总数/结转 + N件”，而同一句前面的分句没有陈述任何数字"
      "（名词只出现在“未制发、废止…”中，如“本年度未制发、废止规章，现行有效0件”）")
def figure_without_noun(ay: AgencyYear, previous: AgencyYear | None) -> Iterator[Finding]:
    seen: dict[str, int] = {}
    for s, sentence in _sentences(ay, previous):
        before = ""
        for clause in CLAUSE_END.split(sentence):
            if BARE_FIGURE.fullmatch(clause.strip()) and not FIGURE.search(before):
                yield _finding("PROSE-NOUN", "warning", ay, s,
                               f"正文“{sentence[:40]}”中“{clause.strip()}”没有说明是什么的数量，请写出名词"
                               "（如“现行有效规章0件”或“无现行有效的规章”）。",
                               _stable_key(s.key, sentence, seen), expected="写明名词", actual=clause.strip())
                break
            before += clause


@rule("PROSE-DECIMALS", "info", "小数位数过多",
      "百分比保留一位小数（如33.3%）；其他数字不超过两位小数")
def too_many_decimals(ay: AgencyYear, previous: AgencyYear | None) -> Iterator[Finding]:
    seen: dict[str, int] = {}
    for s, sentence in _sentences(ay, previous):
        m = LONG_PERCENT.search(sentence) or LONG_NUMBER.search(sentence)
        if m:
            yield _finding("PROSE-DECIMALS", "info", ay, s,
                           f"正文“{sentence[:40]}”中的“{m.group(0)}”小数位数过多，百分比请保留一位小数。",
                           _stable_key(s.key, sentence, seen), expected="一位小数", actual=m.group(0))
