"""`report-kit run/build --to docx,pdf`: review.html always, Word and PDF on request, beside report.html."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from report_kit.errors import PublishError
from report_kit.export import parse_formats

from ._reports import REPORTS

CLI = [sys.executable, "-m", "report_kit.cli"]


@pytest.mark.parametrize(("spec", "expected"), [
    (None, ()), ("", ()), ("docx", ("docx",)), ("pdf,docx", ("docx", "pdf")), (" .PDF , html ", ("pdf",)),
    (["docx", "pdf"], ("docx", "pdf")),
])
def test_parse_formats(spec: object, expected: tuple[str, ...]) -> None:
    assert parse_formats(spec) == expected  # type: ignore[arg-type]


def test_unknown_format_is_refused_before_any_kernel(tmp_path: Path) -> None:
    with pytest.raises(PublishError, match="unknown format odt"):
        parse_formats("docx,odt")
    result = subprocess.run([*CLI, "run", str(REPORTS["seed-2019"]), "--outputs", str(tmp_path), "--to", "odt"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 2 and "unknown format odt" in result.stderr and "Traceback" not in result.stderr
    assert not any(tmp_path.iterdir())


@pytest.mark.slow
def test_run_to_docx_pdf_writes_every_output(tmp_path: Path) -> None:
    result = subprocess.run([*CLI, "run", str(REPORTS["kewei-2021"]), "--outputs", str(tmp_path), "--to", "docx,pdf"],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    folder = tmp_path / "2024" / "shanghai-kewei"
    assert sorted(p.name for p in folder.iterdir()) == [".inputs.json", "report.docx", "report.html", "report.ipynb",
                                                        "report.pdf", "review.html"]
    assert "review.html, report.docx, report.pdf" in result.stdout
    assert (folder / "report.pdf").read_bytes().startswith(b"%PDF")
    links = [a["href"] for a in BeautifulSoup((folder / "review.html").read_text("utf-8"), "lxml")
             .select(".rk-links a")]
    assert links == ["report.html", "report.docx", "report.pdf"]
