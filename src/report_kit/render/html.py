"""Escaped HTML fragments for the report and the CSS of the page.

Every string from params (agency names, the analyst's text, labels) passes through Jinja2's
autoescaping; nothing here concatenates raw input into markup.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape

from report_kit.content import SectionContent, signature
from report_kit.model import AgencyYear
from report_kit.render.grid import table_grid

TEMPLATE_NAME = "rk_report"
TEMPLATE_DIR = Path(str(resources.files("report_kit.render").joinpath("templates")))


@cache
def _env() -> Environment:
    env = Environment(
        loader=PackageLoader("report_kit.render", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )
    return env


def table_html(ay: AgencyYear, table: str) -> str:
    """Table 二, 三 or 四 of ``ay`` as an HTML table with the official merged cells."""
    grid = table_grid(ay.fmt, table, ay)
    return _env().get_template("table.html.j2").render(grid=grid, title=ay.fmt.table(table).title)


def title_html(ay: AgencyYear) -> str:
    return _env().get_template("title.html.j2").render(ay=ay)


def signature_html(ay: AgencyYear) -> str:
    """The 落款 at the end of the report: agency and 成文日期, right-aligned as official documents sign."""
    agency, dated = signature(ay)
    return _env().get_template("signature.html.j2").render(agency=agency, dated=dated)


def section_html(section: SectionContent, ay: AgencyYear) -> str:
    """One numbered section: its title, paragraphs (generated ones marked) and official table."""
    table = table_html(ay, section.table) if section.table else ""
    return _env().get_template("section.html.j2").render(section=section, table=table)


@cache
def page_css() -> str:
    return (TEMPLATE_DIR / TEMPLATE_NAME / "report.css").read_text("utf-8")
