"""report-kit check / rules / findings: the rule catalogue outside the notebook."""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path

from report_kit._terminal import echo, echo_json
from report_kit.checks import RULES, Context, failing, findings_to_records
from report_kit.checks._files import check_files, recorded_findings
from report_kit.errors import ReportKitError
from report_kit.i18n import N_, _

# severity words as shown (the values in JSON output stay English: they are data)
SEVERITY = {"error": N_("error"), "warning": N_("warning"), "info": N_("info")}


def _severity(value: str) -> str:
    return _(SEVERITY[value]) if value in SEVERITY else value


def add_parser(sub: argparse._SubParsersAction) -> None:
    c = sub.add_parser("check", help=_("run every rule on params files or folders (no kernel)"))
    c.add_argument("paths", nargs="+", type=Path, metavar="PATH", help=_("params files or folders"))
    c.add_argument("--strict", action="store_true", help=_("warnings fail too (acknowledged findings never do)"))
    c.add_argument("--format", choices=["text", "json"], default="text", help=_("output format (default: text)"))
    c.set_defaults(func=check)

    r = sub.add_parser("rules", help=_("list the rule catalogue with each rule's formula"))
    r.add_argument("--format", choices=["text", "json", "markdown"], default="text",
                   help=_("output format (default: text)"))
    r.set_defaults(func=rules)

    f = sub.add_parser("findings", help=_("aggregate findings recorded in executed notebooks (no re-run)"))
    f.add_argument("root", type=Path, nargs="?", default=Path("outputs"), metavar="ROOT",
                   help=_("outputs root (default: outputs)"))
    f.add_argument("--format", choices=["text", "json"], default="text", help=_("output format (default: text)"))
    f.set_defaults(func=findings)


def _pad(text: str, width: int) -> str:
    """Left-justify by terminal cells (a Chinese character takes two)."""
    from rich.cells import cell_len

    return text + " " * max(0, width - cell_len(text))


def registry_contexts() -> Callable[[Path], Context]:
    """The Context of a params file ``<root>/<year>/<slug>.yaml``: the registry ``<root>/agencies.yaml`` when there is
    one (the agency's registered name, kind of body, level and deadline), loaded once per root."""
    from report_kit.registry import load_registry_with_rules

    cache: dict[Path, Context] = {}

    def context(path: Path) -> Context:
        registry = path.resolve().parent.parent / "agencies.yaml"
        if registry not in cache:
            if registry.is_file():
                agencies, rules = load_registry_with_rules(registry)
                cache[registry] = Context(registry=agencies, deadline_rules=rules, registry_path=str(registry))
            else:
                cache[registry] = Context()
        return cache[registry]

    return context


def check(args: argparse.Namespace) -> int:
    results = list(check_files(args.paths, registry_contexts()))
    if not results:
        raise ReportKitError(_("no params files in {paths}").format(paths=", ".join(map(str, args.paths))))
    bad = 0
    if args.format == "json":
        out = [{"path": str(r.path), "error": r.error, "findings": findings_to_records(r.findings)} for r in results]
        echo_json(out)
    for r in results:
        fails = failing(r.findings, args.strict)
        bad += bool(fails) or r.error is not None
        if args.format == "text":
            if r.error:
                echo(r.error)
                continue
            for f in r.findings:
                ack = "  " + _("[acknowledged: {reason}]").format(reason=f.acknowledged) if f.acknowledged else ""
                echo(f"{r.path}: {_severity(f.severity)}: {f.id}: {f.location}: {f.message}{ack}")
    if args.format == "text":
        counts = Counter(f.severity for r in results for f in r.findings if not f.acknowledged)
        text = _("{files} files checked: {errors} errors, {warnings} warnings, {info} info; {bad} files failing")
        line = text.format(files=len(results), errors=counts["error"], warnings=counts["warning"],
                           info=counts["info"], bad=bad)
        echo(line + (" " + _("(strict)") if args.strict else ""))
    return 1 if bad else 0


def rules(args: argparse.Namespace) -> int:
    items = [{k: v for k, v in asdict(r).items() if k != "func"} for r in RULES.values()]
    if args.format == "json":
        echo_json(items)
    elif args.format == "markdown":
        echo(_("| id | severity | rule | formula |") + "\n|---|---|---|---|")
        for r in items:
            echo(f"| {r['id']} | {_severity(r['severity'])} | {r['title']} | {r['formula']} |")
    else:
        for r in items:
            echo(f"{r['id']:<20} {_pad(_severity(r['severity']), 8)} {r['title']}\n{'':<30}{r['formula']}")
    return 0


def findings(args: argparse.Namespace) -> int:
    skipped: list[str] = []
    rows = list(recorded_findings(args.root, skipped))
    for line in skipped:
        echo(_("warning: skipped {what}").format(what=line), file=sys.stderr)
    if args.format == "json":
        echo_json([{"notebook": str(p), **rec} for p, rec in rows])
        return 0
    total: Counter[str] = Counter()
    for path, rec in rows:
        counts = Counter(f["severity"] for f in rec.get("findings", []) if not f.get("acknowledged"))
        total.update(counts)
        echo(_("{path}: {title}: {errors} errors, {warnings} warnings, {info} info").format(
            path=path, title=rec.get("title", ""), errors=counts["error"], warnings=counts["warning"],
            info=counts["info"]))
    echo(_("{reports} reports: {errors} errors, {warnings} warnings, {info} info").format(
        reports=len(rows), errors=total["error"], warnings=total["warning"], info=total["info"]))
    return 0
