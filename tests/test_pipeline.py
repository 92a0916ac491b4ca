"""End to end: params → papermill → report.ipynb + report.html, and failures that lose nothing."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from bs4 import BeautifulSoup

from report_kit import params

from .conftest import ROOT, SEED_PARAMS

CLI = [sys.executable, "-m", "report_kit.cli"]


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*CLI, *args], cwd=cwd, capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project tree with the seed params (and the template) built once by `report-kit build`."""
    work = tmp_path_factory.mktemp("proj")
    shutil.copytree(ROOT / "params", work / "params")
    shutil.copytree(ROOT / "notebooks", work / "notebooks")
    result = _cli("build", cwd=work)
    assert result.returncode == 0, result.stderr
    assert "outputs/2019/zhuzhou-county-kgxj/report.html" in result.stdout
    return work


@pytest.mark.slow
def test_seed_html_holds_every_figure_in_its_row_and_column(built: Path) -> None:
    html = (built / "outputs/2019/zhuzhou-county-kgxj/report.html").read_text("utf-8")
    ay = params.load(SEED_PARAMS)
    soup = BeautifulSoup(html, "lxml")
    assert soup.html["lang"] == "zh-CN"
    assert soup.title.get_text() == "株洲县经济科技信息化局2019年政府信息公开工作年度报告"
    assert [h.get_text() for h in soup.select("h2")] == [s.title for s in ay.fmt.sections]
    assert not soup.find_all(["script", "link", "iframe"])  # self-contained, no code
    assert "nbk." not in html and "run_checks" not in html  # review cells and inputs removed

    tables = pd.read_html(io.StringIO(html))
    assert len(tables) == 3
    # 表三: columns by their header, rows by their official label
    three = tables[1]
    by_label = {row.iloc[2]: row for _, row in three.iterrows()}
    t = ay.fmt.table("三")
    for r in t.data_rows():
        row = by_label[r.numbered]
        for i, c in enumerate(t.columns):
            v = ay.t3(r.key or "", c.key)
            got = row.iloc[3 + i]
            assert (pd.isna(got) if v is None else got == v), (r.label, c.label, got, v)
    # 表四: 15 figures in order
    four = tables[2]
    expected = [ay.get("四", g.key or "", c.key) for g in ay.fmt.table("四").rows for c in ay.fmt.table("四").columns]
    assert four.iloc[0].tolist() == expected
    # 表二: every cell by data attributes (blank cells render blank)
    for r, c in ay.fmt.table("二").cells():
        td = soup.select_one(f'td[data-row="{r.key}"][data-col="{c.key}"]')
        v = ay.get("二", r.key or "", c.key)
        assert td.get_text() == ("" if v is None else str(v))


@pytest.mark.slow
def test_executed_notebook_records_readable_parameters_and_findings(built: Path) -> None:
    path = built / "outputs/2019/zhuzhou-county-kgxj/report.ipynb"
    raw = path.read_text("utf-8")
    nb = nbformat.reads(raw, as_version=4)
    injected = next(c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", []))
    assert "zhuzhou-county-kgxj.yaml" in injected.source
    assert "\\u" not in injected.source
    assert nb.metadata.papermill.parameters.params_sha256 == params.content_hash(SEED_PARAMS)
    record = nb.metadata.report_kit
    assert record["slug"] == "zhuzhou-county-kgxj" and record["format"] == "2019"
    ids = {f["id"] for f in record["findings"]}
    assert {"BLANK-CELLS@二", "BLANK-CELLS@三"} <= ids
    blank3 = next(f for f in record["findings"] if f["id"] == "BLANK-CELLS@三")
    assert "（一）予以公开 × 自然人" in blank3["message"]
    # the figures a reviewer reads are in the executed notebook, in Chinese
    assert "一、本年新收政府信息公开申请数量" in raw or "本年新收政府信息公开申请数量" in json.dumps(
        nb.cells[5].outputs, ensure_ascii=False)


@pytest.mark.slow
def test_bad_agency_does_not_stop_the_batch_and_keeps_good_outputs(built: Path) -> None:
    html = built / "outputs/2019/zhuzhou-county-kgxj/report.html"
    before = html.read_bytes()
    good = len(list((built / "params").glob("*/*.yaml")))  # the seed and the 2021-format agency
    bad = built / "params/2019/broken.yaml"
    bad.write_text(SEED_PARAMS.read_text("utf-8").replace("slug: zhuzhou-county-kgxj", "slug: broken")
                   .replace("本年新收: {自然人: 0,", "本年新收: {自然人: -1,"), encoding="utf-8")
    try:
        result = _cli("build", cwd=built)
    finally:
        bad.unlink()
    assert result.returncode == 1
    assert f"0 built, {good} up to date, 1 failed" in result.stdout  # unchanged reports are skipped
    assert "broken.yaml:" in result.stderr and "must not be negative" in result.stderr
    assert "Traceback" not in result.stderr
    assert html.read_bytes() != b"" and html.stat().st_size == len(before)


BAD = {
    "malformed": ("table3:\n", "table3: [\n"),
    "string_count": ("本年新收: {自然人: 0,", "本年新收: {自然人: 零,"),
    "negative": ("本年新收: {自然人: 0,", "本年新收: {自然人: -2,"),
    "unknown_key": ("  重复申请: {", "  重复申清: {"),
    "slug_slash": ("slug: zhuzhou-county-kgxj", "slug: zhuzhou/../../etc"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_cli_rejects_bad_params_before_any_kernel_and_replaces_nothing(case: str, tmp_path: Path) -> None:
    old, new = BAD[case]
    year = tmp_path / "params" / "2019"
    year.mkdir(parents=True)
    bad = year / "zhuzhou-county-kgxj.yaml"
    bad.write_text(SEED_PARAMS.read_text("utf-8").replace(old, new, 1), encoding="utf-8")
    good = tmp_path / "outputs/2019/zhuzhou-county-kgxj/report.html"
    good.parent.mkdir(parents=True)
    good.write_text("good report", encoding="utf-8")
    result = _cli("run", str(bad.relative_to(tmp_path)), cwd=tmp_path)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "params/2019/zhuzhou-county-kgxj.yaml:" in result.stderr
    assert good.read_text("utf-8") == "good report"
    assert [p.name for p in good.parent.iterdir()] == ["report.html"]


def test_cli_2019_row_in_2021_file(tmp_path: Path) -> None:
    row = "  行政强制: {本年处理决定数量: null}"
    text = params.scaffold("某局", "mou-ju", 2022).replace(row, f"{row}\n  政府集中采购: {{采购项目数量: 1}}")
    path = tmp_path / "p.yaml"
    path.write_text(text, encoding="utf-8")
    result = _cli("run", str(path), cwd=tmp_path)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "table2.政府集中采购 (二、主动公开政府信息情况): belongs to the 2019 format" in result.stderr
