"""report-kit status: who has filed, who is late or missing, and where each report stands at the gate."""

from __future__ import annotations

import argparse

from rich.cells import cell_len

from report_kit.cli._options import day, tree_options
from report_kit.i18n import N_, _

STATE = {"on_time": N_("on time"), "late": N_("LATE"), "unpublished": N_("UNPUBLISHED"), "missing": N_("MISSING"),
         "invalid": N_("INVALID PARAMS"), "no_deadline": N_("deadline unknown")}


def _pad(text: str, width: int) -> str:
    """``text`` left-aligned in ``width`` terminal columns (a Chinese character takes two)."""
    return text + " " * max(0, width - cell_len(text))


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("status", help=_("filings against their deadlines and sign-offs, for a terminal or cron "
                                        "(exit 1 while anything is missing or late)"))
    p.add_argument("--year", type=int, required=True, help=_("report year"))
    p.add_argument("--parent", help=_("only agencies under this registry slug or parent name"))
    tree_options(p, approvals=True)
    p.add_argument("--as-of", type=day, help=_("judge filings on this day (default: today), YYYY-MM-DD"))
    p.set_defaults(func=run)


def _filing(f: object) -> str:
    state, days = f.state, f.overdue_days  # type: ignore[attr-defined]
    text = _(STATE[state])
    if state == "late":
        return _("{state} {days}d").format(state=text, days=days)
    if days and state in ("missing", "unpublished", "invalid"):
        return _("{state} +{days}d").format(state=text, days=days)
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
        portal = _("; on portal since {date}").format(date=gate.record.releases[0].date) \
            if release and gate.record else ""
        lines.append(f"{'!' if f.failing else ' '} {_pad(_filing(f), 18)} {f.deadline.due or '?'!s:<10}  "
                     f"{f.published or '-'!s:<10}  {m.slug} {m.name}: {gate.summary}{portal}")
        if not f.deadline.known:
            lines.append(_("    deadline unknown: {rule}").format(rule=f.deadline.rule))
    counts = {k: sum(1 for m in region.members if m.filing.state == k) for k in STATE}
    summary = _(", ").join(_("{n} {state}").format(n=n, state=_(STATE[k]).lower()) for k, n in counts.items() if n)
    print(_("{year} {scope}: {n} agencies; {summary} (as of {day})").format(
        year=region.year, scope=region.parent or _("all registered agencies"), n=len(region.members),
        summary=summary, day=region.as_of))
    filing, deadline, published = _("FILING"), _("DEADLINE"), _("PUBLISHED")  # not in an f-string: extracted
    print(f"  {_pad(filing, 18)} {_pad(deadline, 10)}  {_pad(published, 10)}  " + _("AGENCY: GATE"))
    print("\n".join(lines))
    return 1 if failing else 0
