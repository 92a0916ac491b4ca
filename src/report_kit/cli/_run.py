"""report-kit run / build: execute the template notebook for one or every params file."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from report_kit import kernels, pipeline, publish
from report_kit._terminal import echo
from report_kit.errors import ReportKitError


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--outputs", default="outputs", type=Path, help="outputs root (default: outputs)")
    p.add_argument("--template", type=Path, help="template notebook (default: notebooks/annual_report.ipynb)")
    p.add_argument("--kernel", help="Jupyter kernel name (default: the template's kernel)")
    p.add_argument("--timeout", type=float, default=600,
                   help="seconds per cell before giving up; a kernel also gets that much CPU time per cell")
    p.add_argument("--kernel-start", choices=kernels.START_METHODS, default=None,
                   help="fork: each kernel is forked from a parent that has imported everything (the default on "
                        "Linux 5.3+); spawn: a new interpreter per kernel (the default elsewhere)")
    p.add_argument("--to", default="", metavar="FORMATS",
                   help="also write report.docx and/or report.pdf, e.g. --to docx,pdf (review.html is always written)")


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("run", help="build one report: outputs/<year>/<slug>/report.{ipynb,html}, review.html")
    p.add_argument("params", type=Path, help="params/<year>/<slug>.yaml")
    _common(p)
    p.set_defaults(func=run)

    b = sub.add_parser("build", help="build every report under params/ (what `make run` does)")
    b.add_argument("--params", dest="params_root", default="params", type=Path, help="params root")
    b.add_argument("--year", type=int,
                   help="only this report year; registered agencies without params are listed as missing")
    b.add_argument("--jobs", "-j", type=int, default=None, help="worker processes (default: number of cores)")
    b.add_argument("--force", action="store_true", help="rebuild agencies whose inputs did not change")
    b.add_argument("--strict", action="store_true", help="exit 1 when a report has error findings")
    b.add_argument("--registry", type=Path, help="agency registry (default: <params>/agencies.yaml when present)")
    b.add_argument("--executor", choices=["local", "dask"], default="local",
                   help="local worker processes (default) or a Dask distributed cluster")
    b.add_argument("--scheduler", help="Dask scheduler address, e.g. tcp://10.0.0.5:8786 (with --executor dask)")
    _common(b)
    b.set_defaults(func=build)


def _summary(result: pipeline.RunResult) -> str:
    errors = sum(1 for f in result.findings if f.get("severity") == "error" and not f.get("acknowledged"))
    warnings = sum(1 for f in result.findings if f.get("severity") == "warning" and not f.get("acknowledged"))
    also = "".join(f", {path.name}" for path in result.published.values())
    return f"{result.html}  ({errors} errors, {warnings} warnings; notebook: {result.notebook}{also})"


def run(args: argparse.Namespace) -> int:
    result = pipeline.run(args.params, args.outputs, args.template, args.kernel, args.timeout,
                          publish.parse_formats(args.to), args.kernel_start)
    echo(_summary(result))
    return 0


def build(args: argparse.Namespace) -> int:
    from report_kit.batch import BuildLock, load_registry, run_batch, write_index
    from report_kit.batch._progress import Reporter

    paths = pipeline.discover(args.params_root)
    if args.year is not None:
        paths = [p for p in paths if p.parent.name == str(args.year)]
    registry_path = args.registry or args.params_root / "agencies.yaml"
    registry = load_registry(registry_path) if registry_path.is_file() else None
    if not paths and not registry:
        raise ReportKitError(f"no params files under {args.params_root}/<year>/*.yaml")
    formats = publish.parse_formats(args.to)  # a bad --to fails before any kernel starts
    if (args.executor == "dask") != bool(args.scheduler):
        raise ReportKitError("--executor dask and --scheduler ADDRESS go together")
    template = (args.template or pipeline.default_template()).resolve()
    with BuildLock(args.outputs), Reporter(len(paths)) as reporter:
        result = run_batch(paths, args.outputs, template, jobs=args.jobs, kernel=args.kernel, timeout=args.timeout,
                           to=formats, force=args.force, registry=registry, year=args.year,
                           on_done=reporter.done, scheduler=args.scheduler,
                           kernel_start=args.kernel_start)
        index = write_index(args.outputs, result.statuses)
    failed = [s for s in result.statuses if s.status == "failed"]
    strict_errors = [s for s in result.statuses
                     if args.strict and any(f.get("severity") == "error" and not f.get("acknowledged")
                                            for f in s.findings)]
    echo(f"{result.count('built')} built, {result.count('skipped')} up to date, {len(failed)} failed, "
          f"{result.count('missing')} missing; index: {index[0]}")
    for s in failed:
        echo(f"\nFAILED {s.params or s.slug}:\n{s.reason}", file=sys.stderr)
    for s in strict_errors:
        echo(f"ERROR FINDINGS (--strict) {s.params}", file=sys.stderr)
    return 1 if failed or strict_errors else 0
