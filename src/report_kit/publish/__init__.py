"""Publishing a built report: the review page, Word and PDF.

- ``review_html(nb)``: the executed notebook for reviewers (findings first, injected parameters,
  build record, code folded), self-contained and offline;
- ``docx_bytes(ay, sections)``: report.docx in the layout of government documents (GB/T 9704),
  tables with the same merged cells as report.html;
- ``print_to_pdf(html)``: report.pdf printed by headless Chromium from report.html;
- ``write_outputs(...)``: all of the above beside a report.html, as ``report-kit run --to`` does;
- ``diff_builds(old, new)`` / ``format_diff``: what changed between two builds (``report-kit diff``).
"""

from report_kit.publish._chromium import find_chromium, print_to_pdf
from report_kit.publish._diff import RunDiff, diff_builds, diff_json, format_diff, read_snapshot
from report_kit.publish._docx import GOVERNMENT, DocxStyle, docx_bytes
from report_kit.publish._layout import Layout, Placed, place
from report_kit.publish._outputs import FORMATS, REVIEW, parse_formats, write_outputs
from report_kit.publish._review import build_record, review_html

__all__ = ["FORMATS", "GOVERNMENT", "REVIEW", "DocxStyle", "Layout", "Placed", "RunDiff", "build_record",
           "diff_builds", "diff_json", "docx_bytes", "find_chromium", "format_diff", "parse_formats", "place",
           "print_to_pdf", "read_snapshot", "review_html", "write_outputs"]
