"""report-kit sheet new / import: the intake workbook departments fill in, read back into params files."""

from __future__ import annotations

import argparse
from pathlib import Path

from report_kit._terminal import echo
from report_kit.errors import ReportKitError
from report_kit.registry import load_registry
from report_kit.sheets import import_workbook, new_workbook

DEFAULT_REGISTRY = Path("params/agencies.yaml")


def add_parser(sub: argparse._SubParsersAction) -> None:
    s = sub.add_parser("sheet", help="write an intake workbook for departments, or import a filled one")
    cmd = s.add_subparsers(dest="sheet_command", metavar="ACTION", required=True)

    n = cmd.add_parser("new", help="write the workbook: one protected sheet per agency active that year")
    n.add_argument("out", type=Path, metavar="OUT.xlsx")
    n.add_argument("--year", required=True, type=int, help="report year (报告年度)")
    n.add_argument("--agencies", type=Path, default=None,
                   help=f"agency registry (default: {DEFAULT_REGISTRY} when it exists, else one blank sheet)")
    n.add_argument("--force", action="store_true", help="overwrite an existing workbook")
    n.set_defaults(func=new)

    i = cmd.add_parser("import", help="read a filled workbook into <out>/<year>/<slug>.yaml")
    i.add_argument("workbook", type=Path, metavar="IN.xlsx")
    i.add_argument("--out", type=Path, default=Path("params"), help="params root (default: params)")
    i.add_argument("--force", action="store_true", help="overwrite params files that differ")
    i.set_defaults(func=run_import)


def new(args: argparse.Namespace) -> int:
    if args.out.exists() and not args.force:
        raise ReportKitError(f"{args.out} exists; pass --force to overwrite it with a new, empty workbook")
    registry = args.agencies or (DEFAULT_REGISTRY if DEFAULT_REGISTRY.is_file() else None)
    agencies = list(load_registry(registry).values()) if registry else None
    active = [a for a in agencies or () if a.active(args.year)]
    new_workbook(args.year, agencies, args.out)
    what = f"{len(active)} agency sheets from {registry}" if active else "one blank agency sheet"
    echo(f"{args.out}: {what}")
    return 0


def run_import(args: argparse.Namespace) -> int:
    result = import_workbook(args.workbook, args.out, force=args.force)
    for p in result.written:
        echo(f"wrote {p}")
    for p in result.unchanged:
        echo(f"unchanged {p}")
    for note in result.skipped:
        echo(f"skipped {note}")
    for problem in result.errors:
        echo(problem)
    echo(f"{args.workbook}: {len(result.written)} written, {len(result.unchanged)} unchanged, "
          f"{len(result.failed_sheets)} sheets with problems ({len(result.errors)} problems), "
          f"{len(result.skipped)} skipped")
    return 0 if result.ok and (result.written or result.unchanged) else 1
