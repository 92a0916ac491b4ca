"""Finding, the rule registry and the runner."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, replace
from typing import TYPE_CHECKING, Any, Literal

from report_kit.checks._memo import run_scope
from report_kit.figures import percent

if TYPE_CHECKING:
    import pandas as pd

    from report_kit.checks._context import Context
    from report_kit.model import AgencyYear

Severity = Literal["error", "warning", "info"]
SEVERITY_ORDER: dict[str, int] = {"error": 0, "warning": 1, "info": 2}
# Findings sort by the section a reviewer finds them in; sections are numbered 一, 二 … in every form.
SECTION_ORDER = "一二三四五六七八九十"


@dataclass(frozen=True)
class Finding:
    """One defect (or notable fact) found in an agency-year's report."""

    rule: str  # e.g. "T3-BALANCE"
    severity: Severity
    section: str  # 一 … 六: where a reviewer finds it
    location: str  # official labels of the cell(s) or text concerned
    message: str  # Chinese, for reviewers
    expected: str | None = None
    actual: str | None = None
    key: str = ""  # stable location key inside the rule (column, row …)
    acknowledged: str | None = None  # the reviewer's reason, when acknowledged in params
    quote: str | None = None  # the sentence or cell as written, for a reviewer to find it

    @property
    def unverified(self) -> bool:
        """An info saying the rule could not be evaluated (its inputs are blank or missing)."""
        return self.severity == "info" and self.key == UNVERIFIED

    @property
    def id(self) -> str:
        return f"{self.rule}@{self.key}" if self.key else self.rule


# the key of a rule's one "could not be verified" info (inputs blank or missing): said once per rule
UNVERIFIED = "unverified"

Check = Callable[..., Iterable[Finding]]  # (ay, previous) or, registered with context=True, (ay, previous, context)


@dataclass(frozen=True)
class Rule:
    id: str
    severity: Severity
    title: str  # Chinese name of the rule
    formula: str  # what it computes, in the form's own terms
    func: Check
    context: bool = False  # the rule also reads the Context (registry, deadline rules, imported document)


RULES: dict[str, Rule] = {}


def rule(rule_id: str, severity: Severity, title: str, formula: str,
         context: bool = False) -> Callable[[Check], Check]:
    """Register a check function under a rule id (``context``: it takes a third argument, the Context)."""

    def wrap(func: Check) -> Check:
        if rule_id in RULES:
            raise ValueError(f"rule {rule_id} registered twice")
        RULES[rule_id] = Rule(rule_id, severity, title, formula, func, context)
        return func

    return wrap


STALE = "ACK-STALE"


def _stale(ay: AgencyYear, previous: AgencyYear | None) -> Iterable[Finding]:
    return ()  # produced by run_checks, which alone sees every other rule's findings


def run_checks(ay: AgencyYear, previous: AgencyYear | None = None, context: Context | None = None) -> list[Finding]:
    """Every rule applied to one agency-year; sorted by section order, severity, rule and key.

    ``context`` carries what some rules read beyond the figures (the agency registry, local deadline rules, the
    imported document's title and headings); without it those rules use what the agency-year itself says.
    """
    from report_kit.checks._context import Context

    ctx = context if context is not None else Context()
    found: list[Finding] = []
    with run_scope():  # rules share what they derive alike (the composed prose), computed once
        for r in RULES.values():
            found.extend(r.func(ay, previous, ctx) if r.context else r.func(ay, previous))
    found = [replace(f, acknowledged=ay.acknowledged.get(f.id)) for f in found]
    live = {f.id for f in found}
    found.extend(
        Finding(STALE, RULES[STALE].severity, "一", f"acknowledged: {fid}",
                f"参数中确认的检查结果“{fid}”已不再出现，请删除这条确认（理由：{reason}）。",
                expected="删除", actual=fid, key=fid)
        for fid, reason in ay.acknowledged.items() if fid not in live
    )
    return sorted(found, key=lambda f: (SECTION_ORDER.find(f.section), SEVERITY_ORDER[f.severity], f.rule, f.key))


def failing(findings: Iterable[Finding], strict: bool = False) -> list[Finding]:
    """Findings that fail a run: errors, and with ``strict`` warnings too; acknowledged ones never."""
    levels = {"error", "warning"} if strict else {"error"}
    return [f for f in findings if f.severity in levels and not f.acknowledged]


rate = percent  # a share as reports print it; defined once in figures, with the narrative's shares

def findings_to_records(findings: Iterable[Finding]) -> list[dict[str, Any]]:
    """JSON-ready dicts, one per finding, with its stable id."""
    return [{"id": f.id, **asdict(f)} for f in findings]


def findings_frame(findings: Iterable[Finding]) -> pd.DataFrame:
    """The findings as a table for the notebook (columns in Chinese for reviewers)."""
    import pandas as pd

    rows = [
        {"部分": f.section, "级别": f.severity, "规则": f.rule, "位置": f.location, "说明": f.message,
         "应为": f.expected, "实际": f.actual, "已确认": f.acknowledged, "编号": f.id}
        for f in findings
    ]
    return pd.DataFrame(rows, columns=["部分", "级别", "规则", "位置", "说明", "应为", "实际", "已确认", "编号"])


def iter_cells(ay: AgencyYear, table: str) -> Iterator[tuple[str, str, Any]]:
    for row, col in ay.fmt.table(table).cells():
        key = row.key or ""  # cells() yields figure rows only: the key is never empty
        yield key, col.key, ay.tables[table][key][col.key]


rule(STALE, "warning", "过期的确认",
     "参数 acknowledged 中确认的检查结果编号在本次检查中已不再出现（应删除该确认）")(_stale)
