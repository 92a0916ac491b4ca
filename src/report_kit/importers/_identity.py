"""Who reports and for which year: the title (in its many wordings), the 落款, and what the name tells.

The agency is taken from the title or from the signature (落款) under the last section, never from a
sentence of the preamble ("按照定西市政务公开领导小组办公室《关于做好…"). A title is a line (or two or
three lines) that is nothing but a title: ``盐边县新九镇人民政府 / 关于2021年度政府信息公开工作的年度报告``,
``…2019年度政府信息公开年度工作报告``, ``大路镇人民政府2019年信息公开年度报告``, ``二〇一九年…``, a flipbook's
``2020年报_审计局``. The kind of body and the administrative level are inferred from the name only where the
name settles them (…镇人民政府: a government at township level; …街道办事处: not a government, township
level; …市…局: the level of a 市 cannot be told from its name), each inference with its reason.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from report_kit.i18n import _
from report_kit.importers._labels import nfkc
from report_kit.importers._records import Record
from report_kit.importers._script import simplified

_CN_DIGITS = {"〇": 0, "○": 0, "零": 0, "O": 0, "0": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
              "八": 8, "九": 9}
_YEAR = r"(?P<year>(?:19|20)\d{2}|[一二][〇○零O0一二三四五六七八九]{3})"
_NAME = r"[^\s《》“”\"，,。；;：:！？?、]{2,40}?"  # a name, not a sentence: no sentence punctuation
_REPORT = r"(?:(?:政府|政务)?信息公开|政务公开)(?:工作)?的?(?:年度)?(?:工作)?(?:报告|年报)"
# The whole (compacted) line must be a title; a sentence quoting one is not
TITLES = (
    re.compile(rf"(?P<agency>{_NAME})??(?:关于)?{_YEAR}年度?(?P<agency2>{_NAME})??(?:关于)?的?{_REPORT}"),
    re.compile(rf"{_YEAR}(?:年度?(?:政府|政务)?信息公开(?:工作)?)?年报[_\-—－]*(?P<agency>{_NAME})"),  # flipbooks
    re.compile(rf"(?P<agency>{_NAME}){_REPORT}"),  # the year lost
)
# A preamble sentence presenting the report ("现公布区统计局2023年政府信息公开工作年度报告"): its year, never its agency
REPORT_OF = re.compile(rf"(?:现|特)[^。；;]{{0,40}}?{_YEAR}\s*年度?[^。；;\d]{{0,30}}?"
                       r"(?:年度报告|年度工作报告|工作报告|年报)")
_NOT_NAMES = {"政府", "政务", "人民政府", "本机关", "我局", "我委", "我单位"}
_FLIPBOOK_PAGE = re.compile(r"^Page\d+[-—－]")  # "Page 9 - 2020年报_审计局" (spaces already removed)
# An agency's name as signed under the report: ends with the word for a body
_SIGNED = ("人民政府", "政府", "办公室", "办公厅", "委员会", "办事处", "管委会", "局", "委", "厅", "署", "院", "中心",
           "办", "镇", "乡", "街道")
_DATE_LINE = re.compile(r"^[(（]?(?:(?:19|20)\d{2}|[一二][〇○零O0一二三四五六七八九]{3})年\S{1,3}月\S{1,3}日[)）]?$")


def cn_year(text: str) -> int | None:
    """2019 from "2019" or "二〇一九"; None for anything else."""
    if text.isdigit():
        return int(text)
    digits = [_CN_DIGITS.get(c) for c in text]
    if len(digits) != 4 or None in digits:
        return None
    return int("".join(str(d) for d in digits))


@dataclass(frozen=True)
class Title:
    agency: str | None
    year: int | None
    lines: int  # leading records the title took (0: none found)


def _compact(text: str) -> str:
    """The line without spaces and without markdown or brackets around it (quote marks inside stay: a
    sentence quoting a title is not a title)."""
    s = "".join(nfkc(text).split()).strip("#*【】[]")
    return s[1:-1] if s.startswith("《") and s.endswith("》") else s


def _match(joined: str) -> tuple[str | None, int | None] | None:
    """(agency, year) when the whole text is a title, in its own characters (traditional ones kept)."""
    plain = simplified(joined)
    same = len(plain) == len(joined)  # t2s keeps the length almost always: then the agency is cut from the original
    plain = _FLIPBOOK_PAGE.sub("", plain)
    joined = _FLIPBOOK_PAGE.sub("", joined) if same else joined
    for pattern in TITLES:
        m = pattern.fullmatch(plain)
        if not m:
            continue
        groups = m.groupdict()
        if groups.get("agency") and groups.get("agency2"):
            continue  # a name on both sides of the year: which one is the agency cannot be told
        year = cn_year(groups["year"]) if groups.get("year") else None
        name = next((g for g in ("agency", "agency2") if groups.get(g)), None)
        agency = None
        if name:
            start, end = m.span(name)
            agency = (joined[start:end] if same and len(joined) == len(plain) else m.group(name)).removesuffix("关于")
        if agency in _NOT_NAMES:
            agency = None  # "政府信息公开工作年度报告" alone: 政府 is part of the title, not a name
        if agency or year:
            return agency or None, year
    return None


def title_of(records: Sequence[Record]) -> Title:
    """The title among the first lines: the first that names agency and year, else one naming either."""
    head = [(i, r) for i, r in enumerate(records[:14]) if not r.row and len(r.cells[0]) <= 80]
    partial: Title | None = None
    for span in (1, 2, 3):  # a one-line title before a two-line one: "正文" above a title is not its agency
        for k in range(len(head) - span + 1):
            if head[k + span - 1][0] - head[k][0] >= span + 2:
                continue  # lines far apart are not one title
            found = _match("".join(_compact(r.cells[0]) for _, r in head[k:k + span]))
            if found is None:
                continue
            agency, year = found
            title = Title(agency, year, head[k + span - 1][0] + 1)
            if agency and year:
                return title
            partial = partial or title
    # e.g. only "关于2021年度政府信息公开工作的年度报告", or a title without its year
    return partial or Title(None, None, 0)


def year_in_preamble(records: Sequence[Record]) -> tuple[int, str] | None:
    """The year of a preamble sentence presenting the report, when every such sentence names the same one."""
    found: dict[int, str] = {}
    for rec in [r for r in records[:8] if not r.row]:
        if rec.cells[0].lstrip().startswith(("一、", "一.")):
            break
        for m in REPORT_OF.finditer(simplified(nfkc(rec.cells[0]))):
            year = cn_year(m.group("year"))
            if year:
                found.setdefault(year, m.group(0))
    if len(found) != 1:
        return None
    return next(iter(found.items()))


def signed_agency(records: Sequence[Record]) -> str | None:
    """The agency's name in the 落款: a short line just before (or after) the date at the end."""
    tail = [r for r in records[-6:] if not r.row]
    for i, rec in enumerate(tail):
        if not _DATE_LINE.match(_compact(rec.cells[0])):
            continue
        for near in (tail[i - 1] if i else None, tail[i + 1] if i + 1 < len(tail) else None):
            if near is None:
                continue
            name = _compact(near.cells[0])
            if 2 <= len(name) <= 40 and simplified(name).endswith(_SIGNED) and not re.search(r"[，,。；;：:]", name):
                return name
    return None


# ----------------------------------------------------------------------------------------- body, level

# Places in a name, outermost first: 重庆市 / 九龙坡区 / 二郎街道. A unit directly followed by these is a word,
# not a place (市场监督管理局, 城乡建设, 区域).
_UNITS = ("自治区", "自治州", "自治县", "街道", "省", "市", "州", "盟", "县", "旗", "区", "镇", "乡")
_NOT_PLACE = ("市场", "市政", "市容", "市民", "市直", "区域", "县域", "乡村", "镇村", "县直", "区直", "省直", "州府")
_MUNICIPALITIES = ("北京市", "天津市", "上海市", "重庆市")
# a 区 that is a zone, not a district: its level is not in its name
_ZONES = ("新区", "开发区", "高新区", "园区", "示范区", "试验区", "保护区", "景区", "管理区", "合作区", "实验区")
_GOVERNMENT = ("人民政府", "政府")


def _places(name: str) -> tuple[list[str], str]:
    """The chain of places a name starts with, and the rest (the body's own name)."""
    places: list[str] = []
    rest = name
    while rest:
        best = None
        for n in range(0, min(9, len(rest))):
            for unit in _UNITS:
                if rest.startswith(unit, n) and not any(rest.startswith(w, n) for w in _NOT_PLACE):
                    best = n + len(unit)
                    break
            if best is not None:
                break
        if best is None:
            break
        if best <= 3 and places and rest[:best] in _UNITS:  # 广州 + 市, 胡市 + 镇: one place cut at its first unit
            places[-1] += rest[:best]
        else:
            places.append(rest[:best])
        rest = rest[best:]
    return places, rest


def _level_of(place: str) -> tuple[str | None, str]:
    if place in _MUNICIPALITIES:
        return "provincial", _("{place} is a municipality directly under the central government").format(place=place)
    if place.endswith(("省", "自治区")):
        return "provincial", _("{place} is a province").format(place=place)
    if place.endswith(("自治州", "州", "盟")):
        return "prefecture", _("{place} is a prefecture-level area").format(place=place)
    if place.endswith(("县", "自治县", "旗")):
        return "county", _("{place} is a county").format(place=place)
    if place.endswith("区") and not place.endswith(_ZONES):
        return "county", _("{place} is a district (county level)").format(place=place)
    if place.endswith(("镇", "乡", "街道")):
        return "township", _("{place} is a township-level area").format(place=place)
    return None, ""  # 市: prefecture or county level; zones: either


@dataclass(frozen=True)
class Kind:
    body: str | None = None  # department | government; None: the name does not say
    level: str | None = None
    inferred: dict[str, str] = field(default_factory=dict)  # field → one-line reason


def infer_kind(agency: str) -> Kind:
    """Body and level from the name, where the name settles them; each with its reason."""
    name = simplified(_compact(agency))
    places, rest = _places(name)
    if not places:
        if rest.endswith(("局", "委", "委员会", "办公室", "办公厅", "厅")):
            return Kind("department", None,
                        {"body": _("“{agency}” is not a government's name (a department)").format(agency=agency)})
        return Kind()
    inner = places[-1]
    level, why = _level_of(inner)
    body: str | None
    if inner.endswith("街道"):
        body, body_why = "department", _("“{agency}”: a 街道办事处 is not a government").format(agency=agency)
    elif rest in ("", *_GOVERNMENT) and not inner.endswith(_ZONES):
        body, body_why = "government", (
            _("“{agency}” names the government of {place}").format(agency=agency, place=inner) if rest else
            _("“{agency}” names a place: the report is its government's").format(agency=agency))
    elif rest.endswith(_GOVERNMENT) and not rest.startswith(_GOVERNMENT):
        body, body_why = None, ""
    elif rest:
        body, body_why = "department", _("“{agency}” is not a government's name (a department)").format(agency=agency)
    else:
        body, body_why = None, ""
    inferred: dict[str, str] = {}
    if body:
        inferred["body"] = body_why
    if level:
        inferred["level"] = _("from the name: {why}").format(why=why)
    return Kind(body, level, inferred)
