"""Where the form's sections start, the texts the analyst wrote, and the title's agency and year."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from itertools import pairwise
from statistics import quantiles

from report_kit.formats import Format, Section
from report_kit.importers._labels import nfkc, norm
from report_kit.importers._records import Record
from report_kit.importers._script import simplified

_NUMBERED = re.compile(r"^#*\s*[一二三四五六七八九十]+\s*[、.．]")
_DATE = re.compile(r"^[(（]?((?:19|20)\d{2})年(\d{1,2})月(\d{1,2})日[)）]?$"
                   r"|公开日期\|?((?:19|20)\d{2})-(\d{2})-(\d{2})")
_SENTENCE_END = tuple("。！？；：…”」）)!?;:")
_CN = "一二三四五六七八九十"
_NEW_ITEM = re.compile(rf"^(?:[（(][{_CN}\d]+[)）]|[{_CN}]+是|[{_CN}]+、|\d+[.、])")


@dataclass(frozen=True)
class Layout:
    """Record ranges: the preamble before the first heading and each found section's records."""

    preamble: tuple[Record, ...]
    sections: dict[str, tuple[Record, ...]]
    headings: dict[str, Record]


def _compact(text: str) -> str:
    return re.sub(r"\s+", "", simplified(nfkc(text)))


def heading_pattern(section: Section) -> str:
    """How real reports word a section's heading: the form's variants (``heading``) or its official title."""
    title = _compact(section.title.split("、", 1)[-1])
    return "|".join(p for p in (section.heading, re.escape(title)) if p)


def find_layout(records: Sequence[Record], fmt: Format) -> Layout:
    """Headings in official order; a numbered line that reads like a later section's title starts it."""
    order = [s.key for s in fmt.sections]
    patterns = {s.key: heading_pattern(s) for s in fmt.sections}
    starts: list[tuple[int, str]] = []
    done = -1
    for i, rec in enumerate(records):
        if rec.row or len(_compact(rec.cells[0])) > 45:
            continue
        text = nfkc(rec.cells[0]).strip()
        if not _NUMBERED.match(text) or text.lstrip("#").strip()[0] in "（(":
            continue
        for k in range(done + 1, len(order)):
            if re.search(patterns[order[k]], _compact(text)):
                starts.append((i, order[k]))
                done = k
                break
    sections: dict[str, tuple[Record, ...]] = {}
    for n, (i, key) in enumerate(starts):
        end = starts[n + 1][0] if n + 1 < len(starts) else len(records)
        sections[key] = tuple(records[i + 1:end])
    first = starts[0][0] if starts else len(records)
    return Layout(tuple(records[:first]), sections, {key: records[i] for i, key in starts})


@cache
def _signatures(fmt: Format) -> dict[str, tuple[str, ...]]:
    """Per table, header words no other table has: table 二's block keys (第二十条第（一）项 …), table 三's
    corner note and 申请人情况, table 四's 诉讼 groups (未经复议直接起诉, 复议后起诉)."""
    out: dict[str, tuple[str, ...]] = {}
    for tid, t in fmt.tables.items():
        words = [b.key for b in t.blocks] + [t.corner, t.applicant_head]
        words += [r.label for r, _ in t.walk() if t.parent_of(r.key or "") is not None and t.shape == "groups"]
        out[tid] = tuple(k for k in (norm(w) for w in words if w) if k)
    return out


def _carries(rec: Record, words: tuple[str, ...]) -> bool:
    text = rec.text
    if not rec.row and len(text) > 120:
        return False  # prose that mentions a header word is not a header
    k = norm(text)
    return any(w in k for w in words)


def table_regions(records: Sequence[Record], fmt: Format, layout: Layout) -> dict[str, tuple[tuple[Record, ...], str]]:
    """Where each table is read: its own section, or (the heading lost) the block that starts at the table's
    own column header; either ends where another table's header starts. Tables found in neither are absent."""
    sig = _signatures(fmt)
    heads = {id(r) for r in layout.headings.values()}
    out: dict[str, tuple[tuple[Record, ...], str]] = {}
    for section in fmt.sections:
        tid = section.table
        if tid is None:
            continue
        others = tuple(w for t, ws in sig.items() if t != tid for w in ws)
        if section.key in layout.sections:
            region, how = layout.sections[section.key], "section"
        else:
            start = next((i for i, r in enumerate(records) if _carries(r, sig[tid])), None)
            if start is None:
                continue
            end = next((i for i in range(start + 1, len(records)) if id(records[i]) in heads), len(records))
            region, how = tuple(records[start:end]), "header"
        cut = next((i for i, r in enumerate(region) if _carries(r, others) and not _carries(r, sig[tid])), None)
        out[tid] = (region[:cut] if cut is not None else region, how)
    return out


def published_of(records: Sequence[Record]) -> date | None:
    """The date under the signature at the end, or a portal's 公开日期 field."""
    for rec in [*records[-4:][::-1], *records[:8]]:
        m = _DATE.search(_compact(rec.text))
        if m:
            y, mo, d = (int(g) for g in (m.groups()[:3] if m.group(1) else m.groups()[3:]))
            try:
                return date(y, mo, d)
            except ValueError:
                return None
    return None


def prose(records: Sequence[Record], wrapped: bool) -> str | None:
    """The paragraphs of a section as text; lines of a PDF's wrapped text are joined back into paragraphs."""
    lines = [r.cells[0].strip() for r in records if not r.row and r.cells[0].strip()]
    if not lines:
        return None
    if not wrapped:
        return "\n".join(lines)
    width = sorted(len(line) for line in lines)[len(lines) * 3 // 4]  # the usual full line
    paras: list[str] = [lines[0]]
    for prev, line in pairwise(lines):
        # a line that ends a sentence or stops short of the width ends its paragraph
        if prev.endswith(_SENTENCE_END) or len(prev) < 0.7 * width or _NEW_ITEM.match(line):
            paras.append(line)
        else:
            paras[-1] += line
    return "\n".join(paras)


def looks_wrapped(records: Sequence[Record]) -> bool:
    """True for text taken from a PDF: most lines are cut at about the same width, mid-sentence."""
    lines = [len(r.cells[0]) for r in records if not r.row and len(r.cells[0]) > 8]
    if len(lines) < 10:
        return False
    _, p50, p75 = quantiles(lines, n=4)
    cut = sum(1 for r in records if not r.row and len(r.cells[0]) > 8 and not r.cells[0].endswith(_SENTENCE_END))
    return p75 <= 60 and p75 - p50 <= 5 and cut > len(lines) / 2
