"""The report's prose, section by section, in the official order.

``compose`` returns the six sections: the analyst's own paragraphs first (一 总体情况, 五, 六), then
the sentences report-kit writes from the figures (``Paragraph.generated``), so prose and tables can
never disagree. ``ay.narrative[section]`` switches the generated part: True (default), False (off),
or a text that replaces it. The wording lives in ``phrases.yaml``.
"""

from __future__ import annotations

from report_kit.content import Paragraph, SectionContent
from report_kit.model import AgencyYear
from report_kit.narrative._generate import GENERATORS, Sentences

TABLE_OF_SECTION = {"主动公开": "二", "依申请公开": "三", "复议诉讼": "四"}


def analyst_paragraphs(text: str | None) -> tuple[Paragraph, ...]:
    return tuple(Paragraph(line.strip()) for line in (text or "").splitlines() if line.strip())


def generated(ay: AgencyYear, previous: AgencyYear | None = None) -> dict[str, Sentences]:
    """Generated sentences and the figures they state, per section key (before options apply)."""
    return {key: gen(ay, previous) for key, gen in GENERATORS.items()}


def compose(ay: AgencyYear, previous: AgencyYear | None = None) -> list[SectionContent]:
    """The six sections of the report in official order."""
    gen = generated(ay, previous)
    sections = []
    for s in ay.fmt.sections:
        paragraphs = list(analyst_paragraphs(ay.text.get(s.key)))
        option = ay.narrative.get(s.key, True)
        if isinstance(option, str):
            paragraphs += [Paragraph(p, generated=True) for p in option.splitlines() if p.strip()]
        elif option and s.key in gen:
            paragraphs += [Paragraph(text, generated=True) for text in gen[s.key].texts]
        sections.append(SectionContent(key=s.key, title=s.title, paragraphs=tuple(paragraphs),
                                       table=TABLE_OF_SECTION.get(s.key)))
    return sections


__all__ = ["compose", "generated"]
