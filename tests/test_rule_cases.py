"""Driven by the rule registry: every registered rule has a case that breaks it and one that passes it
(tests/data/checks/rule_cases.yaml), and each does what it says. A new rule without cases fails here."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any

import pytest
import yaml

from report_kit.checks import RULES, Context, Document, Finding, run_checks
from report_kit.checks._core import UNVERIFIED
from report_kit.model import AgencyYear

from .checks_support import consistent, with_cells
from .conftest import DATA

CASES: dict[str, dict[str, Any]] = yaml.safe_load((DATA / "checks" / "rule_cases.yaml").read_text("utf-8"))


@dataclass(frozen=True)
class Entry:
    """A registry entry as ``batch.Agency`` has it (the fields the rules read)."""

    slug: str
    name: str
    short_name: str | None = None
    first_year: int = 2008
    last_year: int | None = None
    body: str | None = None
    level: str | None = None
    deadline: str | None = None
    deadline_basis: str | None = None


def _agency_year(spec: dict[str, Any], form: str, year: int | None = None) -> AgencyYear:
    fields = dict(spec.get("fields") or {})
    if isinstance(fields.get("published"), str):
        fields["published"] = dt.date.fromisoformat(fields["published"])
    ay = consistent(form, year=fields.pop("year", year))
    if "narrative" in fields:
        fields["narrative"] = {**ay.narrative, **fields["narrative"]}
    ay = replace(ay, **fields) if fields else ay
    if spec.get("text"):
        ay = replace(ay, text={**ay.text, **spec["text"]})
    return with_cells(ay, *(tuple(c) for c in spec.get("cells") or ()))


def build(case: dict[str, Any]) -> tuple[AgencyYear, AgencyYear | None, Context]:
    form = str(case.get("form", "2021"))
    ay = _agency_year(case, form)
    previous = _agency_year(case["previous"], form) if case.get("previous") else None
    ctx = case.get("context") or {}
    registry = {e["slug"]: Entry(**e) for e in ctx["registry"]} if "registry" in ctx else None
    doc = ctx.get("document")
    document = Document(doc.get("title"), doc.get("headings") or {}, doc.get("unmatched") or {},
                        unheaded=doc.get("unheaded") or {}) if doc else None
    return ay, previous, Context(registry=registry, document=document)


def of_rule(rule_id: str, case: dict[str, Any]) -> list[Finding]:
    ay, previous, context = build(case)
    return [f for f in run_checks(ay, previous, context) if f.rule == rule_id]


def test_every_registered_rule_has_both_cases() -> None:
    missing = [r for r in RULES if not {"fails", "passes"} <= set(CASES.get(r) or {})]
    assert not missing, f"rules without a failing and a passing case in rule_cases.yaml: {missing}"
    assert not set(CASES) - set(RULES), "cases for rules that are not registered"


@pytest.mark.parametrize("rule_id", sorted(RULES))
def test_rule_can_fail(rule_id: str) -> None:
    found = [f for f in of_rule(rule_id, CASES[rule_id]["fails"]) if f.key != UNVERIFIED]
    assert found, f"{rule_id}: its failing case gives no finding"
    assert all(f.message and f.location for f in found)


@pytest.mark.parametrize("rule_id", sorted(RULES))
def test_rule_can_pass(rule_id: str) -> None:
    found = of_rule(rule_id, CASES[rule_id]["passes"])
    assert found == [], f"{rule_id}: its passing case gives {[f.id for f in found]}"


@pytest.mark.parametrize("rule_id", sorted(RULES))
def test_formula_is_listed(rule_id: str) -> None:
    r = RULES[rule_id]
    assert r.formula.strip() and r.title.strip() and r.severity in ("error", "warning", "info")
