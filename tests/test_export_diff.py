"""report-kit diff: figures by official label, findings new/resolved/changed, text with inline marks."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from report_kit import compose, params, run_checks
from report_kit.checks import findings_to_records
from report_kit.content import Paragraph
from report_kit.errors import BuildReadError
from report_kit.export import diff_builds, diff_json, format_diff
from report_kit.export._diff import inline_diff
from report_kit.model import AgencyYear
from report_kit.render import section_html, title_html

from ._reports import REPORTS, agency_year

CLI = [sys.executable, "-m", "report_kit.cli"]


def _with(ay: AgencyYear, table: str, row: str, col: str, value: int | None) -> AgencyYear:
    tables = {t: {r: dict(cols) for r, cols in rows.items()} for t, rows in ay.tables.items()}
    tables[table][row][col] = value
    return dataclasses.replace(ay, tables=tables)


def _build(ay: AgencyYear, path: Path, edit_text: tuple[str, str] | None = None) -> Path:
    """An executed-notebook stand-in: the published cells' real HTML and the real run record."""
    sections = compose(ay)
    if edit_text:
        old, new = edit_text
        sections = [dataclasses.replace(s, paragraphs=tuple(Paragraph(p.text.replace(old, new), p.generated)
                                                             for p in s.paragraphs)) for s in sections]
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("run_checks(...)", metadata={"tags": ["review"]}, outputs=[
        nbformat.v4.new_output("display_data", data={"text/html": "<table data-table='三'><td data-row='x' "
                                                                    "data-col='y'>999</td></table>"})])]
    for html in [title_html(ay), *(section_html(s, ay) for s in sections)]:
        nb.cells.append(nbformat.v4.new_code_cell("nbk.show_section(...)", outputs=[
            nbformat.v4.new_output("display_data", data={"text/html": html})]))
    nb.metadata["report_kit"] = {"title": ay.title, "format": ay.fmt.id, "params_sha256": "x" * 64,
                                 "findings": findings_to_records(run_checks(ay))}
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path


@pytest.fixture
def kewei() -> AgencyYear:
    return agency_year("kewei-2021")


def test_identical_builds_have_no_differences(kewei: AgencyYear, tmp_path: Path) -> None:
    a, b = _build(kewei, tmp_path / "a.ipynb"), _build(kewei, tmp_path / "b.ipynb")
    diff = diff_builds(a, b)
    assert diff.empty
    assert "No differences" in format_diff(diff)


def test_fixing_a_blank_cell_shows_the_figure_and_the_resolved_findings(kewei: AgencyYear, tmp_path: Path) -> None:
    fixed = _with(kewei, "三", "结转下年度", "总计", 1)
    diff = diff_builds(_build(kewei, tmp_path / "old.ipynb"), _build(fixed, tmp_path / "new.ipynb"))
    assert [(c.label, c.old, c.new) for c in diff.figures] == [("表三 四、结转下年度继续办理 × 总计", "", "1")]
    assert {f["id"] for f in diff.findings_resolved} == {"T3-BALANCE@unverified", "BLANK-CELLS@三"}
    assert diff.findings_new == []
    # the generated prose follows the figure: "未填报" becomes "1件", and nothing else changes
    assert [t.section for t in diff.text] == ["三、收到和处理政府信息公开申请情况"]
    text = format_diff(diff)
    assert "结转下年度继续办理[-的申请数量未填报-]{+1件+}" in text
    assert "表三 四、结转下年度继续办理 × 总计: （空白） → 1" in text
    assert "Findings: 2 resolved, 0 new, 0 changed" in text
    assert "  - [警告] BLANK-CELLS@三" in text
    assert "999" not in text  # review cells are not the published report


def test_a_new_error_and_a_changed_finding(kewei: AgencyYear, tmp_path: Path) -> None:
    filled = _with(kewei, "三", "结转下年度", "总计", 1)  # 34 + 2 = 35 + 1
    bad = _with(filled, "三", "本年新收", "总计", 35)  # 一 + 二 = 37 now
    worse = _with(filled, "三", "本年新收", "总计", 36)  # 38
    diff = diff_builds(_build(bad, tmp_path / "old.ipynb"), _build(worse, tmp_path / "new.ipynb"))
    assert [(c.old, c.new) for c in diff.figures] == [("35", "36")]
    changed = {b["id"]: (a["expected"], b["expected"]) for a, b in diff.findings_changed}
    assert changed["T3-BALANCE@总计"] == ("37", "38")
    assert "      was: [错误] T3-BALANCE@总计" in format_diff(diff)


def test_text_changes_are_marked_inside_the_paragraph(kewei: AgencyYear, tmp_path: Path) -> None:
    diff = diff_builds(_build(kewei, tmp_path / "old.ipynb"),
                       _build(kewei, tmp_path / "new.ipynb", edit_text=("393件", "395件")))
    assert [t.section for t in diff.text] == ["一、总体情况"]
    text = format_diff(diff)
    assert "Text: 1 section(s) changed" in text and "~ " in text and "39[-3-]{+5+}件" in text


def test_inline_diff_marks_characters() -> None:
    assert inline_diff("发布信息总量为 条", "发布信息总量为104条") == "发布信息总量为[- -]{+104+}条"
    assert inline_diff("同", "同") == "同"


def test_json_output_and_folder_arguments(kewei: AgencyYear, tmp_path: Path) -> None:
    old = _build(kewei, tmp_path / "old" / "report.ipynb")
    new = _build(_with(kewei, "二", "行政许可", "本年处理决定数量", 98), tmp_path / "new" / "report.ipynb")
    result = subprocess.run([*CLI, "diff", str(old.parent), str(new.parent), "--json"], capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 1, result.stderr
    data = json.loads(result.stdout)
    assert data["figures"] == [{"table": "二", "row": "行政许可", "col": "本年处理决定数量", "old": "97", "new": "98",
                                "label": "表二 第二十条第（五）项 行政许可 × 本年处理决定数量"}]
    assert diff_json(diff_builds(old, new)) == data


@pytest.mark.parametrize("case", ["missing", "folder", "not-json", "not-a-report"])
def test_unreadable_inputs_are_clear_errors(tmp_path: Path, case: str) -> None:
    path = tmp_path / "x.ipynb"
    if case == "folder":
        path = tmp_path
    elif case == "not-json":
        path.write_text("{not json", encoding="utf-8")
    elif case == "not-a-report":
        nbformat.write(nbformat.v4.new_notebook(), path)
    with pytest.raises(BuildReadError, match=str(path.name)):
        diff_builds(path, path)


def test_cli_reports_a_bad_input_without_traceback(tmp_path: Path) -> None:
    path = tmp_path / "plain.ipynb"
    nbformat.write(nbformat.v4.new_notebook(), path)
    result = subprocess.run([*CLI, "diff", str(path), str(path)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.startswith(f"error: {path}: no report-kit run record")


@pytest.mark.slow
def test_diff_of_two_real_builds(tmp_path: Path) -> None:
    """End to end: build the 2021 agency, fix its blank cell in params, build again, diff the builds."""
    from report_kit import pipeline

    src = REPORTS["kewei-2021"]
    work = tmp_path / "params" / "2024"
    work.mkdir(parents=True)
    first = pipeline.run(src, tmp_path / "old")
    fixed = _with(params.load(src), "三", "结转下年度", "总计", 1)
    (work / src.name).write_text(params.dumps(fixed), encoding="utf-8")
    second = pipeline.run(work / src.name, tmp_path / "new")
    result = subprocess.run([*CLI, "diff", str(first.notebook), str(second.notebook)], capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 1, result.stderr
    assert "表三 四、结转下年度继续办理 × 总计: （空白） → 1" in result.stdout
    assert "Findings: 2 resolved, 0 new, 0 changed" in result.stdout
    assert "参数文件SHA-256:" in result.stdout


def test_the_diff_speaks_chinese_by_default(kewei: AgencyYear, tmp_path: Path, chinese) -> None:
    from ._english import english

    fixed = _with(kewei, "三", "结转下年度", "总计", 1)
    text = format_diff(diff_builds(_build(kewei, tmp_path / "old.ipynb"), _build(fixed, tmp_path / "new.ipynb")))
    assert "数字：1 项有变化" in text and "检查结果：已解决 2 项，新增 0 项，有变化 0 项" in text
    assert "文字：1 个部分有变化" in text
    assert english(text.replace("report-kit diff", "").replace("x" * 12, "")) == [], text  # the stand-in hash
    same = format_diff(diff_builds(tmp_path / "old.ipynb", tmp_path / "old.ipynb"))
    assert "数字、检查结果和文字均无差异。" in same
    with pytest.raises(BuildReadError, match="文件或文件夹不存在"):
        diff_builds(tmp_path / "nothing.ipynb", tmp_path / "old.ipynb")
