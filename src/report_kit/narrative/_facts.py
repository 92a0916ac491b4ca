"""Facts an analyst often states in their own words, so the generated sentence saying the same is not added.

Each fact is a test on the analyst's text (every section, since 一、总体情况 often says "未收到申请") that
holds only when that text says the same thing as the generated sentence: a text that states the fee but
disagrees with params keeps the generated sentence, so the contradiction stays visible to the reviewer
and the checks. The wording is learnt from tests/data/real/phrasing (fees, no-applications,
no-review-litigation).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from report_kit.model import AgencyYear
from report_kit.render.grid import format_number

_CLAUSE = r"[^，,。；;\n]"
# 未收取信息处理费 / 信息处理费0元 / 未发生收费情况 / 没有收费: the fee in words, quoted forms in fees.txt
FEE_NONE = re.compile(rf"(?:未|没有|无|不)(?:收取|收|产生|发生)(?:任何)?{_CLAUSE}{{0,6}}(?:处理费|费用)|免收"
                      rf"|信息处理费{_CLAUSE}{{0,4}}(?<![\d.])0\s*元|(?:未发生|没有|无){_CLAUSE}{{0,12}}收费")
FEE_WORD = re.compile("信息处理费|收费")
# 未收到政府信息公开申请 / 未接到信息公开申请 / 未受理依申请公开事项 — but not 未收到法人或者其他组织…的申请
NO_APPS = re.compile(r"(?:未|没有)(?:收到|接到|接收到|受理)(?:任何)?(?:新的)?(?:政府信息公开|信息公开|依申请公开)")
# 未发生因政府信息公开…行政复议、…行政诉讼 — both named; 纠错/败诉 deny outcomes, not cases
NO_CASES = re.compile(rf"(?:未|没有)(?:发生|出现|有){_CLAUSE}{{0,30}}行政复议{_CLAUSE}{{0,12}}行政诉讼"
                      rf"|(?:未|没有)(?:发生|出现|有){_CLAUSE}{{0,30}}行政诉讼{_CLAUSE}{{0,12}}行政复议")
YUAN = re.compile(r"(?<![\d.])(\d++(?:\.\d++)?+)\s*+元")
SENTENCE_END = re.compile(r"[。；;\n]")


def _sentences(text: str) -> list[str]:
    return [s for s in SENTENCE_END.split(text) if s.strip()]


def _fee_charged(ay: AgencyYear, sentences: list[str]) -> bool:
    amount = format_number(ay.fee_amount) if ay.fee_amount is not None else None
    return amount is not None and any(
        "信息处理费" in s and amount in (m.group(1) for m in YUAN.finditer(s)) for s in sentences)


def _fee_not_charged(ay: AgencyYear, sentences: list[str]) -> bool:
    return any(FEE_WORD.search(s) and FEE_NONE.search(s) for s in sentences)


def _no_applications(ay: AgencyYear, sentences: list[str]) -> bool:
    return any(NO_APPS.search(s) for s in sentences)


def _no_cases(ay: AgencyYear, sentences: list[str]) -> bool:
    return any(NO_CASES.search(s) and not re.search("纠错|纠正|败诉|撤销|确认违法", s) for s in sentences)


FACTS: dict[str, Callable[[AgencyYear, list[str]], bool]] = {
    "fee_charged": _fee_charged,
    "fee_not_charged": _fee_not_charged,
    "no_applications": _no_applications,
    "no_cases": _no_cases,
}


def stated_by_analyst(ay: AgencyYear) -> frozenset[str]:
    """The facts the analyst's own text already states (names of ``FACTS``)."""
    sentences = [s for text in ay.text.values() if text for s in _sentences(text)]
    return frozenset(name for name, says in FACTS.items() if says(ay, sentences))
