"""Params files: one YAML document per agency-year, read with line numbers and written back.

``load(path)`` returns a validated ``AgencyYear`` or raises ``ParamsError`` listing every problem
as ``file:line: field (official label): what is wrong``. ``dump(ay)`` and ``scaffold(...)`` write
the same layout, with every cell present and its official label beside it as a comment.
"""

from __future__ import annotations

import difflib
import hashlib
import io
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.scalarstring import LiteralScalarString

from report_kit import _fastyaml
from report_kit.errors import ParamsError, Problem
from report_kit.formats import Format, available, format_for_year, get_format
from report_kit.model import (
    MAX_FIGURE,
    TABLE_KEYS,
    TEXT_KEYS,
    AgencyYear,
    blank_tables,
    from_document,
    schema_for,
)

MAX_BYTES = 2 * 1024 * 1024  # a complete params file is ~5 KB; more is not a params file
MAX_NODES = 20_000  # guards against alias expansion ("billion laughs") and runaway nesting
MAX_DEPTH = 12

SAFE_TAGS = {f"tag:yaml.org,2002:{t}" for t in ("str", "int", "float", "bool", "null", "map", "seq")}

META_LABELS = {
    "agency": "机关名称",
    "short_name": "简称",
    "slug": "目录名",
    "year": "报告年度",
    "format": "报告格式",
    "body": "机关类型",
    "level": "行政层级",
    "published": "发布日期",
    "text": "分析文字",
    "facts": "补充数据",
    "catalogue": "公开目录条数",
    "fee": "信息处理费",
    "narrative": "自动生成的段落",
    "acknowledged": "已确认的检查结果",
}


# ---------------------------------------------------------------------------------------- reading


def read_text(path: Path) -> str:
    """The file as text: UTF-8 with or without BOM; anything else is a clear error."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ParamsError(path, [Problem(str(path), None, "", None, f"cannot read: {exc.strerror}")]) from None
    if size > MAX_BYTES:
        raise ParamsError(path, [Problem(str(path), None, "", None,
                                         f"file is {size:,} bytes; a params file is a few KB (limit {MAX_BYTES:,})")])
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        hint = ""
        try:
            raw.decode("gb18030")
            hint = " (it looks like GBK/GB18030: save it as UTF-8)"
        except UnicodeDecodeError:
            pass
        raise ParamsError(path, [Problem(str(path), line, "", None, f"not UTF-8 text{hint}")]) from None
    if "\x00" in text:
        raise ParamsError(path, [Problem(str(path), text[: text.index("\x00")].count("\n") + 1, "", None,
                                         "contains NUL bytes: this is not a YAML text file")])
    return text.replace("\r\n", "\n")


def _yaml() -> YAML:
    y = YAML(typ="rt")
    y.allow_duplicate_keys = False
    return y


def parse_yaml(text: str, path: str) -> CommentedMap:
    """The YAML document with its line map, or ParamsError with the YAML error's line."""
    try:
        doc = _yaml().load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        what = (exc.problem or str(exc)).strip()
        if "duplicate key" in what or "found duplicate key" in str(exc):
            what = "a key appears twice in the same mapping; keep one"
        raise ParamsError(path, [Problem(path, line, "", None, f"malformed YAML: {what}")]) from None
    except RecursionError:
        raise ParamsError(path, [Problem(path, None, "", None,
                                         "malformed YAML: nested far too deeply for a params file")]) from None
    except (YAMLError, ValueError) as exc:
        raise ParamsError(path, [Problem(path, None, "", None, f"malformed YAML: {exc}")]) from None
    if not isinstance(doc, CommentedMap):
        raise ParamsError(path, [Problem(path, 1, "", None,
                                         "the file must be a YAML mapping (agency: …, year: …, table2: …)")])
    _check_shape(doc, path)
    return doc


def _check_shape(doc: Any, path: str) -> None:
    """Refuse alias bombs, deep nesting and tagged objects before anything walks the tree."""
    count = 0
    stack: list[tuple[Any, int]] = [(doc, 0)]
    while stack:
        node, depth = stack.pop()
        count += 1
        if count > MAX_NODES or depth > MAX_DEPTH:
            raise ParamsError(path, [Problem(path, None, "", None,
                                             "document is too large or nested far too deeply for a params file "
                                             "(YAML anchors/aliases expanding?)")])
        tag = getattr(getattr(node, "tag", None), "value", None)
        if tag is not None and tag not in SAFE_TAGS:
            raise ParamsError(path, [Problem(path, None, "", None,
                                             f"YAML tag {tag} is not allowed in a params file")])
        if isinstance(node, dict):
            stack.extend((v, depth + 1) for v in node.values())
            stack.extend((k, depth + 1) for k in node)
        elif isinstance(node, list):
            stack.extend((v, depth + 1) for v in node)


def _plain(node: Any) -> Any:
    if isinstance(node, dict):
        return {(str(k) if not isinstance(k, (int, float)) else k): _plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_plain(v) for v in node]
    if isinstance(node, str):
        return str(node)
    return node


def _line_of(doc: CommentedMap, loc: Iterable[Any]) -> int | None:
    """1-based line of the deepest node of ``loc`` that exists in the document."""
    node: Any = doc
    line: int | None = None
    for part in loc:
        if isinstance(node, CommentedMap) and part in node:
            if node.lc.data and part in node.lc.data:
                line = node.lc.key(part)[0] + 1
            node = node[part]
        elif isinstance(node, CommentedSeq) and isinstance(part, int) and 0 <= part < len(node):
            line = node.lc.item(part)[0] + 1
            node = node[part]
        else:
            if isinstance(node, (CommentedMap, CommentedSeq)) and line is None:
                line = node.lc.line + 1
            break
    return line


def field_label(fmt: Format | None, loc: tuple[Any, ...]) -> tuple[str, str | None]:
    """Dotted field name and its official Chinese label for a location in the document."""
    name = ".".join(str(p) for p in loc)
    if not loc:
        return "", None
    head = loc[0]
    table_id = next((t for t, k in TABLE_KEYS.items() if k == head), None)
    if table_id and fmt:
        table = fmt.table(table_id)
        try:
            if len(loc) >= 3:
                return name, f"{table.title} {table.cell_label(str(loc[1]), str(loc[2]))}"
            if len(loc) == 2:
                return name, f"{table.title} {table.row_label(str(loc[1]))}"
        except (KeyError, StopIteration):
            pass
        return name, table.title
    if head == "text" and len(loc) >= 2 and fmt:
        try:
            return name, fmt.section(str(loc[1])).title
        except StopIteration:
            return name, META_LABELS["text"]
    last = next((str(p) for p in reversed(loc) if str(p) in META_LABELS), None)
    return name, META_LABELS.get(last) if last else None


def _known_keys(fmt: Format, loc: tuple[Any, ...]) -> list[str]:
    """Keys allowed at the mapping that holds ``loc[-1]``, for did-you-mean hints."""
    parent = loc[:-1]
    if not parent:
        return list(schema_for(fmt.id).model_fields.keys())
    table_id = next((t for t, k in TABLE_KEYS.items() if k == parent[0]), None)
    if table_id:
        table = fmt.table(table_id)
        if len(parent) == 1:
            return [r.key or "" for r in table.data_rows()]
        try:
            return [c.key for c in table.columns_of(str(parent[1]))]
        except KeyError:
            return []
    if parent == ("text",):
        return list(TEXT_KEYS)
    return []


def _other_format_owner(fmt: Format, loc: tuple[Any, ...]) -> str | None:
    for fid in available():
        if fid == fmt.id:
            continue
        other = get_format(fid)
        table_id = next((t for t, k in TABLE_KEYS.items() if k == loc[0]), None)
        if not table_id:
            return None
        table = other.table(table_id)
        try:
            if len(loc) == 2:
                table.row(str(loc[1]))
                return fid
            if len(loc) == 3:
                table.column(str(loc[1]), str(loc[2]))
                return fid
        except KeyError:
            continue
    return None


def _message(fmt: Format, err: dict[str, Any]) -> str:
    kind, value, loc = err["type"], err.get("input"), tuple(err["loc"])
    shown = repr(value) if not isinstance(value, (dict, list)) else type(value).__name__
    in_table = bool(loc) and loc[0] in TABLE_KEYS.values()
    if kind == "extra_forbidden":
        owner = _other_format_owner(fmt, loc)
        if owner:
            return (f"belongs to the {owner} format ({get_format(owner).notice}), not to the "
                    f"{fmt.id} format this file declares; remove it or fix `format`")
        close = difflib.get_close_matches(str(loc[-1]), _known_keys(fmt, loc), n=1, cutoff=0.5)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        return f"unknown key{hint}"
    if kind == "missing":
        if in_table:
            return "missing; every cell must be present (write null for a blank cell)"
        return "missing; this field is required"
    if kind in {"int_type", "int_parsing", "int_from_float"}:
        return f"must be a whole number of 件/项 (or null for blank), got {shown}" if in_table else \
            f"must be a whole number, got {shown}"
    if kind in {"decimal_type", "decimal_parsing", "value_error"} and "金额" in str(err.get("msg")):
        return f"must be a number (金额) or null, got {shown}"
    if kind in {"decimal_type", "decimal_parsing", "finite_number"}:
        return f"must be a finite number or null, got {shown}"
    if kind in {"greater_than_equal", "greater_than"}:
        return f"must not be negative, got {shown}"
    if kind in {"less_than_equal", "less_than"}:
        lim = err.get("ctx", {}).get("le", MAX_FIGURE)
        return f"is implausibly large (limit {lim}), got {shown}"
    if kind == "bool_type":
        return f"must be true or false, got {shown}"
    if kind in {"string_type"}:
        return f"must be text, got {shown}"
    if kind in {"model_type", "dict_type", "model_attributes_type"}:
        return f"must be a mapping of keys to values, got {shown}"
    msg = str(err.get("msg", kind)).removeprefix("Value error, ")
    return f"{msg}, got {shown}" if value is not None and "got" not in msg else msg


def validate(doc: CommentedMap, path: str) -> AgencyYear:
    """Validate a parsed document against the format it declares; every problem at once."""
    data = _plain(doc)
    problems: list[Problem] = []
    fid = data.get("format")
    fid = str(fid) if isinstance(fid, int) else fid
    if isinstance(fid, str) and fid in available():
        fmt = get_format(fid)
    else:
        year = data.get("year")
        fmt = format_for_year(year) if isinstance(year, int) and 2019 <= year <= 2100 else get_format(available()[-1])
        if fid is not None:
            data["format"] = fid  # let the schema report the wrong value with its line
    data["format"] = fid if fid is not None else data.get("format")
    try:
        doc_model = schema_for(fmt.id).model_validate(data)
    except ValidationError as exc:
        for err in exc.errors(include_url=False):
            loc = tuple(err["loc"])
            name, label = field_label(fmt, loc)
            problems.append(Problem(path, _line_of(doc, loc), name, label, _message(fmt, err)))
        raise ParamsError(path, problems) from None
    return from_document(doc_model, source=path)


def _fast(text: str, path: str) -> AgencyYear | None:
    """The validated agency-year when the file is valid; None sends the caller down the slow path."""
    try:
        data = _fastyaml.load(text)
        if not isinstance(data, dict):
            return None
        _check_shape(data, path)
        fid = data.get("format")
        if not isinstance(fid, str) or fid not in available():
            return None
        return from_document(schema_for(fid).model_validate(data), source=path)
    except Exception:  # any doubt: the line-aware parser decides and explains
        return None


def loads(text: str, path: str = "<params>") -> AgencyYear:
    fast = _fast(text, path)
    if fast is not None:
        return fast
    return validate(parse_yaml(text, path), path)


def load(path: str | Path, expected_sha256: str | None = None) -> AgencyYear:
    """Read and validate one params file; with ``expected_sha256``, refuse a file that changed."""
    p = Path(path)
    if expected_sha256 and content_hash(p) != expected_sha256:
        raise ParamsError(path, [Problem(str(path), None, "", None,
                                         "the file changed after this run was scheduled; run it again")])
    return loads(read_text(p), str(path))


def content_hash(path: str | Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


# ---------------------------------------------------------------------------------------- writing


def _yaml_value(v: Any) -> Any:
    if isinstance(v, Decimal):
        return int(v) if v == v.to_integral_value() else float(v)
    return v


def to_document(ay: AgencyYear) -> CommentedMap:
    """The params document of an agency-year, commented with the official labels."""
    fmt = ay.fmt
    doc = CommentedMap()
    doc["agency"] = ay.agency
    doc["short_name"] = ay.short_name
    doc["slug"] = ay.slug
    doc["year"] = ay.year
    doc["format"] = fmt.id
    doc["body"] = ay.body
    doc["level"] = ay.level
    doc["published"] = ay.published.isoformat() if ay.published else None
    for key in ("agency", "short_name", "year", "published", "level"):
        doc.yaml_add_eol_comment(META_LABELS[key], key)
    doc.yaml_add_eol_comment(f"{fmt.notice}, report years {fmt.years}", "format")
    doc.yaml_add_eol_comment("department 部门 (deadline 1月31日) | government 本级政府 (3月31日)", "body")
    doc.yaml_add_eol_comment("lowercase letters, digits, hyphens: the output folder name", "slug")

    for tid, key in TABLE_KEYS.items():
        table = fmt.table(tid)
        tmap = CommentedMap()
        for row in table.data_rows():
            rk = row.key or ""
            rmap = CommentedMap()
            for col in table.columns_of(rk):
                rmap[col.key] = _yaml_value(ay.tables[tid][rk][col.key])
            rmap.fa.set_flow_style()
            tmap[rk] = rmap
            tmap.yaml_add_eol_comment(table.row_label(rk), rk)
        doc[key] = tmap
        doc.yaml_set_comment_before_after_key(key, before="\n" + table.title)

    text = CommentedMap()
    for tk in TEXT_KEYS:
        value = ay.text.get(tk)
        text[tk] = LiteralScalarString(value.rstrip("\n") + "\n") if value else None
        text.yaml_set_comment_before_after_key(tk, before=fmt.section(tk).title, indent=2)
    doc["text"] = text
    doc.yaml_set_comment_before_after_key(
        "text", before="\n分析文字 (一 总体情况, 五 问题及改进, 六 其他事项): the analyst's own text")

    facts = CommentedMap()
    cat = CommentedSeq()
    for name, n in ay.catalogue or ():
        entry = CommentedMap(目录=name, 条数=n)
        entry.fa.set_flow_style()
        cat.append(entry)
    facts["catalogue"] = cat if ay.catalogue is not None else None
    facts.yaml_add_eol_comment("公开目录及本年发布条数 (optional)", "catalogue")
    fee = CommentedMap(charged=ay.fee_charged, amount=_yaml_value(ay.fee_amount))
    fee.fa.set_flow_style()
    facts["fee"] = fee
    facts.yaml_add_eol_comment("信息处理费: charged true/false, amount in 元", "fee")
    doc["facts"] = facts
    doc.yaml_set_comment_before_after_key("facts", before="\n补充数据: optional facts the narrative uses")
    if ay.acknowledged:
        doc["acknowledged"] = dict(ay.acknowledged)
    return doc


def dumps(ay: AgencyYear) -> str:
    buf = io.StringIO()
    y = _yaml()
    y.width = 4096
    y.indent(mapping=2, sequence=4, offset=2)
    header = f"# {ay.title}: params (report-kit)\n"
    y.dump(to_document(ay), buf)
    return header + buf.getvalue()


def scaffold(agency: str, slug: str, year: int, short_name: str | None = None,
             format_id: str | None = None) -> str:
    """A complete params file with every cell blank (null) and its official label beside it."""
    fmt = get_format(format_id) if format_id else format_for_year(year)
    ay = AgencyYear(fmt=fmt, agency=agency, slug=slug, year=year, tables=blank_tables(fmt),
                    short_name=short_name, text=dict.fromkeys(TEXT_KEYS, ""), catalogue=None)
    text = dumps(ay)
    loads(text, "<scaffold>")  # the scaffold must itself be valid params
    return text
