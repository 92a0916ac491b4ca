"""What a report without a title still tells: the year it covers, and the level of the body that speaks.

Page copies often start at "一、总体情况": no title gives the year. The text does, in three ways of decreasing
strength — the statistical period or 截至 date ("统计期限为2024年1月1日至2024年12月31日", "截至2023年12月31日"), a
sentence presenting the report ("现公布我局2022年政府信息公开工作年度报告", "汇报我镇2023年政府信息公开工作",
"現將我局2020年度政府信息公開情況報告如下"), and paragraphs of the overview that open with the year ("2019年，我乡…").
The strongest kind that names a year is used, and only when every statement of every kind names the same year:
a report that says 2022 in its period and 2023 elsewhere gets no year (the user gives it with --year).

The level: a body that calls itself 我镇/本乡 throughout, and never 我局/我委/本机关, is a township's government
(a 街道 is township level but not a government). Used only when the name settles nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from report_kit.i18n import N_, _
from report_kit.importers._labels import nfkc
from report_kit.importers._records import Record
from report_kit.importers._script import simplified

_Y = r"((?:19|20)\d{2})"
# the period from 1 January to 31 December of one year (the end's year may be left out), or the 截至 date
STATED_PERIOD = re.compile(rf"{_Y}\s*年\s*1\s*月\s*1\s*日\s*(?:起\s*)?(?:至|到|—|-|～|~)\s*"
                           rf"(?:{_Y}\s*年\s*)?12\s*月\s*31\s*日"
                           rf"|截[至止]\s*(?:到\s*)?{_Y}\s*年\s*(?:12\s*月\s*31\s*日|底)")
# a sentence presenting this report (its verb, then the year within a few words, then what is presented)
PRESENTED = re.compile(rf"(?:现将|现予|现公布|现发布|特向社会公布|汇报)[^。；;！]{{0,40}}?{_Y}\s*年度?"
                       r"[^。；;！\d]{0,30}?(?:年度报告|工作报告|年报|报告如下|汇报如下|(?:政府信息公开|政务公开)工作)")
OPENS_WITH_YEAR = re.compile(rf"^\s*(?:[（(]?[一二三四五六七八九十]{{1,3}}[)）、.．]\s*)?{_Y}\s*年")
_HEADING_ONE = re.compile(r"^\s*[一1][、.．]")
_LATER_HEADING = re.compile(r"^\s*[二三四五六2-6][、.．]")
_KINDS = (N_("the statistical period or 截至 date"), N_("a sentence presenting the report"),
          N_("the overview's opening"))


@dataclass(frozen=True)
class YearFound:
    year: int
    how: str  # which kind of statement gave it
    said: str  # the statement, for the note


def _prose(records: Sequence[Record], limit: int) -> list[str]:
    return [simplified(nfkc(r.cells[0])) for r in records[:limit] if not r.row and r.cells[0].strip()]


def year_from_text(records: Sequence[Record]) -> YearFound | None:
    """The report year the text states, when all its period/presenting/opening statements agree; else None."""
    lines = _prose(records, 120)
    found: list[list[tuple[int, str]]] = [[], [], []]
    for line in lines[:40]:
        for m in STATED_PERIOD.finditer(line):
            years = {int(y) for y in m.groups() if y}
            if len(years) == 1:
                found[0].append((years.pop(), m.group(0)))
            else:
                return None  # "2022年1月1日至2023年12月31日": which year is meant cannot be told
        for m in PRESENTED.finditer(line):
            found[1].append((int(m.group(1)), m.group(0)))
    # paragraphs of the overview that open with a year: only before section 二 (later sections compare years)
    started = False
    for line in lines:
        if _HEADING_ONE.match(line):
            started = True
            continue
        if _LATER_HEADING.match(line):
            break
        if (m := OPENS_WITH_YEAR.match(line)) and (started or not any(found[:2])):
            found[2].append((int(m.group(1)), line[:30]))
    years = {y for kind in found for y, _said in kind}
    if len(years) != 1:
        return None
    for kind, items in zip(_KINDS, found, strict=True):
        if items:
            year, said = items[0]
            return YearFound(year, _(kind), said)
    return None


_SELF_NAMED = re.compile(r"本(?:年度)?(?:报告|年报)|年度报告格式|政府信息公开(?:工作)?年度报告")
_SUBHEADINGS = re.compile(r"^\s*[(（][一二三四五][)）]\s*"
                          r"(?:主动公开|依申请公开|政府信息管理|政府信息公开平台|平台建设|监督保障)")


def reads_as_report(records: Sequence[Record]) -> bool:
    """A page copy that lost the six headings is still an annual report when it says it is one and either states
    the statistical period or carries two of the overview's sub-headings ("（一）主动公开情况" …)."""
    lines = _prose(records, 60)
    if not any(_SELF_NAMED.search(line) for line in lines[:10]):
        return False
    items = sum(bool(_SUBHEADINGS.match(line)) for line in lines)
    return any(STATED_PERIOD.search(line) for line in lines[:20]) or items >= 2


_TOWNSHIP_SELF = re.compile(r"[我本全](?:镇|乡)(?![村长])")
_STREET_SELF = re.compile(r"[我本全]街道(?!办事处?主任)")
_DEPARTMENT_SELF = re.compile(r"[我本全](?:局|委|厅|办|单位|机关|部门|院|中心|市|县|区|省)")


@dataclass(frozen=True)
class LevelFound:
    body: str
    level: str
    why: str


def level_from_text(texts: Iterable[str | None]) -> LevelFound | None:
    """Township level when the body calls itself 我镇/本乡 (or 我街道) at least twice and never anything else."""
    text = simplified(nfkc("\n".join(t for t in texts if t)))
    town, street = _TOWNSHIP_SELF.findall(text), _STREET_SELF.findall(text)
    if _DEPARTMENT_SELF.search(text) or (town and street):
        return None
    if len(town) >= 2:
        return LevelFound("government", "township",
                          _("the text calls the body “{self}” ({n} times) and never 我局/我委/本机关").format(
                              self=town[0], n=len(town)))
    if len(street) >= 2:
        return LevelFound("department", "township",
                          _("the text calls the body “{self}” ({n} times): a 街道 is township level, not a "
                            "government").format(self=street[0], n=len(street)))
    return None


__all__ = ["LevelFound", "YearFound", "level_from_text", "reads_as_report", "year_from_text"]
