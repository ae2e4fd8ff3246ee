"""Typed tool results: each knows its facts (what a model may see) and its tables (what a person sees).

Tables carry a *kind* per column (money, share, lift, days…) so every renderer — terminal, JSON, Markdown,
Slack — formats the same value the same way: a share is "62%" wherever a person reads it and 0.62 in JSON.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from tools.jsonable import to_jsonable


class Kind(StrEnum):
    """How a column's values read."""

    TEXT = "text"
    ID = "id"
    COUNT = "count"
    NUMBER = "number"
    MONEY = "money"
    SHARE = "share"  # 0–1, shown as a percentage
    CHANGE = "change"  # percent change, e.g. +12.5
    POINTS = "points"  # a change of a share in percentage points, e.g. +5.2 (from 87.4% to 92.6%)
    LIFT = "lift"  # a ratio against a base, shown as 1.4×
    PROBABILITY = "probability"  # 0–1, shown with two decimals
    DAYS = "days"
    DATE = "date"


@dataclass(frozen=True)
class Column:
    """One column: its canonical name (JSON, CSV), how it reads, and an optional friendlier header."""

    name: str
    kind: Kind = Kind.TEXT
    label: str | None = None

    @property
    def header(self) -> str:
        return self.label or self.name.replace("_", " ")


@dataclass
class Table:
    """Rows for a person (never sent to a model). ``total`` counts all rows when ``rows`` holds the first."""

    title: str
    columns: list[Column]
    rows: list[list[Any]]
    total: int | None = None
    row_kinds: list[Kind] | None = None  # for measure/value tables: how each row's numbers read

    def kind_at(self, row: int, column: int) -> Kind:
        """How the value at (row, column) reads: the row's kind for numeric cells of such tables."""
        kind = self.columns[column].kind
        if self.row_kinds is not None and kind in (Kind.NUMBER, Kind.TEXT) and column > 0:
            return self.row_kinds[row]
        if self.row_kinds is not None and kind is Kind.CHANGE and self.row_kinds[row] is Kind.SHARE:
            return Kind.POINTS  # a rate's change is told in points: 87.4% → 92.6% is +5.2 pts, not +6%
        return kind

    @property
    def names(self) -> list[str]:
        return [column.name for column in self.columns]

    def to_json(self) -> dict[str, Any]:
        """The §8 table object: title, column names, rows (plus column kinds and the full row count)."""
        payload = {"title": self.title, "columns": self.names, "kinds": [c.kind.value for c in self.columns],
                   "rows": to_jsonable(self.rows), "total": self.total if self.total is not None else len(self.rows)}
        if self.row_kinds is not None:
            payload["row_kinds"] = [kind.value for kind in self.row_kinds]
        return payload


def columns(*specs: tuple[str, Kind] | tuple[str, Kind, str] | str) -> list[Column]:
    """Shorthand: columns(("customer_id", Kind.ID), ("monetary", Kind.MONEY, "net revenue"), "name")."""
    built = []
    for spec in specs:
        built.append(Column(spec) if isinstance(spec, str) else Column(*spec))
    return built


class ToolResult:
    """Base of every tool's result dataclass.

    ``facts`` are aggregates safe to show a language model and the only numbers an answer may cite;
    ``tables`` and ``draft_texts`` go to the user; ``data`` is the whole result as JSON for scripts (the same
    object a command's ``--json`` and the matching ``ask --json`` step carry).
    """

    warnings: list[str]

    def facts(self) -> dict[str, Any]:
        raise NotImplementedError

    def tables(self) -> list[Table]:
        return []

    def draft_texts(self) -> list[dict[str, Any]]:
        """Campaign drafts to show as copyable blocks (only draft_campaign has any)."""
        return []

    def row_count(self) -> int | None:
        """How many rows the step produced (shown in the answer's steps)."""
        tables = self.tables()
        if not tables:
            return None
        first = tables[0]
        return first.total if first.total is not None else len(first.rows)

    def data(self) -> dict[str, Any]:
        return to_jsonable(self)

