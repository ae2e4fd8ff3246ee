"""A table as CSV with the canonical column names and raw values (for pipes and spreadsheets)."""

from __future__ import annotations

import csv
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from tools.results import Table


def write_csv(table: Table, stream: TextIO) -> None:
    """Header of column names, then every row; missing values are empty cells."""
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(table.names)
    writer.writerows([["" if value is None else value for value in row] for row in table.rows])
