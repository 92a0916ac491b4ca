"""report-kit region: the office's roll-up of every agency (or a subtree) for one year."""

from __future__ import annotations

import argparse
from pathlib import Path

from report_kit import export
from report_kit.cli._options import day, tree_options
from report_kit.errors import ReportKitError
from report_kit.i18n import _


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("region", help=_("the region report: sums, per-agency table, charts, late/missing filers"),
                       description=_("Roll up every registered agency (or the subtree under --parent) for one year "
                                     "into outputs/<year>/_region/: report.html, report.ipynb, review.html and "
                                     "region.xlsx (+ report.docx/report.pdf with --to)."))
    p.add_argument("--year", type=int, required=True, help=_("report year"))
    p.add_argument("--parent", help=_("only agencies under this registry slug or parent name"))
    tree_options(p)
    p.add_argument("--as-of", type=day, help=_("judge filings on this day (default: today), YYYY-MM-DD"))
    p.add_argument("--to", default="", metavar="FORMATS", help=_("also write report.docx and/or report.pdf: docx,pdf"))
    p.add_argument("--template", type=Path, help=_("template notebook (default: notebooks/region_summary.ipynb)"))
    p.add_argument("--kernel", help=_("Jupyter kernel name (default: the template's kernel)"))
    p.add_argument("--timeout", type=float, default=600, help=_("seconds per cell before giving up"))
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from report_kit.region._run import run as run_region

    formats = export.parse_formats(args.to)
    if not args.params_root.is_dir():
        raise ReportKitError(_("{path}: no such params folder").format(path=args.params_root))
    result = run_region(args.params_root, args.year, args.parent, args.outputs, args.registry, formats, args.as_of,
                        args.template, args.kernel, args.timeout)
    r = result.region
    states = [m.filing for m in r.members]
    late = sum(1 for f in states if f.state == "late")
    missing = sum(1 for f in states if f.state in ("missing", "unpublished", "invalid"))
    also = "".join(f", {p.name}" for k, p in result.written.items() if k != "review")
    print(_("{path}  ({members} agencies, {filed} filed, {late} late, {missing} missing or unpublished; "
            "review.html{also})").format(path=result.html, members=len(r.members), filed=len(r.filed), late=late,
                                         missing=missing, also=also))
    return 0
