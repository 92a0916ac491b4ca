"""report-kit: produce, check and publish 政府信息公开工作年度报告 from per-agency params.

The names below are imported on first use (PEP 562), so ``python -m report_kit`` starts in a few
milliseconds and installs its Ctrl-C/SIGTERM handling before the heavy libraries load.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from report_kit.checks import Finding, run_checks
    from report_kit.errors import (
        FormatError,
        NotebookExecutionError,
        OutputPathError,
        ParamsError,
        PipelineError,
        ReportKitError,
        SourceDocumentError,
    )
    from report_kit.formats import Format, format_for_year, get_format
    from report_kit.model import AgencyYear
    from report_kit.narrative import compose
    from report_kit.params import load as load_params

__version__ = "0.1.0"

_WHERE = {
    "AgencyYear": ("report_kit.model", "AgencyYear"),
    "Finding": ("report_kit.checks", "Finding"),
    "run_checks": ("report_kit.checks", "run_checks"),
    "Format": ("report_kit.formats", "Format"),
    "format_for_year": ("report_kit.formats", "format_for_year"),
    "get_format": ("report_kit.formats", "get_format"),
    "compose": ("report_kit.narrative", "compose"),
    "load_params": ("report_kit.params", "load"),
    **{name: ("report_kit.errors", name) for name in (
        "FormatError", "NotebookExecutionError", "OutputPathError", "ParamsError", "PipelineError", "ReportKitError",
        "SourceDocumentError")},
}

__all__ = [
    "AgencyYear",
    "Finding",
    "Format",
    "FormatError",
    "NotebookExecutionError",
    "OutputPathError",
    "ParamsError",
    "PipelineError",
    "ReportKitError",
    "SourceDocumentError",
    "__version__",
    "compose",
    "format_for_year",
    "get_format",
    "load_params",
    "run_checks",
]


def __getattr__(name: str) -> Any:
    try:
        module, attr = _WHERE[name]
    except KeyError:
        raise AttributeError(f"module 'report_kit' has no attribute {name!r}") from None
    value = getattr(import_module(module), attr)
    globals()[name] = value  # once
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
