"""Label and number normalisation: what makes "（一）予以公开", "(一) 予以公开" and "予以公开" the same row."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import NamedTuple

from report_kit.importers._script import simplified

# Numbering a report may put before a label: 一、 （一） (1) 1. 1、 ① …
_NUMBERING = re.compile(r"^(?:[一二三四五六七八九十]+[、.]|\([一二三四五六七八九十\d]+\)|\d+[.、]|[①-⑳])+")
# Punctuation and spacing that PDF extraction, OCR and web pages add, drop or change inside labels
_NOISE = re.compile(r"[\s,，、;；:：.。()（）\[\]【】“”\"'‘’《》<>〈〉*#|·_\-—－]+")
_BLANK = {"", "-", "—", "－", "/", "／", "\\", "无", "空", "——", "--"}
_NUMBER = re.compile(r"^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$|^[+-]?\d+(?:\.\d+)?$")
# A number followed by a remark in brackets, as multi-line PDF cells come out: "22（其中修订 16 件）"
_NUMBER_REMARK = re.compile(r"^([+-]?\d+(?:\.\d+)?)\s*[(（][^()（）]*[)）]?$")
# Units a figure may be written with: 251000元, 1.5万元, 124件, 3项 (counts' units are what the column counts);
# longest first, so 万元 is not read as 元
UNITS = ("万元", "人次", "元", "件", "项", "条", "个", "次", "宗", "起", "家", "人")
AMOUNT_UNITS = {"元": Decimal(1), "万元": Decimal(10000)}


def nfkc(text: str) -> str:
    """Full-width digits, letters and brackets to their ASCII forms; non-breaking spaces to spaces."""
    return unicodedata.normalize("NFKC", text).replace("\u3000", " ")


@lru_cache(maxsize=65536)
def norm(label: str) -> str:
    """A label as compared: simplified characters, ASCII digits and brackets, no numbering, no spaces or
    punctuation."""
    s = simplified(nfkc(label)).strip()
    s = re.sub(r"^#+\s*", "", s)
    s = _NUMBERING.sub("", s.replace(" ", ""))
    return _NOISE.sub("", s)


def is_blank(cell: str) -> bool:
    return nfkc(cell).strip() in _BLANK


class Figure(NamedTuple):
    value: Decimal
    unit: str | None  # as written after the number (元, 万元, 件 …), None when there was none


def parse_figure(cell: str) -> Figure | None:
    """The number a value cell holds and the unit written with it, or None when it holds something else."""
    s = nfkc(cell).strip()
    unit = next((u for u in UNITS if s.endswith(u) and s[:-len(u)].rstrip()[-1:].isdigit()), None)
    if unit:
        s = s[:-len(unit)].rstrip()
    value = parse_number(s)
    return None if value is None else Figure(value, unit)


def parse_number(cell: str) -> Decimal | None:
    """The number a value cell holds (without a unit), or None when it holds something else (blank is checked
    separately). Spaces inside are not removed: "1 2" is two figures run together, not 12."""
    s = nfkc(cell).strip()
    if s[:1] in ("+", "-"):
        s = s[0] + s[1:].lstrip()  # "+ 2"
    m = _NUMBER_REMARK.match(s)
    if m:
        s = m.group(1)
    if not _NUMBER.match(s):
        return None
    try:
        return Decimal(s.replace(",", ""))
    except InvalidOperation:  # pragma: no cover - the regex admits only valid decimals
        return None


def is_value(cell: str) -> bool:
    """A cell that can stand in a figure column: a number (with or without its unit) or a blank."""
    return is_blank(cell) or parse_figure(cell) is not None
