"""Rules that reviewers and evaluators apply to a report, and the findings they produce.

Each rule is a small function registered with an id, a severity and its formula; ``run_checks``
applies every rule to one agency-year (and its previous year, when known) and returns findings
with stable ids (``rule@location``) that survive re-runs and edits elsewhere in the file.
"""

from report_kit.checks import (  # noqa: F401  (importing a module registers its rules)
    _crossyear,
    _document,
    _identity,
    _lint,
    _plausible,
    _requirements,
    _structure,
    _tables,
    _text,
    _text_arith,
    _text_claims,
    _text_form,
    _text_tables,
    _text_year,
)
from report_kit.checks._context import Context, Document
from report_kit.checks._core import (
    RULES,
    Finding,
    Rule,
    failing,
    findings_frame,
    findings_to_records,
    rate,
    rule,
    run_checks,
)
from report_kit.checks._files import check_path, load_previous
from report_kit.checks._html import findings_html

__all__ = [
    "RULES",
    "Context",
    "Document",
    "Finding",
    "Rule",
    "check_path",
    "failing",
    "findings_frame",
    "findings_html",
    "findings_to_records",
    "load_previous",
    "rate",
    "rule",
    "run_checks",
]
