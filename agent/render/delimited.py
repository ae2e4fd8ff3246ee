"""A table as CSV with the canonical column names and raw values (for pipes and spreadsheets).

Cells go through :func:`tools.csv_cells.safe_cell`, like every CSV the product writes: a value that a
spreadsheet would run as a formula (``=cmd|…``, ``@SUM(…)``) gets a leading apostrophe, missing values are
empty cells.
"""

from __future__ import annotations

import csv
from typing import TYPE_CHECKING, TextIO

from tools.csv_cells import safe_cell

if TYPE_CHECKING:
    from tools.results import Table


def write_csv(table: Table, stream: TextIO) -> None:
    """Header of column names, then every row; missing values are empty cells, formulas are defused."""
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow([safe_cell(name) for name in table.names])
    writer.writerows([[safe_cell(value) for value in row] for row in table.rows])
