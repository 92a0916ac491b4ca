"""The fast params reader builds exactly what PyYAML's constructor with the same loader builds, and refuses (raises,
so the line-aware path decides) everything that constructor or ``params._check_shape`` / the control-character
test would have sent down the slow path."""

from __future__ import annotations

import math
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from report_kit import _fastyaml, params
from report_kit.errors import ParamsError

from .conftest import DATA, ROOT


def _reference(text: str) -> tuple[str, Any]:
    """What the reader did before it built values itself: PyYAML's constructor, then the shape and control tests."""
    try:
        data = yaml.load(text, Loader=_fastyaml.Core12Loader)
    except Exception as exc:  # any refusal: the slow path decides
        return "refused", type(exc).__name__
    if isinstance(data, (dict, list)):
        try:
            params._check_shape(data, "x")
        except ParamsError:
            return "refused", "shape"
        if any(params.CONTROL.search(v) for _, v in params._strings(data)):
            return "refused", "control"
    return "ok", data


def _fast(text: str) -> tuple[str, Any]:
    try:
        return "ok", _fastyaml.load(text, params.CONTROL, params.MAX_NODES, params.MAX_DEPTH)
    except Exception as exc:
        return "refused", type(exc).__name__


def _same(a: Any, b: Any) -> bool:
    """Equal values of equal types all the way down (True is not 1, 1.0 is not 1, nan is nan)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(_same(k, k2) and _same(a[k], b[k2]) for k, k2 in zip(a, b, strict=True))
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b)
    return bool(a == b)


def _agree(text: str) -> None:
    ref, fast = _reference(text), _fast(text)
    assert ref[0] == fast[0], (text, ref, fast)
    if ref[0] == "ok":
        assert _same(ref[1], fast[1]), (text, ref, fast)


FILES = sorted({*DATA.rglob("*.yaml"), *(ROOT / "params").rglob("*.yaml")})


@pytest.mark.parametrize("path", FILES, ids=[str(p.relative_to(ROOT)) for p in FILES])
def test_every_yaml_file_of_the_test_data(path: Any) -> None:
    _agree(path.read_bytes().decode("utf-8", "replace"))


TRICKY = [
    "", "# only a comment\n", "a: 1\n---\nb: 2\n", "- 1\n- 2\n", "plain", "a: b: c\n",
    "a: 1\na: 2\n", "1: x\n1.0: y\n", "1: x\ntrue: y\n", "? [1, 2]\n: x\n", "? {a: 1}\n: x\n",
    "n: [~, null, Null, NULL, '', \"\"]\n", "b: [true, True, TRUE, false, yes, no, on, off, y, n]\n",
    "i: [0, -1, +3, 010, 0o17, 0x1F, 0b11, 1_000, 12:30]\n",
    "f: [1.5, -.5, 1e3, 1.e-2, .inf, -.Inf, +.INF, .nan, .NaN, 1.0]\n",
    "d: [2024-01-31, 2024-1-5, 2024-01-31 10:20:30, 2024-01-31T10:20:30Z, 2024-13-45]\n",
    "t: [!!str 12, !!int '12', !!float '1', !!bool 'yes', !!null 'x', !!str ~, !!int 'x']\n",
    "t: !!binary aGVsbG8=\n", "t: !!set {a, b}\n", "t: !!omap [a: 1]\n", "t: !foo bar\n", "t: !!timestamp 2024-01-01\n",
    "t: !!map [1]\n", "t: !!seq {a: 1}\n", "t: !!str {a: 1}\n", "t: !!python/object:os.system x\n",
    "a: &x {k: 1}\nb: *x\nc: *x\n", "a: &x [1, 2]\nb: [*x, *x]\n", "a: &x\n  self: *x\n", "a: &x [*x]\n",
    "base: &b {x: 1}\nm:\n  <<: *b\n  y: 2\n", "m:\n  !!merge <<: {x: 1}\n  y: 2\n", "m: {= : 1}\n",
    "s: \"bell\\a\"\n", "s: \"esc\\x1b[31m\"\n", "\"k\\x07\": 1\n", "s: \"nel\\N\"\n", "s: \"tab\\tnl\\n\"\n",
    "s: 'single \\x07'\n", "s: |\n  line\n  two\n", "s: >\n  folded\n  text\n", "s: \"\\u4e2d\\U0001F600\"\n",
    "deep: " + "[" * 12 + "1" + "]" * 12 + "\n", "deep: " + "[" * 13 + "1" + "]" * 13 + "\n",
    "deep: " + "{a: " * 12 + "1" + "}" * 12 + "\n", "deep: " + "{a: " * 11 + "1" + "}" * 11 + "\n",
    "a: &a [0,0,0,0,0,0,0,0,0,0]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\n",
    "a: &a [0,0,0,0,0,0,0,0,0]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
    "d: [*c, *c]\n",
    "a: [unclosed\n", "a:\n\t- 1\n", "a: *undefined\n", "{a: 1, a: 1}\n", "[1, [2, [3]]]\n", "x: 01:02:03\n",
    "x: 2024-01-01 # a comment\n", "x: '2024-01-01'\n", "x: 1.5e+3\n", "x: -0\n", "x: 0x\n", "x: 0o\n",
]


@pytest.mark.parametrize("text", TRICKY)
def test_tricky_documents(text: str) -> None:
    _agree(text)


def test_node_limit_counts_aliases_expanded() -> None:
    """20,000 nodes are allowed, 20,001 refused, as _check_shape counts them (aliases expanded, keys counted)."""
    row = "[" + ",".join(["0"] * 99) + "]"  # 100 nodes
    for extra, expected in ((96, "ok"), (97, "refused")):  # 1 + 2 keys + 100 + x's list 1 + 198 × 100 + extra
        text = f"r: &r {row}\nx: [" + ",".join(["*r"] * 198 + ["0"] * extra) + "]\n"
        assert _reference(text)[0] == _fast(text)[0] == expected


@settings(max_examples=300, deadline=None)
@given(st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
                    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=4), inner, max_size=4),
                    max_leaves=30))
def test_any_plain_document(value: Any) -> None:
    """Whatever PyYAML writes (flow or block, quoted or not, with escapes) reads back alike on both paths."""
    for flow in (True, False, None):
        _agree(yaml.safe_dump({"v": value}, allow_unicode=True, default_flow_style=flow))
