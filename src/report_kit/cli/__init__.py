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

from report_kit import _driver, i18n, interrupts
from report_kit._terminal import echo
from report_kit.errors import ReportKitError
from report_kit.i18n import _

# Command modules, in the order `report-kit --help` lists them.
COMMANDS = ["_new", "_run", "_diff", "_check", "_import", "_demo", "_sheet", "_region", "_status", "_approve",
            "_publish"]
# Short commands that pre-commit hooks run per commit: only their own module is imported (not openpyxl,
# python-docx, bs4, nbconvert …). Any other command, --help, or a typo imports them all.
QUICK = {"check": "_check", "rules": "_check", "findings": "_check", "new": "_new"}


def _language(argv: Sequence[str]) -> str | None:
    """The value of the global ``--lang`` option, read before the parser is built (its help is translated)."""
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith("--lang="):
            return arg.removeprefix("--lang=")
    return None


def _command(argv: Sequence[str]) -> str | None:
    """The first positional argument (the command), skipping the value of ``--lang``."""
    skip = False
    for arg in argv:
        if skip:
            skip = False
        elif arg == "--lang":
            skip = True
        elif not arg.startswith("-"):
            return arg
    return None


def _language_arg(text: str) -> str:
    try:
        return i18n.normalize(text)
    except ValueError:
        raise argparse.ArgumentTypeError(_("unknown language {lang!r}: use zh_CN or en").format(lang=text)) from None


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    args = list(sys.argv[1:] if argv is None else argv)
    i18n.install_argparse()
    parser = argparse.ArgumentParser(
        prog="report-kit",
        description=_("Produce, check and publish 政府信息公开工作年度报告 from per-agency params."),
    )
    parser.add_argument("--lang", choices=i18n.LANGUAGES, type=_language_arg,
                        help=_("language of messages and notebook headings: zh_CN (default, whatever LANG says) "
                               "or en; also REPORT_KIT_LANG"))
    sub = parser.add_subparsers(dest="command", metavar=_("COMMAND"), required=True)
    command = _command(args)
    for name in [QUICK[command]] if command in QUICK else COMMANDS:
        import_module(f"report_kit.cli.{name}").add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Ctrl-C and SIGTERM stop any command at once (exit 130/143), with what it started, in one line."""
    for stream in (sys.stdout, sys.stderr):  # a byte no encoder takes is shown, never a UnicodeEncodeError
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
    _driver.skip_slow_imports()  # ≈ 2 CPU-s less for every command that reads or writes a notebook
    early = _language(list(sys.argv[1:] if argv is None else argv))
    try:
        i18n.set_language(early)
    except ValueError:
        i18n.set_language(None)  # the parser reports the bad value in the default language
    try:
        with interrupts.stopping():
            parser = build_parser(argv)
            args = parser.parse_args(argv)
            try:
                code = int(args.func(args) or 0)
                sys.stdout.flush()  # here, so a reader that went away is met below rather than at exit
                return code
            except ReportKitError as exc:
                echo(_("error: {message}").format(message=exc), file=sys.stderr)
                return 2
    except BrokenPipeError:  # the reader went away (`report-kit audit … | head`): stop quietly, as shell tools do
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # the final flush at exit has nowhere to fail
        return 141  # 128 + SIGPIPE, what a shell reports for a tool ended by the broken pipe
    except KeyboardInterrupt as stop:  # before a command's own handling took over (starting up, parsing)
        stop_children()
        command = _command(list(sys.argv[1:] if argv is None else argv)) or ""
        echo({"run": _("interrupted: {built} built, {left} not started").format(built=0, left=1),
              "build": _("interrupted: {built} built, {left} not started").format(built=0, left=0)}
             .get(command, _("interrupted")), file=sys.stderr)
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
