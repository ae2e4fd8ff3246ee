"""Small rules for cell values: how one is quoted in a message, and which characters an id never holds.

A value quoted in an error comes from the user's file, so it may be huge, hold a carriage return or a
terminal escape, or look like markup: :func:`shown` makes it short and inert. Ids copied out of
spreadsheets and web pages carry invisible characters (a byte-order mark, zero-width spaces, bidi marks)
that make "C-17" and "\\ufeffC-17" two customers: :data:`INVISIBLE` lists what :func:`clean_ids` removes.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

# Format characters (Unicode Cf) that are invisible in an id, plus C0/C1 control characters.
INVISIBLE = "[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\x00-\x1f\x7f-\x9f]"
_ESCAPE = re.compile(INVISIBLE.replace("\\x00-\\x1f", "\\x00-\\x09\\x0b-\\x1f"))
_FLOAT_ID = r"^(-?\d+)\.0+$"
_MISSING_IDS = ("nan", "null", "none", "n/a", "#n/a")


def shown(value: object, limit: int = 60) -> str:
    """``value`` quoted for a message: at most ``limit`` characters, invisible and control characters escaped."""
    text = str(value)
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    text = _ESCAPE.sub(lambda match: match.group().encode("unicode_escape").decode("ascii"), text)
    return f"'{text}'"


def clean_ids(values: pd.Series) -> pd.Series:
    """Ids without invisible characters and surrounding space; spreadsheet floats like '17850.0' become
    '17850' and NULL/NaN markers become empty."""
    stripped = values.str.replace(INVISIBLE, "", regex=True).str.strip()
    stripped = stripped.where(~stripped.str.lower().isin(_MISSING_IDS), "")
    return stripped.str.replace(_FLOAT_ID, r"\1", regex=True)
