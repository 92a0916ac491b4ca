"""Params files: loading, every validation problem located by file:line with its official label."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest

from report_kit import params
from report_kit.errors import ParamsError

from .conftest import SEED_PARAMS


def _write(tmp_path: Path, text: str, name: str = "x.yaml") -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def _mutate(old: str, new: str, count: int = 1) -> str:
    text = SEED_PARAMS.read_text("utf-8")
    assert old in text, old
    return text.replace(old, new, count)


def _line(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def test_seed_params_hold_the_seed_figures_and_blanks(seed_ay) -> None:
    assert seed_ay.agency == "株洲县经济科技信息化局" and seed_ay.short_name == "科工信局"
    assert seed_ay.year == 2019 and seed_ay.fmt.id == "2019"
    assert seed_ay.get("二", "行政许可", "上一年项目数量") == 8
    assert seed_ay.get("二", "行政许可", "本年增减") == 2
    assert seed_ay.get("二", "行政许可", "处理决定数量") is None  # blank as published, not 0
    assert seed_ay.get("二", "规章", "本年新制作数量") == 0
    assert seed_ay.t3("予以公开", "自然人") is None
    assert seed_ay.t3("予以公开", "总计") == 0
    assert seed_ay.t3("本年新收", "商业企业") == 0
    assert all(v == 0 for row in seed_ay.tables["四"].values() for v in row.values())
    assert sum(n for _, n in seed_ay.catalogue) == 104
    assert "发布信息总量为 条" in seed_ay.text["总体情况"]
    assert "[bookmark" not in seed_ay.text["总体情况"]


def test_dump_and_load_round_trip(seed_ay, tmp_path: Path) -> None:
    again = params.load(_write(tmp_path, params.dumps(seed_ay)))
    assert again.tables == seed_ay.tables
    assert again.text == seed_ay.text
    assert again.catalogue == seed_ay.catalogue


@pytest.mark.parametrize("year,fid", [(2020, "2019"), (2024, "2021")])
def test_scaffold_has_every_cell_blank_with_labels(year: int, fid: str, tmp_path: Path) -> None:
    text = params.scaffold("某某局", "mou-ju", year, "某局")
    ay = params.load(_write(tmp_path, text))
    assert ay.fmt.id == fid
    cells = [v for t in ay.tables.values() for row in t.values() for v in row.values()]
    assert cells and all(v is None for v in cells)
    assert len(cells) == len(list(ay.fmt.cells()))
    assert "# （三）不予公开 3.危及“三安全一稳定”" in text  # official label beside the key
    assert ay.fmt.notice in text


def test_amounts_accept_decimals(tmp_path: Path) -> None:
    text = _mutate("政府集中采购: {采购项目数量: 0, 采购总金额: 0}",
                   "政府集中采购: {采购项目数量: 3, 采购总金额: 12.5}")
    ay = params.load(_write(tmp_path, text))
    assert ay.get("二", "政府集中采购", "采购总金额") == Decimal("12.5")


def test_delta_may_be_negative(tmp_path: Path) -> None:
    text = _mutate("行政许可: {上一年项目数量: 8, 本年增减: 2,", "行政许可: {上一年项目数量: 8, 本年增减: -2,")
    assert params.load(_write(tmp_path, text)).get("二", "行政许可", "本年增减") == -2


BAD_CASES = {
    "string_count": ("本年新收: {自然人: 0,", "本年新收: {自然人: 五,",
                     "table3.本年新收.自然人 (三、收到和处理政府信息公开申请情况 "
                     "一、本年新收政府信息公开申请数量 × 自然人)",
                     "whole number"),
    "negative_count": ("上年结转: {自然人: 0,", "上年结转: {自然人: -3,",
                       "table3.上年结转.自然人 (三、收到和处理政府信息公开申请情况 "
                       "二、上年结转政府信息公开申请数量 × 自然人)",
                       "must not be negative"),
    "float_count": ("行政复议: {结果维持: 0,", "行政复议: {结果维持: 1.5,",
                    "table4.行政复议.结果维持 (四、政府信息公开行政复议、行政诉讼情况 行政复议 × 结果维持)",
                    "whole number"),
    "unknown_key": ("  重复申请: {", "  重复申靖: {", "table3.重复申靖", "did you mean '重复申请'"),
    "slug_with_slash": ("slug: zhuzhou-county-kgxj", "slug: ../zhuzhou/kgxj", "slug (目录名)", "lowercase letters"),
    "bad_format": ("format: '2019'", "format: '2018'", "format (报告格式)", "must be one of 2019, 2021"),
}


@pytest.mark.parametrize("case", sorted(BAD_CASES))
def test_bad_params_name_file_line_field_and_label(case: str, tmp_path: Path) -> None:
    old, new, field, what = BAD_CASES[case]
    text = _mutate(old, new)
    path = _write(tmp_path, text)
    with pytest.raises(ParamsError) as info:
        params.load(path)
    problems = [str(p) for p in info.value.problems]
    line = _line(text, new.strip())
    expected_prefix = f"{path}:{line}: {field}"
    assert any(p.startswith(expected_prefix) and what in p for p in problems), problems


def test_2019_row_in_2021_file_is_named_as_such(tmp_path: Path) -> None:
    text = params.scaffold("某局", "mou-ju", 2022)
    text = text.replace("  行政许可: {本年处理决定数量: null}",
                        "  行政许可: {本年处理决定数量: null}\n  其他对外管理服务事项: {本年处理决定数量: 1}")
    path = _write(tmp_path, text)
    with pytest.raises(ParamsError) as info:
        params.load(path)
    msg = str(info.value)
    line = _line(text, "其他对外管理服务事项")
    assert f"{path}:{line}: table2.其他对外管理服务事项" in msg
    assert "belongs to the 2019 format" in msg


def test_every_problem_reported_at_once(tmp_path: Path) -> None:
    text = _mutate("本年新收: {自然人: 0,", "本年新收: {自然人: x,")
    text = text.replace("上年结转: {自然人: 0,", "上年结转: {自然人: -1,").replace("year: 2019", "year: '二〇一九'")
    with pytest.raises(ParamsError) as info:
        params.load(_write(tmp_path, text))
    assert len(info.value.problems) >= 3
    assert str(info.value).startswith(f"{tmp_path / 'x.yaml'}: {len(info.value.problems)} problems")


def test_missing_cell_is_an_error_not_a_blank(tmp_path: Path) -> None:
    text = _mutate("其他: 0, 总计: 0}  # 一、", "总计: 0}  # 一、")
    with pytest.raises(ParamsError, match=r"table3\.本年新收\.其他 .*missing; every cell must be present"):
        params.load(_write(tmp_path, text))


@pytest.mark.parametrize(
    "text,fragment",
    [
        ("agency: [unclosed\n", "malformed YAML"),
        ("agency: a\nagency: b\n", "a key appears twice"),
        ("- just\n- a list\n", "must be a YAML mapping"),
        ("a: &a [1,1,1,1,1,1,1,1,1,1]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
         "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\n", "too large"),
        ("agency: !!python/object:os.system {}\n", "not allowed"),
    ],
)
def test_malformed_yaml(text: str, fragment: str, tmp_path: Path) -> None:
    with pytest.raises(ParamsError, match=re.escape(fragment)):
        params.load(_write(tmp_path, text))


def test_encodings(tmp_path: Path, seed_ay) -> None:
    text = SEED_PARAMS.read_text("utf-8")
    bom = tmp_path / "bom.yaml"
    bom.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    assert params.load(bom).tables == seed_ay.tables  # BOM and CRLF are fine
    gbk = tmp_path / "gbk.yaml"
    gbk.write_bytes(text.replace("“", '"').replace("”", '"').encode("gbk"))
    with pytest.raises(ParamsError, match=r"gbk\.yaml:\d+: not UTF-8 text \(it looks like GBK"):
        params.load(gbk)


def test_huge_file_is_refused_without_reading_it(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    with big.open("wb") as fh:
        fh.truncate(params.MAX_BYTES + 1)
    with pytest.raises(ParamsError, match="a params file is a few KB"):
        params.load(big)


def test_changed_file_is_refused_when_hash_given(tmp_path: Path) -> None:
    path = _write(tmp_path, SEED_PARAMS.read_text("utf-8"))
    digest = params.content_hash(path)
    assert params.load(path, expected_sha256=digest)
    path.write_text(path.read_text("utf-8") + "\n# edited\n", encoding="utf-8")
    with pytest.raises(ParamsError, match="changed after this run was scheduled"):
        params.load(path, expected_sha256=digest)


@pytest.mark.parametrize("scalar", ["010", "0o10", "0x1F", "yes", "no", "on", "1:30", "1_000", "+5", "1e3", "~",
                                    "2024-01-20", ".5", "'7'", "Null", "TRUE"])
def test_fast_reader_agrees_with_the_line_aware_reader(scalar: str) -> None:
    """YAML 1.1 vs 1.2: the libyaml fast path must give the same values (or the same refusal) as ruamel."""
    text = _mutate("本年新收: {自然人: 0,", f"本年新收: {{自然人: {scalar},")
    text = text.replace("published: # 发布日期", f"published: {scalar} # 发布日期")

    def outcome(fn):
        try:
            ay = fn()
        except ParamsError as exc:
            return ("error", sorted(p.field for p in exc.problems))
        return ("ok", ay.tables, ay.published)

    fast = outcome(lambda: params.loads(text, "p.yaml"))
    slow = outcome(lambda: params.validate(params.parse_yaml(text, "p.yaml"), "p.yaml"))
    assert fast == slow


def test_dated_is_read_written_and_offered_by_the_scaffold(tmp_path) -> None:
    """``dated:`` (成文日期) is a params field of its own; files without it keep their bytes."""
    from datetime import date

    text = params.scaffold("某局", "mou-ju", 2024)
    assert "\ndated: # 成文日期" in text and params.loads(text, "<s>").dated is None
    signed = params.loads(text.replace("\ndated: #", "\ndated: 2025-01-20 #").replace("\npublished: #",
                                                                                    "\npublished: 2025-02-03 #"), "<s>")
    assert signed.dated == date(2025, 1, 20) and signed.signed_on == date(2025, 1, 20)
    assert params.loads(params.dumps(signed), "<s>").dated == date(2025, 1, 20)
    assert "dated" not in params.dumps(params.loads(text, "<s>"))
