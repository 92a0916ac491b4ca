"""`report-kit import report.pdf`: digitally produced PDFs, scans, unmapped fonts, bombs and damaged files.

PDFs are made here the ways published ones are: headless Chromium prints report-kit's HTML of a real report
(tests/data/pdf-sources, copied from the shared fixtures), and LibreOffice converts the report.docx report-kit
writes. The two real PDFs of the corpus (洪泽区 2023, 2024) may not be committed: tests/test_importers_real.py
reads them when REPORT_KIT_REAL_PDFS points at them.
"""

from __future__ import annotations

import os
import random
import subprocess
import zlib
from pathlib import Path

import pytest

from report_kit import params
from report_kit.cli import main
from report_kit.convert import find_soffice
from report_kit.errors import PublishError, SourceDocumentError
from report_kit.export._chromium import find_chromium, print_to_pdf
from report_kit.export._docx import docx_bytes
from report_kit.importers import _pdf, import_document, write_params
from report_kit.model import AgencyYear
from report_kit.narrative import compose
from report_kit.render.html import page_css, section_html, title_html

from .conftest import DATA
from .fuzz_tally import count
from .test_importers import _texts_only, same_figures

SOURCES = DATA / "pdf-sources"
REPORTS = sorted(p.stem for p in SOURCES.glob("20*.md"))


def _chromium() -> None:
    try:
        find_chromium()
    except PublishError as exc:
        if os.environ.get("CI"):
            raise
        pytest.skip(str(exc))


def _report(name: str) -> AgencyYear:
    return _texts_only(import_document(SOURCES / f"{name}.md").ay)


def _html(ay: AgencyYear) -> str:
    body = "".join(section_html(s, ay) for s in compose(ay))
    return (f"<!DOCTYPE html><html lang='zh-CN'><head><meta charset='utf-8'><style>{page_css()}</style></head>"
            f"<body>{title_html(ay)}{body}</body></html>")


def chromium_pdf(ay: AgencyYear, folder: Path) -> Path:
    html = folder / "report.html"
    html.write_text(_html(ay), "utf-8")
    pdf = folder / f"{ay.slug}.pdf"
    pdf.write_bytes(print_to_pdf(html))
    return pdf


def libreoffice_pdf(docx: Path, folder: Path) -> Path:
    soffice = find_soffice()
    if soffice is None:
        if os.environ.get("CI"):
            raise AssertionError("LibreOffice is installed in CI (make system-deps)")
        pytest.skip("LibreOffice is not installed")
    out = folder / "lo"
    env = {**os.environ, "HOME": str(folder), "TMPDIR": str(folder)}
    subprocess.run([soffice, f"-env:UserInstallation={(folder / 'profile').as_uri()}", "--headless", "--invisible",
                    "--norestore", "--convert-to", "pdf", "--outdir", str(out), str(docx)],
                   check=True, capture_output=True, timeout=180, env=env, stdin=subprocess.DEVNULL)
    return out / f"{docx.stem}.pdf"


def _same_report(back: AgencyYear, ay: AgencyYear) -> None:
    assert (back.fmt.id, back.year, back.agency) == (ay.fmt.id, ay.year, ay.agency)
    assert same_figures(back, ay) == []


# ------------------------------------------------------------------------------ made the published ways


@pytest.mark.slow
@pytest.mark.parametrize("name", REPORTS)
def test_chromium_print_of_a_real_report_imports_every_figure(tmp_path: Path, name: str) -> None:
    _chromium()
    ay = _report(name)
    imported = import_document(chromium_pdf(ay, tmp_path))
    _same_report(imported.ay, ay)
    assert imported.kind == "pdf" and not imported.errors, imported.errors
    first = (ay.text["总体情况"] or "").split("\n")[0]
    assert first[:30] in (imported.ay.text["总体情况"] or "").replace("\n", "")


@pytest.mark.slow
@pytest.mark.parametrize("name", REPORTS)
def test_libreoffice_pdf_of_the_report_docx_imports_every_figure(tmp_path: Path, name: str) -> None:
    ay = _report(name)
    docx = tmp_path / f"{ay.slug}.docx"
    docx.write_bytes(docx_bytes(ay, compose(ay)))  # what `report-kit run --to docx` writes
    imported = import_document(libreoffice_pdf(docx, tmp_path))
    _same_report(imported.ay, ay)
    assert not imported.errors, imported.errors


@pytest.mark.slow
def test_pdf_import_then_run_gives_the_same_cells_in_report_html(tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    """import report.pdf → params → `report-kit run` → report.html holds the figures the PDF holds."""
    _chromium()
    ay = _report(REPORTS[0])
    pdf = chromium_pdf(ay, tmp_path)
    assert main(["import", str(pdf), "--out", str(tmp_path / "params")]) == 0
    [written] = (tmp_path / "params").rglob("*.yaml")
    assert main(["run", str(written), "--outputs", str(tmp_path / "out")]) == 0
    [html] = (tmp_path / "out").rglob("report.html")
    from_pdf = import_document(pdf).ay
    from_html = import_document(html).ay
    _same_report(from_html, from_pdf)
    _same_report(params.load(written), from_pdf)


# ----------------------------------------------------------------------------------- hand-made PDFs


def make_pdf(content: bytes, fonts: list[bytes], compress: bool = False) -> bytes:
    """A one-page PDF with a correct cross-reference table; ``fonts`` are objects 5, 6 …, F1 is object 5."""
    stream = zlib.compress(content) if compress else content
    filt = b" /Filter /FlateDecode" if compress else b""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> "
        b"/Contents 4 0 R >>",
        b"<< /Length %d%s >>\nstream\n" % (len(stream), filt) + stream + b"\nendstream",
        *fonts,
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


HELVETICA = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
# A CID font with Identity-H encoding and no ToUnicode map: its glyph ids cannot be read as text
UNMAPPED = [b"<< /Type /Font /Subtype /Type0 /BaseFont /Foo /Encoding /Identity-H /DescendantFonts [6 0 R] >>",
            b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /Foo /CIDSystemInfo << /Registry (Adobe) "
            b"/Ordering (Identity) /Supplement 0 >> /FontDescriptor 7 0 R >>",
            b"<< /Type /FontDescriptor /FontName /Foo /Flags 4 /FontBBox [0 0 1000 1000] /ItalicAngle 0 "
            b"/Ascent 800 /Descent -200 /CapHeight 700 /StemV 80 >>"]


def _text_pdf(lines: list[str]) -> bytes:
    body = b"BT /F1 12 Tf 72 780 Td 14 TL " + b" ".join(b"(%s) '" % s.encode() for s in lines) + b" ET"
    return make_pdf(body, [HELVETICA])


def test_scanned_pdf_without_a_text_layer_gets_one_clear_line(tmp_path: Path) -> None:
    path = tmp_path / "scan.pdf"
    path.write_bytes(make_pdf(b"0 0 m 100 100 l S", [HELVETICA]))  # drawing only, as a scan's page image
    with pytest.raises(SourceDocumentError) as exc:
        import_document(path)
    assert str(exc.value).count("\n") == 0 and "no text layer" in str(exc.value) and str(path) in str(exc.value)


def test_pdf_whose_text_has_no_character_mapping_gets_one_clear_line(tmp_path: Path) -> None:
    path = tmp_path / "unmapped.pdf"
    glyphs = b"".join(b"%04x" % g for g in range(20, 80))
    path.write_bytes(make_pdf(b"BT /F1 12 Tf 72 700 Td <" + glyphs + b"> Tj ET", UNMAPPED))
    with pytest.raises(SourceDocumentError, match="no usable character mapping") as exc:
        import_document(path)
    assert str(exc.value).count("\n") == 0


def test_a_pdf_that_inflates_beyond_the_memory_limit_is_stopped(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """PDF streams decompress without limit: 400 MB of page content in 400 KB; the parser's process is capped."""
    monkeypatch.setattr(_pdf, "MAX_MEMORY", 256 * 1024 * 1024)
    comp = zlib.compressobj(9)
    stream = b"".join(comp.compress(b"\0" * (1 << 20)) for _ in range(400)) + comp.flush()
    data = make_pdf(b"", [HELVETICA]).replace(b"<< /Length 0 >>\nstream\n\nendstream",
                                               b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream)
                                               + stream + b"\nendstream")
    path = tmp_path / "bomb.pdf"
    path.write_bytes(data)
    with pytest.raises(SourceDocumentError) as exc:
        import_document(path)
    assert "memory" in str(exc.value) or "no text layer" in str(exc.value)  # either way: no figure, one line


def test_a_file_named_pdf_that_is_not_one(tmp_path: Path) -> None:
    path = tmp_path / "report.pdf"
    path.write_text("一、总体情况\n", "utf-8")
    with pytest.raises(SourceDocumentError, match="not a PDF file"):
        import_document(path)


def test_encrypted_pdf_says_so(tmp_path: Path) -> None:
    path = tmp_path / "locked.pdf"
    data = _text_pdf(["x"]).replace(b"/Root 1 0 R >>", b"/Root 1 0 R /Encrypt << /Filter /Standard /V 1 /R 2 "
                                                        b"/O <00> /U <00> /P -4 >> >>")
    path.write_bytes(data)
    with pytest.raises(SourceDocumentError) as exc:
        import_document(path)
    assert str(exc.value).count("\n") == 0


@pytest.mark.parametrize("seed", range(24))
def test_mangled_pdfs_import_or_fail_cleanly(tmp_path: Path, seed: int) -> None:
    """Cuts and junk spliced into a small text PDF: a result, or one SourceDocumentError; never a traceback."""
    rng = random.Random(seed)
    data = bytearray(_text_pdf(["2024 nian", "1. zongti qingkuang", "guizhang 0 0 0"] * 3))
    for _ in range(rng.randint(1, 4)):
        at = rng.randrange(len(data))
        data[at:at + rng.randint(0, 60)] = rng.randbytes(rng.randint(0, 30))
    path = tmp_path / "mangled.pdf"
    path.write_bytes(bytes(data))
    entry = "import (mangled .pdf)"
    try:
        import_document(path, year=2024)
    except SourceDocumentError as exc:
        count(entry, "clean-error")
        assert str(path) in str(exc)
    except Exception:
        count(entry, "traceback")
        raise
    else:
        count(entry, "valid")


def test_import_of_a_folder_takes_its_pdfs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.pdf").write_bytes(make_pdf(b"0 0 m 1 1 l S", [HELVETICA]))
    assert main(["import", str(tmp_path / "in"), "--out", str(tmp_path / "params")]) == 1
    assert "a.pdf: the PDF has no text layer" in capsys.readouterr().out
    assert write_params  # the CLI goes through the same writer as the library (imported above)
