"""Cells that are safe in a spreadsheet: the OWASP CSV-injection rule, applied to every CSV the product writes.

A customer id such as ``=cmd|' /C calc'!A0`` or a name such as ``@SUM(1+1)*cmd|…`` is run as a formula when a
marketer opens the export in Excel or LibreOffice. OWASP's rule: a text cell that starts with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return gets a leading apostrophe, which spreadsheets show as text. Numbers
stay numbers (a negative total is not a formula), and so do values made only of digits and phone punctuation
such as ``+49 30 1234567`` or ``-12.5``: they cannot call anything, and ESPs must still read them as phone
numbers and numbers. Missing values (None, NaN, pandas' NA) are empty cells, never ``<NA>`` or ``nan``.
"""

from __future__ import annotations

import math
import re
import sys
from typing import Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_INERT = re.compile(r"[+-]?[\d\s().,/-]*\d[\d\s().,/-]*")


def safe_cell(value: Any) -> Any:
    """``value`` ready for a CSV cell (see the module docstring)."""
    if value is None or _is_missing(value):
        return ""
    if isinstance(value, bool | int | float):
        return value
    text = str(value)
    if text.startswith(FORMULA_START) and not _INERT.fullmatch(text):
        return "'" + text
    return text


def _is_missing(value: Any) -> bool:
    if isinstance(value, float):
        return math.isnan(value)
    pandas = sys.modules.get("pandas")  # a pandas NA can only exist once pandas is loaded
    return pandas is not None and (value is pandas.NA or value is pandas.NaT)
