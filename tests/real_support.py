"""Scoring an import against the hand-checked cells of the real-report corpus (tests/data/real).

Shared by the corpus import test (tests/test_importers_real.py) and the measurement script
(tools/intake_measure.py), so that the number the notes quote and the test's verdict come from one place.

Every cell of the form falls in exactly one class:

- ``right``: a figure the document holds, imported as written;
- ``blank_right``: a cell the document shows blank, imported blank;
- ``blank_noted``: a figure the document holds, left blank, with a note that covers the cell;
- ``blank_silent``: a figure the document holds, left blank without such a note;
- ``wrong``: a figure the document holds, imported as another figure;
- ``invented``: a figure where the document has none (a blank cell, or a cell the document lacks).
"""

from __future__ import annotations

import json
import os
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from report_kit.errors import SourceDocumentError
from report_kit.formats import get_format

REAL = Path(__file__).resolve().parent / "data" / "real"
CLASSES = ("right", "blank_right", "blank_noted", "blank_silent", "wrong", "invented")
# Where the two real PDFs are (they may not be committed): a folder holding <id>.pdf
PDF_ENV = "REPORT_KIT_REAL_PDFS"


def index() -> list[dict[str, Any]]:
    return yaml.safe_load((REAL / "INDEX.yaml").read_text("utf-8"))["reports"]


def expected(report_id: str) -> dict[str, Any]:
    return json.loads((REAL / report_id / "expected.json").read_text("utf-8"))


def source_of(entry: dict[str, Any]) -> Path | None:
    """The document to import: the folder's source.*, or the external PDF when it has been placed."""
    folder = REAL / entry["id"]
    found = [p for p in folder.iterdir() if p.stem == "source"]
    if found:
        return found[0]
    ext = entry.get("external")
    if not ext:
        return None
    candidates = [(folder / ext["file"]).resolve()]
    if os.environ.get(PDF_ENV):
        candidates.insert(0, Path(os.environ[PDF_ENV]) / f"{entry['id']}.pdf")
    return next((p for p in candidates if p.is_file()), None)


@cache
def _keys(fmt_id: str, tid: str) -> tuple[dict[str, str], dict[str, dict[str, str]]]:
    """Official row label → row key; row key → column label → column key."""
    t = get_format(fmt_id).table(tid)
    rows = {r.label: r.key or "" for r in t.data_rows()}
    cols = {r.key or "": {c.label: c.key for c in t.columns_of(r.key or "")} for r in t.data_rows()}
    return rows, cols


@dataclass
class Score:
    report: str
    counts: Counter[str] = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)  # wrong, invented and silent blanks, for a test to print
    refused: str | None = None

    def add(self, cls: str, what: str = "") -> None:
        self.counts[cls] += 1
        if cls in ("wrong", "invented", "blank_silent"):
            self.problems.append(f"{cls}: {what}")


def _covered(scopes: list[tuple[str, ...]], cell: tuple[str, str, str]) -> bool:
    return any(s and cell[:len(s)] == s for s in scopes)


def _same(a: Any, b: Any) -> bool:
    return Decimal(str(a)) == Decimal(str(b))


def score(report_id: str, imported: Any) -> Score:
    """Compare an ``Imported`` (or a SourceDocumentError's text, for a refusal) with the expected cells."""
    exp = expected(report_id)
    out = Score(report_id)
    fmt_id = exp["format"]
    listed: dict[tuple[str, str, str], Any] = {}
    for tid, row, col, value in exp["cells"]:
        rows, cols = _keys(fmt_id, tid)
        rk = rows[row]
        listed[(tid, rk, cols[rk][col])] = value
    if isinstance(imported, str):
        out.refused = imported
        for value in listed.values():
            out.add("blank_right" if value is None else "blank_noted")
        return out
    ay = imported.ay
    scopes = [n.scope for n in imported.notes]
    if ay.fmt.id != fmt_id:
        out.problems.append(f"format {ay.fmt.id}, expected {fmt_id}")
    fmt = ay.fmt
    for tid in ("二", "三", "四"):
        t = fmt.table(tid)
        for r in t.data_rows():
            rk = r.key or ""
            for c in t.columns_of(rk):
                got = ay.tables[tid][rk][c.key]
                cell = (tid, rk, c.key)
                where = f"表{tid} {rk} × {c.key}"
                if fmt.id != fmt_id or cell not in listed:
                    if got is not None:
                        out.add("invented", f"{where} = {got} (the document has no such cell)")
                    continue
                want = listed[cell]
                if want is None:
                    out.add("blank_right" if got is None else "invented",
                            f"{where} = {got} (blank in the document)")
                elif got is None:
                    out.add("blank_noted" if _covered(scopes, cell) else "blank_silent", f"{where}: {want}")
                else:
                    out.add("right" if _same(got, want) else "wrong", f"{where} = {got}, document {want}")
    if fmt.id != fmt_id:  # every listed figure of the right form is missed
        for value in listed.values():
            out.add("blank_right" if value is None else "blank_silent", "format")
    return out


def run(entry: dict[str, Any], with_year: bool = True) -> tuple[Score, Any]:
    """Import the report (year given, as a user would with --year) and score it."""
    from report_kit.importers import import_document

    path = source_of(entry)
    if path is None:
        raise FileNotFoundError(entry["id"])
    try:
        imported: Any = import_document(path, year=entry["year"] if with_year else None)
    except SourceDocumentError as exc:
        return score(entry["id"], str(exc)), None
    return score(entry["id"], imported), imported
