"""One output set per build: an agency-year folder holds exactly the files of its latest successful build,
the index covers every year, and a failure keeps its notebook and the previous set (issue 11, reproductions
2, 3 and 6)."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from bs4 import BeautifulSoup

from report_kit import stamps

from .conftest import ROOT

pytestmark = pytest.mark.slow

CLI = [sys.executable, "-m", "report_kit"]
KEWEI = ROOT / "params" / "2024" / "shanghai-kewei.yaml"
SEED = ROOT / "params" / "2019" / "zhuzhou-county-kgxj.yaml"


def _cli(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*CLI, *args], cwd=cwd, capture_output=True, text=True, timeout=600)


def _project(tmp: Path, *, seed: bool = False, template_code: str | None = None) -> Path:
    """The bundled kewei params (and the seed) with their registry and the template, in a fresh folder."""
    work = tmp / "work"
    (work / "params" / "2024").mkdir(parents=True)
    shutil.copy(KEWEI, work / "params" / "2024" / KEWEI.name)
    registry = ["agencies:", "  - {slug: shanghai-kewei, name: 上海市科学技术委员会, first_year: 2024}"]
    if seed:
        (work / "params" / "2019").mkdir()
        shutil.copy(SEED, work / "params" / "2019" / SEED.name)
        registry.append("  - {slug: zhuzhou-county-kgxj, name: 株洲县经济科技信息化局, first_year: 2019, "
                        "last_year: 2019}")
    (work / "params" / "agencies.yaml").write_text("\n".join(registry) + "\n", encoding="utf-8")
    shutil.copytree(ROOT / "notebooks", work / "notebooks")
    if template_code is not None:
        path = work / "notebooks" / "annual_report.ipynb"
        nb = nbformat.read(path, as_version=4)
        at = next(i for i, c in enumerate(nb.cells) if "load_params(" in c.source) + 1
        nb.cells.insert(at, nbformat.v4.new_code_cell(template_code, metadata={"tags": ["review"]}))
        nbformat.write(nb, path)
    return work


def _set_figure(work: Path, value: int) -> None:
    p = work / "params" / "2024" / KEWEI.name
    lines = p.read_text("utf-8").splitlines(keepends=True)
    row = f"  行政许可: {{本年处理决定数量: {value}}} # 第二十条第（五）项 行政许可\n"
    lines = [row if ln.startswith("  行政许可:") else ln for ln in lines]
    p.write_text("".join(lines), encoding="utf-8")


def _docx_text(path: Path) -> str:
    from docx import Document

    doc = Document(io.BytesIO(path.read_bytes()))
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


def _pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def test_repro2_word_and_pdf_are_rebuilt_with_the_report_not_left_stale(tmp_path: Path) -> None:
    """Before: `run --to docx,pdf`, change 行政许可 1268 → 1286, `run` without --to: report.docx and .pdf still
    said 1268, silently. Now the folder's formats are rebuilt with it; dropping one is explicit."""
    work = _project(tmp_path)
    params = f"params/2024/{KEWEI.name}"
    folder = work / "outputs" / "2024" / "shanghai-kewei"
    _set_figure(work, 1268)
    first = _cli(work, "run", params, "--to", "docx,pdf")
    assert first.returncode == 0, first.stderr
    assert "1268" in _docx_text(folder / "report.docx") and "1268" in _pdf_text(folder / "report.pdf")

    _set_figure(work, 1286)
    second = _cli(work, "run", params)
    assert second.returncode == 0, second.stderr
    assert "report.docx, report.pdf" in second.stdout
    for name, text in (("report.html", (folder / "report.html").read_text("utf-8")),
                       ("report.docx", _docx_text(folder / "report.docx")),
                       ("report.pdf", _pdf_text(folder / "report.pdf"))):
        assert "1286" in text and "1268" not in text, name
    assert sorted(p.name for p in folder.iterdir()) == [stamps.STAMP, "report.docx", "report.html", "report.ipynb",
                                                        "report.pdf", "review.html"]

    up = _cli(work, "build", "--jobs", "1")  # `run` stamped the set: the build agrees it is current
    assert "0 built, 1 up to date" in up.stdout, up.stdout + up.stderr

    _set_figure(work, 1300)
    rebuilt = _cli(work, "build", "--jobs", "1", "--drop", "pdf")
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert sorted(p.name for p in folder.iterdir()) == [stamps.STAMP, "report.docx", "report.html", "report.ipynb",
                                                        "review.html"]
    assert "1300" in _docx_text(folder / "report.docx")
    links = [a["href"] for a in BeautifulSoup((folder / "review.html").read_text("utf-8"), "lxml")
             .select(".rk-links a")]
    assert links == ["report.html", "report.docx"]  # the review page links exactly the files of its set


def test_repro3_a_build_of_one_year_keeps_every_year_in_the_index(tmp_path: Path) -> None:
    """Before: `build --year 2024` rewrote outputs/index.html and summary.csv with 2024 alone."""
    work = _project(tmp_path, seed=True)
    full = _cli(work, "build", "--jobs", "2")
    assert full.returncode == 0, full.stderr
    index_before = (work / "outputs" / "index.html").read_text("utf-8")
    one = _cli(work, "build", "--year", "2024", "--force", "--jobs", "1")
    assert one.returncode == 0, one.stderr
    assert "1 built, 0 up to date" in one.stdout
    rows = list(csv.DictReader((work / "outputs" / "summary.csv").read_text("utf-8-sig").splitlines()))
    assert sorted((r["year"], r["slug"], r["status"]) for r in rows) == [
        ("2019", "zhuzhou-county-kgxj", "ok"), ("2024", "shanghai-kewei", "ok")]
    page = (work / "outputs" / "index.html").read_text("utf-8")
    soup = BeautifulSoup(page, "lxml")
    hrefs = {a["href"] for a in soup.select("a")}
    assert {"2019/zhuzhou-county-kgxj/report.html", "2024/shanghai-kewei/report.html"} <= hrefs
    # the same outputs give the same index: only the marked build record (what the last build did) differs
    from report_kit.export import strip_build_record

    assert strip_build_record(page) == strip_build_record(index_before)
    assert (work / "outputs" / "2019" / "index.html").is_file()

    # an agency whose params are gone: its outputs go too (a stale report is never left published)
    (work / "params" / "2019" / SEED.name).unlink()
    gone = _cli(work, "build", "--year", "2024", "--jobs", "1")
    assert gone.returncode == 0, gone.stderr
    assert f"removed {work / 'outputs' / '2019' / 'zhuzhou-county-kgxj'}" in gone.stdout
    assert not (work / "outputs" / "2019" / "zhuzhou-county-kgxj").exists()
    rows = list(csv.DictReader((work / "outputs" / "summary.csv").read_text("utf-8-sig").splitlines()))
    assert [(r["year"], r["slug"]) for r in rows] == [("2024", "shanghai-kewei")]


FAILING_CELL = ("if '故障' in (ay.text.get('其他事项') or ''):\n"
                "    raise RuntimeError('deliberate failure for ' + ay.slug)")


def test_repro6_a_failed_agency_keeps_failed_ipynb_and_its_previous_set(tmp_path: Path) -> None:
    """Before: the error named the cell but the partly executed notebook was gone."""
    work = _project(tmp_path, template_code=FAILING_CELL)
    folder = work / "outputs" / "2024" / "shanghai-kewei"
    good = _cli(work, "build", "--jobs", "1")
    assert good.returncode == 0, good.stderr
    before = {p.name: p.read_bytes() for p in folder.iterdir()}

    p = work / "params" / "2024" / KEWEI.name
    p.write_text(p.read_text("utf-8").replace("  其他事项: |\n", "  其他事项: |\n    故障。\n", 1), encoding="utf-8")
    assert "故障" in p.read_text("utf-8")
    bad = _cli(work, "build", "--jobs", "1")
    assert bad.returncode == 1 and "deliberate failure" in bad.stderr and "Traceback" not in bad.stderr
    after = {p.name: p.read_bytes() for p in folder.iterdir()}
    assert {k: v for k, v in after.items() if k != "failed.ipynb"} == before  # the good set untouched
    failed = nbformat.reads(after["failed.ipynb"].decode("utf-8"), as_version=4)
    errors = [o for c in failed.cells if c.cell_type == "code" for o in c.get("outputs", ())
              if o.output_type == "error"]
    assert errors and errors[0].evalue == "deliberate failure for shanghai-kewei"
    raised = next(c for c in failed.cells if c.cell_type == "code" and "deliberate failure" in c.source)
    assert raised.execution_count and failed.metadata["report_kit_failure"]["cell"] == raised.execution_count
    assert not [c for c in failed.cells if c.get("outputs") and "nbk.show_section" in c.source]  # stopped there
    row = BeautifulSoup((work / "outputs" / "index.html").read_text("utf-8"), "lxml").select_one("tr.failed")
    assert row is not None and row.select_one('a[href="2024/shanghai-kewei/failed.ipynb"]') is not None
    assert f"In [{raised.execution_count}]" in row.get_text() and "deliberate failure" in row.get_text()
    assert not any(name.startswith("report.") and name not in before for name in after)

    again = _cli(work, "build", "--jobs", "1")  # same inputs: the failure is reported again, still no set lost
    assert again.returncode == 1 and (folder / "report.html").read_bytes() == before["report.html"]

    p.write_text(p.read_text("utf-8").replace("    故障。\n", "", 1), encoding="utf-8")
    fixed = _cli(work, "build", "--jobs", "1")
    assert fixed.returncode == 0, fixed.stderr
    assert "failed.ipynb" not in {q.name for q in folder.iterdir()}  # the next good set replaces it
    assert json.loads((folder / stamps.STAMP).read_text("utf-8"))["digest"]
