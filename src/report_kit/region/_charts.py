"""The region report's charts: matplotlib, offline, to inline SVG whose text stays text.

Text is written as ``<text>`` with a CJK font-family list (``svg.fonttype: none``), so the page shows Chinese
with whatever CJK font the reader's machine has, even where this machine had none. A fixed ``svg.hashsalt``
and no date in the metadata make the same figures give the same bytes on every run. No pyplot: each chart is
its own ``Figure`` (no global state inside a kernel), and labels are never parsed as mathtext (``$`` in an
agency's name stays a dollar sign).
"""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Callable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from report_kit.region._agencies import AgencyRow
from report_kit.region._figures import pct, shares
from report_kit.region._summary import CaseTotals, Summary

if TYPE_CHECKING:
    from collections.abc import Iterator

    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

# The fonts Chinese readers' machines have, most common first; the browser takes the first it finds.
CJK_FONTS = ["Noto Sans CJK SC", "Source Han Sans SC", "Source Han Sans CN", "WenQuanYi Micro Hei",
             "Microsoft YaHei", "PingFang SC", "Hiragino Sans GB", "SimHei", "Heiti SC", "sans-serif"]
RC: dict[str, Any] = {
    "svg.fonttype": "none",
    "svg.hashsalt": "report-kit-region",
    "font.family": CJK_FONTS,
    "font.size": 10,
    "axes.unicode_minus": False,  # U+2212 is missing from some CJK fonts
    "text.parse_math": False,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": 11,
    "axes.titleweight": "bold",
}
COLORS = ["#2f5d8a", "#6b9bc3", "#c0504d", "#e3a13b", "#7f7f7f", "#9bbb59"]
_SIZE = re.compile(r'width="[\d.]++pt" height="[\d.]++pt"')
_HEADER = re.compile(r"\A<\?xml[^>]*\?>\s*<!DOCTYPE[^>]*>\s*", re.S)


@dataclass(frozen=True)
class Chart:
    key: str
    title: str  # the figure caption, Chinese
    svg: str  # inline SVG markup (no XML declaration)
    description: str  # what it shows, in words (alt text)
    draw: Callable[[Figure], None] = field(repr=False, compare=False, default=lambda fig: None)
    size: tuple[float, float] = (7.0, 3.2)

    def png(self, dpi: int = 200) -> bytes:
        """The same chart as PNG, for report.docx (Word cannot show SVG everywhere)."""
        return _figure_bytes(self.draw, self.size, "png", dpi)


def _chart(key: str, title: str, draw: Callable[[Figure], None], size: tuple[float, float], desc: str) -> Chart:
    return Chart(key, title, _render(draw, size), desc, draw, size)


@contextmanager
def _quiet_fonts() -> Iterator[None]:
    """Missing fonts of the list are expected (any one is enough): keep findfont from logging each."""
    log = logging.getLogger("matplotlib.font_manager")
    level = log.level
    log.setLevel(logging.ERROR)
    try:
        yield
    finally:
        log.setLevel(level)


def _figure_bytes(draw: Callable[[Figure], None], size: tuple[float, float], fmt: str, dpi: int = 100) -> bytes:
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    with matplotlib.rc_context(RC), _quiet_fonts():
        fig = Figure(figsize=size, layout="constrained")
        FigureCanvasAgg(fig)
        draw(fig)
        buf = io.BytesIO()
        metadata = {"Date": None} if fmt == "svg" else {"Software": None}
        fig.savefig(buf, format=fmt, metadata=metadata, dpi=dpi)
    return buf.getvalue()


def _render(draw: Callable[[Figure], None], size: tuple[float, float]) -> str:
    svg = _HEADER.sub("", _figure_bytes(draw, size, "svg").decode("utf-8"))
    # scale with the page: the viewBox keeps the proportions
    start = svg.find("<svg ")
    end = svg.find(">", start)
    if start < 0 or end < 0:
        return svg
    # only inside the root tag (a regex over the whole document tried every "<svg " start: quadratic)
    tag = _SIZE.sub('class="chart-svg"', svg[start:end], count=1)
    return svg[:start] + tag + svg[end:]


def _empty(ax: Axes, text: str) -> None:
    ax.set_axis_off()
    ax.text(0.5, 0.5, text, ha="center", va="center", transform=ax.transAxes, color="#555")


def _barh(ax: Axes, labels: Sequence[str], values: Sequence[float], notes: Sequence[str]) -> None:
    ys = list(range(len(labels)))[::-1]
    bars = ax.barh(ys, values, color=COLORS[0], height=0.6)
    ax.set_yticks(ys, labels)
    top = max(values) if values else 0
    ax.set_xlim(0, top * 1.35 if top else 1)
    for bar, note in zip(bars, notes, strict=True):
        ax.text(bar.get_width() + (top or 1) * 0.01, bar.get_y() + bar.get_height() / 2, note, va="center",
                fontsize=9)
    ax.tick_params(axis="y", length=0)
    ax.xaxis.set_major_locator(_int_locator())


def _int_locator() -> Any:
    from matplotlib.ticker import MaxNLocator

    return MaxNLocator(integer=True)


def outcomes_chart(s: Summary) -> Chart:
    """Applications by outcome: （一）…（六） summed over the region, with shares of 办结."""
    groups = [(label, t) for label, t in s.outcomes]
    handled = int(s.handled.value) if s.handled.value else 0
    share = shares([t.value for _, t in groups], handled)  # type: ignore[misc]
    notes = [f"{t.text()}件（{pct(sh)}）" if t.value is not None else t.text() for (_, t), sh in zip(groups, share,
                                                                                                  strict=True)]

    def draw(fig: Figure) -> None:
        ax = fig.subplots()
        ax.set_title(f"{s.region.year}年政府信息公开申请办理结果")
        if not handled:
            _empty(ax, "本年度无办结的申请")
            return
        _barh(ax, [label for label, _ in groups], [float(t.value or 0) for _, t in groups], notes)
        ax.set_xlabel("件")

    desc = "；".join(f"{label}{note}" for (label, _), note in zip(groups, notes, strict=True))
    return _chart("outcomes", "图1 申请办理结果", draw, (7.0, 3.2), desc)


def top_agencies_chart(rows: Sequence[AgencyRow], year: int, n: int = 10) -> Chart:
    from report_kit.region._agencies import top_by_new

    top = top_by_new(list(rows), n)

    def draw(fig: Figure) -> None:
        ax = fig.subplots()
        ax.set_title(f"{year}年新收申请数量居前的机关")
        if not top or not any(r.new for r in top):
            _empty(ax, "本年度各机关均未收到申请")
            return
        _barh(ax, [r.name for r in top], [float(r.new or 0) for r in top], [f"{r.new}件" for r in top])
        ax.set_xlabel("新收申请（件）")

    desc = "；".join(f"{r.name}{r.new}件" for r in top)
    return _chart("top", f"图2 新收申请数量前{len(top)}位的机关", draw, (7.0, 0.9 + 0.32 * max(len(top), 3)), desc)


def trend_chart(s: Summary) -> Chart:
    """New and handled applications per report year under params/ (every agency of the region that filed)."""
    points = s.trend

    def draw(fig: Figure) -> None:
        ax = fig.subplots()
        ax.set_title("历年新收和办结申请（各年度报送机关合计）")
        if not points:
            _empty(ax, "无历年数据")
            return
        xs = list(range(len(points)))
        width = 0.38
        new = [float(p.new.value or 0) for p in points]
        handled = [float(p.handled.value or 0) for p in points]
        ax.bar([x - width / 2 for x in xs], new, width, color=COLORS[0], label="新收申请")
        ax.bar([x + width / 2 for x in xs], handled, width, color=COLORS[1], label="办结申请")
        top = max(new + handled) or 1
        for x, p, v, h in zip(xs, points, new, handled, strict=True):
            ax.text(x - width / 2, v + top * 0.02, p.new.text(), ha="center", fontsize=8)
            ax.text(x + width / 2, h + top * 0.02, p.handled.text(), ha="center", fontsize=8)
        ax.set_xticks(xs, [f"{p.year}年\n（{p.agencies}个机关）" for p in points])
        ax.set_ylim(0, top * 1.2)
        ax.yaxis.set_major_locator(_int_locator())
        ax.set_ylabel("件", rotation=0, labelpad=12)
        ax.legend(frameon=False, loc="upper left", ncols=2)

    desc = "；".join(f"{p.year}年{p.agencies}个机关新收{p.new.text()}件、办结{p.handled.text()}件" for p in points)
    return _chart("trend", "图3 历年申请数量", draw, (7.0, 3.2), desc)


def _rate(c: CaseTotals | None) -> float | None:
    return None if c is None or c.rate is None else float(c.rate)


def rates_chart(s: Summary) -> Chart:
    """纠正率 of 行政复议 and 行政诉讼 this year, and last year for the agencies that filed both years."""
    year = s.region.year
    series = [(f"{year}年", COLORS[2], s.review, s.litigation)]
    if s.review_before is not None:
        series.insert(0, (f"{year - 1}年（同口径）", COLORS[4], s.review_before, s.litigation_before))

    def draw(fig: Figure) -> None:
        ax = fig.subplots()
        ax.set_title("行政复议、行政诉讼结果纠正率（按已审结案件计）")
        if all(_rate(c) is None for _, _, r, lit in series for c in (r, lit)):
            _empty(ax, "无已审结的行政复议、行政诉讼案件")
            return
        width = 0.8 / len(series)
        for i, (label, color, review, litigation) in enumerate(series):
            xs = [j - 0.4 + width * (i + 0.5) for j in range(2)]
            legend: str | None = label  # once per series, on its first bar
            for x, c in zip(xs, (review, litigation), strict=True):
                rate = _rate(c)
                if c is None or rate is None:
                    ax.text(x, 2, f"{label}\n无审结", ha="center", fontsize=8, color="#555")
                    continue
                ax.bar([x], [rate], width, color=color, label=legend)
                legend = None
                ax.text(x, rate + 2, f"{pct(c.rate)}\n{c.corrected}/{c.concluded}件", ha="center", fontsize=8)
        ax.set_xticks([0, 1], ["行政复议", "行政诉讼"])
        ax.set_ylim(0, 118)
        ax.set_ylabel("纠正率（%）")
        ax.legend(frameon=False, loc="upper right")

    def words(c: CaseTotals | None) -> str:
        if c is None or c.rate is None:
            return "无已审结案件"
        return f"{pct(c.rate)}（纠正{c.corrected}件/审结{c.concluded}件）"

    desc = "；".join(f"{label}行政复议{words(r)}、行政诉讼{words(lit)}" for label, _, r, lit in series)
    return _chart("rates", "图4 行政复议、行政诉讼纠正率", draw, (7.0, 3.0), desc)


def charts(s: Summary, rows: Sequence[AgencyRow]) -> list[Chart]:
    return [outcomes_chart(s), top_agencies_chart(rows, s.region.year), trend_chart(s), rates_chart(s)]
