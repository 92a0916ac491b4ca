"""Every error report-kit raises on purpose.

    ReportKitError                 base: catch this to handle any expected failure
    ├── ParamsError                a params file is unreadable or invalid (lists every problem)
    │   └── IdentityError          its folder, file name, registry or another file disagrees with what it says
    ├── FormatError                an unknown official format id
    ├── SourceDocumentError        a published report or spreadsheet cannot be imported
    ├── PipelineError              executing or exporting a notebook failed
    │   ├── NotebookExecutionError a cell of the template raised (names the cell)
    │   └── PublishError           review.html, report.docx or report.pdf could not be made
    ├── BuildReadError             a built report (report.ipynb) given to `diff` cannot be read
    ├── InputFileError             an input file cannot be read at all (missing, not a regular file, a link
    │                              where none belongs, permission, over its size limit)
    ├── OutputPathError            an output path would leave the outputs folder
    ├── OutputWriteError           an output cannot be written (disk full, read-only folder)
    ├── RegionError                a region roll-up cannot be made (unknown parent, nothing filed)
    └── ApprovalError              a sign-off or a publication is refused (errors open, stale build, order)

Each message names the file, the line and the field with its official Chinese label where one
applies, and says what to do. The CLI prints the message and exits non-zero, without a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


class ReportKitError(Exception):
    """Base of every error report-kit raises deliberately."""


@dataclass(frozen=True)
class Problem:
    """One located problem in an input file."""

    path: str
    line: int | None
    field: str
    label: str | None
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        field = f"{self.field} ({self.label})" if self.label else self.field
        return f"{where}: {field}: {self.message}" if field else f"{where}: {self.message}"


class ParamsError(ReportKitError):
    """A params file cannot be used; carries every problem found, not just the first."""

    def __init__(self, path: str | Path, problems: list[Problem]) -> None:
        self.path = str(path)
        self.problems = problems
        from report_kit.i18n import ngettext

        n = len(problems)
        head = ngettext("{path}: {n} problem in params file", "{path}: {n} problems in params file", n).format(
            path=self.path, n=n)
        super().__init__("\n".join([head, *(f"  {p}" for p in problems)]))


class IdentityError(ParamsError):
    """A params file says another year or slug than its place, or another file claims the same agency-year,
    or the registry names the agency otherwise for that year."""


class FormatError(ReportKitError, KeyError):
    """An official format id that report-kit does not know."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0])


class SourceDocumentError(ReportKitError):
    """A document given for import cannot be read as an annual report."""


class PipelineError(ReportKitError):
    """Running the template notebook or exporting its HTML failed."""


class NotebookExecutionError(PipelineError):
    """A cell of the template notebook raised while executing for one agency-year."""


class PublishError(PipelineError):
    """A publication format (review.html, report.docx, report.pdf) could not be produced."""


class BuildReadError(ReportKitError):
    """A notebook or build folder given for comparison is not a readable, executed report."""


class InputFileError(ReportKitError):
    """An input file cannot be read: the callers that know what the file is turn it into their own error."""

    def __init__(self, path: str | Path, reason: str) -> None:
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")


class OutputPathError(ReportKitError, ValueError):
    """An output path would fall outside the outputs folder (a slug or year tried to escape)."""


class OutputWriteError(ReportKitError, OSError):
    """Writing an output failed; the previous version of the file, if any, is left untouched."""


class RegionError(ReportKitError):
    """The region report's inputs do not allow a roll-up (unknown ``--parent``, no agency, no year)."""


class ApprovalError(ReportKitError):
    """A sign-off is refused: error findings open, the build older than the params, a step out of order."""
