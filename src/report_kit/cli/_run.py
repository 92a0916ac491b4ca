"""report-kit run / build: execute the template notebook for one or every params file."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from report_kit import pipeline, publish
from report_kit.errors import ReportKitError


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--outputs", default="outputs", type=Path, help="outputs root (default: outputs)")
    p.add_argument("--template", type=Path, help="template notebook (default: notebooks/annual_report.ipynb)")
    p.add_argument("--kernel", help="Jupyter kernel name (default: the template's kernel)")
    p.add_argument("--timeout", type=float, default=600, help="seconds per cell before giving up")
    p.add_argument("--to", default="", metavar="FORMATS",
                   help="also write report.docx and/or report.pdf, e.g. --to docx,pdf (review.html is always written)")


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("run", help="build one report: outputs/<year>/<slug>/report.{ipynb,html}, review.html")
    p.add_argument("params", type=Path, help="params/<year>/<slug>.yaml")
    _common(p)
    p.set_defaults(func=run)

    b = sub.add_parser("build", help="build every report under params/ (what `make run` does)")
    b.add_argument("--params", dest="params_root", default="params", type=Path, help="params root")
    _common(b)
    b.set_defaults(func=build)


def _summary(result: pipeline.RunResult) -> str:
    errors = sum(1 for f in result.findings if f.get("severity") == "error" and not f.get("acknowledged"))
    warnings = sum(1 for f in result.findings if f.get("severity") == "warning" and not f.get("acknowledged"))
    also = "".join(f", {path.name}" for path in result.published.values())
    return f"{result.html}  ({errors} errors, {warnings} warnings; notebook: {result.notebook}{also})"


def run(args: argparse.Namespace) -> int:
    result = pipeline.run(args.params, args.outputs, args.template, args.kernel, args.timeout,
                          publish.parse_formats(args.to))
    print(_summary(result))
    return 0


def build(args: argparse.Namespace) -> int:
    paths = pipeline.discover(args.params_root)
    if not paths:
        raise ReportKitError(f"no params files under {args.params_root}/<year>/*.yaml")
    failed: list[tuple[Path, str]] = []
    formats = publish.parse_formats(args.to)  # a bad --to fails before any kernel starts
    for path in paths:
        try:
            result = pipeline.run(path, args.outputs, args.template, args.kernel, args.timeout, formats)
        except ReportKitError as exc:  # one bad agency never stops the batch
            failed.append((path, str(exc)))
            print(f"FAILED {path}", file=sys.stderr)
            continue
        print(_summary(result))
    print(f"{len(paths) - len(failed)} built, {len(failed)} failed")
    for path, why in failed:
        print(f"\n{path}:\n{why}", file=sys.stderr)
    return 1 if failed else 0
