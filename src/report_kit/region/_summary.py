"""The region's figures in one value: sums, the same-set comparison, outcome groups, cases, the trend."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from report_kit.formats import Format, format_for_year
from report_kit.model import AgencyYear
from report_kit.region._collect import Region
from report_kit.region._figures import Cases, cases, outcome_groups, row_total
from report_kit.region._sums import CellKey, Compared, Total, compare, table_totals


def _total(values: Sequence[int | None]) -> Total:
    known = [v for v in values if v is not None]
    return Total(sum(known) if known else None, len(known), len(values) - len(known))


@dataclass(frozen=True)
class CaseTotals:
    """行政复议 or 行政诉讼 over the region: agencies with incomplete figures are counted, not added."""

    total: Total
    corrected: int
    concluded: int
    incomplete: int  # agencies whose 维持/纠正/其他 are not all filled

    @property
    def rate(self) -> Decimal | None:
        if not self.concluded:
            return None
        return (Decimal(1000 * self.corrected) / self.concluded / 10).quantize(Decimal("0.1"), ROUND_HALF_UP)


def case_totals(items: Sequence[Cases]) -> CaseTotals:
    complete = [c for c in items if c.concluded is not None and c.corrected is not None]
    return CaseTotals(_total([c.total for c in items]), sum(c.corrected or 0 for c in complete),
                      sum(c.concluded or 0 for c in complete), len(items) - len(complete))


@dataclass(frozen=True)
class TrendPoint:
    year: int
    agencies: int
    new: Total
    handled: Total


@dataclass(frozen=True)
class Summary:
    region: Region
    fmt: Format
    totals: dict[CellKey, Total]
    compared: dict[CellKey, Compared]
    same_set: tuple[str, ...]  # slugs that filed both years
    joined: tuple[str, ...]  # filed this year, not last year
    left: tuple[str, ...]  # filed last year, not this year
    states: Counter[str]
    new: Total
    new_before: Total | None  # the same set last year
    new_same_now: Total | None
    outcomes: tuple[tuple[str, Total], ...]
    handled: Total
    review: CaseTotals
    litigation: CaseTotals
    review_before: CaseTotals | None
    litigation_before: CaseTotals | None
    trend: tuple[TrendPoint, ...]
    names: dict[str, str]  # slug → agency name, for joined/left lists


def _by_slug(ays: Sequence[AgencyYear], slugs: set[str]) -> list[AgencyYear]:
    return [ay for ay in ays if ay.slug in slugs]


def summarize(region: Region) -> Summary:
    filed = region.filed
    previous = list(region.previous)
    fmt = format_for_year(region.year)
    both = {a.slug for a in filed} & {a.slug for a in previous}
    had_previous = bool(previous)
    joined = tuple(sorted({a.slug for a in filed} - both)) if had_previous else ()
    left = tuple(sorted({a.slug for a in previous} - both))
    names = {a.slug: a.agency for a in previous} | {a.slug: a.agency for a in filed} | \
        {m.slug: m.name for m in region.members}

    group_values: dict[str, list[int | None]] = {}
    for ay in filed:
        for label, v in outcome_groups(ay):
            group_values.setdefault(label, []).append(v)
    outcomes = tuple((label, _total(vals)) for label, vals in group_values.items())

    same_now, same_before = _by_slug(filed, both), _by_slug(previous, both)
    trend = tuple(TrendPoint(y, len(ays), _total([row_total(a, "new") for a in ays]),
                             _total([row_total(a, "handled_total") for a in ays]))
                  for y, ays in sorted(region.history.items()))
    return Summary(
        region=region, fmt=fmt, totals=table_totals(filed, fmt), compared=compare(filed, previous, fmt),
        same_set=tuple(sorted(both)), joined=joined, left=left,
        states=Counter(m.filing.state for m in region.members),
        new=_total([row_total(a, "new") for a in filed]),
        new_before=_total([row_total(a, "new") for a in same_before]) if both else None,
        new_same_now=_total([row_total(a, "new") for a in same_now]) if both else None,
        outcomes=outcomes, handled=_total([row_total(a, "handled_total") for a in filed]),
        review=case_totals([cases(a)[0] for a in filed]), litigation=case_totals([cases(a)[1] for a in filed]),
        review_before=case_totals([cases(a)[0] for a in same_before]) if both else None,
        litigation_before=case_totals([cases(a)[1] for a in same_before]) if both else None,
        trend=trend, names=names,
    )
