"""Rules on a published document's structure as written: its title and its section headings.

They read ``Context.document`` (filled when a report is read back from a published document); a report built from
params has its title and headings written by report-kit from the form, so there is nothing to check.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from typing import TYPE_CHECKING

from report_kit.checks._core import Finding, rule

if TYPE_CHECKING:
    from report_kit.checks._context import Context
    from report_kit.model import AgencyYear

_NUMBER_MARK = re.compile(r"^([一二三四五六七八九十]+)\s*[、.．,，]\s*")


def _compact(text: str) -> str:
    """NFKC, no spaces, no markdown '#', numbering written 一、 whatever punctuation the page used."""
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).lstrip("#")
    return _NUMBER_MARK.sub(r"\1、", text)


def heading_as_official(written: str, official: str) -> bool:
    """True when the heading as written is the official one (a colon or the start of a sentence after it is fine)."""
    w, o = _compact(written), _compact(official)
    return w == o or (w.startswith(o) and w[len(o)] in ":：。，,")


@rule("STRUCT-HEADINGS", "warning", "章节标题",
      "导入的报告：每一部分应有格式规定的标题（一、总体情况 … 六、其他需要报告的事项），措辞与格式一致；"
      "某一标题缺失而其后的标题存在时提示缺失（文档在某处截断时，其后各部分不判断）", context=True)
def headings(ay: AgencyYear, previous: AgencyYear | None, context: Context) -> Iterator[Finding]:
    doc = context.document
    if doc is None or not (doc.headings or doc.unmatched or doc.unheaded):
        return
    written_as = {**doc.unmatched, **doc.headings}
    present = {**doc.unheaded, **written_as}  # a section there without its heading counts as present
    sections = ay.fmt.sections
    last = max(i for i, s in enumerate(sections) if s.key in present)
    for i, section in enumerate(sections[:last + 1]):
        written = written_as.get(section.key)
        if written is None and section.key in doc.unheaded:
            starts = doc.unheaded[section.key]
            yield Finding("STRUCT-HEADINGS", "warning", section.num, section.title,
                          f"文中没有“{section.title}”这一标题，该部分直接以“{starts[:30]}”开始。",
                          expected=section.title, actual="缺失", key=section.key, quote=starts[:60])
        elif written is None:
            after = next(present[s.key] for s in sections[i + 1:] if s.key in present)
            yield Finding("STRUCT-HEADINGS", "warning", section.num, section.title,
                          f"文中没有“{section.title}”这一标题（其后的“{after}”存在），该部分内容未按格式标明。",
                          expected=section.title, actual="缺失", key=section.key)
        elif not doc.traditional and not heading_as_official(written, section.title):
            yield Finding("STRUCT-HEADINGS", "warning", section.num, section.title,
                          f"标题“{written}”与格式规定的“{section.title}”不一致。",
                          expected=section.title, actual=written, key=section.key, quote=written)


@rule("STRUCT-TITLE", "warning", "报告标题",
      "导入的报告：标题应为“机关名称+年度+年政府信息公开工作年度报告”（如“某某局2023年政府信息公开工作年度报告”）",
      context=True)
def title(ay: AgencyYear, previous: AgencyYear | None, context: Context) -> Iterator[Finding]:
    doc = context.document
    if doc is None or doc.title is None or doc.traditional:
        return  # an excerpt may start after its title: nothing to judge
    written = _compact(doc.title)
    tail = "政府信息公开工作年度报告"
    year = f"{ay.year}年"
    ok = written.endswith(tail) and year in written and not written.startswith("关于")
    head = written[: -len(tail)] if written.endswith(tail) else ""
    # the year once, next to the end or at the start: 某局2023年… or 2023年某局… (年度 also read as the year)
    ok = ok and bool(re.fullmatch(rf"(?:\S+{ay.year}年度?|{ay.year}年度?\S+)", head))
    if not ok:
        yield Finding("STRUCT-TITLE", "warning", "一", "标题",
                      f"标题“{doc.title}”不是格式规定的写法“{ay.agency}{ay.year}年政府信息公开工作年度报告”。",
                      expected=f"{ay.agency}{ay.year}年{tail}", actual=doc.title, key="title", quote=doc.title)


# a sub-heading numbered with a Chinese numeral and a closing parenthesis but no opening one: "一)主动公开"
_HALF_NUMBER = re.compile(r"^[ \t\u3000]*([一二三四五六七八九十]{1,3})[)）](?=[^\s)）])", re.MULTILINE)


@rule("STRUCT-NUMBERING", "warning", "小标题编号残缺",
      "分析文字中的小标题编号应完整：“（一）”而不是“一)”（缺左括号）")
def half_numbers(ay: AgencyYear, previous: AgencyYear | None) -> Iterator[Finding]:
    for key in ay.fmt.text_keys:
        text = unicodedata.normalize("NFKC", ay.text.get(key) or "")
        found = [(m.group(1), text[m.start():].split("\n", 1)[0].strip()) for m in _HALF_NUMBER.finditer(text)]
        if not found:
            continue
        section = ay.fmt.section(key)
        lines = "”“".join(line[:20] for _num, line in found[:5])
        yield Finding("STRUCT-NUMBERING", "warning", section.num, section.title,
                      f"小标题编号缺少左括号：“{lines}”（应为“（{found[0][0]}）”这样的写法）。",
                      expected=f"（{found[0][0]}）", actual=found[0][1][:20], key=key, quote=found[0][1][:60])
