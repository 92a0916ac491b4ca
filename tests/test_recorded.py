"""One source of truth: report.docx is made from the content the executed notebook recorded, the same content
report.html shows (issue 11, reproduction 5: Word was recomposed from the params in the parent process)."""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from bs4 import BeautifulSoup

from report_kit import compose, recorded
from report_kit.export import docx_bytes, render, report_docx

from ._reports import agency_year, built
from .conftest import ROOT

CLI = [sys.executable, "-m", "report_kit"]
KEWEI = ROOT / "params" / "2024" / "shanghai-kewei.yaml"


def _docx_paragraphs(data: bytes) -> list[str]:
    from docx import Document

    return [p.text for p in Document(io.BytesIO(data)).paragraphs]


def test_records_round_trip_to_the_same_word_file() -> None:
    ay = agency_year("kewei-2021")
    sections = compose(ay)
    report = recorded.report_of(ay, sections)
    assert [s.content for s in report.sections] == list(sections)
    assert report.title.title == ay.title and report.title.published == ay.published
    assert report_docx(report) == docx_bytes(ay, sections)


def test_a_published_cell_without_a_record_is_named_not_dropped() -> None:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("nbk.show_title(ay)"), nbformat.v4.new_code_cell("HTML('<p>x</p>')")]
    nb.cells[0].outputs = [nbformat.v4.new_output("display_data", data={
        "text/html": "<h1>t</h1>", recorded.CONTENT_MIME: recorded.title_record(agency_year("seed-2019"))})]
    nb.cells[1].outputs = [nbformat.v4.new_output("display_data", data={"text/html": "<p>x</p>"})]
    with pytest.raises(recorded.NotRecorded, match="published cell 2 shows HTML that is not recorded"):
        recorded.read(nb)
    nb.cells[1].metadata["tags"] = ["review"]  # review cells are not in report.html either
    assert recorded.read(nb).sections == ()


@pytest.mark.slow
def test_the_built_notebook_records_what_report_html_shows() -> None:
    folder = built("kewei-2021")
    nb = nbformat.read(folder / "report.ipynb", as_version=4)
    report = recorded.read(nb)
    html = (folder / "report.html").read_text("utf-8")
    soup = BeautifulSoup(html, "lxml")
    assert [h.get_text() for h in soup.select("h2")] == [s.content.title for s in report.sections]
    assert [p.get_text() for p in soup.select("section p")] == [p.text for s in report.sections
                                                               for p in s.content.paragraphs]
    files = render(nb, ("docx",))
    assert files["report.docx"] == docx_bytes(agency_year("kewei-2021"), compose(agency_year("kewei-2021")))


CUSTOM = '''from dataclasses import replace as _replace
from report_kit.content import Paragraph as _Paragraph
sections = [_replace(s, paragraphs=s.paragraphs + (_Paragraph("本段由本机关模板追加。"),)) if s.key == "其他事项" else s
            for s in sections]'''


@pytest.mark.slow
def test_repro5_a_customised_template_reaches_html_and_word_alike(tmp_path: Path) -> None:
    """Before: report.docx was recomposed from the library in the parent, so a template that changed what a
    section shows gave a report.html and a report.docx that disagreed."""
    work = tmp_path / "work"
    (work / "params" / "2024").mkdir(parents=True)
    shutil.copy(KEWEI, work / "params" / "2024" / KEWEI.name)
    shutil.copytree(ROOT / "notebooks", work / "notebooks")
    path = work / "notebooks" / "annual_report.ipynb"
    nb = nbformat.read(path, as_version=4)
    at = next(i for i, c in enumerate(nb.cells) if "sections = compose(" in c.source) + 1
    nb.cells.insert(at, nbformat.v4.new_code_cell(CUSTOM, metadata={"tags": ["review"]}))
    nbformat.write(nb, path)

    result = subprocess.run([*CLI, "run", f"params/2024/{KEWEI.name}", "--to", "docx"], cwd=work,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    folder = work / "outputs" / "2024" / "shanghai-kewei"
    assert "本段由本机关模板追加。" in (folder / "report.html").read_text("utf-8")
    paragraphs = _docx_paragraphs((folder / "report.docx").read_bytes())
    assert "本段由本机关模板追加。" in paragraphs
    # at the end of 六, as in the page: only the 落款 (a blank line, the agency, maybe the date) follows
    after = paragraphs[paragraphs.index("本段由本机关模板追加。") + 1:]
    assert after[:2] == ["", "上海市科学技术委员会"] and len(after) <= 3, after

    # a published cell showing HTML of its own: Word cannot hold it, so the agency fails, saying so
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell("from IPython.display import HTML\nHTML('<p>附件：见网站</p>')"))
    nbformat.write(nb, path)
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    again = subprocess.run([*CLI, "run", f"params/2024/{KEWEI.name}"], cwd=work, capture_output=True, text=True,
                           timeout=600)
    assert again.returncode == 2 and "Traceback" not in again.stderr
    assert "report.docx: published cell" in again.stderr and "cannot hold it" in again.stderr
    assert {p.name: p.read_bytes() for p in folder.iterdir() if p.name != "failed.ipynb"} == before
