"""Table rows rebuilt from the ways text copies lay them out, before any label is read.

Portal pages copied as text, page stores and flipbooks put each table cell on a line of its own
(``规章`` / ``0`` / ``0`` / ``0``, or ``规章 |`` / ``0 |`` …, an empty cell as a lone ``|``, a run of empty
cells collapsed into ``|||||``), or a whole row on one line with spaces (``四、结转下年度继续办理 0 0 0 0 0 0 0``),
or several rows run together in one paragraph. Here a cell that is not a figure followed by figure cells
becomes one row record; how many figures a row needs is the table readers' business (a row whose count
does not match its columns is left blank there, with a note). Nothing here knows a label.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from report_kit.importers._labels import is_blank, nfkc, parse_figure
from report_kit.importers._records import Record

MAX_LABEL = 80  # characters: a row label with its numbering and a template's remark; longer is prose
# Placeholders for a blank cell that may stand on a line of their own; 无/空 only with a cell's `|` after them,
# since a lone 无 under a heading is that section's text
_BLANK_MARKS = {"-", "—", "－", "/", "／", "\\", "——", "--", "–"}


@dataclass(frozen=True)
class Token:
    """One line of a text: a record, an empty cell (a lone ``|``) or a gap (``||||``: empty cells of unknown
    number). ``cell`` marks a line that ended with a cell's ``|``."""

    record: Record | None
    kind: str = "record"  # record | empty | gap
    cell: bool = False


def _is_value(text: str, cell: bool) -> bool:
    s = nfkc(text).strip()
    return parse_figure(s) is not None or s in _BLANK_MARKS or (cell and is_blank(s))


def numbers_only(text: str) -> list[str] | None:
    """The figures of a line made only of figures ("0 0 0 0 0 0 0"), or None."""
    parts = nfkc(text).split()
    if len(parts) >= 2 and all(parse_figure(p) is not None for p in parts):
        return parts
    return None


def regroup(tokens: Iterable[Token]) -> list[Record]:
    """Records with each run of one-cell lines turned into rows: a text cell and the figure cells after it."""
    out: list[Record] = []
    label: Record | None = None
    values: list[str] = []

    def flush() -> None:
        nonlocal label, values
        if label is not None:
            out.append(Record(label.line, (label.cells[0], *values), True, joined=True) if values else label)
        label, values = None, []

    for tok in tokens:
        if tok.kind == "gap":
            flush()
            continue
        if tok.kind == "empty":
            if label is not None:
                values.append("")
            continue
        rec = tok.record
        assert rec is not None
        if rec.row:
            flush()
            out.append(rec)
            continue
        text = rec.cells[0]
        if _is_value(text, tok.cell):
            if label is not None:
                values.append(text)
            else:
                out.append(rec)  # a figure with no label before it: the readers decide
            continue
        run = numbers_only(text)
        if run is not None and label is not None and not values:
            values.extend(run)  # a label line, then its figures on the next line (PDF text of a wrapped label)
            flush()
            continue
        flush()
        if len(text) <= MAX_LABEL and run is None:
            label = rec
        else:
            out.append(rec)
    flush()
    return _separators_on_own_lines(out)


def _separators_on_own_lines(rows: list[Record]) -> list[Record]:
    """Pages that put each cell's ``|`` on the next line (``规章`` / ``|`` / ``0`` / ``|`` …) read as an empty cell
    before every figure. When every rebuilt row of the text has exactly that shape (empty, figure, empty, figure …,
    at least three rows with figures), the lone ``|`` lines were separators: the empty cells are dropped."""
    joined = [r for r in rows if r.row and r.joined]

    def shaped(r: Record) -> bool:
        values = r.cells[1:]
        return all(not v for v in values[0::2]) and all(v for v in values[1::2]) and bool(values)

    if sum(1 for r in joined if len(r.cells) > 3) < 3 or not all(shaped(r) for r in joined):
        return rows
    return [Record(r.line, (r.cells[0], *(v for v in r.cells[1:] if v)), True, joined=True)
            if r.row and r.joined else r for r in rows]


def segments(text: str) -> list[tuple[str, list[str]]]:
    """A paragraph split into (label, figures) pieces: "规章 0 0 0 规范性文件 4 0 32" gives two.

    Words are split at spaces; a word that ends in figures glued to its label ("行政许可12") is split there.
    A piece may have no label (figures first) or no figures (text at the end).
    """
    out: list[tuple[str, list[str]]] = []
    words: list[str] = []
    figures: list[str] = []
    for word in nfkc(text).split():
        parts = [word]
        if parse_figure(word) is None:
            cut = len(word)
            while cut > 0 and (word[cut - 1].isdigit() or word[cut - 1] in ".,"):
                cut -= 1
            head, tail = word[:cut], word[cut:]
            if head and tail and parse_figure(tail) is not None and not head[-1].isascii():
                parts = [head, tail]
        for part in parts:
            if parse_figure(part) is not None:
                figures.append(part)
            else:
                if figures:
                    out.append((" ".join(words), figures))
                    words, figures = [], []
                words.append(part)
    if words or figures:
        out.append((" ".join(words), figures))
    return out
