"""report-kit status: who has filed, who is late or missing, and where each report stands at the gate."""

from __future__ import annotations

import argparse
from pathlib import Path

from report_kit.cli._region import day

STATE = {"on_time": "on time", "late": "LATE", "unpublished": "UNPUBLISHED", "missing": "MISSING",
         "invalid": "INVALID PARAMS", "no_deadline": "deadline unknown"}


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("status", help="filings against their deadlines and sign-offs, for a terminal or cron "
                                      "(exit 1 while anything is missing or late)")
    p.add_argument("--year", type=int, required=True, help="report year")
    p.add_argument("--parent", help="only agencies under this registry slug or parent name")
    p.add_argument("--params", dest="params_root", default="params", type=Path, help="params root (default: params)")
    p.add_argument("--registry", type=Path, help="agency registry (default: <params>/agencies.yaml)")
    p.add_argument("--outputs", default="outputs", type=Path, help="outputs root (default: outputs)")
    p.add_argument("--approvals", type=Path, help="approvals folder (default: approvals/ beside the params root)")
    p.add_argument("--as-of", type=day, help="judge filings on this day (default: today), YYYY-MM-DD")
    p.set_defaults(func=run)


def _filing(f: object) -> str:
    state, days = f.state, f.overdue_days  # type: ignore[attr-defined]
    text = STATE[state]
    if state == "late":
        return f"{text} {days}d"
    if days and state in ("missing", "unpublished", "invalid"):
        return f"{text} +{days}d"
    return text


def run(args: argparse.Namespace) -> int:
    from report_kit.gate import default_approvals, gate_state, load_steps
    from report_kit.region import collect

    region = collect(args.params_root, args.year, args.parent, args.registry, today=args.as_of)
    approvals = args.approvals or default_approvals(args.params_root)
    steps = load_steps(approvals)
    lines, failing = [], 0
    for m in region.members:
        f = m.filing
        failing += f.failing
        gate = gate_state(m.path, m.slug, m.name, args.year, args.outputs, approvals, steps)
        release = gate.record.releases[-1] if gate.record and gate.record.releases else None
        portal = f"; on portal since {gate.record.releases[0].date}" if release and gate.record else ""
        lines.append(f"{'!' if f.failing else ' '} {_filing(f):<18} {f.deadline.due or '?'!s:<10}  "
                     f"{f.published or '-'!s:<10}  {m.slug} {m.name}: {gate.summary}{portal}")
        if not f.deadline.known:
            lines.append(f"    deadline unknown: {f.deadline.rule}")
    counts = {k: sum(1 for m in region.members if m.filing.state == k) for k in STATE}
    summary = ", ".join(f"{n} {STATE[k].lower()}" for k, n in counts.items() if n)
    print(f"{region.year} {region.parent or 'all registered agencies'}: {len(region.members)} agencies; {summary} "
          f"(as of {region.as_of})")
    print(f"  {'FILING':<18} {'DEADLINE':<10}  {'PUBLISHED':<10}  AGENCY: GATE")
    print("\n".join(lines))
    return 1 if failing else 0
