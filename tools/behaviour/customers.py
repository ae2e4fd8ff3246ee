"""Find customers by lifecycle, value, segment and behaviour: the audience behind most questions.

``AudienceFilter`` is the one schema for "which customers": the CLI options, the agent's tools, campaign
audiences and exports all use it, so they can never disagree. An audience stays inside the store as a
temporary table of customer ids (:func:`audience_table`); tools join it rather than passing id lists.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field, field_validator

from tools.behaviour.audience_stats import rule_thresholds, summarise_audience
from tools.behaviour.feature_store import require_features
from tools.concepts import LifecycleStage, ValueTier
from tools.errors import UserError
from tools.jsonable import to_plain
from tools.results import Column, Kind, Table, ToolResult
from tools.segments.runs import has_segment_runs

if TYPE_CHECKING:
    import duckdb

    from tools.runtime.shop import Shop


class CustomerSort(StrEnum):
    """What a customer list can be sorted by (highest first, except customer_id)."""

    PREDICTED_VALUE = "predicted_value_12m"
    RECENCY = "recency_days"
    FREQUENCY = "frequency"
    MONETARY = "monetary"
    P_ALIVE = "p_alive"
    EXPECTED_ORDERS = "expected_orders_90d"
    BUY_AGAIN = "buy_again_score"
    DAYS_OVERDUE = "days_overdue"
    CUSTOMER_ID = "customer_id"


DEFAULT_LIMIT = 1000
SORT_ALIASES = {"buy_again": CustomerSort.BUY_AGAIN, "buy-again": CustomerSort.BUY_AGAIN}
OUTPUT_COLUMNS = [
    Column("customer_id", Kind.ID, "customer"), Column("lifecycle"), Column("value_tier", label="value"),
    Column("recency_days", Kind.DAYS, "days since order"), Column("frequency", Kind.COUNT, "orders"),
    Column("monetary", Kind.MONEY, "net revenue"), Column("p_alive", Kind.PROBABILITY, "P(alive)"),
    Column("expected_orders_90d", Kind.NUMBER, "exp. orders 90d"),
    Column("buy_again_score", Kind.PROBABILITY, "P(buy 90d)"),
    Column("predicted_value_12m", Kind.MONEY, "pred. value 12m"), Column("country")]
SEGMENT_COLUMNS = [Column("segment_id", Kind.ID, "seg"), Column("segment_name", label="segment")]
_audience_numbers = itertools.count(1)


class AudienceFilter(BaseModel):
    """Which customers to select. Every field is optional; empty lists and None mean "any"."""

    lifecycle: list[LifecycleStage] = Field(
        default_factory=list, description="Lifecycle stages to include: new, active, lapsing, lapsed.")
    value_tier: list[ValueTier] = Field(
        default_factory=list, description="Value tiers to include: high (top 20% by revenue), mid, low.")
    segment: str | None = Field(None, description="Segment id or slug from segment_overview.")
    category: str | None = Field(None, description="Only customers who bought from this product category.")
    product: str | None = Field(None, description="Only customers who bought this product (its name as in the "
                                                  "orders).")
    country: str | None = Field(None, description="Only customers from this country (as in the data).")
    min_days_since_order: int | None = Field(None, ge=0, description="Last order at least this many days ago.")
    max_days_since_order: int | None = Field(None, ge=0, description="Last order at most this many days ago.")
    min_orders: int | None = Field(None, ge=0, description="At least this many orders.")
    max_orders: int | None = Field(None, ge=0, description="At most this many orders.")
    min_spend: float | None = Field(None, description="Net revenue at least this much.")
    max_spend: float | None = Field(None, description="Net revenue at most this much.")

    @field_validator("lifecycle", "value_tier", mode="before")
    @classmethod
    def _single_value_is_a_list(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value

    def is_everyone(self) -> bool:
        """True when no filter is set."""
        return self.who() == AudienceFilter()

    def who(self) -> AudienceFilter:
        """Only the audience fields (drops sorting and limits of a :class:`CustomerQuery`)."""
        return AudienceFilter(**{name: getattr(self, name) for name in AudienceFilter.model_fields})

    def describe(self) -> str:
        """Plain-words description, e.g. "lapsing high-value customers in Germany with at least 3 orders"."""
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
        if self.product:
            extras.append(f"who bought {self.product}")
        if self.country:
            extras.append(f"in {self.country}")
        extras += [part for part in (_range_words(self.min_orders, self.max_orders, "with {} orders"),
                                     _range_words(self.min_spend, self.max_spend, "who spent {}"),
                                     _recency_words(self.min_days_since_order, self.max_days_since_order)) if part]
        return " ".join([text, *extras])


def _number(value: float | int) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def _range_words(low: float | int | None, high: float | int | None, template: str) -> str:
    """"with at least 3 orders", "who spent between 100 and 300", "with at most 1 order"."""
    if low is None and high is None:
        return ""
    if low is not None and high is not None:
        amount = _number(low) if low == high else f"between {_number(low)} and {_number(high)}"
    else:
        amount = f"at least {_number(low)}" if low is not None else f"at most {_number(high)}"
    text = template.format(amount)
    return text.replace(" orders", " order") if text.endswith(" 1 orders") else text


def _recency_words(min_days: int | None, max_days: int | None) -> str:
    """"whose last order was 90 or more days ago", "who ordered in the last 30 days"."""
    if min_days is not None and max_days is not None:
        return f"whose last order was {min_days:,} to {max_days:,} days ago"
    if min_days is not None:
        return f"whose last order was {min_days:,} or more days ago"
    if max_days is not None:
        return f"who ordered in the last {max_days:,} days"
    return ""


class CustomerQuery(AudienceFilter):
    """Arguments of ``find_customers``: an audience, how to sort it, and how many rows to return."""

    sort_by: CustomerSort = Field(CustomerSort.PREDICTED_VALUE, description="Sort key, highest first; default: "
                                  "predicted 12-month value. buy_again_score is the model's probability that the "
                                  "customer buys again in the next 90 days.")
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=1_000_000,
                       description="Return at most this many rows (all matches are counted).")

    @field_validator("sort_by", mode="before")
    @classmethod
    def _sort_aliases(cls, value: Any) -> Any:
        return SORT_ALIASES.get(value, value) if isinstance(value, str) else value


@dataclass
class CustomerList(ToolResult):
    """Matching customers: the first rows for people, aggregates and rules for everyone (a model included)."""

    description: str
    as_of: str
    total: int
    columns: list[str]
    rows: list[list[Any]]
    stats: dict[str, Any] = field(default_factory=dict)
    rules: dict[str, Any] = field(default_factory=dict)
    filters: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def facts(self) -> dict[str, Any]:
        return {"audience": self.description, "as_of": self.as_of, "count": self.total, **self.stats,
                "rules": self.rules}

    def tables(self) -> list[Table]:
        by_name = {column.name: column for column in OUTPUT_COLUMNS + SEGMENT_COLUMNS}
        shown = f" (first {len(self.rows):,})" if len(self.rows) < self.total else ""
        return [Table(f"{self.total:,} {self.description}{shown}", [by_name[name] for name in self.columns],
                      self.rows, self.total)]

    def row_count(self) -> int:
        return self.total


def find_customers(shop: Shop, query: CustomerQuery) -> CustomerList:
    """Customers matching the query, sorted, with the total count and the audience's aggregates."""
    warnings = require_features(shop)
    with shop.reading() as con, audience_table(shop, query) as audience:
        has_segments = has_segment_runs(con)
        columns = OUTPUT_COLUMNS + (SEGMENT_COLUMNS if has_segments else [])
        select = ", ".join(_selected(c, con) for c in columns)
        join = "LEFT JOIN current_segments s USING (customer_id)" if has_segments else ""
        direction = "ASC" if query.sort_by is CustomerSort.CUSTOMER_ID else "DESC"
        rows = con.execute(
            f"SELECT {select} FROM {audience.name} a JOIN customer_features f USING (customer_id) {join} "
            f"ORDER BY f.{query.sort_by.value} {direction} NULLS LAST, f.customer_id LIMIT ?", [query.limit]
        ).fetchall()
        stats = summarise_audience(con, audience.name, has_segments)
        rules = rule_thresholds(con)
        if query.sort_by is CustomerSort.BUY_AGAIN and not buy_again_is_probability(con):
            warnings = [*warnings, NO_BUY_AGAIN_MODEL]
    plain = [[to_plain(value) for value in row] for row in rows]
    return CustomerList(query.describe(), audience.as_of, audience.size, [c.name for c in columns], plain, stats,
                        rules, query.model_dump(mode="json", exclude_none=True), warnings)


NO_BUY_AGAIN_MODEL = ("The buy-again model could not be fitted on this data (too few repeat buyers), so there is no "
                      "probability to show; customers are ranked by how recently they ordered instead.")


def buy_again_is_probability(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the stored ``buy_again_score`` is the model's probability (thin data stores a recency ranking)."""
    run = json.loads(con.execute("SELECT run FROM feature_runs").fetchone()[0])
    return run.get("model", {}).get("buy_again_model") == "MBG/CNBD-k"


def _selected(column: Column, con: duckdb.DuckDBPyConnection) -> str:
    if column in SEGMENT_COLUMNS:
        return f"s.{column.name}"
    if column.name == CustomerSort.BUY_AGAIN.value and not buy_again_is_probability(con):
        return f"CAST(NULL AS DOUBLE) AS {column.name}"  # a recency ranking is not a probability to show
    return f"f.{column.name}"


@dataclass(frozen=True)
class AudienceTable:
    """A temporary table of the audience's customer ids inside the store's connection."""

    name: str
    size: int
    base: int
    as_of: str

    @property
    def share(self) -> float:
        return self.size / self.base if self.base else 0.0


@contextmanager
def audience_table(shop: Shop, filters: AudienceFilter) -> Iterator[AudienceTable]:
    """Materialise ``filters`` as a temp table of customer ids for the block (inside one read)."""
    name = f"audience_{next(_audience_numbers)}"
    with shop.reading() as con:
        where, params = _where(con, filters)
        join = "LEFT JOIN current_segments s USING (customer_id)" if filters.segment is not None else ""
        con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT f.customer_id FROM customer_features f "
                    f"{join} WHERE {where}", params)
        try:
            size, base, as_of = con.execute(
                f"SELECT (SELECT count(*) FROM {name}), count(*), max(as_of) FROM customer_features").fetchone()
            yield AudienceTable(name, int(size), int(base), str(as_of)[:10])
        finally:
            con.execute(f"DROP TABLE IF EXISTS temp.{name}")


def _where(con: duckdb.DuckDBPyConnection, filters: AudienceFilter) -> tuple[str, list]:
    clauses, params = ["true"], []
    if filters.lifecycle:
        clauses.append(f"f.lifecycle IN ({', '.join('?' * len(filters.lifecycle))})")
        params += [stage.value for stage in filters.lifecycle]
    if filters.value_tier:
        clauses.append(f"f.value_tier IN ({', '.join('?' * len(filters.value_tier))})")
        params += [tier.value for tier in filters.value_tier]
    if filters.country:
        clauses.append("lower(f.country) = lower(?)")
        params.append(_known_value(con, "country", filters.country))
    if filters.category:
        clauses.append("f.customer_id IN (SELECT customer_id FROM orders WHERE lower(category) = lower(?) "
                       "AND NOT is_return)")
        params.append(_known_value(con, "category", filters.category))
    if filters.product:
        clauses.append("f.customer_id IN (SELECT customer_id FROM orders WHERE lower(product_name) = lower(?) "
                       "AND NOT is_return)")
        params.append(_known_value(con, "product_name", filters.product, label="product"))
    if filters.segment is not None:
        if not has_segment_runs(con):
            raise UserError("No segments yet: run  segment-agent segment  first, then filter by --segment.")
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


def _known_value(con: duckdb.DuckDBPyConnection, column: str, value: str, label: str | None = None) -> str:
    """Check a country/category/product exists in the data; suggest the closest one otherwise (``label`` names
    the column in the message)."""
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
        raise UserError(f"The orders have no {label or column} column, so customers cannot be filtered by "
                        f"{label or column}.")
    close = difflib.get_close_matches(value.lower(), list(by_lower), n=3, cutoff=0.5)
    hint = f" Did you mean {', '.join(repr(by_lower[c]) for c in close)}?" if close else (
        f" Known values: {', '.join(sorted(set(known))[:12])}.")
    raise UserError(f"No {label or column} '{value}' in the data.{hint}")


def _segment_id(con: duckdb.DuckDBPyConnection, reference: str) -> int:
    from tools.segments.runs import latest_profiles, resolve_segment

    return int(resolve_segment(latest_profiles(con), reference)["id"])
