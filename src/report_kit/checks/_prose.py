"""Reading the analyst's text: the sections to read, sentences, excerpts and stable finding keys.

Shared by the rules on wording, requirements and text against tables.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from report_kit.model import AgencyYear

SENTENCE = re.compile(r"[^。；;\n]+")

def _texts(ay: AgencyYear) -> Iterator[tuple[str, str]]:
    for key in ay.fmt.text_keys:
        text = ay.text.get(key)
        if text:
            yield key, text


def _section_num(ay: AgencyYear, key: str) -> str:
    return ay.fmt.section(key).num


def _stable_key(section: str, token: str, seen: dict[str, int]) -> str:
    """``section:token#n``: survives edits elsewhere in the file (no character offsets)."""
    compact = re.sub(r"\s+", "", token)[:24]
    base = f"{section}:{compact}"
    seen[base] = seen.get(base, 0) + 1
    return base if seen[base] == 1 else f"{base}#{seen[base]}"


def _sentence(text: str, start: int) -> str:
    """The sentence around position ``start``: the stable part of a text finding's id."""
    left = max(text.rfind(p, 0, start) for p in "。；;\n")
    right = min((i for i in (text.find(p, start) for p in "。；;\n") if i >= 0), default=len(text))
    return text[left + 1: right]


def _excerpt(text: str, start: int, end: int, pad: int = 12) -> str:
    return text[max(0, start - pad): end + pad].replace("\n", " ")


def _mentions(text: str, words: tuple[str, ...]) -> bool:
    return any(w in text for w in words)


def _statements(ay: AgencyYear) -> Iterator[tuple[str, str, int]]:
    for key, text in _texts(ay):
        for m in SENTENCE.finditer(text):
            yield key, m.group(0), m.start()
