"""The output writers of a built report: report.html, the review page, Word and PDF, and comparing builds.

- ``WRITERS`` / ``render(nb, formats)``: the registry of output files and the bytes of one set, all made
  from the executed notebook (``report_html``, ``review_html``, ``report_docx`` from the recorded content,
  ``print_to_pdf`` of report.html);
- ``docx_bytes(ay, sections)``: report.docx straight from an agency-year (tools and tests);
- ``diff_builds(old, new)`` / ``format_diff``: what changed between two builds (``report-kit diff``);
- ``strip_build_record(page)``: a page without the block that legitimately differs between builds.

("publish" is kept for the approval gate that releases approved reports.)
"""

from report_kit.export._chromium import find_chromium, print_to_pdf
from report_kit.export._diff import RunDiff, diff_builds, diff_json, format_diff, read_snapshot
from report_kit.export._docx import GOVERNMENT, DocxStyle, docx_bytes, report_docx
from report_kit.export._layout import Layout, Placed, place
from report_kit.export._record import strip as strip_build_record
from report_kit.export._report import report_html
from report_kit.export._review import build_record, review_html
from report_kit.export._writers import (
    FAILED,
    FORMATS,
    REVIEW,
    WRITERS,
    Writer,
    formats_held,
    parse_formats,
    render,
    set_formats,
)

__all__ = ["FAILED", "FORMATS", "GOVERNMENT", "REVIEW", "WRITERS", "DocxStyle", "Layout", "Placed", "RunDiff",
           "Writer", "build_record", "diff_builds", "diff_json", "docx_bytes", "find_chromium", "format_diff",
           "formats_held", "parse_formats", "place", "print_to_pdf", "read_snapshot", "render", "report_docx",
           "report_html", "review_html", "set_formats", "strip_build_record"]
