"""Fuzz the params reader: every input ends in a valid AgencyYear or a located ParamsError."""

from __future__ import annotations

import copy
import io
import tracemalloc
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from report_kit import params
from report_kit.errors import ParamsError, ReportKitError
from report_kit.model import MAX_FIGURE

from .conftest import DATA, SEED_PARAMS
from .fuzz_tally import count

BAD = DATA / "bad" / "params"
SEED_TEXT = SEED_PARAMS.read_text("utf-8")
SEED_DOC = YAML(typ="safe").load(SEED_TEXT)
CELLS = [(t, r, c) for t in ("table2", "table3", "table4") for r, cols in SEED_DOC[t].items() for c in cols]


def _expected() -> list[tuple[str, str, str]]:
    rows = []
    for line in (BAD / "EXPECTED.tsv").read_text("utf-8").splitlines():
        if line and not line.startswith("#"):
            name, outcome, fragment = [*line.split("\t"), ""][:3]
            rows.append((name, outcome, fragment))
    return rows


def test_corpus_is_fully_listed() -> None:
    listed = {name for name, _, _ in _expected()}
    assert listed == {p.name for p in BAD.glob("*.yaml")}


@pytest.mark.parametrize("name,outcome,fragment", _expected())
def test_bad_corpus(name: str, outcome: str, fragment: str) -> None:
    path = BAD / name
    try:
        params.load(path)
    except ParamsError as exc:
        count("params (corpus)", "clean-error")
        assert outcome == "error", str(exc)
        assert str(path) in str(exc) and fragment in str(exc), str(exc)
    except Exception:
        count("params (corpus)", "traceback")
        raise
    else:
        count("params (corpus)", "valid")
        assert outcome == "valid"


def test_hundred_megabyte_file_is_refused_fast(tmp_path: Path) -> None:
    big = tmp_path / "huge.yaml"
    with big.open("wb") as fh:
        fh.write(SEED_TEXT.encode())
        fh.truncate(100 * 1024 * 1024)
    tracemalloc.start()
    try:
        with pytest.raises(ParamsError, match="a params file is a few KB"):
            params.load(big)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    count("params (corpus)", "clean-error")
    assert peak < 1024 * 1024, "the oversized file was read into memory before being refused"


def _dump(doc: object) -> str:
    buf = io.StringIO()
    YAML(typ="safe").dump(doc, buf)
    return buf.getvalue()


scalars = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=20),
    st.lists(st.integers(), max_size=3), st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
)


def _check(text: str, entry: str) -> object | None:
    try:
        ay = params.loads(text, "fuzz.yaml")
    except ParamsError as exc:
        count(entry, "clean-error")
        assert exc.problems and all(p.path == "fuzz.yaml" for p in exc.problems)
        return None
    except ReportKitError:
        count(entry, "clean-error")
        return None
    except Exception:
        count(entry, "traceback")
        raise
    count(entry, "valid")
    return ay


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cell=st.sampled_from(CELLS), value=scalars)
def test_any_value_in_any_cell(cell: tuple[str, str, str], value: object) -> None:
    doc = copy.deepcopy(SEED_DOC)
    table, row, col = cell
    doc[table][row][col] = value
    ay = _check(_dump(doc), "params (cell values)")
    if ay is not None:
        tid = {"table2": "二", "table3": "三", "table4": "四"}[table]
        got = ay.get(tid, row, col)  # type: ignore[attr-defined]
        assert got == value or (value is not None and float(got) == float(value))
        assert value is None or abs(float(value)) <= MAX_FIGURE


@settings(max_examples=100, deadline=None)
@given(path=st.lists(st.sampled_from(["table2", "table3", "text", "facts", "规章", "自然人", "x"]), min_size=1,
                     max_size=3), key=st.text(min_size=1, max_size=8), value=scalars)
def test_stray_keys_anywhere(path: list[str], key: str, value: object) -> None:
    doc = copy.deepcopy(SEED_DOC)
    node = doc
    for part in path:
        if isinstance(node, dict) and isinstance(node.get(part), dict):
            node = node[part]
    if key in node:
        return
    node[key] = value
    assert _check(_dump(doc), "params (stray keys)") is None


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=300))
def test_arbitrary_text(text: str) -> None:
    _check(text, "params (arbitrary text)")


@settings(max_examples=60, deadline=None)
@given(cut=st.integers(min_value=0, max_value=len(SEED_TEXT)), junk=st.binary(max_size=40))
def test_truncated_and_corrupted_bytes(tmp_path_factory: pytest.TempPathFactory, cut: int, junk: bytes) -> None:
    path = tmp_path_factory.mktemp("f") / "p.yaml"
    path.write_bytes(SEED_TEXT.encode()[:cut] + junk)
    try:
        params.load(path)
    except ParamsError as exc:
        count("params (corrupted bytes)", "clean-error")
        assert str(path) in str(exc)
    except Exception:
        count("params (corrupted bytes)", "traceback")
        raise
    else:
        count("params (corrupted bytes)", "valid")
