"""The agency's name against the registry: exact, character for character.

Neighbouring places can differ by one character (沭阳/泗阳), so a name is never matched to an entry because it
looks alike. The entry is the one the agency-year belongs to by its slug (a params file's ``slug``; for an imported
document, its file name ``<year>-<slug>.<ext>``); an exact match with another entry active that year is accepted as
it is. A similarity is only shown, to point at the characters that differ.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from report_kit.checks._core import UNVERIFIED, Finding, rule

if TYPE_CHECKING:
    from report_kit.checks._context import Context, Registered
    from report_kit.model import AgencyYear


def _compact(name: str) -> str:
    return re.sub(r"\s+", "", name)


def _active(entry: Registered, year: int) -> bool:
    return entry.first_year <= year and (entry.last_year is None or year <= entry.last_year)


def _differs(said: str, registered: str) -> str:
    """'沐 → 沭': the characters that differ, for the message only (the decision is exact equality)."""
    parts = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, said, registered, autojunk=False).get_opcodes():
        if op != "equal":
            parts.append(f"“{said[i1:i2] or '（无）'}”应为“{registered[j1:j2] or '（删去）'}”")
    return "，".join(parts[:3])


@rule("AGENCY-NAME", "error", "机关名称与名录不符",
      "报告中的机关名称 = 机构名录（params/agencies.yaml）中该机关当年登记的名称，逐字相同（按目录名/文件名对应机关，"
      "不按相似度猜测）；按文件名对应时为警告", context=True)
def agency_name(ay: AgencyYear, previous: AgencyYear | None, context: Context) -> Iterator[Finding]:
    registry = context.registry
    if registry is None:
        return
    said = _compact(ay.agency)
    entry = registry.get(ay.slug)
    by = "目录名" if context.identity == "slug" else "文件名"
    if entry is None or not _active(entry, ay.year):
        if any(_compact(e.name) == said and _active(e, ay.year) for e in registry.values()):
            return  # named exactly as a registered agency of that year
        why = (f"{by}“{ay.slug}”在机构名录中未登记" if entry is None
               else f"机构名录中“{ay.slug}”登记的年度为{entry.first_year}–{entry.last_year or '至今'}，不含{ay.year}年")
        yield Finding("AGENCY-NAME", "info", "一", "机关名称",
                      f"机关名称“{ay.agency}”无法与机构名录核对：{why}，且没有同名的登记机关。",
                      expected="名录登记的名称", actual=ay.agency, key=UNVERIFIED)
        return
    registered = _compact(entry.name)
    if said == registered:
        return
    severity = "error" if context.identity == "slug" else "warning"
    if entry.name and ay.agency == getattr(entry, "short_name", None):
        yield Finding("AGENCY-NAME", "warning", "一", "机关名称",
                      f"报告使用了简称“{ay.agency}”，机构名录登记的全称为“{entry.name}”。",
                      expected=entry.name, actual=ay.agency, key="name", quote=ay.agency)
        return
    yield Finding("AGENCY-NAME", severity, "一", "机关名称",
                  f"报告中的机关名称“{ay.agency}”与机构名录（按{by}“{ay.slug}”）登记的“{entry.name}”不一致："
                  f"{_differs(said, registered)}。",
                  expected=entry.name, actual=ay.agency, key="name", quote=ay.agency)
