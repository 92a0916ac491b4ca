"""Slips in how the analyst's text is written that a reviewer marks at once: a document number missing a bracket
("海府办〔201864号" for 海府办〔2018〕64号) and an enumeration that starts at 二是 with no 一是 before it.

Warnings: the text stays readable, the reviewer corrects it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import pairwise
from typing import TYPE_CHECKING

from report_kit.checks._core import Finding, rule
from report_kit.checks._prose import _section_num, _sentence, _stable_key, _texts

if TYPE_CHECKING:
    from report_kit.model import AgencyYear

# 〔 + year with no 〕 after it before the number ("〔201864号", "〔202130号"), or 〕 with no 〔 before the year
# ("海府办2018〕64号"); the year is 19xx/20xx so that ordinary numbers are not read as one
BROKEN_DOCNO = re.compile(r"〔\s*(?:19|20)\d{2}(?!\s*〕)\d{0,4}\s*号|[\u4e00-\u9fff](?:19|20)\d{2}\s*〕\s*\d{1,4}\s*号")
SECOND = re.compile(r"二是")


@rule("TEXT-DOCNO", "warning", "文号残缺",
      "正文引用的文号应完整：“〔年份〕序号号”，不缺“〔”或“〕”（如“〔201864号”应为“〔2018〕64号”）")
def broken_document_numbers(ay: AgencyYear, previous: AgencyYear | None) -> Iterator[Finding]:
    seen: dict[str, int] = {}
    for key, text in _texts(ay):
        for m in BROKEN_DOCNO.finditer(text):
            sentence = _sentence(text, m.start()).strip()
            yield Finding("TEXT-DOCNO", "warning", _section_num(ay, key), ay.fmt.section(key).title,
                          f"文号“{m.group(0)}”残缺（缺少“〔”或“〕”），请核对原文号。",
                          expected="〔年份〕序号号", actual=m.group(0), key=_stable_key(key, m.group(0), seen),
                          quote=sentence)


# a numbered sub-heading starts a new block: "（三）拓宽信息公开形式。" or "二、"
BLOCK_START = re.compile(r"^[ \t\u3000]*(?:[（(][一二三四五六七八九十]{1,3}[)）]|[一二三四五六七八九十]{1,3}、)",
                         re.MULTILINE)


@rule("TEXT-ENUM", "warning", "列举序号不全",
      "分析文字中“二是”之前应有“一是”（同一小标题下，如“（三）…”这一段内）")
def enumeration_from_two(ay: AgencyYear, previous: AgencyYear | None) -> Iterator[Finding]:
    seen: dict[str, int] = {}
    for key, text in _texts(ay):
        starts = [0, *(m.start() for m in BLOCK_START.finditer(text)), len(text)]
        for begin, end in pairwise(starts):
            block = text[begin:end]
            m = SECOND.search(block)
            if m is None or "一是" in block[:m.start()]:
                continue
            sentence = _sentence(block, m.start()).strip()
            yield Finding("TEXT-ENUM", "warning", _section_num(ay, key), ay.fmt.section(key).title,
                          f"“二是”之前没有“一是”：“{sentence[:40]}”，列举序号不全。",
                          expected="一是…二是…", actual="二是", key=_stable_key(key, sentence, seen), quote=sentence)
