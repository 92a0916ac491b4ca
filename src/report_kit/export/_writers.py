"""The output writers, as data: which files one build of an agency-year consists of and how each is made.

Every writer turns the executed notebook (its run record lifted into the metadata) into the bytes of one file;
none reads the params or recomposes the report, so a template change reaches every file. ``optional`` writers
are chosen per folder: asked for with ``--to``, kept once a folder holds them, dropped only with ``--drop``.
Writing the files is the caller's job (``report_kit.outdir`` writes them as one set).
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from report_kit.errors import PublishError
from report_kit.export._chromium import print_to_pdf
from report_kit.export._docx import report_docx
from report_kit.export._report import report_html
from report_kit.export._review import review_html
from report_kit.i18n import _
from report_kit.recorded import NotRecorded
from report_kit.recorded import read as read_recorded

if TYPE_CHECKING:  # nbformat pulls in jsonschema (~1 s): imported where a notebook is read or written
    import nbformat


@dataclass(frozen=True)
class Built:
    """What the writers read: the executed notebook, the report.html made from it, the set's optional formats."""

    nb: nbformat.NotebookNode
    html: str
    formats: tuple[str, ...]


@dataclass(frozen=True)
class Writer:
    name: str  # as given to --to / --drop
    filename: str
    optional: bool  # False: part of every set
    make: Callable[[Built], bytes]


def _notebook(b: Built) -> bytes:
    import nbformat

    return nbformat.writes(b.nb).encode("utf-8")


def _review(b: Built) -> bytes:
    links = tuple((WRITERS[f].filename, WRITERS[f].filename) for f in b.formats)
    return review_html(b.nb, links).encode("utf-8")


def _docx(b: Built) -> bytes:
    try:
        return report_docx(read_recorded(b.nb))
    except NotRecorded as exc:
        raise PublishError(f"report.docx: {exc}") from None


def _pdf(b: Built) -> bytes:
    # printed from a private copy of report.html: the browser reads nothing under outputs/
    with tempfile.TemporaryDirectory(prefix="rk-print-") as tmp:
        page = Path(tmp) / "report.html"
        page.write_text(b.html, encoding="utf-8")
        return print_to_pdf(page)


WRITERS: Mapping[str, Writer] = {w.name: w for w in (
    Writer("ipynb", "report.ipynb", False, _notebook),
    Writer("html", "report.html", False, lambda b: b.html.encode("utf-8")),
    Writer("review", "review.html", False, _review),
    Writer("docx", "report.docx", True, _docx),
    Writer("pdf", "report.pdf", True, _pdf),
)}
FORMATS = tuple(name for name, w in WRITERS.items() if w.optional)  # besides report.html/.ipynb and review.html
REVIEW = WRITERS["review"].filename
FAILED = "failed.ipynb"  # a failed build's partly executed notebook: never under a report.* name


def parse_formats(spec: str | Iterable[str] | None, option: str = "--to") -> tuple[str, ...]:
    """``"docx,pdf"`` (or a list of such strings) → ('docx', 'pdf'), in a fixed order; unknown names fail."""
    if spec is None:
        return ()
    parts = [spec] if isinstance(spec, str) else list(spec)
    names = {n.strip().lower().lstrip(".") for part in parts for n in part.split(",") if n.strip()}
    names.discard("html")  # report.html is always written
    unknown = sorted(names - set(FORMATS))
    if unknown:
        raise PublishError(_("{option}: unknown format {formats}; choose from {known}").format(
            option=option, formats=", ".join(unknown), known=", ".join(("html", *FORMATS))))
    return tuple(f for f in FORMATS if f in names)


def formats_held(filenames: Iterable[str]) -> tuple[str, ...]:
    """The optional formats a folder holds now (``report.docx`` → 'docx')."""
    names = set(filenames)
    return tuple(f for f in FORMATS if WRITERS[f].filename in names)


def set_formats(held: Iterable[str], to: Iterable[str], drop: Iterable[str]) -> tuple[str, ...]:
    """The optional formats of the next set: what the folder holds plus what is asked for, minus what is dropped."""
    want = (set(held) | set(to)) - set(drop)
    return tuple(f for f in FORMATS if f in want)


def render(nb: nbformat.NotebookNode, formats: Iterable[str]) -> dict[str, bytes]:
    """Every file of one set, by file name, from the executed notebook."""
    built = Built(nb, report_html(nb), tuple(f for f in FORMATS if f in set(formats)))
    return {w.filename: w.make(built) for w in WRITERS.values() if not w.optional or w.name in built.formats}
