"""Build tests/data/checks/params: real-looking agencies over two consecutive years.

    .venv/bin/python tests/data/checks/build.py      (from the repo root)

Real figures and texts where the shared fixtures have them, the other year derived so that every
table identity holds; three agencies get a deliberately wrong link between the years:

  suqian-shi        2023 → 2024  real figures (宿迁市, peer-parsed), correct carry-over and 现行有效件数
  shuyang-xian      2024 → 2025  2025 real (figures and text), 2024 derived, correct
  shanghai-bgt      2024 → 2025  2025 real (figures and text), 2024 derived with a wrong 结转下年度
  shanghai-kewei    2023 → 2024  2024 = params/2024/shanghai-kewei.yaml, 2023 derived with a wrong 现行有效件数
  zhuzhou-county-kgxj 2019 → 2020  2019 = the seed, 2020 derived with a wrong 上一年项目数量 (2019 format)

Every file is written with params.dumps, so it is exactly what report-kit itself writes.
"""

from __future__ import annotations

import copy
import json
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

from report_kit import params
from report_kit.formats import get_format
from report_kit.model import AgencyYear, blank_tables

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
SHARED = ROOT / "tests" / "data" / "shared" / "fixtures"  # byte copies of ../shared/fixtures (SOURCE.md there)
OUT = HERE / "params"

Tables = dict[str, dict[str, dict[str, Any]]]


def from_cells(cells: list[list[Any]], fid: str = "2021") -> Tables:
    """[table, row label, column label, value] rows (the shared fixtures' shape) → params tables."""
    fmt = get_format(fid)
    t = blank_tables(fmt)
    for tid, row, col, value in cells:
        table = fmt.table(tid)
        rk = next(r.key for r in table.data_rows() if r.label == row or r.label.endswith(row))
        ck = next(c.key for c in table.columns_of(rk or "") if c.label == col or c.key == col)
        t[tid][rk or ""][ck] = value
    return t


def md_section(path: Path, start: str, end: str | None) -> str:
    """The text between two headings of a shared report, as an analyst pastes it: PDF line breaks
    inside paragraphs joined, page footers (— n —) and markdown heading marks dropped."""
    text = path.read_text("utf-8")
    body = text[text.index(start) + len(start): text.index(end, text.index(start)) if end else None]
    paras: list[str] = []
    for block in re.split(r"\n\s*\n", body):
        lines = [ln.strip().lstrip("#").strip() for ln in block.splitlines()]
        lines = [ln for ln in lines if ln and not re.fullmatch(r"—\s*\d+\s*—", ln)]
        if lines:
            paras.append("".join(lines))
    return "\n".join(paras)


GENERIC = {
    "总体情况": "{year}年，{name}坚持以公开为常态、不公开为例外，扎实推进主动公开，规范办理依申请公开，"
               "全年收到政府信息公开申请{new}件。加强政府信息管理，严格公文公开属性审查和发布审查。"
               "持续推进政府网站和政务新媒体平台建设。强化监督保障，组织业务培训并纳入年度考核。",
    "问题及改进": "针对上年度报告指出的政策解读形式单一问题，已通过增加图解、视频解读完成整改。"
                 "本年度仍存在信息发布时效性不足的问题，下一步将完善发布审核流程。",
    "其他事项": "本年度未收取信息处理费。",
}


def generic_text(ay: AgencyYear) -> dict[str, str]:
    new = ay.t3(ay.fmt.table("三").row_by_role("new").key or "")
    return {k: v.format(year=ay.year, name=ay.display_name, new=new) for k, v in GENERIC.items()}


def previous_of(ay: AgencyYear, year: int) -> AgencyYear:
    """A consistent previous year whose carry-over and stock lead exactly to ``ay`` (2021 format)."""
    t: Tables = copy.deepcopy({k: {r: dict(c) for r, c in v.items()} for k, v in ay.tables.items()})
    t3 = ay.fmt.table("三")
    new, cin, handled, out = (t3.row_by_role(r).key or "" for r in ("new", "carried_in", "handled_total",
                                                                      "carried_out"))
    for col in t3.columns:
        t["三"][out][col.key] = ay.t3(cin, col.key)
        t["三"][cin][col.key] = 0
        t["三"][new][col.key] = (ay.t3(handled, col.key) or 0) + (ay.t3(cin, col.key) or 0)
    t2 = ay.fmt.table("二")
    for row in t2.rows_by_role("rules") + t2.rows_by_role("normative"):
        rk = row.key or ""
        made, rep, now = (t2.column_by_role(rk, r).key for r in ("made", "repealed", "in_force"))  # type: ignore[union-attr]
        t["二"][rk][now] = t["二"][rk][now] - t["二"][rk][made] + t["二"][rk][rep]
    prev = replace(ay, year=year, tables=t, published=None, acknowledged={})
    return replace(prev, text=generic_text(prev))


def with_cell(ay: AgencyYear, tid: str, row: str, col: str, value: Any) -> AgencyYear:
    t = copy.deepcopy({k: {r: dict(c) for r, c in v.items()} for k, v in ay.tables.items()})
    t[tid][row][col] = value
    return replace(ay, tables=t)


def write(ay: AgencyYear) -> None:
    path = OUT / str(ay.year) / f"{ay.slug}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    text = params.dumps(ay)
    params.loads(text, str(path))  # every file must be valid params
    path.write_text(text, encoding="utf-8")


def suqian() -> None:
    for year in (2023, 2024):
        data = json.loads((SHARED / "crossyear" / f"{year}-suqian-shi.peer-parsed.json").read_text("utf-8"))
        ay = AgencyYear(fmt=get_format("2021"), agency="宿迁市人民政府", short_name="宿迁市", slug="suqian-shi",
                        year=year, tables=from_cells(data["cells"]), body="government", level="prefecture",
                        fee_charged=False)
        text = generic_text(ay)
        if year == 2024:  # the real report's sentence: 备案 cases, another measure than table 四
            text["总体情况"] += "全市全年备案政府信息依申请公开领域行政复议案件134件，行政诉讼案件57件。"
        write(replace(ay, text=text))


def real_2025(slug: str, md: str, expected: str, agency: str, short: str, level: str,
              sections: tuple[tuple[str, str | None], ...]) -> AgencyYear:
    data = json.loads((SHARED / "reports" / expected).read_text("utf-8"))
    path = SHARED / "reports" / md
    text = {key: md_section(path, s, e) for key, (s, e) in zip(("总体情况", "问题及改进", "其他事项"), sections,
                                                                         strict=True)}
    return AgencyYear(fmt=get_format("2021"), agency=agency, short_name=short, slug=slug, year=2025,
                      tables=from_cells(data["cells"]), body="government", level=level,  # type: ignore[arg-type]
                      text=text)


def shuyang() -> None:
    ay = real_2025("shuyang-xian", "2025-shuyang-xian-renmin-zhengfu.md",
                   "2025-shuyang-xian-renmin-zhengfu.expected.json", "沭阳县人民政府", "沭阳县", "county",
                   (("## 一、总体情况", "## 二、"), ("## 五、政府信息公开工作存在的主要问题及改进情况", "六、"),
                    ("六、其他需要报告的事项", "沐阳县人民政府\n2026")))
    write(ay)
    write(previous_of(ay, 2024))


def shanghai_bgt() -> None:
    ay = real_2025("shanghai-bgt", "2025-shanghai-shizhengfu-bangongting.md",
                   "2025-shanghai-shizhengfu-bangongting.expected.json", "上海市人民政府办公厅", "市政府办公厅",
                   "provincial",
                   (("一、总体情况", "二、主动公开政府信息情况"), ("（一）2024 年工作中存在问题的改进情况", "六、"),
                    ("六、其他需要报告的事项", None)))
    ay = replace(ay, body="department")
    write(ay)
    prev = previous_of(ay, 2024)
    # wrong: 2024 reported 300 (not 290) applications by 自然人 carried into 2025, and its own
    # table still balances (10 more new applications), so only the cross-year rule can see it
    n = prev.t3("结转下年度", "自然人") or 0
    for row, col, delta in (("结转下年度", "自然人", 10), ("结转下年度", "总计", 10),
                            ("本年新收", "自然人", 10), ("本年新收", "总计", 10)):
        prev = with_cell(prev, "三", row, col, (prev.t3(row, col) or 0) + delta)
    assert prev.t3("结转下年度", "自然人") == n + 10
    write(replace(prev, text=generic_text(prev)))


def kewei() -> None:
    ay = params.load(ROOT / "params" / "2024" / "shanghai-kewei.yaml")
    write(ay)
    prev = previous_of(ay, 2023)
    # wrong: 2023 stated 40 行政规范性文件 in force; 40 + 13 − 0 ≠ the 55 of 2024
    write(with_cell(prev, "二", "行政规范性文件", "现行有效件数", 40))


def zhuzhou() -> None:
    seed = params.load(ROOT / "params" / "2019" / "zhuzhou-county-kgxj.yaml")
    write(seed)
    fmt = seed.fmt
    t = blank_tables(fmt)
    for tid, row, col in fmt.cells():
        t[tid][row.key or ""][col.key] = 0
    for row in ("行政许可", "其他对外管理服务事项", "行政处罚", "行政强制"):
        t["二"][row]["处理决定数量"] = 3 if row == "行政许可" else 0
    t["二"]["行政许可"]["上一年项目数量"] = 8  # wrong: the seed's 8 + 2 make 10
    for row, n in (("本年新收", 2), ("予以公开", 2), ("办理结果总计", 2)):
        t["三"][row].update(自然人=n, 总计=n)
    nxt = replace(seed, year=2020, tables=t, published=None)
    write(replace(nxt, text=generic_text(nxt), catalogue=None))


if __name__ == "__main__":
    suqian()
    shuyang()
    shanghai_bgt()
    kewei()
    zhuzhou()
    for p in sorted(OUT.rglob("*.yaml")):
        print(p.relative_to(ROOT))
