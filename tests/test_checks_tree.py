"""A folder of real-looking agencies over two consecutive years (tests/data/checks/params, built by
tests/data/checks/build.py from the shared real reports), some with a wrong link between the years,
through `report-kit check` and the executed notebook."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from report_kit import params
from report_kit.checks import check_path, load_previous
from report_kit.errors import ParamsError

from .conftest import DATA, ROOT

TREE = DATA / "checks" / "params"

# Every finding of every file. The real years' texts (沭阳县 2025, 上海市政府办公厅 2025) run through the
# text rules here, so a false alarm on real prose fails this test.
EXPECTED = {
    "2019/zhuzhou-county-kgxj.yaml": {"TEXT-PLACEHOLDER@总体情况:2019年1月1日至2019年12月31日，我局",
                                      "BLANK-CELLS@二", "BLANK-CELLS@三", "T3-BALANCE@unverified"},
    "2020/zhuzhou-county-kgxj.yaml": {"XY-ITEMS@行政许可"},  # wrong: 8 instead of 8 + 2
    "2023/shanghai-kewei.yaml": set(),
    "2023/suqian-shi.yaml": set(),
    "2024/shanghai-bgt.yaml": set(),
    # 四、结转下年度 × 总计 is blank: the balance of the 总计 column cannot be verified (blank is not 0), the
    # blank cell is the defect
    "2024/shanghai-kewei.yaml": {"BLANK-CELLS@三", "T3-BALANCE@unverified",
                                 "TEXT-DONE@总体情况:所有申请均已按要求办理完成",
                                 "REQ-OVERVIEW@topics", "REQ-RECTIFY@rectify",
                                 "XY-INFORCE@行政规范性文件"},  # wrong: 40 + 13 − 0 ≠ 55
    "2024/shuyang-xian.yaml": {"PLAUSIBLE-CORRECTED@行政复议"},
    "2024/suqian-shi.yaml": {"TEXT-BASIS@总体情况:全市全年备案政府信息依申请公开领域行政复议案件1"},
    "2025/shanghai-bgt.yaml": {"XY-CARRY@自然人", "XY-CARRY@总计",  # wrong: 2024 said 180/199, not 170/189
                               "PROSE-DECIMALS@总体情况:其中，予以公开及部分公开208件（17.46%）"},  # info: one decimal
    "2025/shuyang-xian.yaml": {"PLAUSIBLE-CORRECTED@行政复议", "REQ-RECTIFY@rectify"},
}


def check(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "report_kit", "check", *args], capture_output=True, text=True,
                          cwd=ROOT)


def test_the_tree_is_what_report_kit_writes() -> None:
    files = sorted(p.relative_to(TREE).as_posix() for p in TREE.rglob("*.yaml"))
    assert files == sorted(EXPECTED)
    for name in files:
        path = TREE / name
        assert params.dumps(params.load(path)) == path.read_text("utf-8"), name


def test_report_kit_check_finds_exactly_the_wrong_links_and_known_defects() -> None:
    out = check(str(TREE), "--format", "json")
    assert out.returncode == 1 and out.stderr == ""
    got = {Path(r["path"]).relative_to(TREE).as_posix(): {f["id"] for f in r["findings"]}
           for r in json.loads(out.stdout)}
    assert got == EXPECTED


def test_text_output_names_file_rule_and_cell() -> None:
    out = check(str(TREE / "2025"))
    assert out.returncode == 1
    line = next(ln for ln in out.stdout.splitlines() if "XY-CARRY@自然人" in ln)
    assert line.startswith(str(TREE / "2025" / "shanghai-bgt.yaml") + ": error: ")
    assert "上年结转" in line and "180" in line and "170" in line
    assert out.stdout.splitlines()[-1].startswith("2 files checked: 2 errors")


def test_exit_codes_strict_and_acknowledged(tmp_path: Path) -> None:
    assert check(str(TREE / "2023")).returncode == 0
    shuyang = TREE / "2025" / "shuyang-xian.yaml"  # warnings only
    assert check(str(shuyang)).returncode == 0
    assert check(str(shuyang), "--strict").returncode == 1
    # acknowledge the warning in a copy: --strict passes, the finding stays visible and marked
    ay = params.load(shuyang)
    from dataclasses import replace

    acked = replace(ay, acknowledged={"REQ-RECTIFY@rectify": "上年报告未列问题，无整改事项"})
    (tmp_path / "2025").mkdir()
    (tmp_path / "2025" / "shuyang-xian.yaml").write_text(params.dumps(acked), encoding="utf-8")
    out = check(str(tmp_path), "--strict")
    assert out.returncode == 0 and "[acknowledged: 上年报告未列问题，无整改事项]" in out.stdout


def test_load_previous_finds_the_year_before_and_refuses_a_broken_one(tmp_path: Path) -> None:
    path = TREE / "2025" / "shanghai-bgt.yaml"
    ay = params.load(path)
    prev = load_previous(path, ay)
    assert prev is not None and prev.year == 2024 and prev.slug == ay.slug
    assert load_previous(TREE / "2023" / "suqian-shi.yaml", params.load(TREE / "2023" / "suqian-shi.yaml")) is None
    assert {f.id for f in check_path(path)} == EXPECTED["2025/shanghai-bgt.yaml"]
    root = tmp_path / "params"
    for year in ("2024", "2025"):
        (root / year).mkdir(parents=True)
        shutil.copy(TREE / year / "shanghai-bgt.yaml", root / year)
    broken = root / "2024" / "shanghai-bgt.yaml"
    broken.write_text(broken.read_text("utf-8").replace("year: 2024", "year: twenty"), encoding="utf-8")
    with pytest.raises(ParamsError, match="year"):
        load_previous(root / "2025" / "shanghai-bgt.yaml", ay)
    out = check(str(root))  # the CLI reports the broken file by name and still checks the other
    assert out.returncode == 1 and "2024/shanghai-bgt.yaml" in out.stdout and "Traceback" not in out.stderr


@pytest.mark.slow
def test_the_executed_notebook_records_the_wrong_carry(tmp_path: Path) -> None:
    import nbformat

    out = subprocess.run([sys.executable, "-m", "report_kit", "run", str(TREE / "2025" / "shanghai-bgt.yaml"),
                          "--outputs", str(tmp_path)], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    nb = nbformat.read(tmp_path / "2025" / "shanghai-bgt" / "report.ipynb", as_version=4)
    assert {f["id"] for f in nb.metadata["report_kit"]["findings"]} == EXPECTED["2025/shanghai-bgt.yaml"]
    agg = subprocess.run([sys.executable, "-m", "report_kit", "findings", str(tmp_path)], capture_output=True,
                         text=True, cwd=ROOT)
    assert agg.returncode == 0 and "2 errors" in agg.stdout


def test_check_reads_the_registry_beside_the_params_tree(tmp_path: Path) -> None:
    """`report-kit check <root>/<year>/<slug>.yaml` compares the name with ``<root>/agencies.yaml`` exactly."""
    (tmp_path / "2019").mkdir()
    shutil.copy(ROOT / "params" / "2019" / "zhuzhou-county-kgxj.yaml", tmp_path / "2019")
    registry = tmp_path / "agencies.yaml"
    entry = "agencies:\n  - {{slug: zhuzhou-county-kgxj, name: {}, first_year: 2019}}\n"
    registry.write_text(entry.format("株洲县经济科技信息化局"), "utf-8")
    assert "AGENCY-NAME" not in check(str(tmp_path), "--format", "json").stdout
    registry.write_text(entry.format("株洲县经济和科技信息化局"), "utf-8")  # one character more: not the same name
    out = check(str(tmp_path), "--format", "json")
    # identity refuses the file before any rule runs (as build does), naming the registry's name
    assert out.returncode != 0 and "株洲县经济和科技信息化局" in out.stdout and "机关名称" in out.stdout
