"""Reading a filled intake workbook into params files: every cell a figure or a located problem."""

from __future__ import annotations

import json
import math
import os
import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from openpyxl.utils.cell import column_index_from_string, coordinate_from_string

from report_kit import params
from report_kit.convert import converted
from report_kit.errors import ParamsError, SourceDocumentError
from report_kit.files import atomic_write_text
from report_kit.formats import Format
from report_kit.i18n import N_, _
from report_kit.model import MAX_FIGURE, AgencyYear, Number, blank_tables
from report_kit.params import META_LABELS
from report_kit.sheets._layout import INFO_SHEET, LAYOUT_SHEET, Layout
from report_kit.sheets._xlsx import MAX_BYTES, _read_bytes, _read_sheets, _SheetData


@dataclass(frozen=True)
class CellProblem:
    """One bad cell: ``in.xlsx!shanghai-kewei!C14: 表三 …: "十二" is not a whole number``."""

    source: str
    sheet: str
    cell: str | None
    label: str | None
    message: str

    def __str__(self) -> str:
        where = f"{self.source}!{self.sheet}" + (f"!{self.cell}" if self.cell else "")
        return f"{where}: {self.label}: {self.message}" if self.label else f"{where}: {self.message}"


@dataclass
class ImportResult:
    source: Path
    written: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)  # params file already had exactly this content
    skipped: list[str] = field(default_factory=list)  # hidden or foreign sheets, with the reason
    errors: list[CellProblem] = field(default_factory=list)
    failed_sheets: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _label_of(fmt: Format, key: str) -> str:
    """The official label of a params field, as messages show it: 表三 一、… × 自然人, 一、总体情况, 机关名称."""
    parts = key.split(".")
    table = fmt.table_by_params_key(parts[0])
    if table is not None and len(parts) == 3:
        return f"表{table.id} {table.cell_label(parts[1], parts[2])}"
    if parts[0] == "text" and len(parts) == 2:
        return fmt.section(parts[1]).title
    return META_LABELS.get(parts[0], key)


def _shown(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False) if isinstance(value, str) else str(value)


_NUMBER_TEXT = re.compile(r"^[+-]?\d+(\.\d+)?$")
# Characters YAML cannot carry (C0/C1 controls other than tab and newline, surrogates, non-characters).
_BAD_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


_UNCALCULATED = N_("formula not calculated; open and save in Excel or type the number")


def _figure(value: Any, data_type: str, formula: bool, kind: str) -> tuple[Number | None, str | None]:
    """An input cell as a figure (None = blank), or the reason it is not one."""
    noun = _("whole number") if kind in ("count", "delta") else _("number")
    if value is None:
        return None, _(_UNCALCULATED) if formula else None
    if data_type == "e":
        return None, _("formula error {value}; correct the formula or type the number").format(value=value)
    if isinstance(value, bool):
        return None, _("{value} is not a {noun}").format(value="TRUE" if value else "FALSE", noun=noun)
    if isinstance(value, (datetime, date, time, timedelta)):
        return None, _("{value} is a date or time, not a {noun}; set the cell's format to 常规 (General) and type "
                       "the number").format(value=value, noun=noun)
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return None, None
        if not _NUMBER_TEXT.match(text):  # a number stored as text is accepted; anything else is not a figure
            return None, _("{value} is not a {noun}; type digits only, leave the cell empty for a blank figure or "
                           "type 0 for none").format(value=_shown(value), noun=noun)
        value = Decimal(text)
    if isinstance(value, float):
        if not math.isfinite(value):
            return None, _("{value} is not a {noun}").format(value=value, noun=noun)
        value = Decimal(format(value, ".15g"))  # Excel keeps 15 significant digits
    try:
        number = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return None, _("{value} is not a {noun}").format(value=_shown(value), noun=noun)
    if abs(number) > MAX_FIGURE:
        return None, _("is implausibly large (limit {limit}), got {value}").format(limit=MAX_FIGURE, value=number)
    if kind == "amount":
        return number, None
    if number != number.to_integral_value():
        return None, _("{value} is not a {noun}").format(value=number, noun=_("whole number"))
    return int(number), None


def _text(value: Any, data_type: str, formula: bool) -> tuple[str | None, str | None]:
    if value is None:
        return None, _(_UNCALCULATED) if formula else None
    if data_type == "e":
        return None, _("formula error {value}; type the text instead").format(value=value)
    if isinstance(value, datetime):
        value = value.date().isoformat() if value.time() == time() else value.isoformat()
    elif isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).replace("\r\n", "\n").replace("\r", "\n").strip("\n").rstrip()
    bad = _BAD_CHARS.search(text)
    if bad:
        return None, _("contains the control character {code}; delete it").format(code=f"U+{ord(bad.group()):04X}")
    return text or None, None


class _Sheet:
    """Reads one agency sheet; collects every problem instead of stopping at the first."""

    def __init__(self, source: str, ws: _SheetData, layout: Layout) -> None:
        self.source, self.ws, self.layout, self.fmt = source, ws, layout, layout.fmt
        self.problems: list[CellProblem] = []

    def problem(self, cell: str | None, label: str | None, message: str) -> None:
        self.problems.append(CellProblem(self.source, self.ws.title, cell, label, message))

    def untouched(self) -> bool:
        """No figure or text typed in: a sheet another department left for its own agency."""
        return all(s.cell not in self.ws.values and s.cell not in self.ws.formulas
                   for s in self.layout.inputs() if s.kind != "meta")

    def labels_intact(self) -> bool:
        for slot in self.layout.labels():
            actual = self.ws.value(slot.cell)
            shown = "" if actual is None else str(actual).strip()
            if shown != slot.expect:
                self.problem(slot.cell, slot.expect,
                             _("label cell reads {value}; the form was changed (rows or columns inserted, deleted "
                               "or moved, or a label edited), so no figure of this sheet can be trusted; undo the "
                               "change or copy the figures into a new workbook (report-kit sheet new)").format(
                                 value=_shown(shown)))
        return not self.problems

    def merges_intact(self) -> None:
        for slot in self.layout.inputs():
            col, row = coordinate_from_string(slot.cell)
            c = column_index_from_string(col)
            for text, (c1, r1, c2, r2) in self.ws.merged:
                if c1 <= c <= c2 and r1 <= row <= r2 and text != slot.span:
                    self.problem(slot.cell, _label_of(self.fmt, slot.key),
                                 _("input cell is merged with other cells ({cells}); unmerge it so that every "
                                   "figure has a cell of its own").format(cells=text))

    def read(self) -> AgencyYear | None:
        if not self.labels_intact():
            return None
        self.merges_intact()
        fmt, meta, tables = self.fmt, {}, blank_tables(self.fmt)
        texts: dict[str, str | None] = {}
        for slot in self.layout.inputs():
            raw, data_type = self.ws.values.get(slot.cell, (None, "n"))
            formula = slot.cell in self.ws.formulas
            label = _label_of(fmt, slot.key)
            if slot.kind == "figure":
                value, why = _figure(raw, data_type, formula, slot.expect)
                tkey, row, col = slot.key.split(".")
                tables[fmt.table_by_params_key(tkey).id][row][col] = value  # type: ignore[union-attr]
            elif slot.kind == "text":
                texts[slot.key.removeprefix("text.")], why = _text(raw, data_type, formula)
            else:
                meta[slot.key], why = _text(raw, data_type, formula)
            if why:
                self.problem(slot.cell, label, why)
        for key, what in (("agency", N_("empty; type the agency's full name")),
                          ("slug", N_("empty; type the folder name, e.g. 'zhuzhou-county-kgxj'"))):
            if not meta.get(key):
                self.problem(self.layout.address(key), META_LABELS[key], _(what))
        for key, want in (("year", str(self.layout.year)), ("format", fmt.id)):
            if meta.get(key) not in (None, want):
                self.problem(self.layout.address(key), META_LABELS[key],
                             _("reads {value} but this workbook was made for {want}; restore it").format(
                                 value=_shown(meta[key]), want=want))
        # Cells already reported go to the schema as blank, so its range checks still see every other cell.
        return AgencyYear(fmt=fmt, agency=meta["agency"] or "", slug=meta["slug"] or "", year=self.layout.year,
                          tables=tables, short_name=meta.get("short_name"), text=texts)

    def validate(self, ay: AgencyYear) -> tuple[AgencyYear, str] | None:
        """The params text of ``ay`` after the params schema accepted it; None with problems recorded."""
        text = params.dumps(ay)
        try:
            return params.loads(text, f"{self.source}!{self.ws.title}"), text
        except ParamsError as exc:
            reported = {p.cell for p in self.problems}
            for p in exc.problems:
                slot = next((s for s in self.layout.inputs() if s.key == p.field), None)
                if slot and slot.cell in reported:
                    continue
                label = _label_of(self.fmt, p.field) if slot else p.label
                self.problem(slot.cell if slot else None, label or p.field or None, p.message)
            return None


def _carry_over(ay: AgencyYear, previous: AgencyYear) -> AgencyYear:
    """Fields the workbook does not hold keep their values from the params file being replaced."""
    return replace(ay, body=previous.body, level=previous.level, published=previous.published,
                   catalogue=previous.catalogue, fee_charged=previous.fee_charged, fee_amount=previous.fee_amount,
                   narrative=previous.narrative, acknowledged=previous.acknowledged)


def import_workbook(path: Path, out_dir: Path, *, force: bool = False) -> ImportResult:
    """Read a filled intake workbook into ``out_dir/<year>/<slug>.yaml``, one file per sheet without problems.

    Unreadable, encrypted, oversized or foreign files raise SourceDocumentError before anything is
    written. Problems in cells are collected per sheet in the result; such a sheet writes nothing.
    """
    path, out_dir = Path(path), Path(out_dir)
    with converted(path, max_bytes=MAX_BYTES) as readable:  # an old .xls: the .xlsx LibreOffice made of it
        data = _read_bytes(readable)
    layout, sheets = _read_sheets(path, data)
    result = ImportResult(path)
    source = str(path)
    slugs: dict[str, str] = {}
    agency_label_cell = next(s for s in layout.labels() if s.expect == META_LABELS["agency"]).cell
    for ws in sheets:
        if ws.title in (LAYOUT_SHEET, INFO_SHEET):
            continue
        looks_like_form = str(ws.value(agency_label_cell) or "").strip() == META_LABELS["agency"]
        if ws.title not in layout.sheets and not looks_like_form:
            result.skipped.append(_("{sheet}: not an agency sheet of this workbook (no {label} at {cell}); not "
                                    "imported").format(sheet=f"{source}!{ws.title}", label=META_LABELS["agency"],
                                                       cell=agency_label_cell))
            continue
        if ws.state != "visible":
            result.skipped.append(_("{sheet}: hidden sheet; not imported (unhide it to import it)").format(
                sheet=f"{source}!{ws.title}"))
            continue
        sheet = _Sheet(source, ws, layout)
        if sheet.untouched():
            result.skipped.append(_("{sheet}: no figure or text filled in; not imported").format(
                sheet=f"{source}!{ws.title}"))
            continue
        ay = sheet.read()
        checked = sheet.validate(ay) if ay is not None else None
        if checked is not None and not sheet.problems:
            _write(sheet, checked, out_dir, force, slugs, result)
        if sheet.problems:
            result.errors.extend(sheet.problems)
            result.failed_sheets.append(ws.title)
    if not result.written and not result.unchanged and not result.errors and not result.skipped:
        raise SourceDocumentError(_("{path}: no agency sheet to import").format(path=path))
    return result


def _write(sheet: _Sheet, checked: tuple[AgencyYear, str], out_dir: Path, force: bool, slugs: dict[str, str],
           result: ImportResult) -> None:
    ay, text = checked
    slug_cell = sheet.layout.address("slug")
    if ay.slug in slugs:
        sheet.problem(slug_cell, META_LABELS["slug"],
                      _("{slug!r} is also the 目录名 of sheet {sheet!r}; each agency needs its own").format(
                          slug=ay.slug, sheet=slugs[ay.slug]))
        return
    slugs[ay.slug] = sheet.ws.title
    target = out_dir / str(ay.year) / f"{ay.slug}.yaml"
    try:
        existing = params.read_text(target) if os.path.lexists(target) else None
    except ParamsError as exc:  # not UTF-8, not a regular file, unreadable: its fields cannot be carried over
        why = exc.problems[0].message if exc.problems else str(exc)
        sheet.problem(slug_cell, META_LABELS["slug"], _("{path} exists but cannot be read ({why}); fix or remove "
                                                        "it, then import again").format(path=target, why=why))
        return
    if existing is not None:
        try:
            merged = params.dumps(_carry_over(ay, params.loads(existing, str(target))))
            params.loads(merged, str(target))
            text = merged
        except ParamsError:
            pass  # a broken existing file has nothing worth keeping
        if existing == text:
            result.unchanged.append(target)
            return
        if not force:
            sheet.problem(slug_cell, META_LABELS["slug"],
                          _("{path} exists with other content; not overwritten (pass --force to replace it)").format(
                              path=target))
            return
    atomic_write_text(target, text)
    result.written.append(target)
