"""A new official form is one YAML file: a made-up third form goes through every entry point.

``tests/data/forms/2027.yaml`` is the 2021 form with section 一 retitled, a seventh section the analyst
writes, a row added under （六）其他处理 and a column added to table 四. Pointed at with ``REPORT_KIT_FORMATS``
(the supported way to add a form), it must go through ``new``, ``check``, ``run`` (HTML and docx), ``import``
of its own rendered report and ``sheet new``/``sheet import`` with no code knowing it. Every step runs the
real CLI in a subprocess, as a maintainer trying a new form would.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup
from ruamel.yaml import YAML

from .conftest import DATA, ROOT

FORMS = DATA / "forms"
SLUG = "test-sjj"
TEXTS = {
    "总体情况": "本年度，测试市数据局扎实推进主动公开、依申请公开工作，加强政府信息管理和平台建设，强化监督保障。",
    "问题及改进": "上年度存在的问题已全部整改。本年度仍存在公开内容不够全面等问题。",
    "其他事项": "本年度未收取信息处理费。",
    "创新做法": "本年度开展“政务公开日”活动，邀请群众走进机关。",
}
# table 三: 10 new applications, answered 4 予以公开 + 2 部分公开 + 4 by the new row 3.申请人主动撤回申请
FIGURES = {
    ("table3", "本年新收"): {"自然人": 8, "商业企业": 2, "总计": 10},
    ("table3", "予以公开"): {"自然人": 4, "总计": 4},
    ("table3", "部分公开"): {"自然人": 1, "商业企业": 1, "总计": 2},
    ("table3", "主动撤回"): {"自然人": 3, "商业企业": 1, "总计": 4},
    ("table3", "办理结果总计"): {"自然人": 8, "商业企业": 2, "总计": 10},
    ("table4", "行政复议"): {"结果维持": 1, "调解和解": 2, "总计": 3},  # 调解和解: the new column
    ("table2", "行政许可"): {"本年处理决定数量": 30},
}


def cli(cwd: Path, *args: str, ok: bool = True) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "REPORT_KIT_FORMATS": str(FORMS)}
    result = subprocess.run([sys.executable, "-m", "report_kit", *args], cwd=cwd, env=env, capture_output=True,
                            text=True, timeout=300)
    if ok:
        assert result.returncode == 0, result.stdout + result.stderr
    return result


def _yaml() -> YAML:
    y = YAML(typ="rt")
    y.width = 4096
    return y


def read(path: Path) -> Any:
    return _yaml().load(path.read_text("utf-8"))


def write(path: Path, doc: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as fh:
        _yaml().dump(doc, fh)


def content(doc: Any) -> tuple[dict[str, Any], dict[str, str | None]]:
    """Figures and texts of a params document, as plain values."""
    tables = {k: {r: dict(cols) for r, cols in doc[k].items()} for k in ("table2", "table3", "table4")}
    texts = {k: (v.strip() if v else v) for k, v in doc["text"].items()}
    return tables, texts


def filled_params(root: Path) -> Path:
    """``new`` for a 2027 agency, then every cell filled (0 unless FIGURES says otherwise) and every text."""
    cli(root, "new", "--agency", "测试市数据局", "--slug", SLUG, "--year", "2027", "--params-dir", "params")
    path = root / "params" / "2027" / f"{SLUG}.yaml"
    doc = read(path)
    for tkey in ("table2", "table3", "table4"):
        for rkey, cols in doc[tkey].items():
            for ckey in cols:
                cols[ckey] = FIGURES.get((tkey, rkey), {}).get(ckey, 0)
    for key, text in TEXTS.items():
        doc["text"][key] = text
    write(path, doc)
    return path


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    filled_params(tmp_path)
    return tmp_path


def test_new_scaffolds_the_forms_own_sections_rows_and_columns(tmp_path: Path) -> None:
    cli(tmp_path, "new", "--agency", "测试市数据局", "--slug", SLUG, "--year", "2027", "--params-dir", "params")
    text = (tmp_path / "params" / "2027" / f"{SLUG}.yaml").read_text("utf-8")
    assert "format: '2027'" in text
    assert "# 七、政务公开创新做法\n  创新做法:" in text and "# 一、年度工作总体概况" in text
    assert "主动撤回: {" in text and "# （六）其他处理 3.申请人主动撤回申请" in text
    assert "调解和解: null" in text
    # and without the variable the form does not exist: nothing is hidden in code
    env = {k: v for k, v in os.environ.items() if k != "REPORT_KIT_FORMATS"}
    plain = subprocess.run([sys.executable, "-m", "report_kit", "check", "params"], cwd=tmp_path, env=env,
                           capture_output=True, text=True, timeout=120)
    assert plain.returncode != 0 and "2027" in plain.stdout + plain.stderr


def test_check_applies_the_rules_to_the_new_row_and_column(tree: Path) -> None:
    clean = json.loads(cli(tree, "check", "--strict", "--format", "json", "params").stdout)
    assert [f for item in clean for f in item.get("findings", [])] == [], clean

    path = tree / "params" / "2027" / f"{SLUG}.yaml"
    doc = read(path)
    doc["table3"]["主动撤回"]["总计"] = 5  # the new row: breaks its own row sum and the outcome total
    doc["table4"]["行政复议"]["调解和解"] = 3  # the new column: breaks the group's 总计
    doc["text"]["创新做法"] = "本年度开展XX活动。"  # the seventh section's text is checked like the others
    write(path, doc)
    broken = cli(tree, "check", "--format", "json", "params", ok=False)
    assert broken.returncode == 1
    found = {(f["rule"], f["key"].split(":")[0]) for item in json.loads(broken.stdout) for f in item["findings"]}
    assert {("T3-ROWSUM", "主动撤回"), ("T3-LEAVES", "总计"), ("T4-SUM", "行政复议")} <= found
    assert ("TEXT-PLACEHOLDER", "创新做法") in found


def _sheet_fill(workbook: Path, params: Path, out: Path) -> None:
    """Type the params' figures and texts into the blank sheet, cell by cell, as a department would."""
    import openpyxl

    doc = read(params)
    wb = openpyxl.load_workbook(workbook)
    ws = wb["agency"]
    for kind, key, cell, _, _ in wb["report-kit-layout"].iter_rows(min_row=2, max_col=5, values_only=True):
        if kind == "figure":
            tkey, row, col = key.split(".")
            ws[cell] = doc[tkey][row][col]
        elif kind == "text":
            ws[cell] = doc["text"][key.removeprefix("text.")]
        elif kind == "meta" and key in ("agency", "slug"):
            ws[cell] = doc[key]
    wb.save(out)


def test_intake_workbook_round_trip(tree: Path) -> None:
    cli(tree, "sheet", "new", "--year", "2027", "intake.xlsx")
    _sheet_fill(tree / "intake.xlsx", tree / "params" / "2027" / f"{SLUG}.yaml", tree / "filled.xlsx")
    cli(tree, "sheet", "import", "filled.xlsx", "--out", "from-sheet")
    got = read(tree / "from-sheet" / "2027" / f"{SLUG}.yaml")
    assert got["format"] == "2027"
    assert content(got) == content(read(tree / "params" / "2027" / f"{SLUG}.yaml"))


def _docx_text(path: Path) -> str:
    from docx import Document

    doc = Document(str(path))
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


@pytest.mark.slow
def test_run_renders_the_form_and_import_reads_it_back(tree: Path) -> None:
    template = ROOT / "notebooks" / "annual_report.ipynb"
    params = tree / "params" / "2027" / f"{SLUG}.yaml"
    cli(tree, "run", str(params), "--outputs", "out", "--template", str(template), "--to", "docx")
    built = tree / "out" / "2027" / SLUG
    page = BeautifulSoup((built / "report.html").read_text("utf-8"), "html.parser").get_text("\n", strip=True)
    titles = ["一、年度工作总体概况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
              "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项",
              "七、政务公开创新做法"]
    lines = page.splitlines()
    assert [lines.index(t) for t in titles] == sorted(lines.index(t) for t in titles)
    assert lines[lines.index("七、政务公开创新做法") + 1] == TEXTS["创新做法"]
    assert "3.申请人主动撤回申请" in lines and "调解和解" in lines
    assert re.search(r"其他处理4件", page)  # the new row counts in its group's generated sentence
    assert "调解和解2件" in page  # and the new column in section 四's

    word = _docx_text(built / "report.docx")
    for needle in [*titles, TEXTS["创新做法"], "3.申请人主动撤回申请", "调解和解"]:
        assert needle in word, needle

    for source in ("report.html", "report.docx"):
        out = f"imported-{source.split('.')[1]}"
        cli(tree, "import", str(built / source), "--out", out, "--slug", SLUG)
        got = read(tree / out / "2027" / f"{SLUG}.yaml")
        assert got["format"] == "2027", source
        assert content(got) == content(read(params)), source
