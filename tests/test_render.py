"""HTML tables: the official layout (merged cells) parsed back, blanks blank, zeros 0, escaping."""

from __future__ import annotations

import io
from dataclasses import replace

import pandas as pd
import pytest
from bs4 import BeautifulSoup

from report_kit.content import Paragraph, SectionContent
from report_kit.formats import get_format
from report_kit.model import AgencyYear, blank_tables
from report_kit.render import section_html, table_grid, table_html, title_html

from .checks_support import consistent


def _cells(html: str) -> dict[tuple[str, str], str]:
    soup = BeautifulSoup(html, "lxml")
    return {(td["data-row"], td["data-col"]): td.get_text() for td in soup.select("td[data-row]")}


def _grid_width(grid) -> set[int]:
    """Effective width of every row once rowspans are accounted for (must be one number)."""
    rows = [*grid.head, *grid.body]
    carry = [0] * 64
    widths = set()
    for row in rows:
        width = sum(1 for c in carry if c > 0)
        width += sum(c.colspan for c in row)
        widths.add(width)
        carry = [max(0, c - 1) for c in carry]
        pos = 0
        for c in row:
            while carry[pos] > 0:
                pos += 1
            for k in range(c.colspan):
                carry[pos + k] = max(carry[pos + k], c.rowspan - 1) if c.rowspan > 1 else carry[pos + k]
            pos += c.colspan
    return widths


@pytest.mark.parametrize("fid", ["2019", "2021"])
@pytest.mark.parametrize("table", ["二", "三", "四"])
def test_every_cell_of_the_format_is_rendered_once(fid: str, table: str) -> None:
    fmt = get_format(fid)
    ay = AgencyYear(fmt=fmt, agency="a", slug="a", year=fmt.first_year, tables=blank_tables(fmt))
    cells = _cells(table_html(ay, table))
    expected = {(r.key, c.key) for r, c in fmt.table(table).cells()}
    assert set(cells) == expected
    assert len(_grid_width(table_grid(fmt, table))) == 1  # a rectangular table


def test_seed_tables_read_back_with_pandas(seed_ay) -> None:
    three = pd.read_html(io.StringIO(table_html(seed_ay, "三")))[0]
    assert three.shape == (23, 10)
    labels = three.iloc[:, 2].tolist()
    assert labels[0] == "一、本年新收政府信息公开申请数量"
    assert labels[4] == "1.属于国家秘密"
    assert three.iloc[:, 0].tolist()[4] == "三、本年度办理结果"  # rowspan expanded
    assert three.iloc[:, 1].tolist()[4] == "（三）不予公开"
    row = three[three.iloc[:, 2] == "（一）予以公开"].iloc[0]
    assert row.iloc[3:9].isna().all() and row.iloc[9] == 0  # blanks blank, total 0
    four = pd.read_html(io.StringIO(table_html(seed_ay, "四")))[0]
    assert four.shape == (1, 15)
    assert list(four.columns[5]) == ["行政诉讼", "未经复议直接起诉", "结果维持"]
    two = pd.read_html(io.StringIO(table_html(seed_ay, "二")), header=None)[0]
    permit = two[two.iloc[:, 0] == "行政许可"].iloc[0]
    assert permit.iloc[1] == "8" and permit.iloc[2] == "2" and pd.isna(permit.iloc[3])


def test_table3_merges_follow_the_official_form(seed_ay) -> None:
    soup = BeautifulSoup(table_html(seed_ay, "三"), "lxml")
    th = {t.get_text(): t for t in soup.select("th")}
    assert th["三、本年度办理结果"]["rowspan"] == "20"
    assert th["（三）不予公开"]["rowspan"] == "8"
    assert th["（四）无法提供"]["rowspan"] == "3"
    assert th["（五）不予处理"]["rowspan"] == "5"
    assert th["法人或其他组织"]["colspan"] == "5"
    assert th["自然人"]["rowspan"] == "2"
    assert th["（七）总计"]["colspan"] == "2"
    assert th["一、本年新收政府信息公开申请数量"]["colspan"] == "3"


def test_2021_other_handling_has_three_subrows() -> None:
    fmt = get_format("2021")
    ay = AgencyYear(fmt=fmt, agency="a", slug="a", year=2022, tables=blank_tables(fmt))
    soup = BeautifulSoup(table_html(ay, "三"), "lxml")
    th = {t.get_text(): t for t in soup.select("th")}
    assert th["（六）其他处理"]["rowspan"] == "3"
    assert th["三、本年度办理结果"]["rowspan"] == "22"


def test_amounts_print_without_trailing_zeros() -> None:
    from decimal import Decimal

    fmt = get_format("2021")
    tables = blank_tables(fmt)
    tables["二"]["行政事业性收费"]["本年收费金额"] = Decimal("12.50")
    tables["二"]["规章"]["本年制发件数"] = 0
    ay = AgencyYear(fmt=fmt, agency="a", slug="a", year=2022, tables=tables)
    cells = _cells(table_html(ay, "二"))
    assert cells[("行政事业性收费", "本年收费金额")] == "12.5"
    assert cells[("规章", "本年制发件数")] == "0"
    assert cells[("规章", "本年废止件数")] == ""


def test_params_text_is_escaped(seed_ay) -> None:
    evil = '<script>alert(1)</script><img src=x onerror="alert(2)">'
    ay = replace(seed_ay, agency=evil)
    assert "<script>" not in title_html(ay) and "&lt;script&gt;" in title_html(ay)
    section = SectionContent("总体情况", "一、总体情况", (Paragraph(evil), Paragraph("生成", generated=True)))
    html = section_html(section, ay)
    soup = BeautifulSoup(html, "lxml")
    assert soup.find("script") is None and soup.find("img") is None
    assert soup.select("p.generated")[0].get_text() == "生成"


def test_signature_dated_else_published_and_escaped() -> None:
    """The 落款: the agency and the 成文日期 from ``dated``, falling back to ``published``; nothing invented."""
    from datetime import date

    from report_kit.render import signature_html

    ay = consistent("2021")
    assert "signature-date" not in signature_html(replace(ay, published=None, dated=None))
    published = replace(ay, agency="某<局>", published=date(2025, 2, 3))
    html = signature_html(published)
    assert "某&lt;局&gt;" in html and "2025年2月3日" in html
    dated = replace(published, dated=date(2025, 1, 20))
    assert "2025年1月20日" in signature_html(dated) and "2025年2月3日" not in signature_html(dated)
