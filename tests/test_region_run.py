"""report-kit region end to end: a 40-agency two-year demo tree through papermill, nbconvert and Chromium.

The done-when of the office issue: correct sums (recomputed here from the params files), at least four charts,
the late and missing filers, a readable narrative; plus docx/pdf/xlsx, byte-stable pages, the real params with
--parent, and a real browser look (one full-page PNG kept under test-artifacts/browser/ for a person).
"""

from __future__ import annotations

import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup

from report_kit.batch._demo import demo_tree

from ._reports import artifact
from .conftest import ROOT
from .test_region import _raw_sums

pytestmark = pytest.mark.slow


def _region(cwd: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "report_kit", "region", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=600, env={**os.environ, **env})


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("region-run")
    demo_tree(root / "params", agencies=40, years=[2023, 2024])
    result = _region(root, "--year", "2024", "--as-of", "2025-03-01", "--to", "docx,pdf")
    assert result.returncode == 0, result.stderr
    assert "40 agencies, 37 filed, 4 late" in result.stdout
    return root, root / "outputs" / "2024" / "_region"


def test_outputs_and_sums(built: tuple[Path, Path]) -> None:
    root, out = built
    for name in ("report.html", "report.ipynb", "review.html", "region.xlsx", "report.docx", "report.pdf"):
        assert (out / name).is_file() and (out / name).stat().st_size > 1000, name
    soup = BeautifulSoup((out / "report.html").read_text("utf-8"), "lxml")
    raw = _raw_sums(root / "params", 2024)
    checked = 0
    for td in soup.select("table.sums tr.now td[data-row]"):
        tid = td.find_parent("table")["data-table"]
        expect, blanks = raw[(tid, td["data-row"], td["data-col"])]
        shown = td.get_text(" ", strip=True)
        if "单位" in shown:
            continue
        number = shown.split(" ")[0]
        assert Decimal(number) == expect, (tid, td["data-row"], td["data-col"], shown)
        assert (f"{blanks}个空白" in shown) == (blanks > 0)
        checked += 1
    assert checked == len(raw)  # every cell of 二/三/四 (the 2021 form states its amount's unit)


def test_charts_filers_and_narrative(built: tuple[Path, Path]) -> None:
    _, out = built
    html = (out / "report.html").read_text("utf-8")
    soup = BeautifulSoup(html, "lxml")
    charts = soup.select("figure.chart")
    assert len(charts) >= 4 and all(f.find("svg") and f.find("svg").find("text") for f in charts)
    states = [tr["data-state"] for tr in soup.select("table.filings tr[data-state]")]
    assert states.count("late") == 4 and states.count("missing") == 3 and states.count("unpublished") == 2
    missing = {tr["data-slug"] for tr in soup.select("table.filings tr[data-state=missing]")}
    assert missing == {"county1-swj", "county2-rsj", "county2-tjj"}
    text = soup.select_one("main").get_text()
    for phrase in ("共有40个机关应当公布2024年政府信息公开工作年度报告", "4个逾期公布", "新收政府信息公开申请",
                   "纠正率", "经逐一检查", "同比口径为两年均报送的37个机关"):
        assert phrase in text, phrase
    assert "rg.collect" not in html and "inputs_sha256" not in html  # review cells are not published
    assert len(soup.select("table.agencies tbody tr")) == 40


def test_docx_and_pdf_hold_the_report(built: tuple[Path, Path]) -> None:
    from docx import Document

    _, out = built
    doc = Document(str(out / "report.docx"))
    assert len(doc.inline_shapes) == 4
    assert "2024年度政府信息公开工作年度报告汇总" in doc.paragraphs[0].text
    pdf = subprocess.run(["pdftotext", str(out / "report.pdf"), "-"], capture_output=True, text=True, check=True)
    assert "政府信息公开工作年度报告汇总" in pdf.stdout and "图4" in pdf.stdout


def test_page_is_byte_stable(built: tuple[Path, Path]) -> None:
    root, out = built
    again = _region(root, "--year", "2024", "--as-of", "2025-03-01", "--outputs", "again", PYTHONHASHSEED="77",
                    TZ="Asia/Shanghai")
    assert again.returncode == 0, again.stderr
    assert (root / "again" / "2024" / "_region" / "report.html").read_bytes() == (out / "report.html").read_bytes()


def test_real_params_with_parent(tmp_path: Path) -> None:
    result = _region(ROOT, "--year", "2024", "--parent", "上海市", "--outputs", str(tmp_path), "--as-of",
                     "2025-03-01")
    assert result.returncode == 0, result.stderr
    html = (tmp_path / "2024" / "_region" / "上海市" / "report.html").read_text("utf-8")
    assert "上海市2024年度政府信息公开工作年度报告汇总" in html and "上海市科学技术委员会" in html
    bad = _region(ROOT, "--year", "2024", "--parent", "nowhere", "--outputs", str(tmp_path))
    assert bad.returncode == 2 and "no registered agency is under it" in bad.stderr and "Traceback" not in bad.stderr


def test_region_page_in_chromium(browser: Any, built: tuple[Path, Path]) -> None:
    from .test_browser import CJK_IDEOGRAPH, Visit, tofu

    _, out = built
    url = (out / "report.html").as_uri()
    visit = Visit(browser, url, width=1000)
    try:
        assert visit.requests == [url] and visit.errors == []
        assert [m for m in visit.console if m.startswith(("error", "warning"))] == []
        boxes = visit.page.eval_on_selector_all(
            "figure.chart svg", "els => els.map(s => { const r = s.getBoundingClientRect(); "
            "return [r.width, r.height, s.querySelectorAll('text').length]; })")
        assert len(boxes) == 4 and all(w > 500 and h > 200 and n > 5 for w, h, n in boxes)
        assert tofu(visit.page, "h1, h2, p, th, td, figure.chart text") == []
        assert len(CJK_IDEOGRAPH.findall(visit.page.inner_text("main"))) > 2000
        # the wide tables fit the page: nothing sticks out of the report's column
        overflow = visit.page.evaluate("""() => { const main = document.querySelector('main').getBoundingClientRect();
            return [...document.querySelectorAll('table.region-table, figure.chart')]
              .filter(t => t.getBoundingClientRect().right > main.right + 1).length; }""")
        assert overflow == 0
        shot = artifact("browser/region-2024.png")
        visit.page.screenshot(path=str(shot), full_page=True)
        assert shot.stat().st_size > 100_000
    finally:
        visit.close()
