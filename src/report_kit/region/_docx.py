"""report.docx of the region report: the same sections, tables and charts as report.html, for Word.

A statistical summary, not a 公文: A4 with the GB/T 9704 margins, 黑体 headings, 仿宋 body a size smaller than
an agency report (its tables are wide), charts as PNG (Word does not show SVG everywhere).
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from report_kit.region._agencies import AgencyRow
from report_kit.region._charts import Chart
from report_kit.region._figures import pct
from report_kit.region._narrative import (
    applications_paragraphs,
    blanks_note,
    cases_paragraph,
    chinese_date,
    filing_paragraph,
    findings_paragraph,
    same_set_note,
)
from report_kit.region._render import matrices
from report_kit.region._summary import Summary
from report_kit.render.grid import format_number


def _font(run_or_style: object, east_asian: str, size: float, bold: bool = False) -> None:
    font = run_or_style.font  # type: ignore[attr-defined]
    font.name, font.size, font.bold = "Times New Roman", Pt(size), bold
    rpr = run_or_style.element.get_or_add_rPr()  # type: ignore[attr-defined]
    rpr.get_or_add_rFonts().set(qn("w:eastAsia"), east_asian)  # Word reads Chinese font names only here


def _para(doc: object, text: str, east_asian: str = "仿宋", size: float = 12, bold: bool = False,
          center: bool = False, indent: bool = True) -> None:
    p = doc.add_paragraph()  # type: ignore[attr-defined]
    if center:
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if indent and not center:
        p.paragraph_format.first_line_indent = Pt(size * 2)
    _font(p.add_run(text), east_asian, size, bold)


def _table(doc: object, header: Sequence[str], rows: Sequence[Sequence[str]], size: float = 8) -> None:
    table = doc.add_table(rows=1 + len(rows), cols=len(header))  # type: ignore[attr-defined]
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for r, values in enumerate([header, *rows]):
        for c, text in enumerate(values):
            cell = table.cell(r, c)
            cell.text = ""
            _font(cell.paragraphs[0].add_run(text), "宋体", size, bold=r == 0)


def _chart(doc: object, chart: Chart) -> None:
    doc.add_picture(io.BytesIO(chart.png()), width=Mm(150))  # type: ignore[attr-defined]
    doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER  # type: ignore[attr-defined]
    _para(doc, chart.title, "黑体", 10.5, center=True)


def docx_bytes(s: Summary, rows: Sequence[AgencyRow], charts: dict[str, Chart]) -> bytes:
    r = s.region
    doc = Document()
    sec = doc.sections[0]
    sec.page_width, sec.page_height = Mm(210), Mm(297)
    sec.top_margin, sec.bottom_margin, sec.left_margin, sec.right_margin = Mm(37), Mm(35), Mm(28), Mm(26)
    _font(doc.styles["Normal"], "仿宋", 12)
    doc.core_properties.title = r.title

    _para(doc, r.title, "宋体", 18, bold=True, center=True)
    _para(doc, f"汇总范围：{r.scope}（{len(r.members)}个应报送机关）　统计截至：{chinese_date(r.as_of)}", size=10.5,
          center=True)

    def heading(text: str) -> None:
        _para(doc, text, "黑体", 14, indent=False)

    heading("一、报送情况")
    _para(doc, filing_paragraph(s))
    late = [m for m in r.members if m.filing.state != "on_time"]
    if late:
        _table(doc, ["机关", "公布期限", "期限依据", "发布日期", "状态"],
               [[m.name, chinese_date(m.filing.deadline.due) if m.filing.deadline.due else "不明",
                 m.filing.deadline.rule, chinese_date(m.filing.published) if m.filing.published else "",
                 m.filing.label] for m in late])

    heading("二、依申请公开情况")
    for text in applications_paragraphs(s):
        _para(doc, text)
    _chart(doc, charts["outcomes"])
    _chart(doc, charts["trend"])

    heading("三、行政复议、行政诉讼情况")
    _para(doc, cases_paragraph(s))
    _chart(doc, charts["rates"])

    heading("四、报告检查情况")
    _para(doc, findings_paragraph(s))

    heading("五、汇总表")
    _para(doc, same_set_note(s))
    _para(doc, blanks_note())
    for m in matrices(s.fmt, s.compared):
        _para(doc, m.caption, "黑体", 10.5, indent=False)
        body: list[list[str]] = []
        for row in m.rows:
            body.append([row.label, "本年合计", *(c.now.text() if c else "" for c in row.cells)])
            if s.same_set:
                body.append(["", "上年（同口径）", *(c.same_before.text() if c and c.same_before else "—"
                                                for c in row.cells)])
                body.append(["", "增减", *(c.change_text() if c else "" for c in row.cells)])
        _table(doc, ["项目", "口径", *m.flat_columns], body, size=7)

    heading("六、各机关情况")
    _chart(doc, charts["top"])
    labels = [label for label, _ in s.outcomes]
    _table(doc, ["机关", "新收", *labels, "复议", "复议纠正率", "诉讼", "诉讼纠正率", "错误", "警告", "状态",
                 "发布日期"],
           [[a.name, format_number(a.new) if a.new is not None else "", *(pct(v) for _, v in a.outcomes),
             *([""] * (len(labels) - len(a.outcomes))),
             format_number(a.review.total) if a.review and a.review.total is not None else "",
             pct(a.review.rate) if a.review else "",
             format_number(a.litigation.total) if a.litigation and a.litigation.total is not None else "",
             pct(a.litigation.rate) if a.litigation else "", str(a.errors), str(a.warnings), a.state,
             chinese_date(a.published) if a.published else ""] for a in rows], size=6.5)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()
