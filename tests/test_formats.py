"""The official forms as data: labels character for character, structure per format."""

from __future__ import annotations

from pathlib import Path

import pytest

from report_kit.errors import FormatError
from report_kit.formats import ENV_VAR, REQUIREMENTS, available, format_for_year, get_format
from report_kit.formats._load import load_format


def test_both_formats_available_and_cover_their_years() -> None:
    assert available() == ("2019", "2021")
    assert [format_for_year(y).id for y in (2019, 2020, 2021, 2025)] == ["2019", "2019", "2021", "2021"]
    with pytest.raises(FormatError):
        format_for_year(2018)
    with pytest.raises(FormatError, match="unknown report format"):
        get_format("2030")


@pytest.mark.parametrize("fid", ["2019", "2021"])
def test_section_titles(fid: str) -> None:
    titles = [s.title for s in get_format(fid).sections]
    assert titles == ["一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
                      "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况",
                      "六、其他需要报告的事项"]


def test_table2_2019_blocks() -> None:
    t = get_format("2019").table("二")
    got = [(b.key, [r.label for r in b.rows], [c.label for c in b.columns]) for b in t.blocks]
    assert got == [
        ("第二十条第（一）项", ["规章", "规范性文件"], ["本年新制作数量", "本年新公开数量", "对外公开总数量"]),
        ("第二十条第（五）项", ["行政许可", "其他对外管理服务事项"], ["上一年项目数量", "本年增/减", "处理决定数量"]),
        ("第二十条第（六）项", ["行政处罚", "行政强制"], ["上一年项目数量", "本年增/减", "处理决定数量"]),
        ("第二十条第（八）项", ["行政事业性收费"], ["上一年项目数量", "本年增/减"]),
        ("第二十条第（九）项", ["政府集中采购"], ["采购项目数量", "采购总金额"]),
    ]


def test_table2_2021_blocks() -> None:
    t = get_format("2021").table("二")
    got = [(b.key, [r.label for r in b.rows], [c.label for c in b.columns]) for b in t.blocks]
    assert got == [
        ("第二十条第（一）项", ["规章", "行政规范性文件"], ["本年制发件数", "本年废止件数", "现行有效件数"]),
        ("第二十条第（五）项", ["行政许可"], ["本年处理决定数量"]),
        ("第二十条第（六）项", ["行政处罚", "行政强制"], ["本年处理决定数量"]),
        ("第二十条第（八）项", ["行政事业性收费"], ["本年收费金额（单位：万元）"]),
    ]


@pytest.mark.parametrize("fid", ["2019", "2021"])
def test_table3_rows_and_columns(fid: str) -> None:
    t = get_format(fid).table("三")
    assert [c.label for c in t.columns] == ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构",
                                           "其他", "总计"]
    assert {c.group for c in t.columns[1:6]} == {"法人或其他组织"}
    tree = [(r.numbered, d) for r, d in t.walk()]
    assert tree[:6] == [("一、本年新收政府信息公开申请数量", 0), ("二、上年结转政府信息公开申请数量", 0),
                        ("三、本年度办理结果", 0), ("（一）予以公开", 1),
                        ("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", 1), ("（三）不予公开", 1)]
    assert ("3.危及“三安全一稳定”", 2) in tree
    assert ("5.要求行政机关确认或重新出具已获取信息", 2) in tree
    assert tree[-2:] == [("（七）总计", 1), ("四、结转下年度继续办理", 0)]
    other = t.row_by_role("handled_total")
    assert other.numbered == "（七）总计"


def test_table3_other_handling_differs_between_formats() -> None:
    old = get_format("2019").table("三")
    new = get_format("2021").table("三")
    assert old.row("其他处理").children == ()
    six = next(r for r, _ in new.walk() if r.numbered == "（六）其他处理")
    assert [c.numbered for c in six.children] == [
        "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        "3.其他",
    ]
    assert len(old.data_rows()) == 23 and len(new.data_rows()) == 25


@pytest.mark.parametrize("fid", ["2019", "2021"])
def test_table4(fid: str) -> None:
    t = get_format(fid).table("四")
    assert [g.label for g in t.rows] == ["行政复议", "未经复议直接起诉", "复议后起诉"]
    assert [g.role for g in t.rows] == [None, "行政诉讼", "行政诉讼"]
    assert [c.label for c in t.columns] == ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    assert len(list(t.cells())) == 15


def test_cell_label_names_the_official_wording() -> None:
    t = get_format("2021").table("三")
    assert t.cell_label("属于国家秘密", "商业企业") == "（三）不予公开 1.属于国家秘密 × 法人或其他组织·商业企业"
    assert get_format("2019").table("二").cell_label("行政许可", "处理决定数量") == \
        "第二十条第（五）项 行政许可 × 处理决定数量"


# ------------------------------------------------------------------------------ form files

FORMS = Path(__file__).parent / "data" / "forms"


def test_forms_declare_sections_and_requirements() -> None:
    old, new = get_format("2019"), get_format("2021")
    assert old.text_keys == new.text_keys == ("总体情况", "问题及改进", "其他事项")
    assert [(s.num, s.table) for s in new.sections if s.table] == [("二", "二"), ("三", "三"), ("四", "四")]
    # the content the 2021 form asks for and the 2019 form does not: read by rules and narrative, never fmt.id
    assert {f: new.requiring(f).num for f in REQUIREMENTS} == {"overview_topics": "一", "rectification": "五",
                                                               "fee_statement": "六"}
    assert all(old.requiring(f) is None for f in REQUIREMENTS)
    with pytest.raises(KeyError):
        new.requiring("fee_statment")  # a typo in code fails loudly instead of reading as "not required"


def test_extra_forms_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_VAR, str(FORMS))
    assert available() == ("2019", "2021", "2027")
    # the newest form covering a year is the one prescribed for it
    assert [format_for_year(y).id for y in (2020, 2026, 2027, 2030)] == ["2019", "2021", "2027", "2027"]
    third = get_format("2027")
    assert third.text_keys[-1] == "创新做法" and third.section_order == "一二三四五六七"
    monkeypatch.delenv(ENV_VAR)
    assert available() == ("2019", "2021")


def _form_text(**changes: str) -> str:
    text = (FORMS / "2027.yaml").read_text("utf-8")
    for old, new in changes.items():
        assert old in text
        text = text.replace(old, new)
    return text


@pytest.mark.parametrize(("old", "new", "message"), [
    ("    requires: [rectification]", "    requires: [rectify]", r"2027\.yaml:\d+: sections\[4\]\.requires\[0\]: "
                                                                   r"unknown requirement 'rectify'"),
    ("    table: 四\n", "    table: 五\n", r":\d+: sections\[3\]\.table: must be one of 二, 三, 四"),
    ("  shape: groups", "  shape: tree", r":\d+: table4\.shape: table 四 is laid out as 'groups'"),
    ("label: 总计, role: handled_total}", "label: 总计}", r"table3: no figure row has role 'handled_total'"),
    ("    - {label: 调解和解}", "    - {label: 调解和解}\n    - {label: 调解和解}",
     r"table4\.columns: column key '调解和解'"),
    ("first_year: 2027", "first_year: 二〇二七", r":\d+: first_year: must be a whole number"),
    ("    key: 创新做法\n", "    key: 其他事项\n", r"sections: two sections have key '其他事项'"),
])
def test_a_mistake_in_a_form_file_names_file_line_and_field(tmp_path: Path, old: str, new: str,
                                                           message: str) -> None:
    path = tmp_path / "2027.yaml"
    path.write_text(_form_text(**{old: new}), "utf-8")
    with pytest.raises(FormatError, match=message):
        load_format(path, path.read_text("utf-8"), "2027")


def test_a_form_may_not_redefine_a_bundled_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "2021.yaml").write_text(_form_text(**{'id: "2027"': 'id: "2021"'}), "utf-8")
    monkeypatch.setenv(ENV_VAR, str(tmp_path))
    with pytest.raises(FormatError, match="already defined"):
        available()
