"""`check` of many files in worker processes gives what one process gives, file for file, in the same order:
findings, errors (unreadable files, duplicate claims, broken previous years, the registry) and their messages."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from report_kit.checks import _parallel
from report_kit.checks._files import check_files
from report_kit.cli._check import registry_contexts

from .conftest import DATA

TREE = DATA / "checks" / "params"


def _tree(tmp_path: Path) -> Path:
    """The real-looking tree, plus every kind of trouble that relates files to each other."""
    root = tmp_path / "params"
    shutil.copytree(TREE, root)
    # a second file claiming 2024/suqian-shi (refused, both naming each other), and a file in the wrong folder
    text = (root / "2024" / "suqian-shi.yaml").read_text("utf-8")
    (root / "2024" / "suqian-copy.yaml").write_text(text, "utf-8")
    (root / "2023" / "shanghai-bgt.yaml").write_text((root / "2024" / "shanghai-bgt.yaml").read_text("utf-8"))
    # a broken previous year (2024 of shuyang-xian, so 2025's cross-year rules cannot run) and a broken file
    (root / "2024" / "shuyang-xian.yaml").write_text("agency: [unclosed\n", "utf-8")
    (root / "2025" / "garbled.yaml").write_bytes(b"\xff\xfe not utf-8")
    (root / "2025" / "empty.yaml").write_text("", "utf-8")
    return root


def _results(paths: list[Path], jobs: int) -> list[tuple[str, str | None, list[str]]]:
    return [(str(r.path), r.error, [repr(f) for f in r.findings])
            for r in check_files(paths, registry_contexts(), jobs=jobs)]


@pytest.mark.parametrize("named", ["tree", "one year", "files"])
def test_workers_give_what_one_process_gives(tmp_path: Path, named: str) -> None:
    root = _tree(tmp_path)
    paths = {"tree": [root], "one year": [root / "2025"],  # previous years outside the files named
             "files": [*sorted((root / "2024").glob("*.yaml"), reverse=True), root / "2025"]}[named]
    serial = _results(paths, jobs=1)
    assert len(serial) >= 3 and any(e for _, e, _ in serial) and any(f for _, _, f in serial)
    assert _results(paths, jobs=2) == serial


def test_a_registry_travels_to_the_workers(tmp_path: Path) -> None:
    root = _tree(tmp_path)
    (root / "agencies.yaml").write_text(
        "agencies:\n  - slug: suqian-shi\n    name: 宿迁市人民政府\n    body: government\n    level: prefecture\n",
        "utf-8")
    serial = _results([root], jobs=1)
    assert any("agencies.yaml" in (e or "") for _, e, _ in serial)  # files the registry does not list are refused
    assert _results([root], jobs=2) == serial


def test_few_files_start_no_pool() -> None:
    assert _parallel.workers_for(1) == 1
    assert _parallel.workers_for(_parallel.MIN_FILES - 1) == 1
    assert _parallel.workers_for(5, jobs=3) == 3
