"""A consistent agency-year to break one rule at a time."""

from __future__ import annotations

import copy
from dataclasses import replace
from decimal import Decimal
from typing import Any

from report_kit.formats import get_format
from report_kit.model import AgencyYear, blank_tables

TEXT_2021 = {
    "总体情况": "本年度，我局扎实推进主动公开，规范办理依申请公开，加强政府信息管理和保密审查，"
               "完善政府网站平台建设，强化监督保障与培训考核。",
    "问题及改进": "针对上年度存在的问题，我局已完成整改。本年度仍存在信息更新不够及时的问题，下一步将加强审核。",
    "其他事项": "本年度未收取信息处理费。",
}


def consistent(fid: str = "2021", year: int | None = None, **changes: Any) -> AgencyYear:
    fmt = get_format(fid)
    t = blank_tables(fmt)
    for row, cols in t["二"].items():
        for col in cols:
            cols[col] = Decimal(0) if fmt.table("二").column(row, col).kind == "amount" else 0
    if fid == "2021":
        t["二"]["行政规范性文件"] = {"本年制发件数": 3, "本年废止件数": 1, "现行有效件数": 10}
    else:
        t["二"]["行政许可"] = {"上一年项目数量": 8, "本年增减": 2, "处理决定数量": 30}
        t["二"]["规范性文件"] = {"本年新制作数量": 3, "本年新公开数量": 3, "对外公开总数量": 12}
    for row in t["三"]:
        t["三"][row] = dict.fromkeys(t["三"][row], 0)
    for row, n in (("本年新收", 10), ("上年结转", 2), ("予以公开", 6), ("部分公开", 2),
                   ("本机关不掌握相关政府信息", 2), ("办理结果总计", 10), ("结转下年度", 2)):
        t["三"][row]["自然人"] = n
        t["三"][row]["总计"] = n
    for g in t["四"]:
        t["四"][g] = dict.fromkeys(t["四"][g], 0)
    t["四"]["行政复议"].update(结果维持=1, 总计=1)
    ay = AgencyYear(fmt=fmt, agency="某市某局", slug="mou-ju", year=year or fmt.first_year + 2 * (fid == "2021"),
                    tables=t, short_name="某局", text=dict(TEXT_2021), level="prefecture")
    return replace(ay, **changes) if changes else ay


def with_cells(ay: AgencyYear, *cells: tuple[str, str, str, Any]) -> AgencyYear:
    tables = copy.deepcopy({k: {r: dict(c) for r, c in v.items()} for k, v in ay.tables.items()})
    for table, row, col, value in cells:
        tables[table][row][col] = value
    return replace(ay, tables=tables)
