"""report.docx: the report as a Word document in the layout of Chinese government documents.

Page and type follow GB/T 9704-2012 (党政机关公文格式): A4, margins 37 mm top, 35 mm bottom, 28 mm
left, 26 mm right (a 156 × 225 mm text block); the title in 2号 (22 pt), headings in 黑体 三号, body
in 仿宋 三号 (16 pt) on a 28 pt line with a two-character first-line indent; tables in 宋体. The
tables are the render grids (``report_kit.render.grid.table_grid``) with the same merged cells as
report.html. A build's report.docx is made from what the executed notebook recorded (``report_kit.recorded``),
the same content its report.html shows. Word only uses a Chinese font name when it is given as the East-Asian font
(``w:eastAsia``), so every font here is set through ``_set_font``.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Length, Mm, Pt
from docx.table import Table as DocxTable
from docx.text.paragraph import Paragraph as DocxParagraph

from report_kit.content import SectionContent
from report_kit.export._layout import Layout, place
from report_kit.i18n import _
from report_kit.model import AgencyYear
from report_kit.recorded import Report, Signature, report_of
from report_kit.render.grid import Cell, Grid


@dataclass(frozen=True)
class DocxStyle:
    """Fonts, sizes and page of report.docx (defaults: GB/T 9704-2012)."""

    body_font: str = "仿宋"
    heading_font: str = "黑体"
    title_font: str = "宋体"
    table_font: str = "宋体"
    latin_font: str = "Times New Roman"  # digits and Latin letters, as government documents set them
    title_size: float = 22  # 二号
    heading_size: float = 16  # 三号
    body_size: float = 16  # 三号
    table_size: float = 10.5  # 五号
    wide_table_size: float = 9  # 小五: tables 三 and 四 have 10 and 15 columns
    line_pitch: float = 28  # exact line spacing of the body, 22 lines on a 225 mm text block
    page_width_mm: float = 210
    page_height_mm: float = 297
    margin_top_mm: float = 37
    margin_bottom_mm: float = 35
    margin_left_mm: float = 28
    margin_right_mm: float = 26

    @property
    def text_width_mm(self) -> float:
        return self.page_width_mm - self.margin_left_mm - self.margin_right_mm


GOVERNMENT = DocxStyle()
WIDE_TABLES = {"三", "四"}
# Fixed timestamp inside the package so the same report gives the same bytes.
EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


def _set_font(rpr_owner: object, east_asian: str, latin: str, size: float | None = None,
              bold: bool | None = None) -> None:
    """Font of a run or style: Latin and East-Asian names, size, weight."""
    font = rpr_owner.font  # type: ignore[attr-defined]
    font.name = latin
    if size is not None:
        font.size = Pt(size)
    if bold is not None:
        font.bold = bold
    rpr = rpr_owner.element.get_or_add_rPr()  # type: ignore[attr-defined]
    rfonts = rpr.get_or_add_rFonts()
    rfonts.set(qn("w:eastAsia"), east_asian)
    rfonts.set(qn("w:ascii"), latin)
    rfonts.set(qn("w:hAnsi"), latin)


def _set_language(style: object) -> None:
    rpr = style.element.get_or_add_rPr()  # type: ignore[attr-defined]
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")


def _setup(doc: DocxDocument, style: DocxStyle) -> None:
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(style.page_width_mm), Mm(style.page_height_mm)
    section.top_margin, section.bottom_margin = Mm(style.margin_top_mm), Mm(style.margin_bottom_mm)
    section.left_margin, section.right_margin = Mm(style.margin_left_mm), Mm(style.margin_right_mm)
    section.footer_distance = Mm(20)  # page number 7 mm below the text block (GB/T 9704 7.5)

    normal = doc.styles["Normal"]
    _set_font(normal, style.body_font, style.latin_font, style.body_size)
    _set_language(normal)
    fmt = normal.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(style.line_pitch)
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.widow_control = True
    _page_number_footer(doc, style)


def _page_number_footer(doc: DocxDocument, style: DocxStyle) -> None:
    """'— n —' centred under the text block, as government documents number their pages."""
    para = doc.sections[0].footer.paragraphs[0]
    para.alignment = WD_ALIGN_PARAGRAPH.CENTER
    para.paragraph_format.first_line_indent = Pt(0)
    for text, field in (("— ", False), ("PAGE", True), (" —", False)):
        if field:
            fld = OxmlElement("w:fldSimple")
            fld.set(qn("w:instr"), "PAGE")
            run_el = OxmlElement("w:r")
            t = OxmlElement("w:t")
            t.text = "1"
            run_el.append(t)
            fld.append(run_el)
            para._p.append(fld)
        else:
            run = para.add_run(text)
            _set_font(run, style.table_font, style.latin_font, 14)


def _paragraph(doc: DocxDocument, text: str, style: DocxStyle, *, font: str, size: float, bold: bool = False,
               align: WD_ALIGN_PARAGRAPH | None = None, indent: bool = True) -> DocxParagraph:
    para = doc.add_paragraph()
    if align is not None:
        para.alignment = align
    para.paragraph_format.first_line_indent = Pt(2 * size) if indent else Pt(0)
    run = para.add_run(text)
    _set_font(run, font, style.latin_font, size, bold)
    return para


def _column_widths(table_id: str, layout: Layout, width: Length) -> list[int]:
    """Column widths in EMU: label columns wide enough for the official wording, figures even."""
    n = layout.n_cols
    if table_id == "三":
        # Seven figure columns of 7 % (four digits; headings wrap two characters a line: 商业/企业), the
        # label columns the rest: 三、本年度/办理结果, （三）不予/公开, then the item labels.
        labels = [0.12, 0.12, 0.27]
        rest = (1 - sum(labels)) / (n - len(labels))
        shares = labels + [rest] * (n - len(labels))
    elif table_id == "二":
        shares = [0.31] + [(1 - 0.31) / (n - 1)] * (n - 1)
    else:
        shares = [1 / n] * n
    return [int(width * s) for s in shares]


def _narrow_cell_margins(table: DocxTable, mm: float) -> None:
    """Left/right cell padding of a wide table (Word's default 1.9 mm leaves 10 columns no room)."""
    tbl_pr = table._tbl.tblPr
    mar = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:w"), str(round(mm / 25.4 * 1440)))  # twips
        el.set(qn("w:type"), "dxa")
        mar.append(el)
    tbl_pr.append(mar)


def _repeat_header(row: object) -> None:
    trpr = row._tr.get_or_add_trPr()  # type: ignore[attr-defined]
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    trpr.append(el)


def _cant_split(row: object) -> None:
    trpr = row._tr.get_or_add_trPr()  # type: ignore[attr-defined]
    trpr.append(OxmlElement("w:cantSplit"))


def _fill(cell: object, src: Cell, style: DocxStyle, size: float) -> None:
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER  # type: ignore[attr-defined]
    para = cell.paragraphs[0]  # type: ignore[attr-defined]
    para.paragraph_format.first_line_indent = Pt(0)
    para.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    left = "label" in src.cls or "block" in src.cls
    para.alignment = WD_ALIGN_PARAGRAPH.LEFT if left else WD_ALIGN_PARAGRAPH.CENTER
    if src.text:
        run = para.add_run(src.text)
        _set_font(run, style.table_font, style.latin_font, size, bold="block" in src.cls)


def add_table(doc: DocxDocument, grid: Grid, style: DocxStyle = GOVERNMENT) -> DocxTable:
    """An official table (二, 三 or 四) from its render grid, with the grid's merged cells."""
    table_id = grid.table
    layout = place(grid)
    table = doc.add_table(rows=layout.n_rows, cols=layout.n_cols)
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    widths = _column_widths(table_id, layout, Mm(style.text_width_mm))
    for i, w in enumerate(widths):
        table.columns[i].width = w
    for row in table.rows:
        for i, cell in enumerate(row.cells):
            cell.width = widths[i]
    for r in range(layout.head_rows):
        _repeat_header(table.rows[r])
    for row in table.rows:
        _cant_split(row)
    size = style.wide_table_size if table_id in WIDE_TABLES else style.table_size
    if table_id in WIDE_TABLES:
        _narrow_cell_margins(table, 0.8)
    # every grid cell once, before any merge: Table.cell() lists the whole table on each call (quadratic:
    # 1.2 CPU-s for one report). The rectangles of a layout do not overlap, so no merge touches a cell
    # that a later one starts or ends at: these are the very cells Table.cell() would give at that point.
    cells = [row.cells for row in table.rows]
    for p in layout.placed:
        cell = cells[p.row][p.col]
        if p.cell.rowspan > 1 or p.cell.colspan > 1:
            cell = cell.merge(cells[p.last_row][p.last_col])
        _fill(cell, p.cell, style, size)
    return table


def build(report: Report, style: DocxStyle = GOVERNMENT) -> DocxDocument:
    """The Word document: the title, then each recorded section in the notebook's order, with its table."""
    doc = Document()
    _setup(doc, style)
    title = report.title
    props = doc.core_properties
    props.title, props.author, props.language = title.title, title.agency, "zh-CN"
    props.subject, props.keywords = title.notice, "政府信息公开工作年度报告"
    props.last_modified_by, props.revision = "report-kit", 1
    props.created = props.modified = datetime.combine(title.published, datetime.min.time()) if title.published \
        else EPOCH
    props.comments = ""

    _paragraph(doc, title.title, style, font=style.title_font, size=style.title_size, bold=True,
               align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    for section in report.sections:
        content = section.content
        heading = _paragraph(doc, content.title, style, font=style.heading_font, size=style.heading_size)
        heading.paragraph_format.keep_with_next = True  # never a heading alone at the foot of a page
        for p in content.paragraphs:
            _paragraph(doc, p.text, style, font=style.body_font, size=style.body_size,
                       align=WD_ALIGN_PARAGRAPH.JUSTIFY)
        if section.grid is not None:
            add_table(doc, section.grid, style)
    if report.signature is not None:
        _signature(doc, report.signature, style)
    return doc


def _signature(doc: DocxDocument, signed: Signature, style: DocxStyle) -> None:
    """The 落款: agency and 成文日期 at the right, after a blank line, as official documents sign."""
    _paragraph(doc, "", style, font=style.body_font, size=style.body_size, indent=False)
    for line in (signed.agency, signed.dated):
        if line:
            _paragraph(doc, line, style, font=style.body_font, size=style.body_size,
                       align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)


def _in_official_order(ay: AgencyYear, sections: Sequence[SectionContent]) -> list[SectionContent]:
    by_key = {s.key: s for s in sections}
    missing = [s.title for s in ay.fmt.sections if s.key not in by_key]
    if missing:
        raise ValueError(_("report.docx needs every official section; missing: {sections}").format(
            sections="、".join(missing)))
    return [by_key[s.key] for s in ay.fmt.sections]


def _stable_zip(data: bytes) -> bytes:
    """Re-pack with fixed entry timestamps: python-docx stamps each part with the current time."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


def report_docx(report: Report, style: DocxStyle = GOVERNMENT) -> bytes:
    """report.docx as bytes from recorded content; the same content always gives the same bytes."""
    buf = io.BytesIO()
    build(report, style).save(buf)
    return _stable_zip(buf.getvalue())


def docx_bytes(ay: AgencyYear, sections: Sequence[SectionContent], style: DocxStyle = GOVERNMENT) -> bytes:
    """report.docx of an agency-year and its composed sections, in official order (every section required)."""
    return report_docx(report_of(ay, _in_official_order(ay, sections)), style)
