"""The publishing gate: sign-offs bound to digests, the portal folder, corrections after publication.

- ``approve(params_path, by, step=…)``: one sign-off (default steps 保密审查 then 签发, ``approvals/steps.yaml``
  to change them) recorded in ``approvals/<year>/<slug>.yaml`` with the digests of the params and the released
  files; refused while error findings are open or the build is older than the params;
- ``gate_state(...)``: approved, or each reason it is not (missing, errors, changed since approval, unsigned);
- ``publish_year(params_root, year, portal)``: approved, unchanged reports into a portal-ready folder with an
  index; an approved change to a published report is republished as a correction with its 更正说明.
"""

from report_kit.gate._approvals import DEFAULT_STEPS, RELEASED, Record, Release, Signoff, load_record, load_steps
from report_kit.gate._approve import Approval, approve, default_approvals, gate_state
from report_kit.gate._portal import Outcome, correction_lines, publish_year, safe_name
from report_kit.gate._state import GateState, assess

__all__ = ["DEFAULT_STEPS", "RELEASED", "Approval", "GateState", "Outcome", "Record", "Release", "Signoff", "approve",
           "assess", "correction_lines", "default_approvals", "gate_state", "load_record", "load_steps",
           "publish_year", "safe_name"]
