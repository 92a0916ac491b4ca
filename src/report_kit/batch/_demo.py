"""A realistic synthetic tree of agencies over consecutive years, for trying a batch.

Figures are random but consistent (every identity of tables 三 and 四 holds; 上年结转 and 现行有效件数
carry over between years); every seventh agency gets one deliberate defect so the checks have
something to find. Publication dates come from a generator of their own (the figures do not depend on
them): most reports are out in January, a few late in February, one has no date yet, and in a tree of
several years one registered agency files nothing in the last year.
"""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

from report_kit import params as params_io
from report_kit.files import atomic_write_text
from report_kit.formats import format_for_year
from report_kit.model import AgencyYear, blank_tables

DEPARTMENTS = ["发展和改革局", "教育局", "公安局", "财政局", "人力资源和社会保障局", "自然资源局", "生态环境局",
               "住房和城乡建设局", "交通运输局", "水利局", "农业农村局", "商务局", "文化广电和旅游局",
               "卫生健康委员会", "应急管理局", "审计局", "市场监督管理局", "统计局", "医疗保障局", "城市管理局"]
SLUGS = ["fgj", "jyj", "gaj", "czj", "rsj", "zrzyj", "sthjj", "zjj", "jtysj", "slj", "nyncj", "swj", "wglj", "wjw",
         "yjglj", "sjj", "scjgj", "tjj", "ybj", "cgj"]
TEXT = {
    "总体情况": "本年度，{name}坚持以公开为常态、不公开为例外，扎实做好主动公开和依申请公开工作，加强政府信息管理，"
               "推进政府网站和政务新媒体平台建设，健全监督保障机制，开展业务培训。",
    "问题及改进": "上年度报告指出的信息更新不及时问题已完成整改。本年度仍存在政策解读形式单一等问题，"
                 "下一步将加强审核把关。",
    "其他事项": "本年度未收取信息处理费。",
}


def _year(rng: random.Random, name: str, slug: str, year: int, carried: dict[str, int],
          stock: dict[str, int]) -> tuple[AgencyYear, dict[str, int], dict[str, int]]:
    fmt = format_for_year(year)
    t = blank_tables(fmt)
    t2 = fmt.table("二")
    new_stock = dict(stock)
    for row in t2.data_rows():
        rk = row.key or ""
        for col in t2.columns_of(rk):
            t["二"][rk][col.key] = Decimal(rng.randint(0, 300)) / 10 if col.kind == "amount" else 0
        if t2.column_by_role(rk, "in_force"):
            # county departments cannot make 规章: only their 行政规范性文件 move
            made, rep = (0, 0) if row.role == "rules" else (rng.randint(0, 6), rng.randint(0, 2))
            rep = min(rep, stock.get(rk, 0) + made)
            new_stock[rk] = stock.get(rk, 0) + made - rep
            t["二"][rk].update(本年制发件数=made, 本年废止件数=rep, 现行有效件数=new_stock[rk])
        elif t2.column_by_role(rk, "decisions"):
            col = t2.column_by_role(rk, "decisions")
            t["二"][rk][col.key] = rng.choice([0, 0, rng.randint(1, 500)])  # type: ignore[union-attr]
    t3 = fmt.table("三")
    cols = [c.key for c in t3.columns if not c.total]
    for row in t3.data_rows():
        t["三"][row.key or ""] = dict.fromkeys(t["三"][row.key or ""], 0)
    leaves = [r.key or "" for r in t3.leaves_under("handled_total")]
    out_carry: dict[str, int] = {}
    for col in cols:
        new = rng.choice([0, rng.randint(0, 8), rng.randint(0, 40)]) if col == "自然人" else rng.choice([0, 0, 1, 2])
        cin = carried.get(col, 0)
        pending = rng.randint(0, min(2, new))
        handled = new + cin - pending
        t["三"]["本年新收"][col], t["三"]["上年结转"][col] = new, cin
        for _ in range(handled):
            t["三"][rng.choice(leaves[:6] + ["予以公开"] * 4)][col] += 1
        t["三"]["办理结果总计"][col], t["三"]["结转下年度"][col] = handled, pending
        out_carry[col] = pending
    for row in t3.data_rows():
        rk = row.key or ""
        t["三"][rk]["总计"] = sum(t["三"][rk][c] for c in cols)  # type: ignore[misc]
    out_carry["总计"] = sum(out_carry.values())
    for g in fmt.table("四").rows:
        upheld, corrected, pend = rng.choice([0, 0, 1]), rng.choice([0, 0, 0, 1]), rng.choice([0, 0, 1])
        t["四"][g.key or ""] = {"结果维持": upheld, "结果纠正": corrected, "其他结果": 0, "尚未审结": pend,
                                "总计": upheld + corrected + pend}
    text = {k: v.format(name=name) for k, v in TEXT.items()}
    ay = AgencyYear(fmt=fmt, agency=name, slug=slug, year=year, tables=t, short_name=name[-3:], text=text,
                    level="county", fee_charged=False)
    return ay, out_carry, new_stock


def demo_tree(root: Path, agencies: int, years: list[int], seed: int = 2024) -> list[Path]:
    """Write params/<year>/<slug>.yaml for ``agencies`` synthetic agencies and their registry."""
    rng = random.Random(seed)
    dates = random.Random(f"{seed}-published")
    last = max(years)
    written: list[Path] = []
    registry = ["agencies:"]
    for i in range(agencies):
        dept, code = DEPARTMENTS[i % len(DEPARTMENTS)], SLUGS[i % len(SLUGS)]
        county = f"示范{i // len(DEPARTMENTS) + 1}县"
        slug, name = f"county{i // len(DEPARTMENTS) + 1}-{code}", f"{county}{dept}"
        registry.append(f"  - {{slug: {slug}, name: {name}, parent: {county}, first_year: {min(years)}, "
                        "body: department, level: county}")
        carried: dict[str, int] = {}
        stock: dict[str, int] = {}
        for year in sorted(years):
            ay, carried_next, stock = _year(rng, name, slug, year, carried, stock)
            if i % 7 == 3 and year == max(years):  # deliberate defect: carry-over that does not match
                row = ay.tables["三"]["上年结转"]
                row["自然人"] = (row["自然人"] or 0) + 1  # type: ignore[index]
            if i % 7 == 5 and year == max(years):  # deliberate defect: a blank cell and a placeholder
                ay.tables["四"]["行政复议"]["其他结果"] = None  # type: ignore[index]
                ay = AgencyYear(**{**ay.__dict__, "text": {**ay.text, "其他事项": "本年度收取信息处理费XX元。"}})
            carried = carried_next
            published: date | None = date(year + 1, 1, dates.randint(5, 28))
            if year == last and i % 9 == 4:  # late: county departments publish by 31 January (条例第四十九条)
                published = date(year + 1, 2, dates.randint(3, 25))
            if year == last and i % 17 == 8:  # filed, not yet published
                published = None
            if year == last and i % 13 == 11 and len(years) > 1:  # registered, files nothing this year
                continue
            ay = replace(ay, published=published)
            path = root / str(year) / f"{slug}.yaml"
            atomic_write_text(path, params_io.dumps(ay))
            written.append(path)
    atomic_write_text(root / "agencies.yaml", "\n".join(registry) + "\n")
    return written
