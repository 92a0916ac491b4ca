"""The corpus of real published reports (tests/data/real) is well formed.

Only the corpus files are checked here: expected.json against the official forms, defects.yaml, INDEX.yaml,
the phrasing excerpts. What the importer and the audit make of these reports is measured elsewhere.
"""

from __future__ import annotations

import hashlib
import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from report_kit.formats import get_format

from .conftest import DATA

REAL = DATA / "real"
INDEX = yaml.safe_load((REAL / "INDEX.yaml").read_text("utf-8"))
ENTRIES: dict[str, dict[str, Any]] = {e["id"]: e for e in INDEX["reports"]}
FOLDERS = sorted(p.name for p in REAL.iterdir() if p.is_dir() and p.name != "phrasing")

LEVELS = {"national", "provincial", "prefecture", "county", "township", None}
BODIES = {"department", "government", None}
AGENCY_SOURCES = {"title", "落款", "preamble", "body text", "url", None}
LAYOUTS = {"html-table", "one-cell-per-line", "pipe-rows", "space-rows", "paragraph-rows", "pdf-text",
           "prose-only", "traditional"}
DEFECT_KINDS = {"t3-balance", "t3-leaf-sum", "row-sum", "t4-sum", "blank-cells", "text-vs-table",
                "text-arithmetic", "text-contradiction", "wrong-year", "placeholder", "old-labels",
                "fee-statement-missing", "structure", "level", "agency-name", "format-number", "other"}
ABSENT_RE = re.compile(r"^(table (二|三|四)( block 第二十条第（[一二三四五六七八九]）项| rows from \S.*)?"
                       r"|section (一|二|三|四|五|六)|title|落款)$")
FOLDER_RE = re.compile(r"^(20[12]\d)-[a-z0-9]+(-[a-z0-9]+)+$")


def _labels(fmt_id: str) -> dict[str, dict[str, set[str]]]:
    """table → row label → its column labels, for every figure row of the official form."""
    fmt = get_format(fmt_id)
    out: dict[str, dict[str, set[str]]] = {}
    for tid in ("二", "三", "四"):
        t = fmt.table(tid)
        out[tid] = {r.label: {c.label for c in t.columns_of(r.key or "")} for r in t.data_rows()}
    return out


LABELS = {f: _labels(f) for f in ("2019", "2021")}


def _expected(name: str) -> dict[str, Any]:
    return json.loads((REAL / name / "expected.json").read_text("utf-8"))


def test_index_lists_every_folder_once() -> None:
    ids = [e["id"] for e in INDEX["reports"]]
    assert len(ids) == len(set(ids)), "an id is listed twice"
    assert sorted(ids) == FOLDERS


def test_index_entries_are_complete_and_split_about_one_third_holdout() -> None:
    for e in INDEX["reports"]:
        exp = _expected(e["id"])
        assert e["format"] == exp["format"] and e["year"] == exp["year"], e["id"]
        assert e["level"] == exp["level"] and e["body"] == exp["body"], e["id"]
        assert set(e["layout"]) <= LAYOUTS and e["layout"], e["id"]
        assert e["completeness"] in {"whole", "excerpt"}, e["id"]
        assert e["split"] in {"dev", "holdout", "holdout2"}, e["id"]
    first = [e for e in INDEX["reports"] if e["split"] in {"dev", "holdout"}]
    holdout = [e for e in first if e["split"] == "holdout"]
    assert 0.25 <= len(holdout) / len(first) <= 0.45
    # holdout2: a second held-out set, never tuned on (tests/data/real/README.md)
    holdout2 = [e for e in INDEX["reports"] if e["split"] == "holdout2"]
    for held in (holdout, holdout2):
        assert {f for e in held for f in [e["format"]]} == {"2019", "2021"}
    assert len(holdout2) >= 10


@pytest.mark.parametrize("name", FOLDERS)
def test_folder_has_source_and_notes(name: str) -> None:
    folder = REAL / name
    assert FOLDER_RE.match(name), name
    assert (folder / "SOURCE.md").read_text("utf-8").strip()
    sources = [p for p in folder.iterdir() if p.stem == "source"]
    external = ENTRIES[name].get("external")
    assert len(sources) == 1 or (not sources and external), f"{name}: one source.* file, or an external one"
    if sources:
        assert sources[0].stat().st_size > 0
    if external:
        assert re.fullmatch(r"[0-9a-f]{64}", external["sha256"]) and external["file"].endswith(".pdf")


@pytest.mark.parametrize("name", [n for n in FOLDERS if ENTRIES.get(n, {}).get("external")])
def test_external_pdf_matches_its_checksum_when_present(name: str) -> None:
    ext = ENTRIES[name]["external"]
    path = (REAL / ext["file"]).resolve() if not Path(ext["file"]).is_absolute() else Path(ext["file"])
    if not path.is_file():
        pytest.skip(f"{path} not placed yet (see tests/data/real/README.md)")
    assert hashlib.sha256(path.read_bytes()).hexdigest() == ext["sha256"]


@pytest.mark.parametrize("name", FOLDERS)
def test_expected_cells_use_the_official_labels(name: str) -> None:
    exp = _expected(name)
    assert exp["format"] in LABELS and isinstance(exp["year"], int) and 2019 <= exp["year"] <= 2030
    assert exp["agency"] is None or (isinstance(exp["agency"], str) and exp["agency"].strip())
    assert exp["body"] in BODIES and exp["level"] in LEVELS
    assert exp["agency_source"] in AGENCY_SOURCES and (exp["agency"] is None) == (exp["agency_source"] is None)
    labels = LABELS[exp["format"]]
    seen = set()
    for cell in exp["cells"]:
        tid, row, col, value = cell
        assert row in labels[tid], f"{name}: table {tid} has no row {row!r}"
        assert col in labels[tid][row], f"{name}: table {tid} row {row!r} has no column {col!r}"
        assert value is None or (isinstance(value, (int, float)) and not isinstance(value, bool)), cell
        assert (tid, row, col) not in seen, f"{name}: {cell} listed twice"
        seen.add((tid, row, col))
    for a in exp["absent"]:
        assert ABSENT_RE.match(a), f"{name}: absent entry {a!r}"
    for tid, row, col, _unit in exp.get("units", []):
        assert (tid, row, col) in seen, f"{name}: unit given for an unlisted cell"
    assert exp["cells"] or exp["absent"], f"{name}: neither cells nor absent tables"


@pytest.mark.parametrize("name", FOLDERS)
def test_whole_tables_are_listed_in_full_or_named_absent(name: str) -> None:
    """A table is either absent, cut (rows from …), or every one of its cells is listed."""
    exp = _expected(name)
    labels = LABELS[exp["format"]]
    listed = {(c[0], c[1], c[2]) for c in exp["cells"]}
    for tid in ("二", "三", "四"):
        if any(a == f"table {tid}" or a.startswith(f"table {tid} ") for a in exp["absent"]):
            continue
        if exp.get("partial_tables") and tid in exp["partial_tables"]:
            continue
        missing = [(tid, r, c) for r, cols in labels[tid].items() for c in cols if (tid, r, c) not in listed]
        assert not missing, f"{name}: table {tid} neither absent nor complete, e.g. {missing[:3]}"


@pytest.mark.parametrize("name", FOLDERS)
def test_defects_file_is_explicit(name: str) -> None:
    d = yaml.safe_load((REAL / name / "defects.yaml").read_text("utf-8"))
    assert d["checked"].strip()
    if d.get("no_defects_found"):
        assert not d.get("defects"), name
        return
    assert d["defects"], f"{name}: list the defects or say no_defects_found: true"
    for item in d["defects"]:
        assert item["kind"] in DEFECT_KINDS, item["kind"]
        assert str(item["quote"]).strip() and str(item["why"]).strip() and str(item["where"]).strip()


def test_phrasing_excerpts_name_their_source() -> None:
    files = sorted((REAL / "phrasing").glob("*.txt"))
    assert files
    for p in files:
        text = p.read_text("utf-8")
        assert re.search(r"^source: \S+", text, re.M), p.name
        assert len(text.strip().splitlines()) >= 2, p.name


def test_numbers_in_expected_are_exact() -> None:
    """Decimals survive JSON as written (e.g. 7730.28), so a reader can compare them exactly."""
    for name in FOLDERS:
        for *_, value in _expected(name)["cells"]:
            if isinstance(value, float):
                assert Decimal(repr(value)) == Decimal(str(value)), (name, value)
