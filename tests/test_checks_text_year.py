"""TEXT-OTHER-YEAR (checks/_text_year.py) on real wording: 西柳镇's 2023 report states its 规范性文件 for "2022年"
(tests/data/real/2023-xiliu-zhenzhengfu, dev); comparisons, plans and other years' context stay silent."""

from __future__ import annotations

from dataclasses import replace

import pytest

from report_kit.checks import run_checks
from report_kit.importers import import_document

from .checks_support import consistent
from .real_support import REAL


def test_last_years_figures_left_in_this_years_report() -> None:
    imported = import_document(REAL / "2023-xiliu-zhenzhengfu" / "source.txt")
    [found] = [f for f in run_checks(imported.ay) if f.rule == "TEXT-OTHER-YEAR"]
    assert found.severity == "warning" and "2022年" in found.message and "共制定规范性文件0件" in (found.quote or "")


@pytest.mark.parametrize("sentence", [
    "2022年,我局共制定规范性文件3件,较上年增加1件。",  # a comparison
    "2023年,我局共制定规范性文件3件。",  # the report year
    "2022年以来,累计制定规范性文件12件。",  # cumulative
    "2022年制定规范性文件3件,2023年制定5件。",  # two years named
    "2022年,我局完成了机构改革。",  # no table 二 figure
])
def test_other_years_in_context_are_not_flagged(sentence: str) -> None:
    ay = consistent()  # a 2021-form report on 2023
    text = {**ay.text, "总体情况": ay.text["总体情况"] + sentence}
    assert not [f for f in run_checks(replace(ay, text=text)) if f.rule == "TEXT-OTHER-YEAR"]
