"""report-kit sheet new / import: the intake workbook departments fill in, read back into params files."""

from __future__ import annotations

import argparse
from pathlib import Path

from report_kit._terminal import echo
from report_kit.errors import ReportKitError
from report_kit.i18n import _, ngettext
from report_kit.registry import load_registry
from report_kit.sheets import import_workbook, new_workbook

DEFAULT_REGISTRY = Path("params/agencies.yaml")


def add_parser(sub: argparse._SubParsersAction) -> None:
    s = sub.add_parser("sheet", help=_("write an intake workbook for departments, or import a filled one"))
    cmd = s.add_subparsers(dest="sheet_command", metavar=_("ACTION"), required=True)

    n = cmd.add_parser("new", help=_("write the workbook: one protected sheet per agency active that year"))
    n.add_argument("out", type=Path, metavar="OUT.xlsx")
    n.add_argument("--year", required=True, type=int, help=_("report year (报告年度)"))
    n.add_argument("--agencies", type=Path, default=None,
                   help=_("agency registry (default: {path} when it exists, else one blank sheet)").format(
                       path=DEFAULT_REGISTRY))
    n.add_argument("--force", action="store_true", help=_("overwrite an existing workbook"))
    n.set_defaults(func=new)

    i = cmd.add_parser("import", help=_("read a filled workbook into <out>/<year>/<slug>.yaml"))
    i.add_argument("workbook", type=Path, metavar="IN.xlsx")
    i.add_argument("--out", type=Path, default=Path("params"), help=_("params root (default: params)"))
    i.add_argument("--force", action="store_true", help=_("overwrite params files that differ"))
    i.set_defaults(func=run_import)


def new(args: argparse.Namespace) -> int:
    if args.out.exists() and not args.force:
        raise ReportKitError(_("{path} exists; pass --force to overwrite it with a new, empty workbook").format(
            path=args.out))
    registry = args.agencies or (DEFAULT_REGISTRY if DEFAULT_REGISTRY.is_file() else None)
    agencies = list(load_registry(registry).values()) if registry else None
    active = [a for a in agencies or () if a.active(args.year)]
    new_workbook(args.year, agencies, args.out)
    what = (ngettext("{n} agency sheet from {registry}", "{n} agency sheets from {registry}", len(active)).format(
        n=len(active), registry=registry) if active else _("one blank agency sheet"))
    echo(_("{path}: {what}").format(path=args.out, what=what))
    return 0


def run_import(args: argparse.Namespace) -> int:
    result = import_workbook(args.workbook, args.out, force=args.force)
    for p in result.written:
        echo(_("wrote {path}").format(path=p))
    for p in result.unchanged:
        echo(_("unchanged {path}").format(path=p))
    for note in result.skipped:
        echo(_("skipped {note}").format(note=note))
    for problem in result.errors:
        echo(problem)
    echo(_("{path}: {written} written, {unchanged} unchanged, {failed} sheets with problems ({problems} problems), "
           "{skipped} skipped").format(path=args.workbook, written=len(result.written),
                                       unchanged=len(result.unchanged), failed=len(result.failed_sheets),
                                       problems=len(result.errors), skipped=len(result.skipped)))
    return 0 if result.ok and (result.written or result.unchanged) else 1
