"""Tables 二, 三 and 四 read out of records by their official labels, with the order of the form as the fallback.

Real reports come with labels split, shortened, renumbered or lost (PDF text, OCR). A row is placed by its
label when one of its label cells names exactly one official row; a row whose label is missing or ambiguous
takes the next official row after the last placed one, and that is said in a note. Nothing is placed silently.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Literal, NamedTuple

from report_kit.formats import Format, Row, available, get_format
from report_kit.i18n import _
from report_kit.importers._labels import AMOUNT_UNITS, is_blank, is_value, norm, parse_figure
from report_kit.importers._layouts import MAX_LABEL, numbers_only, segments
from report_kit.importers._records import Record
from report_kit.model import Number, blank_tables

Severity = Literal["error", "warning", "info"]
_MIN_FRAGMENT = 4  # shorter label pieces ("其他", "总计") must match a whole label


@dataclass(frozen=True)
class Note:
    """Something the importer could not do as the form says, located in the source."""

    severity: Severity
    line: int | None
    where: str  # official labels of the table, row or cell
    message: str
    context: str = ""  # the source text concerned
    # the cells it is about: (table,), (table, row key) or (table, row key, column key); () for none
    scope: tuple[str, ...] = ()
    detail: bool = False  # one of many like it, summed up in one line (listed with --verbose)
    blank: int = 0  # cells this note leaves blank, for the summary line

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
        return any(parse_figure(v) is not None for v in self.values)


def split_row(rec: Record) -> Parsed | None:
    """Label and value cells of a table row that carries figures; None for headers and rows without figures."""
    cells = list(rec.cells)
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
        # a piece of a label, or a label with more around it; never a short label inside a longer text
        # ("其他" inside "其他法律行政止公开", a garbled 2.其他法律行政法规禁止公开)
        hits = {key for label, key in idx.labels if k in label or (len(label) >= _MIN_FRAGMENT and label in k)}
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
        scope = (table_id, row_key, col.key)
        if is_blank(raw):
            cells.tables[table_id][row_key][col.key] = None
            continue
        fig = parse_figure(raw)
        if fig is None:
            cells.notes.append(Note("error", rec.line, where, _("“{raw}” is not a number; left blank").format(raw=raw),
                                    rec.text, scope))
            continue
        num = fig.value
        if fig.unit is not None and (fig.unit in AMOUNT_UNITS) != (col.kind == "amount"):
            cells.notes.append(Note("error", rec.line, where, _("“{raw}”: the unit {unit} does not fit this column; "
                                    "left blank").format(raw=raw, unit=fig.unit), rec.text, scope))
            continue
        value: Number
        if col.kind == "amount":
            if fig.unit and col.unit and fig.unit != col.unit:
                num = (num * AMOUNT_UNITS[fig.unit] / AMOUNT_UNITS[col.unit]).normalize()
                cells.notes.append(Note("warning", rec.line, where, _("“{raw}” converted to {num}{unit}, the unit "
                                        "the form asks for").format(raw=raw, num=num, unit=col.unit), rec.text, scope))
            elif fig.unit and not col.unit:
                cells.notes.append(Note("warning", rec.line, where, _("“{raw}”: the form states no unit; {num} kept "
                                        "as written in {unit}").format(raw=raw, num=num, unit=fig.unit),
                                        rec.text, scope))
            value = num
        elif num != num.to_integral_value():
            cells.notes.append(Note("error", rec.line, where,
                                    _("{raw} is not a whole number; left blank").format(raw=raw),
                                    rec.text, scope))
            continue
        else:
            value = int(num)
        if value < 0 and col.kind != "delta":
            cells.notes.append(Note("error", rec.line, where, _("{raw} is negative; left blank").format(raw=raw),
                                    rec.text, scope))
            continue
        cells.tables[table_id][row_key][col.key] = value


def _fit_row(values: list[str], n: int) -> list[str]:
    """Drop the empty cells a layout adds after the last figure (a closing `|`), then before the first one
    (a merged label cell a PDF table repeats empty), while there are more cells than columns."""
    values = _fit(values, n)
    while len(values) > n and values[0] == "":
        values.pop(0)
    return values


@dataclass
class _Candidate:
    """A row of figures as the document gives it: from a table row, or a piece of a paragraph."""

    rec: Record
    parsed: Parsed
    paragraph: bool  # cut out of running text: its label must name the row exactly


def _candidates(records: Iterable[Record]) -> Iterator[_Candidate | Record]:
    """Rows with figures (one per piece of a paragraph that runs several rows together); other records as they
    are, so that readers see headings and label-only lines in order."""
    for rec in records:
        if rec.row:
            parsed = split_row(rec)
            if parsed is not None:
                yield _Candidate(rec, parsed, False)
            else:
                yield rec
            continue
        pieces = [(label, figs) for label, figs in segments(rec.cells[0]) if figs]
        if not pieces or any(len(label) > MAX_LABEL for label, _ in pieces):
            yield rec
            continue
        for label, figs in pieces:
            yield _Candidate(rec, Parsed([label, *figs], [label] if label else [], figs), True)


def _exact(labels: Sequence[str], fmt: Format, table_id: str) -> str | None:
    """The row a label names exactly (its official wording or another form's, whatever the numbering)."""
    idx = _index(fmt.id, table_id)
    for c in reversed(labels):
        k = norm(c)
        if k in idx.exact:
            return idx.exact[k]
        if k in idx.alias:
            return idx.alias[k]
    return None


@cache
def _column_words(format_id: str, table_id: str) -> frozenset[str]:
    t = get_format(format_id).table(table_id)
    cols = [c for r in t.data_rows() for c in t.columns_of(r.key or "")]
    return frozenset(norm(w) for c in cols for w in (c.label, c.group or "") if w)


def _label_only_row(rec: Record, fmt: Format, table_id: str) -> str | None:
    """A line that is exactly a row's label, with no figure after it: the row is there, its cells blank.
    Not a word that also heads a column (其他, 总计): that line is the header."""
    cells = [c for c in rec.cells if c.strip()]
    if len(cells) != 1 or len(cells[0]) > MAX_LABEL or norm(cells[0]) in _column_words(fmt.id, table_id):
        return None
    return _exact(cells, fmt, table_id)


def _bare(cells: Cells, table_id: str, rows: dict[str, Record]) -> None:
    t = cells.fmt.table(table_id)
    for key, rec in rows.items():
        cells.notes.append(Note("info", rec.line, f"表{table_id} {t.row_label(key)}", _("row has no figures; its cells "
                                "are blank as published"), rec.text, (table_id, key)))


def _missing(cells: Cells, table_id: str, keys: Sequence[str]) -> None:
    """One note per row not found (listed with --verbose); the summary line is the audit's."""
    t = cells.fmt.table(table_id)
    for key in keys:
        n = len(t.columns_of(key))
        cells.notes.append(Note("error", None, f"表{table_id} {t.row_label(key)}", _("row not found in the document; "
                                "its {n} cells left blank").format(n=n), scope=(table_id, key), detail=True, blank=n))


def read_table2(cells: Cells, records: Iterable[Record]) -> None:
    fmt = cells.fmt
    t = fmt.table("二")
    loose: list[tuple[str, Record]] = []  # figures a PDF pulled out of a multi-line cell, in reading order
    found: set[str] = set()
    bare: dict[str, Record] = {}  # rows whose label stands alone, no figure after it
    for item in _candidates(records):
        if isinstance(item, Record):
            key = _label_only_row(item, fmt, "二")
            if key:
                bare.setdefault(key, item)
            continue
        rec, parsed = item.rec, item.parsed
        if not rec.row and len(parsed.cells) == 1 and not parsed.labels:
            loose.append((parsed.values[0], rec))
            continue
        labels = parsed.labels
        if item.paragraph:
            key, alias, cell = _exact(labels, fmt, "二"), None, (labels[-1] if labels else None)
        else:
            key, alias, cell = match_row(labels, fmt, "二")
        if key is None and rec.joined and all(parse_figure(v) for v in parsed.values):
            # a figure on a line of its own after a header line: a PDF's multi-line cell, as above
            loose.extend((v, rec) for v in parsed.values)
            continue
        if key is None:
            if parsed.has_number and labels and not _is_parent_only(labels, fmt, "二") and not item.paragraph:
                cells.notes.append(Note("warning", rec.line, "表二", _("row not recognised; its figures were not used"),
                                        rec.text, ("二",)))
            continue
        n = len(t.columns_of(key))
        if not parsed.has_number and len(_fit_row(list(parsed.values), n)) != n:
            continue  # a row of blanks counts only when it has every column
        values = parsed.values_after(cell, n)
        label = t.row_label(key)
        if key in found:
            cells.notes.append(Note("warning", rec.line, f"表二 {label}", _("row appears twice; the first was kept"),
                                    rec.text, ("二", key)))
            continue
        found.add(key)
        if alias:
            cells.notes.append(Note("warning", rec.line, f"表二 {label}",
                                    _("row labelled with another format's wording “{alias}”").format(alias=alias),
                                    rec.text, ("二", key)))
        values = _fit_row(values, n)
        if len(values) == n - 1 and loose and n > 1:
            raw, src = loose.pop(0)
            values.insert(1, raw)
            col = t.columns_of(key)[1]
            cells.notes.append(Note("warning", src.line, f"表二 {t.cell_label(key, col.key)}",
                                    _("figure taken from the loose line “{raw}” above the table (a multi-line cell); "
                                      "check it against the published table").format(raw=raw),
                                    rec.text, ("二", key, col.key)))
        if len(values) != n:
            cells.notes.append(Note("error", rec.line, f"表二 {label}",
                                    _("{found} figures where the form has {n}; row left blank").format(
                                        found=len(values), n=n),
                                    rec.text,
                                    ("二", key)))
            continue
        _store(cells, "二", key, values, rec)
    _bare(cells, "二", {k: r for k, r in bare.items() if k not in found})
    _missing(cells, "二", [r.key or "" for r in t.data_rows() if r.key not in found and r.key not in bare])


def read_table3(cells: Cells, records: Iterable[Record]) -> None:
    fmt = cells.fmt
    t = fmt.table("三")
    order = [r.key or "" for r in t.data_rows()]
    n = len(t.columns)
    placed: dict[str, Record] = {}
    bare: dict[str, Record] = {}  # rows whose label stands alone, no figure after it
    pointer = 0  # the next row of the form, after the last one placed
    follows = False  # a row was placed above in this block (running text is placed by order only after one)
    for item in _candidates(records):
        if isinstance(item, Record):
            key = _label_only_row(item, fmt, "三")
            if key and key not in placed:
                bare.setdefault(key, item)  # a heading line, or the row with its cells blank: decided at the end
                pointer = order.index(key) + 1
                follows = True
            elif not item.row and len(item.cells[0]) > MAX_LABEL:
                follows = False  # prose between: what follows is not the next row of the table
            continue
        rec, parsed = item.rec, item.parsed
        labels = parsed.labels
        if item.paragraph:
            key, cell = _exact(labels, fmt, "三"), (labels[-1] if labels else None)
        else:
            key, _how, cell = match_row(labels, fmt, "三")
        if not parsed.has_number and (key is None or len(_fit_row(list(parsed.values), n)) != n):
            continue  # headers; a labelled row of blanks counts only when it has every column
        values = _fit_row(parsed.values_after(cell, n), n)
        if key is None:
            parent = _parent_row(labels, fmt)
            if parent is not None:
                # the 2019 form's single （六）其他处理 row in a form that splits it: its figures belong to no row
                kids = [c.key or "" for c in parent.children]
                pointer = max(pointer, order.index(kids[-1]) + 1)
                cells.notes.append(Note("warning", rec.line, f"表三 {parent.numbered}",
                                        _("the form splits this row into "
                                          "{n} rows; its figures were not used").format(n=len(kids)),
                                        rec.text, ("三",)))
                continue
            weak = item.paragraph or rec.joined  # not a table's own row: placed by order only when it fits
            if pointer >= len(order) or (weak and not (follows and len(values) == n)):
                if item.paragraph and not labels:
                    continue  # figures in running text with nothing naming them
                cells.notes.append(Note("warning", rec.line, "表三", _("row not recognised; its figures were not used"),
                                        rec.text, ("三",)))
                continue
            # the form's order, inside the table's own block: the row after the last one placed
            key = order[pointer]
            said = (_("label “{labels}” not recognised").format(labels=" ".join(labels)) if labels
                    else _("row has no label"))
            cells.notes.append(Note("info", rec.line, f"表三 {t.row_label(key)}",
                                    _("{said}; placed by the form's row order").format(said=said),
                                    rec.text, ("三", key)))
        elif key in placed:
            cells.notes.append(Note("warning", rec.line, f"表三 {t.row_label(key)}",
                                    _("row appears twice (first at line {line}); the first was kept").format(
                                        line=placed[key].line),
                                    rec.text, ("三", key)))
            continue
        pointer = order.index(key) + 1
        placed[key] = rec
        follows = True
        if len(values) != n:
            cells.notes.append(Note("error", rec.line, f"表三 {t.row_label(key)}",
                                    _("{found} figures where the form has {n} columns; row left blank").format(
                                        found=len(values), n=n),
                                    rec.text, ("三", key)))
            continue
        _store(cells, "三", key, values, rec)
    _bare(cells, "三", {k: r for k, r in bare.items() if k not in placed})
    _missing(cells, "三", [k for k in order if k not in placed and k not in bare])


def _parent_row(labels: Sequence[str], fmt: Format) -> Row | None:
    """The row without figures of its own (（六）其他处理 in the 2021 form) that a label names exactly."""
    t = fmt.table("三")
    names = {norm(c) for c in labels}
    return next((r for r, _ in t.walk() if r.key is None and r.children and norm(r.label) in names
                 and all(c.key for c in r.children)), None)


def read_table4(cells: Cells, records: Iterable[Record]) -> None:
    t = cells.fmt.table("四")
    slots = [(r.key or "", c.key) for r in t.data_rows() for c in t.columns]
    values: list[str] = []
    first: Record | None = None
    for rec in records:
        # PDF text can put a whole row of figures on one line ("1 0 0 0 1 0 …"); other prose is not a row
        run = None if rec.row else numbers_only(rec.cells[0])
        if rec.row:
            parsed = split_row(rec)
        elif run is not None:
            parsed = Parsed(run, [], run)
        else:
            continue
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
                                _("found {found} figures where the form has {n}; the table's "
                                  "{n} cells left blank").format(found=len(values), n=len(slots)),
                                first.text if first else "", ("四",)))
        return
    by_row: dict[str, list[str]] = {}
    for (rk, _col), v in zip(slots, values, strict=True):
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
