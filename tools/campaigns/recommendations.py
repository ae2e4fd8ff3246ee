"""Which products and categories to promote to a group, and what to cross-sell with what it buys.

Promote = what the group buys more than everyone else (lift over the base, with minimum support), minus
what most of the group already bought in the last few months (no point promoting last month's purchase).
Cross-sell = items that share order baskets with the group's staples, ranked by basket lift.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field

from tools.behaviour.customers import AudienceFilter
from tools.campaigns.target_group import target_group
from tools.results import Column, Kind, Table, ToolResult
from tools.segments.lift import LiftRow, top_by_lift

if TYPE_CHECKING:
    import duckdb

    from tools.runtime.shop import Shop

ORDER_KEY = "coalesce(order_id, customer_id || strftime(order_date, '%Y%m%d'))"
MAX_PAIRS_PER_ANCHOR = 2
MAX_ANCHORS = 8
RECOMMEND_MIN_SUPPORT = 0.05  # stricter than profiles: a promotion should rest on a handful of buyers at least
# Order lines that are fees or adjustments, not merchandise (UCI Online Retail has all of these).
NOT_MERCHANDISE = (r"^\s*(dotcom postage|postage|carriage|next day carriage|shipping|delivery charge|manual|"
                   r"bank charges|discount|samples|amazon fee|cruk commission|adjust bad debt)\s*$")
MERCHANDISE_SQL = f"NOT regexp_matches(lower(product_name), '{NOT_MERCHANDISE}')"


def is_merchandise(name: str) -> bool:
    """False for postage, fees and adjustments, which are never worth promoting."""
    return re.match(NOT_MERCHANDISE, name.lower()) is None


class RecommendRequest(BaseModel):
    """Arguments of ``recommend_products``: a segment and/or audience filters, plus how strict to be."""

    segment: str | None = Field(None, description="Segment id or slug (from segment_overview) to recommend for.")
    audience: AudienceFilter | None = Field(None, description="Audience filters, e.g. lifecycle and value tier.")
    limit: int = Field(5, ge=1, le=50, description="How many categories, products and pairings to return.")
    min_support: float = Field(RECOMMEND_MIN_SUPPORT, ge=0, le=1,
                               description="Minimum share of the group that must have bought an item.")
    recent_days: int = Field(90, ge=1, description="Window for 'already bought recently', in days before as_of.")
    max_recent_share: float = Field(0.5, gt=0, le=1, description="Leave out items more than this share of the "
                                                                 "group bought within recent_days.")
    min_pair_orders: int = Field(3, ge=1, description="Minimum orders containing both items of a pairing.")


@dataclass(frozen=True)
class Recommendation:
    """An item to promote and why: the group's purchase rate against the shop's."""

    name: str
    kind: str
    lift: float
    group_share: float
    base_share: float
    buyers: int
    revenue: float
    reason: str


@dataclass(frozen=True)
class Pairing:
    """Customers who buy ``anchor`` often add ``item``: orders with both, P(item | anchor) and basket lift."""

    anchor: str
    item: str
    orders_together: int
    confidence: float
    lift: float


@dataclass
class Recommendations(ToolResult):
    """What to promote to a group; ``excluded`` lists items left out because most already bought them."""

    audience: str
    customers: int
    as_of: str
    categories: list[Recommendation]
    products: list[Recommendation]
    bought_together: list[Pairing]
    excluded: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def facts(self) -> dict[str, Any]:
        return {"audience": self.audience, "customers": self.customers, "as_of": self.as_of,
                "recommend": [{"name": r.name, "kind": r.kind, "lift": r.lift, "group_share": r.group_share,
                               "base_share": r.base_share} for r in [*self.categories, *self.products]],
                "bought_together": [{"anchor": p.anchor, "item": p.item, "orders_together": p.orders_together,
                                     "confidence": p.confidence, "lift": p.lift} for p in self.bought_together]}

    def tables(self) -> list[Table]:
        items = [[r.kind, r.name, r.lift, r.group_share, r.base_share, r.buyers]
                 for r in [*self.categories, *self.products]]
        tables = [Table(f"What to promote to {self.audience}",
                        [Column("kind"), Column("item"), Column("lift", Kind.LIFT),
                         Column("group_share", Kind.SHARE, "bought by"),
                         Column("base_share", Kind.SHARE, "all customers"), Column("buyers", Kind.COUNT)], items)]
        if self.bought_together:
            tables.append(Table("Bought together (cross-sell)",
                                [Column("anchor", label="customers who buy"), Column("item", label="often add"),
                                 Column("orders_together", Kind.COUNT, "orders together"),
                                 Column("confidence", Kind.SHARE, "P(add)"), Column("lift", Kind.LIFT)],
                                [[p.anchor, p.item, p.orders_together, p.confidence, p.lift]
                                 for p in self.bought_together]))
        return tables


def recommend_products(shop: Shop, request: RecommendRequest) -> Recommendations:
    """Products and categories to promote to a segment or audience, and items to cross-sell.

    Use this for "what should we promote to lapsing VIPs?" or "what sells to segment 2?". Items are ranked
    by lift (how much more often the group buys them than all customers), need a minimum share of the group
    as buyers, and are dropped when most of the group bought them within the last ``recent_days``.
    ``bought_together`` pairs the group's staple products with items that share their order baskets.
    """
    with shop.reading() as con, target_group(shop, request.segment, request.audience) as group:
        recent = {kind: recently_bought(con, group.table, kind, group.as_of, request.recent_days,
                                        request.max_recent_share) for kind in ("category", "product_name")}
        categories = _promote(con, group.table, "category", recent["category"], request)
        products = _promote(con, group.table, "product_name", recent["product_name"], request)
        staples = staple_products(con, group.table)
        anchors = list(dict.fromkeys([p.name for p in products] + staples))[:MAX_ANCHORS]
        pairs = bought_together(con, anchors, request.limit, request.min_pair_orders,
                                recent["product_name"] | set(staples))
        excluded = sorted(item for item in recent["category"] | recent["product_name"] if is_merchandise(item))
        warnings = [*group.warnings, *_warnings(con, group.share, categories + products, excluded, request)]
    return Recommendations(group.label, group.size, group.as_of, categories, products, pairs, excluded, warnings)


def _promote(con: duckdb.DuckDBPyConnection, table: str, kind: str, recent: set[str],
             request: RecommendRequest) -> list[Recommendation]:
    rows = top_by_lift(con, table, kind, request.limit + len(recent) + 10, request.min_support)
    label = "category" if kind == "category" else "product"
    return [_recommendation(row, label) for row in rows
            if row.name not in recent and (kind == "category" or is_merchandise(row.name))][: request.limit]


def _recommendation(row: LiftRow, kind: str) -> Recommendation:
    reason = (f"{row.group_rate:.0%} of this group bought it vs {row.base_rate:.0%} of all customers "
              f"({row.lift:.1f}×)")
    return Recommendation(row.name, kind, round(row.lift, 2), round(row.group_rate, 4), round(row.base_rate, 4),
                          row.group_buyers, round(row.revenue, 2), reason)


def recently_bought(con: duckdb.DuckDBPyConnection, group_table: str, kind: str, as_of: str, days: int,
                    max_share: float) -> set[str]:
    """Items more than ``max_share`` of the group bought in the ``days`` before ``as_of``."""
    rows = con.execute(
        f"""SELECT o.{kind} FROM orders o JOIN (SELECT DISTINCT customer_id FROM {group_table}) g USING (customer_id)
            WHERE NOT o.is_return AND o.{kind} IS NOT NULL
              AND o.order_date >= CAST(? AS DATE) + 1 - CAST(? AS INTEGER) AND o.order_date < CAST(? AS DATE) + 1
            GROUP BY 1
            HAVING count(DISTINCT o.customer_id) > ? * (SELECT count(DISTINCT customer_id) FROM {group_table})""",
        [as_of, days, as_of, max_share]).fetchall()
    return {str(row[0]) for row in rows}


def staple_products(con: duckdb.DuckDBPyConnection, group_table: str, limit: int = 5) -> list[str]:
    """The products most of the group's customers bought: the anchors for cross-selling."""
    rows = con.execute(
        f"""SELECT product_name FROM orders JOIN (SELECT DISTINCT customer_id FROM {group_table}) g
            USING (customer_id) WHERE NOT is_return AND product_name IS NOT NULL AND {MERCHANDISE_SQL}
            GROUP BY 1 ORDER BY count(DISTINCT customer_id) DESC, 1 LIMIT ?""", [limit]).fetchall()
    return [str(row[0]) for row in rows]


def bought_together(con: duckdb.DuckDBPyConnection, anchors: list[str], limit: int, min_orders: int = 3,
                    exclude: set[str] | None = None) -> list[Pairing]:
    """Items sharing baskets with ``anchors``, by basket lift (at least ``min_orders`` orders with both)."""
    if not anchors:
        return []
    rows = con.execute(
        f"""WITH baskets AS (SELECT DISTINCT {ORDER_KEY} AS oid, product_name AS item FROM orders
                             WHERE NOT is_return AND product_name IS NOT NULL AND {MERCHANDISE_SQL}),
            n AS (SELECT count(DISTINCT oid) AS orders FROM baskets),
            item_orders AS (SELECT item, count(*) AS orders FROM baskets GROUP BY item),
            pairs AS (SELECT a.item AS anchor, b.item AS other, count(*) AS together
                      FROM baskets a JOIN baskets b ON a.oid = b.oid AND a.item <> b.item
                      WHERE list_contains(?, a.item) GROUP BY 1, 2)
            SELECT p.anchor, p.other, p.together, p.together / ia.orders,
                   p.together * n.orders / (ia.orders * ib.orders) AS lift
            FROM pairs p JOIN item_orders ia ON ia.item = p.anchor JOIN item_orders ib ON ib.item = p.other
            CROSS JOIN n WHERE p.together >= greatest(?, 0.002 * n.orders)
            ORDER BY lift DESC, p.together DESC, p.anchor, p.other""", [anchors, min_orders]).fetchall()
    chosen: list[Pairing] = []
    per_anchor: dict[str, int] = {}
    seen = set(exclude or ())
    for anchor, other, together, confidence, lift in rows:
        if other in seen or per_anchor.get(anchor, 0) >= MAX_PAIRS_PER_ANCHOR:
            continue
        seen.add(other)
        per_anchor[anchor] = per_anchor.get(anchor, 0) + 1
        chosen.append(Pairing(str(anchor), str(other), int(together), round(float(confidence), 3),
                              round(float(lift), 2)))
        if len(chosen) >= limit:
            break
    return chosen


def _warnings(con: duckdb.DuckDBPyConnection, share: float, found: list[Recommendation], excluded: list[str],
              request: RecommendRequest) -> list[str]:
    warnings = []
    if share > 0.5:
        warnings.append(f"This group is {share:.0%} of all customers, so it buys much like everyone else and "
                        "lifts stay close to 1.")
    if not con.execute("SELECT count(category) FROM orders").fetchone()[0]:
        warnings.append("The orders have no category column, so only products are ranked.")
    if not found and excluded:
        warnings.append(f"Most of this group already bought every candidate item in the last {request.recent_days} "
                        "days; see excluded, or shorten recent_days.")
    elif not found:
        warnings.append("No item reaches the minimum support in this group; lower min_support or widen the group.")
    return warnings
