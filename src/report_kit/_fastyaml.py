"""A fast YAML 1.2 reader for params files that are (almost always) valid.

ruamel's round-trip parser keeps line numbers for error messages but is pure Python (~18 ms per
params file). libyaml through PyYAML's C loader is ~15× faster. ``params.loads`` tries this reader
first and falls back to ruamel whenever anything is off, so messages keep their lines.

PyYAML resolves plain scalars by YAML 1.1 (``yes`` → True, ``010`` → 8, ``1:30`` → 90); ruamel by
YAML 1.2. To give identical values, this loader uses the YAML 1.2 core schema resolvers only.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar

import yaml

_Base: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class DuplicateKey(ValueError):
    pass


class Core12Loader(_Base):  # type: ignore[misc,valid-type]
    """Safe loader with YAML 1.2 core-schema implicit typing and duplicate keys refused."""

    yaml_implicit_resolvers: ClassVar[dict[str | None, list[tuple[str, re.Pattern[str]]]]] = {}
    _resolved: ClassVar[dict[tuple[Any, ...], str]] = {}

    def construct_mapping(self, node: Any, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            if key in seen:
                raise DuplicateKey(key)
            seen.add(key)
        return super().construct_mapping(node, deep=deep)

    def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
        # libyaml's composer asks for the tag of every scalar (a regular-expression match in Python): a params
        # file repeats few short values (0, null, its keys), so short ones are resolved once per process.
        # The answer depends on nothing else (no path resolvers are set).
        if kind is not yaml.ScalarNode or len(value) > 24:
            return super().resolve(kind, value, implicit)  # type: ignore[no-any-return]
        key = (value, implicit)
        tag = self._resolved.get(key)
        if tag is None:
            tag = super().resolve(kind, value, implicit)
            if len(self._resolved) < 4096:
                self._resolved[key] = tag
        return tag


_RESOLVERS = [
    ("tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)$", [*"~nN", ""]),
    ("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", list("tTfF")),
    ("tag:yaml.org,2002:int", r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", list("-+0123456789")),
    ("tag:yaml.org,2002:float",
     r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
     list("-+.0123456789")),
    ("tag:yaml.org,2002:timestamp",
     r"^(?:[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?"
     r"(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?)?)$",
     list("0123456789")),
]
for _tag, _regexp, _first in _RESOLVERS:
    Core12Loader.add_implicit_resolver(_tag, re.compile(_regexp), _first)


def _int_of(value: str) -> int:
    if value.startswith("0o"):
        return int(value[2:], 8)
    if value.startswith("0x"):
        return int(value[2:], 16)
    return int(value)  # YAML 1.2: a leading zero is decimal, never octal


def _float_of(text: str) -> float:
    value = text.lower()
    if value.endswith(".inf"):
        return float("-inf") if value.startswith("-") else float("inf")
    if value == ".nan":
        return float("nan")
    return float(value)


def _int(loader: Any, node: Any) -> int:
    return _int_of(loader.construct_scalar(node))


def _float(loader: Any, node: Any) -> float:
    return _float_of(loader.construct_scalar(node))


Core12Loader.add_constructor("tag:yaml.org,2002:int", _int)
Core12Loader.add_constructor("tag:yaml.org,2002:float", _float)
# Only the tags params files may use (params.SAFE_TAGS, and timestamps for `published`): SafeLoader would
# also build !!binary (bytes, which pydantic accepts as text), !!set, !!omap, !!pairs. Anything else raises,
# and the line-aware path refuses it with its line.
_ALLOWED = {f"tag:yaml.org,2002:{t}" for t in ("str", "int", "float", "bool", "null", "map", "seq", "timestamp")}
Core12Loader.yaml_constructors = {
    tag: make for tag, make in Core12Loader.yaml_constructors.items() if tag in _ALLOWED or tag is None}


_T = "tag:yaml.org,2002:"
_STR, _NULL, _BOOL, _INT, _FLOAT, _TIMESTAMP, _MAP, _SEQ = (
    f"{_T}{t}" for t in ("str", "null", "bool", "int", "float", "timestamp", "map", "seq"))


class Refused(ValueError):
    """The fast path will not build this document (the slow path decides and explains)."""


def _build(loader: Any, root: Any, refuse: re.Pattern[str] | None, max_nodes: int, max_depth: int) -> Any:
    """Plain values from libyaml's node graph: what ``Core12Loader``'s constructor builds, without PyYAML's
    generic machinery (two-step generators for recursive structures, keys constructed twice for the duplicate
    test), which took most of the read. A recursive structure, a tag outside ``_ALLOWED`` (or where its kind
    of node cannot carry it), a duplicate key, a string matching ``refuse``, more than ``max_nodes`` nodes
    (aliases counted as expanded) or nesting deeper than ``max_depth`` raise.
    """
    done: dict[int, tuple[Any, int, int]] = {}  # id(node) → (value, nodes, height): an alias is built once
    building: set[int] = set()
    scalar_node, mapping_node, sequence_node = yaml.ScalarNode, yaml.MappingNode, yaml.SequenceNode
    bools = loader.bool_values

    def scalar(node: Any) -> Any:
        tag = node.tag
        if tag == _STR:
            value = node.value
            if refuse is not None and refuse.search(value):
                raise Refused("control character")
            return value
        if tag == _NULL:
            return None
        if tag == _INT:
            return _int_of(node.value)
        if tag == _FLOAT:
            return _float_of(node.value)
        if tag == _BOOL:
            return bools[node.value.lower()]
        if tag == _TIMESTAMP:
            return loader.construct_yaml_timestamp(node)
        raise Refused(tag)

    def build(node: Any) -> tuple[Any, int, int]:
        if node.__class__ is scalar_node:
            return scalar(node), 1, 0
        key = id(node)
        hit = done.get(key)
        if hit is not None:
            return hit
        if key in building:
            raise Refused("recursive structure")
        building.add(key)
        nodes, height = 1, 0
        if node.__class__ is mapping_node and node.tag == _MAP:
            out: Any = {}
            for key_node, value_node in node.value:
                k, kn, kh = build(key_node)
                if k in out:  # as a set of keys would (1, 1.0 and true are one key; a list key raises)
                    raise DuplicateKey(k)
                out[k], vn, vh = build(value_node)
                nodes += kn + vn
                height = max(height, kh + 1, vh + 1)
        elif node.__class__ is sequence_node and node.tag == _SEQ:
            out = []
            for item in node.value:
                v, vn, vh = build(item)
                out.append(v)
                nodes += vn
                height = max(height, vh + 1)
        else:
            raise Refused(node.tag)
        building.discard(key)
        done[key] = (out, nodes, height)
        return done[key]

    value, nodes, height = build(root)
    if nodes > max_nodes or height > max_depth:
        raise Refused("too large or too deep")
    return value


def load(text: str, refuse: re.Pattern[str] | None = None, max_nodes: int = 10**9, max_depth: int = 10**9) -> Any:
    """The document, or raise (any exception means: use the slow, line-aware path).

    The values are those ``yaml.load(text, Loader=Core12Loader)`` gives. Also raises when a string (key or value)
    matches ``refuse``, or when the document has more than ``max_nodes`` nodes, counting keys, values, items and
    collections with aliases expanded, or a node nested more than ``max_depth`` levels below the root.
    """
    loader = Core12Loader(text)
    try:
        root = loader.get_single_node()
        return None if root is None else _build(loader, root, refuse, max_nodes, max_depth)
    finally:
        loader.dispose()
