"""report-kit run / build: execute the template notebook for one or every params file."""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

from report_kit import export, interrupts, kernels, pipeline
from report_kit._terminal import echo
from report_kit.errors import ReportKitError
from report_kit.i18n import _


def _timeout(text: str) -> float:
    """--timeout: a positive number of seconds (0, a negative number or nan would switch the limit off)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(_("must be a number of seconds, got {text}").format(text=repr(text))) from None
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(_("must be a positive number of seconds, got {text}").format(text=repr(text)))
    return value


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--outputs", default="outputs", type=Path, help=_("outputs root (default: outputs)"))
    p.add_argument("--template", type=Path, help=_("template notebook (default: notebooks/annual_report.ipynb)"))
    p.add_argument("--kernel", help=_("Jupyter kernel name (default: the template's kernel)"))
    p.add_argument("--timeout", type=_timeout, default=600, help=_("seconds per cell before giving up (default 600)"))
    p.add_argument("--kernel-start", choices=kernels.START_METHODS, default=None,
                   help=_("fork: each kernel is forked from a parent that has imported everything (the default on "
                        "Linux 5.3+); spawn: a new interpreter per kernel (the default elsewhere)"))
    p.add_argument("--to", default="", metavar="FORMATS",
                   help=_("also write report.docx and/or report.pdf, e.g. --to docx,pdf; a folder that holds them "
                        "keeps them up to date without --to (review.html is always written)"))
    p.add_argument("--drop", default="", metavar="FORMATS",
                   help=_("stop writing these formats and remove them from the folder, e.g. --drop pdf"))


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("run", help=_("build one report: outputs/<year>/<slug>/report.{ipynb,html}, review.html"))
    p.add_argument("params", type=Path, help=_("params/<year>/<slug>.yaml"))
    _common(p)
    p.set_defaults(func=run)

    b = sub.add_parser("build", help=_("build every report under params/ (what `make run` does)"))
    b.add_argument("--params", dest="params_root", default="params", type=Path, help=_("params root"))
    b.add_argument("--year", type=int,
                   help=_("only build this report year (the index still covers every year); registered agencies "
                        "without params are listed as missing"))
    b.add_argument("--jobs", "-j", type=int, default=None, help=_("worker processes (default: number of cores)"))
    b.add_argument("--force", action="store_true", help=_("rebuild agencies whose inputs did not change"))
    b.add_argument("--explain", action="store_true",
                   help=_("say per agency why it is rebuilt (which input changed) or skipped"))
    b.add_argument("--strict", action="store_true", help=_("exit 1 when a report has error findings"))
    b.add_argument("--registry", type=Path, help=_("agency registry (default: <params>/agencies.yaml when present)"))
    b.add_argument("--executor", choices=["local", "dask"], default="local",
                   help=_("local worker processes (default) or a Dask distributed cluster"))
    b.add_argument("--scheduler", help=_("Dask scheduler address, e.g. tcp://10.0.0.5:8786 (with --executor dask)"))
    _common(b)
    b.set_defaults(func=build)


def _formats(args: argparse.Namespace) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """--to and --drop, checked before any kernel starts."""
    to, drop = export.parse_formats(args.to), export.parse_formats(args.drop, "--drop")
    both = sorted(set(to) & set(drop))
    if both:
        raise ReportKitError(_("--to and --drop both name {formats}; choose one").format(formats=", ".join(both)))
    return to, drop


def _summary(result: pipeline.RunResult) -> str:
    errors = sum(1 for f in result.findings if f.get("severity") == "error" and not f.get("acknowledged"))
    warnings = sum(1 for f in result.findings if f.get("severity") == "warning" and not f.get("acknowledged"))
    also = "".join(f", {path.name}" for path in result.published.values())
    return _("{html}  ({errors} errors, {warnings} warnings; notebook: {notebook}{also})").format(
        html=result.html, errors=errors, warnings=warnings, notebook=result.notebook, also=also)


def run(args: argparse.Namespace) -> int:
    """Ctrl-C and SIGTERM stop the run at once: its kernel is killed and nothing is written."""
    to, drop = _formats(args)
    try:
        result = pipeline.run(args.params, args.outputs, args.template, args.kernel, args.timeout, to, drop,
                              args.kernel_start)
    except KeyboardInterrupt as stop:
        from report_kit.cli import stop_children

        stop_children()
        echo(_("interrupted: {built} built, {left} not started").format(built=0, left=1), file=sys.stderr)
        return interrupts.exit_code(stop)
    echo(_summary(result))
    return 0


def build(args: argparse.Namespace) -> int:
    from report_kit.batch._progress import Reporter
    from report_kit.batch._tree import build_tree

    to, drop = _formats(args)  # a bad --to fails before any kernel starts
    if (args.executor == "dask") != bool(args.scheduler):
        raise ReportKitError(_("--executor dask and --scheduler ADDRESS go together"))
    if args.jobs is not None and args.jobs < 1:
        raise ReportKitError(
            _("--jobs N: N is how many worker processes run (1 or more), got {jobs}").format(jobs=args.jobs))
    template = (args.template or pipeline.default_template()).resolve()
    explain = (lambda line: echo(line, flush=True)) if args.explain else None
    with Reporter(0) as reporter:
        tree = build_tree(args.params_root, args.outputs, template, year=args.year, registry_path=args.registry,
                          on_done=reporter.done, explain=explain, jobs=args.jobs, kernel=args.kernel,
                          timeout=args.timeout, to=to, drop=drop, force=args.force, scheduler=args.scheduler,
                          kernel_start=args.kernel_start, on_total=reporter.set_total)
    result, run_ = tree.batch, tree.run
    for path in tree.retired:
        echo(_("removed {path}: its params file is gone").format(path=path))
    for line in tree.warnings:
        echo(_("warning: {message}").format(message=line), file=sys.stderr)
    if result.interrupted:
        built = sum(1 for s in run_ if s.status == "built")
        echo(_("interrupted: {built} built, {left} not started").format(built=built, left=result.not_started),
             file=sys.stderr)
        return 128 + result.interrupted
    count = {k: sum(1 for s in run_ if s.status == k) for k in ("built", "skipped", "failed", "missing")}
    failed = [s for s in run_ if s.status == "failed"]
    strict_errors = [s for s in run_
                     if args.strict and any(f.get("severity") == "error" and not f.get("acknowledged")
                                            for f in s.findings)]
    index = tree.index[0] if tree.index else ""
    echo(_("{built} built, {skipped} up to date, {failed} failed, {missing} missing; index: {index}").format(
        index=index, **count))
    for s in failed:
        echo("\n" + _("FAILED {what}:").format(what=s.params or s.slug) + "\n" + s.reason, file=sys.stderr)
    for s in strict_errors:
        echo(_("ERROR FINDINGS (--strict) {path}").format(path=s.params), file=sys.stderr)
    return 1 if failed or strict_errors else 0
