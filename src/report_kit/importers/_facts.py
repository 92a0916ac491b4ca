"""What the structure rules read of an imported document (``checks.Context``): its title and headings as written,
and the registry entry the document belongs to.

The document is read again here (records, headings, title) rather than carried through ``import_document``, so the
importer's own result stays what it is; old Word files, which would go through LibreOffice a second time, are left
without these facts (the structure rules then stay silent).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

from report_kit.checks._context import Context, Document, Registered
from report_kit.convert import LEGACY
from report_kit.deadlines import LocalRule
from report_kit.errors import ReportKitError
from report_kit.formats import Format
from report_kit.importers._identity import title_of
from report_kit.importers._labels import nfkc
from report_kit.importers._sections import Layout, find_layout, table_regions

# Characters that exist only in traditional writing, common in these reports (開報資訊請況與處務總體動議訟關條規書):
# a page converted by a mirror site is not judged on its wording.
_TRADITIONAL = frozenset("開報資訊請況與處務總體動議訟關條規書區縣鎮機構實當號於為")


def _title_text(records: list, title_len: int) -> str | None:
    """The title lines as written: the lines ``title_of`` took, else the first short line naming a report."""
    lines = [r for r in records[:max(title_len, 0)] if not r.row and r.cells[0].strip()]
    if title_len and lines:
        # the title is the last one to three lines title_of took (a portal's metadata lines come before it): the
        # span that names agency and year, else the shortest that is a title at all
        spans = [lines[-k:] for k in (1, 2, 3) if k <= len(lines)]
        found = [(title_of(span), span) for span in spans]
        whole = [span for t, span in found if t.lines == len(span) and t.agency and t.year]
        some = [span for t, span in found if t.lines == len(span) and (t.agency or t.year)]
        best = (whole or some or [lines[-3:]])[0]
        joined = "".join(r.cells[0].strip() for r in best)
        # a preamble sentence that names the report is not a title ("现将…年度报告如下")
        return joined if len(joined) <= 60 else None
    for r in records[:3]:
        text = r.cells[0].strip()
        if not r.row and text and len(text) <= 60 and "报告" in nfkc(text):
            return text
    return None


def document_facts(path: Path, fmt_id: str) -> Document | None:
    """Title and headings of the document at ``path`` as written; None when it cannot be read again cheaply."""
    from report_kit.formats import get_format
    from report_kit.importers import read_records

    if path.suffix.lower() in LEGACY:
        return None
    try:
        records, _, _ = read_records(path)
    except ReportKitError:
        return None
    fmt = get_format(fmt_id)
    layout = find_layout(records, fmt)
    title_len = title_of(records).lines
    text = "".join(r.text for r in records[:400])
    headings = {key: rec.cells[0].strip() for key, rec in layout.headings.items()}
    unmatched = _unmatched(records, fmt, headings)
    return Document(
        title=_title_text(records, title_len),
        headings=headings,
        unmatched=unmatched,
        traditional=sum(ch in _TRADITIONAL for ch in text) >= 5,
        unheaded=_unheaded(records, fmt, layout, {**headings, **unmatched}),
    )


_OVERVIEW_ITEM = re.compile(r"^\s*[(（]一[)）]\s*(?:主动公开|政府信息主动公开)")


def _unheaded(records: list, fmt: Format, layout: Layout, written: dict[str, str]) -> dict[str, str]:
    """Sections present without their heading: a table found only by its own column header, and the overview
    whose "（一）主动公开…" follows the preamble directly."""
    out: dict[str, str] = {}
    for section in fmt.sections:
        if section.table and section.key not in written:
            found = table_regions(records, fmt, layout).get(section.table)
            if found and found[1] == "header" and found[0]:
                out[section.key] = found[0][0].cells[0].strip()
    opening = fmt.opening.key
    if opening not in written:
        items = (r.cells[0].strip() for r in layout.preamble if not r.row and _OVERVIEW_ITEM.match(nfkc(r.cells[0])))
        item = next(items, None)
        if item:
            out[opening] = item
    return out


_TOP = re.compile(r"^#*\s*([一二三四五六七八九十]+)\s*[、.．]")


def _unmatched(records: list, fmt: Format, headings: dict[str, str]) -> dict[str, str]:
    """Numbered lines ("三、收到和处理政府信息公开的申请情况") the importer did not take for a heading, by the section
    whose number they carry; only when that number starts exactly one short line (else it is some list)."""
    by_num: dict[str, list[str]] = {}
    for r in records:
        line = nfkc(r.cells[0]).strip() if not r.row else ""
        if line and len(re.sub(r"\s+", "", line)) <= 45 and (m := _TOP.match(line)):
            by_num.setdefault(m.group(1), []).append(r.cells[0].strip())
    return {s.key: by_num[s.num][0] for s in fmt.sections
            if s.key not in headings and len(by_num.get(s.num, ())) == 1}


def context_for(path: Path, fmt_id: str, registry: Mapping[str, Registered] | None = None,
                rules: tuple[LocalRule, ...] = (), registry_path: Path | None = None) -> Context:
    """The Context an imported document is checked with: its title and headings, and the registry (the document is
    tied to an entry by its file name, ``2024-<slug>.html``, never by a name that merely looks alike)."""
    return Context(registry=registry, deadline_rules=rules, document=document_facts(path, fmt_id),
                   identity="file name", registry_path=str(registry_path) if registry_path else None)


__all__ = ["context_for", "document_facts"]
