"""review.html: findings first, injected parameters, build record, folded code; offline; escaped."""

from __future__ import annotations

import re

import nbformat
import pytest
from bs4 import BeautifulSoup

from report_kit import params
from report_kit.export import build_record, review_html

from ._reports import REPORTS, built


def _notebook(message: str = "表三“总计”列勾稽关系不平") -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("# template", metadata={"tags": ["review"]}),
        nbformat.v4.new_code_cell('params_path = "../params/x.yaml"', metadata={"tags": ["parameters", "review"]}),
        nbformat.v4.new_code_cell("# Parameters\nparams_path = '/p/2024/x.yaml'\nparams_sha256 = 'abc123'\n",
                                  metadata={"tags": ["injected-parameters"]}),
        nbformat.v4.new_code_cell("nbk.show_title(ay)", execution_count=3, outputs=[
            nbformat.v4.new_output("display_data", data={"text/html": "<h1>某局2024年报告</h1>"})]),
    ]
    nb.metadata["papermill"] = {"parameters": {"params_path": "/p/2024/x.yaml", "params_sha256": "abc123",
                                               "previous_path": None},
                                "start_time": "2025-01-02T03:04:05+00:00", "duration": 1.5, "version": "2.7.0",
                                "input_path": "notebooks/annual_report.ipynb"}
    nb.metadata["report_kit"] = {
        "title": "某局<2024>年报告", "agency": "某局", "year": 2024, "format": "2021",
        "findings": [
            {"id": "T3-BALANCE@总计", "rule": "T3-BALANCE", "severity": "error", "section": "三",
             "location": "表三 总计 列", "message": message, "expected": "36", "actual": "35", "acknowledged": None},
            {"id": "BLANK-CELLS@三", "rule": "BLANK-CELLS", "severity": "warning", "section": "三",
             "location": "表三", "message": "空白", "expected": None, "actual": None, "acknowledged": "原文如此"},
        ],
    }
    return nb


def test_findings_come_first_then_parameters_then_build_record() -> None:
    soup = BeautifulSoup(review_html(_notebook()), "lxml")
    assert soup.html["lang"] == "zh"
    headings = [h.get_text() for h in soup.select("h2.rk-h")]
    assert headings[:3] == ["检查结果", "注入的参数", "构建信息"]
    assert headings[3].startswith("执行记录")
    rows = soup.select("table.rk-findings tbody tr")
    assert [r["data-finding"] for r in rows] == ["T3-BALANCE@总计", "BLANK-CELLS@三"]
    assert "rk-ack" in rows[1]["class"]  # acknowledged findings are shown, greyed
    counts = soup.select_one(".rk-counts").get_text(" ")
    assert "错误 1" in counts and "警告 0" in counts and "已确认 1" in counts
    assert "params_sha256 = 'abc123'" in soup.select_one("pre.rk-params").get_text()
    build = {tr.th.get_text(): tr.td.get_text() for tr in soup.select("table.rk-build tr")}
    assert build["参数文件SHA-256"] == "abc123" and build["耗时"] == "1.50 秒" and build["papermill"] == "2.7.0"


def test_code_is_folded_and_parameter_cells_appear_once() -> None:
    html = review_html(_notebook())
    soup = BeautifulSoup(html, "lxml")
    inputs = soup.select(".jp-InputArea-editor")
    assert inputs and all(i.find_parent("details", class_="rk-code") for i in inputs)
    assert html.count("params_sha256 = &#39;abc123&#39;") + html.count("params_sha256 = 'abc123'") == 1
    assert "某局2024年报告" in soup.select_one(".jp-OutputArea").get_text()


def test_everything_from_params_is_escaped_and_nothing_is_fetched() -> None:
    html = review_html(_notebook(message="<script>alert(1)</script>"))
    soup = BeautifulSoup(html, "lxml")
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert soup.title.get_text() == "审阅版 · 某局<2024>年报告"
    assert not soup.select("script[src], link[href], iframe, img[src^=http]")
    assert not re.search(r"""(?:src|href)=["']?https?:""", html)


def test_build_record_without_papermill_says_so() -> None:
    nb = _notebook()
    del nb.metadata["papermill"]
    rows = dict(build_record(nb))
    assert rows["参数文件"] == "（未注入）" and rows["耗时"] == "（未记录）"


@pytest.mark.slow
@pytest.mark.parametrize("key", sorted(REPORTS))
def test_build_metadata_is_in_review_html_only(key: str) -> None:
    folder = built(key)
    nb = nbformat.read(folder / "report.ipynb", as_version=4)
    review = review_html(nb)
    report = (folder / "report.html").read_text("utf-8")
    sha = params.content_hash(REPORTS[key])
    start = nb.metadata.papermill.start_time
    assert sha in review and start in review
    assert sha not in report and start not in report and str(REPORTS[key]) not in report
    for f in nb.metadata.report_kit["findings"]:
        assert f'data-finding="{f["id"]}"' in review
