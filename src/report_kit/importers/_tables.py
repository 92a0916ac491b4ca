"""Tables 二, 三 and 四 read out of records by their official labels, with the order of the form as the fallback.

Real reports come with labels split, shortened, renumbered or lost (PDF text, OCR). A row is placed by its
label when one of its label cells names exactly one official row; a row whose label is missing or ambiguous
takes the next official row after the last placed one, and that is said in a note. Nothing is placed silently.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Literal, NamedTuple

from report_kit.formats import Format, available, get_format
from report_kit.importers._labels import is_blank, is_value, nfkc, norm, parse_number
from report_kit.importers._records import Record
from report_kit.model import Number, blank_tables

Severity = Literal["error", "warning", "info"]
# label, then a run of figures. Possessive: "行政许可" + 28 digits + "-" split the digits into numbers in
# 2^28 ways before failing (50 s). The label ends at the last character that cannot be part of a figure.
_LOOSE_ROW = re.compile(r"^(.*[^\d\s.,+-])\s*+((?:[+-]?\d[\d,]*+(?:\.\d++)?+\s*+)++)$")
_ONLY_NUMBERS = re.compile(r"^(?:[+-]?\d[\d,]*(?:\.\d+)?\s+){2,}[+-]?\d[\d,]*(?:\.\d+)?$")
_MIN_FRAGMENT = 4  # shorter label pieces ("其他", "总计") must match a whole label


@dataclass(frozen=True)
class Note:
    """Something the importer could not do as the form says, located in the source."""

    severity: Severity
    line: int | None
    where: str  # official labels of the table, row or cell
    message: str
    context: str = ""  # the source text concerned

    def __str__(self) -> str:
        at = f"line {self.line}: " if self.line else ""
        ctx = f"  [{self.context[:80]}]" if self.context else ""
        return f"{at}{self.severity}: {self.where}: {self.message}{ctx}"


@dataclass
class Cells:
    """The figures read so far, every cell present (None = blank or unreadable)."""

    fmt: Format
    tables: dict[str, dict[str, dict[str, Number | None]]] = field(init=False)
    notes: list[Note] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.tables = blank_tables(self.fmt)


# ----------------------------------------------------------------------------------------- rows


@dataclass(frozen=True)
class Parsed:
    cells: list[str]  # all cells, a paragraph split into label and figures
    labels: list[str]  # non-empty cells before the trailing run of figures
    values: list[str]  # the trailing run of figure (or blank) cells

    def values_after(self, label: str | None, n: int) -> list[str]:
        """The value cells; when fewer than the form's ``n``, every cell after the matched label, so that
        a misspelt figure ("六") is reported as a bad value rather than read as part of the label."""
        if len(self.values) >= n or label is None or label not in self.cells:
            return self.values
        pos = len(self.cells) - 1 - self.cells[::-1].index(label)
        return self.cells[pos + 1:]

    @property
    def has_number(self) -> bool:
        return any(parse_number(v) is not None for v in self.values)


def split_row(rec: Record, paragraphs: bool = False) -> Parsed | None:
    """Label and value cells of a row that carries figures; None for headers and prose.

    With ``paragraphs``, a line such as "行政许可 97" (PDF text of a table row) counts as a row too.
    """
    cells = list(rec.cells)
    if not rec.row:
        if not paragraphs:
            return None
        text = nfkc(cells[0]).strip()
        if _ONLY_NUMBERS.match(text):
            cells = text.split()
        else:
            m = _LOOSE_ROW.match(text)
            if not m or len(m.group(1)) > 40:
                return None
            cells = [m.group(1), *m.group(2).split()]
    last = max((i for i, c in enumerate(cells) if not is_value(c)), default=-1)
    values = cells[last + 1:]
    if not values:
        return None
    return Parsed(cells, [c for c in cells[: last + 1] if not is_blank(c)], values)


def _fit(values: list[str], n: int) -> list[str]:
    """Drop the empty cells a broken layout appends after the last figure."""
    values = list(values)
    while len(values) > n and is_blank(values[-1]):
        values.pop()
    return values


# ------------------------------------------------------------------------------------ label index


@dataclass(frozen=True)
class _Index:
    exact: dict[str, str]  # normalised label → row key
    alias: dict[str, str]  # another format's wording of the same row (by role) → row key
    parents: frozenset[str]  # labels of rows that hold no figures (（三）不予公开 …)
    labels: tuple[tuple[str, str], ...]  # (normalised label, key) for fragment matching


@cache
def _index(format_id: str, table_id: str) -> _Index:
    t = get_format(format_id).table(table_id)
    exact: dict[str, str] = {}
    for r in t.data_rows():
        exact[norm(r.label)] = r.key or ""
        if r.key:
            exact.setdefault(norm(r.key), r.key)
    parents = frozenset(norm(r.label) for r, _ in t.walk() if r.key is None)
    alias: dict[str, str] = {}
    for other in available():
        if other == format_id:
            continue
        for r in get_format(other).table(table_id).data_rows():
            if r.role and norm(r.label) not in exact:
                mine = next((m for m in t.data_rows() if m.role == r.role), None)
                if mine is not None:
                    alias[norm(r.label)] = mine.key or ""
    return _Index(exact, alias, parents, tuple((norm(r.label), r.key or "") for r in t.data_rows()))


class Match(NamedTuple):
    key: str | None  # the official row
    alias: str | None  # another format's wording, when that is what matched
    cell: str | None  # the label cell that matched


def match_row(labels: Sequence[str], fmt: Format, table_id: str) -> Match:
    """The official row the label cells of a row name; key None when no single row fits."""
    idx = _index(fmt.id, table_id)
    named = [(norm(c), c) for c in labels if norm(c)]
    last = named[-1][1] if named else None
    candidates = [*reversed(named), ("".join(k for k, _ in named), last)]
    for k, cell in candidates:
        if k in idx.exact:
            return Match(idx.exact[k], None, cell)
    for k, cell in candidates:
        if k in idx.alias:
            return Match(idx.alias[k], cell, cell)
    for k, cell in candidates:
        if len(k) < _MIN_FRAGMENT or k in idx.parents:
            continue
        hits = {key for label, key in idx.labels if k in label or label in k}
        if len(hits) == 1:
            return Match(hits.pop(), None, cell)
    return Match(None, None, None)


def _is_parent_only(labels: Sequence[str], fmt: Format, table_id: str) -> bool:
    parents = _index(fmt.id, table_id).parents
    return bool(labels) and all(norm(c) in parents or not norm(c) for c in labels)


# ----------------------------------------------------------------------------------------- values


def _store(cells: Cells, table_id: str, row_key: str, values: Sequence[str], rec: Record) -> None:
    t = cells.fmt.table(table_id)
    for col, raw in zip(t.columns_of(row_key), values, strict=True):
        where = f"表{table_id} {t.cell_label(row_key, col.key)}"
        if is_blank(raw):
            cells.tables[table_id][row_key][col.key] = None
            continue
        num = parse_number(raw)
        if num is None:
            cells.notes.append(Note("error", rec.line, where, f"“{raw}” is not a number; left blank", rec.text))
            continue
        value: Number
        if col.kind == "amount":
            value = num
        elif num != num.to_integral_value():
            cells.notes.append(Note("error", rec.line, where, f"{raw} is not a whole number; left blank", rec.text))
            continue
        else:
            value = int(num)
        if value < 0 and col.kind != "delta":
            cells.notes.append(Note("error", rec.line, where, f"{raw} is negative; left blank", rec.text))
            continue
        cells.tables[table_id][row_key][col.key] = value


def read_table2(cells: Cells, records: Iterable[Record]) -> None:
    fmt = cells.fmt
    t = fmt.table("二")
    loose: list[tuple[str, Record]] = []  # figures a PDF pulled out of a multi-line cell, in reading order
    found: set[str] = set()
    for rec in records:
        if not rec.row and parse_number(rec.cells[0]) is not None:
            loose.append((rec.cells[0], rec))
            continue
        parsed = split_row(rec, paragraphs=True)
        if parsed is None:
            continue
        labels = parsed.labels
        key, alias, cell = match_row(labels, fmt, "二")
        if key is None:
            if parsed.has_number and labels and not _is_parent_only(labels, fmt, "二"):
                cells.notes.append(Note("warning", rec.line, "表二", "row not recognised; its figures were not used",
                                        rec.text))
            continue
        if not parsed.has_number and len(parsed.values) != len(t.columns_of(key)):
            continue  # a row of blanks counts only when it has every column
        values = parsed.values_after(cell, len(t.columns_of(key)))
        label = t.row_label(key)
        if key in found:
            cells.notes.append(Note("warning", rec.line, f"表二 {label}", "row appears twice; the first was kept",
                                    rec.text))
            continue
        found.add(key)
        if alias:
            cells.notes.append(Note("warning", rec.line, f"表二 {label}",
                                    f"row labelled with another format's wording “{alias}”", rec.text))
        n = len(t.columns_of(key))
        values = _fit(values, n)
        if len(values) == n - 1 and loose and n > 1:
            raw, src = loose.pop(0)
            values.insert(1, raw)
            col = t.columns_of(key)[1]
            cells.notes.append(Note("warning", src.line, f"表二 {t.cell_label(key, col.key)}",
                                    f"figure taken from the loose line “{raw}” above the table (a multi-line cell); "
                                    "check it against the published table", rec.text))
        if len(values) != n:
            cells.notes.append(Note("error", rec.line, f"表二 {label}",
                                    f"{len(values)} figures where the form has {n}; row left blank", rec.text))
            continue
        _store(cells, "二", key, values, rec)
    for row in t.data_rows():
        if row.key not in found:
            cells.notes.append(Note("error", None, f"表二 {t.row_label(row.key or '')}",
                                    "row not found in the document; left blank"))


def read_table3(cells: Cells, records: Iterable[Record]) -> None:
    fmt = cells.fmt
    t = fmt.table("三")
    order = [r.key or "" for r in t.data_rows()]
    n = len(t.columns)
    placed: dict[str, Record] = {}
    pointer = 0
    for rec in records:
        parsed = split_row(rec, paragraphs=False)
        if parsed is None:
            continue
        labels = parsed.labels
        key, _, cell = match_row(labels, fmt, "三")
        if not parsed.has_number and (key is None or len(parsed.values) != n):
            continue  # headers; a labelled row of blanks counts only when it has every column
        values = parsed.values_after(cell, n)
        if key is not None:
            pointer = order.index(key) + 1
            if key in placed:
                cells.notes.append(Note("warning", rec.line, f"表三 {t.row_label(key)}",
                                        f"row also placed by order from line {placed[key].line}; "
                                        "the labelled row was kept", rec.text))
        else:
            if pointer >= len(order):
                cells.notes.append(Note("warning", rec.line, "表三", "figures after the last row of the form; "
                                        "not used", rec.text))
                continue
            key = order[pointer]
            pointer += 1
            said = f"label “{' '.join(labels)}” not recognised" if labels else "row has no label"
            cells.notes.append(Note("info", rec.line, f"表三 {t.row_label(key)}",
                                    f"{said}; placed by the form's row order", rec.text))
        placed[key] = rec
        values = _fit(values, n)
        if len(values) != n:
            cells.notes.append(Note("error", rec.line, f"表三 {t.row_label(key)}",
                                    f"{len(values)} figures where the form has {n} columns; row left blank",
                                    rec.text))
            continue
        _store(cells, "三", key, values, rec)
    for key in order:
        if key not in placed:
            cells.notes.append(Note("error", None, f"表三 {t.row_label(key)}",
                                    "row not found in the document; left blank"))


def read_table4(cells: Cells, records: Iterable[Record]) -> None:
    t = cells.fmt.table("四")
    slots = [(r.key or "", c.key) for r in t.data_rows() for c in t.columns]
    values: list[str] = []
    first: Record | None = None
    for rec in records:
        # PDF text can put a whole row of figures on one line ("1 0 0 0 1 0 …"); other prose is not a row
        numbers_only = not rec.row and _ONLY_NUMBERS.match(nfkc(rec.cells[0]).strip()) is not None
        parsed = split_row(rec, paragraphs=numbers_only) if rec.row or numbers_only else None
        if parsed is None:
            continue
        group = match_row(parsed.labels, cells.fmt, "四").key if parsed.labels else None
        if not parsed.has_number and (group is None or len(parsed.values) != len(t.columns)):
            continue  # headers; a group's row of blanks counts when it has all five cells
        first = first or rec
        values.extend(parsed.values)
    values = _fit(values, len(slots))
    if len(values) != len(slots):
        cells.notes.append(Note("error", first.line if first else None, "表四",
                                f"found {len(values)} figures where the form has {len(slots)}; table left blank",
                                first.text if first else ""))
        return
    by_row: dict[str, list[str]] = {}
    for (rk, _), v in zip(slots, values, strict=True):
        by_row.setdefault(rk, []).append(v)
    for rk, vs in by_row.items():
        _store(cells, "四", rk, vs, first)  # type: ignore[arg-type]


# ----------------------------------------------------------------------------------------- format


@cache
def _distinctive(format_id: str) -> frozenset[str]:
    """Labels of tables 二 and 三 that this format has and no other format has."""
    def labels(fid: str) -> set[str]:
        fmt = get_format(fid)
        out = {norm(r.label) for tid in ("二", "三") for r, _ in fmt.table(tid).walk()}
        t2 = fmt.table("二")
        out |= {norm(c.label) for r in t2.data_rows() for c in t2.columns_of(r.key or "")}
        return out

    mine = labels(format_id)
    for other in available():
        if other != format_id:
            mine -= labels(other)
    return frozenset(mine)


def detect_format(records: Sequence[Record]) -> str | None:
    """The format whose own labels the document uses most; None when none or a tie."""
    seen = {norm(c) for rec in records for c in rec.cells}
    scores = {fid: len(_distinctive(fid) & seen) for fid in available()}
    best = max(scores.values())
    winners = [fid for fid, s in scores.items() if s == best]
    return winners[0] if best > 0 and len(winners) == 1 else None
