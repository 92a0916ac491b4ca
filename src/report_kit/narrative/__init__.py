"""The report's prose, section by section, in the official order.

``compose`` returns the form's sections: the analyst's own paragraphs first (一 总体情况, 五, 六 in the
2019 and 2021 forms), then the sentences report-kit writes from the figures (``Paragraph.generated``):
for the section that shows a table, and for a section whose requirement report-kit can state from params
(the fee statement). So prose and tables can never disagree. ``ay.narrative[section]`` switches the
generated part: True (default), False (off), or a text that replaces it. The wording lives in
``phrases.yaml``.
"""

from __future__ import annotations

from report_kit.content import Paragraph, SectionContent
from report_kit.model import AgencyYear
from report_kit.narrative._generate import REQUIREMENT_SENTENCES, TABLE_SENTENCES, Sentences


def analyst_paragraphs(text: str | None) -> tuple[Paragraph, ...]:
    return tuple(Paragraph(line.strip()) for line in (text or "").splitlines() if line.strip())


def generated(ay: AgencyYear, previous: AgencyYear | None = None) -> dict[str, Sentences]:
    """Generated sentences and the figures they state, per section key (before options apply)."""
    out: dict[str, Sentences] = {}
    for s in ay.fmt.sections:
        parts = [TABLE_SENTENCES[s.table](ay, previous)] if s.table else []
        parts += [gen(ay, previous) for flag, gen in REQUIREMENT_SENTENCES.items() if flag in s.requires]
        if parts:
            out[s.key] = Sentences([t for p in parts for t in p.texts], [f for p in parts for f in p.stated])
    return out


def compose(ay: AgencyYear, previous: AgencyYear | None = None) -> list[SectionContent]:
    """The sections of the report in official order."""
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
                                       table=s.table))
    return sections


__all__ = ["compose", "generated"]
