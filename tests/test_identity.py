"""Who a params file claims to be: place, duplicates and the registry's name, as `check`, `run` and `build`
see them (issue 11, identity; reproduction 1: a copy in the wrong year folder overwrote another report)."""

from __future__ import annotations

import csv
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from report_kit import discovery, identity, params
from report_kit.errors import IdentityError
from report_kit.registry import load_registry

from .checks_support import consistent, with_cells
from .conftest import ROOT

CLI = [sys.executable, "-m", "report_kit"]


def _cli(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*CLI, *args], cwd=cwd, capture_output=True, text=True, timeout=300)


def _put(root: Path, folder: str, name: str, ay) -> Path:
    path = root / "params" / folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(params.dumps(ay), encoding="utf-8")
    return path


def _registry(root: Path, text: str) -> Path:
    path = root / "params" / "agencies.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_repro1_a_copy_in_the_wrong_year_folder_is_refused_with_both_paths(tmp_path: Path) -> None:
    """A copy of the 2024 params left saying 2023 beside the real 2023 file: before, check passed both and build
    wrote both into outputs/2023/ (the 2024 figure published as 2023, two identical 2023 rows in summary.csv)."""
    real_2023 = _put(tmp_path, "2023", "ju.yaml", replace(consistent(year=2023), slug="ju"))
    copy_2024 = _put(tmp_path, "2024", "ju.yaml",
                     with_cells(replace(consistent(year=2023), slug="ju"), ("二", "行政许可", "处理决定数量", 1286)))
    _registry(tmp_path, "agencies:\n  - {slug: ju, name: 某市某局, first_year: 2023}\n")

    check = _cli(tmp_path, "check", "params")
    assert check.returncode == 1 and "Traceback" not in check.stderr
    out = check.stdout
    assert "params/2024/ju.yaml:" in out and "is in the 2024 folder but says year 2023" in out
    # both files claim 2023/ju: each is refused, each message names the other file
    assert f"{Path('params/2023/ju.yaml')} also claims 2023/ju" in out
    assert f"{Path('params/2024/ju.yaml')} also claims 2023/ju" in out

    build = _cli(tmp_path, "build", "--jobs", "1")
    assert build.returncode == 1 and "Traceback" not in build.stderr
    assert "0 built, 0 up to date, 2 failed, 0 missing" in build.stdout
    assert not (tmp_path / "outputs/2023/ju").exists()  # nothing written for either claim
    rows = list(csv.DictReader((tmp_path / "outputs/summary.csv").read_text("utf-8-sig").splitlines()))
    assert sorted((r["year"], r["slug"], r["status"]) for r in rows) == [("2023", "ju", "failed"),
                                                                          ("2024", "ju", "failed")]
    assert all("also claims" in r["reason"] or "folder but says" in r["reason"] for r in rows)
    assert real_2023.is_file() and copy_2024.is_file()  # nothing renamed or moved behind the office's back


def test_a_file_named_after_another_slug_is_refused(tmp_path: Path) -> None:
    path = _put(tmp_path, "2023", "other.yaml", replace(consistent(year=2023), slug="ju"))
    with pytest.raises(IdentityError, match=r"named other.yaml but says slug 'ju'.*rename it to ju.yaml"):
        identity.load(path)
    problem = identity.place_problems(path, params.load(path))[0]
    assert problem.line is not None and problem.label == "目录名"


def test_check_and_run_refuse_a_misplaced_file_before_any_kernel(tmp_path: Path) -> None:
    _put(tmp_path, "2024", "ju.yaml", replace(consistent(year=2023), slug="ju"))
    for cmd in (["check", "params"], ["run", "params/2024/ju.yaml"]):
        result = _cli(tmp_path, *cmd)
        assert "folder but says year 2023" in result.stdout + result.stderr
        assert result.returncode in (1, 2) and "Traceback" not in result.stderr
    assert not (tmp_path / "outputs").exists()


def test_run_sees_a_duplicate_claim_from_elsewhere_in_the_tree(tmp_path: Path) -> None:
    _put(tmp_path, "2023", "ju.yaml", replace(consistent(year=2023), slug="ju"))
    _put(tmp_path, "2024", "ju.yaml", replace(consistent(year=2023), slug="ju"))
    result = _cli(tmp_path, "run", "params/2023/ju.yaml")
    assert result.returncode == 2 and "also claims 2023/ju" in result.stderr and "Traceback" not in result.stderr


def test_registry_names_an_agency_per_period(tmp_path: Path) -> None:
    (tmp_path / "params").mkdir()
    reg = _registry(tmp_path, "agencies:\n"
                              "  - {slug: ju, name: 新区局, first_year: 2019,\n"
                              "     former_names: [{name: 老县局, until: 2021}, {name: 更老的局, until: 2019}]}\n")
    agency = load_registry(reg)["ju"]
    assert [agency.name_for(y) for y in (2019, 2020, 2021, 2022, 2030)] == ["更老的局", "老县局", "老县局", "新区局",
                                                                          "新区局"]
    old = _put(tmp_path, "2021", "ju.yaml", replace(consistent(year=2021), slug="ju", agency="老县局"))
    new = _put(tmp_path, "2022", "ju.yaml", replace(consistent(year=2022), slug="ju", agency="老县局"))
    registry = load_registry(reg)
    identity.load(old, registry, reg)  # the old name in its period
    with pytest.raises(IdentityError, match=r"'老县局' is not the name .* gives 'ju' for 2022, '新区局'"):
        identity.load(new, registry, reg)
    result = _cli(tmp_path, "check", "params")
    assert result.returncode == 1 and "2022/ju.yaml" in result.stdout and "新区局" in result.stdout


def test_two_former_names_ending_the_same_year_are_refused(tmp_path: Path) -> None:
    from report_kit.errors import ParamsError

    (tmp_path / "params").mkdir()
    reg = _registry(tmp_path, "agencies:\n  - {slug: ju, name: 甲, former_names: [{name: 乙, until: 2020},"
                              " {name: 丙, until: 2020}]}\n")
    with pytest.raises(ParamsError, match=r"agencies.yaml:2: agencies.0.former_names \(曾用名\): two former names"):
        load_registry(reg)


def test_unregistered_slug_is_refused_where_a_registry_exists(tmp_path: Path) -> None:
    _put(tmp_path, "2023", "ju.yaml", replace(consistent(year=2023), slug="ju"))
    _registry(tmp_path, "agencies:\n  - {slug: other, name: 别的局}\n")
    result = _cli(tmp_path, "check", "params")
    assert result.returncode == 1 and "'ju' is not in the agency registry" in result.stdout


def test_loose_files_outside_a_year_folder_compete_with_nothing(tmp_path: Path) -> None:
    a = _put(tmp_path, "drafts", "a.yaml", consistent(year=2023))
    b = _put(tmp_path, "drafts", "b.yaml", consistent(year=2023))
    entries = identity.scan([a, b])
    assert all(e.ok for e in entries)
    assert discovery.previous_path(a, 2023, "mou-ju") is None


def test_discovery_is_one_rule_for_every_command(tmp_path: Path) -> None:
    root = tmp_path / "params"
    good = _put(tmp_path, "2023", "ju.yaml", replace(consistent(year=2023), slug="ju"))
    _put(tmp_path, "2023/.ipynb_checkpoints", "ju-checkpoint.yaml", consistent(year=2023))  # Jupyter's copies
    (root / "agencies.yaml").write_text("agencies: []\n", encoding="utf-8")
    (root / "2023" / ".hidden.yaml").write_text("x", encoding="utf-8")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "x.yaml").write_text("x", encoding="utf-8")
    (root / "linked").symlink_to(elsewhere, target_is_directory=True)  # a linked folder is not part of the tree
    odd = root / "²" / "ju.yaml"  # a non-ASCII digit is not a year folder
    odd.parent.mkdir()
    odd.write_text(params.dumps(consistent(year=2023)), encoding="utf-8")
    found = discovery.discover([root, good])  # a file named twice is found once
    assert found == [root / "2023" / "ju.yaml", odd]
    assert discovery.year_of_folder(odd) is None and discovery.params_root(odd) is None
    assert discovery.previous_path(good, 2023, "ju") is None
    prev = _put(tmp_path, "2022", "ju.yaml", replace(consistent(year=2022), slug="ju"))
    assert discovery.previous_path(good, 2023, "ju") == prev


def test_a_misplaced_previous_year_is_an_error_not_silently_used(tmp_path: Path) -> None:
    """params/2022/ju.yaml saying 2021: the cross-year rules must not compare 2023 with it."""
    from report_kit.checks import load_previous

    this = _put(tmp_path, "2023", "ju.yaml", replace(consistent(year=2023), slug="ju"))
    _put(tmp_path, "2022", "ju.yaml", replace(consistent(year=2021), slug="ju"))
    with pytest.raises(IdentityError, match="2022 folder but says year 2021"):
        load_previous(this, params.load(this))


def test_the_bundled_tree_is_consistent() -> None:
    reg = ROOT / "params" / "agencies.yaml"
    entries = identity.scan(discovery.discover([ROOT / "params"]), load_registry(reg), reg)
    assert entries and all(e.ok for e in entries), [str(e.error) for e in entries if not e.ok]
