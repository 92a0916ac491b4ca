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


def _apps_sentence(now: int, before: int) -> str:
    this = with_cells(consistent("2021", year=2024), ("三", "本年新收", "总计", now))
    prev = with_cells(consistent("2021", year=2023), ("三", "本年新收", "总计", before))
    return generated(this, prev)["依申请公开"].texts[0]


@pytest.mark.parametrize("now,before,words", [
    (10, 8, "较2023年增加2件、增长25.0%"),
    (8, 10, "较2023年减少2件、下降20.0%"),
    (10, 10, "与2023年持平"),
    (20, 10, "较2023年增加10件、增长1倍"),  # (new − old) / old = 1: 倍 from 1 up, never "增长100.0%"
    (31, 10, "较2023年增加21件、增长2.1倍"),
    (19999, 10000, "增长1倍"),  # 99.99% prints 100.0%: it is 增长1倍, not 增长100.0%
    (1999, 1000, "增长99.9%"),
    (5, 0, "2023年未收到申请"),  # last year 0: its own wording, never a division by zero
])
def test_year_on_year_wording(now: int, before: int, words: str) -> None:
    text = _apps_sentence(now, before)
    assert words in text, text
    assert not re.search(r"\d\.\d{2,}%", text)  # one decimal


def test_year_on_year_to_zero_names_last_years_figure() -> None:
    this = with_cells(_zeros("2021"), ("三", "上年结转", "总计", 3), ("三", "结转下年度", "总计", 3))
    prev = with_cells(consistent("2021", year=this.year - 1), ("三", "本年新收", "总计", 12))
    text = generated(this, prev)["依申请公开"].texts[0]
    assert text.startswith("本年度未收到新的政府信息公开申请（") and f"{this.year - 1}年新收12件" in text, text


def test_shares_add_up_to_exactly_100() -> None:
    """1/3 each: 33.3 + 33.3 + 33.3 would be 99.9; largest remainder makes 33.4 + 33.3 + 33.3."""
    ay = with_cells(_zeros("2021"), ("三", "本年新收", "总计", 3), ("三", "予以公开", "总计", 1),
                    ("三", "部分公开", "总计", 1), ("三", "属于国家秘密", "总计", 1), ("三", "办理结果总计", "总计", 3))
    text = generated(ay)["依申请公开"].texts[1]
    got = [float(p) for p in re.findall(r"占(\d+\.\d)%", text)]
    assert got == [33.4, 33.3, 33.3] and round(sum(got), 1) == 100.0, text


def test_one_sentence_per_kind_and_zeros_in_words() -> None:
    ay = with_cells(_zeros("2021"), ("二", "行政许可", "本年处理决定数量", 1268),
                    ("二", "行政处罚", "本年处理决定数量", 57), ("二", "行政强制", "本年处理决定数量", 3))
    texts = generated(ay)["主动公开"].texts
    assert "本年度作出行政许可决定1268件、行政处罚决定57件、行政强制决定3件。" in texts
    assert texts[0] == ("本年度未制发、废止规章，无现行有效的规章；"
                        "未制发、废止行政规范性文件，无现行有效的行政规范性文件。")
    ay = with_cells(ay, ("二", "规章", "现行有效件数", 5), ("二", "行政处罚", "本年处理决定数量", 0))
    texts = generated(ay)["主动公开"].texts
    assert texts[0].startswith("本年度未制发、废止规章，现行有效规章5件；")  # the noun is said, not "现行有效5件"
    assert "本年度作出行政许可决定1268件、行政强制决定3件，未作出行政处罚决定。" in texts
    section = next(s for s in compose(ay) if s.key == "主动公开")
    assert len([p for p in section.paragraphs if p.generated]) == 1  # one paragraph, not one per figure
    assert section.paragraphs[-1].text.count("本年度") == 1


def test_2019_delta_column_in_words_not_its_label() -> None:
    ay = with_cells(_zeros("2019"), ("二", "行政许可", "上一年项目数量", 80), ("二", "行政许可", "本年增减", -3),
                    ("二", "行政处罚", "本年增减", 2))
    text = "".join(generated(ay)["主动公开"].texts)
    assert "行政许可上一年项目数量80项，本年减少3项" in text and "本年增加2项" in text
    assert "其他对外管理服务事项、行政强制、行政事业性收费上一年及本年均无项目" in text
    assert "增/减" not in text and "/" not in text


def test_a_fact_the_analyst_states_is_not_said_again() -> None:
    plain = _zeros("2021")
    ay = replace(plain, fee_charged=False, text={**plain.text, "其他事项": "无。"})
    said = replace(ay, text={**ay.text, "其他事项": "本年度未收取信息处理费。",
                             "总体情况": "2024年我局未收到政府信息公开申请，"
                                         "未发生因政府信息公开申请行政复议、提起行政诉讼的情况。"})
    gen = generated(said)
    assert "其他事项" not in gen and "复议诉讼" not in gen
    assert gen["依申请公开"].texts == ["本年度无上年结转的政府信息公开申请。"]  # merged: the rest of the fact
    assert generated(ay)["其他事项"].texts == ["本年度未收取信息处理费。"]
    # a text that contradicts params keeps the generated sentence: the contradiction stays visible
    wrong = replace(ay, text={**ay.text, "其他事项": "本年度收取信息处理费120元。"})
    assert generated(wrong)["其他事项"].texts == ["本年度未收取信息处理费。"]
    charged = replace(ay, fee_charged=True, fee_amount=Decimal("120"))
    assert "其他事项" in generated(charged)
    assert "其他事项" not in generated(replace(charged, text={**ay.text, "其他事项": "本年度收取信息处理费120元。"}))
    # 上海市科委 2024 (tests/data/real): "市科委未发生政府信息公开收费事项" states it too
    kewei = replace(ay, text={**ay.text, "其他事项": "2024年，市科委未发生政府信息公开收费事项。"})
    assert "其他事项" not in generated(kewei)
    # narrower statements are other facts: 未收到法人…的申请 is not 未收到申请
    narrow = replace(ay, text={**ay.text, "总体情况": "未收到法人或者其他组织对依申请公开政府信息的申请。"})
    assert generated(narrow)["依申请公开"].texts[0].startswith("本年度未收到政府信息公开申请")


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
    if parts[0] == "四" and parts[1] == "行政诉讼":  # the lawsuit groups together
        groups = [_figure(ay, f"四:{g.key}:总计") for g in ay.fmt.table("四").rows if g.role == "行政诉讼"]
        return None if None in groups else sum(groups)
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
            # a change is stated with its direction in words (减少3项), so its magnitude appears
            stated = {str(v) for _, v in section.stated if v is not None} | \
                {str(abs(v)) for _, v in section.stated if isinstance(v, int)} | \
                {format(Decimal(v).normalize(), "f") for _, v in section.stated if isinstance(v, Decimal)}
            for number in re.findall(r"(?<![\d.])-?\d+(?:\.\d+)?(?![\d.]*[%倍])", text):
                assert number in stated or re.search(rf"{number}年|{number}个", text), (number, text)
    compose(ay, previous)  # never raises
