r"""Statements "予以公开和部分公开12件，占40%" found in linear time.

The regex this replaces, ``((?:[\u4e00-\u9fff]{2,6}?(?:、|及|和|与))*[\u4e00-\u9fff]{2,6}?)\s*(\d+)\s*件…占…%``,
backtracks exponentially: 和, 及 and 与 are both separators and ordinary characters, so a run of them
before a number splits in exponentially many ways (54 × 和 then `1` took 59 s). ``SharePattern.finditer``
returns the same matches (the same leftmost start, the same groups) by finding the number first with a
pattern that cannot backtrack, then deciding where the names begin with a small dynamic programme over
the characters before it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

# the count, 件, 占 (possessive: a digit run is read once); the percentage after at most 12 other characters
_COUNT = re.compile(r"(?<!\d)(\d++)\s*+件[，,（(]?\s*+占")
_PERCENT = re.compile(r"(\d++(?:\.\d++)?+)\s*+[%％]")
_PERCENT_GAP = 12
_NOT_IN_GAP = frozenset("，。；%％")
_SEPARATORS = frozenset("、及和与")
_NAME_MIN, _NAME_MAX = 2, 6


def _cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


def _names_start(text: str, lo: int, end: int) -> int | None:
    """The leftmost p in [lo, end) such that text[p:end] is names: 2-6 CJK characters, then any number of
    (one of 、及和与, 2-6 CJK characters), the way the regex's names group reads them."""
    start = end
    while start > lo and (_cjk(text[start - 1]) or text[start - 1] == "、"):
        start -= 1
    if end - start < _NAME_MIN:
        return None
    run = [0] * (end - start + 1)  # run[i]: CJK characters in a row from start + i
    ok = [False] * (end - start + 2)  # ok[i]: text[start + i:end] is names
    for i in range(end - start - 1, -1, -1):
        run[i] = run[i + 1] + 1 if _cjk(text[start + i]) else 0
    for i in range(end - start - _NAME_MIN, -1, -1):
        for length in range(_NAME_MIN, min(_NAME_MAX, run[i]) + 1):
            after = i + length
            if start + after == end or (text[start + after] in _SEPARATORS and ok[after + 1]):
                ok[i] = True
                break
    return next((start + i for i in range(end - start) if ok[i]), None)


@dataclass(frozen=True)
class ShareMatch:
    """Shaped like a re.Match: group(0) the statement, 1 the names, 2 the count, 3 the percentage."""

    groups: tuple[str, str, str, str]
    span: tuple[int, int]

    def group(self, index: int = 0) -> str:
        return self.groups[index]

    def start(self) -> int:
        return self.span[0]

    def end(self) -> int:
        return self.span[1]


class SharePattern:
    """``finditer(text)``: every statement of names, a count in 件 and a share in %, left to right."""

    # what it finds, as the regex it replaces wrote it (the linear-time tests build their inputs from it)
    pattern = (r"((?:[\u4e00-\u9fff]{2,6}?(?:、|及|和|与))*[\u4e00-\u9fff]{2,6}?)\s*(\d+)\s*件[，,（(]?\s*"
               r"占[^，。；%％]{0,12}?(\d+(?:\.\d+)?)\s*[%％]")
    flags = 0

    def finditer(self, text: str) -> Iterator[ShareMatch]:
        lo = pos = 0
        while (m := _COUNT.search(text, pos)) is not None:
            pos = m.end(1)  # the next count starts after this digit run
            end = m.start(1)
            while end > lo and text[end - 1].isspace():
                end -= 1
            begin = _names_start(text, lo, end)
            if begin is None:
                continue
            pct = None
            for gap in range(_PERCENT_GAP + 1):
                at = m.end() + gap
                if gap and (at > len(text) or text[at - 1] in _NOT_IN_GAP):
                    break
                if (pct := _PERCENT.match(text, at)) is not None:
                    break
            if pct is None:
                continue
            yield ShareMatch((text[begin:pct.end()], text[begin:end], m.group(1), pct.group(1)),
                             (begin, pct.end()))
            lo = pos = pct.end()
