"""Every input kind becomes the same thing: a list of records, each a paragraph or a table row of cells.

Readers keep the line (or paragraph/row number) each record came from, so a finding can point at it.
They never interpret labels; that is the job of ``_tables`` and ``_sections``.
"""

from __future__ import annotations

import io
import re
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from report_kit._zipsafe import ZipRefused, inflate, repack
from report_kit.errors import SourceDocumentError
from report_kit.i18n import _

MAX_BYTES = 20 * 1024 * 1024  # a published report is a few hundred KB; a docx with images a few MB
MAX_DOCX_UNPACKED = 64 * 1024 * 1024  # zip bombs: inflating stops here, whatever the zip's headers say
MAX_DOCX_ELEMENTS = 2_000_000  # XML elements of word/document.xml (a 100-page report has a few hundred thousand)
MAX_DOCX_SECONDS = 60  # python-docx's objects for a document at the other limits take a few seconds
MAX_RECORDS = 50_000
MAX_TABLE_DEPTH = 8  # layout tables inside layout tables; real pages nest two or three deep

# [^\[\]]*, not [^\]]*: unclosed "[bookmark:" repeated would rescan the rest of the line from each one
WORD_ARTEFACT = re.compile(r"\[bookmark:[^\[\]]*\]|\[image:[^\[\]]*\]|\[footnoteRef:[^\[\]]*\]")
_PAGE_FOOTER = re.compile(r"^\s*[—–-]\s*\d+\s*[—–-]\s*$|^\s*第\s*\d+\s*页(?:\s*共\s*\d+\s*页)?\s*$"
                          r"|^\s*P\.\s*\d+\s*$")  # flipbooks print "P. 9" on every page
# possessive: "|---" and a long run of spaces would otherwise split the spaces between two \s* in n² ways
_MD_RULE = re.compile(r"^\s*+\|?\s*+:?-{3,}+:?\s*+(?:\|\s*+:?-{3,}+:?\s*+)*+\|?\s*+$")


@dataclass(frozen=True)
class Record:
    """A paragraph (one cell, ``row`` False) or a table row (its cells in order, ``row`` True)."""

    line: int  # 1-based line in a text file; paragraph or row number in a docx/html
    cells: tuple[str, ...]
    row: bool
    joined: bool = False  # a row put together from one-cell lines (see _layouts.regroup), not a table's own row

    @property
    def text(self) -> str:
        return " | ".join(self.cells) if self.row else self.cells[0]


# Control characters documents legitimately carry (form feeds between PDF pages, Word's vertical tab for a
# manual line break, a stray NUL or BEL) become spaces: params refuse them, and .docx and HTML cannot hold them.
_CONTROLS = {c: " " for c in [*range(0x00, 0x09), *range(0x0B, 0x20), *range(0x7F, 0xA0)]}


# PDF text layers (Chromium's, WPS's) often map a glyph to a CJK radical code point instead of the character it
# shows: 人⺠政府 for 人民政府. Kangxi radicals have NFKC equivalents; the supplement's standalone forms are listed.
_RADICALS = {
    **{cp: unicodedata.normalize("NFKC", chr(cp)) for cp in range(0x2F00, 0x2FD6)},
    **{ord(r): c for r, c in zip("⺟⺠⺬⻄⻅⻆⻉⻋⻑⻓⻔⻘⻙⻚⻛⻜⻝⻢⻣⻥⻦⻧⻨⻩⻪⻬⻮⻰⻳",
                                 "母民示西见角贝车長长门青韦页风飞食马骨鱼鸟卤麦黄黾齐齿龙龟", strict=True)},
}


def _clean(text: str) -> str:
    return (WORD_ARTEFACT.sub("", text).translate(_CONTROLS).translate(_RADICALS).replace("\xa0", " ")
            .replace("\u200b", "").strip())


# ------------------------------------------------------------------------------------------- text


def _closes_cells(text: str) -> bool:
    """True when the text writes every cell followed by "|" ("规章 | 0 | 0 | 0 |", as page copies do): a
    final "|" then closes the last cell; otherwise it opens an empty last cell ("行政许可 | 8 | 2 | ")."""
    rows = ends = 0
    for raw in text.splitlines():
        line = raw.strip()
        if "|" in line and not line.startswith("|") and line.replace("|", "").strip():
            rows += 1
            ends += line.endswith("|")
    return rows > 0 and ends >= 0.8 * rows


def text_records(text: str) -> list[Record]:
    """Plain text: Word's export (a table cell per tab-indented line, rows split by blank lines),
    `|`-separated rows (web pages, markdown), one cell per line (page copies) and paragraphs, possibly
    mixed in one file. One-cell lines are joined into rows by ``_layouts.regroup``."""
    from report_kit.importers._layouts import Token, regroup

    out: list[Token] = []
    word_row: list[str] = []
    word_start = 0
    closing = _closes_cells(text)

    def flush() -> None:
        nonlocal word_row
        if word_row:
            out.append(Token(Record(word_start, tuple(word_row), True)))
            word_row = []

    for n, raw in enumerate(text.splitlines(), 1):
        if raw.startswith("\t"):  # Word: one cell per line
            if not word_row:
                word_start = n
            word_row.append(_clean(raw[1:]))
            continue
        flush()
        line = _clean(raw)
        if not line or _PAGE_FOOTER.match(line) or _MD_RULE.match(line):
            continue
        if "|" not in line:
            out.append(Token(Record(n, (line,), False)))
            continue
        if not line.replace("|", "").strip():  # a lone "|" is an empty cell; "||||" empty cells of unknown number
            out.append(Token(None, "empty" if line.count("|") == 1 else "gap"))
            continue
        cells = [c.strip() for c in line.split("|")]
        if line.startswith("|"):  # markdown: "| a | b |"
            cells = cells[1:-1] if line.endswith("|") and len(cells) > 2 else cells[1:]
        elif closing and line.endswith("|"):  # "a | b |": the last "|" closes cell b (page copies write "cell |")
            cells = cells[:-1]
        if len(cells) == 1:
            out.append(Token(Record(n, (cells[0],), False), cell=True))
        else:
            out.append(Token(Record(n, tuple(cells), True)))
    flush()
    return regroup(out)


# ------------------------------------------------------------------------------------------- docx


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _docx_package(data: bytes, path: Path) -> bytes:
    """The .docx re-packed from members inflated under MAX_DOCX_UNPACKED (headers are not trusted), after
    its body was counted: more elements or paragraphs and rows than a report has is refused before
    python-docx builds an object per paragraph (10 MB of empty paragraphs took 39 s and 512 MB)."""
    from lxml import etree

    try:
        members = inflate(data, MAX_DOCX_UNPACKED)
    except ZipRefused as exc:
        raise SourceDocumentError(_("{path}: not a usable .docx: {error}; open it in Word and save it again "
                                    "as .docx").format(path=path, error=exc)) from None
    body = members.get("word/document.xml")
    if body is None:
        raise SourceDocumentError(_("{path}: not a Word document (no word/document.xml inside)").format(path=path))
    elements = records = 0
    try:
        for _event, el in etree.iterparse(io.BytesIO(body), events=("end",), resolve_entities=False, no_network=True):
            elements += 1
            records += el.tag in (f"{_W}p", f"{_W}tr")
            if elements > MAX_DOCX_ELEMENTS or records > MAX_RECORDS:
                raise SourceDocumentError(
                    _("{path}: more than {records} paragraphs and rows or {elements} XML elements; "
                      "not an annual report").format(path=path, records=f"{MAX_RECORDS:,}",
                                                     elements=f"{MAX_DOCX_ELEMENTS:,}"))
            el.clear(keep_tail=True)
    except etree.XMLSyntaxError as exc:
        raise SourceDocumentError(_("{path}: damaged Word document (word/document.xml: {error}); open it in Word "
                                    "and save it again as .docx").format(path=path, error=exc)) from None
    return repack(members)


def docx_records(data: bytes, path: Path) -> list[Record]:
    """Paragraphs and table rows in body order; a merged cell is read once, where it starts."""
    package = _docx_package(data, path)
    import docx  # python-docx: imported here, only importing .docx needs it
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(io.BytesIO(package))
    except Exception as exc:  # python-docx raises many kinds on damaged packages
        raise SourceDocumentError(_("{path}: cannot read the Word document ({name}: {error}); "
                                    "open it in Word and save it again as .docx").format(
                                        path=path, name=type(exc).__name__, error=exc)) from None
    deadline = time.monotonic() + MAX_DOCX_SECONDS
    out: list[Record] = []
    n = 0
    for block in document.iter_inner_content():
        n += 1
        if n % 256 == 0 and time.monotonic() > deadline:
            raise SourceDocumentError(_("{path}: reading the Word document took more than {seconds} s; "
                                        "not an annual report").format(path=path, seconds=MAX_DOCX_SECONDS))
        if isinstance(block, Paragraph):
            text = _clean(block.text)
            if text:
                out.append(Record(n, (text,), False))
        elif isinstance(block, Table):
            for row in block.rows:
                n += 1
                cells: list[str] = []
                seen: set[int] = set()
                for cell in row.cells:
                    if id(cell._tc) in seen:  # a horizontal merge repeats the same cell
                        continue
                    seen.add(id(cell._tc))
                    vmerge = cell._tc.tcPr.vMerge if cell._tc.tcPr is not None else None
                    # a vertically merged continuation shows the first cell's text again: read it once
                    text = "" if vmerge is not None and vmerge != "restart" else _clean(cell.text)
                    cells.append(" ".join(text.split()))
                out.append(Record(n, tuple(cells), True))
    return out


# ------------------------------------------------------------------------------------------- html


_PARAGRAPHS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "caption", "dt", "dd", "pre", "blockquote"}
_BLOCKISH = _PARAGRAPHS | {"div", "table", "section", "article", "ul", "ol", "dl"}


def html_records(text: str, path: Path) -> list[Record]:
    """Rows of the innermost tables and the page's paragraphs, in document order; scripts and styles dropped.

    rowspan/colspan cells are read once where they start: labels are matched by text, not by grid
    position. A table whose cells hold other tables (portal layout) gives no rows of its own.
    """
    import lxml.html
    from lxml import etree

    try:
        # control characters pass libxml2's HTML parser but lxml refuses them when the tree is edited below
        root = lxml.html.document_fromstring(text.translate(_CONTROLS))
    except (etree.ParserError, ValueError) as exc:
        raise SourceDocumentError(
            _("{path}: not a readable HTML page ({error})").format(path=path, error=exc)) from None
    for bad in root.xpath("//script|//style|//noscript|//template|//head|//comment()"):
        if bad.getparent() is not None:  # a comment before <html> has no parent and no text we read
            bad.drop_tree()
    for br in root.iter("br"):
        br.tail = "\n" + (br.tail or "")
    out: list[Record] = []
    depth = 0
    in_row: object | None = None  # the data row or paragraph being read: its descendants are inside it

    def emit(rec: Record) -> None:
        out.append(rec)
        if len(out) > MAX_RECORDS:
            raise SourceDocumentError(_("{path}: more than {records} paragraphs and rows; not an annual report").format(
                path=path, records=f"{MAX_RECORDS:,}"))

    for event, el in etree.iterwalk(root, events=("start", "end")):
        tag = el.tag if isinstance(el.tag, str) else ""
        if event == "end":
            if tag == "table":
                depth -= 1
            elif el is in_row:
                in_row = None
            continue
        if tag == "table":
            depth += 1
            if depth > MAX_TABLE_DEPTH:
                raise SourceDocumentError(_("{path}: tables nested more than {depth} deep; "
                                            "this is not an annual report page").format(
                                                path=path, depth=MAX_TABLE_DEPTH))
        elif tag == "tr" and in_row is None and next(el.iterdescendants("tr"), None) is None:
            in_row = el
            cells = [" ".join(_clean(td.text_content()).split())
                     for td in el if isinstance(td.tag, str) and td.tag in ("td", "th")]
            emit(Record(len(out) + 1, tuple(cells), True))
        elif in_row is None and (tag in _PARAGRAPHS or (
                tag == "div" and next((d for d in el.iterdescendants() if d.tag in _BLOCKISH), None) is None)):
            in_row = el  # its descendants are part of this paragraph
            for line in _clean(el.text_content()).splitlines():
                if line.strip() and not _PAGE_FOOTER.match(line):
                    emit(Record(len(out) + 1, (" ".join(line.split()),), False))
    return out
