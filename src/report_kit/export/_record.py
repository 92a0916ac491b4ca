"""The one marked block of a page that legitimately differs from build to build.

Timings, paths, the kernel and the versions a build ran with — and on the index, what the last build did —
are written between ``BEGIN`` and ``END``; everything outside it depends on the inputs alone. Comparing two
builds (``strip``) drops exactly this block, so no comparison needs a filter of its own.
"""

from __future__ import annotations

import re

BEGIN = "<!-- report-kit:build-record -->"
END = "<!-- /report-kit:build-record -->"
_BLOCK = re.compile(re.escape(BEGIN) + r".*?" + re.escape(END), re.S)


def strip(page: str) -> str:
    """``page`` without its build-record block(s)."""
    return _BLOCK.sub(BEGIN + END, page)
