"""Params files: one YAML document per agency-year, read with line numbers and written back.

``load(path)`` returns a validated ``AgencyYear`` or raises ``ParamsError`` listing every problem
as ``file:line: field (official label): what is wrong``. ``dump(ay)`` and ``scaffold(...)`` write
the same layout, with every cell present and its official label beside it as a comment.
"""

from __future__ import annotations

import contextlib
import datetime
import difflib
import hashlib
import io
import re
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.scalarstring import LiteralScalarString

from report_kit import _fastyaml
from report_kit._readers import read_limited
from report_kit.errors import InputFileError, ParamsError, Problem
from report_kit.formats import Format, available, format_for_year, get_format
from report_kit.i18n import N_, _
from report_kit.model import (
    MAX_FIGURE,
    AgencyYear,
    blank_tables,
    from_document,
    schema_for,
)

MAX_BYTES = 2 * 1024 * 1024  # a complete params file is ~5 KB; more is not a params file
MAX_NODES = 20_000  # guards against alias expansion ("billion laughs") and runaway nesting
MAX_DEPTH = 12

SAFE_TAGS = {f"tag:yaml.org,2002:{t}" for t in ("str", "int", "float", "bool", "null", "map", "seq")}
_PLAIN_TYPES = (str, int, float, type(None), dict, list, datetime.date)  # what the safe tags (and dates) build

META_LABELS = {
    "agency": "机关名称",
    "short_name": "简称",
    "slug": "目录名",
    "year": "报告年度",
    "format": "报告格式",
    "body": "机关类型",
    "level": "行政层级",
    "published": "发布日期",
    "dated": "成文日期",
    "text": "分析文字",
    "facts": "补充数据",
    "catalogue": "公开目录条数",
    "fee": "信息处理费",
    "narrative": "自动生成的段落",
    "acknowledged": "已确认的检查结果",
}


# ---------------------------------------------------------------------------------------- reading


def read_bytes(path: Path) -> bytes:
    """The file's bytes: a regular file of at most MAX_BYTES (a FIFO, a device or a folder is refused)."""
    try:
        return read_limited(path, MAX_BYTES, what=N_("a params file is a few KB"))
    except InputFileError as exc:
        raise ParamsError(path, [Problem(str(path), None, "", None, exc.reason)]) from None


def read_text(path: Path) -> str:
    """The file as text: UTF-8 with or without BOM; anything else is a clear error."""
    return decode(read_bytes(path), path)


def decode(raw: bytes, path: Path) -> str:
    """Params text from the file's bytes (see read_text)."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        hint = ""
        try:
            raw.decode("gb18030")
            hint = _(" (it looks like GBK/GB18030: save it as UTF-8)")
        except UnicodeDecodeError:
            pass
        message = _("not UTF-8 text{hint}").format(hint=hint)
        raise ParamsError(path, [Problem(str(path), line, "", None, message)]) from None
    if "\x00" in text:
        raise ParamsError(path, [Problem(str(path), text[: text.index("\x00")].count("\n") + 1, "", None,
                                         _("contains NUL bytes: this is not a YAML text file"))])
    return text.replace("\r\n", "\n")


def _yaml() -> YAML:
    y = YAML(typ="rt")
    y.allow_duplicate_keys = False
    return y


# The YAML parser's problems (English) as our messages, by pattern; any other says where without the parser's text.
YAML_PROBLEMS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"duplicate key"), N_("a key appears twice in the same mapping; keep one")),
    (re.compile(r"expected ',' or '[\]}]'"), N_("a [ or { is not closed")),
    (re.compile(r"mapping values are not allowed"), N_("a colon where none belongs (quote text that holds ': ')")),
    (re.compile(r"could not find expected ':'"), N_("a key without its colon")),
    (re.compile(r"found character '\\t'"), N_("a tab where YAML needs spaces: indent with spaces")),
    (re.compile(r"cannot start any token"), N_("a character that cannot start a value here: quote the value")),
    (re.compile(r"found unexpected end of stream|found unknown escape|while scanning a (?:double|single)-quoted"),
     N_("a quoted value is not closed or holds a bad escape")),
    (re.compile(r"expected <block end>|expected <block mapping start>|bad indentation"),
     N_("the indentation does not line up with the lines above")),
    (re.compile(r"undefined alias|found undefined"), N_("an alias (*name) without its anchor (&name)")),
]


def _yaml_problem(exc: MarkedYAMLError) -> str:
    text = f"{exc.context or ''} {exc.problem or ''} {exc}"
    mark = exc.problem_mark or exc.context_mark
    for pattern, message in YAML_PROBLEMS:
        if pattern.search(text):
            return _(message)
    return _("the text cannot be read as YAML near column {column}").format(column=mark.column + 1 if mark else "?")


def parse_yaml(text: str, path: str) -> CommentedMap:
    """The YAML document with its line map, or ParamsError with the YAML error's line."""
    try:
        doc = _yaml().load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        message = _("malformed YAML: {what}").format(what=_yaml_problem(exc))
        raise ParamsError(path, [Problem(path, line, "", None, message)]) from None
    except RecursionError:
        raise ParamsError(path, [Problem(path, None, "", None,
                                         _("malformed YAML: nested far too deeply for a params file"))]) from None
    except (YAMLError, ValueError):
        message = _("malformed YAML: {what}").format(what=_("the text cannot be read as YAML"))
        raise ParamsError(path, [Problem(path, None, "", None, message)]) from None
    if not isinstance(doc, CommentedMap):
        raise ParamsError(path, [Problem(path, 1, "", None,
                                         _("the file must be a YAML mapping (agency: …, year: …, table2: …)"))])
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
                                             _("document is too large or nested far too deeply for a params "
                                               "file (YAML anchors/aliases expanding?)"))])
        tag = getattr(getattr(node, "tag", None), "value", None)
        if tag is None and not isinstance(node, _PLAIN_TYPES):  # values that carry no tag object (!!binary)
            tag = "tag:yaml.org,2002:binary" if isinstance(node, bytes) else type(node).__name__
        if tag is not None and tag not in SAFE_TAGS:
            raise ParamsError(path, [Problem(path, None, "", None,
                                             _("YAML tag {tag} is not allowed in a params file").format(tag=tag))])
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
    table = fmt.table_by_params_key(str(head)) if fmt else None
    if table is not None:
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
    table = fmt.table_by_params_key(str(parent[0]))
    if table is not None:
        if len(parent) == 1:
            return [key for key, _ in table.figure_rows()]
        try:
            return [c.key for c in table.columns_of(str(parent[1]))]
        except KeyError:
            return []
    if parent == ("text",):
        return list(fmt.text_keys)
    if parent == ("narrative",):
        return [s.key for s in fmt.sections]
    return []


def _other_format_owner(fmt: Format, loc: tuple[Any, ...]) -> str | None:
    for fid in available():
        if fid == fmt.id:
            continue
        table = get_format(fid).table_by_params_key(str(loc[0]))
        if table is None:
            return None
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


# pydantic error type → our message (msgid of the catalogue). Placeholders: {value} the value found, {limit} a
# bound, {choices} the allowed values. pydantic's own English is never shown: a type missing here gets GENERIC.
MESSAGES: dict[str, str] = {
    "missing": N_("missing; this field is required"),
    "int_type": N_("must be a whole number, got {value}"),
    "greater_than_equal": N_("must not be negative, got {value}"),
    "less_than_equal": N_("is implausibly large (limit {limit}), got {value}"),
    "bool_type": N_("must be true or false, got {value}"),
    "string_type": N_("must be text, got {value}"),
    "string_too_short": N_("must not be empty"),
    "string_too_long": N_("is too long (at most {limit} characters)"),
    "model_type": N_("must be a mapping of keys to values, got {value}"),
    "list_type": N_("must be a list, got {value}"),
    "literal_error": N_("must be one of {choices}, got {value}"),
    "date_type": N_("must be a date written YYYY-MM-DD, got {value}"),
    "decimal_type": N_("must be a finite number or null, got {value}"),
    "amount_text": N_("must be a number (金额) or null, got {value}"),
    "format_unknown": N_("must be one of {choices} (the official format's year)"),
    "slug_invalid": N_("must be lowercase letters, digits and single hyphens (it becomes a folder name), "
                       "e.g. 'zhuzhou-county-kgxj'; got {value}"),
}
# pydantic types that say the same thing to a person as one of the types above
SAME_AS = {
    "int_parsing": "int_type", "int_from_float": "int_type", "greater_than": "greater_than_equal",
    "less_than": "less_than_equal", "bool_parsing": "bool_type", "dict_type": "model_type",
    "model_attributes_type": "model_type", "date_parsing": "date_type", "date_from_datetime_parsing": "date_type",
    "date_from_datetime_inexact": "date_type", "datetime_type": "date_type", "decimal_parsing": "decimal_type",
    "finite_number": "decimal_type", "float_type": "decimal_type", "float_parsing": "decimal_type",
    "too_short": "string_too_short",
}
IN_TABLE = {
    "missing": N_("missing; every cell must be present (write null for a blank cell)"),
    "int_type": N_("must be a whole number of 件/项 (or null for blank), got {value}"),
}
GENERIC = N_("is not a valid value ({kind}), got {value}")


def _message(fmt: Format, err: dict[str, Any]) -> str:
    """Our message for one pydantic error, chosen by its type (never pydantic's English text)."""
    kind, value, loc = err["type"], err.get("input"), tuple(err["loc"])
    ctx = err.get("ctx") or {}
    shown = _("a mapping") if isinstance(value, dict) else _("a list") if isinstance(value, list) else repr(value)
    in_table = bool(loc) and fmt.table_by_params_key(str(loc[0])) is not None
    if kind == "extra_forbidden":
        owner = _other_format_owner(fmt, loc)
        if owner:
            return _("belongs to the {owner} format ({notice}), not to the {format} format this file declares; "
                     "remove it or fix `format`").format(owner=owner, notice=get_format(owner).notice, format=fmt.id)
        close = difflib.get_close_matches(str(loc[-1]), _known_keys(fmt, loc), n=1, cutoff=0.5)
        return _("unknown key; did you mean {key!r}?").format(key=close[0]) if close else _("unknown key")
    kind = SAME_AS.get(kind, kind)
    template = (IN_TABLE.get(kind) if in_table else None) or MESSAGES.get(kind, GENERIC)
    limit = ctx.get("le", ctx.get("lt", ctx.get("max_length", MAX_FIGURE)))
    choices = ctx.get("choices") or ", ".join(str(ctx.get("expected", "")).split("'")[1::2])  # 'a' or 'b'→a, b
    return _(template).format(value=shown, limit=limit, choices=choices, kind=kind)


# C0 controls but tab and newline, DEL and C1: invisible in an editor, refused by python-docx (.docx), shown
# raw in review pages and able to rewrite a terminal. Importers clean what documents legitimately carry.
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _control_message(ch: str) -> str:
    return _("contains the control character {code}; remove it (text may hold line breaks and tabs, no other "
             "invisible characters)").format(code=f"U+{ord(ch):04X}")


def _visible(text: str) -> str:
    """The text with its control characters written as escapes (a key holding one, shown in a message)."""
    return CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def _strings(node: Any, loc: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], str]]:
    """(location, text) of every string key and value in a parsed document."""
    if isinstance(node, dict):
        for k, v in node.items():
            if isinstance(k, str):
                yield (*loc, k), k
            yield from _strings(v, (*loc, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _strings(v, (*loc, i))
    elif isinstance(node, str):
        yield loc, node


def control_problems(doc: CommentedMap, path: str,
                     label_of: Callable[[tuple[Any, ...]], tuple[str, str | None]]) -> list[Problem]:
    """A located problem for each key or value holding a control character (written as a YAML escape)."""
    out = []
    for loc, text in _strings(doc):
        if m := CONTROL.search(text):
            name, label = label_of(loc)
            out.append(Problem(path, _line_of(doc, loc), _visible(name), label, _control_message(m.group())))
    return out


def _positions(node: Any, loc: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[int, int], tuple[Any, ...]]]:
    """((line, column), location) of every mapping key and sequence item, 0-based as ruamel keeps them."""
    if isinstance(node, CommentedMap):
        for k, v in node.items():
            with contextlib.suppress(KeyError, TypeError, AttributeError):
                yield tuple(node.lc.key(k)), (*loc, k)  # type: ignore[misc]
            yield from _positions(v, (*loc, k))
    elif isinstance(node, CommentedSeq):
        for i, v in enumerate(node):
            with contextlib.suppress(KeyError, TypeError, AttributeError):
                yield tuple(node.lc.item(i)), (*loc, i)  # type: ignore[misc]
            yield from _positions(v, (*loc, i))


def _raw_control_problems(text: str, path: str) -> list[Problem]:
    """Control characters typed into the file itself: YAML refuses them without saying where, so the field
    is found by parsing a copy with the characters blanked out (the key at or before each one)."""
    bad = [(m.start(), m.group()) for m in CONTROL.finditer(text)]
    if not bad:
        return []
    doc: Any = None
    with contextlib.suppress(Exception):  # a copy that still does not parse: lines without fields
        doc = _yaml().load(CONTROL.sub(" ", text))
    entries = sorted(_positions(doc)) if isinstance(doc, CommentedMap) else []
    fmt = None
    if isinstance(doc, CommentedMap):
        fid, year = doc.get("format"), doc.get("year")
        with contextlib.suppress(Exception):
            fmt = get_format(str(fid)) if str(fid) in available() else format_for_year(int(year))
    out: list[Problem] = []
    seen: set[tuple[int, str]] = set()
    for pos, ch in bad:
        line = text.count("\n", 0, pos)
        col = pos - (text.rfind("\n", 0, pos) + 1)
        loc = next((loc for at, loc in reversed(entries) if at <= (line, col)), ())
        name, label = field_label(fmt, loc) if loc else ("", None)
        if (line, name) not in seen:
            seen.add((line, name))
            out.append(Problem(path, line + 1, name, label, _control_message(ch)))
    return out


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
    problems.extend(control_problems(doc, path, lambda loc: field_label(fmt, loc)))
    try:
        doc_model = schema_for(fmt.id).model_validate(data)
    except ValidationError as exc:
        for err in exc.errors(include_url=False):
            loc = tuple(err["loc"])
            name, label = field_label(fmt, loc)
            problems.append(Problem(path, _line_of(doc, loc), name, label, _message(fmt, err)))
    if problems:
        raise ParamsError(path, problems)
    return from_document(doc_model, source=path)


def _fast(text: str, path: str) -> AgencyYear | None:
    """The validated agency-year when the file is valid; None sends the caller down the slow path."""
    try:
        # refuses what _check_shape and control_problems would (plain values carry no tags), while it builds
        data = _fastyaml.load(text, refuse=CONTROL, max_nodes=MAX_NODES, max_depth=MAX_DEPTH)
        if not isinstance(data, dict):
            return None
        fid = data.get("format")
        if not isinstance(fid, str) or fid not in available():
            return None
        return from_document(schema_for(fid).model_validate(data), source=path)
    except Exception:  # any doubt: the line-aware parser decides and explains
        return None


def loads(text: str, path: str = "<params>") -> AgencyYear:
    raw_controls = _raw_control_problems(text, path)
    if raw_controls:
        raise ParamsError(path, raw_controls)
    fast = _fast(text, path)
    if fast is not None:
        return fast
    return validate(parse_yaml(text, path), path)


def load(path: str | Path, expected_sha256: str | None = None) -> AgencyYear:
    """Read and validate one params file; with ``expected_sha256``, refuse a file that changed."""
    p = Path(path)
    raw = read_bytes(p)  # read once: the hash and the content are of the same bytes
    if expected_sha256 and hashlib.sha256(raw).hexdigest() != expected_sha256:
        raise ParamsError(path, [Problem(str(path), None, "", None,
                                         _("the file changed after this run was scheduled; run it again"))])
    return loads(decode(raw, p), str(path))


def content_hash(path: str | Path) -> str:
    return hashlib.sha256(read_bytes(Path(path))).hexdigest()


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
    if ay.dated is not None:  # written only when set: params without it keep their bytes
        doc["dated"] = ay.dated.isoformat()
    for key in ("agency", "short_name", "year", "published", "level") + (("dated",) if ay.dated else ()):
        doc.yaml_add_eol_comment(META_LABELS[key], key)
    doc.yaml_add_eol_comment(f"{fmt.notice}, report years {fmt.years}", "format")
    doc.yaml_add_eol_comment("department 部门 (deadline 1月31日) | government 本级政府 (3月31日)", "body")
    doc.yaml_add_eol_comment("lowercase letters, digits, hyphens: the output folder name", "slug")

    for tid, table in fmt.tables.items():
        key = table.params_key
        tmap = CommentedMap()
        for rk, _label in table.figure_rows():
            rmap = CommentedMap()
            for col in table.columns_of(rk):
                rmap[col.key] = _yaml_value(ay.tables[tid][rk][col.key])
            rmap.fa.set_flow_style()
            tmap[rk] = rmap
            tmap.yaml_add_eol_comment(table.row_label(rk), rk)
        doc[key] = tmap
        doc.yaml_set_comment_before_after_key(key, before="\n" + table.title)

    text = CommentedMap()
    for tk in fmt.text_keys:
        value = ay.text.get(tk)
        text[tk] = LiteralScalarString(value.rstrip("\n") + "\n") if value else None
        text.yaml_set_comment_before_after_key(tk, before=fmt.section(tk).title, indent=2)
    doc["text"] = text
    written = ", ".join(f"{s.num} {s.key}" for s in fmt.analyst_sections)
    doc.yaml_set_comment_before_after_key("text", before=f"\n分析文字 ({written}): the analyst's own text")

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
                    short_name=short_name, text=dict.fromkeys(fmt.text_keys, ""), catalogue=None)
    # the 成文日期 line is offered in the scaffold (dumps writes it only when set, so old files keep their bytes)
    dated = "dated: # 成文日期 (落款), e.g. 2025-01-20; blank: the 发布日期\n"
    text = dumps(ay).replace("\npublished: # 发布日期\n", "\npublished: # 发布日期\n" + dated, 1)
    loads(text, "<scaffold>")  # the scaffold must itself be valid params
    return text
