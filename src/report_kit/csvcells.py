"""Cells for CSV files that a spreadsheet opens: text cannot become a formula (CSV/formula injection).

Excel and LibreOffice read a cell starting with ``= + - @`` (or a tab or carriage return before one) as a
formula: an agency named ``=HYPERLINK("http://…","点击")`` or a reason holding ``=cmd|' /C calc'!A0``
would run when summary.csv is opened. The OWASP rule: such text gets a leading apostrophe, which
spreadsheets show and never evaluate. Plain numbers (a negative 本年增/减, a year) stay numbers.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal

_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?[0-9]+(?:\.[0-9]+)?")


def cell(value: object) -> object:
    """The value as written to a CSV cell: numbers as they are, text that could start a formula quoted."""
    if value is None or isinstance(value, (bool, int, float, Decimal)):
        return value
    text = str(value)
    if text.startswith(_TRIGGERS) and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def row(values: Iterable[object]) -> list[object]:
    return [cell(v) for v in values]
