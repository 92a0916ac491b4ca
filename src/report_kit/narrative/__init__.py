"""The report's prose, section by section, in the official order.

``compose`` returns the six sections: the analyst's own text for 一, 五 and 六, and the table
sections 二, 三 and 四 that carry the official tables.
"""

from __future__ import annotations

from report_kit.content import Paragraph, SectionContent
from report_kit.model import AgencyYear

TABLE_OF_SECTION = {"主动公开": "二", "依申请公开": "三", "复议诉讼": "四"}


def analyst_paragraphs(text: str | None) -> tuple[Paragraph, ...]:
    return tuple(Paragraph(line.strip()) for line in (text or "").splitlines() if line.strip())


def compose(ay: AgencyYear, previous: AgencyYear | None = None) -> list[SectionContent]:
    """The six sections of the report in official order."""
    return [
        SectionContent(key=s.key, title=s.title, paragraphs=analyst_paragraphs(ay.text.get(s.key)),
                       table=TABLE_OF_SECTION.get(s.key))
        for s in ay.fmt.sections
    ]


__all__ = ["compose"]
