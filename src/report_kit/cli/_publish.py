"""report-kit publish: copy approved, unchanged reports into a portal-ready folder; list the others."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from report_kit.cli._options import day, tree_options
from report_kit.i18n import N_, _

ACTIONS = {"published": N_("published "), "corrected": N_("corrected ")}  # aligned as the English output was


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("publish", help=_("copy fully signed-off, unchanged reports into a portal folder (exit 1 when "
                                         "any agency is held back)"),
                       description=_("Copy every report of the year whose sign-offs all match its current params "
                                     "and files into DIR as "
                                     "<机关名称><year>年政府信息公开工作年度报告.html/.pdf/.docx, with index.html; "
                                     "list every other agency with the reason. A changed report that was published "
                                     "before and is approved again is republished with a 更正说明; the original is "
                                     "kept beside it."))
    p.add_argument("--year", type=int, required=True, help=_("report year"))
    p.add_argument("--to", dest="portal", type=Path, required=True, metavar="DIR", help=_("portal folder to fill"))
    tree_options(p, approvals=True)
    p.add_argument("--date", type=day, help=_("portal publication date recorded (default: today), YYYY-MM-DD"))
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from report_kit.gate import publish_year

    outcomes = publish_year(args.params_root, args.year, args.portal, args.outputs, args.approvals, args.registry,
                            args.date)
    counts = {a: sum(1 for o in outcomes if o.action == a) for a in ("published", "corrected", "unchanged", "held")}
    print(_("{portal}: {published} published, {corrected} corrected, {unchanged} unchanged, {held} held back").format(
        portal=args.portal, **counts))
    for o in outcomes:
        if o.action in ("published", "corrected") and o.release is not None:
            print(f"  {_(ACTIONS[o.action])} {o.slug} {o.name}: {', '.join(o.release.files)}")
    for o in outcomes:
        if o.action == "held":
            kept = _(" (portal keeps release {number} of {date})").format(
                number=o.release.number, date=o.release.date) if o.release else ""
            print(_("  held back {slug} {name}{kept}:").format(slug=o.slug, name=o.name, kept=kept), file=sys.stderr)
            for reason in o.reasons:
                print(f"    - {reason}", file=sys.stderr)
    return 1 if counts["held"] else 0
