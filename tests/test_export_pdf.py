"""report.pdf printed by headless Chromium, read back with poppler (pdfinfo, pdftotext).

The text is taken in content order (``pdftotext -raw``), which for Chromium's output is the page's
reading order: each row label of tables 二 and 三 is followed by exactly that row's figures, and
table 四's fifteen figures follow its headings.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from functools import cache
from pathlib import Path

import pytest

from report_kit import compose
from report_kit.errors import PublishError
from report_kit.export import print_to_pdf
from report_kit.export._chromium import ENV_VAR
from report_kit.model import AgencyYear
from report_kit.render.grid import format_number

from ._reports import REPORTS, agency_year, built

pytestmark = pytest.mark.slow
NUMBER = r"(?<![\d.])\d+(?:\.\d+)?(?![\d.])"


def _loose(text: str) -> str:
    """A regex for ``text`` that allows line breaks and spaces between any two characters."""
    return r"\s*".join(re.escape(ch) for ch in text if not ch.isspace())


@pytest.fixture(scope="module", autouse=True)
def _tools() -> None:
    if not shutil.which("pdftotext"):
        if os.environ.get("CI"):
            pytest.fail("poppler-utils missing: run make system-deps")
        pytest.skip("pdftotext (poppler-utils) is not installed")


@cache
def _pdf(key: str) -> Path:
    html = built(key) / "report.html"
    out = html.with_name("report.pdf")
    try:
        out.write_bytes(print_to_pdf(html))
    except PublishError as exc:
        if os.environ.get("CI"):
            raise
        pytest.skip(str(exc))
    return out


PAGE_NUMBER = re.compile(r"^[^\S\n]*—[^\S\n]*\d+[^\S\n]*—[^\S\n]*$", re.MULTILINE)


def _text(pdf: Path) -> str:
    """The report's text in reading order, without the page numbers (furniture that splits paragraphs)."""
    return PAGE_NUMBER.sub("", subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", str(pdf), "-"],
                                              capture_output=True, text=True, check=True).stdout)


@pytest.fixture(params=sorted(REPORTS))
def report(request: pytest.FixtureRequest) -> str:
    return request.param


def test_pdf_is_a4(report: str) -> None:
    info = subprocess.run(["pdfinfo", str(_pdf(report))], capture_output=True, text=True, check=True).stdout
    width, height = map(float, re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info).groups())
    assert (round(width), round(height)) == (595, 842)  # A4 in points
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    assert 2 <= pages <= 6


def test_title_sections_and_text_in_order(report: str) -> None:
    ay = agency_year(report)
    flat = re.sub(r"\s+", "", _text(_pdf(report)))
    pos = flat.index(ay.title)
    for section in compose(ay):
        pos = flat.index(re.sub(r"\s+", "", section.title), pos)
        for p in section.paragraphs:
            pos = flat.index(re.sub(r"\s+", "", p.text), pos)


def _section_text(ay: AgencyYear, text: str, key: str) -> str:
    titles = [s.title for s in ay.fmt.sections]
    i = [s.key for s in ay.fmt.sections].index(key)
    start = re.search(_loose(titles[i]), text).end()
    end = re.search(_loose(titles[i + 1]), text[start:]) if i + 1 < len(titles) else None
    return text[start: start + end.start()] if end else text[start:]


def _row_figures(region: str, label: str) -> list[str]:
    """The numbers that follow a row label in reading order, up to the next word."""
    m = re.search(_loose(label) + r"((?:\s*(?<![\d.])\d+(?:\.\d+)?(?![\d.]))*)", region)
    assert m, f"row {label!r} not found"
    return re.findall(NUMBER, m.group(1))


def test_every_figure_reads_back_in_its_row(report: str) -> None:
    ay = agency_year(report)
    text = _text(_pdf(report))
    fmt = ay.fmt

    def expected(tid: str, key: str) -> list[str]:
        cols = fmt.table(tid).columns_of(key)
        return [format_number(v) for c in cols if (v := ay.get(tid, key, c.key)) is not None]

    two = _section_text(ay, text, "主动公开")
    two = two[re.search(_loose(fmt.table("二").blocks[0].key), two).start():]  # the table, after any prose
    for row in fmt.table("二").data_rows():
        assert _row_figures(two, row.label) == expected("二", row.key or ""), row.label
    three = _section_text(ay, text, "依申请公开")
    three = three[re.search(_loose(fmt.table("三").corner), three).end():]  # the table, after any prose
    for row in fmt.table("三").data_rows():
        assert _row_figures(three, row.numbered) == expected("三", row.key or ""), row.numbered
    four = _section_text(ay, text, "复议诉讼")
    last_head = _loose(fmt.table("四").columns[-1].label)
    figures_start = list(re.finditer(last_head, four))[-1].end()  # after the last column heading
    want = [format_number(v) for g in fmt.table("四").rows for c in fmt.table("四").columns
            if (v := ay.get("四", g.key or "", c.key)) is not None]
    assert re.findall(NUMBER, four[figures_start:])[: len(want)] == want


def test_row_reader_notices_a_wrong_figure() -> None:
    """The read-back can fail: a figure that differs from params is caught."""
    region = "（一）予以公开 9 0 0 0 0 0 9\n（二）部分公开 0"
    assert _row_figures(region, "（一）予以公开") == ["9", "0", "0", "0", "0", "0", "9"]
    assert _row_figures(region, "（一）予以公开") != ["9", "0", "0", "0", "0", "0", "8"]


def test_missing_browser_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "no-such-chromium"))
    with pytest.raises(PublishError, match=r"REPORT_KIT_CHROMIUM=.*not an executable"):
        print_to_pdf(built("seed-2019") / "report.html")


def test_pages_are_numbered_like_the_word_file_and_the_report_is_signed(report: str) -> None:
    """Every page ends with "— n —" (the CSS page margin box), and the last page with the 落款."""
    pdf = _pdf(report)
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    for n in range(1, pages + 1):
        page = subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", "-f", str(n), "-l", str(n), str(pdf), "-"],
                              capture_output=True, text=True, check=True).stdout
        assert re.sub(r"\s", "", page.strip().splitlines()[-1]) == f"—{n}—", (n, page[-200:])
    ay = agency_year(report)
    flat = re.sub(r"\s+", "", _text(pdf))
    tail = flat[flat.rindex(re.sub(r"\s+", "", ay.fmt.sections[-1].title)):]
    signed = ay.signed_on
    assert ay.agency in tail
    assert signed is None or f"{signed.year}年{signed.month}月{signed.day}日" in tail
