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

    def construct_mapping(self, node: Any, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            if key in seen:
                raise DuplicateKey(key)
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


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


def _int(loader: Any, node: Any) -> int:
    value = loader.construct_scalar(node)
    if value.startswith("0o"):
        return int(value[2:], 8)
    if value.startswith("0x"):
        return int(value[2:], 16)
    return int(value)  # YAML 1.2: a leading zero is decimal, never octal


def _float(loader: Any, node: Any) -> float:
    value = loader.construct_scalar(node).lower()
    if value.endswith(".inf"):
        return float("-inf") if value.startswith("-") else float("inf")
    if value == ".nan":
        return float("nan")
    return float(value)


Core12Loader.add_constructor("tag:yaml.org,2002:int", _int)
Core12Loader.add_constructor("tag:yaml.org,2002:float", _float)
# Only the tags params files may use (params.SAFE_TAGS, and timestamps for `published`): SafeLoader would
# also build !!binary (bytes, which pydantic accepts as text), !!set, !!omap, !!pairs. Anything else raises,
# and the line-aware path refuses it with its line.
_ALLOWED = {f"tag:yaml.org,2002:{t}" for t in ("str", "int", "float", "bool", "null", "map", "seq", "timestamp")}
Core12Loader.yaml_constructors = {
    tag: make for tag, make in Core12Loader.yaml_constructors.items() if tag in _ALLOWED or tag is None}


def load(text: str) -> Any:
    """The document, or raise (any exception means: use the slow, line-aware path)."""
    return yaml.load(text, Loader=Core12Loader)  # a safe loader subclass
