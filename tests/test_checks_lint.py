"""The prose linter (checks/_lint.py): each rule fails on the defect it names and passes on good prose;
the prose report-kit writes for a 40-agency, two-year demo tree gives no finding at all."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from report_kit import params
from report_kit.batch._demo import demo_tree
from report_kit.checks import RULES, load_previous, run_checks
from report_kit.checks._lint import figure_without_noun, label_in_prose, repeated_sentence, too_many_decimals
from report_kit.model import AgencyYear

from .checks_support import consistent

LINT = ("PROSE-REPEAT", "PROSE-LABEL", "PROSE-NOUN", "PROSE-DECIMALS")


def _with_text(section: str, text: str, **changes: object) -> AgencyYear:
    ay = consistent("2021", **changes)
    return replace(ay, text={**ay.text, section: text})


# (rule, failing analyst text of 六 or 一, passing text), the failing wording taken from issue 16's demo
# reports and tests/data/real/phrasing
CASES = {
    "PROSE-REPEAT": (repeated_sentence, "本年度未收取信息处理费。本年度未收取信息处理费。",
                     "本年度未收取信息处理费。"),
    "PROSE-LABEL": (label_in_prose, "行政许可上一年项目数量8项，本年增/减2项。",
                    "行政许可上一年项目数量8项，本年增加2项。详见http://www.gov.cn/a/b 和 2024/1/1 的通知。"),
    "PROSE-NOUN": (figure_without_noun, "本年度未制发、废止规章，现行有效0件。",
                   "本年度未制发、废止规章，无现行有效的规章；制发行政规范性文件3件、废止1件，现行有效2件。"),
    "PROSE-DECIMALS": (too_many_decimals, "予以公开258件，占33.93%。",
                       "予以公开258件，占33.9%；收取信息处理费120.50元。"),
}


@pytest.mark.parametrize("rule_id", LINT)
def test_rule_fails_on_its_defect_and_passes_good_prose(rule_id: str) -> None:
    assert rule_id in RULES and RULES[rule_id].formula  # listed by `report-kit rules` with its formula
    func, bad, good = CASES[rule_id]
    ay_bad, ay_good = _with_text("其他事项", bad), _with_text("其他事项", good)
    found = list(func(ay_bad, None))
    assert [f.rule for f in found] == [rule_id] and found[0].section == "六", found
    assert list(func(ay_good, None)) == []
    assert rule_id in {f.rule for f in run_checks(ay_bad)}  # registered: the runner applies it


def test_repeat_counts_the_analyst_and_the_generated_sentence_together() -> None:
    """Issue 16's defect: the analyst states the fee and a generated sentence says it again."""
    ay = _with_text("其他事项", "本年度未收取信息处理费。")
    twice = replace(ay, narrative={"其他事项": "本年度未收取信息处理费。"})  # an office's own generated text
    assert [f.rule for f in repeated_sentence(twice, None)] == ["PROSE-REPEAT"]
    assert list(repeated_sentence(replace(ay, fee_charged=False), None)) == []  # the generated one is dropped
    sections = replace(ay, text={**ay.text, "总体情况": "本年度工作扎实推进。", "问题及改进": "本年度工作扎实推进。"})
    assert list(repeated_sentence(sections, None)) == []  # once in each of two sections is no repeat


def test_noun_rule_reads_other_bare_clauses() -> None:
    assert [f.actual for f in figure_without_noun(_with_text("总体情况", "未新制作规范性文件，对外公开总数5件。"),
                                                  None)] == ["对外公开总数5件"]
    assert list(figure_without_noun(_with_text("总体情况", "未制发规章，废止规章2件，现行有效3件。"), None)) == []


def test_generated_prose_of_a_40_agency_two_year_demo_has_no_lint_finding(tmp_path: Path) -> None:
    paths = demo_tree(tmp_path / "params", 40, [2023, 2024])
    assert len({p.stem for p in paths}) == 40 and {p.parent.name for p in paths} == {"2023", "2024"}
    findings = []
    for path in paths:
        ay = params.load(path)
        previous = load_previous(path, ay)
        generated_only = replace(ay, text={})  # the analyst's demo text plants defects on purpose
        findings += [(path.name, f.id) for rid in LINT for f in RULES[rid].func(generated_only, previous)]
        # and with the analyst's text: what a reviewer reads has no repeated sentence (the fee of issue 16)
        findings += [(path.name, f.id) for f in RULES["PROSE-REPEAT"].func(ay, previous)]
    assert findings == []
