"""Write the publication files of one built report beside its report.html.

``review.html`` is always written; ``report.docx`` and ``report.pdf`` when asked for (``--to``).
Each file is written atomically, so a failure keeps the previous version.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from report_kit.errors import PublishError
from report_kit.files import atomic_write_bytes, atomic_write_text
from report_kit.model import AgencyYear
from report_kit.narrative import compose
from report_kit.publish._chromium import print_to_pdf
from report_kit.publish._docx import docx_bytes
from report_kit.publish._review import review_html

if TYPE_CHECKING:  # nbformat pulls in jsonschema (~1 s): imported where a notebook is read or written
    import nbformat

FORMATS = ("docx", "pdf")  # optional outputs, besides report.html, report.ipynb and review.html
REVIEW = "review.html"


def parse_formats(spec: str | Iterable[str] | None) -> tuple[str, ...]:
    """``"docx,pdf"`` (or a list of such strings) → ('docx', 'pdf'), in a fixed order; unknown names fail."""
    if spec is None:
        return ()
    parts = [spec] if isinstance(spec, str) else list(spec)
    names = {n.strip().lower().lstrip(".") for part in parts for n in part.split(",") if n.strip()}
    names.discard("html")  # report.html is always written
    unknown = sorted(names - set(FORMATS))
    if unknown:
        raise PublishError(f"--to: unknown format {', '.join(unknown)}; choose from html, {', '.join(FORMATS)}")
    return tuple(f for f in FORMATS if f in names)


def write_review(target: Path, nb: nbformat.NotebookNode, formats: Sequence[str] = ()) -> Path:
    """review.html of the executed notebook, linking the report and the Word/PDF files built with it."""
    links = tuple((f"report.{f}", f"report.{f}") for f in formats)
    path = target / REVIEW
    atomic_write_text(path, review_html(nb, links))
    return path


def write_docx(target: Path, ay: AgencyYear, previous: AgencyYear | None = None) -> Path:
    """report.docx with the sections the notebook composed (same library call, same inputs)."""
    path = target / "report.docx"
    atomic_write_bytes(path, docx_bytes(ay, compose(ay, previous)))
    return path


def write_pdf(target: Path, html: Path) -> Path:
    path = target / "report.pdf"
    atomic_write_bytes(path, print_to_pdf(html))
    return path


def write_outputs(target: Path, nb: nbformat.NotebookNode, ay: AgencyYear, html: Path,
                  formats: Sequence[str] = (), previous: AgencyYear | None = None) -> dict[str, Path]:
    """review.html plus the requested formats for a report already written to ``html``."""
    written = {"review": write_review(target, nb, formats)}
    if "docx" in formats:
        written["docx"] = write_docx(target, ay, previous)
    if "pdf" in formats:
        written["pdf"] = write_pdf(target, html)
    return written
