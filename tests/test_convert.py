"""Old office files (.doc, .wps, .xls) read through LibreOffice: the same params as their .docx/.xlsx originals.

The old files are written here by LibreOffice itself (Word 97 and Excel 97 export filters) from a report.docx
rendered by report-kit's own Word renderer and from a workbook made by `report-kit sheet new` and filled in.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path

import openpyxl
import psutil
import pytest

from report_kit import convert, params
from report_kit.cli import main
from report_kit.convert import ConverterMissingError, LegacyFormatError, converted
from report_kit.errors import SourceDocumentError
from report_kit.export._docx import docx_bytes
from report_kit.importers import MAX_BYTES, expand, import_document
from report_kit.narrative import compose
from report_kit.sheets import import_workbook

from .conftest import ROOT, SEED_PARAMS
from .test_sheets import _fill, _layout

KEWEI = ROOT / "params" / "2024" / "shanghai-kewei.yaml"
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Word/Excel 97-2003 compound file


@pytest.fixture(scope="module")
def soffice() -> str:
    found = convert.find_soffice()
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("LibreOffice is not installed; CI installs it with make system-deps")
        pytest.skip("LibreOffice is not installed (make system-deps)")
    return found


def _save_as_old(soffice: str, sources: list[Path], old_suffix: str) -> list[Path]:
    """``sources`` saved by LibreOffice in the old binary format, as an office would have received them."""
    filters = {".doc": "doc:MS Word 97", ".xls": "xls:MS Excel 97"}
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run([soffice, f"-env:UserInstallation={Path(profile).as_uri()}", "--headless", "--norestore",
                        "--convert-to", filters[old_suffix], "--outdir", str(sources[0].parent), *map(str, sources)],
                       check=True, capture_output=True, timeout=300, env={**os.environ, "HOME": profile})
    old = [src.with_suffix(old_suffix) for src in sources]
    assert all(p.read_bytes()[:8] == OLE2 for p in old), "LibreOffice did not write a 97-2003 binary file"
    return old


@pytest.fixture(scope="module")
def originals(tmp_path_factory: pytest.TempPathFactory, soffice: str) -> dict[str, Path]:
    """report.docx of the seed (2019 format) and of 上海市科委 2024 (2021 format) as `report-kit run --to docx`
    renders them, a `report-kit sheet new` workbook with 市科委's sheet filled in, and LibreOffice's
    .doc and .xls of each (one LibreOffice start per filter: each takes seconds)."""
    folder = tmp_path_factory.mktemp("originals")
    files: dict[str, Path] = {}
    for key, source in (("seed", SEED_PARAMS), ("kewei", KEWEI)):
        ay = params.load(source)
        files[f"{key}.docx"] = folder / f"{ay.slug}.docx"
        files[f"{key}.docx"].write_bytes(docx_bytes(ay, compose(ay)))  # what `report-kit run --to docx` writes
    files["seed.doc"], files["kewei.doc"] = _save_as_old(soffice, [files["seed.docx"], files["kewei.docx"]], ".doc")
    ay = params.load(KEWEI)
    xlsx = files["intake.xlsx"] = folder / "intake.xlsx"
    assert main(["sheet", "new", "--year", str(ay.year), "--agencies", str(ROOT / "params" / "agencies.yaml"),
                 str(xlsx)]) == 0
    wb = openpyxl.load_workbook(xlsx)
    _fill(wb[ay.slug], _layout(wb), ay)  # a department fills in its sheet
    wb.save(xlsx)
    [files["intake.xls"]] = _save_as_old(soffice, [xlsx], ".xls")
    return files


def _written(out: Path) -> dict[str, str]:
    return {p.relative_to(out).as_posix(): p.read_text("utf-8") for p in sorted(out.rglob("*.yaml"))}


@pytest.mark.slow
@pytest.mark.parametrize("key", ["seed", "kewei"], ids=["2019-seed", "2021-kewei"])
def test_doc_imports_to_the_same_params_as_its_docx(tmp_path: Path, originals: dict[str, Path], key: str,
                                                     monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    ay = params.load({"seed": SEED_PARAMS, "kewei": KEWEI}[key])
    assert any(v for rows in ay.tables.values() for cols in rows.values() for v in cols.values()), \
        "the source needs non-zero figures for the comparison to mean anything"
    docx, doc = originals[f"{key}.docx"], originals[f"{key}.doc"]
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))

    assert main(["import", str(docx), "--out", str(tmp_path / "from-docx")]) == 0
    assert main(["import", str(doc), "--out", str(tmp_path / "from-doc")]) == 0
    from_docx, from_doc = _written(tmp_path / "from-docx"), _written(tmp_path / "from-doc")
    assert list(from_doc) == [f"{ay.year}/{ay.slug}.yaml"]
    assert from_doc == from_docx
    assert params.load(tmp_path / "from-doc" / str(ay.year) / f"{ay.slug}.yaml").tables == ay.tables
    assert f"{doc} -> " in capsys.readouterr().out
    assert list(home.iterdir()) == [], "LibreOffice wrote into the user's home folder"


@pytest.mark.slow
def test_wps_is_read_like_doc(tmp_path: Path, originals: dict[str, Path]) -> None:
    # WPS Writer's .wps is a Word 97-style compound file; no WPS here to write one, so LibreOffice's .doc
    # export stands in, under the .wps name the importer and LibreOffice must both accept
    wps = tmp_path / (originals["kewei.docx"].stem + ".wps")  # the slug comes from the file name
    wps.write_bytes(originals["kewei.doc"].read_bytes())
    (tmp_path / "notes.xls").write_bytes(b"")  # not a report suffix
    assert expand([tmp_path]) == [wps]  # a folder's .wps files are picked up
    assert params.dumps(import_document(wps).ay) == params.dumps(import_document(originals["kewei.docx"]).ay)


@pytest.mark.slow
def test_xls_imports_to_the_same_params_as_its_xlsx(tmp_path: Path, originals: dict[str, Path]) -> None:
    ay = params.load(KEWEI)
    xlsx, xls = originals["intake.xlsx"], originals["intake.xls"]
    assert main(["sheet", "import", str(xlsx), "--out", str(tmp_path / "from-xlsx")]) == 0
    assert main(["sheet", "import", str(xls), "--out", str(tmp_path / "from-xls")]) == 0
    from_xlsx, from_xls = _written(tmp_path / "from-xlsx"), _written(tmp_path / "from-xls")
    assert list(from_xls) == [f"{ay.year}/{ay.slug}.yaml"]
    assert from_xls == from_xlsx
    back = params.load(tmp_path / "from-xls" / str(ay.year) / f"{ay.slug}.yaml")
    assert back.tables == ay.tables and dict(back.text) == dict(ay.text)


@pytest.mark.slow
def test_an_xls_that_is_no_intake_workbook_is_refused_under_its_own_name(tmp_path: Path, soffice: str) -> None:
    xls = tmp_path / "名单.xls"
    xls.write_text("单位,人数\n科委,3\n", "utf-8")  # a CSV saved as .xls: LibreOffice opens it as a sheet
    with pytest.raises(SourceDocumentError) as err:
        import_workbook(xls, tmp_path / "params")
    assert str(xls) in str(err.value) and "rk-convert-" not in str(err.value)
    assert not (tmp_path / "params").exists()


@pytest.mark.slow
def test_timeout_kills_libreoffice_and_removes_its_folder(tmp_path: Path, originals: dict[str, Path],
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    doc = originals["seed.doc"]
    work = tmp_path / "tmp"
    work.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(work))  # the converter's temporary folder goes in here
    with (pytest.raises(LegacyFormatError, match=r"did not convert it within 0\.5 s") as err,
          converted(doc, max_bytes=MAX_BYTES, timeout=0.5)):
        pass
    assert str(doc) in str(err.value) and "\n" not in str(err.value)
    assert list(work.iterdir()) == []
    left = [p.pid for p in psutil.process_iter(["cmdline"]) if any(str(work) in a for a in p.info["cmdline"] or ())]
    assert left == [], "LibreOffice processes survived the timeout"


# ---------------------------------------------------------------------------------- without LibreOffice


@pytest.fixture
def no_libreoffice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    empty = tmp_path / "bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    monkeypatch.setattr(convert, "OPT", tmp_path)  # nor an /opt/libreoffice* install
    assert convert.find_soffice() is None


def test_without_libreoffice_sheet_import_says_how_to_convert(tmp_path: Path, no_libreoffice: None,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    xls = tmp_path / "intake.xls"
    xls.write_bytes(OLE2 + bytes(504))
    assert main(["sheet", "import", str(xls), "--out", str(tmp_path / "params")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and str(xls) in err
    assert "save it as .xlsx" in err and "install LibreOffice" in err
    assert not (tmp_path / "params").exists()


def test_without_libreoffice_import_names_each_doc_and_goes_on(tmp_path: Path, no_libreoffice: None,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    ay = params.load(SEED_PARAMS)
    (docs / "a-ju.docx").write_bytes(docx_bytes(ay, compose(ay)))
    (docs / "b-ju.doc").write_bytes(OLE2 + bytes(504))
    (docs / "c-ju.wps").write_bytes(OLE2 + bytes(504))
    assert main(["import", str(docs), "--out", str(tmp_path / "params")]) == 1  # some files failed
    lines = capsys.readouterr().out.splitlines()
    missing = [ln for ln in lines if "LibreOffice" in ln]
    assert [ln.split(":")[1].strip() for ln in missing] == [str(docs / "b-ju.doc"), str(docs / "c-ju.wps")]
    assert all("save it as .docx" in ln and "install LibreOffice" in ln for ln in missing)
    assert (tmp_path / "params" / "2019" / "a-ju.yaml").is_file()  # the readable report was still imported
    with pytest.raises(ConverterMissingError):
        import_document(docs / "b-ju.doc")


def test_oversized_old_files_are_refused_before_libreoffice_starts(tmp_path: Path, no_libreoffice: None) -> None:
    for name in ("big.doc", "big.xls"):
        big = tmp_path / name
        with big.open("wb") as fh:  # sparse: no disk used
            fh.truncate(MAX_BYTES + 1)
        reader = import_document if name.endswith(".doc") else lambda p: import_workbook(p, tmp_path / "params")
        with pytest.raises(SourceDocumentError, match="limit") as err:
            reader(big)
        assert not isinstance(err.value, ConverterMissingError)
