"""TEXT-BASIS on a cut table (checks/_text_tables.py): 长春市某局 says "共受理政府信息公开申请2件" while table 三 gives
本年新收 3 and 上年结转 0; the excerpt stops before 办理结果总计. 受理 may mean 新收 or 新收 + 结转 — both known,
both 3 — so the sentence is worth a look (info, never an error: 受理 is not a basis the form defines)."""

from __future__ import annotations

from dataclasses import replace

from report_kit.checks import run_checks
from report_kit.importers import import_document

from .real_support import REAL


def test_a_basis_the_cut_table_leaves_unknown_is_passed_over_when_two_others_disagree() -> None:
    imported = import_document(REAL / "2023-changchun-shi-ju" / "source.txt")
    found = [f for f in run_checks(imported.ay) if f.rule in {"TEXT-BASIS", "TEXT-TABLE"}]
    [basis] = [f for f in found if f.rule == "TEXT-BASIS"]
    assert basis.severity == "info" and "受理政府信息公开申请2件" in (basis.quote or "")
    assert "未能读取" in basis.message
    assert not [f for f in found if f.severity == "error"]
    # the same sentence with the figure the tables give: nothing to say
    fixed = {k: (v or "").replace("申请2件", "申请3件") for k, v in imported.ay.text.items()}
    assert not [f for f in run_checks(replace(imported.ay, text=fixed)) if f.rule == "TEXT-BASIS"]
