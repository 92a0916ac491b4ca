"""The per-agency table: key figures, findings by severity, filing status and publication date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from report_kit.deadlines import STATE_LABELS
from report_kit.region._collect import Member, Region
from report_kit.region._figures import Cases, cases, outcome_groups, row_total, shares


@dataclass(frozen=True)
class AgencyRow:
    slug: str
    name: str
    new: int | None  # 本年新收 (总计)
    handled: int | None  # 办理结果总计
    outcomes: tuple[tuple[str, Decimal | None], ...]  # （一）…（六） shares of 办理结果总计
    review: Cases | None
    litigation: Cases | None
    errors: int
    warnings: int
    infos: int
    state: str  # filing status label (按期公布, 逾期公布（逾期3天）, 未报送 …)
    state_short: str  # the same without the days (按期公布, 逾期公布, 未报送 …)
    days_text: str  # 超期3天 / 已超期29天 / ""
    failing: bool
    published: date | None
    deadline: date | None
    deadline_rule: str


def agency_row(m: Member) -> AgencyRow:
    counts = m.open_counts
    common = dict(slug=m.slug, name=m.name, errors=counts["error"], warnings=counts["warning"],
                  infos=counts["info"], state=m.filing.label, state_short=STATE_LABELS[m.filing.state],
                  days_text=m.filing.days_text, failing=m.filing.failing,
                  published=m.filing.published, deadline=m.filing.deadline.due, deadline_rule=m.filing.deadline.rule)
    if m.ay is None:
        return AgencyRow(new=None, handled=None, outcomes=(), review=None, litigation=None, **common)  # type: ignore[arg-type]
    groups = outcome_groups(m.ay)
    handled = row_total(m.ay, "handled_total")
    share = shares([v for _, v in groups], handled)
    review, litigation = cases(m.ay)
    return AgencyRow(new=row_total(m.ay, "new"), handled=handled,
                     outcomes=tuple((label, s) for (label, _), s in zip(groups, share, strict=True)),
                     review=review, litigation=litigation, **common)  # type: ignore[arg-type]


def agency_rows(region: Region) -> list[AgencyRow]:
    """One row per member, in registry (slug) order."""
    return [agency_row(m) for m in region.members]


def top_by_new(rows: list[AgencyRow], n: int = 10) -> list[AgencyRow]:
    """The ``n`` agencies with most new applications (ties by slug); blanks are not ranked."""
    known = [r for r in rows if r.new is not None]
    return sorted(known, key=lambda r: (-(r.new or 0), r.slug))[:n]
