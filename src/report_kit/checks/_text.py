"""Rules on the report as a document: format and dates, required content, placeholders, text vs tables.

Text-vs-table rules flag only what a sentence states unambiguously: a false alarm costs a reviewer's
trust more than a miss, so sentences that mix bases (含上年结转, 受理, 备案) are left alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from functools import cache
from typing import TYPE_CHECKING, NamedTuple

from report_kit.checks._core import Finding, rate, rule
from report_kit.checks._shares import SharePattern
from report_kit.formats import available, get_format

if TYPE_CHECKING:
    from report_kit.model import AgencyYear

TEXT_SECTIONS = ("总体情况", "问题及改进", "其他事项")

PLACEHOLDERS = [
    (re.compile(r"(?:为|共|计|有|达)\s*(?:条|件|项|起|个|次)(?=[，。；、,.;）)\s]|$)"), "数字空缺"),
    (re.compile(r"(?<![A-Za-z])[XxＸｘ]{2,}(?![A-Za-z])"), "XX"),
    (re.compile(r"[×*＊]{2,}"), "×××"),
    (re.compile(r"【\s*】|\[\s*\]"), "【】"),
    (re.compile(r"[＿_]{2,}"), "＿＿"),
    (re.compile(r"此处填写|待填写|待补充|（填写[^（）]*）"), "此处填写"),  # not [^）]*: quadratic
]
SENTENCE = re.compile(r"[^。；;\n]+")


def _texts(ay: AgencyYear) -> Iterator[tuple[str, str]]:
    for key in TEXT_SECTIONS:
        text = ay.text.get(key)
        if text:
            yield key, text


def _section_num(ay: AgencyYear, key: str) -> str:
    return ay.fmt.section(key).num


def _stable_key(section: str, token: str, seen: dict[str, int]) -> str:
    """``section:token#n``: survives edits elsewhere in the file (no character offsets)."""
    compact = re.sub(r"\s+", "", token)[:24]
    base = f"{section}:{compact}"
    seen[base] = seen.get(base, 0) + 1
    return base if seen[base] == 1 else f"{base}#{seen[base]}"


def _sentence(text: str, start: int) -> str:
    """The sentence around position ``start``: the stable part of a text finding's id."""
    left = max(text.rfind(p, 0, start) for p in "。；;\n")
    right = min((i for i in (text.find(p, start) for p in "。；;\n") if i >= 0), default=len(text))
    return text[left + 1: right]


def _excerpt(text: str, start: int, end: int, pad: int = 12) -> str:
    return text[max(0, start - pad): end + pad].replace("\n", " ")


@rule("TEXT-PLACEHOLDER", "error", "占位符未替换",
      "分析文字中不得留有空缺数字（如“发布信息总量为 条”）、XX、×××、【】、＿＿、“此处填写”等占位符")
def placeholders(ay: AgencyYear, previous: AgencyYear | None) -> Iterator[Finding]:
    seen: dict[str, int] = {}
    for key, text in _texts(ay):
        for pattern, kind in PLACEHOLDERS:
            for m in pattern.finditer(text):
                snippet = _excerpt(text, m.start(), m.end())
                yield Finding(
                    "TEXT-PLACEHOLDER", "error", _section_num(ay, key), f"{ay.fmt.section(key).title}",
                    f"正文留有占位符（{kind}）：“…{snippet}…”，请填写实际内容。",
                    expected="实际内容", actual=m.group(0),
                    key=_stable_key(key, _sentence(text, m.start()), seen))


@rule("TEXT-EMPTY", "error", "章节缺失或为空", "一、五、六部分的分析文字都应填写（无内容时写明“无”）")
def empty_sections(ay: AgencyYear, previous: AgencyYear | None) -> Iterator[Finding]:
    for key in TEXT_SECTIONS:
        if not (ay.text.get(key) or "").strip():
            title = ay.fmt.section(key).title
            yield Finding("TEXT-EMPTY", "error", _section_num(ay, key), title,
                          f"“{title}”部分没有内容；如确无可报告事项，请写明“无”。", key=key)


@rule("FORMAT-YEAR", "error", "格式与年度不符",
      "2019、2020年度使用国办公开办函〔2019〕60号格式；2021年度起使用国办公开办函〔2021〕30号格式")
def format_year(ay: AgencyYear, previous: AgencyYear | None) -> Iterator[Finding]:
    if not ay.fmt.covers(ay.year):
        right = next((get_format(f) for f in available() if get_format(f).covers(ay.year)), None)
        yield Finding(
            "FORMAT-YEAR", "error", "二", "报告格式",
            f"{ay.year}年度报告应使用{right.notice if right else '适用的'}格式，但本报告使用的是{ay.fmt.notice}格式。",
            expected=right.id if right else None, actual=ay.fmt.id, key="format")


NOTICE = re.compile(r"国办公开办函\s*[〔\[(（]\s*(\d{4})\s*[〕\])）]\s*(\d+)\s*号")


@rule("TEXT-NOTICE", "error", "引用文号与格式不符", "正文引用的年报格式文件应与本报告使用的格式一致")
def cited_notice(ay: AgencyYear, previous: AgencyYear | None) -> Iterator[Finding]:
    notices = {get_format(f).notice: get_format(f) for f in available()}
    seen: dict[str, int] = {}
    for key, text in _texts(ay):
        for m in NOTICE.finditer(text):
            cited = f"国办公开办函〔{m.group(1)}〕{m.group(2)}号"
            if cited in notices and cited != ay.fmt.notice:
                yield Finding(
                    "TEXT-NOTICE", "error", _section_num(ay, key), ay.fmt.section(key).title,
                    f"正文引用了{cited}，但{ay.year}年度报告应按{ay.fmt.notice}的格式编制。",
                    expected=ay.fmt.notice, actual=cited, key=_stable_key(key, cited, seen))


PERIOD = re.compile(r"(\d{4})\s*年\s*1\s*月\s*1\s*日\s*(?:起\s*)?(?:至|到|—|-|～|~)\s*(?:(\d{4})\s*年\s*)?"
                    r"12\s*月\s*31\s*日|截至\s*(\d{4})\s*年\s*12\s*月\s*31\s*日")
REPORT_OF = re.compile(r"(?:现将|现予|本报告为|特此)[^。；]{0,40}?(\d{4})\s*年度?[^。；\d]{0,30}?(?:年度报告|年报)")


@rule("TEXT-PERIOD", "error", "正文年份与报告年度不符",
      "正文所述统计期间（某年1月1日至12月31日、截至某年12月31日）及“现将…某年度…年度报告”中的年份应为报告年度")
def period_year(ay: AgencyYear, previous: AgencyYear | None) -> Iterator[Finding]:
    seen: dict[str, int] = {}
    for key, text in _texts(ay):
        found = [(m.group(0), {int(y) for y in m.groups() if y}) for m in PERIOD.finditer(text)]
        if key == "总体情况":  # the opening statement names the year the report covers
            found += [(m.group(0), {int(m.group(1))}) for m in REPORT_OF.finditer(text)]
        for said, years in found:
            if years != {ay.year}:
                yield Finding(
                    "TEXT-PERIOD", "error", _section_num(ay, key), ay.fmt.section(key).title,
                    f"正文“{said}”中的年份与报告年度{ay.year}年不符。",
                    expected=f"{ay.year}年", actual=said, key=_stable_key(key, said, seen))


@rule("PUBLISH-DATE", "error", "发布日期",
      "发布日期应晚于统计期末，且不晚于法定期限（《条例》第四十九条：部门1月31日，本级政府3月31日）")
def publish_date(ay: AgencyYear, previous: AgencyYear | None) -> Iterator[Finding]:
    if ay.published is None:
        return
    close = date(ay.year, 12, 31)
    deadline = date(ay.year + 1, 3, 31) if ay.body == "government" else date(ay.year + 1, 1, 31)
    who = "本级人民政府" if ay.body == "government" else "政府部门"
    if ay.published <= close:
        yield Finding("PUBLISH-DATE", "error", "一", "发布日期",
                      f"发布日期{ay.published.isoformat()}早于统计期末{close.isoformat()}，年度报告不可能在年度结束前发布。",
                      expected=f"> {close.isoformat()}", actual=ay.published.isoformat(), key="early")
    elif ay.published > deadline:
        yield Finding("PUBLISH-DATE", "warning", "一", "发布日期",
                      f"{who}年度报告应于{deadline.isoformat()}前公布，本报告发布日期为{ay.published.isoformat()}，已逾期。",
                      expected=f"≤ {deadline.isoformat()}", actual=ay.published.isoformat(), key="late")


@cache
def _foreign_labels(fmt_id: str) -> list[tuple[str, str]]:
    """(other format's label, this format's label) for table 二 rows and columns with the same role but
    another wording (规范性文件 → 行政规范性文件, 本年新制作数量 → 本年制发件数)."""
    t = get_format(fmt_id).table("二")
    own = {(r.role, r.label) for r in t.data_rows() if r.role}
    own |= {(c.role, c.label) for r in t.data_rows() for c in t.columns_of(r.key or "") if c.role}
    by_role = dict(own)
    pairs: set[tuple[str, str]] = set()
    for fid in available():
        if fid == fmt_id:
            continue
        other = get_format(fid).table("二")
        theirs = {(r.role, r.label) for r in other.data_rows() if r.role}
        theirs |= {(c.role, c.label) for r in other.data_rows() for c in other.columns_of(r.key or "") if c.role}
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


@rule("LEVEL-RULES", "warning", "无权制定规章",
      "县级及以下机关（含县级政府部门、乡镇、街道）不能制定规章，表二“规章”应为0")
def level_rules(ay: AgencyYear, previous: AgencyYear | None) -> Iterator[Finding]:
    if ay.level not in ("county", "township"):
        return
    t = ay.fmt.table("二")
    for row in t.rows_by_role("rules"):
        rk = row.key or ""
        made_col = t.column_by_role(rk, "made")
        if made_col is None:
            continue
        v = ay.get("二", rk, made_col.key)
        if v:
            yield Finding("LEVEL-RULES", "warning", "二", f"表二 {t.row_label(rk)} × {made_col.label}",
                          f"县级及以下机关无权制定规章，但表二“{row.label}”{made_col.label}为{v}，请核实。",
                          expected="0", actual=str(v), key=rk)


@rule("T2-GAP", "info", "制作与公开差距", "2019格式：本年新制作数量远大于本年新公开数量（≥ 2倍且相差3件以上）")
def made_vs_published(ay: AgencyYear, previous: AgencyYear | None) -> Iterator[Finding]:
    t = ay.fmt.table("二")
    for row in t.data_rows():
        rk = row.key or ""
        made, pub = t.column_by_role(rk, "made"), t.column_by_role(rk, "published")
        if made is None or pub is None:
            continue
        m, p = ay.get("二", rk, made.key), ay.get("二", rk, pub.key)
        if m is not None and p is not None and m >= 2 * p and m - p >= 3:
            yield Finding("T2-GAP", "info", "二", f"表二 {t.row_label(rk)}",
                          f"“{row.label}”本年新制作{m}件，仅新公开{p}件，请核实是否应公开未公开。",
                          expected=f"接近{m}", actual=str(p), key=rk)


def _mentions(text: str, words: tuple[str, ...]) -> bool:
    return any(w in text for w in words)


FEE_WORDS = re.compile(r"处理费|收费|收取费用")


@rule("REQ-FEE", "warning", "信息处理费说明",
      "2021格式：六、其他需要报告的事项应说明本年度收取信息处理费的情况（收取与否、金额）")
def fee_statement(ay: AgencyYear, previous: AgencyYear | None) -> Iterator[Finding]:
    if ay.fmt.id == "2019" or ay.fee_charged is not None:
        return  # a fee figure in params makes the narrative state it
    if not FEE_WORDS.search(ay.text.get("其他事项") or ""):
        yield Finding("REQ-FEE", "warning", "六", ay.fmt.section("其他事项").title,
                      "2021年版格式要求在第六部分说明信息处理费的收取情况，本报告未说明（可在参数 facts.fee 中填写）。",
                      expected="说明是否收取信息处理费", actual="未说明", key="fee")


@rule("REQ-RECTIFY", "warning", "上年问题整改",
      "2021格式：五、存在的主要问题及改进情况应报告上年度问题的整改情况")
def rectification(ay: AgencyYear, previous: AgencyYear | None) -> Iterator[Finding]:
    if ay.fmt.id == "2019":
        return
    text = re.sub(r"\s+", "", ay.text.get("问题及改进") or "")
    # "整改措施" alone is this year's plan; the rule asks what became of last year's problems
    if text and not _mentions(text, ("上年", "上一年", "去年", f"{ay.year - 1}年", "以前年度", "往年")):
        yield Finding("REQ-RECTIFY", "warning", "五", ay.fmt.section("问题及改进").title,
                      "第五部分未报告上年度存在问题的整改情况。", expected="上年度问题整改情况", actual="未提及",
                      key="rectify")


OVERVIEW_TOPICS = {
    "主动公开": ("主动公开",),
    "依申请公开": ("依申请公开", "公开申请"),
    "政府信息管理": ("信息管理", "信息资源", "保密审查", "公开属性", "发布审查", "发布审核", "信息清理",
                 "清理过期", "标准目录", "公开目录", "公开指南"),
    "平台建设": ("平台", "网站", "政务新媒体", "公开专栏"),
    "监督保障": ("监督", "保障", "考核", "培训", "责任追究"),
}


@rule("REQ-OVERVIEW", "warning", "总体情况要点",
      "2021格式：一、总体情况应涵盖主动公开、依申请公开、政府信息管理、平台建设、监督保障")
def overview_topics(ay: AgencyYear, previous: AgencyYear | None) -> Iterator[Finding]:
    if ay.fmt.id == "2019":
        return
    text = ay.text.get("总体情况") or ""
    missing = [topic for topic, words in OVERVIEW_TOPICS.items() if not _mentions(text, words)]
    if text.strip() and missing:
        yield Finding("REQ-OVERVIEW", "warning", "一", ay.fmt.section("总体情况").title,
                      f"总体情况未涉及：{'、'.join(missing)}。", expected="五个方面均有说明",
                      actual="缺" + "、".join(missing), key="topics")


APPS = re.compile(r"(?:新?收到|新收)[^，。；0-9]{0,14}?(?:政府信息公开申请|依申请公开申请|公开申请)\D{0,4}?(\d+)\s*件")
REVIEW = re.compile(r"行政复议(?:案件)?\D{0,2}?(\d+)\s*(?:起|件)")
LAWSUIT = re.compile(r"行政诉讼(?:案件)?\D{0,2}?(\d+)\s*(?:起|件)")
AMBIGUOUS = ("含", "包括", "结转", "受理", "备案", "累计", "以来")


def _statements(ay: AgencyYear) -> Iterator[tuple[str, str, int]]:
    for key, text in _texts(ay):
        for m in SENTENCE.finditer(text):
            yield key, m.group(0), m.start()


class Stated(NamedTuple):
    name: str  # the table's label of the figure
    said: int  # the number in the sentence
    figure: int  # the table's own figure
    bases: frozenset[int]  # every figure a sentence in another basis may mean
    text: str  # the matched words


def _stated_figures(ay: AgencyYear) -> Iterator[tuple[str, str, list[Stated]]]:
    """(section key, sentence, stated figures) per sentence that states an application, review or
    lawsuit count. Applications have several bases: 新收, 新收 + 上年结转 (受理), 办理结果总计."""
    t3, t4 = ay.fmt.table("三"), ay.fmt.table("四")
    total3 = next(c for c in t3.columns if c.total).key
    total4 = next(c for c in t4.columns if c.total).key
    new, carried, handled = (ay.t3(t3.row_by_role(r).key or "", total3) for r in ("new", "carried_in",
                                                                                    "handled_total"))
    groups = [g.key or "" for g in t4.rows]
    review = ay.get("四", groups[0], total4)
    suits = [ay.get("四", g, total4) for g in groups[1:]]
    lawsuit = None if None in suits else sum(suits)  # type: ignore[arg-type]
    app_bases = {v for v in (new, handled, None if new is None or carried is None else new + carried)
                 if v is not None}
    checks = ((APPS, new, t3.row_by_role("new").label, app_bases),
              (REVIEW, review, t4.rows[0].label, {review}),
              (LAWSUIT, lawsuit, t4.rows[1].role or "", {lawsuit}))
    for key, sentence, _ in _statements(ay):
        stated = [Stated(name, int(m.group(1)), int(figure), frozenset(int(b) for b in bases), m.group(0))  # type: ignore[arg-type]
                  for pattern, figure, name, bases in checks
                  if figure is not None and (m := pattern.search(sentence)) is not None]
        if stated:
            yield key, sentence, stated


@rule("TEXT-TABLE", "error", "正文与表格不一致",
      "正文明确陈述的申请数、复议数、诉讼数应与表三、表四一致（含上年结转、受理、备案等口径不同的句子不比对）")
def text_vs_tables(ay: AgencyYear, previous: AgencyYear | None) -> Iterator[Finding]:
    seen: dict[str, int] = {}
    for key, sentence, stated in _stated_figures(ay):
        if _mentions(sentence, AMBIGUOUS):
            continue  # another basis: TEXT-BASIS notes it when no basis fits
        for s in stated:
            if s.said != s.figure:
                yield Finding(
                    "TEXT-TABLE", "error", _section_num(ay, key), ay.fmt.section(key).title,
                    f"正文称“{s.text}”，但表格中{s.name}为{s.figure}件。",
                    expected=str(s.figure), actual=str(s.said), key=_stable_key(key, s.text, seen))


@rule("TEXT-BASIS", "info", "正文数字口径待核实",
      "含“备案、累计、含、受理”等口径词的句子所述申请数、复议数、诉讼数与表格的任何口径都不一致时，提示核实")
def text_other_basis(ay: AgencyYear, previous: AgencyYear | None) -> Iterator[Finding]:
    seen: dict[str, int] = {}
    for key, sentence, stated in _stated_figures(ay):
        off = [s for s in stated if s.said not in s.bases]
        if not off or not _mentions(sentence, AMBIGUOUS):
            continue
        said = "；".join(f"{s.name}：正文{s.said}件，表格{'/'.join(map(str, sorted(s.bases)))}件" for s in off)
        yield Finding(
            "TEXT-BASIS", "info", _section_num(ay, key), ay.fmt.section(key).title,
            f"正文“{sentence.strip()[:60]}”所述数字与表格不同（{said}），可能口径不同，请核实或在正文中说明口径。",
            expected="、".join(str(s.figure) for s in off), actual="、".join(str(s.said) for s in off),
            key=_stable_key(key, sentence, seen))


def _t4_sum(ay: AgencyYear, role: str | None) -> int:
    """Sum over table 四's groups of the column with ``role`` (None: the 总计 column); blanks count 0."""
    t4 = ay.fmt.table("四")
    col = next(c for c in t4.columns if (c.role == role if role else c.total)).key
    return sum(int(ay.get("四", g.key or "", col) or 0) for g in t4.rows)


@rule("TEXT-ZERO", "error", "正文称无而表格有",
      "正文称“未收到政府信息公开申请”时表三本年新收应为0；称“未发生…行政复议、行政诉讼”时表四总计应为0；"
      "称“未被纠错/未败诉”时表四结果纠正应为0")
def text_says_none(ay: AgencyYear, previous: AgencyYear | None) -> Iterator[Finding]:
    t3 = ay.fmt.table("三")
    total3 = next(c for c in t3.columns if c.total).key
    new = ay.t3(t3.row_by_role("new").key or "", total3) or 0
    cases, corrected = _t4_sum(ay, None), _t4_sum(ay, "corrected")
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


def _carried_out(ay: AgencyYear) -> int | None:
    """结转下年度继续办理 (总计 column, or the sum of the applicant columns when 总计 is blank)."""
    t = ay.fmt.table("三")
    rk = t.row_by_role("carried_out").key or ""
    total = next(c for c in t.columns if c.total).key
    if (v := ay.t3(rk, total)) is not None:
        return v
    parts = [ay.t3(rk, c.key) for c in t.columns if not c.total]
    return None if all(p is None for p in parts) else sum(p or 0 for p in parts)


@rule("TEXT-DONE", "error", "正文称全部办结而有结转",
      "正文称“所有申请均已办结/办理完成”时，表三 四、结转下年度继续办理应为0")
def text_says_all_done(ay: AgencyYear, previous: AgencyYear | None) -> Iterator[Finding]:
    out = _carried_out(ay)
    if not out:
        return
    row = ay.fmt.table("三").row_by_role("carried_out")
    seen: dict[str, int] = {}
    for key, sentence, _ in _statements(ay):
        if m := ALL_DONE.search(sentence):
            yield Finding("TEXT-DONE", "error", _section_num(ay, key), ay.fmt.section(key).title,
                          f"正文称“{m.group(0)}”，但表三“{row.numbered}”为{out}件。",
                          expected=f"说明{out}件结转", actual=m.group(0), key=_stable_key(key, m.group(0), seen))


@rule("PLAUSIBLE-PENDING", "info", "结转比例偏高", "结转下年度继续办理 > （本年新收 + 上年结转）的一半，且不少于5件")
def pending(ay: AgencyYear, previous: AgencyYear | None) -> Iterator[Finding]:
    t = ay.fmt.table("三")
    total = next(c for c in t.columns if c.total).key
    new, carried, out = (ay.t3(t.row_by_role(r).key or "", total) for r in ("new", "carried_in", "carried_out"))
    if None in (new, carried, out):
        return
    base = new + carried  # type: ignore[operator]
    if out >= 5 and 2 * out > base:  # type: ignore[operator]
        share = rate(out, base)
        yield Finding("PLAUSIBLE-PENDING", "info", "三", "表三 四、结转下年度继续办理 × 总计",
                      f"结转下年度继续办理{out}件，占本年新收与上年结转之和的{share}，请核实是否存在超期未答复。",
                      expected="≤ 50%", actual=share, key="pending")


@rule("PLAUSIBLE-CORRECTED", "info", "复议诉讼纠正比例",
      "结果纠正 ÷ （结果维持 + 结果纠正 + 其他结果）> 20%（已审结案件不少于5件）")
def corrected(ay: AgencyYear, previous: AgencyYear | None) -> Iterator[Finding]:
    t = ay.fmt.table("四")
    roles = {c.role: c.key for c in t.columns if c.role}
    for g in t.rows:
        gk = g.key or ""
        vals = [ay.get("四", gk, roles[r]) for r in ("upheld", "corrected", "other")]
        if None in vals:
            continue
        decided = sum(vals)  # type: ignore[arg-type]
        if decided >= 5 and vals[1] * 5 > decided:  # type: ignore[operator]
            share = f"{100 * vals[1] / decided:.1f}%"  # type: ignore[operator]
            name = f"{g.role}·{g.label}" if g.role else g.label
            yield Finding("PLAUSIBLE-CORRECTED", "info", "四", f"表四 {name} 结果纠正",
                          f"“{name}”已审结{decided}件，其中结果纠正{vals[1]}件，占{share}，纠错率偏高。",
                          expected="≤ 20%", actual=share, key=gk)


CN_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
PARTS = re.compile(r"(?:由|包括|分为|共)[^。；]{0,80}?(?:等)?([一二两三四五六七八九十])\s*(?:个)?部分")


@rule("TEXT-PARTS", "error", "报告组成部分", "正文所述报告组成部分的数量应与格式规定的六部分一致")
def parts_count(ay: AgencyYear, previous: AgencyYear | None) -> Iterator[Finding]:
    n = len(ay.fmt.sections)
    seen: dict[str, int] = {}
    for key, text in _texts(ay):
        for m in PARTS.finditer(text):
            stated = CN_DIGITS[m.group(1)]
            if stated != n:
                yield Finding("TEXT-PARTS", "error", _section_num(ay, key), ay.fmt.section(key).title,
                              f"正文称报告由{m.group(1)}部分组成，但年度报告格式规定为{n}部分。",
                              expected=str(n), actual=str(stated), key=_stable_key(key, m.group(0), seen))


def _outcome_groups(ay: AgencyYear) -> dict[str, int | None]:
    """Figure per outcome name of table 三's （一）…（六） (groups summed over their items), 总计 column."""
    t = ay.fmt.table("三")
    total = next(c for c in t.columns if c.total).key
    group = t.parent_of(t.row_by_role("handled_total").key or "")
    out: dict[str, int | None] = {}
    for item in group.children if group else ():
        if item.role == "handled_total":
            continue
        keys = [r.key for r, _ in item.walk() if r.key]
        vals = [ay.t3(k, total) for k in keys]
        out[item.label.split("（")[0]] = None if None in vals else sum(vals)  # type: ignore[arg-type]
    return out


# names (2-6 characters each, joined by 、及和与), N件, 占 X%: parsed without backtracking (see _shares)
SHARE = SharePattern()


@rule("TEXT-SHARE", "error", "正文比例与表格不一致",
      "正文“某办理结果N件，占X%”：N等于表三该项（总计列），X%等于N除以办理结果总计（允许四舍五入误差0.6个百分点）")
def shares(ay: AgencyYear, previous: AgencyYear | None) -> Iterator[Finding]:
    groups = _outcome_groups(ay)
    t = ay.fmt.table("三")
    total_col = next(c for c in t.columns if c.total).key
    handled = ay.t3(t.row_by_role("handled_total").key or "", total_col)
    new = ay.t3(t.row_by_role("new").key or "", total_col)
    carried = ay.t3(t.row_by_role("carried_in").key or "", total_col)
    seen: dict[str, int] = {}
    for key, sentence, _ in _statements(ay):
        # the base the sentence states: 含上年结转/受理 → 新收 + 结转; 新收 → 新收; otherwise 办理结果总计
        if _mentions(sentence, ("结转", "受理")):
            base = None if new is None or carried is None else new + carried
        elif "新收" in sentence:
            base = new
        else:
            base = handled
        for m in SHARE.finditer(sentence):
            names = [n for n in re.split(r"、|及|和|与", m.group(1)) if n]
            names = [next((g for g in groups if n.endswith(g)), "") for n in names]
            if not names or "" in names or any(groups[n] is None for n in names):
                continue  # not unambiguously outcomes of table 三: leave it alone
            figure = sum(groups[n] or 0 for n in names)
            stated, pct = int(m.group(2)), float(m.group(3))
            label = "、".join(names)
            if stated != figure:
                yield Finding("TEXT-SHARE", "error", _section_num(ay, key), ay.fmt.section(key).title,
                              f"正文称“{m.group(0)}”，但表三{label}为{figure}件。", expected=str(figure),
                              actual=str(stated), key=_stable_key(key, m.group(0), seen))
            elif base and abs(100 * stated / base - pct) > 0.6:
                right = rate(stated, base)
                yield Finding("TEXT-SHARE", "error", _section_num(ay, key), ay.fmt.section(key).title,
                              f"正文称“{m.group(0)}”，但{stated}件占所述基数{base}件的{right}。",
                              expected=right, actual=f"{pct}%", key=_stable_key(key, m.group(0), seen))


@rule("TEXT-CASES", "warning", "复议诉讼未在正文说明",
      "表四有复议或诉讼案件（尤其尚未审结的）而正文未提及复议、诉讼，且未启用自动生成的第四部分文字")
def cases_unmentioned(ay: AgencyYear, previous: AgencyYear | None) -> Iterator[Finding]:
    if ay.narrative.get("复议诉讼", True) is not False:
        return  # the generated sentences of section 四 state every group's cases
    t = ay.fmt.table("四")
    total = t.columns[-1].key
    cases = sum(ay.get("四", r.key or "", total) or 0 for r in t.data_rows())
    pending = sum(ay.get("四", r.key or "", c.key) or 0
                  for r in t.data_rows() for c in t.columns if c.role == "pending")
    text = "".join(v for _, v in _texts(ay))
    if cases and not _mentions(text, ("复议", "诉讼")):
        said = f"共{cases}件，其中尚未审结{pending}件" if pending else f"共{cases}件"
        yield Finding("TEXT-CASES", "warning", "四", t.title,
                      f"表四有行政复议、行政诉讼案件（{said}），正文未作说明。",
                      expected="正文说明复议诉讼情况", actual="未提及", key="cases")
