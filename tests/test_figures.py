"""Derived figures: one definition of totals, outcome groups, shares and carry-over for every reader."""

from __future__ import annotations

from decimal import Decimal

import pytest

from report_kit import figures
from report_kit.checks import rate

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
    assert rate is figures.percent


def test_shares_one_decimal_and_exactly_100_by_largest_remainder() -> None:
    got = figures.shares([1, 1, 1], 3)
    assert got == [Decimal("33.4"), Decimal("33.3"), Decimal("33.3")] and sum(got) == 100  # type: ignore[arg-type]
    assert sum(figures.shares([2, 3, 60, 39, 85, 63], 252)) == 100  # type: ignore[arg-type]
    assert figures.shares([0, 7, 0], 7) == [0, 100, 0]
    # parts that do not make the whole are rounded each on its own, never forced to 100
    assert figures.shares([1, 1], 3) == [Decimal("33.3"), Decimal("33.3")]
    assert figures.shares([1, None], 3)[1] is None and figures.shares([1], 0) == [None]
    assert figures.pct(Decimal("33.35")) == "33.4%" and figures.pct(Decimal(50)) == "50.0%" and figures.pct(None) == "—"
    from report_kit.region import _figures as region
    assert region.shares is figures.shares and region.pct is figures.pct  # one rounding for both reports


@pytest.mark.parametrize("now,before,kind,percent,times", [
    (10, 8, "up", "25.0", None), (8, 10, "down", "20.0", None), (0, 10, "down", "100.0", None),
    (10, 10, "same", None, None), (5, 0, "from_zero", None, None), (20, 10, "up", None, "1.0"),
    (31, 10, "up", None, "2.1"), (19999, 10000, "up", None, "1.0"), (1999, 1000, "up", "99.9", None),
])
def test_change_words_its_size_like_reports(now: int, before: int, kind: str, percent: str | None,
                                            times: str | None) -> None:
    c = figures.change(now, before)
    assert c is not None and c.kind == kind and c.diff == abs(now - before)
    assert c.percent == (Decimal(percent) if percent else None) and c.times == (Decimal(times) if times else None)
    assert figures.change(None, 3) is None and figures.change(3, None) is None


def test_carry_over_compares_consecutive_years_on_shared_columns() -> None:
    now = consistent("2021", year=2021)
    last = with_cells(consistent("2019", year=2020), ("三", "结转下年度", "自然人", 1))
    pairs = {col.key: (a, b) for col, a, b in figures.carry_over(now, last)}
    assert pairs["自然人"] == (2, 1) and pairs["总计"] == (2, 2)
    assert figures.carry_over(now, consistent("2019", year=2019)) == []  # not the year before
    assert figures.carry_over(now, None) == []
