"""Label and number normalisation: what makes "（一）予以公开", "(一) 予以公开" and "予以公开" the same row."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation

# Numbering a report may put before a label: 一、 （一） (1) 1. 1、 ① …
_NUMBERING = re.compile(r"^(?:[一二三四五六七八九十]+[、.]|\([一二三四五六七八九十\d]+\)|\d+[.、]|[①-⑳])+")
# Punctuation and spacing that PDF extraction, OCR and web pages add, drop or change inside labels
_NOISE = re.compile(r"[\s,，、;；:：.。()（）\[\]【】“”\"'‘’《》<>〈〉*#|·_\-—－]+")
_BLANK = {"", "-", "—", "－", "/", "／", "\\", "无", "空", "——", "--"}
_NUMBER = re.compile(r"^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$|^[+-]?\d+(?:\.\d+)?$")
# A number followed by a remark in brackets, as multi-line PDF cells come out: "22（其中修订 16 件）"
_NUMBER_REMARK = re.compile(r"^([+-]?\d+(?:\.\d+)?)\s*[(（][^()（）]*[)）]?$")


def nfkc(text: str) -> str:
    """Full-width digits, letters and brackets to their ASCII forms; non-breaking spaces to spaces."""
    return unicodedata.normalize("NFKC", text).replace("\u3000", " ")


def norm(label: str) -> str:
    """A label as compared: ASCII digits and brackets, no numbering, no spaces or punctuation."""
    s = nfkc(label).strip()
    s = re.sub(r"^#+\s*", "", s)
    s = _NUMBERING.sub("", s.replace(" ", ""))
    return _NOISE.sub("", s)


def is_blank(cell: str) -> bool:
    return nfkc(cell).strip() in _BLANK


def parse_number(cell: str) -> Decimal | None:
    """The number a value cell holds, or None when it holds something else (blank is checked separately)."""
    s = nfkc(cell).strip().replace(" ", "")
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
    """A cell that can stand in a figure column: a number or a blank."""
    return is_blank(cell) or parse_number(cell) is not None
