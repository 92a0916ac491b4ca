"""Every rule: a case that breaks it and one that passes; the seed gives exactly its known defects."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from report_kit import params
from report_kit.checks import RULES, failing, findings_html, rate, run_checks

from .checks_support import consistent, with_cells
from .conftest import ROOT, SHARED


def ids(ay, previous=None) -> set[str]:
    return {f.id for f in run_checks(ay, previous)}


def rules_of(ay, previous=None) -> set[str]:
    return {f.rule for f in run_checks(ay, previous)}


@pytest.mark.parametrize("fid", ["2019", "2021"])
def test_consistent_agency_has_no_findings(fid: str) -> None:
    assert run_checks(consistent(fid)) == []


def test_seed_gives_exactly_its_known_defects(seed_ay) -> None:
    everything = run_checks(seed_ay)
    found = [f for f in everything if f.severity != "info"]
    assert [f.rule for f in found] == ["TEXT-PLACEHOLDER", "BLANK-CELLS", "BLANK-CELLS"]
    # the applicant columns' （七）总计 and 四 are blank: the balance is said once to be unverifiable, not computed
    assert [f.id for f in everything if f.severity == "info"] == ["T3-BALANCE@unverified"]
    placeholder, blank2, blank3 = found
    assert "发布信息总量为 条" in placeholder.message
    assert "第二十条第（五）项 行政许可 × 处理决定数量" in blank2.message
    assert "（一）予以公开 × 自然人、商业企业、科研机构、社会公益组织、法律服务机构、其他；" in blank3.message
    assert "四、结转下年度继续办理 × 自然人" in blank3.message
    assert "× 总计" not in blank3.message and "、总计" not in blank3.message  # every 总计 cell was filled
    assert blank3.actual == "126格空白"


BREAKS = {
    "T3-BALANCE": [("三", "结转下年度", "自然人", 3), ("三", "结转下年度", "总计", 3)],
    "T3-LEAVES": [("三", "予以公开", "自然人", 7), ("三", "予以公开", "总计", 7), ("三", "结转下年度", "自然人", 1),
                  ("三", "结转下年度", "总计", 1)],
    "T3-ROWSUM": [("三", "重复申请", "商业企业", 1)],
    "T4-SUM": [("四", "复议后起诉", "结果纠正", 2)],
    "BLANK-CELLS": [("四", "行政复议", "其他结果", None)],
    "T2-ISSUED": [("二", "行政规范性文件", "本年制发件数", 20)],
}


@pytest.mark.parametrize("rule_id", sorted(BREAKS))
def test_table_rules_break_and_pass(rule_id: str) -> None:
    ay = consistent("2021")
    assert rule_id not in rules_of(ay)
    broken = with_cells(ay, *BREAKS[rule_id])
    assert rule_id in rules_of(broken)


def test_t3_balance_names_column_expected_and_actual() -> None:
    ay = with_cells(consistent(), ("三", "上年结转", "自然人", 5), ("三", "上年结转", "总计", 5))
    f = next(f for f in run_checks(ay) if f.id == "T3-BALANCE@自然人")
    assert (f.expected, f.actual) == ("15", "12") and f.severity == "error" and f.section == "三"


def test_2019_table2_bounds() -> None:
    ay = consistent("2019")
    assert not rules_of(ay) & {"T2-ITEMS", "T2-PUBLISHED"}
    assert "T2-ITEMS" in rules_of(with_cells(ay, ("二", "行政许可", "本年增减", -9)))
    assert "T2-PUBLISHED" in rules_of(with_cells(ay, ("二", "规范性文件", "本年新公开数量", 13)))
    assert "T2-GAP" in rules_of(with_cells(ay, ("二", "规章", "本年新制作数量", 9), ("二", "规章", "本年新公开数量", 1),
                                           ("二", "规章", "对外公开总数量", 9)))
    # 规范性文件 must be published to take effect: T2-NORMATIVE says it (a warning), not T2-GAP
    assert rules_of(with_cells(ay, ("二", "规范性文件", "本年新制作数量", 9),
                               ("二", "规范性文件", "本年新公开数量", 1))) >= {"T2-NORMATIVE"}


def test_cross_year_carry_over_and_stock() -> None:
    prev = consistent("2021", year=2022)
    ay = consistent("2021", year=2023)
    ay = with_cells(ay, ("二", "行政规范性文件", "现行有效件数", 12))  # 10 + 3 − 1
    assert not rules_of(ay, prev) & {"XY-CARRY", "XY-INFORCE"}
    wrong = with_cells(ay, ("三", "上年结转", "自然人", 4), ("三", "上年结转", "总计", 4),
                       ("三", "结转下年度", "自然人", 4), ("三", "结转下年度", "总计", 4),
                       ("二", "行政规范性文件", "现行有效件数", 11))
    found = ids(wrong, prev)
    assert {"XY-CARRY@自然人", "XY-CARRY@总计", "XY-INFORCE@行政规范性文件"} <= found
    assert "XY-CARRY@自然人" not in ids(wrong, consistent("2021", year=2020))  # not the previous year


def test_cross_year_2019_items_and_cross_format_carry() -> None:
    prev = consistent("2019", year=2019)
    ay = consistent("2019", year=2020)
    assert "XY-ITEMS" in rules_of(ay, prev)  # 8 should be 8 + 2
    ok = with_cells(ay, ("二", "行政许可", "上一年项目数量", 10))
    assert "XY-ITEMS" not in rules_of(ok, prev)
    this = consistent("2021", year=2021)  # 2021 format after a 2020 report in the 2019 format
    assert "XY-CARRY" not in rules_of(this, ok)
    assert "XY-CARRY" in rules_of(with_cells(this, ("三", "上年结转", "总计", 0),
                                             ("三", "上年结转", "自然人", 0)), ok)


def test_jump_is_info() -> None:
    prev = consistent("2021", year=2022)
    ay = with_cells(consistent("2021", year=2023), ("三", "本年新收", "自然人", 200), ("三", "本年新收", "总计", 200))
    f = [f for f in run_checks(ay, prev) if f.rule == "XY-JUMP"]
    assert f and f[0].severity == "info"


@pytest.mark.parametrize("text,token", [
    ("发布信息总量为 条。", "为 条"), ("共收到申请XX件。", "XX"), ("联系人：×××", "×××"),
    ("详见【】", "【】"), ("电话：＿＿＿", "＿＿＿"), ("此处填写工作亮点。", "此处填写"),
])
def test_placeholders(text: str, token: str) -> None:
    ay = consistent()
    bad = replace(ay, text={**ay.text, "其他事项": text})
    found = [f for f in run_checks(bad) if f.rule == "TEXT-PLACEHOLDER"]
    assert found and found[0].actual.strip() == token.strip()
    assert not [f for f in run_checks(replace(ay, text={**ay.text, "其他事项": "作为条件。QQ群。"}))
                if f.rule == "TEXT-PLACEHOLDER"]


def test_placeholder_id_is_stable_under_edits_elsewhere() -> None:
    ay = consistent()
    a = replace(ay, text={**ay.text, "其他事项": "发布信息总量为 条。"})
    b = replace(ay, text={**ay.text, "其他事项": "前面加了一句话。发布信息总量为 条。",
                          "总体情况": ay.text["总体情况"] + "又改了一处。"})
    assert {f.id for f in run_checks(a) if f.rule == "TEXT-PLACEHOLDER"} == \
        {f.id for f in run_checks(b) if f.rule == "TEXT-PLACEHOLDER"}


def test_empty_section_format_year_notice_period() -> None:
    ay = consistent()
    assert "TEXT-EMPTY" in rules_of(replace(ay, text={**ay.text, "问题及改进": " "}))
    assert "FORMAT-YEAR" in rules_of(replace(ay, year=2020))
    cite = {**ay.text, "总体情况": ay.text["总体情况"] + "按照国办公开办函〔2019〕60号要求编制。"}
    assert "TEXT-NOTICE" in rules_of(replace(ay, text=cite))
    fine = {**ay.text, "总体情况": ay.text["总体情况"] + "按照国办公开办函〔2021〕30号要求编制。"}
    assert "TEXT-NOTICE" not in rules_of(replace(ay, text=fine))
    period = {**ay.text, "总体情况": ay.text["总体情况"] + "统计期间为2022年1月1日至2022年12月31日。"}
    assert "TEXT-PERIOD" in rules_of(replace(ay, year=2023, text=period))
    assert "TEXT-PERIOD" not in rules_of(replace(ay, year=2022, text=period))


@pytest.mark.parametrize("body,published,expected", [
    ("department", date(2024, 1, 20), None), ("department", date(2024, 2, 5), "warning"),
    ("government", date(2024, 3, 20), None), ("government", date(2023, 12, 1), "error"),
])
def test_publication_date(body: str, published: date, expected: str | None) -> None:
    found = [f for f in run_checks(consistent(year=2023, body=body, published=published)) if f.rule == "PUBLISH-DATE"]
    assert (found[0].severity if found else None) == expected


def test_level_rules() -> None:
    ay = with_cells(consistent(), ("二", "规章", "本年制发件数", 1), ("二", "规章", "现行有效件数", 1))
    assert "LEVEL-RULES" not in rules_of(ay)  # a prefecture government may make 规章
    assert "LEVEL-RULES" in rules_of(replace(ay, level="county"))


def test_2021_required_content() -> None:
    ay = consistent()
    assert "REQ-FEE" in rules_of(replace(ay, text={**ay.text, "其他事项": "无。"}))
    assert "REQ-FEE" not in rules_of(replace(ay, text={**ay.text, "其他事项": "无。"}, fee_charged=False))
    assert "REQ-RECTIFY" in rules_of(replace(ay, text={**ay.text, "问题及改进": "信息更新不够及时。"}))
    missing = [f for f in run_checks(replace(ay, text={**ay.text, "总体情况": "我局做好主动公开工作。"}))
               if f.rule == "REQ-OVERVIEW"]
    assert missing and "依申请公开、政府信息管理、平台建设、监督保障" in missing[0].message
    assert not rules_of(consistent("2019")) & {"REQ-FEE", "REQ-RECTIFY", "REQ-OVERVIEW"}


@pytest.mark.parametrize("sentence,flag", [
    ("本年度共收到政府信息公开申请12件。", True),
    ("本年度共收到政府信息公开申请10件。", False),
    ("本年度共收到政府信息公开申请12件（含上年结转2件）。", False),  # another base: never compared
    ("全年受理政府信息公开申请12件。", False),
    ("发生行政复议3起。", True),
    ("发生行政复议1起。", False),
    ("备案政府信息公开行政复议案件134件。", False),
    ("本年度未收到政府信息公开申请。", True),
    ("未发生因政府信息公开工作被申请行政复议、提起行政诉讼的情况。", True),
])
def test_text_against_tables(sentence: str, flag: bool) -> None:
    ay = consistent()
    bad = replace(ay, text={**ay.text, "总体情况": ay.text["总体情况"] + sentence})
    assert bool(rules_of(bad) & {"TEXT-TABLE", "TEXT-ZERO"}) is flag


def test_plausibility_rules() -> None:
    ay = consistent()
    pending = with_cells(ay, ("三", "结转下年度", "自然人", 8), ("三", "结转下年度", "总计", 8),
                         ("三", "予以公开", "自然人", 0), ("三", "予以公开", "总计", 0),
                         ("三", "办理结果总计", "自然人", 4), ("三", "办理结果总计", "总计", 4))
    assert "PLAUSIBLE-PENDING" in rules_of(pending) and "PLAUSIBLE-PENDING" not in rules_of(ay)
    corrected = with_cells(ay, ("四", "行政复议", "结果维持", 3), ("四", "行政复议", "结果纠正", 3),
                           ("四", "行政复议", "总计", 6))
    assert "PLAUSIBLE-CORRECTED" in rules_of(corrected)


def test_acknowledgement_and_stale_acknowledgement() -> None:
    ay = with_cells(consistent(), ("四", "行政复议", "其他结果", None))
    fid = "BLANK-CELLS@四"
    assert [f.id for f in failing(run_checks(ay), strict=True)] == [fid]
    acked = replace(ay, acknowledged={fid: "原件如此"})
    found = run_checks(acked)
    assert [f.acknowledged for f in found if f.id == fid] == ["原件如此"]
    assert failing(found, strict=True) == []
    stale = replace(consistent(), acknowledged={fid: "原件如此"})
    assert [f.rule for f in run_checks(stale)] == ["ACK-STALE"]


def test_rate_never_divides_by_zero() -> None:
    assert rate(0, 0) == "—" and rate(3, None) == "—" and rate(1, 4) == "25.00%"


def test_every_rule_has_id_severity_title_and_formula() -> None:
    assert len(RULES) >= 25
    for r in RULES.values():
        assert r.severity in {"error", "warning", "info"} and r.title and r.formula


def test_findings_html_is_escaped_and_grouped() -> None:
    ay = consistent()
    evil = replace(ay, text={**ay.text, "其他事项": "<script>alert(1)</script>此处填写"})
    html = findings_html(run_checks(evil))
    assert "</script>此处" not in html and "&lt;/script&gt;此处填写" in html
    assert "第六部分" in html and "错误" in html


# ---------------------------------------------------------------- real data across two years (宿迁市)

def _suqian(year: int) -> params.AgencyYear:  # type: ignore[name-defined]
    from report_kit.formats import get_format
    from report_kit.model import AgencyYear, blank_tables

    data = json.loads((SHARED / "fixtures/crossyear" / f"{year}-suqian-shi.peer-parsed.json").read_text("utf-8"))
    fmt = get_format("2021")
    t = blank_tables(fmt)
    table3 = fmt.table("三")
    label_to_key = {r.label: r.key for r in table3.data_rows()}
    cols = {c.label: c.key for c in table3.columns}
    t2 = fmt.table("二")
    for tid, row, col, value in data["cells"]:
        if tid == "二":
            rk = next(r.key for r in t2.data_rows() if r.label == row or r.label.endswith(row))
            ck = next(c.key for c in t2.columns_of(rk) if c.label == col)
            t["二"][rk][ck] = value
        elif tid == "三":
            t["三"][label_to_key[row]][cols[col]] = value
        else:
            t["四"][row][col] = value
    texts = {"总体情况": "x", "问题及改进": "上年问题已整改。", "其他事项": "未收取信息处理费。"}
    return AgencyYear(fmt=fmt, agency="宿迁市", slug="suqian-shi", year=year, tables=t, body="government",
                      level="prefecture", text=texts)


@pytest.mark.skipif(not (SHARED / "fixtures/crossyear").is_dir(), reason="shared fixtures absent")
def test_real_two_years_pass_the_cross_year_rules_and_a_wrong_carry_is_caught(tmp_path: Path) -> None:
    prev, this = _suqian(2023), _suqian(2024)
    assert not rules_of(this, prev) & {"XY-CARRY", "XY-INFORCE", "T3-BALANCE", "T3-LEAVES", "T4-SUM"}
    # the same tree as params files, one of them with a wrong carry-over, through `report-kit check`
    root = tmp_path / "params"
    for ay in (prev, this):
        (root / str(ay.year)).mkdir(parents=True, exist_ok=True)
        (root / str(ay.year) / "suqian-shi.yaml").write_text(params.dumps(ay), encoding="utf-8")
    out = subprocess.run([sys.executable, "-m", "report_kit", "check", str(root), "--format", "json"],
                         capture_output=True, text=True, cwd=ROOT)
    assert "XY-CARRY" not in out.stdout
    wrong = with_cells(this, ("三", "上年结转", "总计", 120))
    (root / "2024" / "suqian-shi.yaml").write_text(params.dumps(wrong), encoding="utf-8")
    out = subprocess.run([sys.executable, "-m", "report_kit", "check", str(root)], capture_output=True, text=True,
                         cwd=ROOT)
    assert out.returncode == 1 and "XY-CARRY@总计" in out.stdout and "Traceback" not in out.stderr


@pytest.mark.slow
def test_wrong_carry_over_is_caught_in_the_executed_notebook(tmp_path: Path) -> None:
    """Several agencies over two years; the notebook finds the previous year by itself and flags the carry."""
    import nbformat

    root = tmp_path / "params"
    for i, wrong in ((1, False), (2, True)):
        prev = replace(consistent("2021", year=2023), slug=f"ju-{i}", agency=f"某市第{i}局")
        this = replace(consistent("2021", year=2024), slug=f"ju-{i}", agency=f"某市第{i}局")
        this = with_cells(this, ("二", "行政规范性文件", "现行有效件数", 12))
        if wrong:
            this = with_cells(this, ("三", "上年结转", "自然人", 1), ("三", "上年结转", "总计", 1),
                              ("三", "本年新收", "自然人", 11), ("三", "本年新收", "总计", 11))
        for ay in (prev, this):
            (root / str(ay.year)).mkdir(parents=True, exist_ok=True)
            (root / str(ay.year) / f"{ay.slug}.yaml").write_text(params.dumps(ay), encoding="utf-8")
    for i, expect in ((1, False), (2, True)):
        out = subprocess.run([sys.executable, "-m", "report_kit", "run", str(root / "2024" / f"ju-{i}.yaml"),
                              "--outputs", str(tmp_path / "outputs")], capture_output=True, text=True, cwd=ROOT)
        assert out.returncode == 0, out.stderr
        nb = nbformat.read(tmp_path / "outputs" / "2024" / f"ju-{i}" / "report.ipynb", as_version=4)
        found = {f["id"] for f in nb.metadata.report_kit["findings"]}
        assert ("XY-CARRY@自然人" in found) is expect and ("XY-CARRY@总计" in found) is expect
    check = subprocess.run([sys.executable, "-m", "report_kit", "check", str(root)], capture_output=True, text=True,
                           cwd=ROOT)
    assert check.returncode == 1 and "ju-2.yaml: error: XY-CARRY@自然人" in check.stdout
    assert "ju-1.yaml: error" not in check.stdout


@pytest.mark.parametrize("sentence,flag", [
    ("予以公开6件，占60%。", False),
    ("予以公开及部分公开8件，占80%。", False),
    ("予以公开6件，占60.0%。", False),
    ("予以公开7件，占70%。", True),  # the count is wrong
    ("予以公开6件，占50%。", True),  # the share is wrong for 办理结果总计 10
    ("含上年结转，予以公开6件，占50%。", False),  # stated base 新收 + 结转 = 12
    ("本机关不掌握相关政府信息2件，占90%。", False),  # not a （一）…（六） outcome: not compared
])
def test_shares_in_text(sentence: str, flag: bool) -> None:
    ay = consistent()
    bad = replace(ay, text={**ay.text, "其他事项": ay.text["其他事项"] + sentence})
    assert ("TEXT-SHARE" in rules_of(bad)) is flag


def test_parts_count() -> None:
    ay = consistent()
    five = replace(ay, text={**ay.text, "总体情况": "本报告由总体情况等五部分组成。" + ay.text["总体情况"]})
    six = replace(ay, text={**ay.text, "总体情况": "本报告由总体情况等六部分组成。" + ay.text["总体情况"]})
    assert "TEXT-PARTS" in rules_of(five) and "TEXT-PARTS" not in rules_of(six)


@pytest.mark.parametrize("cell,bad", [
    (("三", "本年新收", "自然人"), -1), (("三", "本年新收", "自然人"), 1.5), (("四", "行政复议", "总计"), True),
    (("二", "行政事业性收费", "本年收费金额"), -0.5),
])
def test_cell_values_from_unvalidated_sources(cell: tuple[str, str, str], bad: object) -> None:
    # importers build AgencyYears without the params schema; the rule is the net under them
    ay = with_cells(consistent(), (*cell, bad))
    hit = [f for f in run_checks(ay) if f.rule == "CELL-VALUE"]
    assert [f.key for f in hit] == [":".join(cell)] and hit[0].severity == "error"
    assert "CELL-VALUE" not in rules_of(consistent())
    # 2019 本年增减 is a signed delta
    assert "CELL-VALUE" not in rules_of(with_cells(consistent("2019"), ("二", "行政许可", "本年增减", -3)))


@pytest.mark.parametrize("sentence,flag", [
    ("本年度制发规范性文件3件。", True),
    ("本年度制发行政规范性文件3件。", False),
    ("本年新制作数量3件。", True),
    ("进一步规范性文件管理工作。", False),
])
def test_old_format_wording_in_text(sentence: str, flag: bool) -> None:
    ay = consistent()
    text = {**ay.text, "总体情况": ay.text["总体情况"] + sentence}
    assert ("TEXT-LABEL" in rules_of(replace(ay, text=text))) is flag


@pytest.mark.parametrize("sentence,flag", [
    ("现将本机关2022年度政府信息公开工作年度报告公布如下。", True),
    ("现将本机关2023年度政府信息公开工作年度报告公布如下。", False),
    ("截至2022年12月31日，累计公开信息1000条。", True),
    ("2023年1月1日起至12月31日止。", False),
])
def test_report_year_stated_in_opening(sentence: str, flag: bool) -> None:
    ay = consistent(year=2023)
    text = {**ay.text, "总体情况": sentence + ay.text["总体情况"]}
    assert ("TEXT-PERIOD" in rules_of(replace(ay, text=text))) is flag


def test_stale_acknowledgement_is_a_listed_rule() -> None:
    assert RULES["ACK-STALE"].severity == "warning" and RULES["ACK-STALE"].formula


def test_cases_unmentioned_only_when_no_generated_sentences_say_them() -> None:
    ay = with_cells(consistent(), ("四", "行政复议", "尚未审结", 1), ("四", "行政复议", "总计", 2))
    assert "TEXT-CASES" not in rules_of(ay)  # section 四's generated sentences state the cases
    quiet = replace(ay, narrative={"复议诉讼": False})
    hit = [f for f in run_checks(quiet) if f.rule == "TEXT-CASES"]
    assert hit and "尚未审结1件" in hit[0].message
    said = replace(quiet, text={**quiet.text, "其他事项": quiet.text["其他事项"] + "本年度有2件行政复议案件。"})
    assert "TEXT-CASES" not in rules_of(said)


def test_rectification_needs_last_year_not_just_the_word_zhenggai() -> None:
    ay = consistent()
    plan_only = replace(ay, text={**ay.text, "问题及改进": "（二）整改措施。进一步加强审核。"})
    assert "REQ-RECTIFY" in rules_of(plan_only)
    assert "REQ-RECTIFY" not in rules_of(ay)  # 针对上年度存在的问题…已完成整改


def test_notice_error_only_when_certainly_wrong() -> None:
    """TEXT-NOTICE: citing the 2019 notice on annual reports as a basis (开阳县, tests/data/real, dev: "…《关于政府信息
    公开工作年度报告有关事项的通知》(国办公开办函〔2019〕60号)要求") in a 2021-form report may be out of date: a
    warning. Saying the report follows that notice's 格式, or citing a notice issued after the report year: an error."""
    ay = consistent()
    basis = ("根据《国务院办公厅政府信息与政务公开办公室关于政府信息公开工作年度报告有关事项的通知》"
             "(国办公开办函〔2019〕60号)要求编制。")
    as_format = "根据《中华人民共和国政府信息公开工作年度报告格式》(国办公开办函〔2019〕60号)编制本报告。"

    def severities(extra: str, on: Any) -> set[str]:
        text = {**on.text, "总体情况": on.text["总体情况"] + extra}
        return {f.severity for f in run_checks(replace(on, text=text)) if f.rule == "TEXT-NOTICE"}

    assert severities(basis, ay) == {"warning"}
    assert severities(as_format, ay) == {"error"}
    later = "依据国办公开办函〔2021〕30号要求编制。"
    assert severities(later, consistent("2019", year=2019)) == {"error"}  # issued after the 2019 report
