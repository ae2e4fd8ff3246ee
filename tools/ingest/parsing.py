"""Parse text cells into dates and numbers, failing with the file, row and value that broke.

Dates: one format must fit the whole column. A column that only parses under two different formats is
reported as mixed (a silent per-row guess would swap days and months); day-first wins over month-first
when both fit every value, and the caller can always pass an explicit format.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from tools.errors import UserError

if TYPE_CHECKING:
    import pandas as pd

DATE_FORMATS = (
    "ISO8601",
    "%Y%m%d",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y",
    "%m/%d/%Y %H:%M",
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y",
    "%d.%m.%Y",
    "%d.%m.%Y %H:%M",
    "%d-%m-%Y",
    "%Y/%m/%d",
    "%Y/%m/%d %H:%M",
    "%d %b %Y",
    "%b %d, %Y",
    "%d/%m/%y",
    "%m/%d/%y",
)
# Patterns are plain strings (not re.compile) so pandas runs them vectorised in pyarrow.
_NUMBER_NOISE = "[£$€¥ \t\u00a0\u202f]|GBP|USD|EUR"  # currency marks and (thousands) spaces
_DECIMAL_COMMA = r",\d{1,2}$|,\d{4,}$|\.\d{3},\d*$"  # 12,5 · 12,50 · 0,1234 · 1.234,56
_FLOAT_ID = r"^(-?\d+)\.0+$"
_MISSING_IDS = ("nan", "null", "none", "n/a", "#n/a")


@dataclass(frozen=True)
class Column:
    """Where a column came from, so errors can name the file, the source column and the row."""

    path_label: str
    source: str
    first_row_number: int  # file line of the frame's first row (1-based, after the header)


def parse_dates(values: pd.Series, column: Column, date_format: str | None = None) -> pd.Series:
    """Parse a column of date strings (empty cells become NaT) with one format for the whole column."""
    import pandas as pd

    present = values[values != ""]
    uniques = pd.Series(present.unique())
    if uniques.empty:
        return pd.Series(pd.NaT, index=values.index, dtype="datetime64[us]")
    formats = (date_format,) if date_format else DATE_FORMATS
    parsed_by_format: dict[str, pd.Series] = {}
    for fmt in formats:
        try:
            parsed = _try_format(uniques, fmt)
        except ValueError as exc:  # only a user-given format can be malformed
            raise UserError(
                f"--date-format {fmt!r} is not a valid date format ({exc}); use strftime codes such as %d/%m/%Y."
            ) from exc
        if parsed.notna().all():
            lookup = dict(zip(uniques, parsed, strict=True))
            return values.map(lookup).astype("datetime64[us]")
        parsed_by_format[fmt] = parsed
    raise _date_error(values, uniques, parsed_by_format, column, date_format)


def _try_format(uniques: pd.Series, fmt: str) -> pd.Series:
    import pandas as pd

    parsed = pd.to_datetime(uniques, format=fmt, errors="coerce", utc=fmt == "ISO8601")
    if fmt == "ISO8601":
        parsed = parsed.dt.tz_localize(None)
    return parsed.astype("datetime64[us]")


def _date_error(
    values: pd.Series, uniques: pd.Series, parsed_by_format: dict[str, pd.Series], column: Column,
    date_format: str | None,
) -> UserError:
    best_fmt = max(parsed_by_format, key=lambda fmt: parsed_by_format[fmt].notna().sum())
    best = parsed_by_format[best_fmt]
    failing = uniques[best.isna()]
    covered = best.notna()
    for parsed in parsed_by_format.values():
        covered |= parsed.notna()
    first_bad = failing.iloc[0]
    row = _row_of(values, first_bad, column)
    if best.notna().any() and covered.all() and not date_format:
        first_good = uniques[best.notna()].iloc[0]
        return UserError(
            f"{column.path_label} mixes date formats in column '{column.source}' ('{first_good}' and "
            f"'{first_bad}' in row {row}); export the dates in one format, or pass --date-format."
        )
    wanted = f"the format {date_format}" if date_format else "a date such as 2024-03-31"
    return UserError(
        f"{column.path_label} row {row}: '{first_bad}' in column '{column.source}' is not {wanted}; "
        "fix the value or pass --date-format (e.g. --date-format %d/%m/%Y)."
    )


def parse_numbers(values: pd.Series, column: Column, allow_empty: bool = False) -> pd.Series:
    """Parse numeric text (currency marks, thousands separators, decimal commas allowed); NaN/text is an error.

    A column whose values end in a comma and 1-2 (or 4+) digits uses decimal commas (``12,50``, ``1.234,56``);
    otherwise commas are thousands separators (``1,234.50``).
    """
    import numpy as np
    import pandas as pd

    cleaned = values.str.replace(_NUMBER_NOISE, "", regex=True)
    if cleaned.str.contains(_DECIMAL_COMMA, regex=True).any():
        cleaned = cleaned.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
    else:
        cleaned = cleaned.str.replace(",", "", regex=False)
    numbers = pd.to_numeric(cleaned, errors="coerce").astype("float64")
    bad = ~np.isfinite(numbers)
    if allow_empty:
        bad &= cleaned != ""
    if bad.any():
        label = bad.idxmax()
        value = values.loc[label]
        row = column.first_row_number + int(label)
        shown = f"'{value}'" if value != "" else "an empty cell"
        raise UserError(
            f"{column.path_label} row {row}: {shown} in column '{column.source}' is not a number; "
            "fix the value or remove the row."
        )
    return numbers


def normalise_ids(values: pd.Series) -> pd.Series:
    """Strip ids, turn spreadsheet floats like '17850.0' back into '17850', and blank out NULL/NaN markers."""
    stripped = values.str.strip()
    stripped = stripped.where(~stripped.str.lower().isin(_MISSING_IDS), "")
    return stripped.str.replace(_FLOAT_ID, r"\1", regex=True)


def _row_of(values: pd.Series, value: str, column: Column) -> int:
    """File row of the first cell holding ``value`` (frames keep the reader's 0-based index)."""
    return column.first_row_number + int((values == value).idxmax())
