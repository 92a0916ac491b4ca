"""The report's prose, section by section, in the official order.

``compose`` returns the form's sections: the analyst's own paragraphs first (一 总体情况, 五, 六 in the
2019 and 2021 forms), then the sentences report-kit writes from the figures (``Paragraph.generated``):
for the section that shows a table, and for a section whose requirement report-kit can state from params
(the fee statement). So prose and tables can never disagree. ``ay.narrative[section]`` switches the
generated part: True (default), False (off), or a text that replaces it. The wording lives in
``phrases.yaml``.

A generated sentence whose fact the analyst's own text already states (the fee, 未收到申请, 未发生复议诉讼:
see ``_facts``) is dropped, or replaced by the part the analyst did not say, so no fact is said twice. A
section's generated sentences make one paragraph, "本年度" said once, as an office writes them.
"""

from __future__ import annotations

from report_kit.content import Paragraph, SectionContent, chinese_date, signature
from report_kit.model import AgencyYear
from report_kit.narrative._facts import stated_by_analyst
from report_kit.narrative._generate import REQUIREMENT_SENTENCES, TABLE_SENTENCES, Sentence, Sentences, say

LEAD = "本年度"
# what remains of a generated sentence when the analyst's text states its fact (None: nothing remains)
REMAINDER: dict[str, str | None] = {"no_applications": "apps_none_carried", "no_cases": None,
                                    "fee_charged": None, "fee_not_charged": None}


def analyst_paragraphs(text: str | None) -> tuple[Paragraph, ...]:
    return tuple(Paragraph(line.strip()) for line in (text or "").splitlines() if line.strip())


def _unless_said(sentence: Sentence, said: frozenset[str]) -> Sentence | None:
    if sentence.fact not in said:
        return sentence
    rest = REMAINDER[sentence.fact]
    return Sentence(say(rest), sentence.stated) if rest else None


def generated(ay: AgencyYear, previous: AgencyYear | None = None) -> dict[str, Sentences]:
    """Generated sentences and the figures they state, per section key (before options apply), without
    those whose fact the analyst's text already states."""
    said = stated_by_analyst(ay)
    out: dict[str, Sentences] = {}
    for s in ay.fmt.sections:
        parts = [TABLE_SENTENCES[s.table](ay, previous)] if s.table else []
        parts += [gen(ay, previous) for flag, gen in REQUIREMENT_SENTENCES.items() if flag in s.requires]
        kept = [k for p in parts for item in p.items if (k := _unless_said(item, said)) is not None]
        if kept:
            out[s.key] = Sentences(kept)
    return out


def paragraph(texts: list[str]) -> str:
    """A section's generated sentences as one paragraph: "本年度" opens it once, not every sentence."""
    return "".join(t if i == 0 or not t.startswith(LEAD) or not texts[0].startswith(LEAD) else t[len(LEAD):]
                   for i, t in enumerate(texts))


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
            paragraphs.append(Paragraph(paragraph(gen[s.key].texts), generated=True))
        sections.append(SectionContent(key=s.key, title=s.title, paragraphs=tuple(paragraphs),
                                       table=s.table))
    return sections


__all__ = ["chinese_date", "compose", "generated", "paragraph", "signature"]
