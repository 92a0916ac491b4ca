"""When an agency's annual report must be public, and whether it was: pure functions, no files.

《中华人民共和国政府信息公开条例》第四十九条: 县级以上人民政府部门应当在每年1月31日前……向社会公布 its report on the
previous year; 县级以上地方人民政府的政府信息公开工作主管部门应当在每年3月31日前向社会公布本级政府 report. Bodies the
article does not name (乡镇人民政府, 街道办事处, 法律法规授权的组织 …) take their deadline from the agency registry, per
agency (``deadline``) or per kind (``deadlines:`` rules matching body and level); so do offices whose local rules
are stricter. The earliest date that applies wins: a local rule can tighten the law, never relax it. Nothing is
guessed: without a rule the answer is a ``Deadline`` whose ``due`` is None and whose ``rule`` says why.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Literal, Protocol

from report_kit.i18n import _

ARTICLE_49 = "《政府信息公开条例》第四十九条"
# 县级以上: national, provincial, prefecture and county levels; 县级以上地方: the same without the national level.
DEPARTMENT_LEVELS = ("national", "provincial", "prefecture", "county")
GOVERNMENT_LEVELS = ("provincial", "prefecture", "county")
BODY_LABELS = {"department": "人民政府部门", "government": "人民政府", "subdistrict": "街道办事处",
               "other": "其他机关"}
LEVEL_LABELS = {"national": "国家级", "provincial": "省级", "prefecture": "地市级", "county": "县级",
                "township": "乡镇级"}

_MONTH_DAY = re.compile(r"^(\d{2})-(\d{2})$")


@dataclass(frozen=True, order=True)
class MonthDay:
    """A day of the year after the report year, written ``MM-DD`` (``01-31``)."""

    month: int
    day: int

    @classmethod
    def parse(cls, text: str) -> MonthDay:
        m = _MONTH_DAY.match(text.strip()) if isinstance(text, str) else None
        if not m:
            raise ValueError(_("must be a month and day of the following year written MM-DD, e.g. 01-31; got "
                               "{value}").format(value=repr(text)))
        month, day = int(m.group(1)), int(m.group(2))
        try:
            date(2023, month, day)  # a year without 29 February: the rule must exist every year
        except ValueError:
            raise ValueError(_("{value} is not a day that exists every year").format(value=repr(text))) from None
        return cls(month, day)

    def after(self, year: int) -> date:
        """The date in the year after ``year`` (the report year)."""
        return date(year + 1, self.month, self.day)

    def __str__(self) -> str:
        return f"{self.month:02d}-{self.day:02d}"


@dataclass(frozen=True)
class LocalRule:
    """A registry rule for a kind of body: ``{body: government, level: township, due: 02-28, basis: …}``."""

    body: str
    due: MonthDay
    basis: str
    level: str | None = None  # None: every level of this body

    def matches(self, body: str | None, level: str | None) -> bool:
        return body == self.body and (self.level is None or self.level == level)


class Subject(Protocol):
    """What the deadline depends on: a registry entry (``registry.Agency``) has these fields."""

    @property
    def body(self) -> str | None: ...
    @property
    def level(self) -> str | None: ...
    @property
    def deadline(self) -> str | None: ...
    @property
    def deadline_basis(self) -> str | None: ...


@dataclass(frozen=True)
class Deadline:
    """The last day to publish a report year, and the rule it came from; ``due`` None: unknown, ``rule`` says why."""

    due: date | None
    rule: str

    @property
    def known(self) -> bool:
        return self.due is not None


@dataclass(frozen=True)
class _Kind:
    body: str | None = None
    level: str | None = None
    deadline: str | None = None
    deadline_basis: str | None = None


def kind(body: str | None, level: str | None, deadline: str | None = None, basis: str | None = None) -> Subject:
    """A subject from its parts, e.g. a params file's ``body``/``level`` where the registry says nothing."""
    return _Kind(body, level, deadline, basis)


def _who(body: str | None, level: str | None) -> str:
    return f"{LEVEL_LABELS.get(level or '', '')}{BODY_LABELS.get(body or '', body or '')}"


def article_49(body: str | None, level: str | None, year: int) -> Deadline | None:
    """The statutory deadline, when the article names this kind of body; None when it does not."""
    if body == "department" and level in DEPARTMENT_LEVELS:
        return Deadline(date(year + 1, 1, 31), f"{ARTICLE_49}：县级以上人民政府部门，每年1月31日前")
    if body == "government" and level in GOVERNMENT_LEVELS:
        return Deadline(date(year + 1, 3, 31), f"{ARTICLE_49}：县级以上地方人民政府，每年3月31日前")
    return None


def deadline_for(agency: Subject, year: int, rules: tuple[LocalRule, ...] | list[LocalRule] = ()) -> Deadline:
    """The deadline for publishing ``agency``'s report on ``year``: the earliest of its own registered
    deadline (else the most specific local rule for its kind) and Article 49; unknown, with the reason, when
    neither the registry nor the article gives one."""
    body, level = agency.body, agency.level
    local: Deadline | None = None
    if agency.deadline:
        basis = agency.deadline_basis or "机构名录登记的本机关期限"
        local = Deadline(MonthDay.parse(agency.deadline).after(year), basis)
    else:
        matching = [r for r in rules if r.matches(body, level)]
        matching.sort(key=lambda r: r.level is None)  # a rule naming the level is more specific
        if matching:
            r = matching[0]
            local = Deadline(r.due.after(year), r.basis)
    statutory = article_49(body, level, year)
    found = [d for d in (local, statutory) if d is not None]
    if found:
        return min(found, key=lambda d: d.due or date.max)
    if body is None:
        return Deadline(None, "机构名录未登记机关类型（body），无法确定公布期限")
    if level is None:
        return Deadline(None, "机构名录未登记行政层级（level），无法确定公布期限")
    return Deadline(None, f"{ARTICLE_49}未规定{_who(body, level)}的公布期限，机构名录也未登记本地期限")


State = Literal["on_time", "late", "unpublished", "missing", "invalid", "no_deadline"]
STATE_LABELS = {"on_time": "按期公布", "late": "逾期公布", "unpublished": "未公布", "missing": "未报送",
                "invalid": "参数有误", "no_deadline": "期限不明"}


@dataclass(frozen=True)
class Filing:
    """One agency's report year against its deadline, as of a day."""

    slug: str
    name: str
    deadline: Deadline
    published: date | None
    state: State
    overdue_days: int | None = None  # late: days after the deadline; missing/unpublished: days past it so far

    @property
    def failing(self) -> bool:
        """What ``report-kit status`` exits 1 for: not there, or late."""
        return self.state in ("late", "unpublished", "missing", "invalid")

    @property
    def label(self) -> str:
        base = STATE_LABELS[self.state]
        days = self.days_text
        return f"{base}（{days}）" if days else base

    @property
    def days_text(self) -> str:
        """How far past the deadline: 超期3天 (published late), 已超期29天 (still missing), or nothing."""
        if self.state == "late":
            return f"超期{self.overdue_days}天"
        if self.state in ("unpublished", "missing", "invalid") and self.overdue_days:
            return f"已超期{self.overdue_days}天"
        return ""


def filing(slug: str, name: str, deadline: Deadline, *, filed: bool, published: date | None, today: date,
           valid: bool = True) -> Filing:
    """Where one agency stands: ``filed`` = a params file exists; ``published`` = its publication date."""
    past = (today - deadline.due).days if deadline.due and today > deadline.due else None
    if not filed:
        return Filing(slug, name, deadline, None, "missing", past)
    if not valid:
        return Filing(slug, name, deadline, None, "invalid", past)
    if published is None:
        return Filing(slug, name, deadline, None, "unpublished", past)
    if deadline.due is None:
        return Filing(slug, name, deadline, published, "no_deadline")
    if published > deadline.due:
        return Filing(slug, name, deadline, published, "late", (published - deadline.due).days)
    return Filing(slug, name, deadline, published, "on_time")


__all__ = ["ARTICLE_49", "Deadline", "Filing", "LocalRule", "MonthDay", "Subject", "article_49", "deadline_for",
           "filing", "kind"]
