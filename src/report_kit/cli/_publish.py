"""report-kit publish: copy approved, unchanged reports into a portal-ready folder; list the others."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from report_kit.cli._region import day


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("publish", help="copy fully signed-off, unchanged reports into a portal folder (exit 1 when "
                                       "any agency is held back)",
                       description="Copy every report of the year whose sign-offs all match its current params and "
                                   "files into DIR as <机关名称><year>年政府信息公开工作年度报告.html/.pdf/.docx, with "
                                   "index.html; list every other agency with the reason. A changed report that "
                                   "was published before and is approved again is republished with a 更正说明; "
                                   "the original is kept beside it.")
    p.add_argument("--year", type=int, required=True, help="report year")
    p.add_argument("--to", dest="portal", type=Path, required=True, metavar="DIR", help="portal folder to fill")
    p.add_argument("--params", dest="params_root", default="params", type=Path, help="params root (default: params)")
    p.add_argument("--registry", type=Path, help="agency registry (default: <params>/agencies.yaml)")
    p.add_argument("--outputs", default="outputs", type=Path, help="outputs root (default: outputs)")
    p.add_argument("--approvals", type=Path, help="approvals folder (default: approvals/ beside the params root)")
    p.add_argument("--date", type=day, help="portal publication date recorded (default: today), YYYY-MM-DD")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from report_kit.gate import publish_year

    outcomes = publish_year(args.params_root, args.year, args.portal, args.outputs, args.approvals, args.registry,
                            args.date)
    counts = {a: sum(1 for o in outcomes if o.action == a) for a in ("published", "corrected", "unchanged", "held")}
    print(f"{args.portal}: {counts['published']} published, {counts['corrected']} corrected, "
          f"{counts['unchanged']} unchanged, {counts['held']} held back")
    for o in outcomes:
        if o.action in ("published", "corrected") and o.release is not None:
            print(f"  {o.action:<9} {o.slug} {o.name}: {', '.join(o.release.files)}")
    for o in outcomes:
        if o.action == "held":
            kept = f" (portal keeps release {o.release.number} of {o.release.date})" if o.release else ""
            print(f"  held back {o.slug} {o.name}{kept}:", file=sys.stderr)
            for reason in o.reasons:
                print(f"    - {reason}", file=sys.stderr)
    return 1 if counts["held"] else 0
