"""Find customers by lifecycle, value, segment and behaviour: the audience behind most questions.

``AudienceFilter`` is the one argument schema for "which customers": the CLI options, the agent's
``find_customers`` tool, campaign audiences and exports all use it, so they can never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, Field, field_validator

from tools.errors import UserError
from tools.jsonable import to_plain

if TYPE_CHECKING:
    import duckdb

SortKey = Literal["recency_days", "frequency", "monetary", "p_alive", "expected_orders_90d",
                  "predicted_value_12m", "days_overdue", "customer_id"]
SORT_DESCENDING = {"frequency", "monetary", "p_alive", "expected_orders_90d", "predicted_value_12m",
                   "days_overdue", "recency_days"}
OUTPUT_COLUMNS = ["customer_id", "lifecycle", "value_tier", "recency_days", "frequency", "monetary", "p_alive",
                  "expected_orders_90d", "predicted_value_12m", "country"]


class AudienceFilter(BaseModel):
    """Which customers to select. Every field is optional; empty lists and None mean "any"."""

    lifecycle: list[Literal["new", "active", "lapsing", "lapsed"]] = Field(
        default_factory=list, description="Lifecycle stages to include: new, active, lapsing, lapsed.")
    value_tier: list[Literal["high", "mid", "low"]] = Field(
        default_factory=list, description="Value tiers to include: high (top 20% by revenue), mid, low.")
    segment: str | None = Field(None, description="Segment id or slug from segment_overview.")
    category: str | None = Field(None, description="Only customers who bought from this product category.")
    country: str | None = Field(None, description="Only customers from this country (as in the data).")
    min_days_since_order: int | None = Field(None, ge=0, description="Last order at least this many days ago.")
    max_days_since_order: int | None = Field(None, ge=0, description="Last order at most this many days ago.")
    min_orders: int | None = Field(None, ge=0, description="At least this many orders.")
    max_orders: int | None = Field(None, ge=0, description="At most this many orders.")
    min_spend: float | None = Field(None, description="Net revenue at least this much.")
    max_spend: float | None = Field(None, description="Net revenue at most this much.")
    sort_by: SortKey | None = Field(None, description="Sort key; default: predicted 12-month value, highest first.")
    limit: int | None = Field(None, ge=1, description="Return at most this many rows (all matches are counted).")

    @field_validator("lifecycle", "value_tier", mode="before")
    @classmethod
    def _single_value_is_a_list(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value

    def describe(self) -> str:
        """Plain-words description, e.g. "lapsing high-value customers in Germany"."""
        words = []
        if self.lifecycle:
            words.append(" or ".join(self.lifecycle))
        if self.value_tier:
            words.append(" or ".join(self.value_tier) + "-value")
        text = " ".join(words + ["customers"])
        extras = []
        if self.segment:
            extras.append(f"in segment {self.segment}")
        if self.category:
            extras.append(f"who bought {self.category}")
        if self.country:
            extras.append(f"in {self.country}")
        for name, label in (("min_days_since_order", "last order ≥ {} days ago"),
                            ("max_days_since_order", "last order ≤ {} days ago"),
                            ("min_orders", "≥ {} orders"), ("max_orders", "≤ {} orders"),
                            ("min_spend", "spent ≥ {}"), ("max_spend", "spent ≤ {}")):
            value = getattr(self, name)
            if value is not None:
                extras.append(label.format(value))
        return " ".join([text, *extras]) if extras else text


@dataclass
class CustomerList:
    """Matching customers: table rows for people, all ids for campaigns and exports."""

    description: str
    columns: list[str]
    rows: list[list[Any]]
    total: int
    customer_ids: list[str] = field(default_factory=list)
    as_of: str = ""


def find_customers(workspace_root: Path, filters: AudienceFilter) -> CustomerList:
    """Customers matching ``filters``, sorted, with the total count before ``limit``."""
    from tools.behaviour.feature_store import ensure_features
    from tools.store.workspace import Workspace

    ensure_features(workspace_root)
    with Workspace(workspace_root).connect(read_only=True) as con:
        has_segments = _has_table(con, "current_segments")
        if filters.segment is not None and not has_segments:
            raise UserError("No segments yet: run  segment-agent segment  first, then filter by --segment.")
        where, params = _where(con, filters, has_segments)
        columns = OUTPUT_COLUMNS + (["segment_id", "segment_name"] if has_segments else [])
        select = ", ".join(f"f.{c}" if c not in {"segment_id", "segment_name"} else f"s.{c}" for c in columns)
        join = "LEFT JOIN current_segments s USING (customer_id)" if has_segments else ""
        frame = con.execute(
            f"SELECT {select} FROM customer_features f {join} WHERE {where} ORDER BY {_order(filters)}", params
        ).df()
        as_of = con.execute("SELECT max(as_of) FROM customer_features").fetchone()[0]
    ids = frame["customer_id"].tolist()
    shown = frame.head(filters.limit) if filters.limit else frame
    rows = [[to_plain(value) for value in row] for row in shown.itertuples(index=False)]
    return CustomerList(filters.describe(), columns, rows, len(frame), ids, str(as_of)[:10])


def _where(con: duckdb.DuckDBPyConnection, filters: AudienceFilter, has_segments: bool) -> tuple[str, list]:
    clauses, params = ["true"], []
    if filters.lifecycle:
        clauses.append(f"f.lifecycle IN ({', '.join('?' * len(filters.lifecycle))})")
        params += filters.lifecycle
    if filters.value_tier:
        clauses.append(f"f.value_tier IN ({', '.join('?' * len(filters.value_tier))})")
        params += filters.value_tier
    if filters.country:
        clauses.append("lower(f.country) = lower(?)")
        params.append(_known_value(con, "country", filters.country))
    if filters.category:
        clauses.append("f.customer_id IN (SELECT customer_id FROM orders WHERE lower(category) = lower(?) "
                       "AND NOT is_return)")
        params.append(_known_value(con, "category", filters.category))
    if filters.segment is not None and has_segments:
        clauses.append("s.segment_id = ?")
        params.append(_segment_id(con, filters.segment))
    for name, column, op in (("min_days_since_order", "recency_days", ">="),
                             ("max_days_since_order", "recency_days", "<="),
                             ("min_orders", "frequency", ">="), ("max_orders", "frequency", "<="),
                             ("min_spend", "monetary", ">="), ("max_spend", "monetary", "<=")):
        value = getattr(filters, name)
        if value is not None:
            clauses.append(f"f.{column} {op} ?")
            params.append(value)
    return " AND ".join(clauses), params


def _order(filters: AudienceFilter) -> str:
    key = filters.sort_by or "predicted_value_12m"
    direction = "DESC" if key in SORT_DESCENDING else "ASC"
    return f"f.{key} {direction} NULLS LAST, f.customer_id"


def _known_value(con: duckdb.DuckDBPyConnection, column: str, value: str) -> str:
    """Check a country/category exists in the data; suggest the closest one otherwise."""
    import difflib

    known = [row[0] for row in con.execute(
        f"SELECT DISTINCT {column} FROM orders WHERE {column} IS NOT NULL").fetchall()]
    if column == "country":
        known += [row[0] for row in con.execute(
            "SELECT DISTINCT country FROM customer_features WHERE country IS NOT NULL").fetchall()]
    by_lower = {k.lower(): k for k in known}
    if value.lower() in by_lower:
        return by_lower[value.lower()]
    if not known:
        raise UserError(f"The orders have no {column} column, so customers cannot be filtered by {column}.")
    close = difflib.get_close_matches(value.lower(), list(by_lower), n=3, cutoff=0.5)
    hint = f" Did you mean {', '.join(repr(by_lower[c]) for c in close)}?" if close else (
        f" Known values: {', '.join(sorted(set(known))[:12])}.")
    raise UserError(f"No {column} '{value}' in the data.{hint}")


def _segment_id(con: duckdb.DuckDBPyConnection, reference: str) -> int:
    segments = con.execute(
        "SELECT DISTINCT segment_id, segment_slug, segment_name FROM current_segments ORDER BY segment_id"
    ).fetchall()
    wanted = str(reference).strip().lower()
    for segment_id, slug, name in segments:
        if wanted in {str(segment_id), str(slug).lower(), str(name).lower()}:
            return int(segment_id)
    listing = ", ".join(f"{segment_id} ({slug})" for segment_id, slug, _ in segments)
    raise UserError(f"No segment '{reference}'; segments are: {listing}.")


def _has_table(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    return bool(con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [name]).fetchone()[0])
