"""Where each cell of a render grid lands: the HTML table model's row/column placement.

``render.grid.table_grid`` gives rows of cells with rowspan/colspan, as HTML needs them. Word
tables and geometry checks need absolute positions instead; ``place`` computes them exactly as a
browser does (a cell takes the next column not covered by a rowspan from above).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from report_kit.render.grid import Cell, Grid


@dataclass(frozen=True)
class Placed:
    cell: Cell
    row: int  # first grid row (0-based, head rows first)
    col: int  # first grid column
    html_row: int  # index of the <tr> that holds it
    html_index: int  # its index among that row's cells

    @property
    def last_row(self) -> int:
        return self.row + self.cell.rowspan - 1

    @property
    def last_col(self) -> int:
        return self.col + self.cell.colspan - 1

    def covers(self) -> Iterator[tuple[int, int]]:
        for r in range(self.row, self.last_row + 1):
            for c in range(self.col, self.last_col + 1):
                yield r, c


@dataclass(frozen=True)
class Layout:
    placed: tuple[Placed, ...]
    n_rows: int
    n_cols: int
    head_rows: int  # the first head_rows rows are the table head (repeated on each page)


def place(grid: Grid) -> Layout:
    """Absolute positions of every cell of ``grid``; a ragged or overlapping grid is a bug."""
    rows = [*grid.head, *grid.body]
    taken: set[tuple[int, int]] = set()
    placed: list[Placed] = []
    for r, row in enumerate(rows):
        c = 0
        for i, cell in enumerate(row):
            while (r, c) in taken:
                c += 1
            p = Placed(cell, r, c, r, i)
            for pos in p.covers():
                if pos in taken:
                    raise ValueError(f"table {grid.table}: cell {cell.text!r} overlaps another at {pos}")
                taken.add(pos)
            placed.append(p)
            c += cell.colspan
    n_rows = len(rows)
    n_cols = max((c for _, c in taken), default=-1) + 1
    if len(taken) != n_rows * n_cols or any(r >= n_rows for r, _ in taken):
        raise ValueError(f"table {grid.table}: grid is not rectangular ({n_rows} rows × {n_cols} columns)")
    return Layout(tuple(placed), n_rows, n_cols, len(grid.head))
