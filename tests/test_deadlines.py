"""deadlines: Article 49 for the bodies it names, the registry for the others, never a guessed date."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from report_kit.deadlines import ARTICLE_49, LocalRule, MonthDay, deadline_for, filing, kind
from report_kit.errors import ParamsError
from report_kit.registry import load_registry_with_rules


def test_article_49_departments_31_january_governments_31_march() -> None:
    for level in ("national", "provincial", "prefecture", "county"):
        d = deadline_for(kind("department", level), 2024)
        assert d.due == date(2025, 1, 31) and ARTICLE_49 in d.rule
    for level in ("provincial", "prefecture", "county"):
        d = deadline_for(kind("government", level), 2024)
        assert d.due == date(2025, 3, 31) and "县级以上地方人民政府" in d.rule


@pytest.mark.parametrize(("body", "level", "why"), [
    ("government", "township", "乡镇级人民政府"),
    ("subdistrict", "township", "街道办事处"),
    ("other", "county", "其他机关"),
    ("government", "national", "国家级人民政府"),  # the article names 县级以上地方 governments only
    ("department", None, "行政层级"),
    (None, "county", "机关类型"),
])
def test_bodies_the_article_does_not_name_have_no_guessed_deadline(body: str | None, level: str | None,
                                                                     why: str) -> None:
    d = deadline_for(kind(body, level), 2024)
    assert d.due is None and not d.known and why in d.rule


def test_registry_rules_per_kind_and_per_agency() -> None:
    rules = [LocalRule("government", MonthDay.parse("02-28"), "某县规定（乡镇）", "township"),
             LocalRule("subdistrict", MonthDay.parse("02-15"), "某县规定（街道）"),
             LocalRule("department", MonthDay.parse("01-20"), "某市规定：部门1月20日前")]
    assert deadline_for(kind("government", "township"), 2024, rules).due == date(2025, 2, 28)
    assert deadline_for(kind("subdistrict", "township"), 2024, rules).rule == "某县规定（街道）"
    stricter = deadline_for(kind("department", "county"), 2024, rules)
    assert stricter.due == date(2025, 1, 20) and stricter.rule.startswith("某市规定")
    # a local rule can tighten the law, never relax it
    lax = [LocalRule("department", MonthDay.parse("03-15"), "宽于法定期限的规定")]
    assert deadline_for(kind("department", "county"), 2024, lax).due == date(2025, 1, 31)
    # the most specific rule for the kind wins
    both = [LocalRule("government", MonthDay.parse("03-01"), "所有政府"),
            LocalRule("government", MonthDay.parse("02-10"), "乡镇政府", "township")]
    assert deadline_for(kind("government", "township"), 2024, both).rule == "乡镇政府"


def test_registry_file_fields(tmp_path: Path) -> None:
    reg = tmp_path / "agencies.yaml"
    reg.write_text(
        "agencies:\n"
        "  - {slug: a-bureau, name: 甲局, body: department, level: county}\n"
        "  - {slug: b-town, name: 乙镇人民政府, body: government, level: township}\n"
        "  - {slug: c-street, name: 丙街道办事处, body: subdistrict, level: township, deadline: '01-25',"
        " deadline_basis: 本街道规定}\n"
        "  - {slug: d-old, name: 丁局}\n"
        "deadlines:\n"
        "  - {body: government, level: township, due: '02-28', basis: 县政务公开办通知}\n", encoding="utf-8")
    agencies, rules = load_registry_with_rules(reg)
    assert deadline_for(agencies["a-bureau"], 2024, rules).due == date(2025, 1, 31)
    assert deadline_for(agencies["b-town"], 2024, rules).rule == "县政务公开办通知"
    assert deadline_for(agencies["c-street"], 2024, rules).due == date(2025, 1, 25)
    assert deadline_for(agencies["d-old"], 2024, rules).due is None


@pytest.mark.parametrize("bad", ["2025-01-31", "1-31", "02-30", "02-29", "13-01"])
def test_a_bad_deadline_is_reported_with_its_line_and_label(tmp_path: Path, bad: str) -> None:
    reg = tmp_path / "agencies.yaml"
    reg.write_text(f"agencies:\n  - slug: a-bureau\n    name: 甲局\n    deadline: '{bad}'\n", encoding="utf-8")
    with pytest.raises(ParamsError) as exc:
        load_registry_with_rules(reg)
    assert "agencies.yaml:4" in str(exc.value) and "公布期限" in str(exc.value)


def test_filing_states() -> None:
    due = deadline_for(kind("department", "county"), 2024)
    today = date(2025, 2, 10)
    assert filing("a", "甲", due, filed=True, published=date(2025, 1, 31), today=today).state == "on_time"
    late = filing("a", "甲", due, filed=True, published=date(2025, 2, 3), today=today)
    assert late.state == "late" and late.overdue_days == 3 and late.failing and "超期3天" in late.label
    missing = filing("a", "甲", due, filed=False, published=None, today=today)
    assert missing.state == "missing" and missing.overdue_days == 10 and missing.failing
    early = filing("a", "甲", due, filed=False, published=None, today=date(2025, 1, 5))
    assert early.state == "missing" and early.overdue_days is None and early.label == "未报送"
    assert filing("a", "甲", due, filed=True, published=None, today=today).state == "unpublished"
    unknown = deadline_for(kind("government", "township"), 2024)
    state = filing("a", "甲", unknown, filed=True, published=date(2025, 6, 1), today=today)
    assert state.state == "no_deadline" and not state.failing  # never called late against a guessed date
