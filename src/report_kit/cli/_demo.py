"""report-kit demo: write a synthetic tree of agencies over consecutive years to try a batch."""

from __future__ import annotations

import argparse
from pathlib import Path

from report_kit._terminal import echo
from report_kit.batch._demo import demo_tree
from report_kit.errors import ReportKitError
from report_kit.i18n import _


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("demo", help=_("write synthetic params for N agencies over consecutive years"))
    p.add_argument("--agencies", type=int, default=20)
    p.add_argument("--years", type=int, nargs="+", default=[2023, 2024])
    p.add_argument("--out", type=Path, default=Path("demo/params"),
                   help=_("params root to write (default demo/params)"))
    p.add_argument("--seed", type=int, default=2024)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.agencies < 1:
        raise ReportKitError(_("--agencies must be at least 1"))
    paths = demo_tree(args.out, args.agencies, args.years, args.seed)
    echo(_("{n} params files under {path}; try: report-kit build --params {path} --outputs demo/outputs").format(
        n=len(paths), path=args.out))
    return 0
