"""``report-kit approve``: record one sign-off for an agency-year whose build is current and free of errors."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from report_kit import discovery, pipeline
from report_kit import params as params_io
from report_kit.checks import run_checks
from report_kit.errors import ApprovalError, ReportKitError
from report_kit.gate._approvals import (
    Record,
    Signoff,
    load_record,
    load_steps,
    next_step,
    read_build,
    record_path,
    save_record,
    sign,
)
from report_kit.gate._state import GateState, assess
from report_kit.i18n import _


def default_approvals(params_root: Path) -> Path:
    """``approvals/`` beside the params root (``params/`` → ``approvals/``): never inside it."""
    return params_root.resolve().parent / "approvals"


def params_root_of(params_path: Path) -> Path:
    return params_path.resolve().parent.parent  # params/<year>/<slug>.yaml


@dataclass(frozen=True)
class Approval:
    signoff: Signoff
    state: GateState  # after this sign-off
    path: Path


def gate_state(params_path: Path | None, slug: str, name: str, year: int, outputs: Path, approvals: Path,
               steps: tuple[str, ...] | None = None) -> GateState:
    """Where ``slug``'s report of ``year`` stands: current params, build, findings and sign-offs."""
    steps = steps or load_steps(approvals)
    record = load_record(record_path(approvals, year, slug))
    if params_path is None or not params_path.is_file():
        return assess(slug, name, None, None, [], record, steps)
    try:
        ay = params_io.load(params_path)
    except ReportKitError:
        return assess(slug, name, None, None, [], record, steps, params_path)
    previous_path = discovery.previous_path(params_path, ay.year, ay.slug)
    previous = None
    if previous_path is not None:
        try:
            previous = params_io.load(previous_path)
        except ReportKitError:
            previous = None
    build = read_build(pipeline.output_dir(outputs, ay))
    return assess(slug, ay.agency, params_io.content_hash(params_path), build, run_checks(ay, previous), record,
                  steps, params_path)


def approve(params_path: Path, by: str, step: str | None = None, note: str | None = None,
            outputs: Path = Path("outputs"), approvals: Path | None = None, at: str | None = None) -> Approval:
    """Sign ``step`` (default: the next one due) for the current params and build of ``params_path``."""
    ay = params_io.load(params_path)
    approvals = approvals or default_approvals(params_root_of(params_path))
    steps = load_steps(approvals)
    state = gate_state(params_path, ay.slug, ay.agency, ay.year, outputs, approvals, steps)
    where = f"{params_path}"
    if state.build is None or not state.build.exists:
        raise ApprovalError(_("{path}: not built yet; run `report-kit run {path}` (with --to for the formats to "
                              "release) before signing").format(path=where))
    if state.build.params_sha256 != state.params_sha256:
        raise ApprovalError(_("{path}: the build in {folder} is older than the params file; rebuild it before "
                              "signing, so the sign-off covers what will be published").format(
                                  path=where, folder=state.build.folder))
    if state.build.leftovers:
        raise ApprovalError(_("{path}: {files} in {folder} is older than report.html, so it may show other figures; "
                              "rebuild with --to for it or delete it").format(
                                  path=where, files=", ".join(state.build.leftovers), folder=state.build.folder))
    if state.errors:
        ids = ", ".join(state.errors[:3]) + (", …" if len(state.errors) > 3 else "")
        raise ApprovalError(_("{path}: refused while error findings are open ({n}: {ids}); fix them or acknowledge "
                              "them in the params file, rebuild, then sign").format(
                                  path=where, n=len(state.errors), ids=ids))
    path = record_path(approvals, ay.year, ay.slug)
    record = state.record or Record(agency=ay.agency, slug=ay.slug, year=ay.year)
    assert state.params_sha256 is not None
    chosen = step or next_step(record, state.params_sha256, state.build.content, steps)
    if chosen is None:
        raise ApprovalError(_("{path}: already fully signed off ({steps}) for the current content").format(
            path=where, steps=", ".join(steps)))
    signoff = sign(record, chosen, by, note, state.params_sha256, state.build.content, steps, at)
    save_record(path, record)
    after = gate_state(params_path, ay.slug, ay.agency, ay.year, outputs, approvals, steps)
    return Approval(signoff, after, path)
