"""The office's own report: many agency-years of one year (and the years before) rolled up.

- ``collect(params_root, year, parent=…)``: who must report (registry subtree), what they filed, their deadlines
  and findings (the only file reading);
- ``summarize(region)``: tables 二/三/四 summed cell by cell with blanks counted, the same set of agencies
  against last year, outcome groups, 复议/诉讼 correction rates, the trend over every year;
- ``agency_rows(region)``: the per-agency table; ``charts(summary, rows)``: four matplotlib charts as SVG;
- ``run(...)``: the template notebook ``notebooks/region_summary.ipynb`` executed by the pipeline into
  ``outputs/<year>/_region/`` (report.html, report.ipynb, review.html, region.xlsx; docx/pdf on request).
"""

from report_kit.region._agencies import AgencyRow, agency_row, agency_rows, top_by_new
from report_kit.region._charts import Chart, charts
from report_kit.region._collect import Member, Region, collect
from report_kit.region._notebook import (
    parse_day,
    problems,
    record,
    show_agencies,
    show_applications,
    show_cases,
    show_checks,
    show_filings,
    show_inputs,
    show_problems,
    show_sums,
    show_title,
)
from report_kit.region._summary import Summary, summarize
from report_kit.region._sums import Compared, Total, cell_total, compare, table_totals

__all__ = ["AgencyRow", "Chart", "Compared", "Member", "Region", "Summary", "Total", "agency_row", "agency_rows",
           "cell_total", "charts", "collect", "compare", "parse_day", "problems", "record", "show_agencies",
           "show_applications", "show_cases", "show_checks", "show_filings", "show_inputs", "show_problems",
           "show_sums", "show_title", "summarize", "table_totals", "top_by_new"]
