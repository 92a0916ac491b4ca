"""The published content as the executed notebook recorded it: one source of truth for report.html/.docx/.pdf.

Each published cell shows its part of the report (``notebook.show_title``, ``notebook.show_section``) as HTML
*and* as a record of the same content (title, paragraphs, the official table's grid with its merged cells)
under ``CONTENT_MIME``. report.html is the HTML; report.docx is built from the records — so a customised
template that adds, drops or rewrites what a cell shows reaches both, instead of Word being recomposed from the
params in the parent process. A published output that carries no record cannot be put into Word, and
``read`` says so rather than leaving it out.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from report_kit.content import Paragraph, SectionContent, signature
from report_kit.i18n import _
from report_kit.model import AgencyYear
from report_kit.render.grid import Cell, Grid, table_grid

CONTENT_MIME = "application/vnd.report-kit.content+json"
REVIEW_TAG = "review"
SHOWN = ("display_data", "execute_result")


@dataclass(frozen=True)
class Title:
    title: str
    agency: str
    notice: str
    published: date | None


@dataclass(frozen=True)
class Section:
    content: SectionContent
    grid: Grid | None


@dataclass(frozen=True)
class Signature:
    """The 落款: the agency's name and the 成文日期 as written (None: no date set)."""

    agency: str
    dated: str | None


@dataclass(frozen=True)
class Report:
    title: Title
    sections: tuple[Section, ...]
    signature: Signature | None = None


class NotRecorded(ValueError):
    """A published cell shows something the notebook did not record as report content."""


# ------------------------------------------------------------------------------------------ writing (kernel side)

_CELL_DEFAULTS = {"header": False, "rowspan": 1, "colspan": 1, "row": None, "col": None, "blank": False, "cls": ""}


def _cell(c: Cell) -> dict[str, Any]:
    out: dict[str, Any] = {"text": c.text}
    out.update({k: getattr(c, k) for k, d in _CELL_DEFAULTS.items() if getattr(c, k) != d})
    return out


def _grid(g: Grid) -> dict[str, Any]:
    return {"table": g.table, "head": [[_cell(c) for c in row] for row in g.head],
            "body": [[_cell(c) for c in row] for row in g.body]}


def title_record(ay: AgencyYear) -> dict[str, Any]:
    return {"kind": "title", "title": ay.title, "agency": ay.agency, "notice": ay.fmt.notice,
            "published": ay.published.isoformat() if ay.published else None}


def signature_record(ay: AgencyYear) -> dict[str, Any]:
    agency, dated = signature(ay)
    return {"kind": "signature", "agency": agency, "dated": dated}


def section_record(section: SectionContent, ay: AgencyYear) -> dict[str, Any]:
    return {"kind": "section", "key": section.key, "title": section.title,
            "paragraphs": [{"text": p.text, "generated": p.generated} for p in section.paragraphs],
            "table": _grid(table_grid(ay.fmt, section.table, ay)) if section.table else None}


# ------------------------------------------------------------------------------------------ reading (parent side)


def _cell_of(d: dict[str, Any]) -> Cell:
    return Cell(**{k: d.get(k, default) for k, default in {"text": "", **_CELL_DEFAULTS}.items()})


def _grid_of(d: dict[str, Any]) -> Grid:
    return Grid(str(d["table"]), tuple(tuple(_cell_of(c) for c in row) for row in d["head"]),
                tuple(tuple(_cell_of(c) for c in row) for row in d["body"]))


def _title_of(d: dict[str, Any]) -> Title:
    pub = d.get("published")
    return Title(str(d["title"]), str(d["agency"]), str(d.get("notice", "")),
                 date.fromisoformat(pub) if pub else None)


def _section_of(d: dict[str, Any]) -> Section:
    paragraphs = tuple(Paragraph(str(p["text"]), bool(p.get("generated"))) for p in d.get("paragraphs", ()))
    grid = _grid_of(d["table"]) if d.get("table") else None
    return Section(SectionContent(str(d["key"]), str(d["title"]), paragraphs, grid.table if grid else None), grid)


def from_records(records: Iterable[dict[str, Any]]) -> Report:
    title: Title | None = None
    sections: list[Section] = []
    signed: Signature | None = None
    for rec in records:
        if rec.get("kind") == "title":
            title = _title_of(rec)
        elif rec.get("kind") == "section":
            sections.append(_section_of(rec))
        elif rec.get("kind") == "signature":
            signed = Signature(str(rec["agency"]), str(rec["dated"]) if rec.get("dated") else None)
    if title is None:
        raise NotRecorded(_("the notebook published no title (notebook.show_title)"))
    return Report(title, tuple(sections), signed)


def read(nb: Any) -> Report:
    """The report as the executed notebook's published (non-review) cells recorded it, in their order."""
    records: list[dict[str, Any]] = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code" or REVIEW_TAG in cell.metadata.get("tags", []):
            continue
        for out in cell.get("outputs", ()):
            data = out.get("data", {})
            # exactly what report.html shows (the rk_report template): displayed HTML of published cells
            if out.get("output_type") not in SHOWN or "text/html" not in data:
                continue
            if CONTENT_MIME not in data:
                raise NotRecorded(_("published cell {n} shows HTML that is not recorded report content, so "
                                    "report.docx cannot hold it: display report content with report_kit.notebook's "
                                    "show_title/show_section, or tag the cell 'review'").format(n=i + 1))
            records.append(dict(data[CONTENT_MIME]))
    return from_records(records)


def report_of(ay: AgencyYear, sections: Iterable[SectionContent]) -> Report:
    """The same records made directly from an agency-year (for tests and tools without a notebook)."""
    return from_records([title_record(ay), *(section_record(s, ay) for s in sections), signature_record(ay)])
