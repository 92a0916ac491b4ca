"""Escaped HTML fragments of the region report (Jinja2, autoescape): the notebook's publish cells show them.

Every string that comes from params or the registry (agency names, parents, rules' bases) passes through
autoescaping; the only markup let through unescaped is matplotlib's SVG, which escapes its own text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources

from jinja2 import Environment, PackageLoader, select_autoescape

from report_kit.deadlines import STATE_LABELS
from report_kit.formats import Format
from report_kit.region._agencies import AgencyRow
from report_kit.region._charts import Chart
from report_kit.region._collect import Region
from report_kit.region._figures import pct
from report_kit.region._narrative import chinese_date
from report_kit.region._summary import Summary
from report_kit.region._sums import CellKey, Compared
from report_kit.render.grid import format_number


@cache
def _env() -> Environment:
    env = Environment(loader=PackageLoader("report_kit.region", "templates"),
                      autoescape=select_autoescape(default=True, default_for_string=True),
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["num"] = lambda v: "" if v is None else format_number(v)
    env.filters["pct"] = pct
    env.filters["cdate"] = lambda d: "" if d is None else chinese_date(d)
    env.filters["state"] = lambda s: STATE_LABELS[s]
    return env


@cache
def css() -> str:
    return resources.files(__package__).joinpath("templates", "region.css").read_text("utf-8")


@dataclass(frozen=True)
class MatrixRow:
    label: str
    cells: tuple[Compared | None, ...]  # None: the row has no such column
    keys: tuple[CellKey | None, ...]


@dataclass(frozen=True)
class Matrix:
    """One official table (or block of table 二) as rows × columns of compared sums."""

    table: str
    caption: str
    columns: tuple[str, ...]
    rows: tuple[MatrixRow, ...]
    groups: tuple[tuple[str | None, int], ...] = ()  # header groups over the columns: (group label, span)

    @property
    def flat_columns(self) -> tuple[str, ...]:
        """Column labels with their group, for one-row headers (Word, spreadsheets)."""
        out: list[str] = []
        i = 0
        for group, span in self.groups or ((None, len(self.columns)),):
            out += [f"{group}·{c}" if group else c for c in self.columns[i:i + span]]
            i += span
        return tuple(out)


def matrices(fmt: Format, compared: dict[CellKey, Compared]) -> list[Matrix]:
    out: list[Matrix] = []
    t2 = fmt.table("二")
    for block in t2.blocks:
        rows = tuple(MatrixRow(r.label, tuple(compared[("二", r.key or "", c.key)] for c in block.columns),
                               tuple(("二", r.key or "", c.key) for c in block.columns)) for r in block.rows)
        out.append(Matrix("二", f"{t2.title}（{block.key}）", tuple(c.label for c in block.columns), rows))
    t3 = fmt.table("三")
    groups: list[tuple[str | None, int]] = []
    for c in t3.columns:
        if groups and c.group is not None and groups[-1][0] == c.group:
            groups[-1] = (c.group, groups[-1][1] + 1)
        else:
            groups.append((c.group, 1))
    out.append(Matrix("三", t3.title, tuple(c.label for c in t3.columns),
                      tuple(MatrixRow(t3.row_label(r.key or ""),
                                      tuple(compared[("三", r.key or "", c.key)] for c in t3.columns),
                                      tuple(("三", r.key or "", c.key) for c in t3.columns))
                            for r in t3.data_rows()), tuple(groups)))
    t4 = fmt.table("四")
    out.append(Matrix("四", t4.title, tuple(c.label for c in t4.columns),
                      tuple(MatrixRow(f"{g.role}·{g.label}" if g.role else g.label,
                                      tuple(compared[("四", g.key or "", c.key)] for c in t4.columns),
                                      tuple(("四", g.key or "", c.key) for c in t4.columns)) for g in t4.rows)))
    return out


def title_html(region: Region) -> str:
    return _env().get_template("title.html.j2").render(region=region, css=css())


def section_html(num: str, title: str, paragraphs: Sequence[str], body: str = "") -> str:
    """A numbered section with its paragraphs, then ``body`` (HTML made by this module: tables, charts)."""
    return _env().get_template("section.html.j2").render(num=num, title=title, paragraphs=paragraphs, body=body)


def filings_html(region: Region) -> str:
    """Who has not filed, filed late, or whose deadline is unknown; the on-time ones only counted."""
    rows = [m for m in region.members if m.filing.state != "on_time"]
    on_time = len(region.members) - len(rows)
    return _env().get_template("filings.html.j2").render(rows=rows, on_time=on_time, region=region)


def sums_html(summary: Summary) -> str:
    return _env().get_template("sums.html.j2").render(matrices=matrices(summary.fmt, summary.compared),
                                                       same=bool(summary.same_set),
                                                       differs=set(summary.same_set) != {a.slug for a in
                                                                                          summary.region.filed})


def agencies_html(rows: Sequence[AgencyRow], outcome_labels: Sequence[str]) -> str:
    return _env().get_template("agencies.html.j2").render(rows=rows, labels=outcome_labels)


def chart_html(chart: Chart) -> str:
    return _env().get_template("chart.html.j2").render(chart=chart)
