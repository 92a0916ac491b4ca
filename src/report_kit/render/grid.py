"""The official tables 二, 三 and 四 as grids of cells with rowspan/colspan, derived from a format."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from report_kit.formats import Format, Row
from report_kit.model import AgencyYear, Number


@dataclass(frozen=True)
class Cell:
    text: str
    header: bool = False
    rowspan: int = 1
    colspan: int = 1
    row: str | None = None  # row key of a figure cell
    col: str | None = None  # column key of a figure cell
    blank: bool = False
    cls: str = ""


@dataclass(frozen=True)
class Grid:
    table: str
    head: tuple[tuple[Cell, ...], ...]
    body: tuple[tuple[Cell, ...], ...]


def format_number(v: Number | None) -> str:
    """A figure as reports print it: blank stays blank, 0 is 0, amounts without trailing zeros."""
    if v is None:
        return ""
    if isinstance(v, Decimal):
        v = v.normalize()
        return f"{v:f}"
    return str(v)


def _value(ay: AgencyYear | None, table: str, row: str, col: str) -> Cell:
    v = ay.get(table, row, col) if ay else None
    return Cell(format_number(v), row=row, col=col, blank=v is None, cls="num")


def _grid_blocks(fmt: Format, tid: str, ay: AgencyYear | None) -> Grid:
    """Table 二: per block a heading row, its column heads, then its rows."""
    t = fmt.table(tid)
    width = 1 + max(len(b.columns) for b in t.blocks)
    body: list[tuple[Cell, ...]] = []
    for block in t.blocks:
        body.append((Cell(block.key, header=True, colspan=width, cls="block"),))
        heads = [Cell(block.head, header=True)]
        heads += [Cell(c.label, header=True) for c in block.columns]
        heads[-1] = Cell(heads[-1].text, header=True, colspan=width - len(block.columns))
        body.append(tuple(heads))
        for row in block.rows:
            cells = [Cell(row.label, header=True, cls="label")]
            for i, col in enumerate(block.columns):
                c = _value(ay, tid, row.key or "", col.key)
                if i == len(block.columns) - 1:
                    c = Cell(c.text, row=c.row, col=c.col, blank=c.blank, cls=c.cls,
                             colspan=width - len(block.columns))
                cells.append(c)
            body.append(tuple(cells))
    return Grid(tid, (), tuple(body))


def _leaf_count(row: Row) -> int:
    return 1 if not row.children else sum(_leaf_count(c) for c in row.children)


def _grid_tree(fmt: Format, tid: str, ay: AgencyYear | None) -> Grid:
    """Table 三: a tree of rows under three levels of label columns × the applicant columns."""
    t = fmt.table(tid)
    cols = t.columns
    groups = [c.group for c in cols]
    depth = 3  # label columns: 三、 / （三） / 1.
    head1 = [Cell(t.corner, header=True, rowspan=3, colspan=depth, cls="corner"),
             Cell(t.applicant_head, header=True, colspan=len(cols))]
    head2: list[Cell] = []
    head3: list[Cell] = []
    i = 0
    while i < len(cols):
        g = groups[i]
        if g is None:
            head2.append(Cell(cols[i].label, header=True, rowspan=2))
            i += 1
            continue
        span = 1
        while i + span < len(cols) and groups[i + span] == g:
            span += 1
        head2.append(Cell(g, header=True, colspan=span))
        head3.extend(Cell(c.label, header=True) for c in cols[i:i + span])
        i += span
    body: list[tuple[Cell, ...]] = []

    def values(key: str) -> list[Cell]:
        return [_value(ay, tid, key, c.key) for c in cols]

    def emit(row: Row, level: int, lead: list[Cell]) -> None:
        """Append the rows for ``row`` at label column ``level`` (0-based); ``lead`` opens the first."""
        if not row.children:
            body.append(tuple([*lead, Cell(row.numbered, header=True, colspan=depth - level, cls="label"),
                               *values(row.key or "")]))
            return
        first = True
        opener = Cell(row.numbered, header=True, rowspan=_leaf_count(row), cls="label")
        for child in row.children:
            emit(child, level + 1, [*lead, opener] if first else [])
            first = False

    for top in t.rows:
        emit(top, 0, [])
    return Grid(tid, (tuple(head1), tuple(head2), tuple(head3)), tuple(body))


def _grid_groups(fmt: Format, tid: str, ay: AgencyYear | None) -> Grid:
    """Table 四: its groups side by side, each with the same columns, in one row of figures."""
    t = fmt.table(tid)
    cols = t.columns
    n = len(cols)
    head1: list[Cell] = []
    head2: list[Cell] = []
    head3: list[Cell] = []
    parents_done: set[str] = set()
    for g in t.rows:
        parent = g.role
        if parent is None:
            head1.append(Cell(g.label, header=True, colspan=n))
            head2.extend(Cell(c.label, header=True, rowspan=2) for c in cols)
        else:
            if parent not in parents_done:
                span = n * sum(1 for x in t.rows if x.role == parent)
                head1.append(Cell(parent, header=True, colspan=span))
                parents_done.add(parent)
            head2.append(Cell(g.label, header=True, colspan=n))
            head3.extend(Cell(c.label, header=True) for c in cols)
    body = (tuple(_value(ay, tid, key, c.key) for key, _ in t.figure_rows() for c in cols),)
    return Grid(tid, (tuple(head1), tuple(head2), tuple(head3)), body)


_BUILDERS = {"blocks": _grid_blocks, "tree": _grid_tree, "groups": _grid_groups}  # by the table's shape


def table_grid(fmt: Format, table: str, ay: AgencyYear | None = None) -> Grid:
    """The official layout of table 二, 三 or 四, filled with ``ay``'s figures when given."""
    return _BUILDERS[fmt.table(table).shape](fmt, table, ay)
