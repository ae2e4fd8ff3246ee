"""Parse text cells into dates, failing with the file, row and value that broke (numbers: :mod:`.numbers`).

Dates: one format must fit the whole column. A column that only parses under two different formats is
reported as mixed (a silent per-row guess would swap days and months). A column that fits both day-first and
month-first (01/02/2025 … 07/08/2025: no day above 12) is refused until ``--date-format`` says which it is,
rather than read day-first without a word. Parsed dates must lie between ``[ingest] earliest_date`` (1970)
and tomorrow: an order dated 9999-12-31 would make every customer look lapsed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from tools.errors import UserError
from tools.ingest.numbers import parse_numbers  # noqa: F401 - re-exported: parsing is where callers look
from tools.ingest.values import clean_ids as normalise_ids  # noqa: F401 - re-exported
from tools.ingest.values import shown

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
    "%d.%m.%Y %H:%M:%S",
    "%d-%m-%Y",
    "%Y/%m/%d",
    "%Y/%m/%d %H:%M",
    "%d %b %Y",
    "%b %d, %Y",
    "%d/%m/%y",
    "%m/%d/%y",
)
# Formats that read the same text with day and month swapped.
_TWINS = {"%d/%m/%Y %H:%M": "%m/%d/%Y %H:%M", "%d/%m/%Y %H:%M:%S": "%m/%d/%Y %H:%M:%S", "%d/%m/%Y": "%m/%d/%Y",
          "%d/%m/%y": "%m/%d/%y"}
_TWINS.update({month_first: day_first for day_first, month_first in list(_TWINS.items())})


@dataclass(frozen=True)
class Column:
    """Where a column came from, so errors can name the file, the source column and the row."""

    path_label: str
    source: str
    first_row_number: int  # file line of the frame's first row (1-based, after the header)


@dataclass(frozen=True)
class DateBounds:
    """The plausible range of dates: ``earliest`` inclusive, ``before`` exclusive."""

    earliest: datetime
    before: datetime


def parse_dates(values: pd.Series, column: Column, date_format: str | None = None,
                bounds: DateBounds | None = None) -> pd.Series:
    """Parse a column of date strings (empty cells become NaT) with one format for the whole column."""
    import pandas as pd

    present = values[values != ""]
    uniques = pd.Series(present.unique())
    if uniques.empty:
        return pd.Series(pd.NaT, index=values.index, dtype="datetime64[us]")
    formats = (date_format,) if date_format else DATE_FORMATS
    parsed_by_format: dict[str, pd.Series] = {}
    for fmt in formats:
        parsed = _parsed(uniques, fmt)
        if parsed.notna().all():
            if not date_format:
                _refuse_ambiguous(values, uniques, parsed, fmt, column)
            if bounds is not None:
                _check_bounds(values, uniques, parsed, column, bounds)
            lookup = dict(zip(uniques, parsed, strict=True))
            return values.map(lookup).astype("datetime64[us]")
        parsed_by_format[fmt] = parsed
    raise _date_error(values, uniques, parsed_by_format, column, date_format)


def _parsed(uniques: pd.Series, fmt: str) -> pd.Series:
    try:
        return _try_format(uniques, fmt)
    except (ValueError, OverflowError) as exc:  # only a user-given format can be malformed
        raise UserError(
            f"--date-format {fmt!r} is not a valid date format ({exc}); use strftime codes such as %d/%m/%Y."
        ) from exc


def _try_format(uniques: pd.Series, fmt: str) -> pd.Series:
    import pandas as pd

    parsed = pd.to_datetime(uniques, format=fmt, errors="coerce", utc=fmt == "ISO8601")
    if fmt == "ISO8601":
        parsed = parsed.dt.tz_localize(None)
    return parsed.astype("datetime64[us]")


def _refuse_ambiguous(values: pd.Series, uniques: pd.Series, parsed: pd.Series, fmt: str, column: Column) -> None:
    twin = _TWINS.get(fmt)
    if twin is None:
        return
    swapped = _try_format(uniques, twin)
    if swapped.isna().any() or (swapped == parsed).all():
        return
    example = uniques[swapped != parsed].iloc[0]
    day_first, month_first = (fmt, twin) if fmt.startswith("%d") else (twin, fmt)
    raise UserError(
        f"{column.path_label}: every date in column '{column.source}' reads both day-first and month-first (e.g. "
        f"{shown(example)} in row {_row_of(values, example, column):,}), so the day and month cannot be told apart; "
        f"pass --date-format {_quoted(day_first)} (day first) or --date-format {_quoted(month_first)} (month first).")


def _quoted(fmt: str) -> str:
    return f'"{fmt}"' if " " in fmt else fmt


def _check_bounds(values: pd.Series, uniques: pd.Series, parsed: pd.Series, column: Column,
                  bounds: DateBounds) -> None:
    import numpy as np

    stamps = parsed.to_numpy()
    early = stamps < np.datetime64(bounds.earliest, "us")
    late = stamps >= np.datetime64(bounds.before, "us")
    for mask, side in ((early, "before"), (late, "after")):
        if mask.any():
            value = uniques[mask].iloc[0]
            limit = bounds.earliest.date() if side == "before" else (bounds.before.date().toordinal() - 1)
            shown_limit = limit if side == "before" else datetime.fromordinal(int(limit)).date()
            setting = "earliest_date" if side == "before" else "max_days_ahead"
            raise UserError(
                f"{column.path_label} row {_row_of(values, value, column):,}: {shown(value)} in column "
                f"'{column.source}' is {side} {shown_limit}, outside the plausible range of dates; fix the date, or "
                f"change {setting} in [ingest] of segment-agent.toml if it is real.")


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
            f"{column.path_label} mixes date formats in column '{column.source}' ({shown(first_good)} and "
            f"{shown(first_bad)} in row {row:,}); export the dates in one format, or pass --date-format."
        )
    wanted = f"the format {date_format}" if date_format else "a date such as 2024-03-31"
    return UserError(
        f"{column.path_label} row {row:,}: {shown(first_bad)} in column '{column.source}' is not {wanted}; "
        "fix the value or pass --date-format (e.g. --date-format %d/%m/%Y)."
    )


def _row_of(values: pd.Series, value: str, column: Column) -> int:
    """File row of the first cell holding ``value`` (frames keep the reader's 0-based index)."""
    return column.first_row_number + int((values == value).idxmax())
