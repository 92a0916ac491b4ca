"""report-kit new: write a complete params scaffold for one agency-year."""

from __future__ import annotations

import argparse
from pathlib import Path

from report_kit._terminal import echo
from report_kit.errors import ReportKitError
from report_kit.files import atomic_write_text
from report_kit.i18n import _
from report_kit.params import scaffold


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("new", help=_("write a params scaffold with every cell present (blank)"))
    p.add_argument("--agency", required=True, help=_("full agency name (机关名称)"))
    p.add_argument("--slug", required=True, help=_("lowercase letters, digits, hyphens"))
    p.add_argument("--year", required=True, type=int, help=_("report year (报告年度)"))
    p.add_argument("--short-name", help=_("short name (简称)"))
    p.add_argument("--format", dest="format_id", help=_("official format id; default: the year's format"))
    p.add_argument("--params-dir", default="params", type=Path, help=_("params root (default: params)"))
    p.add_argument("--force", action="store_true", help=_("overwrite an existing file"))
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    text = scaffold(args.agency, args.slug, args.year, args.short_name, args.format_id)
    path = args.params_dir / str(args.year) / f"{args.slug}.yaml"
    if path.exists() and not args.force:
        raise ReportKitError(_("{path} exists; edit it, or pass --force to overwrite it with a blank scaffold").format(
            path=path))
    atomic_write_text(path, text)
    echo(path)
    return 0
