"""report-kit diff: what changed between two builds of a report (figures, findings, text)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from report_kit import export
from report_kit._terminal import echo_json, printable
from report_kit.i18n import _


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "diff", help=_("compare two builds: figures, findings and text (exit 1 when they differ)"),
        description=_("Compare two executed report notebooks (report.ipynb) or build folders "
                      "(outputs/<year>/<slug>): changed figures with their official labels, new/resolved "
                      "findings, and the text of each section with changed characters marked [-old-]{+new+}."))
    p.add_argument("old", type=Path, metavar="OLD", help=_("OLD report.ipynb or build folder"))
    p.add_argument("new", type=Path, metavar="NEW", help=_("NEW report.ipynb or build folder"))
    p.add_argument("--json", action="store_true", help=_("print the differences as JSON"))
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    diff = export.diff_builds(args.old, args.new)
    if args.json:
        echo_json(export.diff_json(diff))
    else:
        sys.stdout.write(printable(export.format_diff(diff)))
    return 0 if diff.empty else 1
