"""What decides "up to date": every input that can change an output is a named part of the stamp
(issue 11, complete stamps; reproduction 4: a reworded phrase was served stale as "up to date")."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from report_kit import params, stamps
from report_kit.registry import Agency

from .checks_support import consistent
from .conftest import ROOT

PACKAGE = ROOT / "src" / "report_kit"
TEMPLATE = ROOT / "notebooks" / "annual_report.ipynb"


@pytest.fixture
def package_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the package that the stamps read, so a test may edit its files."""
    copy = tmp_path / "pkg" / "report_kit"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(stamps, "PACKAGE_ROOT", copy)
    stamps.package_parts.cache_clear()
    yield copy
    stamps.package_parts.cache_clear()


def _inputs(tmp_path: Path, **kw: object) -> stamps.Inputs:
    p = tmp_path / "params" / "2023" / "mou-ju.yaml"
    if not p.exists():
        p.parent.mkdir(parents=True)
        p.write_text(params.dumps(consistent(year=2023)), encoding="utf-8")
    args: dict[str, object] = {"params": p, "previous": None, "agency": None, "template": TEMPLATE,
                               "formats": (), "kernel": None, **kw}
    return stamps.inputs_for(**args)  # type: ignore[arg-type]


def test_every_kind_of_input_is_a_part(tmp_path: Path, package_copy: Path) -> None:
    base = _inputs(tmp_path)
    names = set(base.parts)
    assert {"params", "previous", "registry", "template", "options", "library/python", "library/nbconvert",
            "library/python-docx"} <= names
    for rel in ("narrative/phrases.yaml", "formats/2021.yaml", "render/templates/rk_report/report.css",
                "render/templates/section.html.j2", "export/templates/review_header.html.j2", "pipeline.py",
                "notebook.py"):
        assert f"package/{rel}" in names, rel

    def differs(other: stamps.Inputs) -> list[str]:
        assert other.digest != base.digest
        return stamps.changed(base, other)

    phrases = package_copy / "narrative" / "phrases.yaml"
    phrases.write_text(phrases.read_text("utf-8").replace("本年度新收", "本年度共新收"), encoding="utf-8")
    stamps.package_parts.cache_clear()
    assert differs(_inputs(tmp_path)) == ["package/narrative/phrases.yaml"]
    assert stamps.describe(["package/narrative/phrases.yaml"]) == "narrative/phrases.yaml changed"
    shutil.copy(PACKAGE / "narrative" / "phrases.yaml", phrases)
    stamps.package_parts.cache_clear()
    assert _inputs(tmp_path).digest == base.digest

    assert differs(_inputs(tmp_path, formats=("docx",))) == ["options"]
    assert differs(_inputs(tmp_path, kernel="python3")) == ["options"]
    assert differs(_inputs(tmp_path, agency=Agency(slug="mou-ju", name="某市某局"))) == ["registry"]
    prev = tmp_path / "params" / "2022" / "mou-ju.yaml"
    prev.parent.mkdir()
    prev.write_text(params.dumps(consistent(year=2022)), encoding="utf-8")
    assert differs(_inputs(tmp_path, previous=prev)) == ["previous"]
    other_template = tmp_path / "t.ipynb"
    other_template.write_bytes(TEMPLATE.read_bytes() + b" ")
    assert differs(_inputs(tmp_path, template=other_template)) == ["template"]


def test_stamp_round_trip_and_a_damaged_stamp_describes_nothing(tmp_path: Path) -> None:
    inputs = _inputs(tmp_path)
    assert stamps.Inputs.from_bytes(inputs.to_bytes()) == inputs
    damaged = inputs.to_bytes().replace(b'"params": "', b'"params": "0', 1)
    assert stamps.Inputs.from_bytes(damaged) is None
    assert stamps.Inputs.from_bytes(b"\x00garbage") is None
    assert stamps.Inputs.from_bytes(inputs.to_bytes()[:-20]) is None


def test_describe_names_what_changed() -> None:
    assert stamps.describe(["params", "previous"]) == "the params file, last year's params changed"
    many = [f"package/f{i}.py" for i in range(7)]
    assert stamps.describe(many) == "f0.py, f1.py, f2.py, f3.py and 3 more changed"


def _build(cwd: Path, pythonpath: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(pythonpath)}
    return subprocess.run([sys.executable, "-m", "report_kit", "build", "--jobs", "1", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=600, env=env)


@pytest.mark.slow
def test_repro4_a_reworded_phrase_is_rebuilt_and_explained(tmp_path: Path) -> None:
    """Before: the stamp covered params, last year, template and version only; after rewording a phrase in
    phrases.yaml (as the README tells offices to), `build` said "up to date" and kept serving the old prose."""
    pkg = tmp_path / "pkg"
    shutil.copytree(PACKAGE, pkg / "report_kit", ignore=shutil.ignore_patterns("__pycache__"))
    work = tmp_path / "work"
    ay = replace(consistent(year=2023), slug="ju")
    path = work / "params" / "2023" / "ju.yaml"
    path.parent.mkdir(parents=True)
    path.write_text(params.dumps(ay), encoding="utf-8")
    shutil.copytree(ROOT / "notebooks", work / "notebooks")

    first = _build(work, pkg)
    assert first.returncode == 0, first.stderr
    html = work / "outputs" / "2023" / "ju" / "report.html"
    assert "本年度新收政府信息公开申请" in html.read_text("utf-8")
    phrases = pkg / "report_kit" / "narrative" / "phrases.yaml"
    phrases.write_text(phrases.read_text("utf-8").replace("本年度新收", "本年度共新收"), encoding="utf-8")

    second = _build(work, pkg, "--explain")
    assert second.returncode == 0, second.stderr
    assert "1 built, 0 up to date" in second.stdout
    assert f"build    {html.parent}: narrative/phrases.yaml changed" in second.stdout
    assert "本年度共新收政府信息公开申请" in html.read_text("utf-8")

    third = _build(work, pkg, "--explain")
    assert "0 built, 1 up to date" in third.stdout and f"skip     {html.parent}: up to date" in third.stdout
