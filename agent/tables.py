"""Render tool results (columns + rows) as rich tables, CSV or JSON: one place for every command."""

from __future__ import annotations

import csv
import sys
from typing import Any

from rich.table import Table

HEADERS = {
    "customer_id": "customer",
    "recency_days": "days since order",
    "frequency": "orders",
    "monetary": "net revenue",
    "p_alive": "P(alive)",
    "expected_orders_90d": "exp. orders 90d",
    "predicted_value_12m": "pred. value 12m",
    "value_tier": "value",
    "segment_id": "seg",
    "segment_name": "segment",
}


COMPACT_COLUMNS = ("customer_id", "lifecycle", "value_tier", "recency_days", "frequency", "monetary", "p_alive",
                   "predicted_value_12m", "segment_id")


def fit_columns(columns: list[str], rows: list[list[Any]], width: int) -> tuple[list[str], list[list[Any]]]:
    """On a narrow terminal keep the key customer columns (csv/json output always has them all)."""
    if len(columns) <= 8 or width >= 150:
        return columns, rows
    keep = [i for i, column in enumerate(columns) if column in COMPACT_COLUMNS] or list(range(8))
    return [columns[i] for i in keep], [[row[i] for i in keep] for row in rows]


def rich_table(columns: list[str], rows: list[list[Any]], title: str | None = None) -> Table:
    """A rich table with friendly headers; numbers right-aligned and formatted with separators."""
    table = Table(title=title, title_justify="left", header_style="bold")
    numeric = [_is_numeric_column(rows, index) for index in range(len(columns))]
    for column, is_numeric in zip(columns, numeric, strict=True):
        table.add_column(HEADERS.get(column, column.replace("_", " ")), justify="right" if is_numeric else "left")
    for row in rows:
        table.add_row(*(format_cell(value) for value in row))
    return table


def format_cell(value: Any) -> str:
    """Human formatting: thousands separators, two decimals for money-like floats, '–' for missing."""
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.2f}" if abs(value) >= 1 or value == 0 else f"{value:.2f}"
    return str(value)


def write_csv(columns: list[str], rows: list[list[Any]]) -> None:
    """CSV on stdout with the canonical column names (for pipes and spreadsheets)."""
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows([["" if value is None else value for value in row] for row in rows])


def _is_numeric_column(rows: list[list[Any]], index: int) -> bool:
    values = [row[index] for row in rows if row[index] is not None]
    return bool(values) and all(isinstance(v, int | float) and not isinstance(v, bool) for v in values)
