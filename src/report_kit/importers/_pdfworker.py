"""Read a PDF's text layer and ruled tables in a process of its own: ``python -m report_kit.importers._pdfworker F``.

Run only by ``_pdf`` under memory and CPU limits (PDF streams decompress without limit, and pdfminer's parser
is pure Python): it prints one JSON object, ``{"records": [[line, [cells…], is_row], …], "chars": n,
"unmapped": n, "pages": n}`` or ``{"error": "…"}``. Tables come from pdfplumber's ruled-line detection (a
merged cell is read once, where it starts); the text outside them comes line by line, in reading order
(top to bottom on each page).
"""

from __future__ import annotations

import json
import sys
from typing import Any

from report_kit.i18n import _

MAX_PAGES = 200  # an annual report has 5 to 30 pages
# Characters that carry no text: a glyph without a Unicode mapping comes out as "(cid:123)", a private-use code
# point, or U+FFFD
_PRIVATE = ((0xE000, 0xF8FF), (0xF0000, 0x10FFFF))


def _unmapped(text: str) -> bool:
    if text.startswith("(cid:") or text == "\ufffd":
        return True
    return any(lo <= ord(c) <= hi for c in text for lo, hi in _PRIVATE)


def _cell(text: str | None) -> str | None:
    if text is None:
        return None  # covered by a merged cell
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    out = ""
    for line in lines:  # lines of a cell: CJK joins without a space, Latin words and figures with one
        out += (" " if out and out[-1].isascii() and out[-1].isalnum() and line[0].isascii() else "") + line
    return out


def _inside(obj: dict[str, Any], boxes: list[tuple[float, float, float, float]]) -> bool:
    x = (obj["x0"] + obj["x1"]) / 2
    y = (obj["top"] + obj["bottom"]) / 2
    return any(x0 <= x <= x1 and top <= y <= bottom for x0, top, x1, bottom in boxes)


def _outside(boxes: list[tuple[float, float, float, float]]) -> Any:
    return lambda o: o.get("object_type") != "char" or not _inside(o, boxes)


def read(path: str) -> dict[str, Any]:
    import pdfplumber

    items: list[tuple[int, float, list[str], bool]] = []  # page, top, cells, is_row
    chars = unmapped = 0
    with pdfplumber.open(path) as pdf:
        pages = pdf.pages
        if len(pages) > MAX_PAGES:
            return {"error": _("{n} pages; an annual report has far fewer").format(n=len(pages))}
        for pno, page in enumerate(pages):
            page_chars = page.chars
            chars += len(page_chars)
            unmapped += sum(1 for c in page_chars if _unmapped(c["text"]))
            tables = page.find_tables()
            boxes = [t.bbox for t in tables]
            for table in tables:
                for row, texts in zip(table.rows, table.extract(), strict=False):
                    cells = [c for c in (_cell(t) for t in texts) if c is not None]
                    filled = [t for t in texts if t and t.strip()]
                    if not filled:
                        continue
                    top = row.bbox[1]
                    if len(filled) == 1:  # a cell spanning the table (a heading, or a page framed as one table)
                        for k, line in enumerate(filled[0].strip().splitlines()):
                            if line.strip():
                                items.append((pno, top + k * 0.01, [line.strip()], False))
                    else:
                        items.append((pno, top, cells, True))
            rest = page.filter(_outside(boxes)) if boxes else page
            for line in rest.extract_text_lines(strip=True, return_chars=False):
                if line["text"].strip():
                    items.append((pno, line["top"], [line["text"].strip()], False))
    items.sort(key=lambda it: (it[0], it[1]))
    records = [[n, cells, row] for n, (_page, _top, cells, row) in enumerate(items, 1)]
    return {"records": records, "chars": chars, "unmapped": unmapped, "pages": len(pages)}


def main() -> None:
    try:
        out = read(sys.argv[1])
    except MemoryError:
        out = {"error": _("the PDF needs more memory than a report may take")}
    except Exception as exc:  # pdfminer raises many kinds on damaged or encrypted files
        name = type(exc).__name__
        if "Password" in name or "Encrypt" in name:
            out = {"error": _("it is encrypted (password-protected)")}
        elif "allocate" in str(exc):  # zlib inflating a stream past the address-space limit
            out = {"error": _("the PDF needs more memory than a report may take")}
        else:
            out = {"error": _("it cannot be parsed ({name}: {error})").format(name=name, error=str(exc)[:200])}
    sys.stdout.write(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    main()
