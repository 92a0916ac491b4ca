"""Arithmetic inside the text: outcomes that do not add up to the stated total, shares that do not add up to
100%, the balance 新收 + 上年结转 = 办结 + 结转 stated in words, a written sum (10+0=0+0), and itemised counts
("共60条，其中…") whose items exceed or fall just short of their total.

Only figures the text itself states are used; the tables are not read here (TEXT-TABLE and TEXT-SHARE do that).
Every pattern is bounded (no nested quantifiers), so a long paragraph is read in linear time.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from typing import TYPE_CHECKING, NamedTuple

from report_kit import figures
from report_kit.checks._core import Finding, rule
from report_kit.checks._memo import per_run
from report_kit.checks._prose import _section_num, _stable_key, _texts

if TYPE_CHECKING:
    from report_kit.model import AgencyYear

HANDLED = re.compile(r"(?:答复|办结|办理完[结毕成]|作出(?:答复|处理))([^，。；,;\d（(]{0,16}?)(\d+)\s{0,3}件")
# words of an outcome: "办结的申请中同意公开答复9件" states an outcome, not how many were handled
_OUTCOME_WORDS = ("同意", "予以", "部分", "不予", "无法", "其他", "中")
_OUTCOME_BEFORE = ("公开", "提供", "处理")
RECEIVED = re.compile(r"(?:收到|受理|新收|接收|接到)[^，。；,;\d（(]{0,16}?(\d+)\s*件")
CARRIED_IN = re.compile(r"上(?:一)?年(?:度)?结转[^，。；,;\d]{0,14}?(\d+)\s*件")
CARRIED_OUT = re.compile(r"(?:结转(?:至|到)?下(?:一)?年(?:度)?|转(?:入|至|到)?下(?:一)?年(?:度)?|顺延)"
                         r"[^，。；,;\d]{0,10}?(\d+)\s*件")
_SHARE_AFTER = re.compile(r"\s{0,3}[，,（(]?\s{0,3}占[^，。；%％\d]{0,8}(\d+(?:\.\d+)?)\s{0,3}[%％]")


def _handled(para: str) -> re.Match[str] | None:
    """The first statement of how many applications were handled (答复/办结 N件), not of one outcome."""
    carried = [c.span() for c in CARRIED_OUT.finditer(para)]  # "转下一年度办理答复的有1件" is carried over

    def handled(m: re.Match[str]) -> bool:
        before = para[max(0, m.start() - 4):m.start()]  # "部分公开答复0件" is an outcome too
        inside = any(a <= m.start() < b for a, b in carried)
        return not inside and not any(w in m.group(1) for w in _OUTCOME_WORDS) and \
            not any(w in before for w in _OUTCOME_BEFORE)

    return next((m for m in HANDLED.finditer(para) if handled(m)), None)


def _count(m: re.Match[str]) -> int:
    return int(m.group(m.lastindex or 0))


class Outcome(NamedTuple):
    names: tuple[str, ...]
    count: int
    share: str | None
    start: int


@cache
def _outcome_pattern(names: tuple[str, ...]) -> re.Pattern[str]:
    one = "|".join(map(re.escape, names))
    # (?<![及和与、]): a chain of names is read from its first name only (else every name would rescan the chain)
    return re.compile(rf"(?<![及和与、])((?:{one})(?:(?:及|和|与|、)(?:{one}))*+)(?:的|类)?[^，。；,;\d（(]{{0,4}}?"
                      r"(\d+)\s{0,3}件")


@per_run  # asked for every paragraph: read once per check
def _outcome_names(ay: AgencyYear) -> tuple[str, ...]:
    return tuple(n for n, _ in figures.outcome_readings(ay))


def _outcomes(ay: AgencyYear, text: str) -> list[Outcome]:
    names = _outcome_names(ay)
    out = []
    for m in _outcome_pattern(names).finditer(text):
        named = tuple(n for n in names if n in m.group(1))
        pct = _SHARE_AFTER.match(text, m.end())
        out.append(Outcome(named, int(m.group(2)), pct.group(1) if pct else None, m.start()))
    return out


def _paragraphs(ay: AgencyYear) -> Iterator[tuple[str, str]]:
    for key, text in _texts(ay):
        for para in text.split("\n"):
            if para.strip():
                yield key, para.strip()


@rule("TEXT-OUTCOMES", "error", "正文办理结果之和",
      "同一段中正文所列办理结果（予以公开…其他处理）之和：列全六类时等于所述答复/办结总数，否则不超过它；"
      "所列比例（占X%）之和为100%（允许各比例舍入误差之和）")
def outcomes_add_up(ay: AgencyYear, previous: AgencyYear | None) -> Iterator[Finding]:
    every = set(_outcome_names(ay))
    seen: dict[str, int] = {}
    for key, para in _paragraphs(ay):
        found = _outcomes(ay, para)
        total = _handled(para)
        if not found or total is None or total.start() > found[0].start:
            continue
        named = [n for o in found for n in o.names]
        if len(named) != len(set(named)):
            continue  # an outcome named twice (a breakdown): not one list
        stated, s = _count(total), sum(o.count for o in found)
        complete = set(named) == every
        listed = "＋".join(str(o.count) for o in found)
        where = dict(section=_section_num(ay, key), location=ay.fmt.section(key).title, quote=para[:160])
        if (complete and s != stated) or s > stated:
            yield Finding(rule="TEXT-OUTCOMES", severity="error",
                          message=f"正文所列办理结果{'（六类齐全）' if complete else ''}之和为{listed}＝{s}件，"
                                  f"与所述“{total.group(0)}”不符。",
                          expected=str(stated), actual=str(s), key=_stable_key(key, total.group(0), seen), **where)
            continue
        shares = [o.share for o in found if o.count]
        if complete and shares and None not in shares:
            summed = sum(float(p) for p in shares)  # type: ignore[arg-type]
            slack = 0.1 + sum(0.5 * 10 ** -len(p.partition(".")[2]) for p in shares)  # type: ignore[union-attr]
            if abs(summed - 100) > slack:
                yield Finding(rule="TEXT-OUTCOMES", severity="error",
                              message=f"正文所列六类办理结果的比例之和为{summed:.2f}%，不是100%。",
                              expected="100%", actual=f"{summed:.2f}%",
                              key=_stable_key(key, "比例之和" + total.group(0), seen), **where)


@rule("TEXT-FLOW", "error", "正文申请数量勾稽",
      "同一段中正文写明本年收到（新收）、上年结转、办结（答复）、结转下年度的件数时："
      "收到 + 上年结转 = 办结 + 结转下年度")
def flow(ay: AgencyYear, previous: AgencyYear | None) -> Iterator[Finding]:
    seen: dict[str, int] = {}
    for key, para in _paragraphs(ay):
        got = [RECEIVED.search(para), CARRIED_IN.search(para), _handled(para), CARRIED_OUT.search(para)]
        if None in got or "含" in para:
            continue  # not all four stated, or a total that already includes the carried-over ones
        new, carried_in, handled, carried_out = (_count(m) for m in got)  # type: ignore[arg-type]
        if len({m.start() for m in got}) < 4:  # type: ignore[union-attr]
            continue  # one phrase read twice
        if new + carried_in != handled + carried_out:
            said = "；".join(m.group(0) for m in got)  # type: ignore[union-attr]
            yield Finding("TEXT-FLOW", "error", _section_num(ay, key), ay.fmt.section(key).title,
                          f"正文“{said}”：收到与上年结转之和{new}＋{carried_in}＝{new + carried_in}件，"
                          f"办结与结转下年度之和{handled}＋{carried_out}＝{handled + carried_out}件，两者应相等。",
                          expected=str(new + carried_in), actual=str(handled + carried_out),
                          key=_stable_key(key, said, seen), quote=para[:160])


_SUM = r"(\d{1,9}(?:\s{0,3}[+＋]\s{0,3}\d{1,9}){0,12})"
_CALC = re.compile(r"(?<![\d.])" + _SUM + r"\s{0,3}[=＝]\s{0,3}" + _SUM + r"(?![\d.])")


@rule("TEXT-CALC", "error", "正文算式", "正文写出的算式（如“10+0=10+0”）两边应相等")
def written_sums(ay: AgencyYear, previous: AgencyYear | None) -> Iterator[Finding]:
    seen: dict[str, int] = {}
    for key, text in _texts(ay):
        for m in _CALC.finditer(text):
            if "+" not in m.group(0) and "＋" not in m.group(0):
                continue  # "2023=2023" is not a sum
            left, right = (sum(int(x) for x in g.replace("＋", "+").split("+")) for g in m.groups())
            if left != right:
                yield Finding("TEXT-CALC", "error", _section_num(ay, key), ay.fmt.section(key).title,
                              f"正文算式“{m.group(0)}”不成立：左边为{left}，右边为{right}。",
                              expected=str(left), actual=str(right), key=_stable_key(key, m.group(0), seen),
                              quote=m.group(0))


_UNIT = r"(?:条|件|篇|个|次|期|项)"
# (?<!\d): a digit run is tried from its first digit only; bounded spaces: two adjacent \s* would split a run of
# spaces in quadratically many ways
_TOTAL = re.compile(r"(?<!\d)(\d+)\s{0,3}(余|多)?\s{0,3}" + _UNIT + r"[^，。；,;\d]{0,4}?[，,：:]?\s{0,3}其中")
_ITEM = re.compile(r"(?<!\d)(\d+)\s{0,3}(余|多)?\s{0,3}" + _UNIT)
_CHUNK = re.compile(r"[^，、；,;。]+")


_LEVEL = {"、": 0, "，": 1, ",": 1, "；": 2, ";": 2, "": 3}
# a clause that starts another statement ends the list ("…8件；共办理718件")
_NEW_STATEMENT = ("共", "另", "此外", "同比", "较", "办理", "办结", "答复", "结转", "受理", "收到", "全年", "本年")


def _items(tail: str) -> list[tuple[int, bool, bool]]:
    """(count, approximate, opens a nested 其中) per item of the list after 其中. The list ends at the sentence's
    end, at a stronger break than the one between its items (a list joined by 、 ends at ，), at a clause without
    a count, or at a clause that starts another statement."""
    out: list[tuple[int, bool, bool]] = []
    level: int | None = None
    for m in _CHUNK.finditer(tail.split("。")[0]):
        chunk = re.sub(r"[（(][^）)]{0,40}[）)]", "", m.group(0)).strip()
        after = tail[m.end():m.end() + 1]
        found = _ITEM.findall(chunk)
        if not found:
            if out:
                break  # a clause with no count ends the list
            continue
        if len(found) > 1 or (out and chunk.startswith(_NEW_STATEMENT)):
            break
        count, approx = found[0]
        out.append((int(count), bool(approx), chunk.startswith("其中")))
        here = _LEVEL.get(after, 3)
        level = here if level is None else level
        if here > level:
            break
    return out


def _outer_sum(items: list[tuple[int, bool, bool]]) -> tuple[int, int, bool]:
    """(sum, number of items, any approximate) at the list's own level. A nested list ("…200篇，其中…55篇，28篇")
    keeps every following item that still fits inside its parent, so the outer sum is the smallest any reading
    gives: when even that exceeds the total, the text is wrong whichever way it is read."""
    total = n = 0
    approx = inside = False
    room: int | None = None  # what the last outer item can still hold of a list nested in it
    for count, rough, nested in items:
        inside = inside or (nested and room is not None)
        if inside and room is not None and count <= room:
            room -= count
            continue
        inside = False
        total, n, approx, room = total + count, n + 1, approx or rough, count
    return total, n, approx


@rule("TEXT-ITEMIZED", "warning", "正文分项之和",
      "正文“共N条，其中a条、b条、c条…”：各分项之和不应超过N；列出三项以上、之和略小于N（≥90%）时提示核对")
def itemised(ay: AgencyYear, previous: AgencyYear | None) -> Iterator[Finding]:
    seen: dict[str, int] = {}
    for key, text in _texts(ay):
        for m in _TOTAL.finditer(text):
            if m.group(2):
                continue  # "200余条": not an exact total
            stated = int(m.group(1))
            items = _items(text[m.end():])
            s, n, approx = _outer_sum(items)
            if n < 2:
                continue
            listed = "＋".join(str(c) for c, _, _ in items)
            where = dict(section=_section_num(ay, key), location=ay.fmt.section(key).title,
                         key=_stable_key(key, m.group(0), seen), quote=text[max(0, m.start() - 20):m.end() + 80])
            if s > stated:
                yield Finding(rule="TEXT-ITEMIZED", severity="warning",
                              message=f"正文称共{stated}，其中所列各项之和为{s}（{listed}），超过了总数。",
                              expected=f"≤ {stated}", actual=str(s), **where)
            elif n >= 3 and not approx and 0.9 * stated <= s < stated:
                yield Finding(rule="TEXT-ITEMIZED", severity="warning",
                              message=f"正文称共{stated}，其中所列{n}项之和为{s}（{listed}），比总数少{stated - s}；"
                                      "若已列全，其中有数字有误。",
                              expected=str(stated), actual=str(s), **where)
