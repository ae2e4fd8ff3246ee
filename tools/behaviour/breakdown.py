"""``breakdown``: an audience grouped by country, segment, lifecycle stage, value tier or category.

The answer to "which country has the most lapsing customers?", "which segment has the highest average order
value?" or "lifecycle mix per country": per group the customers, their share, revenue and its share, average
order value, revenue per customer, the lapsing and high-value shares and the lifecycle mix — sorted, and laid
out as chart-ready tables (one row per group, raw numbers with their kinds).

A customer belongs to one country, segment, stage and tier, but to every category they bought from: by
category the groups overlap, and revenue, orders and AOV count only that category's order lines.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from pydantic import Field

from tools.behaviour.customers import AudienceFilter, audience_table
from tools.behaviour.feature_store import require_features
from tools.concepts import LifecycleStage, ValueTier
from tools.errors import UserError
from tools.jsonable import to_plain
from tools.results import Column, Kind, Table, ToolResult
from tools.segments.runs import has_segment_runs

if TYPE_CHECKING:
    import duckdb

    from tools.runtime.shop import Shop

DEFAULT_GROUPS = 25
NOISY_GROUP = 10  # a ratio over fewer customers than this is mostly noise: say so when it tops the ranking
UNKNOWN = "unknown"


class BreakdownAxis(StrEnum):
    """What customers are grouped by."""

    COUNTRY = "country"
    SEGMENT = "segment"
    LIFECYCLE = "lifecycle"
    VALUE_TIER = "value_tier"
    CATEGORY = "category"


class BreakdownSort(StrEnum):
    """What groups are ranked by (highest first unless ``ascending``); ``group`` sorts by the group itself."""

    CUSTOMERS = "customers"
    SHARE_OF_GROUP = "share_of_group"
    REVENUE = "revenue"
    AOV = "aov"
    REVENUE_PER_CUSTOMER = "revenue_per_customer"
    LAPSING_SHARE = "lapsing_share"
    HIGH_VALUE_SHARE = "high_value_share"
    GROUP = "group"


RATIOS = {BreakdownSort.SHARE_OF_GROUP, BreakdownSort.AOV, BreakdownSort.REVENUE_PER_CUSTOMER,
          BreakdownSort.LAPSING_SHARE, BreakdownSort.HIGH_VALUE_SHARE}
AXIS_LABELS = {BreakdownAxis.COUNTRY: "country", BreakdownAxis.SEGMENT: "segment",
               BreakdownAxis.LIFECYCLE: "lifecycle stage", BreakdownAxis.VALUE_TIER: "value tier",
               BreakdownAxis.CATEGORY: "category"}
CANONICAL_ORDER = {BreakdownAxis.LIFECYCLE: [s.value for s in LifecycleStage],
                   BreakdownAxis.VALUE_TIER: [t.value for t in ValueTier]}
STAGES = [stage.value for stage in LifecycleStage]
TIERS = [tier.value for tier in ValueTier]


class BreakdownArgs(AudienceFilter):
    """Arguments of ``breakdown``: the audience (any find_customers filter; none = everyone), the grouping,
    and how the groups are ranked."""

    by: BreakdownAxis = Field(description="Group by country, segment, lifecycle, value_tier or category.")
    sort_by: BreakdownSort = Field(BreakdownSort.CUSTOMERS, description="Rank groups by customers (default), "
                                   "share_of_group (the audience's share of each group's customers), revenue, aov, "
                                   "revenue_per_customer, lapsing_share, high_value_share, or group (by name).")
    ascending: bool = Field(False, description="Lowest first (e.g. 'which country has the lowest AOV').")
    limit: int = Field(DEFAULT_GROUPS, ge=1, le=1000, description="Return at most this many groups.")
    min_customers: int = Field(1, ge=1, description="Leave out groups with fewer customers than this.")

    def audience(self) -> AudienceFilter:
        """Only the audience part of the arguments."""
        return self.who()


@dataclass
class Breakdown(ToolResult):
    """Groups of an audience with their numbers, ranked; shares are fractions (0.25 = 25%)."""

    by: str
    description: str
    as_of: str
    customers: int
    revenue: float
    sort_by: str
    ascending: bool
    total_groups: int
    groups: list[dict[str, Any]]
    overlapping: bool = False
    filtered: bool = False
    filters: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def facts(self) -> dict[str, Any]:
        keys = ("group", "customers", "share", "share_of_group", "revenue", "revenue_share", "aov",
                "revenue_per_customer", "lapsing_share", "high_value_share")
        return {"audience": self.description, "by": self.by, "as_of": self.as_of, "customers": self.customers,
                "revenue": self.revenue, "sorted_by": self.sort_by, "groups_total": self.total_groups,
                "groups_overlap": self.overlapping,
                "groups": [{k: g[k] for k in keys if k in g} for g in self.groups[:15]]}

    def tables(self) -> list[Table]:
        label = AXIS_LABELS[BreakdownAxis(self.by)]
        columns = [Column("group", Kind.TEXT, label), Column("customers", Kind.COUNT),
                   Column("share", Kind.SHARE, "share of customers")]
        if self.filtered:
            columns.append(Column("share_of_group", Kind.SHARE, f"of all in {label}"))
        columns += [Column("revenue", Kind.MONEY, "net revenue"), Column("revenue_share", Kind.SHARE, "of revenue"),
                    Column("aov", Kind.MONEY, "AOV"), Column("revenue_per_customer", Kind.MONEY, "revenue/customer"),
                    Column("lapsing_share", Kind.SHARE, "lapsing"),
                    Column("high_value_share", Kind.SHARE, "high value")]
        shown = f" (top {len(self.groups)} of {self.total_groups})" if len(self.groups) < self.total_groups else ""
        main = Table(f"{self.description.capitalize()} by {label}{shown}", columns,
                     [[g.get(c.name) for c in columns] for g in self.groups], self.total_groups)
        by_stage = self.by == BreakdownAxis.LIFECYCLE or len(self.filters.get("lifecycle", [])) == 1
        mix_of, values = ("value", TIERS) if by_stage else ("lifecycle", STAGES)
        mix = Table(f"{mix_of.capitalize()} mix per {label}",
                    [Column("group", Kind.TEXT, label), *(Column(f"{v}_share", Kind.SHARE, v) for v in values)],
                    [[g["group"], *(g[f"{v}_share"] for v in values)] for g in self.groups], self.total_groups)
        return [main, mix]

    def row_count(self) -> int:
        return self.total_groups


def breakdown(shop: Shop, args: BreakdownArgs) -> Breakdown:
    """Group the audience by ``args.by`` and rank the groups; every number is computed from the features and
    order lines in one store snapshot."""
    warnings = require_features(shop)
    axis = args.by
    with shop.reading() as con, audience_table(shop, args.audience()) as audience:
        if axis is BreakdownAxis.SEGMENT and not has_segment_runs(con):
            raise UserError("No segments yet: run  segment-agent segment  first, then break down by segment.")
        groups = _groups(con, axis, audience.name)
        filtered = not args.audience().is_everyone()
        if filtered:
            base = dict(con.execute(f"SELECT grp, count(DISTINCT customer_id) FROM ({_members_sql(axis, None)}) "
                                    "GROUP BY 1").fetchall())
            for group in groups:
                group["share_of_group"] = _ratio(group["customers"], base.get(group["group"]))
        revenue = float(con.execute(f"SELECT coalesce(sum(monetary), 0) FROM customer_features "
                                    f"JOIN {audience.name} USING (customer_id)").fetchone()[0])
    if axis in (BreakdownAxis.COUNTRY, BreakdownAxis.CATEGORY) and groups and all(
            g["group"] == UNKNOWN for g in groups):
        raise UserError(f"The data has no {axis.value} for these customers, so they cannot be grouped by it.")
    total_revenue = sum(g["revenue"] or 0 for g in groups) if axis is BreakdownAxis.CATEGORY else revenue
    for group in groups:
        group["share"] = _ratio(group["customers"], audience.size)
        group["revenue_share"] = _ratio(group["revenue"], total_revenue)
    kept = [g for g in groups if g["customers"] >= args.min_customers]
    ranked = _ranked(kept, axis, args.sort_by, args.ascending)
    warnings += _noise_warnings(ranked, args)
    return Breakdown(axis.value, args.describe(), audience.as_of, audience.size, round(revenue, 2), args.sort_by.value,
                     args.ascending, len(ranked), ranked[: args.limit], axis is BreakdownAxis.CATEGORY, filtered,
                     args.model_dump(mode="json", exclude_none=True), warnings)


def _members_sql(axis: BreakdownAxis, audience: str | None) -> str:
    """(customer_id, grp, grp_key) for every customer of ``audience`` (None: every customer)."""
    scope = f"JOIN {audience} USING (customer_id)" if audience else ""
    if axis is BreakdownAxis.CATEGORY:
        return (f"SELECT DISTINCT o.customer_id, o.category AS grp, o.category AS grp_key FROM orders o {scope} "
                "WHERE NOT o.is_return AND o.category IS NOT NULL")
    if axis is BreakdownAxis.SEGMENT:
        return (f"SELECT f.customer_id, coalesce(s.segment_id || ' · ' || s.segment_name, 'unsegmented') AS grp, "
                f"coalesce(s.segment_id, 1000000) AS grp_key FROM customer_features f {scope} "
                "LEFT JOIN current_segments s USING (customer_id)")
    column = {BreakdownAxis.COUNTRY: "country", BreakdownAxis.LIFECYCLE: "lifecycle",
              BreakdownAxis.VALUE_TIER: "value_tier"}[axis]
    return (f"SELECT f.customer_id, coalesce(CAST(f.{column} AS VARCHAR), '{UNKNOWN}') AS grp, "
            f"coalesce(CAST(f.{column} AS VARCHAR), '{UNKNOWN}') AS grp_key FROM customer_features f {scope}")


def _groups(con: duckdb.DuckDBPyConnection, axis: BreakdownAxis, audience: str) -> list[dict[str, Any]]:
    """One dict per group: counts, money and mixes (shares of the group's customers)."""
    mixes = ", ".join([*(f"avg(CASE WHEN f.lifecycle = '{s}' THEN 1.0 ELSE 0 END)" for s in STAGES),
                       *(f"avg(CASE WHEN f.value_tier = '{t}' THEN 1.0 ELSE 0 END)" for t in TIERS)])
    rows = con.execute(
        f"""SELECT m.grp, any_value(m.grp_key), count(DISTINCT m.customer_id), sum(f.monetary), sum(f.frequency),
                   sum(f.aov * f.frequency), {mixes}
            FROM ({_members_sql(axis, audience)}) m JOIN customer_features f USING (customer_id)
            GROUP BY m.grp""").fetchall()
    money = _category_money(con, audience) if axis is BreakdownAxis.CATEGORY else {}
    groups = []
    for name, key, customers, revenue, orders, gross, *shares in rows:
        revenue, orders, gross = money.get(name, (revenue, orders, gross))
        group = {"group": str(name), "key": to_plain(key), "customers": int(customers),
                 "revenue": to_plain(revenue, 2), "orders": int(orders or 0),
                 "aov": to_plain(gross / orders, 2) if orders else None,
                 "revenue_per_customer": to_plain(revenue / customers, 2) if customers and revenue is not None
                 else None}
        for value, share in zip([*STAGES, *TIERS], shares, strict=True):
            group[f"{value}_share"] = to_plain(share, 4)
        group["high_value_share"] = group["high_share"]
        groups.append(group)
    return groups


def _category_money(con: duckdb.DuckDBPyConnection, audience: str) -> dict[str, tuple[Any, int, Any]]:
    """Per category: net revenue of its lines, orders containing it, and the gross amount of those lines."""
    rows = con.execute(
        f"""SELECT o.category, sum(o.amount),
                   count(DISTINCT coalesce(o.order_id, o.customer_id || strftime(o.order_date, '%Y%m%d')))
                       FILTER (WHERE NOT o.is_return),
                   sum(o.amount) FILTER (WHERE NOT o.is_return)
            FROM orders o JOIN {audience} USING (customer_id) WHERE o.category IS NOT NULL GROUP BY 1""").fetchall()
    return {str(category): (revenue, int(orders or 0), gross) for category, revenue, orders, gross in rows}


def _ranked(groups: list[dict[str, Any]], axis: BreakdownAxis, sort_by: BreakdownSort, ascending: bool
            ) -> list[dict[str, Any]]:
    if sort_by is BreakdownSort.GROUP:
        return sorted(groups, key=lambda g: _natural_key(axis, g))
    present = [g for g in groups if g.get(sort_by.value) is not None]
    missing = [g for g in groups if g.get(sort_by.value) is None]
    present.sort(key=lambda g: (g[sort_by.value] if ascending else -g[sort_by.value], -g["customers"], g["group"]))
    return present + missing


def _natural_key(axis: BreakdownAxis, group: dict[str, Any]) -> tuple:
    """Stages and tiers in their own order, segments by id, anything else alphabetically."""
    order = CANONICAL_ORDER.get(axis)
    if order:
        return (order.index(group["group"]) if group["group"] in order else len(order), group["group"])
    return (group["key"] if axis is BreakdownAxis.SEGMENT else str(group["group"]).lower(), group["group"])


def _noise_warnings(ranked: list[dict[str, Any]], args: BreakdownArgs) -> list[str]:
    if args.sort_by not in RATIOS or not ranked or ranked[0]["customers"] >= NOISY_GROUP:
        return []
    top = ranked[0]
    return [f"{top['group']} tops the ranking with only {top['customers']:,} customer"
            f"{'s' if top['customers'] != 1 else ''}: a {args.sort_by.value.replace('_', ' ')} over so few is mostly "
            f"noise (min_customers={NOISY_GROUP} leaves such groups out)."]


def _ratio(part: Any, whole: Any) -> float | None:
    return round(float(part) / float(whole), 4) if part is not None and whole else None
