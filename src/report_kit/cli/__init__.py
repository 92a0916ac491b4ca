"""The ``report-kit`` command: argument parsing only; every command is a library call.

Each command lives in its own module exposing ``add_parser(subparsers)``, which registers the
command and sets ``func`` (taking the parsed args, returning an exit code). Exit codes: 0 success,
1 the job ran and found failures (error findings, failed agencies), 2 usage or input errors.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from importlib import import_module

from report_kit import interrupts
from report_kit._terminal import echo
from report_kit.errors import ReportKitError

# Command modules, in the order `report-kit --help` lists them.
COMMANDS = ["_new", "_run", "_diff", "_check", "_import", "_demo", "_sheet", "_region", "_status", "_approve",
            "_publish"]
# Short commands that pre-commit hooks run per commit: only their own module is imported (not openpyxl,
# python-docx, bs4, nbconvert …). Any other command, --help, or a typo imports them all.
QUICK = {"check": "_check", "rules": "_check", "findings": "_check", "new": "_new"}


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="report-kit",
        description="Produce, check and publish 政府信息公开工作年度报告 from per-agency params.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    command = next((a for a in (sys.argv[1:] if argv is None else argv) if not a.startswith("-")), None)
    for name in [QUICK[command]] if command in QUICK else COMMANDS:
        import_module(f"report_kit.cli.{name}").add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Ctrl-C and SIGTERM stop any command at once (exit 130/143), with what it started, in one line."""
    for stream in (sys.stdout, sys.stderr):  # a byte no encoder takes is shown, never a UnicodeEncodeError
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
    try:
        with interrupts.stopping():
            parser = build_parser(argv)
            args = parser.parse_args(argv)
            try:
                return int(args.func(args) or 0)
            except ReportKitError as exc:
                echo(f"error: {exc}", file=sys.stderr)
                return 2
    except KeyboardInterrupt as stop:  # before a command's own handling took over (starting up, parsing)
        stop_children()
        command = next((a for a in (sys.argv[1:] if argv is None else argv) if not a.startswith("-")), "")
        echo({"run": "interrupted: 0 built, 1 not started", "build": "interrupted: 0 built, 0 not started"}
              .get(command, "interrupted"), file=sys.stderr)
        return interrupts.exit_code(stop)


def stop_children() -> None:
    """Kill the kernels this command started (they run in sessions of their own; multiprocessing's helpers are
    left to shut down as usual) and silence the complaints of the tasks an interrupt left pending, which say
    nothing to a user."""
    import logging
    import os

    from report_kit import procs

    procs.kill(procs.descendants([os.getpid()], other_sessions=True))
    logging.getLogger("asyncio").setLevel(logging.CRITICAL)
    logging.getLogger("traitlets").setLevel(logging.CRITICAL)


if __name__ == "__main__":
    sys.exit(main())
