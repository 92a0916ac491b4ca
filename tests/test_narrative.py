"""Narrative: golden texts for the seed and synthetic agency-years; a property test over random figures."""

from __future__ import annotations

import os
import re
from dataclasses import replace
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from report_kit import params
from report_kit.checks._text import PLACEHOLDERS
from report_kit.figures import outcome_groups
from report_kit.formats import get_format
from report_kit.model import AgencyYear, blank_tables
from report_kit.narrative import compose, generated

from .checks_support import consistent, with_cells
from .conftest import DATA, SEED_PARAMS

GOLDEN = DATA / "narrative"


def _text(ay: AgencyYear, previous: AgencyYear | None = None) -> str:
    lines = []
    for s in compose(ay, previous):
        lines.append(s.title)
        lines += [("  [生成] " if p.generated else "  ") + p.text for p in s.paragraphs]
    return "\n".join(lines) + "\n"


def _zeros(fid: str) -> AgencyYear:
    ay = consistent(fid)
    tables = {t: {r: dict.fromkeys(cols, 0) for r, cols in rows.items()} for t, rows in ay.tables.items()}
    return replace(ay, tables=tables)


def _heavy() -> AgencyYear:
    ay = consistent("2021")
    t3 = get_format("2021").table("三")
    cells = []
    leaves = t3.leaves_under("handled_total")
    for i, r in enumerate(leaves, start=1):
        cells += [("三", r.key, "自然人", i), ("三", r.key, "商业企业", 1), ("三", r.key, "总计", i + 1)]
    handled_nat = sum(range(1, len(leaves) + 1))
    handled = handled_nat + len(leaves)
    cells += [("三", "办理结果总计", "自然人", handled_nat), ("三", "办理结果总计", "商业企业", len(leaves)),
              ("三", "办理结果总计", "总计", handled), ("三", "本年新收", "自然人", handled_nat),
              ("三", "本年新收", "商业企业", len(leaves) + 5), ("三", "本年新收", "总计", handled + 5),
              ("三", "上年结转", "自然人", 0), ("三", "上年结转", "总计", 0),
              ("三", "结转下年度", "商业企业", 5), ("三", "结转下年度", "自然人", 0), ("三", "结转下年度", "总计", 5),
              ("四", "行政复议", "结果维持", 3), ("四", "行政复议", "结果纠正", 1), ("四", "行政复议", "尚未审结", 2),
              ("四", "行政复议", "总计", 6), ("四", "复议后起诉", "结果维持", 2), ("四", "复议后起诉", "总计", 2)]
    return with_cells(ay, *cells)


CASES = {
    "seed-2019": lambda: (params.load(SEED_PARAMS), None),
    "all-zeros-2021": lambda: (_zeros("2021"), None),
    "all-zeros-2019": lambda: (_zeros("2019"), None),
    "heavy-every-outcome-2021": lambda: (_heavy(), None),
    "fees-2021": lambda: (with_cells(replace(consistent("2021"), fee_charged=True, fee_amount=Decimal("120.5")),
                                     ("二", "行政事业性收费", "本年收费金额", Decimal("35.8"))), None),
    "previous-year-2021": lambda: (consistent("2021", year=2024),
                                   with_cells(consistent("2021", year=2023), ("三", "本年新收", "总计", 8))),
    "blanks-2021": lambda: (with_cells(consistent("2021"), ("三", "结转下年度", "总计", None),
                                       ("二", "行政许可", "本年处理决定数量", None),
                                       ("四", "行政复议", "总计", None)), None),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_golden(case: str) -> None:
    ay, previous = CASES[case]()
    got = _text(ay, previous)
    path = GOLDEN / f"{case}.txt"
    if os.environ.get("REPORT_KIT_UPDATE_GOLDEN") or not path.exists():
        path.write_text(got, encoding="utf-8")
    assert got == path.read_text("utf-8")


def test_seed_narrative_states_the_missing_total() -> None:
    text = _text(params.load(SEED_PARAMS))
    assert "共发布信息104条" in text
    assert "本年度未收到政府信息公开申请" in text
    assert "未发生因政府信息公开工作被申请行政复议、提起行政诉讼的情况" in text


def test_sections_in_official_order_and_switches() -> None:
    ay = consistent("2021")
    assert [s.key for s in compose(ay)] == [s.key for s in ay.fmt.sections]
    off = compose(replace(ay, narrative={"依申请公开": False}))
    assert not [p for p in off[2].paragraphs if p.generated]
    own = compose(replace(ay, narrative={"依申请公开": "本单位自行撰写的说明。"}))
    assert [p.text for p in own[2].paragraphs] == ["本单位自行撰写的说明。"]
    first = compose(ay)[0]
    assert first.paragraphs and not first.paragraphs[0].generated  # the analyst's text stays first


def test_year_over_year_never_divides_by_zero() -> None:
    prev = with_cells(consistent("2021", year=2023), ("三", "本年新收", "总计", 0), ("三", "本年新收", "自然人", 0))
    text = _text(consistent("2021", year=2024), prev)
    assert "2023年为0件" in text and "%" not in text.split("2023年为0件")[0][-20:]
    same = _text(consistent("2021", year=2024), consistent("2021", year=2023))
    assert "与2023年持平" in same
    up = _text(consistent("2021", year=2024), with_cells(consistent("2021", year=2023), ("三", "本年新收", "总计", 8)))
    assert "较2023年增加2件，增长25.00%" in up


# ------------------------------------------------------------------------------------ property

def _figure(ay: AgencyYear, name: str, previous: AgencyYear | None = None):
    if name.startswith("上年:"):
        return _figure(previous, name.removeprefix("上年:"))
    if name.startswith("变化:"):
        key = name.removeprefix("变化:")
        return abs(_figure(ay, key) - _figure(previous, key))
    parts = name.split(":")
    t3 = ay.fmt.table("三")
    if parts[0] == "三":
        roles = {"新收": "new", "上年结转": "carried_in", "办理结果总计": "handled_total", "结转下年度": "carried_out"}
        if len(parts) == 2 and parts[1] in roles:
            return ay.t3(t3.row_by_role(roles[parts[1]]).key, "总计")
        if parts[1] == "新收":
            cols = [c.key for c in t3.columns if (c.group if parts[2] != "自然人" else c.key == "自然人")]
            vals = [ay.t3("本年新收", c) for c in cols]
            return None if None in vals else sum(vals)
        return dict(outcome_groups(ay))[parts[1]]
    if parts[0] == "四":
        t4 = ay.fmt.table("四")
        col = next(c.key for c in t4.columns if c.label == parts[2])
        return ay.get("四", parts[1], col)
    if parts[0] == "二":
        col = ay.fmt.table("二").column_by_role(parts[1], parts[2])
        return ay.get("二", parts[1], col.key)
    if parts[0] == "六":
        return ay.fee_amount
    if name == "公开目录信息总数":
        return None if any(v is None for _, v in ay.catalogue) else sum(v for _, v in ay.catalogue)
    if parts[0] == "目录":
        return dict(ay.catalogue)[parts[1]]
    raise AssertionError(name)


counts = st.one_of(st.none(), st.integers(0, 5000), st.just(0))


@st.composite
def agency_years(draw) -> AgencyYear:
    fid = draw(st.sampled_from(["2019", "2021"]))
    fmt = get_format(fid)
    tables = blank_tables(fmt)
    for tid, row, col in fmt.cells():
        if col.kind == "delta":
            value = draw(st.one_of(st.none(), st.integers(-50, 50)))
        elif col.kind == "amount":
            value = draw(st.one_of(st.none(), st.decimals(0, 10**6, places=2)))
        else:
            value = draw(counts)
        tables[tid][row.key][col.key] = value
    catalogue = draw(st.one_of(st.none(), st.lists(st.tuples(st.sampled_from(["工作动态", "通知公告", "政策文件"]),
                                                               counts), max_size=3, unique_by=lambda t: t[0])))
    charged = draw(st.one_of(st.none(), st.booleans()))
    return AgencyYear(fmt=fmt, agency="某局", slug="mou", year=fmt.first_year + 1, tables=tables,
                      catalogue=tuple(catalogue) if catalogue else None, fee_charged=charged,
                      fee_amount=draw(st.one_of(st.none(), st.decimals(0, 10**4, places=2))) if charged else None,
                      text={"总体情况": "总体。", "问题及改进": "问题。", "其他事项": "无。"})


@settings(max_examples=200, deadline=None)
@given(agency_years(), st.one_of(st.none(), agency_years()))
def test_every_stated_number_is_the_figure_it_names(ay: AgencyYear, previous: AgencyYear | None) -> None:
    if previous is not None:
        previous = replace(previous, year=ay.year - 1)
    gen = generated(ay, previous)
    for section in gen.values():
        for name, value in section.stated:
            assert _figure(ay, name, previous) == value, name
        for text in section.texts:
            for pattern, _ in PLACEHOLDERS:
                assert not pattern.search(text), text
            assert "None" not in text and "未填报件" not in text and "nan" not in text.lower()
            stated = {str(v) for _, v in section.stated if v is not None} | \
                {format(Decimal(v).normalize(), "f") for _, v in section.stated if isinstance(v, Decimal)}
            for number in re.findall(r"(?<![\d.])-?\d+(?:\.\d+)?(?![\d.]*%)", text):
                assert number in stated or re.search(rf"{number}年|{number}个", text), (number, text)
    compose(ay, previous)  # never raises
