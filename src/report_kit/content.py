"""What a report says, section by section: the value narrative produces and render consumes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from report_kit.model import AgencyYear


@dataclass(frozen=True)
class Paragraph:
    text: str
    generated: bool = False  # written by report-kit from the figures, not by the analyst


@dataclass(frozen=True)
class SectionContent:
    key: str  # the format's section key (总体情况, 主动公开, …)
    title: str  # official title, e.g. 二、主动公开政府信息情况
    paragraphs: tuple[Paragraph, ...] = ()
    table: str | None = None  # 二 / 三 / 四: the official table shown in this section


def chinese_date(d: date) -> str:
    """A date as official documents write it: 2025年1月20日 (no leading zeros)."""
    return f"{d.year}年{d.month}月{d.day}日"


def signature(ay: AgencyYear) -> tuple[str, str | None]:
    """The 落款: the agency's full name and the 成文日期 (``dated``, else ``published``; None when neither)."""
    signed = ay.signed_on
    return ay.agency, chinese_date(signed) if signed else None
