"""region: sums recomputed from the params files themselves, blanks, units, the same-set comparison, subtrees,
prose, charts and the workbook (no kernel: the library the template notebook calls)."""

from __future__ import annotations

import io
import re
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from report_kit import params
from report_kit.batch._demo import demo_tree
from report_kit.errors import RegionError
from report_kit.formats import get_format
from report_kit.region import Summary, agency_rows, cell_total, charts, collect, problems, summarize
from report_kit.region import _narrative as prose
from report_kit.region._figures import shares
from report_kit.region._render import matrices, sums_html
from report_kit.region._xlsx import workbook_bytes

from .checks_support import consistent, with_cells
from .conftest import ROOT

TABLE_KEYS = {"二": "table2", "三": "table3", "四": "table4"}
AS_OF = date(2025, 3, 1)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("region") / "params"
    demo_tree(root, agencies=40, years=[2023, 2024])
    return root


@pytest.fixture(scope="module")
def summary(demo: Path) -> Summary:
    return summarize(collect(demo, 2024, today=AS_OF))


def _raw_sums(root: Path, year: int, slugs: set[str] | None = None) -> dict[tuple[str, str, str], tuple[Decimal, int]]:
    """Σ and blank count of every cell, straight from the YAML files (no report_kit reading involved)."""
    out: dict[tuple[str, str, str], tuple[Decimal, int]] = {}
    for path in sorted((root / str(year)).glob("*.yaml")):
        if slugs is not None and path.stem not in slugs:
            continue
        doc = yaml.load(path.read_text("utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        for tid, key in TABLE_KEYS.items():
            for row, cols in doc[key].items():
                for col, v in cols.items():
                    total, blanks = out.get((tid, row, col), (Decimal(0), 0))
                    out[(tid, row, col)] = (total + Decimal(str(v)), blanks) if v is not None else (total, blanks + 1)
    return out


def test_every_cell_is_the_sum_of_the_agencies_params(demo: Path, summary: Summary) -> None:
    region, s = summary.region, summary
    raw = _raw_sums(demo, 2024)
    assert len(region.filed) == 37 and len(raw) == len(s.totals)
    for key, total in s.totals.items():
        expect, blanks = raw[key]
        assert total.blanks == blanks, key
        assert total.addends + total.blanks == 37, key
        if total.addends:
            assert Decimal(str(total.value)) == expect, key
    # one agency in seven of the demo leaves 行政复议 × 其他结果 blank: counted and shown, not read as 0
    blank = s.totals[("四", "行政复议", "其他结果")]
    assert blank.blanks == raw[("四", "行政复议", "其他结果")][1] > 0
    assert blank.text() == f"{blank.value}（{blank.blanks}个空白）"


def test_year_on_year_compares_the_same_agencies(demo: Path, summary: Summary) -> None:
    s = summary
    assert s.joined == () and set(s.left) == {"county1-swj", "county2-rsj", "county2-tjj"}  # no 2024 params
    same = set(s.same_set)
    now, before = _raw_sums(demo, 2024, same), _raw_sums(demo, 2023, same)
    c = s.compared[("三", "本年新收", "总计")]
    assert c.same_before is not None and c.change == now[("三", "本年新收", "总计")][0] - before[("三", "本年新收",
                                                                                                  "总计")][0]
    assert c.now.value == _raw_sums(demo, 2024)[("三", "本年新收", "总计")][0]  # this year: every filer
    blank = s.compared[("四", "行政复议", "其他结果")]
    assert blank.change is None and blank.why == "含空白"


def test_agencies_that_joined_are_listed_and_left_out_of_the_change(tmp_path: Path) -> None:
    root = tmp_path / "params"
    for year, slugs in ((2023, ["a-ju", "b-ju"]), (2024, ["a-ju", "b-ju", "c-ju"])):
        for slug in slugs:
            ay = replace(consistent("2021", year=year), slug=slug, agency=f"{slug}局")
            (root / str(year)).mkdir(parents=True, exist_ok=True)
            (root / str(year) / f"{slug}.yaml").write_text(params.dumps(ay), "utf-8")
    s = summarize(collect(root, 2024, today=AS_OF))
    assert s.joined == ("c-ju",) and s.left == ()
    c = s.compared[("三", "本年新收", "总计")]
    assert (c.now.value, c.same_now.value, c.same_before.value, c.change) == (30, 20, 20, 0)
    assert "本年新增报送：c-ju局" in prose.same_set_note(s)
    assert "按两年均报送的2个机关同口径计，与上年持平" in prose.applications_paragraphs(s)[0]
    html = sums_html(s)
    assert "本年（同口径）" in html  # the same set differs from all filers: shown as its own line


def test_amounts_are_added_only_in_one_stated_unit() -> None:
    f21, f19 = get_format("2021"), get_format("2019")
    fee = ("二", "行政事业性收费", "本年收费金额")
    a = with_cells(consistent("2021"), ("二", *fee[1:], Decimal("1.5")))
    b = with_cells(consistent("2021"), ("二", *fee[1:], Decimal("2.25")))
    total = cell_total([a, b], f21, fee)
    assert total.value == Decimal("3.75") and f21.table("二").column(*fee[1:]).unit == "万元"
    buy = ("二", "政府集中采购", "采购总金额")
    c = with_cells(consistent("2019"), ("二", *buy[1:], Decimal("10")))
    refused = cell_total([c, c], f19, buy)
    assert refused.value is None and refused.note == "单位未注明" and refused.text() == "—（单位未注明）"


def test_cells_of_another_format_are_absent_not_blank() -> None:
    f21 = get_format("2021")
    old, new = consistent("2019"), consistent("2021")
    t = cell_total([old, new], f21, ("三", "本年新收", "总计"))
    assert (t.value, t.addends, t.absent) == (20, 2, 0)  # same row, same wording in both forms
    t2 = cell_total([old, new], f21, ("二", "行政规范性文件", "本年制发件数"))
    assert (t2.value, t2.addends, t2.absent) == (3, 1, 1)


def test_shares_add_up_to_100_and_refuse_a_whole_that_is_not_one() -> None:
    got = shares([1, 1, 1], 3)
    assert sum(got) == 100 and got == [Decimal("33.4"), Decimal("33.3"), Decimal("33.3")]
    assert shares([1, None], 3)[1] is None
    assert shares([1, 1], 0) == [None, None]


@pytest.mark.parametrize(("now", "before", "words"), [
    (150, 100, "较上年增加50件，增长50.0%"), (300, 100, "较上年增加200件，增长2.0倍"),
    (80, 100, "较上年减少20件，下降20.0%"), (5, 5, "与上年持平"), (5, 0, "上年均未收到申请"),
])
def test_year_on_year_wording(now: int, before: int, words: str) -> None:
    assert prose.yoy(now, before) == words


def test_narrative_states_the_totals(demo: Path, summary: Summary) -> None:
    s = summary
    raw = _raw_sums(demo, 2024)
    filing = prose.filing_paragraph(s)
    assert "共有40个机关" in filing and "4个逾期公布" in filing and "3个未报送" in filing and "2个未公布" in filing
    apps = prose.applications_paragraphs(s)
    assert f"新收政府信息公开申请{raw[('三', '本年新收', '总计')][0]}件" in apps[0]
    assert f"共办结{raw[('三', '办理结果总计', '总计')][0]}件" in apps[1]
    assert "审结情况填报不全" in prose.cases_paragraph(s)  # the blank 其他结果 is said, not hidden
    assert "0件" not in "".join(apps)  # zero outcomes are left out


def test_late_and_missing_filers(summary: Summary) -> None:
    region = summary.region
    states = {m.slug: m.filing.state for m in region.members}
    assert {s for s, st in states.items() if st == "missing"} == {"county1-swj", "county2-rsj", "county2-tjj"}
    late = {m.slug: m.filing for m in region.members if m.filing.state == "late"}
    assert len(late) == 4 and all(f.published and f.deadline.due and f.published > f.deadline.due
                                  for f in late.values())
    rules = {f["rule"] for f in problems(region)}
    assert {"REGION-MISSING", "REGION-LATE", "REGION-UNPUBLISHED", "REGION-ERRORS"} <= rules


def test_parent_subtree(demo: Path, tmp_path: Path) -> None:
    one = collect(demo, 2024, parent="示范1县", today=AS_OF)
    assert len(one.members) == 20 and all(m.slug.startswith("county1-") for m in one.members)
    assert one.title == "示范1县2024年度政府信息公开工作年度报告汇总"
    with pytest.raises(RegionError, match="no registered agency is under it"):
        collect(demo, 2024, parent="示范9县", today=AS_OF)
    # a parent may be another registered agency: the chain is followed
    reg = tmp_path / "agencies.yaml"
    reg.write_text("agencies:\n  - {slug: county-gov, name: 某县人民政府, parent: 某市}\n"
                   "  - {slug: county-jyj, name: 某县教育局, parent: county-gov}\n"
                   "  - {slug: town-a, name: 某镇人民政府, parent: county-gov}\n"
                   "  - {slug: town-a-office, name: 某镇办公室, parent: town-a}\n"
                   "  - {slug: other, name: 别县教育局, parent: 别县}\n", encoding="utf-8")
    sub = collect(demo, 2024, parent="county-gov", registry=reg, today=AS_OF)
    assert [m.slug for m in sub.members] == ["county-gov", "county-jyj", "town-a", "town-a-office"]
    assert all(m.filing.state == "missing" for m in sub.members)


def test_real_params_roll_up(tmp_path: Path) -> None:
    region = collect(ROOT / "params", 2024, today=AS_OF)
    assert [m.slug for m in region.members] == ["shanghai-kewei"]
    s = summarize(region)
    ay = params.load(ROOT / "params" / "2024" / "shanghai-kewei.yaml")
    for (tid, row, col), total in s.totals.items():
        assert total.value == ay.get(tid, row, col)
    assert region.members[0].filing.deadline.due == date(2025, 1, 31)  # a provincial department: Article 49
    assert region.members[0].filing.state == "unpublished"


def test_charts_are_svg_text_with_cjk_fonts_and_byte_stable(demo: Path, summary: Summary) -> None:
    s = summary
    rows = agency_rows(s.region)
    first, again = charts(s, rows), charts(s, rows)
    assert len(first) == 4 and [c.svg for c in first] == [c.svg for c in again]
    for chart in first:
        assert chart.svg.startswith("<svg") and "<?xml" not in chart.svg
        texts = re.findall(r"<text[^>]*>([^<]*)</text>", chart.svg)
        assert any(re.search(r"[\u4e00-\u9fff]", t) for t in texts), chart.key  # Chinese kept as text
        assert "font-family: 'Noto Sans CJK SC', 'Source Han Sans SC'" in chart.svg
        assert "Microsoft YaHei" in chart.svg and "<path d=\"M" in chart.svg  # bars are paths, text is text
        assert not re.search(r"\d{4}-\d{2}-\d{2}T", chart.svg)  # no date
    top = next(c for c in first if c.key == "top")
    assert top.description.startswith(rows[0].name) or "件" in top.description


def test_chart_text_from_params_is_escaped_and_never_mathtext(tmp_path: Path) -> None:
    root = tmp_path / "params"
    (root / "2024").mkdir(parents=True)
    ay = replace(consistent("2021", year=2024), slug="evil", agency="<script>alert(1)</script>$x^2$局")
    (root / "2024" / "evil.yaml").write_text(params.dumps(ay), "utf-8")
    s = summarize(collect(root, 2024, today=AS_OF))
    top = next(c for c in charts(s, agency_rows(s.region)) if c.key == "top")
    assert "<script>" not in top.svg and "&lt;script&gt;alert(1)&lt;/script&gt;$x^2$局" in top.svg


def test_workbook_holds_the_same_figures(summary: Summary) -> None:
    from openpyxl import load_workbook

    s = summary
    wb = load_workbook(io.BytesIO(workbook_bytes(s, agency_rows(s.region))))
    assert wb.sheetnames == ["说明", "汇总表", "各机关", "报送情况"]
    sums = list(wb["汇总表"].iter_rows(min_row=2, values_only=True))
    assert len(sums) == len(s.totals)
    label = get_format("2021").table("三").cell_label("本年新收", "总计")
    row = next(r for r in sums if r[1] == label)
    assert row[2] == s.totals[("三", "本年新收", "总计")].value and row[4] == 0
    blank_label = get_format("2021").table("四").cell_label("行政复议", "其他结果")
    blank = next(r for r in sums if r[1] == blank_label)
    assert blank[4] > 0 and blank[9] is None and blank[10] == "含空白"
    assert wb["报送情况"].max_row == 41


def test_matrices_cover_every_cell(demo: Path, summary: Summary) -> None:
    s = summary
    keys = {k for m in matrices(s.fmt, s.compared) for row in m.rows for k in row.keys}
    assert keys == set(s.totals)
