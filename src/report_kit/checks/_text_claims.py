"""Statements the tables contradict: "均获维持" while table 四 has cases pending or corrected; the text's counts of
规章 and 规范性文件 made, repealed and in force against table 二."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from report_kit.checks._core import UNVERIFIED, Finding, rule
from report_kit.checks._prose import _section_num, _stable_key, _statements

if TYPE_CHECKING:
    from report_kit.model import AgencyYear

UPHELD = re.compile(r"(?:均|全部|都|皆)(?:已)?(?:获|被|予以|得到)?维持")
NOT_UPHELD_ROLES = ("corrected", "other", "pending")  # 结果纠正, 其他结果, 尚未审结


@rule("TEXT-UPHELD", "error", "正文称均获维持而表四不然",
      "正文称复议、诉讼“均获维持/全部维持”时，表四所涉各组（复议；诉讼）的结果纠正、其他结果、尚未审结应为0"
      "（空白时提示无法核实）")
def all_upheld(ay: AgencyYear, previous: AgencyYear | None) -> Iterator[Finding]:
    t = ay.fmt.table("四")
    cols = {c.role: c for c in t.columns if c.role in NOT_UPHELD_ROLES}
    groups = list(t.figure_rows())
    seen: dict[str, int] = {}
    for key, sentence, _ in _statements(ay):
        m = UPHELD.search(sentence)
        if m is None:
            continue
        review, suit = "复议" in sentence, "诉讼" in sentence
        if not (review or suit):
            continue  # 均获维持 of something else
        chosen = [(gk, g) for i, (gk, g) in enumerate(groups) if (review and i == 0) or (suit and i > 0)]
        against, blank = [], []
        for gk, g in chosen:
            name = f"{g.role}·{g.label}" if g.role else g.label
            for col in cols.values():
                v = ay.get("四", gk, col.key)
                if v is None:
                    blank.append(f"{name}×{col.label}")
                elif v:
                    against.append(f"{name}{col.label}{v}件")
        where = dict(section=_section_num(ay, key), location=ay.fmt.section(key).title, quote=sentence.strip())
        if against:
            yield Finding("TEXT-UPHELD", "error", message=f"正文称“{sentence.strip()[:50]}”，但表四"
                          f"{'、'.join(against)}，并非均获维持。", expected="说明未审结或被纠正的案件",
                          actual=m.group(0), key=_stable_key(key, m.group(0), seen), **where)
        elif blank:
            yield Finding("TEXT-UPHELD", "info", message=f"正文称“{m.group(0)}”，表四{'、'.join(blank[:4])}空白，"
                          "无法核实。", expected="填写后核实", actual=m.group(0), key=UNVERIFIED, **where)


_DOC = r"(行政规范性文件|规范性文件|规章)"
_COUNT = r"\s*(\d+)\s*(?:件|个|部)"
_T2_STATEMENTS = (  # (column role, pattern): the verb says which column of table 二 the count is
    ("made", re.compile(r"(?:制定|制发|出台|印发|新制作)(?:了)?[^，。；,;\d]{0,8}?" + _DOC + _COUNT)),
    ("repealed", re.compile(r"废止(?:了)?[^，。；,;\d]{0,8}?" + _DOC + _COUNT)),
    ("in_force", re.compile(r"现行有效(?:的)?[^，。；,;\d]{0,6}?" + _DOC + _COUNT)),
)
# statements about the whole region or other bodies, or over several years: not this agency's table 二
_OTHER_SCOPE = ("全市", "全区", "全县", "全省", "全州", "全旗", "各部门", "各级", "累计", "以来", "历年", "代拟",
                "起草")


@rule("TEXT-T2", "error", "正文与表二不一致",
      "正文“制定/制发/印发（行政）规范性文件、规章N件”“废止…N件”“现行有效…N件”中的N应等于表二相应行的"
      "本年制发件数（2019格式：本年新制作数量）、本年废止件数、现行有效件数（全市、累计等口径不同的句子不比对）")
def text_vs_table2(ay: AgencyYear, previous: AgencyYear | None) -> Iterator[Finding]:
    t = ay.fmt.table("二")
    rows = {role: t.key_of(role) for role in ("rules", "normative") if t.rows_by_role(role)}
    seen: dict[str, int] = {}
    unverified: list[str] = []
    for key, sentence, _ in _statements(ay):
        if any(w in sentence for w in _OTHER_SCOPE):
            continue
        for role, pattern in _T2_STATEMENTS:
            for m in pattern.finditer(sentence):
                rk = rows.get("rules" if m.group(1) == "规章" else "normative")
                col = t.column_by_role(rk, role) if rk else None
                if rk is None or col is None:
                    continue
                said, v = int(m.group(2)), ay.get("二", rk, col.key)
                if v is None:
                    unverified.append(f"“{m.group(0)}”（表二{t.row_label(rk)}×{col.label}空白）")
                elif int(v) != said:
                    yield Finding("TEXT-T2", "error", _section_num(ay, key), ay.fmt.section(key).title,
                                  f"正文称“{m.group(0)}”，但表二“{t.row_label(rk)}”{col.label}为{v}。",
                                  expected=str(v), actual=str(said), key=_stable_key(key, m.group(0), seen),
                                  quote=sentence.strip())
    if unverified:
        yield Finding("TEXT-T2", "info", "二", t.title, f"正文所述件数无法与表二核对：{'；'.join(unverified[:5])}。",
                      expected="填写后核实", actual=f"{len(unverified)}处无法核实", key=UNVERIFIED)
