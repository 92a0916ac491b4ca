"""The one marked block of a page that legitimately differs from build to build.

Timings, paths, the kernel and the versions a build ran with — and on the index, what the last build did —
are written between ``BEGIN`` and ``END``; everything outside it depends on the inputs alone. Comparing two
builds (``strip``) drops exactly this block, so no comparison needs a filter of its own.
"""

from __future__ import annotations

BEGIN = "<!-- report-kit:build-record -->"
END = "<!-- /report-kit:build-record -->"


def strip(page: str) -> str:
    """``page`` without its build-record block(s); linear in the page (a lazy regex would rescan from every
    BEGIN that has no END)."""
    out: list[str] = []
    i = 0
    while (b := page.find(BEGIN, i)) != -1 and (e := page.find(END, b + len(BEGIN))) != -1:
        out.append(page[i:b] + BEGIN + END)
        i = e + len(END)
    out.append(page[i:])
    return "".join(out)
