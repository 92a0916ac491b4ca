"""The layouts, units, titles and names of real reports, one behaviour at a time (issue 14).

Documents are real excerpts from tests/data/real (dev split) or short texts built from their lines; the
corpus-wide check is tests/test_importers_real.py.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from report_kit.cli import main
from report_kit.errors import SourceDocumentError
from report_kit.importers import import_document
from report_kit.importers._identity import infer_kind, title_of
from report_kit.importers._labels import parse_figure
from report_kit.importers._layouts import segments
from report_kit.importers._records import Record, text_records
from report_kit.importers._script import simplified

from .real_support import REAL


def _doc(tmp_path: Path, text: str, name: str = "r.txt") -> Path:
    path = tmp_path / name
    path.write_text(text, "utf-8")
    return path


# ------------------------------------------------------------------------------------------ never invent


def test_a_table_whose_section_and_header_are_missing_stays_blank_with_one_note() -> None:
    """The excerpt has tables 二 only: 三 and 四 are not taken from 二's figures (on main: table 四 was)."""
    imported = import_document(REAL / "2020-wuhai-gongxinju" / "source.txt", year=2020)
    ay = imported.ay
    assert all(v is None for row in ay.tables["四"].values() for v in row.values())
    assert all(v is None for row in ay.tables["三"].values() for v in row.values())
    four = [n for n in imported.notes if n.scope and n.scope[0] == "四"]
    assert len(four) == 1 and "neither the heading" in four[0].message and "15 cells" in four[0].message
    assert ay.tables["二"]["行政许可"] == {"上一年项目数量": 1, "本年增减": 0, "处理决定数量": 0}


def test_a_table_is_read_from_its_own_header_when_its_heading_is_lost(tmp_path: Path) -> None:
    text = ("某局2024年政府信息公开工作年度报告\n一、总体情况\n全年公开信息10条。\n"
            "第二十条第(一)项 | | |\n信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数 |\n规章 | 0 | 0 | 0 |\n"
            "行政规范性文件 | 4 | 0 | 32 |\n五、存在的主要问题及改进情况\n无。\n")
    imported = import_document(_doc(tmp_path, text))
    assert imported.ay.tables["二"]["行政规范性文件"] == {"本年制发件数": 4, "本年废止件数": 0, "现行有效件数": 32}
    assert any("read from its own header" in n.message for n in imported.notes)
    assert all(v is None for row in imported.ay.tables["四"].values() for v in row.values())


def test_a_row_with_fewer_figures_than_columns_is_left_blank_with_a_note() -> None:
    """Collapsed empty cells ("3 | 3 | |||||||"): which columns hold the two figures cannot be told."""
    imported = import_document(REAL / "2019-yueyang-nanhu-ju" / "source.txt", year=2019)
    assert all(v is None for v in imported.ay.tables["三"]["本年新收"].values())
    note = next(n for n in imported.notes if n.scope == ("三", "本年新收"))
    assert note.severity == "error" and "2 figures where the form has 7" in note.message


# --------------------------------------------------------------------------------------------- layouts


def test_one_cell_per_line_with_empty_cells_as_lone_bars() -> None:
    """label |, six lone | (empty), 0 |, then || closing the row (2023-qu-tongjiju)."""
    ay = import_document(REAL / "2023-qu-tongjiju" / "source.txt", year=2023).ay
    assert ay.tables["三"]["本年新收"] == {**dict.fromkeys(("自然人", "商业企业", "科研机构", "社会公益组织",
                                                         "法律服务机构", "其他")), "总计": 0}
    assert ay.tables["二"]["规章"] == dict.fromkeys(("本年制发件数", "本年废止件数", "现行有效件数"))  # "/"


def test_one_cell_per_line_separated_by_blank_lines() -> None:
    records = text_records("规章\n\n0\n\n0\n\n0\n\n行政规范性文件\n\n4\n\n 0\n\n32\n\n"
                           "三、收到和处理政府信息公开申请情况\n")
    assert [r.cells for r in records] == [("规章", "0", "0", "0"), ("行政规范性文件", "4", "0", "32"),
                                          ("三、收到和处理政府信息公开申请情况",)]
    assert records[0].row and records[0].joined and not records[2].row


def test_a_lone_wu_under_a_heading_stays_that_sections_text() -> None:
    records = text_records("六、其他需要报告的事项\n无\n")
    assert [r.row for r in records] == [False, False]


def test_rows_run_together_in_a_paragraph_are_split_by_label() -> None:
    assert segments("规章 0 0 0 行政规范性文件 4 0 32") == [("规章", ["0", "0", "0"]),
                                                            ("行政规范性文件", ["4", "0", "32"])]
    assert segments("行政许可12") == [("行政许可", ["12"])]
    assert segments("2020 年,我单位对形成的政府信息") == [("", ["2020"]), ("年,我单位对形成的政府信息", [])]


def test_paragraph_rows_need_an_exact_label(tmp_path: Path) -> None:
    text = ("某局2024年政府信息公开工作年度报告\n二、主动公开政府信息情况\n规章 0 0 0 行政规范性文件 4 0 32\n"
            "全年办理行政许可 550 件\n")
    ay = import_document(_doc(tmp_path, text)).ay
    assert ay.tables["二"]["行政规范性文件"] == {"本年制发件数": 4, "本年废止件数": 0, "现行有效件数": 32}
    assert ay.tables["二"]["行政许可"]["本年处理决定数量"] is None  # a sentence is not the 行政许可 row


def test_flipbook_page_with_headers_one_character_per_line() -> None:
    """Table 四's fifteen figures on one line under headers printed one character per line; page furniture."""
    imported = import_document(REAL / "2020-qu-shenjiju-flipbook" / "source.txt", year=2020)
    ay = imported.ay
    assert all(v == 0 for row in ay.tables["四"].values() for v in row.values())
    assert ay.agency == "审计局"  # the flipbook's name "2020年报_审计局" is its title


def test_traditional_characters_are_compared_as_simplified_and_kept_as_published() -> None:
    imported = import_document(REAL / "2020-guangzhou-guoziwei" / "source.txt")
    ay = imported.ay
    assert (ay.agency, ay.year) == ("廣州市國資委", 2020)
    assert ay.tables["二"]["规范性文件"] == {"本年新制作数量": 4, "本年新公开数量": 4, "对外公开总数量": 130}
    assert "主動公開全面落實" in (ay.text["总体情况"] or "")
    assert simplified("規範性檔案") == "规范性文件" and simplified("规范性文件") == "规范性文件"
    assert simplified("程序") == "程序" and simplified("電子檔案") == "电子文件"


# ------------------------------------------------------------------------------------------ units, signs


@pytest.mark.parametrize("cell,value,unit", [
    ("251000元", "251000", "元"), ("1.5万元", "1.5", "万元"), ("124件", "124", "件"), ("3项", "3", "项"),
    ("+2", "2", None), ("-1", "-1", None), ("１２", "12", None), ("－１", "-1", None),
    ("22（其中修订 16 件）", "22", None),
])
def test_figures_with_units_signs_and_full_width_digits(cell: str, value: str, unit: str | None) -> None:
    fig = parse_figure(cell)
    assert fig is not None and fig.value == Decimal(value) and fig.unit == unit


@pytest.mark.parametrize("cell", ["1 2", "元", "12x", "二十", "1.5万"])
def test_what_is_not_a_figure(cell: str) -> None:
    assert parse_figure(cell) is None


def test_a_unit_is_converted_or_noted_never_dropped(tmp_path: Path) -> None:
    text = ("某局2024年政府信息公开工作年度报告\n二、主动公开政府信息情况\n第二十条第(五)项 |\n"
            "行政许可 | 124件 |\n第二十条第(六)项 |\n行政处罚 | 3万元 |\n行政强制 | +2 |\n第二十条第(八)项 |\n"
            "行政事业性收费 | 251000元 |\n")
    imported = import_document(_doc(tmp_path, text))
    t2 = imported.ay.tables["二"]
    assert t2["行政许可"]["本年处理决定数量"] == 124
    assert t2["行政事业性收费"]["本年收费金额"] == Decimal("25.1")  # the form asks 万元
    assert any("converted to 25.1万元" in n.message for n in imported.notes)
    assert t2["行政处罚"]["本年处理决定数量"] is None  # 万元 in a count column
    assert any(n.scope == ("二", "行政处罚", "本年处理决定数量") and "unit 万元" in n.message for n in imported.notes)
    assert t2["行政强制"]["本年处理决定数量"] == 2


def test_an_amount_without_a_unit_in_the_form_keeps_its_figure_and_says_its_unit() -> None:
    imported = import_document(REAL / "2019-qionghai-daluzhen" / "source.txt")
    assert imported.ay.tables["二"]["政府集中采购"]["采购总金额"] == 70487
    assert any("form states no unit" in n.message and "元" in n.message for n in imported.notes)


# ------------------------------------------------------------------------------------ titles and names


def _recs(*lines: str) -> list[Record]:
    return [Record(i, (line,), False) for i, line in enumerate(lines, 1)]


@pytest.mark.parametrize("lines,agency,year", [
    (["大路镇人民政府2019年信息公开年度报告"], "大路镇人民政府", 2019),
    (["某县审计局2019年度政府信息公开年度工作报告"], "某县审计局", 2019),
    (["某县审计局二〇一九年政府信息公开工作年度报告"], "某县审计局", 2019),
    (["关于2021年度政府信息公开工作的年度报告", "www.x.gov.cn 发布时间:2022-01-25", "盐边县新九镇人民政府",
      "关于2021年度政府信息公开工作的年度报告"], "盐边县新九镇人民政府", 2021),
    (["孝感市人民政府办公室", "2020年政府信息公开工作年度报告"], "孝感市人民政府办公室", 2020),
    (["Page 9 - 2020年报_审计局", "P. 9"], "审计局", 2020),
    (["乌海市工业和信息化局", "政府信息公开工作年度报告"], "乌海市工业和信息化局", None),
    (["正文", "2024 年上海市科委政府信息公开工作", "年度报告"], "上海市科委", 2024),
    (["根据《条例》要求,现公开孝感市人民政府办公室2020年政府信息公开工作年度报告。"], None, None),
    (["按照定西市政务公开领导小组办公室《关于做好2019年政府信息公开工作年度报告》"], None, None),
])
def test_title_variants(lines: list[str], agency: str | None, year: int | None) -> None:
    title = title_of(_recs(*lines))
    assert (title.agency, title.year) == (agency, year)


def test_agency_from_the_signature_never_from_the_preamble(tmp_path: Path) -> None:
    text = ("根据《条例》要求,现公布区统计局2023年政府信息公开工作年度报告。\n一、总体情况\n全年公开50条。\n"
            "六、其他需要报告的事项\n无。\n某区统计局\n2024年1月20日\n")
    imported = import_document(_doc(tmp_path, text))
    ay = imported.ay
    assert (ay.agency, ay.year) == ("某区统计局", 2023)  # the year from the preamble sentence, noted
    assert "year" in ay.inferred and any("落款" in n.message for n in imported.notes)
    assert (ay.body, ay.level) == ("department", "county")


@pytest.mark.parametrize("name,body,level", [
    ("大路镇人民政府", "government", "township"), ("胡市镇人民政府", "government", "township"),
    ("丰收乡", "government", "township"), ("洪泽区人民政府", "government", "county"),
    ("上海市人民政府办公厅", "department", "provincial"), ("上海市", "government", "provincial"),
    ("重庆市九龙坡区二郎街道办事处", "department", "township"), ("株洲县经济科技信息化局", "department", "county"),
    ("县市场监督管理局", "department", "county"), ("贵州省人民政府", "government", "provincial"),
    ("恩施土家族苗族自治州人民政府", "government", "prefecture"),
    # the name does not settle the level: a 市 may be a prefecture or a county-level city; zones are neither
    ("广州市国资委", "department", None), ("高平市人民政府", "government", None),
    ("益阳高新区市场监督管理局", "department", None), ("审计局", "department", None), ("source", None, None),
])
def test_body_and_level_from_the_name_only_where_it_settles_them(name: str, body: str | None,
                                                                  level: str | None) -> None:
    kind = infer_kind(name)
    assert (kind.body, kind.level) == (body, level)
    assert set(kind.inferred) == {k for k, v in (("body", body), ("level", level)) if v}
    assert all(why.strip() and "\n" not in why for why in kind.inferred.values())


# ------------------------------------------------------------------------------------- notes, options


def test_notes_are_one_line_per_table_not_found_and_verbose_lists_all(capsys: pytest.CaptureFixture[str],
                                                                      tmp_path: Path) -> None:
    src = REAL / "2020-yiyang-gaoxinqu-shichangjianguanju" / "source.txt"
    assert main(["audit", str(src), "--year", "2020"]) == 1
    short = [line for line in capsys.readouterr().out.splitlines() if ": import " in line]
    assert len(short) <= 10, short
    assert any("表二: 3 rows not found in the document, their 7 cells left blank" in line for line in short)
    main(["audit", str(src), "--year", "2020", "--verbose"])
    full = [line for line in capsys.readouterr().out.splitlines() if ": import " in line]
    assert len(full) > len(short) and any("行政事业性收费: row not found" in line for line in full)


def test_audit_year_and_agency_for_a_document_whose_title_was_lost(capsys: pytest.CaptureFixture[str]) -> None:
    src = REAL / "2024-longgang-qu-bumen" / "source.txt"
    assert main(["audit", str(src)]) == 1
    assert "give it with --year" in capsys.readouterr().out
    main(["audit", str(src), "--year", "2024", "--agency", "深圳市龙岗区某局"])
    out = capsys.readouterr().out
    assert "深圳市龙岗区某局2024年政府信息公开工作年度报告" in out and "level county inferred" in out


def test_import_refuses_a_document_without_year_and_names_the_option(tmp_path: Path) -> None:
    # the real page states its year only in its statistical period (read since issue 15): without it, refused
    text = (REAL / "2024-longgang-qu-bumen" / "source.txt").read_text("utf-8")
    bare = tmp_path / "no-year.txt"
    bare.write_text(text.replace("2024年1月1日至2024年12月31日", "本年1月1日至12月31日"), "utf-8")
    with pytest.raises(SourceDocumentError, match="--year"):
        import_document(bare)
