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


def add_parser(sub: argparse._SubParsersAction) -> None:
    c = sub.add_parser("check", help="run every rule on params files or folders (no kernel)")
    c.add_argument("paths", nargs="+", type=Path, help="params files or folders")
    c.add_argument("--strict", action="store_true", help="warnings fail too (acknowledged findings never do)")
    c.add_argument("--format", choices=["text", "json"], default="text")
    c.set_defaults(func=check)

    r = sub.add_parser("rules", help="list the rule catalogue with each rule's formula")
    r.add_argument("--format", choices=["text", "json", "markdown"], default="text")
    r.set_defaults(func=rules)

    f = sub.add_parser("findings", help="aggregate findings recorded in executed notebooks (no re-run)")
    f.add_argument("root", type=Path, nargs="?", default=Path("outputs"))
    f.add_argument("--format", choices=["text", "json"], default="text")
    f.set_defaults(func=findings)


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
        raise ReportKitError(f"no params files in {', '.join(map(str, args.paths))}")
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
                ack = f"  [acknowledged: {f.acknowledged}]" if f.acknowledged else ""
                echo(f"{r.path}: {f.severity}: {f.id}: {f.location}: {f.message}{ack}")
    if args.format == "text":
        counts = Counter(f.severity for r in results for f in r.findings if not f.acknowledged)
        echo(f"{len(results)} files checked: {counts['error']} errors, {counts['warning']} warnings, "
              f"{counts['info']} info; {bad} files failing{' (strict)' if args.strict else ''}")
    return 1 if bad else 0


def rules(args: argparse.Namespace) -> int:
    items = [{k: v for k, v in asdict(r).items() if k != "func"} for r in RULES.values()]
    if args.format == "json":
        echo_json(items)
    elif args.format == "markdown":
        echo("| id | severity | rule | formula |\n|---|---|---|---|")
        for r in items:
            echo(f"| {r['id']} | {r['severity']} | {r['title']} | {r['formula']} |")
    else:
        for r in items:
            echo(f"{r['id']:<20} {r['severity']:<8} {r['title']}\n{'':<30}{r['formula']}")
    return 0


def findings(args: argparse.Namespace) -> int:
    skipped: list[str] = []
    rows = list(recorded_findings(args.root, skipped))
    for line in skipped:
        echo(f"warning: skipped {line}", file=sys.stderr)
    if args.format == "json":
        echo_json([{"notebook": str(p), **rec} for p, rec in rows])
        return 0
    total: Counter[str] = Counter()
    for path, rec in rows:
        counts = Counter(f["severity"] for f in rec.get("findings", []) if not f.get("acknowledged"))
        total.update(counts)
        echo(f"{path}: {rec.get('title', '')}: {counts['error']} errors, {counts['warning']} warnings, "
              f"{counts['info']} info")
    echo(f"{len(rows)} reports: {total['error']} errors, {total['warning']} warnings, {total['info']} info")
    return 0
