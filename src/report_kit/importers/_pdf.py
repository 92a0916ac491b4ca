"""PDF reports (digitally produced: a text layer, ruled tables) read into records, in a capped subprocess.

PDF streams decompress without limit and a crafted file can keep a parser busy for ever, so the parsing
(``_pdfworker``, pdfplumber on pdfminer.six) runs in a child process with an address-space limit
(RLIMIT_AS), a CPU-time limit and a wall-clock timeout; whatever goes wrong there becomes one clear line.
A scanned PDF (no text layer) and a PDF whose fonts carry no character mapping (text comes out as
``(cid:12)`` or private-use code points, as from some office suites' exports) are told apart and said so.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from report_kit.errors import SourceDocumentError
from report_kit.i18n import _
from report_kit.importers._layouts import Token, regroup
from report_kit.importers._records import _PAGE_FOOTER, Record, _clean

MAX_MEMORY = 1536 * 1024 * 1024  # bytes of address space for the parser: a 30-page report needs ~100 MB
MAX_CPU_SECONDS = 60
MAX_WALL_SECONDS = 90
UNMAPPED_SHARE = 0.3  # more glyphs than this without a character mapping: the text layer is not usable


def _limits() -> None:  # pragma: no cover - runs in the child between fork and exec
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (MAX_MEMORY, MAX_MEMORY))
    resource.setrlimit(resource.RLIMIT_CPU, (MAX_CPU_SECONDS, MAX_CPU_SECONDS))


def _run(copy: Path, path: Path) -> dict:  # type: ignore[type-arg]
    cmd = [sys.executable, "-m", "report_kit.importers._pdfworker", str(copy)]
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHONSTARTUP")}
    try:
        done = subprocess.run(cmd, capture_output=True, timeout=MAX_WALL_SECONDS, env=env, check=False,
                              preexec_fn=_limits if os.name == "posix" else None)
    except subprocess.TimeoutExpired:
        raise SourceDocumentError(_("{path}: reading the PDF took more than {seconds} s; "
                                    "not an annual report, or a damaged file").format(
                                        path=path, seconds=MAX_WALL_SECONDS)) from None
    if done.returncode != 0 or not done.stdout:
        why = _("it needs more memory or time than a report may take") if done.returncode < 0 or not done.stderr \
            else _("the PDF reader failed")
        if b"MemoryError" in done.stderr:
            why = _("it needs more memory than a report may take")
        raise SourceDocumentError(_("{path}: cannot read the PDF: {why}; save the report as .docx or .html and "
                                    "import that").format(path=path, why=why))
    try:
        return json.loads(done.stdout)
    except ValueError:
        raise SourceDocumentError(
            _("{path}: cannot read the PDF (the reader's answer was damaged)").format(path=path)) from None


def pdf_records(data: bytes, path: Path) -> list[Record]:
    """The PDF's paragraphs and table rows in reading order, or one clear SourceDocumentError."""
    if not data.startswith(b"%PDF-") and b"%PDF-" not in data[:1024]:
        raise SourceDocumentError(_("{path}: not a PDF file (no %PDF- header)").format(path=path))
    with tempfile.TemporaryDirectory(prefix="rk-pdf-") as tmp:
        copy = Path(tmp) / "report.pdf"  # the bytes already read and size-checked: no link or device reaches it
        copy.write_bytes(data)
        out = _run(copy, path)
    if "error" in out:
        raise SourceDocumentError(_("{path}: cannot read the PDF: {why}").format(path=path, why=out["error"]))
    if not out["chars"]:
        raise SourceDocumentError(_("{path}: the PDF has no text layer (a scan?); report-kit reads only PDFs made "
                                    "digitally: import the .docx or .html the report was made from, or run OCR "
                                    "first").format(path=path))
    if out["unmapped"] > UNMAPPED_SHARE * out["chars"]:
        raise SourceDocumentError(
            _("{path}: the PDF's text has no usable character mapping ({unmapped} of {chars} "
              "characters cannot be read as text: its fonts carry no ToUnicode map); export it again with fonts "
              "embedded, or import the .docx or .html it was made from").format(
                  path=path, unmapped=out["unmapped"], chars=out["chars"]))
    tokens: list[Token] = []
    for line, cells, row in out["records"]:
        cleaned = tuple(_clean(c) for c in cells)
        if not row and (not cleaned[0] or _PAGE_FOOTER.match(cleaned[0])):
            continue  # page numbers between rows of a table split across pages
        tokens.append(Token(Record(int(line), cleaned, bool(row))))
    return regroup(tokens)
