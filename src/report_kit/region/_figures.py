"""Derived figures the region report needs: outcome groups, shares, correction rates (small on purpose).

Shares and their printing come from the model's derived-figures layer (``report_kit.figures``), the same
the agency narrative uses; the rest reads the official roles of the format so no label is known by heart.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from report_kit.figures import pct, shares
from report_kit.model import AgencyYear


def _total_col(ay: AgencyYear, tid: str) -> str:
    return next(c for c in ay.fmt.table(tid).columns if c.total).key


def row_total(ay: AgencyYear, role: str) -> int | None:
    """Table 三's 总计 of the row with ``role`` (new, handled_total …); None when blank."""
    t = ay.fmt.table("三")
    return ay.t3(t.row_by_role(role).key or "", _total_col(ay, "三"))


def outcome_groups(ay: AgencyYear) -> list[tuple[str, int | None]]:
    """（一）…（六） of 三、本年度办理结果 with their 总计 (a group's items summed; None when one is blank)."""
    t = ay.fmt.table("三")
    total = _total_col(ay, "三")
    group = t.parent_of(t.row_by_role("handled_total").key or "")
    out: list[tuple[str, int | None]] = []
    for item in group.children if group else ():
        if item.role == "handled_total":
            continue
        vals = [ay.t3(r.key, total) for r, _ in item.walk() if r.key]
        out.append((item.label.split("（")[0], None if None in vals else sum(v or 0 for v in vals)))
    return out


def outcome_labels(ay: AgencyYear) -> list[str]:
    return [label for label, _ in outcome_groups(ay)]


@dataclass(frozen=True)
class Cases:
    """行政复议 or 行政诉讼 (its two groups together) of one or many agencies."""

    total: int | None
    upheld: int | None
    corrected: int | None
    other: int | None
    pending: int | None

    @property
    def concluded(self) -> int | None:
        parts = (self.upheld, self.corrected, self.other)
        return None if None in parts else sum(p or 0 for p in parts)

    @property
    def rate(self) -> Decimal | None:
        """纠正率: 结果纠正 among the concluded cases (维持 + 纠正 + 其他), one decimal; None when none concluded."""
        concluded = self.concluded
        if not concluded or self.corrected is None:
            return None
        return (Decimal(1000 * self.corrected) / concluded / 10).quantize(Decimal("0.1"), ROUND_HALF_UP)

    def __add__(self, other: Cases) -> Cases:
        def add(a: int | None, b: int | None) -> int | None:
            return None if a is None or b is None else a + b

        return Cases(add(self.total, other.total), add(self.upheld, other.upheld),
                     add(self.corrected, other.corrected), add(self.other, other.other),
                     add(self.pending, other.pending))


ZERO = Cases(0, 0, 0, 0, 0)


def cases(ay: AgencyYear) -> tuple[Cases, Cases]:
    """(行政复议, 行政诉讼) of one agency: table 四's groups, those under a parent heading summed."""
    t = ay.fmt.table("四")
    by_role = {c.role: c.key for c in t.columns if c.role}
    total = _total_col(ay, "四")
    review, litigation = ZERO, ZERO
    for group in t.rows:
        gk = group.key or ""
        c = Cases(ay.get("四", gk, total), *(ay.get("四", gk, by_role[r])  # type: ignore[arg-type]
                                            for r in ("upheld", "corrected", "other", "pending")))
        if group.role:  # 行政诉讼: 未经复议直接起诉, 复议后起诉
            litigation = litigation + c
        else:
            review = review + c
    return review, litigation


__all__ = ["Cases", "cases", "outcome_groups", "outcome_labels", "pct", "row_total", "shares"]
