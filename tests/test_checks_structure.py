"""Structure rules on imported real documents (checks/_structure.py, importers/_facts.py): a title after a portal's
metadata lines, sections present without their heading, sub-heading numbers missing a parenthesis.

Real pages from tests/data/real (dev and the first holdout, tuned on since holdout2 exists; never holdout2).
"""

from __future__ import annotations

from report_kit.checks import run_checks
from report_kit.importers import import_document
from report_kit.importers._facts import context_for, document_facts

from .real_support import REAL


def _findings(report: str, rule: str) -> list:
    path = REAL / report / "source.txt"
    imported = import_document(path)
    return [f for f in run_checks(imported.ay, None, context_for(path, imported.ay.fmt.id)) if f.rule == rule]


def test_the_title_is_read_after_the_portals_metadata_lines() -> None:
    # 平阳县: 索引号 / 组配分类 / 生成日期 lines stand between the breadcrumb and the title
    doc = document_facts(REAL / "2020-pingyang-shichangjianguanju" / "source.txt", "2019")
    assert doc is not None and doc.title == "平阳县市场监督管理局2020年政府信息公开工作报告"
    [found] = _findings("2020-pingyang-shichangjianguanju", "STRUCT-TITLE")
    assert "平阳县市场监督管理局2020年政府信息公开工作报告" in found.message
    # 新九镇: the page title repeats the report's second line; the two-line title names agency and year
    doc = document_facts(REAL / "2021-yanbian-xinjiuzhen" / "source.txt", "2021")
    assert doc is not None and doc.title == "盐边县新九镇人民政府关于2021年度政府信息公开工作的年度报告"
    assert _findings("2021-yanbian-xinjiuzhen", "STRUCT-TITLE")


def test_a_table_without_its_heading_and_the_missing_overview_are_said() -> None:
    # 武汉市生态环境局 (traditional): one preamble sentence, then table 二's own header
    doc = document_facts(REAL / "2020-wuhan-shengtaihuanjingju" / "source.txt", "2019")
    assert doc is not None and doc.unheaded.get("主动公开", "").startswith("第二十條")
    found = {f.section: f for f in _findings("2020-wuhan-shengtaihuanjingju", "STRUCT-HEADINGS")}
    assert {"一", "二"} <= set(found)
    assert "直接以" in found["二"].message and "其后的" in found["一"].message


def test_overview_items_straight_after_the_preamble() -> None:
    # 高楼乡: preamble, then "（一）主动公开情况" … with no "一、总体情况"
    doc = document_facts(REAL / "2023-weishan-gaolouxiang" / "source.txt", "2021")
    assert doc is not None and doc.unheaded == {"总体情况": "(一)主动公开情况"}
    [found] = _findings("2023-weishan-gaolouxiang", "STRUCT-HEADINGS")
    assert found.section == "一" and "(一)主动公开情况" in found.message


def test_headings_in_place_give_no_unheaded_section() -> None:
    doc = document_facts(REAL / "2022-lixian-shenjiju" / "source.txt", "2021")
    assert doc is not None and doc.unheaded == {}


def test_sub_headings_missing_their_opening_parenthesis() -> None:
    # 蠡县审计局: "一)主动公开 … 五)监督保障"
    [found] = _findings("2022-lixian-shenjiju", "STRUCT-NUMBERING")
    assert found.section == "一" and "一)主动公开" in found.message and found.severity == "warning"
    # a report whose sub-headings are whole gives nothing
    assert not _findings("2020-xiaogan-shizhengfu-bangongshi", "STRUCT-NUMBERING")
