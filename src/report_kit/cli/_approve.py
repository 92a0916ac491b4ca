"""report-kit approve: record a sign-off (保密审查, 签发) bound to the current params and build."""

from __future__ import annotations

import argparse
from pathlib import Path

from report_kit.cli._options import tree_options
from report_kit.i18n import _


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("approve", help=_("sign off one report (保密审查, then 签发) for the current params and build"),
                       description=_("Record who signed which step when, in approvals/<year>/<slug>.yaml, bound to the "
                                     "SHA-256 of the params file and of the released files (report.html and any "
                                     "report.pdf/report.docx built). Refused while error findings are open or the "
                                     "build is older than the params."))
    p.add_argument("params", type=Path, metavar="PARAMS", help=_("params/<year>/<slug>.yaml"))
    p.add_argument("--by", required=True, help=_("name of the person signing (姓名)"))
    p.add_argument("--step", help=_("the step signed (default: the next one due; steps from approvals/steps.yaml, "
                                    "default 保密审查 then 签发)"))
    p.add_argument("--note", help=_("a remark kept with the sign-off"))
    tree_options(p, params=False, approvals=True)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from report_kit.gate import approve

    result = approve(args.params, args.by, args.step, args.note, args.outputs, args.approvals)
    s, state = result.signoff, result.state
    after = _("fully signed off: ready to publish") if state.approved else state.summary
    print(_("{step} signed by {by} at {at} for {params} ({files}); {after}").format(
        step=s.step, by=s.by, at=s.at, params=args.params, files=", ".join(sorted(s.content)), after=after))
    print(_("recorded in {path}").format(path=result.path))
    return 0
