"""report-kit: produce, check and publish 政府信息公开工作年度报告 from per-agency params."""

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
