"""Importers against hostile documents: control characters cleaned, Big5 named as an encoding problem."""

from __future__ import annotations

from pathlib import Path

import pytest

from report_kit import params
from report_kit.errors import SourceDocumentError
from report_kit.importers import import_document, write_params
from report_kit.params import CONTROL

from .conftest import DATA
from .fuzz_tally import count

SEED = (DATA / "hostile" / "seed-2019.txt").read_text("utf-8")


def _no_controls(imported) -> list[str]:
    ay = imported.ay
    texts = [ay.agency, *(v or "" for v in ay.text.values()), *(n.context for n in imported.notes)]
    return [t for t in texts if CONTROL.search(t.replace("\n", "").replace("\t", ""))]


def test_pdf_form_feeds_and_stray_controls_are_cleaned(tmp_path: Path) -> None:
    """pdftotext puts \\f between pages; a bad copy carries BEL, ESC or NUL: the params written are valid."""
    text = SEED.replace("\n二、主动公开", "\n\f二、主动公开").replace("积极贯彻", "积极\x07贯彻\x1b[2J")
    text = text.replace("进一步梳理", "进一步\x00梳理")  # past the first 4 KB: not taken for a binary file
    path = tmp_path / "2019-kegongxin.txt"
    path.write_text(text, "utf-8")
    imported = import_document(path)
    assert _no_controls(imported) == []
    assert "积极 贯彻 [2J" in (imported.ay.text["总体情况"] or "")
    params.load(write_params(imported, tmp_path / "params"))  # the control-character rule passes
    count("import (hostile documents)", "valid")


def test_html_character_references_to_controls_are_cleaned(tmp_path: Path) -> None:
    lines = [f"<p>{line}</p>" for line in SEED.splitlines() if line.strip() and not line.startswith("\t")]
    page = "<html><body>" + "".join(lines).replace("积极贯彻", "积极&#27;]0;owned&#7;贯彻") + "</body></html>"
    path = tmp_path / "page.html"
    path.write_text(page, "utf-8")
    imported = import_document(path)
    assert _no_controls(imported) == []
    count("import (hostile documents)", "valid")


def test_big5_page_is_an_encoding_problem_not_a_missing_report(tmp_path: Path) -> None:
    text = ("臺北市政府2024年政府資訊公開工作年度報告\n一、總體情況\n本年度共收到政府資訊公開申請12件，"
            "全部依法辦理完畢。\n二、主動公開政府資訊情況\n")
    path = tmp_path / "big5.txt"
    path.write_bytes(text.encode("big5"))
    with pytest.raises(SourceDocumentError, match="Big5"):
        import_document(path)
    page = tmp_path / "big5.html"
    page.write_bytes(b'<html><head><meta charset="big5"></head><body><p>' + text.encode("big5") + b"</p></body></html>")
    with pytest.raises(SourceDocumentError, match="Big5"):
        import_document(page)
    count("import (hostile documents)", "clean-error")


def test_gbk_report_still_reads(tmp_path: Path) -> None:
    path = tmp_path / "gbk.txt"
    path.write_bytes(SEED.encode("gb18030"))
    assert import_document(path).ay.agency == "科工信局"
