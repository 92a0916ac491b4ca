"""A form's YAML file read into a ``Format``, checked so that a mistake names its file, line and field.

Form files come with report-kit (``formats/*.yaml``) or from a maintainer trying a new official form
(``REPORT_KIT_FORMATS``), so a missing key or a typo in a flag must say where it is, not surface later as
a KeyError inside a rule.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError

from report_kit import _fastyaml
from report_kit.errors import FormatError
from report_kit.formats._types import (
    REQUIREMENTS,
    SHAPES,
    TABLES,
    Block,
    Column,
    Format,
    Row,
    Section,
    Table,
)
from report_kit.i18n import _

PARAMS_KEYS = {"二": "table2", "三": "table3", "四": "table4"}
KINDS = ("count", "delta", "amount")
# Roles the rules and the narrative look rows and columns up by: a form without them cannot be checked.
NEEDED_ROW_ROLES = {"三": ("new", "carried_in", "handled_total", "carried_out")}
NEEDED_COLUMN_ROLES = {"四": ("upheld", "corrected", "other", "pending")}


class _Where:
    """File and YAML path of a node, for messages: ``2027.yaml:14: sections[6].requires``."""

    def __init__(self, source: str, node: Any, path: str, parent: Any = None, key: Any = None) -> None:
        self.source, self.node, self.path = source, node, path
        self.line = _line(parent, key) if parent is not None else _line(node, None)

    def fail(self, message: str) -> FormatError:
        at = f"{self.source}:{self.line}" if self.line else self.source
        field = self.path or _("form")
        return FormatError(f"{at}: {field}: {message}")

    def child(self, key: Any) -> _Where:
        node = self.node[key]
        path = f"{self.path}[{key}]" if isinstance(key, int) else (f"{self.path}.{key}" if self.path else str(key))
        return _Where(self.source, node, path, self.node, key)

    def need(self, key: str, kind: type | tuple[type, ...]) -> Any:
        if not isinstance(self.node, dict) or key not in self.node:
            raise self.fail(_("missing `{key}`").format(key=key))
        value = self.node[key]
        if not isinstance(value, kind) or (isinstance(value, bool) and bool not in _types(kind)):
            raise self.child(key).fail(_("must be {kind}, got {value}").format(kind=_kind_name(kind),
                                                                               value=repr(value)))
        return value

    def opt(self, key: str, kind: type | tuple[type, ...], default: Any) -> Any:
        if not isinstance(self.node, dict) or self.node.get(key) is None:
            return default
        return self.need(key, kind)


def _types(kind: type | tuple[type, ...]) -> tuple[type, ...]:
    return kind if isinstance(kind, tuple) else (kind,)


def _kind_name(kind: type | tuple[type, ...]) -> str:
    names = {str: _("text"), int: _("a whole number"), bool: _("true or false"), list: _("a list"),
             dict: _("a mapping")}
    return _(" or ").join(names.get(k, k.__name__) for k in _types(kind))


def _line(node: Any, key: Any) -> int | None:
    try:
        if isinstance(node, CommentedMap) and key is not None:
            return node.lc.key(key)[0] + 1
        if isinstance(node, CommentedSeq) and key is not None:
            return node.lc.item(key)[0] + 1
        if isinstance(node, (CommentedMap, CommentedSeq)):
            return node.lc.line + 1
    except (KeyError, IndexError, TypeError, AttributeError):
        return None
    return None


def _text(w: _Where, key: str) -> str:
    return str(w.need(key, (str, int)))


def _column(w: _Where) -> Column:
    label = _text(w, "label")
    kind = w.opt("kind", str, "count")
    if kind not in KINDS:
        raise w.child("kind").fail(_("must be one of {choices}, got {value}").format(choices=", ".join(KINDS),
                                                                                      value=repr(kind)))
    return Column(key=str(w.opt("key", (str, int), label)), label=label, kind=kind, group=w.opt("group", str, None),
                  total=w.opt("total", bool, False), role=w.opt("role", str, None), unit=w.opt("unit", str, None))


def _columns(w: _Where) -> tuple[Column, ...]:
    w.need("columns", list)
    cols = tuple(_column(w.child("columns").child(i)) for i in range(len(w.node["columns"])))
    keys = [c.key for c in cols]
    if dup := next((k for k in keys if keys.count(k) > 1), None):
        raise w.child("columns").fail(_("column key {key} appears twice; give one of them its own `key`").format(
            key=repr(dup)))
    return cols


def _row(w: _Where, block: str | None = None) -> Row:
    label = _text(w, "label")
    children: tuple[Row, ...] = ()
    if w.opt("children", list, None) is not None:
        kids = w.child("children")
        children = tuple(_row(kids.child(i), block) for i in range(len(kids.node)))
    key = None if children else str(w.opt("key", (str, int), label))
    return Row(key=key, label=label, num=str(w.opt("num", (str, int), "")), role=w.opt("role", str, None),
               children=children, block=block)


def _blocks(w: _Where, tid: str) -> Table:
    w.need("blocks", list)
    bw = w.child("blocks")
    blocks = []
    for i in range(len(bw.node)):
        b = bw.child(i)
        key = _text(b, "key")
        b.need("rows", list)
        rows = tuple(_row(b.child("rows").child(j), key) for j in range(len(b.node["rows"])))
        blocks.append(Block(key=key, head=_text(b, "head"), columns=_columns(b), rows=rows))
    return Table(id=tid, title=_text(w, "title"), shape="blocks", params_key=PARAMS_KEYS[tid],
                 rows=tuple(r for b in blocks for r in b.rows), blocks=tuple(blocks))


def _tree(w: _Where, tid: str) -> Table:
    w.need("rows", list)
    rows = tuple(_row(w.child("rows").child(i)) for i in range(len(w.node["rows"])))
    return Table(id=tid, title=_text(w, "title"), shape="tree", params_key=PARAMS_KEYS[tid], rows=rows,
                 columns=_columns(w), corner=str(w.opt("corner", str, "")),
                 applicant_head=str(w.opt("applicant_head", str, "")))


def _groups(w: _Where, tid: str) -> Table:
    # The groups are the table's rows; a group's `parent` (行政诉讼) is the header over its groups.
    w.need("groups", list)
    gw = w.child("groups")
    groups = []
    for i in range(len(gw.node)):
        g = gw.child(i)
        label = _text(g, "label")
        groups.append(Row(key=str(g.opt("key", (str, int), label)), label=label, role=g.opt("parent", str, None)))
    return Table(id=tid, title=_text(w, "title"), shape="groups", params_key=PARAMS_KEYS[tid], rows=tuple(groups),
                 columns=_columns(w))


_SHAPE_READERS = {"blocks": _blocks, "tree": _tree, "groups": _groups}


def _table(top: _Where, tid: str) -> Table:
    key = PARAMS_KEYS[tid]
    top.need(key, dict)
    w = top.child(key)
    shape = w.opt("shape", str, SHAPES[tid])
    if shape != SHAPES[tid]:
        # each official table has one layout; render, intake workbook and importers lay it out by shape
        raise w.child("shape").fail(_("table {table} is laid out as {shape}, got {value}").format(
            table=tid, shape=repr(SHAPES[tid]), value=repr(shape)))
    table = _SHAPE_READERS[shape](w, tid)
    keys = [r.key for r in table.data_rows()]
    if dup := next((k for k in keys if keys.count(k) > 1), None):
        raise w.fail(_("row key {key} appears twice; give one of the rows its own `key`").format(key=repr(dup)))
    for role in NEEDED_ROW_ROLES.get(tid, ()):
        if not any(r.role == role and r.key for r in table.data_rows()):
            raise w.fail(_("no figure row has role {role}; the balance rules and the narrative need it").format(
                role=repr(role)))
    for role in NEEDED_COLUMN_ROLES.get(tid, ()):
        if not any(c.role == role for c in table.columns):
            raise w.fail(_("no column has role {role}; the rules on table {table} need it").format(role=repr(role),
                                                                                                 table=tid))
    if shape != "blocks" and table.total_column is None:
        raise w.fail(_("no column is marked `total: true` (总计)"))
    return table


def _section(w: _Where) -> Section:
    requires = w.opt("requires", list, [])
    for i, flag in enumerate(requires):
        if flag not in REQUIREMENTS:
            raise w.child("requires").child(i).fail(_("unknown requirement {flag}; known: {known}").format(
                flag=repr(flag), known=", ".join(REQUIREMENTS)))
    heading = w.opt("heading", str, "")
    try:
        re.compile(heading)
    except re.error as exc:
        raise w.child("heading").fail(_("not a valid regular expression: {error}").format(error=exc)) from None
    table = w.opt("table", (str, int), None)
    if table is not None and str(table) not in TABLES:
        raise w.child("table").fail(_("must be one of {choices}, got {value}").format(choices=", ".join(TABLES),
                                                                                       value=repr(table)))
    return Section(num=_text(w, "num"), key=_text(w, "key"), title=_text(w, "title"),
                   table=None if table is None else str(table), analyst=w.opt("analyst", bool, False),
                   requires=frozenset(requires), heading=heading)


def _sections(top: _Where) -> tuple[Section, ...]:
    top.need("sections", list)
    sw = top.child("sections")
    sections = tuple(_section(sw.child(i)) for i in range(len(sw.node)))
    for attr in ("key", "num"):
        values = [getattr(s, attr) for s in sections]
        if dup := next((v for v in values if values.count(v) > 1), None):
            raise sw.fail(_("two sections have {attribute} {value}").format(attribute=attr, value=repr(dup)))
    for tid in TABLES:
        holders = [s.key for s in sections if s.table == tid]
        if len(holders) != 1:
            raise sw.fail(_("table {table} must be shown in exactly one section, found {n}").format(table=tid,
                                                                                                 n=len(holders)))
    if not any(s.analyst for s in sections):
        raise sw.fail(_("no section has `analyst: true`; the report needs at least its opening text"))
    for flag in REQUIREMENTS:
        holders = [s.key for s in sections if flag in s.requires]
        if len(holders) > 1:
            raise sw.fail(_("requirement {flag} is set on more than one section ({sections})").format(
                flag=repr(flag), sections=", ".join(holders)))
    return sections


def load_format(path: Path | str, text: str, expected_id: str | None = None) -> Format:
    """Parse and check one form file; FormatError names the file, line and field of any mistake."""
    source = str(path)
    try:
        # libyaml first (~40× faster than ruamel's pure-Python reader: every short command reads the forms); any
        # doubt, the line-aware reader reads it again, so that a mistake is reported with its line
        return _build(source, _fastyaml.load(text), expected_id)
    except Exception:
        pass
    try:
        data = YAML(typ="rt").load(text)
    except YAMLError as exc:
        raise FormatError(_("{path}: malformed YAML: {error}").format(path=source, error=exc)) from None
    return _build(source, data, expected_id)


def _build(source: str, data: Any, expected_id: str | None) -> Format:
    top = _Where(source, data, "")
    if not isinstance(data, dict):
        raise top.fail(_("the form file must be a YAML mapping (id: …, sections: …, table2: …)"))
    fid = _text(top, "id")
    if expected_id is not None and fid != expected_id:
        raise top.child("id").fail(_("is {id} but the file is named {name}; make them agree").format(
            id=repr(fid), name=f"{expected_id}.yaml"))
    first, last = top.need("first_year", int), top.opt("last_year", int, None)
    if last is not None and last < first:
        raise top.child("last_year").fail(_("{last} is before first_year {first}").format(last=last, first=first))
    title = _text(top, "title")
    if "{agency}" not in title or "{year}" not in title:
        raise top.child("title").fail(_("must contain {agency} and {year}"))
    return Format(id=fid, notice=_text(top, "notice"), first_year=first, last_year=last, title=title,
                  sections=_sections(top), tables={tid: _table(top, tid) for tid in TABLES}, source=source)
