"""Derived figures: one definition of totals, outcome groups, shares and carry-over for every reader."""

from __future__ import annotations

import pytest

from report_kit import figures
from report_kit.checks import rate
from report_kit.narrative._generate import share

from .checks_support import consistent, with_cells


@pytest.mark.parametrize("fid", ["2019", "2021"])
def test_applications_balance_and_received(fid: str) -> None:
    apps = figures.applications(consistent(fid))
    assert (apps.new, apps.carried_in, apps.handled, apps.carried_out) == (10, 2, 10, 2)
    assert apps.received == 12  # 新收 + 上年结转
    blank = figures.applications(with_cells(consistent(fid), ("三", "上年结转", "总计", None)))
    assert blank.carried_in is None and blank.received is None  # a blank is never taken as 0


def test_outcome_groups_sum_items_and_stay_blank_when_one_item_is() -> None:
    ay = with_cells(consistent("2021"), ("三", "属于国家秘密", "总计", 1), ("三", "保护第三方合法权益", "总计", 2))
    groups = dict(figures.outcome_groups(ay))
    assert list(groups) == ["予以公开", "部分公开", "不予公开", "无法提供", "不予处理", "其他处理"]
    assert groups["不予公开"] == 3 and groups["无法提供"] == 2 and groups["予以公开"] == 6
    assert dict(figures.outcome_groups(with_cells(ay, ("三", "重复申请", "总计", None))))["不予处理"] is None


def test_carried_out_falls_back_to_the_applicant_columns() -> None:
    ay = with_cells(consistent("2021"), ("三", "结转下年度", "总计", None), ("三", "结转下年度", "商业企业", 3))
    assert figures.carried_out(ay) == 2 + 3
    none = with_cells(ay, *(("三", "结转下年度", c.key, None) for c in ay.fmt.table("三").columns))
    assert figures.carried_out(none) is None


def test_cases() -> None:
    ay = with_cells(consistent("2021"), ("四", "复议后起诉", "结果纠正", 2), ("四", "复议后起诉", "总计", 2))
    assert figures.reviews_and_lawsuits(ay) == (1, 2)
    assert figures.case_sum(ay) == 3 and figures.case_sum(ay, "corrected") == 2
    assert [(g.label, v) for g, v in figures.case_groups(ay)] == [("行政复议", 1), ("未经复议直接起诉", 0),
                                                                   ("复议后起诉", 2)]
    blank = with_cells(ay, ("四", "未经复议直接起诉", "总计", None))
    assert figures.reviews_and_lawsuits(blank) == (1, None)


def test_one_share_for_checks_and_narrative() -> None:
    assert figures.percent(1, 3) == "33.33%" and figures.percent(0, 5) == "0.00%"
    assert figures.percent(1, 0) == figures.percent(None, 5) == figures.percent(1, None) == "—"
    assert rate is figures.percent and share is figures.percent


def test_carry_over_compares_consecutive_years_on_shared_columns() -> None:
    now = consistent("2021", year=2021)
    last = with_cells(consistent("2019", year=2020), ("三", "结转下年度", "自然人", 1))
    pairs = {col.key: (a, b) for col, a, b in figures.carry_over(now, last)}
    assert pairs["自然人"] == (2, 1) and pairs["总计"] == (2, 2)
    assert figures.carry_over(now, consistent("2019", year=2019)) == []  # not the year before
    assert figures.carry_over(now, None) == []
