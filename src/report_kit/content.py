"""What a report says, section by section: the value narrative produces and render consumes."""

from __future__ import annotations

from dataclasses import dataclass


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
