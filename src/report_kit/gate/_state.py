"""Where one agency-year stands at the gate: approved, or the reasons it is not (pure, given its inputs)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from report_kit.checks import Finding
from report_kit.gate._approvals import Build, Record, Signoff, stale_signoffs, valid_signoffs
from report_kit.i18n import _, ngettext

Status = Literal["approved", "unsigned", "stale", "errors", "missing"]


@dataclass(frozen=True)
class GateState:
    slug: str
    name: str
    status: Status
    reasons: tuple[str, ...]  # one line each, most serious first (for the terminal, in the UI language)
    signed: dict[str, Signoff] = field(default_factory=dict)  # step → valid sign-off
    params_sha256: str | None = None
    build: Build | None = None
    record: Record | None = None
    errors: tuple[str, ...] = ()  # ids of the unacknowledged error findings

    @property
    def approved(self) -> bool:
        return self.status == "approved"

    @property
    def summary(self) -> str:
        return _("approved") if self.approved else _("; ").join(self.reasons)


def assess(slug: str, name: str, params_sha: str | None, build: Build | None, findings: Sequence[Finding],
           record: Record | None, steps: Sequence[str], params_path: Path | None = None) -> GateState:
    """``params_sha`` None: no usable params file. ``build`` None or without report.html: not built."""
    reasons: list[str] = []
    status: Status | None = None
    if params_sha is None:
        reasons.append(_("missing: no valid params file") if params_path else _("missing: no params file"))
        status = "missing"
    elif build is None or not build.exists:
        reasons.append(_("missing: not built (report-kit run or build)"))
        status = "missing"
    if build is not None and build.leftovers:
        reasons.append(_("missing: {files} older than report.html (left by an earlier build); rebuild with --to for "
                         "it or delete it").format(files=", ".join(build.leftovers)))
        status = status or "missing"
    errors = [f for f in findings if f.severity == "error" and not f.acknowledged]
    if errors:
        ids = ", ".join(f.id for f in errors[:3]) + (", …" if len(errors) > 3 else "")
        reasons.append(ngettext("errors: {n} unacknowledged error finding ({ids})",
                                "errors: {n} unacknowledged error findings ({ids})", len(errors)).format(
            n=len(errors), ids=ids))
        status = status or "errors"
    if params_sha is not None and build is not None and build.exists and build.params_sha256 != params_sha:
        reasons.append(_("changed since build: the params file is newer than outputs; rebuild"))
        status = status or "stale"
    content = build.content if build else {}
    stale = stale_signoffs(record, params_sha or "", content) if params_sha else []
    if stale:
        reasons += [_("changed since approval: {step} by {by} ({at}) no longer matches: {why}").format(
            step=s.step, by=s.by, at=s.at[:10], why=why) for s, why in stale]
        status = status or "stale"
    signed = valid_signoffs(record, params_sha or "", content, steps) if params_sha else {}
    missing_steps = [s for s in steps if s not in signed]
    if missing_steps:
        reasons.append(_("not signed off: {steps}").format(steps=", ".join(missing_steps)))
        status = status or "unsigned"
    return GateState(slug, name, status or "approved", tuple(reasons), signed, params_sha, build, record,
                     tuple(f.id for f in errors))
