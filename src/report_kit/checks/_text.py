"""Rules on the wording of the analyst's text: placeholders, the cited notice, the period and the year,
other forms' labels, the number of parts the text says the report has."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from typing import TYPE_CHECKING

from report_kit.checks._core import Finding, rule
from report_kit.checks._prose import _excerpt, _section_num, _sentence, _stable_key, _texts
from report_kit.formats import available, get_format

if TYPE_CHECKING:
    from report_kit.model import AgencyYear

_UNITS = r"(?:条|件|项|起|个|次|篇|期|家|人次)"
_UNIT_END = r"(?=[，。；、,.;：:）)\s]|$)"
PLACEHOLDERS = [
    (re.compile(r"(?:为|共|计|有|达)\s*" + _UNITS + _UNIT_END), "数字空缺"),
    # a gap of spaces between a word and its unit: "主动公开信息  条", "共计 件" (never a line break: PDF wrapping)
    (re.compile(r"[\u4e00-\u9fff][ \t\u3000\u00a0]+" + _UNITS + _UNIT_END), "数字空缺"),
    (re.compile(r"[（(][ \t\u3000\u00a0]*[）)]\s*" + _UNITS), "（ ）"),
    (re.compile(r"(?<![A-Za-z])[XxＸｘ]" + _UNITS + _UNIT_END), "X件"),
    (re.compile(r"[（(]具体[^（）()见详如]{1,6}[）)]"), "（具体…）"),
    (re.compile(r"(?<![A-Za-z])[XxＸｘ]{2,}(?![A-Za-z])"), "XX"),
    (re.compile(r"[×*＊]{2,}"), "×××"),
    (re.compile(r"【\s*】|［\s*］"), "【】"),  # not ASCII "[ ]": portal pages' font-size switch "字号:[ ]"
    (re.compile(r"[＿_]{2,}"), "＿＿"),
    (re.compile(r"此处填写|待填写|待补充|（填写[^（）]*）"), "此处填写"),  # not [^）]*: quadratic
]

@rule("TEXT-PLACEHOLDER", "error", "占位符未替换",
      "分析文字中不得留有空缺数字（如“发布信息总量为 条”“主动公开信息  条”“（ ）项”“X件”）、XX、×××、**、【】、＿＿、"
      "“此处填写”“（具体网址）”等占位符（“○”是零的写法，不是占位符）")
def placeholders(ay: AgencyYear, previous: AgencyYear | None) -> Iterator[Finding]:
    seen: dict[str, int] = {}
    for key, text in _texts(ay):
        taken: list[tuple[int, int]] = []  # one finding per gap, whichever patterns see it
        for pattern, kind in PLACEHOLDERS:
            for m in pattern.finditer(text):
                if any(m.start() < end and start < m.end() for start, end in taken):
                    continue
                taken.append(m.span())
                snippet = _excerpt(text, m.start(), m.end())
                yield Finding(
                    "TEXT-PLACEHOLDER", "error", _section_num(ay, key), f"{ay.fmt.section(key).title}",
                    f"正文留有占位符（{kind}）：“…{snippet}…”，请填写实际内容。",
                    expected="实际内容", actual=m.group(0),
                    key=_stable_key(key, _sentence(text, m.start()), seen), quote=_sentence(text, m.start()).strip())


NOTICE = re.compile(r"国办公开办函\s*[〔\[(（]\s*(\d{4})\s*[〕\])）]\s*(\d+)\s*号")


@rule("TEXT-NOTICE", "error", "引用文号与格式不符",
      "正文引用的年报格式文件应与本报告使用的格式一致：称按另一格式文件的“格式”编制，或引用本年度之后才印发的文件，"
      "为错误；仅引用较早的年报通知（如〔2019〕60号《关于政府信息公开工作年度报告有关事项的通知》）为警告")
def cited_notice(ay: AgencyYear, previous: AgencyYear | None) -> Iterator[Finding]:
    notices = {get_format(f).notice: get_format(f) for f in available()}
    seen: dict[str, int] = {}
    for key, text in _texts(ay):
        for m in NOTICE.finditer(text):
            cited = f"国办公开办函〔{m.group(1)}〕{m.group(2)}号"
            if cited not in notices or cited == ay.fmt.notice:
                continue
            # certain: the text says it follows that notice's 格式, or cites a notice issued after the report year;
            # an earlier notice on annual reports cited as a basis may be out of date, not certainly wrong
            as_format = "格式" in text[max(0, m.start() - 30):m.start()]
            later = notices[cited].first_year > ay.year
            if as_format or later:
                yield Finding(
                    "TEXT-NOTICE", "error", _section_num(ay, key), ay.fmt.section(key).title,
                    f"正文引用了{cited}，但{ay.year}年度报告应按{ay.fmt.notice}的格式编制。",
                    expected=ay.fmt.notice, actual=cited, key=_stable_key(key, cited, seen))
            else:
                yield Finding(
                    "TEXT-NOTICE", "warning", _section_num(ay, key), ay.fmt.section(key).title,
                    f"正文引用了{cited}，{ay.year}年度报告的格式依据为{ay.fmt.notice}，请核实引用是否过时。",
                    expected=ay.fmt.notice, actual=cited, key=_stable_key(key, cited, seen))


PERIOD = re.compile(r"(\d{4})\s*年\s*1\s*月\s*1\s*日\s*(?:起\s*)?(?:至|到|—|-|～|~)\s*(?:(\d{4})\s*年\s*)?"
                    r"12\s*月\s*31\s*日|截[至止]\s*(\d{4})\s*年\s*(?:12\s*月\s*31\s*日|底)")
REPORT_OF = re.compile(r"(?:现将|现予|本报告为|特此)[^。；]{0,40}?(\d{4})\s*年度?[^。；\d]{0,30}?(?:年度报告|年报)")
# a sentence that states the statistical period, and the start of a period ("2020年1月1日至") whose end is written
# within a few characters: both must contain a well-formed period, or the statement names no valid date
STAT_SENTENCE = re.compile(r"统计(?:期限|时限|时间|区间|期间)")
PERIOD_START = re.compile(r"\d{4}\s*年\s*1\s*月\s*1\s*日\s*(?:起\s*)?(?:至|到)[^，。；,;]{0,14}?12\s*月\s*31")
_SENTENCES = re.compile(r"[^。；;]+")


def _unwrap(text: str) -> str:
    """Lines joined without the spaces around the breaks (no regex: a run of spaces would be read quadratically)."""
    return "".join(line.strip() if i else line.rstrip() for i, line in enumerate(text.split("\n")))


def _periods(text: str) -> Iterator[tuple[str, set[int] | None]]:
    """(the statement, the years it names, or None when it is malformed) for every period statement in ``text``."""
    for m in PERIOD.finditer(text):
        yield _unwrap(m.group(0)), {int(y) for y in m.groups() if y}
    for m in _SENTENCES.finditer(text):
        sentence = _unwrap(m.group(0))  # a PDF's wrapped line is one sentence
        stated = STAT_SENTENCE.search(sentence) or PERIOD_START.search(sentence)
        # a period given in digits, but not as a valid date range
        if stated and not PERIOD.search(sentence) and re.search(r"\d{4}", sentence):
            yield sentence.strip()[:60], None


@rule("TEXT-PERIOD", "error", "统计期限与报告年度不符",
      "正文所述统计期限（某年1月1日至12月31日）、截至日期（截至某年12月31日/年底）及“现将…某年度…年度报告”中的年份"
      "应为报告年度；统计期限应写成有效日期（如“2023年1月1日至2023年12月31日”）")
def period_year(ay: AgencyYear, previous: AgencyYear | None) -> Iterator[Finding]:
    seen: dict[str, int] = {}
    for key, text in _texts(ay):
        found = list(_periods(text))
        if key == ay.fmt.opening.key:  # the opening statement names the year the report covers
            found += [(m.group(0), {int(m.group(1))}) for m in REPORT_OF.finditer(text)]
        for said, years in found:
            if years is None:
                yield Finding(
                    "TEXT-PERIOD", "error", _section_num(ay, key), ay.fmt.section(key).title,
                    f"正文“{said}”所述统计期限不是有效日期，应写为“{ay.year}年1月1日至{ay.year}年12月31日”。",
                    expected=f"{ay.year}年1月1日至{ay.year}年12月31日", actual=said,
                    key=_stable_key(key, said, seen), quote=said)
            elif years != {ay.year}:
                yield Finding(
                    "TEXT-PERIOD", "error", _section_num(ay, key), ay.fmt.section(key).title,
                    f"正文“{said}”中的年份与报告年度{ay.year}年不符。",
                    expected=f"{ay.year}年", actual=said, key=_stable_key(key, said, seen), quote=said)


@cache
def _foreign_labels(fmt_id: str) -> list[tuple[str, str]]:
    """(other format's label, this format's label) for table 二 rows and columns with the same role but
    another wording (规范性文件 → 行政规范性文件, 本年新制作数量 → 本年制发件数)."""
    t = get_format(fmt_id).table("二")
    own = {(r.role, r.label) for r in t.data_rows() if r.role}
    own |= {(c.role, c.label) for rk, _ in t.figure_rows() for c in t.columns_of(rk) if c.role}
    by_role = dict(own)
    pairs: set[tuple[str, str]] = set()
    for fid in available():
        if fid == fmt_id:
            continue
        other = get_format(fid).table("二")
        theirs = {(r.role, r.label) for r in other.data_rows() if r.role}
        theirs |= {(c.role, c.label) for rk, _ in other.figure_rows() for c in other.columns_of(rk) if c.role}
        for role, label in theirs:
            mine = by_role.get(role)
            if mine is None or mine == label or mine in label:
                continue  # same wording, or the other format is the more specific one
            if label in mine and mine.removeprefix("本年") == label:
                continue  # 处理决定数量 / 本年处理决定数量: the same figure either way
            pairs.add((label, mine))
    return sorted(pairs)


@rule("TEXT-LABEL", "warning", "正文使用旧格式名称",
      "正文陈述表二数字时应使用本格式的名称（如2021格式为“行政规范性文件”“本年制发件数”，而非2019格式的"
      "“规范性文件”“本年新制作数量”）")
def foreign_labels(ay: AgencyYear, previous: AgencyYear | None) -> Iterator[Finding]:
    seen: dict[str, int] = {}
    for label, mine in _foreign_labels(ay.fmt.id):
        # only where a count is stated with it ("规范性文件13件"): that is the table's figure named the old way
        pattern = re.compile(re.escape(label) + r"[^。；，,\d]{0,6}?\d+\s*(?:件|个|项)")
        for key, text in _texts(ay):
            for m in pattern.finditer(text):
                off = mine.find(label)
                if off >= 0 and text[max(0, m.start() - off): m.start() - off + len(mine)] == mine:
                    continue  # part of this format's own wording
                yield Finding(
                    "TEXT-LABEL", "warning", _section_num(ay, key), ay.fmt.section(key).title,
                    f"正文“{m.group(0)}”使用了其他格式的名称“{label}”，{ay.fmt.notice}格式的名称为“{mine}”。",
                    expected=mine, actual=label, key=_stable_key(key, m.group(0), seen))


CN_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
PARTS = re.compile(r"(?:由|包括|分为|共|从)([^。；]{0,200}?)(?:等)?\s*([一二两三四五六七八九十]|\d{1,2})\s*(?:个)?"
                   r"(?:部分|方面|项内容)")
# words that name a part in a list ("…、存在问题及改进情况、其他需要报告的事项等六部分"), beside each heading's pattern
_PART_WORDS = {"其他需要报告": "其他", "收到和处理政府信息公开申请": "依申请"}


def _named_sections(ay: AgencyYear, listed: str) -> list[str]:
    compact = re.sub(r"\s+", "", listed)
    named = []
    for section in ay.fmt.sections:
        title = section.title.split("、", 1)[-1]
        words = [p for p in (section.heading, re.escape(title)) if p]
        words += [w for k, w in _PART_WORDS.items() if k in title or (section.heading and k in section.heading)]
        if any(re.search(w, compact) for w in words):
            named.append(section.num)
    return named


@rule("TEXT-PARTS", "error", "报告组成部分",
      "正文所述报告组成部分的数量应与格式规定的六部分一致，且列出的各部分与所述数量一致（如称“六部分”却只列出五部分）")
def parts_count(ay: AgencyYear, previous: AgencyYear | None) -> Iterator[Finding]:
    n = len(ay.fmt.sections)
    seen: dict[str, int] = {}
    for key, text in _texts(ay):
        for m in PARTS.finditer(text):
            word = m.group(2)
            stated = int(word) if word.isdigit() else CN_DIGITS[word]
            named = _named_sections(ay, m.group(1))
            where = dict(section=_section_num(ay, key), location=ay.fmt.section(key).title,
                         key=_stable_key(key, m.group(0), seen), quote=m.group(0))
            if stated != n:
                yield Finding(rule="TEXT-PARTS", severity="error",
                              message=f"正文称报告由{word}部分组成，但年度报告格式规定为{n}部分。",
                              expected=str(n), actual=str(stated), **where)
            elif 3 <= len(named) < stated:
                missing = "、".join(s.title for s in ay.fmt.sections if s.num not in named)
                yield Finding(rule="TEXT-PARTS", severity="error",
                              message=f"正文称报告由{word}部分组成，但只列出了{len(named)}部分（未列出：{missing}）。",
                              expected=str(stated), actual=str(len(named)), **where)
