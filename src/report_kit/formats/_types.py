"""The objects a form is made of: sections, tables, blocks, rows and columns (built by ``_load``).

Frozen values with the lookups everything downstream needs (rows by role, the total column, a cell's
official wording, the sections the analyst writes, the section a requirement applies to), so that no
other module knows a label, a section or a form id by heart.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal, SupportsIndex

Kind = Literal["count", "delta", "amount"]
Shape = Literal["blocks", "tree", "groups"]
TABLES = ("二", "三", "四")
# How each official table is laid out; render, the intake workbook and the importers have one layout per shape.
SHAPES: dict[str, Shape] = {"二": "blocks", "三": "tree", "四": "groups"}

# Content a form demands of a section's text, by flag name. Rules and the narrative read these flags
# (``Format.requiring``), never the form's id, so a new form says what it asks for in its YAML.
REQUIREMENTS: dict[str, str] = {
    "overview_topics": "the overview covers 主动公开、依申请公开、政府信息管理、平台建设、监督保障 (rule REQ-OVERVIEW)",
    "rectification": "the section reports what became of last year's problems (rule REQ-RECTIFY)",
    "fee_statement": "the section states whether 信息处理费 was charged and how much (rule REQ-FEE; the narrative "
                     "writes the sentence from params facts.fee)",
}


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
    num: str  # 一 … 六
    key: str  # the params key (text.<key>, narrative.<key>)
    title: str  # official title, e.g. 一、总体情况
    table: str | None = None  # the official table shown in this section (二/三/四)
    analyst: bool = False  # the analyst writes this section's text
    requires: frozenset[str] = frozenset()  # REQUIREMENTS flags
    heading: str = ""  # regular expression: other wordings of the heading in published reports


@dataclass(frozen=True)
class Table:
    """One official table: named rows × named columns, plus layout data for rendering."""

    id: str  # 二 / 三 / 四
    title: str
    shape: Shape
    params_key: str  # its mapping in a params file: table2 / table3 / table4
    rows: tuple[Row, ...]  # the full row tree (table 三), or the flat rows
    columns: tuple[Column, ...] = ()  # shared columns (三, 四); table 二 has per-block columns
    blocks: tuple[Block, ...] = ()
    corner: str = ""
    applicant_head: str = ""

    # Lookups are indexed once per table (cached_property writes the instance __dict__, which a frozen dataclass
    # allows; the fields, and so equality and hashing, are untouched): `check` calls them ~1e5 times per 100 files.
    # Each index keeps the first match in walk order, as the linear scans it replaces did.

    @cached_property
    def _walked(self) -> tuple[tuple[Row, int], ...]:
        return tuple(pair for row in self.rows for pair in row.walk())

    @cached_property
    def _by_key(self) -> dict[str | None, Row]:
        out: dict[str | None, Row] = {}
        for r, _ in self._walked:
            out.setdefault(r.key, r)
        return out

    @cached_property
    def _by_role(self) -> dict[str | None, tuple[Row, ...]]:
        out: dict[str | None, list[Row]] = {}
        for r, _ in self._walked:
            out.setdefault(r.role, []).append(r)
        return {role: tuple(rows) for role, rows in out.items()}

    @cached_property
    def _parents(self) -> dict[int, Row]:
        """id(child) → the first row holding it (rows are frozen and kept alive by the table)."""
        out: dict[int, Row] = {}
        for r, _ in self._walked:
            for c in r.children:
                out.setdefault(id(c), r)
        return out

    @cached_property
    def _parent_by_key(self) -> dict[str | None, Row]:
        out: dict[str | None, Row] = {}
        for r, _ in self._walked:
            for c in r.children:
                out.setdefault(c.key, r)
        return out

    @cached_property
    def _block_columns(self) -> dict[str | None, tuple[Column, ...]]:
        out: dict[str | None, tuple[Column, ...]] = {}
        for block in self.blocks:
            for r in block.rows:
                out.setdefault(r.key, block.columns)
        return out

    @cached_property
    def _columns(self) -> dict[str | None, tuple[dict[str, Column], dict[str | None, Column]]]:
        """row key → (its columns by key, by role), for every row."""
        out = {}
        for key in self._by_key:
            with_key: dict[str, Column] = {}
            with_role: dict[str | None, Column] = {}
            try:
                columns = self.columns_of(key)
            except KeyError:
                continue
            for c in columns:
                with_key.setdefault(c.key, c)
                with_role.setdefault(c.role, c)
            out[key] = (with_key, with_role)
        return out

    def walk(self) -> Iterator[tuple[Row, int]]:
        return iter(self._walked)

    def data_rows(self) -> list[Row]:
        """Rows that carry figures, in official order."""
        return [r for r, _ in self._walked if r.key is not None]

    def figure_rows(self) -> list[tuple[str, Row]]:
        """(key, row) of every row that carries figures, in official order."""
        return [(r.key, r) for r, _ in self._walked if r.key is not None]

    def key_of(self, role: str) -> str:
        """Key of the figure row with ``role`` (e.g. table 三's ``new`` → 本年新收)."""
        key = self.row_by_role(role).key
        if key is None:
            raise KeyError(f"row with role {role!r} holds no figures")
        return key

    @cached_property
    def total_column(self) -> Column | None:
        """The 总计 column (tables 三 and 四), None when the table has none."""
        return next((c for c in self.columns if c.total), None)

    def columns_of(self, row_key: str) -> tuple[Column, ...]:
        if not self.blocks:
            return self.columns
        columns = self._block_columns.get(row_key)
        if columns is None:
            raise KeyError(row_key)
        return columns

    def row(self, key: str) -> Row:
        r = self._by_key.get(key)
        if r is None:
            raise KeyError(key)
        return r

    def row_by_role(self, role: str) -> Row:
        rows = self._by_role.get(role)
        if not rows:
            raise KeyError(role)
        return rows[0]

    def rows_by_role(self, role: str) -> list[Row]:
        return list(self._by_role.get(role, ()))

    def column_by_role(self, row_key: str, role: str) -> Column | None:
        indexed = self._columns.get(row_key)
        if indexed is None:
            return next((c for c in self.columns_of(row_key) if c.role == role), None)
        return indexed[1].get(role)

    def leaves_under(self, role: str) -> list[Row]:
        """Figure rows that add up to the row with ``role``'s parent group (table 三's （一）…（六） leaves)."""
        target = self.row_by_role(role)
        group = self.parent_of(target.key or "")
        assert group is not None
        return [r for r, _ in group.walk() if r.key is not None and r is not target]

    def parent_of(self, key: str) -> Row | None:
        return self._parent_by_key.get(key)

    def parent_of_row(self, row: Row) -> Row | None:
        """The row holding ``row`` (also for rows without figures, which have no key)."""
        return self._parents.get(id(row))

    def column(self, row_key: str, col_key: str) -> Column:
        indexed = self._columns.get(row_key)
        if indexed is None:
            for c in self.columns_of(row_key):
                if c.key == col_key:
                    return c
            raise KeyError(col_key)
        c = indexed[0].get(col_key)
        if c is None:
            raise KeyError(col_key)
        return c

    @cached_property
    def _cells(self) -> tuple[tuple[Row, Column], ...]:
        return tuple((row, col) for row in self.data_rows() for col in self.columns_of(row.key or ""))

    def cells(self) -> Iterator[tuple[Row, Column]]:
        return iter(self._cells)

    def row_label(self, row_key: str) -> str:
        """Official wording of a row with its enclosing block or item, e.g. '（三）不予公开 1.属于国家秘密'."""
        row = self.row(row_key)
        parent = self.parent_of(row_key)
        # a top-level heading row (三、本年度办理结果) is implied by its items' own numbering
        shown = parent is not None and self.parent_of_row(parent) is not None
        name = f"{parent.numbered} {row.numbered}" if parent and shown else row.numbered
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
    source: str = field(default="", compare=False)  # the YAML file it was read from, for messages

    def __reduce_ex__(self, protocol: SupportsIndex) -> str | tuple[Any, ...]:
        # pickled by id when it is the registered form (check's worker processes send agency-years back and forth):
        # small, and unpickled as that process's own form object, lookups already indexed
        from report_kit.formats import get_format  # the package imports this module

        try:
            registered = get_format(self.id) is self
        except Exception:  # an unregistered form (built by hand): pickled whole
            registered = False
        return (get_format, (self.id,)) if registered else super().__reduce_ex__(protocol)

    def covers(self, year: int) -> bool:
        return year >= self.first_year and (self.last_year is None or year <= self.last_year)

    @property
    def years(self) -> str:
        return f"{self.first_year}–{self.last_year}" if self.last_year else f"{self.first_year} 起"

    def table(self, table_id: str) -> Table:
        return self.tables[table_id]

    def table_by_params_key(self, params_key: str) -> Table | None:
        """The table stored under ``params_key`` (table2 …) in a params file, None for other keys."""
        return next((t for t in self.tables.values() if t.params_key == params_key), None)

    @cached_property
    def _section_by_key(self) -> dict[str, Section]:
        out: dict[str, Section] = {}
        for s in self.sections:
            out.setdefault(s.key, s)
        return out

    def section(self, key: str) -> Section:
        s = self._section_by_key.get(key)
        if s is None:
            raise StopIteration  # as next() over the sections raised: callers catch it (params.field_label)
        return s

    @property
    def section_order(self) -> str:
        """The sections' numbers in official order (一二三四五六): findings sort by it."""
        return "".join(s.num for s in self.sections)

    @cached_property
    def analyst_sections(self) -> tuple[Section, ...]:
        """Sections whose text the analyst writes (一, 五, 六 in the 2019 and 2021 forms)."""
        return tuple(s for s in self.sections if s.analyst)

    @cached_property
    def text_keys(self) -> tuple[str, ...]:
        """The params keys under ``text:``, in official order."""
        return tuple(s.key for s in self.analyst_sections)

    @property
    def opening(self) -> Section:
        """The first section the analyst writes: it opens the report and names the year it covers."""
        return self.analyst_sections[0]

    def section_with_table(self, table_id: str) -> Section:
        return next(s for s in self.sections if s.table == table_id)

    def requiring(self, flag: str) -> Section | None:
        """The section whose text must meet requirement ``flag`` (see REQUIREMENTS), or None."""
        if flag not in REQUIREMENTS:
            raise KeyError(flag)  # a typo in code must not read as "this form does not ask for it"
        return next((s for s in self.sections if flag in s.requires), None)

    def cells(self) -> Iterator[tuple[str, Row, Column]]:
        for tid in TABLES:
            for row, col in self.tables[tid].cells():
                yield tid, row, col
