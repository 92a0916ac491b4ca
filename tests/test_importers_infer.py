"""What a report without a title still tells (importers/_infer.py): its year, whether it is a report, its level.

Wording from the real corpus (tests/data/real, dev and the first holdout; never holdout2).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from report_kit.importers import import_document, read_records
from report_kit.importers._infer import level_from_text, reads_as_report, year_from_text
from report_kit.importers._records import text_records

from .real_support import REAL


def _year(text: str) -> int | None:
    found = year_from_text(text_records(text))
    return found.year if found else None


@pytest.mark.parametrize(("report", "year", "how"), [
    ("2024-longgang-qu-bumen", 2024, "统计期限"),  # 本报告所列数据的统计期限为2024年1月1日至2024年12月31日
    ("2023-changchun-shi-ju", 2023, "截至"),  # 截止2023年12月31日我局通过官方网站发布…
    ("2022-yangling-shenjiju", 2022, "介绍本报告"),  # 现公布我局2022年政府信息公开工作年度报告 (inside 一、)
    ("2023-nileke-zhenzhengfu", 2023, "介绍本报告"),  # …等六个方面汇报我镇2023年政府信息公开工作
    ("2020-wuhan-shengtaihuanjingju", 2020, "介绍本报告"),  # 現將我局2020年度政府信息公開情況報告如下
    ("2019-xiongxian-xiangzhengfu", 2019, "总体情况开头"),  # 2019年,我乡明确专人负责…
    ("2021-gengma-sifaju", 2021, "总体情况开头"),  # second paragraph: 2021年,通过县政府门户网站…
])
def test_a_report_without_a_title_gets_its_year_from_the_text_with_a_warning(
        report: str, year: int, how: str, chinese: None) -> None:
    imported = import_document(REAL / report / "source.txt")
    assert imported.ay.year == year
    [note] = [n for n in imported.notes if n.where == "年度"]
    assert note.severity == "warning" and how in note.message and "--year" in note.message
    assert "year" in imported.ay.inferred


def test_statements_naming_different_years_give_no_year() -> None:
    # a period of one year and an overview opening with another: which one the report covers cannot be told
    assert _year("一、总体情况\n2022年,我镇共发布信息12条。\n"
                 "本报告所列数据统计期限为2023年1月1日至2023年12月31日。") is None
    assert _year("统计期限为2022年1月1日至2023年12月31日。") is None  # a period over two years
    assert _year("一、总体情况\n本年度,我镇共发布信息12条。") is None  # nothing names a year
    # not the overview
    assert _year("一、总体情况\n本年度工作如下。\n二、主动公开政府信息情况\n2018年以来,规章0件。") is None


def test_later_sections_comparing_years_are_not_read() -> None:
    text = "一、总体情况\n2023年,我局发布信息34条。\n五、存在的主要问题及改进情况\n2024年,我局将进一步…"
    assert _year(text) == 2023


def test_a_page_copy_without_headings_is_still_read_as_a_report(chinese: None) -> None:
    # 微山县高楼乡: preamble, period, then (一)…(四) with no "一、总体情况" (it was refused as "not an annual report")
    path = REAL / "2023-weishan-gaolouxiang" / "source.txt"
    records, _kind, _notes = read_records(path)
    assert reads_as_report(records)
    imported = import_document(path)
    assert imported.ay.year == 2023
    assert "(具体网址)" in (imported.ay.text[imported.ay.fmt.opening.key] or "")
    # a page that only mentions reports is not one
    notice = "关于做好2021年政府信息公开工作年度报告编制发布工作的通知\n各县市区人民政府：…"
    assert not reads_as_report(text_records(notice))


@pytest.mark.parametrize(("text", "level", "body"), [
    ("现结合我镇实际,…汇报我镇2023年政府信息公开工作。", "township", "government"),  # 尼勒克 (a town)
    ("今年以来,我乡在县委、县政府的正确领导下,…2023年我乡收到依申请公开件1件", "township", "government"),  # 高楼乡
    ("我街道主动公开信息12条,本街道未收到申请。", "township", "department"),
    ("我镇…我镇…我局", None, None),  # a department's words too: nothing is inferred
    ("我镇发布信息12条。", None, None),  # once is not enough
    ("我镇…我镇…我街道…我街道", None, None),
])
def test_level_from_how_the_body_calls_itself(text: str, level: str | None, body: str | None) -> None:
    found = level_from_text([text])
    assert (found.level, found.body) == (level, body) if found else (level, body) == (None, None)


def test_an_unnamed_towns_table_reaches_the_level_rule(chinese: None) -> None:
    """尼勒克某镇 reports 规章 现行有效 6; its page puts each cell's ``|`` on the next line (read as empty cells
    before, so the row had 5 figures for 3 columns and stayed blank)."""
    from report_kit.checks import run_checks

    imported = import_document(REAL / "2023-nileke-zhenzhengfu" / "source.txt")
    assert imported.ay.tables["二"]["规章"] == {"本年制发件数": 0, "本年废止件数": 0, "现行有效件数": 6}
    assert imported.ay.level == "township" and "level" in imported.ay.inferred
    found = [f for f in run_checks(imported.ay) if f.rule == "LEVEL-RULES"]
    assert found and "我镇" in found[0].message  # says how the level was inferred


def test_separator_lines_are_dropped_only_when_every_row_has_that_shape(tmp_path: Path) -> None:
    from report_kit.importers._layouts import _separators_on_own_lines

    rows = text_records("规章\n|\n0\n|\n0\n|\n6\n|\n行政规范性文件\n|\n0\n|\n0\n|\n0\n|\n行政许可\n|\n3\n|\n")
    assert [r.cells for r in _separators_on_own_lines(rows) if r.row] == [
        ("规章", "0", "0", "6"), ("行政规范性文件", "0", "0", "0"), ("行政许可", "3")]
    # one row with a real empty cell among figures ("规章 | | 0 | 0"): nothing is dropped anywhere
    mixed = text_records("规章 |\n|\n0 |\n0 |\n行政规范性文件\n|\n0\n|\n0\n|\n0\n|\n"
                         "行政许可\n|\n3\n|\n行政处罚\n|\n1\n|\n")
    assert _separators_on_own_lines(mixed) == mixed
