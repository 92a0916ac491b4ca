"""Where one agency-year stands at the gate: approved, or the reasons it is not (pure, given its inputs)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from report_kit.checks import Finding
from report_kit.gate._approvals import Build, Record, Signoff, stale_signoffs, valid_signoffs

Status = Literal["approved", "unsigned", "stale", "errors", "missing"]


@dataclass(frozen=True)
class GateState:
    slug: str
    name: str
    status: Status
    reasons: tuple[str, ...]  # one line each, most serious first (English, for the terminal)
    signed: dict[str, Signoff] = field(default_factory=dict)  # step → valid sign-off
    params_sha256: str | None = None
    build: Build | None = None
    record: Record | None = None

    @property
    def approved(self) -> bool:
        return self.status == "approved"

    @property
    def summary(self) -> str:
        return "approved" if self.approved else "; ".join(self.reasons)


def assess(slug: str, name: str, params_sha: str | None, build: Build | None, findings: Sequence[Finding],
           record: Record | None, steps: Sequence[str], params_path: Path | None = None) -> GateState:
    """``params_sha`` None: no usable params file. ``build`` None or without report.html: not built."""
    reasons: list[str] = []
    status: Status | None = None
    if params_sha is None:
        reasons.append("missing: no valid params file" if params_path else "missing: no params file")
        status = "missing"
    elif build is None or not build.exists:
        reasons.append("missing: not built (report-kit run or build)")
        status = "missing"
    if build is not None and build.leftovers:
        reasons.append(f"missing: {', '.join(build.leftovers)} older than report.html (left by an earlier build); "
                       "rebuild with --to for it or delete it")
        status = status or "missing"
    errors = [f for f in findings if f.severity == "error" and not f.acknowledged]
    if errors:
        reasons.append(f"errors: {len(errors)} unacknowledged error finding(s) ({', '.join(f.id for f in errors[:3])}"
                       f"{', …' if len(errors) > 3 else ''})")
        status = status or "errors"
    if params_sha is not None and build is not None and build.exists and build.params_sha256 != params_sha:
        reasons.append("changed since build: the params file is newer than outputs; rebuild")
        status = status or "stale"
    content = build.content if build else {}
    stale = stale_signoffs(record, params_sha or "", content) if params_sha else []
    if stale:
        reasons += [f"changed since approval: {s.step} by {s.by} ({s.at[:10]}) no longer matches: {why}"
                    for s, why in stale]
        status = status or "stale"
    signed = valid_signoffs(record, params_sha or "", content, steps) if params_sha else {}
    missing_steps = [s for s in steps if s not in signed]
    if missing_steps:
        reasons.append(f"not signed off: {', '.join(missing_steps)}")
        status = status or "unsigned"
    return GateState(slug, name, status or "approved", tuple(reasons), signed, params_sha, build, record)
