"""Read numeric text faithfully: one number format per column, decided from every value, or a refusal.

``12,50`` means twelve and a half in Berlin and ``1,234.50`` means a thousand and more in London; a column
must not mix the two, because reading it either way turns one half into wrong numbers (the old rule — "any
value with a decimal comma makes the whole column decimal-comma" — stored 1,234.50 as 1.2345). Each distinct
value says which decimal marks it allows:

- ``3.5``, ``0.125``, ``1,234.50``, ``1,234,567``, ``1e-3`` allow only a decimal point;
- ``12,50``, ``0,5``, ``1.234,50``, ``1.234.567`` allow only a decimal comma;
- ``1,234`` and ``1.234`` allow both (a thousands group or three decimals), as do plain integers;
- ``12 345,67`` / ``12 345.67`` (space, no-break space, narrow no-break space, thin space or apostrophe as
  the thousands separator) allow the mark they end with.

The column's mark is what every value allows; none → refused, naming a value of each kind. When only
ambiguous values are present, the mark other columns of the same file settled is used, then
``[ingest] decimal_mark``, then the decimal point (with a warning). Currency symbols and codes, a leading or
trailing minus and accounting parentheses ``(12.50)`` are understood; anything else is not a number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from tools.errors import UserError
from tools.ingest.values import shown

if TYPE_CHECKING:
    import pandas as pd

    from tools.ingest.parsing import Column

BOTH = frozenset(".,")
POINT = frozenset(".")
COMMA = frozenset(",")
_GROUP = "[ \u00a0\u202f\u2009'\u2019]"
_CURRENCY_START = re.compile(r"(?:[£$€¥₹₩₽¢]|[A-Z]{3}(?![A-Za-z]))\s*")
_CURRENCY_END = re.compile(r"\s*(?:[£$€¥₹₩₽¢]|(?<![A-Za-z])[A-Z]{3})$")
_SIGNS = "-+\u2212"
_PATTERNS: tuple[tuple[str, frozenset[str]], ...] = (
    (r"\d+", BOTH),
    (r"[1-9]\d{0,2}[.,]\d{3}", BOTH),  # 1.234 or 1,234: a thousands group or three decimals
    (r"(?:\d+\.?\d*|\.\d+)[eE][-+]?\d+", POINT),
    (r"\d*\.\d+|\d+\.", POINT),
    (r"\d*,\d+", COMMA),
    (r"[1-9]\d{0,2}(?:,\d{3})+(?:\.\d+)?|[1-9]\d?(?:,\d\d)+,\d{3}(?:\.\d+)?", POINT),  # 1,234,567.5 (and Indian)
    (r"[1-9]\d{0,2}(?:\.\d{3})+(?:,\d+)?", COMMA),  # 1.234.567,5
    (r"[1-9]\d{0,2}(?:" + _GROUP + r"\d{3})+", BOTH),  # 12 345
    (r"[1-9]\d{0,2}(?:" + _GROUP + r"\d{3})+\.\d+", POINT),  # 12 345.67
    (r"[1-9]\d{0,2}(?:" + _GROUP + r"\d{3})+,\d+", COMMA),  # 12 345,67
)
_CLASSES = tuple((re.compile(pattern), marks) for pattern, marks in _PATTERNS)


@dataclass
class NumberColumn:
    """One column to read as numbers: its cells, where it came from, and whether empty cells are allowed."""

    values: pd.Series
    column: Column
    allow_empty: bool = False
    max_abs: float | None = None
    marks: frozenset[str] = BOTH
    examples: dict[str, str] = field(default_factory=dict)  # mark -> a value that only allows it
    cores: dict[str, tuple[str, bool]] = field(default_factory=dict)  # unique value -> (digits part, negative)
    fast: bool = False  # only plain integers and point decimals: converted vectorised


def parse_number_columns(columns: dict[str, NumberColumn], decimal_mark: str = "auto") -> tuple[
        dict[str, pd.Series], list[str]]:
    """Parse every column with one decimal mark per column; returns the numbers and any warnings."""
    for number_column in columns.values():
        _classify(number_column, decimal_mark)
    settled = {mark for c in columns.values() if len(c.marks) == 1 for mark in c.marks}
    file_mark = next(iter(settled)) if len(settled) == 1 else None
    results: dict[str, pd.Series] = {}
    warnings: list[str] = []
    for name, number_column in columns.items():
        if len(number_column.marks) == 1:
            mark = next(iter(number_column.marks))
        else:
            mark = file_mark or (decimal_mark if decimal_mark != "auto" else ".")
            ambiguous = number_column.examples.get("both")
            if ambiguous and not file_mark and decimal_mark == "auto":
                warnings.append(
                    f"{number_column.column.path_label}: values such as {shown(ambiguous)} in column "
                    f"'{number_column.column.source}' were read with a decimal point ({ambiguous.replace(',', '')}"
                    f" rather than {ambiguous.replace('.', '').replace(',', '.')}); if that is wrong, set "
                    "decimal_mark = \",\" in [ingest] of segment-agent.toml and ingest again.")
        results[name] = _convert(number_column, mark)
    return results, warnings


def parse_numbers(values: pd.Series, column: Column, allow_empty: bool = False, max_abs: float | None = None
                  ) -> pd.Series:
    """One numeric column on its own (see :func:`parse_number_columns`)."""
    parsed, _ = parse_number_columns({"value": NumberColumn(values, column, allow_empty, max_abs)})
    return parsed["value"]


def _classify(number_column: NumberColumn, decimal_mark: str) -> None:
    import pandas as pd

    values, column = number_column.values, number_column.column
    marks = set(BOTH if decimal_mark == "auto" else decimal_mark)
    if decimal_mark in ("auto", ".") and _plain_decimals(number_column):
        return
    for value in pd.unique(values.to_numpy()):
        text = str(value)
        stripped = text.strip()
        if not stripped and number_column.allow_empty:
            continue
        parts = _split_number(stripped)
        allowed = _allowed(parts[0]) if parts else None
        if parts is None or allowed is None:
            raise _not_a_number(values, text, column)
        number_column.cores[text] = parts
        key = "both" if allowed == BOTH else next(iter(allowed))
        if key != "both" or any(ch in parts[0] for ch in ".,"):
            number_column.examples.setdefault(key, text)
        if not allowed & marks:
            raise _mixed(values, number_column, marks, text)
        marks &= allowed
    number_column.marks = frozenset(marks)


def _plain_decimals(number_column: NumberColumn) -> bool:
    """The common case, checked vectorised: only integers and unambiguous point decimals (no separators)."""
    values = number_column.values.str.strip()
    decimal = values.str.fullmatch(r"-?\d*\.\d+")
    plain = values.str.fullmatch(r"-?\d+") | decimal
    if number_column.allow_empty:
        plain |= values == ""
    if not plain.all() or values.str.fullmatch(r"-?[1-9]\d{0,2}\.\d{3}").any():
        return False
    number_column.fast = True
    if decimal.any():
        number_column.marks = POINT
        number_column.examples["."] = str(number_column.values[decimal].iloc[0])
    return True


def _split_number(text: str) -> tuple[str, bool] | None:
    """(the digits and separators, is negative) once currency marks, one sign and accounting parentheses are
    taken off; None when more than one sign or unbalanced parentheses show it is not a number."""
    negative = text.startswith("(") and text.endswith(")")
    if negative:
        text = text[1:-1].strip()
    signs = 0
    for _ in range(3):  # "-£12", "£-12", "EUR 12" …
        if text and text[0] in _SIGNS:
            signs += 1
            negative ^= text[0] != "+"
            text = text[1:].lstrip()
        elif match := _CURRENCY_START.match(text):
            text = text[match.end():]
    for _ in range(3):  # "12 €", "12-", "12 EUR-" …
        if text[-1:] == "-":
            signs += 1
            negative = not negative
            text = text[:-1].rstrip()
        elif match := _CURRENCY_END.search(text):
            text = text[:match.start()]
    if signs > 1 or not text or "(" in text or ")" in text:
        return None
    return text, negative


def _allowed(body: str) -> frozenset[str] | None:
    for pattern, marks in _CLASSES:
        if pattern.fullmatch(body):
            return marks
    return None


def _convert(number_column: NumberColumn, mark: str) -> pd.Series:
    import numpy as np
    import pandas as pd

    if number_column.fast:
        numbers = pd.to_numeric(number_column.values.str.strip().replace("", None), errors="coerce").astype("float64")
    else:
        lookup: dict[str, float] = {}
        for text, (body, negative) in number_column.cores.items():
            digits = re.sub(_GROUP, "", body)
            digits = digits.replace(",", "") if mark == "." else digits.replace(".", "").replace(",", ".")
            number = float(digits)
            lookup[text] = -number if negative else number
        numbers = number_column.values.map(lookup).astype("float64")
    bad = ~np.isfinite(numbers.to_numpy())
    if number_column.allow_empty:
        bad &= number_column.values.str.strip().to_numpy() != ""
    if bad.any():
        raise _not_a_number(number_column.values, number_column.values.iloc[int(bad.argmax())], number_column.column)
    limit = number_column.max_abs
    if limit is not None:
        outside = np.abs(np.nan_to_num(numbers.to_numpy())) > limit
        if outside.any():
            label = number_column.values.index[int(outside.argmax())]
            raise implausible_number(number_column.column, number_column.values.loc[label], int(label), limit)
    return pd.Series(numbers.to_numpy(), index=number_column.values.index)


def implausible_number(column: Column, value: object, label: int, limit: float) -> UserError:
    """A number too large to be a real order line (``label``: its row's index), and how to allow it if real."""
    return UserError(
        f"{column.path_label} row {column.first_row_number + label:,}: {shown(value)} in column '{column.source}' "
        f"is not a plausible value (beyond ±{limit:,.0f}); fix the value, or raise max_abs_amount in [ingest] of "
        "segment-agent.toml if it is real.")


def _row(values: pd.Series, value: str, column: Column) -> int:
    """File row of the first cell holding ``value`` (the frame's index is the row's position in the file)."""
    return column.first_row_number + int((values == value).idxmax())


def _not_a_number(values: pd.Series, value: str, column: Column) -> UserError:
    what = shown(value) if str(value).strip() else "an empty cell"
    return UserError(f"{column.path_label} row {_row(values, value, column):,}: {what} in column '{column.source}' "
                     "is not a number; fix the value or remove the row.")


def _mixed(values: pd.Series, number_column: NumberColumn, marks: set[str], value: str) -> UserError:
    column = number_column.column
    if marks != set(BOTH) and len(marks) == 1 and not number_column.examples.get(next(iter(marks))):
        wanted = "a decimal point" if "." in marks else "a decimal comma"
        return UserError(f"{column.path_label} row {_row(values, value, column):,}: {shown(value)} in column "
                         f"'{column.source}' does not use {wanted} as decimal_mark in [ingest] of segment-agent.toml "
                         "says; fix the value or change the setting.")
    point = number_column.examples.get(".", value)
    comma = number_column.examples.get(",", value)
    point_row, comma_row = _row(values, point, column), _row(values, comma, column)
    return UserError(
        f"{column.path_label} mixes number formats in column '{column.source}': {shown(point)} (row {point_row:,}) "
        f"has a decimal point and {shown(comma)} (row {comma_row:,}) a decimal comma; export the column in one format.")
