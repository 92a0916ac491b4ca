"""The official report forms as data.

Each ``<id>.yaml`` beside this module describes one format issued by the State Council General
Office: its section titles and every block, row and column of tables 二, 三 and 四 with the
official labels. Nothing else in report-kit knows a label by heart: the params model, the
scaffold, validation messages, checks, narrative and HTML tables all derive from these objects,
so a new format is a new data file.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any, Literal

from ruamel.yaml import YAML

from report_kit.errors import FormatError

Kind = Literal["count", "delta", "amount"]
TABLES = ("二", "三", "四")


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: Kind = "count"
    group: str | None = None  # e.g. 法人或其他组织 over the five organisation columns
    total: bool = False
    role: str | None = None
    unit: str | None = None  # of an amount, when the form states it (2021: 万元); None: the form gives none


@dataclass(frozen=True)
class Row:
    """A row of a table. Rows with children (e.g. （三）不予公开) hold no figures themselves."""

    key: str | None
    label: str
    num: str = ""
    role: str | None = None
    children: tuple[Row, ...] = ()
    block: str | None = None  # table 二: 第二十条第（一）项 …

    @property
    def numbered(self) -> str:
        return f"{self.num}{self.label}"

    def walk(self, depth: int = 0) -> Iterator[tuple[Row, int]]:
        yield self, depth
        for child in self.children:
            yield from child.walk(depth + 1)


@dataclass(frozen=True)
class Block:
    key: str
    head: str
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]


@dataclass(frozen=True)
class Section:
    num: str
    key: str
    title: str


@dataclass(frozen=True)
class Table:
    """One official table: named rows × named columns, plus layout data for rendering."""

    id: str  # 二 / 三 / 四
    title: str
    rows: tuple[Row, ...]  # the full row tree (table 三), or the flat rows
    columns: tuple[Column, ...] = ()  # shared columns (三, 四); table 二 has per-block columns
    blocks: tuple[Block, ...] = ()
    corner: str = ""
    applicant_head: str = ""

    def walk(self) -> Iterator[tuple[Row, int]]:
        for row in self.rows:
            yield from row.walk()

    def data_rows(self) -> list[Row]:
        """Rows that carry figures, in official order."""
        return [r for r, _ in self.walk() if r.key is not None]

    def columns_of(self, row_key: str) -> tuple[Column, ...]:
        if not self.blocks:
            return self.columns
        for block in self.blocks:
            if any(r.key == row_key for r in block.rows):
                return block.columns
        raise KeyError(row_key)

    def row(self, key: str) -> Row:
        for r, _ in self.walk():
            if r.key == key:
                return r
        raise KeyError(key)

    def row_by_role(self, role: str) -> Row:
        for r, _ in self.walk():
            if r.role == role:
                return r
        raise KeyError(role)

    def rows_by_role(self, role: str) -> list[Row]:
        return [r for r, _ in self.walk() if r.role == role]

    def column_by_role(self, row_key: str, role: str) -> Column | None:
        return next((c for c in self.columns_of(row_key) if c.role == role), None)

    def leaves_under(self, role: str) -> list[Row]:
        """Figure rows that add up to the row with ``role``'s parent group (table 三's （一）…（六） leaves)."""
        target = self.row_by_role(role)
        group = self.parent_of(target.key or "")
        assert group is not None
        return [r for r, _ in group.walk() if r.key is not None and r is not target]

    def parent_of(self, key: str) -> Row | None:
        for r, _ in self.walk():
            if any(c.key == key for c in r.children):
                return r
        return None

    def column(self, row_key: str, col_key: str) -> Column:
        for c in self.columns_of(row_key):
            if c.key == col_key:
                return c
        raise KeyError(col_key)

    def cells(self) -> Iterator[tuple[Row, Column]]:
        for row in self.data_rows():
            for col in self.columns_of(row.key or ""):
                yield row, col

    def row_label(self, row_key: str) -> str:
        """Official wording of a row with its enclosing block or item, e.g. '（三）不予公开 1.属于国家秘密'."""
        row = self.row(row_key)
        parent = self.parent_of(row_key)
        name = f"{parent.numbered} {row.numbered}" if parent and parent.num != "三、" else row.numbered
        return f"{row.block} {name}" if row.block else name

    def cell_label(self, row_key: str, col_key: str) -> str:
        """Official wording of a cell, e.g. '（三）不予公开 1.属于国家秘密 × 法人或其他组织·商业企业'."""
        name = self.row_label(row_key)
        col = self.column(row_key, col_key)
        col_name = f"{col.group}·{col.label}" if col.group else col.label
        return f"{name} × {col_name}"


@dataclass(frozen=True)
class Format:
    id: str
    notice: str
    first_year: int
    last_year: int | None
    title: str
    sections: tuple[Section, ...]
    tables: dict[str, Table] = field(hash=False)

    def covers(self, year: int) -> bool:
        return year >= self.first_year and (self.last_year is None or year <= self.last_year)

    @property
    def years(self) -> str:
        return f"{self.first_year}–{self.last_year}" if self.last_year else f"{self.first_year} 起"

    def table(self, table_id: str) -> Table:
        return self.tables[table_id]

    def section(self, key: str) -> Section:
        return next(s for s in self.sections if s.key == key)

    def cells(self) -> Iterator[tuple[str, Row, Column]]:
        for tid in TABLES:
            for row, col in self.tables[tid].cells():
                yield tid, row, col


def _column(d: dict[str, Any]) -> Column:
    return Column(
        key=d.get("key", d["label"]),
        label=d["label"],
        kind=d.get("kind", "count"),
        group=d.get("group"),
        total=bool(d.get("total", False)),
        role=d.get("role"),
        unit=d.get("unit"),
    )


def _row(d: dict[str, Any], block: str | None = None) -> Row:
    children = tuple(_row(c, block) for c in d.get("children", ()))
    key = None if children else d.get("key", d["label"])
    return Row(key=key, label=d["label"], num=str(d.get("num", "")), role=d.get("role"),
               children=children, block=block)


def _build(data: dict[str, Any]) -> Format:
    t2, t3, t4 = data["table2"], data["table3"], data["table4"]
    blocks = tuple(
        Block(key=b["key"], head=b["head"], columns=tuple(_column(c) for c in b["columns"]),
              rows=tuple(_row(r, b["key"]) for r in b["rows"]))
        for b in t2["blocks"]
    )
    # Table 四's three groups are its rows; 行政诉讼 is the header over the last two.
    groups = tuple(Row(key=g.get("key", g["label"]), label=g["label"], role=g.get("parent"))
                   for g in t4["groups"])
    tables = {
        "二": Table(id="二", title=t2["title"], rows=tuple(r for b in blocks for r in b.rows),
                   blocks=blocks),
        "三": Table(id="三", title=t3["title"], rows=tuple(_row(r) for r in t3["rows"]),
                   columns=tuple(_column(c) for c in t3["columns"]), corner=t3["corner"],
                   applicant_head=t3["applicant_head"]),
        "四": Table(id="四", title=t4["title"], rows=groups,
                   columns=tuple(_column(c) for c in t4["columns"])),
    }
    return Format(
        id=str(data["id"]), notice=data["notice"], first_year=int(data["first_year"]),
        last_year=data["last_year"], title=data["title"],
        sections=tuple(Section(**s) for s in data["sections"]), tables=tables,
    )


@cache
def available() -> tuple[str, ...]:
    names = [p.name for p in resources.files(__package__).iterdir() if p.name.endswith(".yaml")]
    return tuple(sorted(n.removesuffix(".yaml") for n in names))


@cache
def get_format(format_id: str) -> Format:
    """The official format with this id ('2019', '2021')."""
    if format_id not in available():
        raise FormatError(
            f"unknown report format {format_id!r}; known formats: {', '.join(available())}"
        )
    text = resources.files(__package__).joinpath(f"{format_id}.yaml").read_text("utf-8")
    return _build(YAML(typ="safe").load(text))


def format_for_year(year: int) -> Format:
    """The format the State Council General Office prescribes for a report year."""
    for fid in available():
        fmt = get_format(fid)
        if fmt.covers(year):
            return fmt
    raise FormatError(f"no official format covers report year {year}")


__all__ = ["TABLES", "Block", "Column", "Format", "Row", "Section", "Table", "available",
           "format_for_year", "get_format"]
