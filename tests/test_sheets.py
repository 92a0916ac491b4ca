"""Spreadsheet intake: the workbook report-kit writes, filled with openpyxl and read back into params."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import tempfile
import zipfile
from datetime import datetime
from decimal import Decimal
from functools import cache
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from report_kit import params
from report_kit.cli import main
from report_kit.errors import SourceDocumentError
from report_kit.formats import format_for_year
from report_kit.model import TABLE_KEYS, AgencyYear
from report_kit.registry import Agency
from report_kit.sheets import (
    BLANK_SHEET,
    INFO_SHEET,
    LAYOUT_SHEET,
    MAX_BYTES,
    ImportResult,
    import_workbook,
    new_workbook,
)

from .conftest import ROOT, SEED_PARAMS
from .fuzz_tally import count

KEWEI = ROOT / "params" / "2024" / "shanghai-kewei.yaml"
T3_NEW = "table3.本年新收.自然人"


def _agency(ay: AgencyYear, slug: str | None = None) -> Agency:
    return Agency(slug=slug or ay.slug, name=ay.agency, short_name=ay.short_name, first_year=ay.year)


def _layout(wb: openpyxl.Workbook) -> dict[str, str]:
    """params field → cell, read from the workbook's own layout record (as a person scripting it would)."""
    rows = wb[LAYOUT_SHEET].iter_rows(min_row=2, values_only=True)
    return {r[1]: r[2] for r in rows if r[0] in ("meta", "figure", "text")}


def _labels(wb: openpyxl.Workbook) -> list[tuple[str, str]]:
    return [(r[2], r[4]) for r in wb[LAYOUT_SHEET].iter_rows(min_row=2, values_only=True) if r[0] == "label"]


def _fill(ws, cells: dict[str, str], ay: AgencyYear) -> None:
    for tid, key in TABLE_KEYS.items():
        for row, cols in ay.tables[tid].items():
            for col, value in cols.items():
                ws[cells[f"{key}.{row}.{col}"]] = value
    for key, text in ay.text.items():
        ws[cells[f"text.{key}"]] = text


def _filled(tmp_path: Path, ay: AgencyYear, slugs: list[str], name: str = "in.xlsx") -> tuple[Path, openpyxl.Workbook]:
    """A workbook for ``slugs`` (all carrying ``ay``'s figures), loaded for further edits."""
    path = tmp_path / name
    new_workbook(ay.year, [_agency(ay, s) for s in slugs], path)
    wb = openpyxl.load_workbook(path)
    cells = _layout(wb)
    for slug in slugs:
        _fill(wb[slug], cells, ay)
    wb.save(path)
    return path, wb


# ------------------------------------------------------------------------------------------ round trip


@pytest.mark.parametrize("source", [SEED_PARAMS, KEWEI], ids=["2019-seed", "2024-kewei"])
def test_round_trip_keeps_every_figure_text_and_blank(tmp_path: Path, source: Path) -> None:
    ay = params.load(source)
    path, _ = _filled(tmp_path, ay, [ay.slug])
    result = import_workbook(path, tmp_path / "params")
    assert result.ok, "\n".join(map(str, result.errors))
    out = tmp_path / "params" / str(ay.year) / f"{ay.slug}.yaml"
    assert result.written == [out]
    back = params.load(out)
    assert back.fmt.id == ay.fmt.id and back.year == ay.year
    assert (back.agency, back.slug, back.short_name) == (ay.agency, ay.slug, ay.short_name)
    assert back.tables == ay.tables
    assert dict(back.text) == dict(ay.text)
    blanks = [(t, r, c) for t, rows in ay.tables.items() for r, cols in rows.items() for c, v in cols.items()
              if v is None]
    assert blanks, "the sources must have blank cells for this test to mean anything"
    assert all(back.tables[t][r][c] is None for t, r, c in blanks)
    # A second import of the same workbook finds nothing to change.
    again = import_workbook(path, tmp_path / "params")
    assert again.ok and again.written == [] and again.unchanged == [out]


def test_amounts_and_negative_delta_round_trip(tmp_path: Path) -> None:
    seed = params.load(SEED_PARAMS)
    tables = {t: {r: dict(cols) for r, cols in rows.items()} for t, rows in seed.tables.items()}
    tables["二"]["行政许可"]["本年增减"] = -3
    tables["二"]["政府集中采购"]["采购总金额"] = Decimal("1234.56")
    ay = AgencyYear(fmt=seed.fmt, agency=seed.agency, slug=seed.slug, year=seed.year, tables=tables,
                    short_name=seed.short_name, text=seed.text)
    path, _ = _filled(tmp_path, ay, [ay.slug])
    result = import_workbook(path, tmp_path / "p")
    assert result.ok, result.errors
    back = params.load(result.written[0])
    assert back.get("二", "行政许可", "本年增减") == -3
    assert back.get("二", "政府集中采购", "采购总金额") == Decimal("1234.56")


# ------------------------------------------------------------------------------------ workbook shape


def test_workbook_has_one_protected_sheet_per_active_agency_with_official_labels(tmp_path: Path) -> None:
    agencies = [
        Agency(slug="a-" + "x" * 40, name="甲局", first_year=2020),
        Agency(slug="a-" + "x" * 40 + "-y", name="乙局", first_year=2020),  # same first 31 characters
        Agency(slug="gone", name="已撤销局", first_year=2010, last_year=2020),
        Agency(slug="later", name="新设局", first_year=2030),
    ]
    path = tmp_path / "w.xlsx"
    new_workbook(2024, agencies, path)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames[0] == INFO_SHEET and wb.sheetnames[-1] == LAYOUT_SHEET
    agency_sheets = wb.sheetnames[1:-1]
    assert len(agency_sheets) == 2 and len(set(agency_sheets)) == 2
    assert all(len(t) <= 31 for t in agency_sheets)
    assert wb[LAYOUT_SHEET].sheet_state == "veryHidden"
    fmt = format_for_year(2024)
    ws = wb[agency_sheets[0]]
    assert ws.protection.sheet and not ws.protection.password
    cells = _layout(wb)
    for key in cells.values():
        assert ws[key].protection.locked is (key in (cells["agency"], cells["slug"], cells["year"], cells["format"]))
    written = {ws[cell].value for cell, _ in _labels(wb)}
    t3 = fmt.table("三")
    assert {c.label for c in t3.columns} <= written
    assert {r.numbered for r in t3.data_rows()} <= written
    assert {b.key for b in fmt.table("二").blocks} <= written
    assert {fmt.section(k).title for k in fmt.text_keys} <= written
    assert all(ws[cell].protection.locked for cell, _ in _labels(wb))
    assert ws[cells["agency"]].value == "甲局" and ws[cells["year"]].value == 2024
    # Row label and figure cell sit on the same row: 一、本年新收… left of its 自然人 cell.
    row = int(re.sub(r"\D", "", cells[T3_NEW]))
    assert ws[f"A{row}"].value == t3.row("本年新收").numbered


def _validation_of(ws, cell: str):
    return next(dv for dv in ws.data_validations.dataValidation if cell in dv.sqref)


def test_data_validation_by_column_kind(tmp_path: Path) -> None:
    path = tmp_path / "w2019.xlsx"
    new_workbook(2019, None, path)
    wb = openpyxl.load_workbook(path)
    ws, cells = wb[BLANK_SHEET], _layout(wb)
    count_dv = _validation_of(ws, cells[T3_NEW])
    assert (count_dv.type, count_dv.formula1) == ("whole", "0")
    delta_dv = _validation_of(ws, cells["table2.行政许可.本年增减"])
    assert delta_dv.type == "whole" and int(delta_dv.formula1) < 0
    amount_dv = _validation_of(ws, cells["table2.政府集中采购.采购总金额"])
    assert (amount_dv.type, amount_dv.formula1) == ("decimal", "0")
    # Without a registry the one blank sheet asks for name and slug.
    assert ws[cells["agency"]].value is None and not ws[cells["agency"]].protection.locked


def test_blank_sheet_imports_once_name_and_slug_are_typed(tmp_path: Path) -> None:
    path = tmp_path / "blank.xlsx"
    new_workbook(2024, None, path)
    wb = openpyxl.load_workbook(path)
    ws, cells = wb[BLANK_SHEET], _layout(wb)
    ws[cells[T3_NEW]] = 4
    wb.save(path)
    result = import_workbook(path, tmp_path / "p")
    assert {p.cell for p in result.errors} == {cells["agency"], cells["slug"]}
    assert not (tmp_path / "p").exists()
    ws[cells["agency"]], ws[cells["slug"]] = "某某局", "mou-ju"
    wb.save(path)
    result = import_workbook(path, tmp_path / "p")
    assert result.ok and params.load(result.written[0]).t3("本年新收", "自然人") == 4


# ------------------------------------------------------------------------------------------ bad cells


def _t3_label(year: int) -> str:
    return f"表三 {format_for_year(year).table('三').cell_label('本年新收', '自然人')}"


BAD = {
    "text": ("十二", '"十二" is not a whole number'),
    "negative": (-3, "must not be negative, got -3"),
    "decimal": (2.5, "2.5 is not a whole number"),
    "formula": ("=SUM(E20:F20)", "formula not calculated; open and save in Excel or type the number"),
    "boolean": (True, "TRUE is not a whole number"),
    "date": (datetime(2024, 3, 1), "is a date or time"),
    "error": ("#DIV/0!", "formula error #DIV/0!"),
    "huge": (10**13, "implausibly large"),
}


@pytest.mark.parametrize("kind", sorted(BAD))
def test_bad_cell_is_located_and_only_its_sheet_is_held_back(tmp_path: Path, kind: str) -> None:
    ay = params.load(KEWEI)
    path, wb = _filled(tmp_path, ay, ["aa-office", "bb-office"])
    cell = _layout(wb)[T3_NEW]
    value, fragment = BAD[kind]
    wb["aa-office"][cell] = value
    wb.save(path)
    result = import_workbook(path, tmp_path / "p")
    assert len(result.errors) == 1, "\n".join(map(str, result.errors))
    text = str(result.errors[0])
    assert text.startswith(f"{path}!aa-office!{cell}: {_t3_label(2024)}: "), text
    assert fragment in text
    assert result.failed_sheets == ["aa-office"]
    assert result.written == [tmp_path / "p" / "2024" / "bb-office.yaml"]
    assert not (tmp_path / "p" / "2024" / "aa-office.yaml").exists()
    assert main(["sheet", "import", str(path), "--out", str(tmp_path / "q")]) == 1


def test_every_bad_cell_of_a_sheet_is_reported_at_once(tmp_path: Path) -> None:
    ay = params.load(SEED_PARAMS)
    path, wb = _filled(tmp_path, ay, [ay.slug])
    cells, ws = _layout(wb), wb[ay.slug]
    ws[cells[T3_NEW]] = "十二"
    ws[cells["table2.行政许可.本年增减"]] = 1.5  # 本年增/减 may be negative but must be whole
    ws[cells["table2.政府集中采购.采购总金额"]] = -1
    ws[cells["text.其他事项"]] = "=A1"
    wb.save(path)
    result = import_workbook(path, tmp_path / "p")
    fmt = format_for_year(2019)
    by_cell = {p.cell: p for p in result.errors}
    assert set(by_cell) == {cells[T3_NEW], cells["table2.行政许可.本年增减"], cells["table2.政府集中采购.采购总金额"],
                            cells["text.其他事项"]}
    delta_label = fmt.table("二").cell_label("行政许可", "本年增减")
    assert by_cell[cells["table2.行政许可.本年增减"]].label == f"表二 {delta_label}"
    assert by_cell[cells["text.其他事项"]].label == fmt.section("其他事项").title
    assert "formula not calculated" in by_cell[cells["text.其他事项"]].message
    assert result.written == []


def test_formula_with_cached_value_is_read(tmp_path: Path) -> None:
    """A workbook saved by Excel keeps each formula's result; that result is the figure."""
    ay = params.load(KEWEI)
    path, wb = _filled(tmp_path, ay, [ay.slug])
    cell = _layout(wb)[T3_NEW]
    wb[ay.slug][cell] = "=30+2"
    wb.save(path)
    with zipfile.ZipFile(path) as zin:
        entries = {n: zin.read(n) for n in zin.namelist()}
    sheet_xml = next(n for n, d in entries.items() if n.startswith("xl/worksheets/") and b"<f>30+2</f>" in d)
    entries[sheet_xml] = entries[sheet_xml].replace(b"<f>30+2</f><v></v>", b"<f>30+2</f><v>32</v>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for name, data in entries.items():
            zout.writestr(name, data)
    result = import_workbook(path, tmp_path / "p")
    assert result.ok, result.errors
    assert params.load(result.written[0]).t3("本年新收", "自然人") == 32


def test_merged_input_cells_are_reported(tmp_path: Path) -> None:
    ay = params.load(KEWEI)
    path, wb = _filled(tmp_path, ay, ["aa-office", "bb-office"])
    cells = _layout(wb)
    left, right = cells[T3_NEW], cells["table3.本年新收.商业企业"]
    wb["aa-office"].merge_cells(f"{left}:{right}")
    wb.save(path)
    result = import_workbook(path, tmp_path / "p")
    assert {p.cell for p in result.errors} == {left, right}
    assert all(f"merged with other cells ({left}:{right})" in p.message for p in result.errors)
    assert str(result.errors[0]).startswith(f"{path}!aa-office!{left}: {_t3_label(2024)}: ")
    assert [p.name for p in result.written] == ["bb-office.yaml"]


def test_edited_label_is_reported_and_holds_the_sheet_back(tmp_path: Path) -> None:
    ay = params.load(KEWEI)
    path, wb = _filled(tmp_path, ay, ["aa-office", "bb-office"])
    t3 = format_for_year(2024).table("三")
    cell = next(c for c, text in _labels(wb) if text == t3.row("本年新收").numbered)
    wb["aa-office"][cell] = "一、本年收到的申请"
    wb.save(path)
    result = import_workbook(path, tmp_path / "p")
    assert [(p.sheet, p.cell, p.label) for p in result.errors] == [("aa-office", cell, t3.row("本年新收").numbered)]
    assert '"一、本年收到的申请"' in result.errors[0].message
    assert [p.name for p in result.written] == ["bb-office.yaml"]


def test_inserted_row_moves_labels_and_is_reported(tmp_path: Path) -> None:
    ay = params.load(KEWEI)
    path, wb = _filled(tmp_path, ay, [ay.slug])
    wb[ay.slug].insert_rows(20)
    wb.save(path)
    result = import_workbook(path, tmp_path / "p")
    assert result.errors and all("the form was changed" in p.message for p in result.errors)
    assert result.written == []


def test_hidden_and_untouched_sheets_are_skipped(tmp_path: Path) -> None:
    ay = params.load(KEWEI)
    path = tmp_path / "in.xlsx"
    new_workbook(2024, [_agency(ay, s) for s in ("aa-office", "bb-office", "cc-office")], path)
    wb = openpyxl.load_workbook(path)
    cells = _layout(wb)
    _fill(wb["aa-office"], cells, ay)
    _fill(wb["bb-office"], cells, ay)
    wb["bb-office"].sheet_state = "hidden"
    wb.create_sheet("notes")["A1"] = "草稿"
    wb.save(path)
    result = import_workbook(path, tmp_path / "p")
    assert result.ok and [p.name for p in result.written] == ["aa-office.yaml"]
    skipped = "\n".join(result.skipped)
    assert "!bb-office: hidden sheet" in skipped and "!cc-office: no figure or text filled in" in skipped
    assert "!notes: not an agency sheet" in skipped and LAYOUT_SHEET not in skipped


def test_copied_sheet_for_another_agency_is_imported(tmp_path: Path) -> None:
    ay = params.load(KEWEI)
    path, wb = _filled(tmp_path, ay, [ay.slug])
    copy = wb.copy_worksheet(wb[ay.slug])
    copy.title = "second"
    cells = _layout(wb)
    copy[cells["slug"]] = "second-office"
    wb.save(path)
    result = import_workbook(path, tmp_path / "p")
    assert result.ok and sorted(p.name for p in result.written) == ["second-office.yaml", "shanghai-kewei.yaml"]


def test_same_slug_on_two_sheets_is_reported(tmp_path: Path) -> None:
    ay = params.load(KEWEI)
    path, wb = _filled(tmp_path, ay, ["aa-office", "bb-office"])
    cells = _layout(wb)
    wb["bb-office"][cells["slug"]] = "aa-office"
    wb.save(path)
    result = import_workbook(path, tmp_path / "p")
    assert [(p.sheet, p.cell) for p in result.errors] == [("bb-office", cells["slug"])]
    assert "also the 目录名 of sheet 'aa-office'" in result.errors[0].message


def test_unsafe_slug_is_refused_by_the_params_schema(tmp_path: Path) -> None:
    ay = params.load(KEWEI)
    path, wb = _filled(tmp_path, ay, ["aa-office"])
    cells = _layout(wb)
    wb["aa-office"][cells["slug"]] = "../../etc"
    wb.save(path)
    result = import_workbook(path, tmp_path / "p")
    assert [(p.cell, p.label) for p in result.errors] == [(cells["slug"], "目录名")]
    assert not (tmp_path / "p").exists() and not (tmp_path / "etc").exists()


def test_existing_params_kept_unless_force_and_facts_carried_over(tmp_path: Path) -> None:
    ay = params.load(KEWEI)
    out = tmp_path / "p" / "2024" / f"{ay.slug}.yaml"
    out.parent.mkdir(parents=True)
    out.write_text(KEWEI.read_text("utf-8"), "utf-8")
    path, wb = _filled(tmp_path, ay, [ay.slug])
    wb[ay.slug][_layout(wb)[T3_NEW]] = 33
    wb.save(path)
    before = out.read_bytes()
    result = import_workbook(path, tmp_path / "p")
    assert not result.ok and "exists with other content" in str(result.errors[0])
    assert out.read_bytes() == before
    result = import_workbook(path, tmp_path / "p", force=True)
    assert result.ok and result.written == [out]
    back = params.load(out)
    assert back.t3("本年新收", "自然人") == 33
    assert (back.level, back.fee_charged) == (ay.level, ay.fee_charged)  # not in the workbook: kept


# ---------------------------------------------------------------------------------- unreadable files


def _xlsx_bytes(tmp_path: Path) -> bytes:
    path = tmp_path / "good.xlsx"
    new_workbook(2024, None, path)
    return path.read_bytes()


@pytest.mark.parametrize("kind,fragment", [
    ("text", "not an .xlsx workbook"),
    ("truncated", "damaged .xlsx"),
    ("ole2", "encrypted (password-protected)"),
    ("docx-like zip", "not an Excel workbook"),
    ("plain workbook", "not a report-kit intake workbook"),
    ("garbled xml", "cannot be read as an .xlsx workbook"),
    ("missing", "cannot read"),
    ("empty", "not an .xlsx workbook"),
])
def test_unreadable_files_raise_source_document_error(tmp_path: Path, kind: str, fragment: str) -> None:
    path = tmp_path / "in.xlsx"
    good = _xlsx_bytes(tmp_path)
    if kind == "text":
        path.write_text("agency,slug\n甲局,jia\n", "utf-8")
    elif kind == "truncated":
        path.write_bytes(good[: len(good) // 2])
    elif kind == "ole2":
        path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4096))
    elif kind == "docx-like zip":
        with zipfile.ZipFile(path, "w") as zf:
            zf.writestr("word/document.xml", "<w:document/>")
    elif kind == "plain workbook":
        openpyxl.Workbook().save(path)
    elif kind == "garbled xml":
        with zipfile.ZipFile(io.BytesIO(good)) as zin, zipfile.ZipFile(path, "w") as zout:
            for name in zin.namelist():
                zout.writestr(name, b"<not xml" if name == "xl/workbook.xml" else zin.read(name))
    elif kind == "empty":
        path.write_bytes(b"")
    with pytest.raises(SourceDocumentError, match=re.escape(fragment)) as err:
        import_workbook(path, tmp_path / "p")
    assert str(path) in str(err.value)
    assert not (tmp_path / "p").exists()
    assert main(["sheet", "import", str(path), "--out", str(tmp_path / "p")]) == 2


def test_oversized_file_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "big.xlsx"
    with path.open("wb") as fh:  # sparse: the size is there, the bytes are never read
        fh.write(b"PK\x03\x04")
        fh.truncate(MAX_BYTES + 1)
    with pytest.raises(SourceDocumentError, match="over the"):
        import_workbook(path, tmp_path / "p")


def test_zip_bomb_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/workbook.xml", "<workbook/>")
        zf.writestr("xl/worksheets/sheet1.xml", b"\0" * (210 * 1024 * 1024))
    assert path.stat().st_size < MAX_BYTES
    with pytest.raises(SourceDocumentError, match="unpacks to"):
        import_workbook(path, tmp_path / "p")


# ------------------------------------------------------------------------------------------------ CLI


def test_cli_new_and_import_exit_codes(tmp_path: Path) -> None:
    registry = tmp_path / "agencies.yaml"
    registry.write_text("agencies:\n  - {slug: shanghai-kewei, name: 上海市科学技术委员会, short_name: 市科委, "
                        "first_year: 2024}\n  - {slug: old-office, name: 旧局, first_year: 2010, last_year: 2019}\n",
                        "utf-8")
    book = tmp_path / "out.xlsx"
    assert main(["sheet", "new", "--year", "2024", "--agencies", str(registry), str(book)]) == 0
    assert openpyxl.load_workbook(book).sheetnames == [INFO_SHEET, "shanghai-kewei", LAYOUT_SHEET]
    assert main(["sheet", "new", "--year", "2024", "--agencies", str(registry), str(book)]) == 2  # exists
    # Nothing filled in yet: nothing written, exit 1.
    assert main(["sheet", "import", str(book), "--out", str(tmp_path / "p")]) == 1
    wb = openpyxl.load_workbook(book)
    _fill(wb["shanghai-kewei"], _layout(wb), params.load(KEWEI))
    wb.save(book)
    assert main(["sheet", "import", str(book), "--out", str(tmp_path / "p")]) == 0
    assert (tmp_path / "p" / "2024" / "shanghai-kewei.yaml").is_file()
    with pytest.raises(SystemExit) as usage:
        main(["sheet", "import"])
    assert usage.value.code == 2


def test_cli_entry_point_prints_located_problems(tmp_path: Path) -> None:
    ay = params.load(KEWEI)
    path, wb = _filled(tmp_path, ay, ["aa-office", "bb-office"])
    cell = _layout(wb)[T3_NEW]
    wb["aa-office"][cell] = "十二"
    wb.save(path)
    exe = Path(sys.executable).with_name("report-kit")
    proc = subprocess.run([str(exe), "sheet", "import", str(path), "--out", str(tmp_path / "p")],
                          capture_output=True, text=True, env={**os.environ, "PYTHONIOENCODING": "utf-8"}, check=False)
    assert proc.returncode == 1, proc.stderr
    assert f'{path}!aa-office!{cell}: {_t3_label(2024)}: "十二" is not a whole number' in proc.stdout
    assert f"wrote {tmp_path / 'p' / '2024' / 'bb-office.yaml'}" in proc.stdout
    assert "Traceback" not in proc.stderr


# --------------------------------------------------------------------------------------------- fuzzing


@cache
def _template() -> tuple[bytes, tuple[str, ...], dict[str, str]]:
    with tempfile.TemporaryDirectory() as d:
        ay = params.load(KEWEI)
        path, wb = _filled(Path(d), ay, ["fuzz-office"])
        return path.read_bytes(), tuple(_layout(wb)), _layout(wb)


_JUNK = st.one_of(
    st.none(),
    st.integers(min_value=-(10**16), max_value=10**16),
    st.floats(allow_nan=False, allow_infinity=False),  # Excel cannot store NaN or infinity
    st.decimals(allow_nan=False, allow_infinity=False, places=4, min_value=-(10**6), max_value=10**6),
    st.text(max_size=40).filter(lambda s: not ILLEGAL_CHARACTERS_RE.search(s)),
    st.booleans(),
    st.datetimes(min_value=datetime(1900, 3, 1), max_value=datetime(9000, 1, 1)),
    st.sampled_from(["=1+1", "=SUM(D1:D3)", "—", "/", "12", " 3 ", "1.5", "-0", "１２", "#DIV/0!", "#N/A", "",
                     "../x", "Shanghai Kewei", "2019", "a" * 300]),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(edits=st.dictionaries(st.sampled_from(_template()[1]), _JUNK, min_size=1, max_size=6))
def test_junk_in_input_cells_ends_in_valid_params_or_located_problems(edits: dict[str, object]) -> None:
    data, _, cells = _template()
    with tempfile.TemporaryDirectory() as d:
        path, out = Path(d) / "in.xlsx", Path(d) / "params"
        wb = openpyxl.load_workbook(io.BytesIO(data))
        for key, value in edits.items():
            wb["fuzz-office"][cells[key]] = value
        wb.save(path)
        try:
            result: ImportResult = import_workbook(path, out)
        except Exception:
            count("sheets import", "traceback")
            raise
        for written in result.written:
            assert written.parent == out / "2024"
            params.load(written)
        for problem in result.errors:
            assert problem.cell and problem.label, str(problem)
            assert re.match(rf"^{re.escape(str(path))}!fuzz-office![A-Z]+\d+: .+: .+", str(problem)), str(problem)
        assert bool(result.written) != bool(result.errors) or result.skipped
        if result.errors:
            assert not any(out.rglob("*.yaml"))
        count("sheets import", "valid" if result.written else "clean-error")
