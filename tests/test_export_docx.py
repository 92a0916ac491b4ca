"""report.docx read back with python-docx: page, section order, fonts, merged cells and every figure."""

from __future__ import annotations

import io

import pytest
from docx import Document
from docx.oxml.ns import qn

from report_kit import compose
from report_kit.export import GOVERNMENT, docx_bytes, place
from report_kit.model import AgencyYear
from report_kit.render.grid import format_number, table_grid

from ._reports import REPORTS, agency_year


@pytest.fixture(scope="module", params=sorted(REPORTS))
def case(request: pytest.FixtureRequest) -> tuple[AgencyYear, bytes]:
    ay = agency_year(request.param)
    return ay, docx_bytes(ay, compose(ay))


def _doc(data: bytes):
    return Document(io.BytesIO(data))


class Cells:
    """``table.cell(r, c)`` without python-docx recomputing the whole grid on every call."""

    def __init__(self, table) -> None:
        self.table, self.n_cols = table, len(table.columns)
        self.cells = table._cells  # what Table.cell indexes into, computed once

    def __call__(self, r: int, c: int):
        return self.cells[r * self.n_cols + c]


def _east_asian(run) -> str | None:
    rpr = run._r.rPr
    fonts = rpr.rFonts if rpr is not None else None
    return fonts.get(qn("w:eastAsia")) if fonts is not None else None


def test_page_is_a4_with_government_document_margins(case: tuple[AgencyYear, bytes]) -> None:
    section = _doc(case[1]).sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)  # stored in twips
    got = [round(m.mm) for m in (section.top_margin, section.bottom_margin, section.left_margin,
                                 section.right_margin)]
    assert got == [37, 35, 28, 26]  # GB/T 9704-2012: a 156 × 225 mm text block


def test_title_sections_and_tables_in_official_order(case: tuple[AgencyYear, bytes]) -> None:
    ay, data = case
    doc = _doc(data)
    body = []
    for el in doc.element.body.iterchildren():
        if el.tag == qn("w:p"):
            text = "".join(t.text or "" for t in el.iter(qn("w:t")))
            if text:
                body.append(text)
        elif el.tag == qn("w:tbl"):
            body.append("<table>")
    expected = [ay.title]
    for s in compose(ay):
        expected += [s.title, *(p.text for p in s.paragraphs)]
        if s.table:
            expected.append("<table>")
    signed = ay.signed_on  # the 落款: agency, then the 成文日期 when known
    expected += [ay.agency] + ([f"{signed.year}年{signed.month}月{signed.day}日"] if signed else [])
    assert body == expected
    assert [s.title for s in ay.fmt.sections] == [t for t in body if t in {s.title for s in ay.fmt.sections}]


def test_fonts_are_set_as_east_asian_fonts(case: tuple[AgencyYear, bytes]) -> None:
    doc = _doc(case[1])
    normal = doc.styles["Normal"].element.rPr.rFonts
    assert normal.get(qn("w:eastAsia")) == GOVERNMENT.body_font == "仿宋"
    paragraphs = doc.paragraphs
    assert _east_asian(paragraphs[0].runs[0]) == GOVERNMENT.title_font
    titles = {s.title for s in case[0].fmt.sections}
    for p in paragraphs[1:]:
        for run in p.runs:
            want = GOVERNMENT.heading_font if p.text in titles else GOVERNMENT.body_font
            assert _east_asian(run) == want, p.text
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                for run in (r for p in cell.paragraphs for r in p.runs):
                    assert _east_asian(run) == "宋体"
                    assert run.font.name == GOVERNMENT.latin_font


def test_tables_have_the_render_grids_merged_cells(case: tuple[AgencyYear, bytes]) -> None:
    ay, data = case
    tables = _doc(data).tables
    assert len(tables) == 3
    for tid, table in zip(("二", "三", "四"), tables, strict=True):
        layout = place(table_grid(ay.fmt, tid, ay))
        assert (len(table.rows), len(table.columns)) == (layout.n_rows, layout.n_cols)
        seen = set()
        cell = Cells(table)
        for p in layout.placed:
            origin = cell(p.row, p.col)
            assert origin.text == p.cell.text, (tid, p.row, p.col)
            for r, c in p.covers():
                assert cell(r, c)._tc is origin._tc, f"表{tid} {p.cell.text!r} does not cover ({r}, {c})"
            seen.add(origin._tc)  # lxml keeps one proxy per node while it is referenced
        assert len(seen) == len(layout.placed)  # no cell merged beyond its official span
        head = [row for row in table.rows[: layout.head_rows]]
        assert all(row._tr.trPr.find(qn("w:tblHeader")) is not None for row in head)  # repeated on each page


def _figures_from_docx(ay: AgencyYear, data: bytes) -> dict[tuple[str, str, str], str]:
    """Every figure found by its official row and column labels in the Word tables (not by grid position)."""
    tables = _doc(data).tables
    t2, t3, t4 = (Cells(t) for t in tables)
    got: dict[tuple[str, str, str], str] = {}
    fmt = ay.fmt
    # 二: rows by label in the first column; columns from the block's heading row above them
    heading: list[str] = []
    for r in range(len(t2.table.rows)):
        texts = [t2(r, c).text for c in range(t2.n_cols)]
        block = next((b for b in fmt.table("二").blocks if texts[0] == b.head), None)
        if block:
            heading = texts
            continue
        row = next((x for x in fmt.table("二").data_rows() if x.label == texts[0]), None)
        if row:
            for col in fmt.table("二").columns_of(row.key or ""):
                got[("二", row.key or "", col.key)] = texts[heading.index(col.label)]
    # 三: leaf labels sit in (or span over) the third column; column labels in the third head row
    cols = {t3(2, c).text: c for c in range(3, t3.n_cols)}
    for r in range(3, len(t3.table.rows)):
        row = next((x for x in fmt.table("三").data_rows() if x.numbered == t3(r, 2).text), None)
        assert row is not None, t3(r, 2).text
        for col in fmt.table("三").columns:
            got[("三", row.key or "", col.key)] = t3(r, cols[col.label]).text
    # 四: group label over the column label, figures in the last row
    for c in range(t4.n_cols):
        group = next(g for g in fmt.table("四").rows if g.label in (t4(0, c).text, t4(1, c).text))
        col = next(x for x in fmt.table("四").columns if x.label == t4(2, c).text)
        got[("四", group.key or "", col.key)] = t4(3, c).text
    return got


def test_every_figure_reads_back_equal_to_params(case: tuple[AgencyYear, bytes]) -> None:
    ay, data = case
    expected = {(tid, row.key or "", col.key): format_number(ay.get(tid, row.key or "", col.key))
                for tid, row, col in ay.fmt.cells()}
    assert _figures_from_docx(ay, data) == expected


def test_blank_stays_blank_and_zero_stays_zero() -> None:
    ay = agency_year("seed-2019")
    got = _figures_from_docx(ay, docx_bytes(ay, compose(ay)))
    assert ay.get("二", "行政许可", "处理决定数量") is None and got[("二", "行政许可", "处理决定数量")] == ""
    assert got[("三", "予以公开", "总计")] == "0" and got[("三", "予以公开", "自然人")] == ""


def test_same_report_gives_the_same_bytes(case: tuple[AgencyYear, bytes]) -> None:
    ay, data = case
    assert docx_bytes(ay, compose(ay)) == data


def test_missing_section_is_refused() -> None:
    ay = agency_year("kewei-2021")
    with pytest.raises(ValueError, match="六、其他需要报告的事项"):
        docx_bytes(ay, compose(ay)[:-1])
