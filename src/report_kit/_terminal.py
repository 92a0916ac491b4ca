"""User data on a terminal: control sequences shown, never obeyed.

An acknowledgement key, an imported row or an agency name can carry ``ESC]0;…`` (retitle the window),
``ESC[2J`` (clear the screen), a carriage return that overwrites what was printed, or a bidi override
that reverses how a line reads. ``printable`` writes every such character as a visible escape (``\\x1b``,
``\\u202e``), and so does for the bytes of a file name that is not UTF-8 (Python keeps them as lone
surrogates, which a UTF-8 terminal cannot even encode). Line breaks and tabs stay.
"""

from __future__ import annotations

import json
import re
import sys
from typing import TextIO

# C0 but tab and newline, DEL, C1, bidi embeddings/overrides/isolates, line/paragraph separators, surrogates
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ud800-\udfff]")


def _shown(m: re.Match[str]) -> str:
    code = ord(m.group())
    if 0xDC80 <= code <= 0xDCFF:  # a byte of a file name that was not UTF-8 (surrogateescape)
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: object) -> str:
    """``str(text)`` with every control, bidi and surrogate character written as a visible escape."""
    return _UNSAFE.sub(_shown, str(text))


def echo(*parts: object, file: TextIO | None = None, flush: bool = False) -> None:
    """print() for lines that hold user data (see printable)."""
    print(printable(" ".join(str(p) for p in parts)), file=file or sys.stdout, flush=flush)


def echo_json(data: object, file: TextIO | None = None) -> None:
    """JSON (readable Chinese) with the same characters written as JSON escapes (they occur only in strings)."""
    text = json.dumps(data, ensure_ascii=False, indent=1)
    print(_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text), file=file or sys.stdout)
