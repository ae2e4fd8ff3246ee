"""Which products and categories to promote to a group, and what to cross-sell with what it buys.

Promote = what the group buys more than everyone else (lift above 1 over the base, with minimum support),
minus what most of the group already bought in the last few months (no point promoting last month's
purchase). Next products = each customer's item-to-item co-purchase recommendations (never something they
own), counted over the group. Cross-sell = association rules from the group's staples (customers who bought
X also bought Y) and items sharing order baskets with them. Thin evidence comes with a warning.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field

from tools.behaviour.customers import AudienceFilter
from tools.campaigns.co_purchase import (
    MERCHANDISE_SQL,
    CoPurchaseModel,
    ItemRule,
    is_merchandise,
    shop_model,
)
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
NEXT_PRODUCTS_PER_CUSTOMER = 10
MAX_GROUP_FOR_NEXT = 50_000  # the group's next products are counted over a fixed sample of a huge group
SMALL_GROUP = 50  # below this many customers, shares and lifts swing with a handful of people
THIN_EVIDENCE = 10  # a pairing resting on fewer customers or orders than this is a hint, not a finding


class RecommendRequest(BaseModel):
    """Arguments of ``recommend_products``: a segment and/or audience filters, plus how strict to be."""

    segment: str | None = Field(None, description="Segment id or slug (from segment_overview) to recommend for.")
    audience: AudienceFilter | None = Field(None, description="Audience filters, e.g. lifecycle and value tier.")
    product: str | None = Field(None, description="Only customers who bought this product (as named in the "
                                                  "orders): what to cross-sell to them, never the product itself.")
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


@dataclass(frozen=True)
class NextProduct:
    """An item the co-purchase model puts in the next products of ``customers`` of the group (none own it)."""

    name: str
    customers: int
    share: float
    owned_share: float
    reason: str


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
    next_products: list[NextProduct] = field(default_factory=list)
    also_bought: list[ItemRule] = field(default_factory=list)
    product: str | None = None

    def facts(self) -> dict[str, Any]:
        return {"audience": self.audience, "customers": self.customers, "as_of": self.as_of,
                "recommend": [{"name": r.name, "kind": r.kind, "lift": r.lift, "group_share": r.group_share,
                               "base_share": r.base_share} for r in [*self.categories, *self.products]],
                "next_products": [{"name": n.name, "share": n.share, "owned_share": n.owned_share}
                                  for n in self.next_products],
                "also_bought": [{"anchor": r.anchor, "item": r.item, "customers_together": r.together,
                                 "confidence": r.confidence, "lift": r.lift} for r in self.also_bought],
                "bought_together": [{"anchor": p.anchor, "item": p.item, "orders_together": p.orders_together,
                                     "confidence": p.confidence, "lift": p.lift} for p in self.bought_together]}

    def tables(self) -> list[Table]:
        items = [[r.kind, r.name, r.lift, r.group_share, r.base_share, r.buyers]
                 for r in [*self.categories, *self.products]]
        tables = [Table(f"What to promote to {self.audience} (bought more than by all customers: lift above 1)",
                        [Column("kind"), Column("item"), Column("lift", Kind.LIFT),
                         Column("group_share", Kind.SHARE, "bought by"),
                         Column("base_share", Kind.SHARE, "all customers"), Column("buyers", Kind.COUNT)], items)]
        if self.next_products:
            tables.append(Table("Next products (co-purchase, never one they own)",
                                [Column("item"), Column("customers", Kind.COUNT, "recommended to"),
                                 Column("share", Kind.SHARE, "of the group"),
                                 Column("owned_share", Kind.SHARE, "already own")],
                                [[n.name, n.customers, n.share, n.owned_share] for n in self.next_products]))
        if self.also_bought:
            tables.append(Table("Customers who bought … also bought",
                                [Column("anchor", label="customers who bought"), Column("item", label="also bought"),
                                 Column("together", Kind.COUNT, "customers"), Column("confidence", Kind.SHARE,
                                                                                     "P(also)"),
                                 Column("lift", Kind.LIFT)],
                                [[r.anchor, r.item, r.together, r.confidence, r.lift] for r in self.also_bought]))
        if self.bought_together:
            tables.append(Table("Bought together (cross-sell)",
                                [Column("anchor", label="customers who buy"), Column("item", label="often add"),
                                 Column("orders_together", Kind.COUNT, "orders together"),
                                 Column("confidence", Kind.SHARE, "P(add)"), Column("lift", Kind.LIFT)],
                                [[p.anchor, p.item, p.orders_together, p.confidence, p.lift]
                                 for p in self.bought_together]))
        return tables


def recommend_products(shop: Shop, request: RecommendRequest) -> Recommendations:
    """Products and categories to promote to a segment, an audience or the buyers of one product.

    Use this for "what should we promote to lapsing VIPs?", "what sells to segment 2?" or "what should I
    cross-sell to people who bought the Travel System Pram?" (product=...). ``categories``/``products`` are
    what the group buys more than all customers (lift above 1, minimum support), minus what most of it bought
    within ``recent_days``. ``next_products`` counts each customer's co-purchase recommendations (never an item
    they own); ``also_bought`` are association rules from the group's staples or the given product
    (support, confidence, lift); ``bought_together`` shares order baskets with them.
    """
    with shop.reading() as con, target_group(shop, request.segment, request.audience, request.product) as group:
        recent = {kind: recently_bought(con, group.table, kind, group.as_of, request.recent_days,
                                        request.max_recent_share) for kind in ("category", "product_name")}
        categories = _promote(con, group.table, "category", recent["category"], request)
        products = [p for p in _promote(con, group.table, "product_name", recent["product_name"], request)
                    if p.name != group.product]
        staples = [group.product] if group.product else staple_products(con, group.table)
        owned = mostly_owned(con, group.table)
        model = shop_model(con)
        members = group_members(con, group.table)
        next_products = group_next_products(model, members, owned_shares(con, group.table), request.limit) \
            if model else []
        per_anchor = request.limit if group.product else MAX_PAIRS_PER_ANCHOR
        also = model.rules(staples, exclude=owned | set(staples), per_anchor=per_anchor)[: request.limit] \
            if model else []
        anchors = list(dict.fromkeys(staples + [p.name for p in products]))[:MAX_ANCHORS]
        pairs = bought_together(con, anchors, request.limit, request.min_pair_orders,
                                recent["product_name"] | set(staples) | owned)
        excluded = sorted(item for item in recent["category"] | recent["product_name"] if is_merchandise(item))
        warnings = [*group.warnings, *_warnings(con, group.share, group.size, categories + products, excluded,
                                                 request),
                    *_thin(also, pairs, next_products, len(members))]
    return Recommendations(group.label, group.size, group.as_of, categories, products, pairs, excluded, warnings,
                           next_products, also, group.product)


def group_members(con: duckdb.DuckDBPyConnection, group_table: str) -> list[str]:
    """The group's customer ids (a fixed, hash-ordered sample of at most MAX_GROUP_FOR_NEXT)."""
    return [str(row[0]) for row in con.execute(
        f"SELECT DISTINCT customer_id FROM {group_table} ORDER BY md5(CAST(customer_id AS VARCHAR)) LIMIT ?",
        [MAX_GROUP_FOR_NEXT]).fetchall()]


def owned_shares(con: duckdb.DuckDBPyConnection, group_table: str) -> dict[str, float]:
    """Share of the group that already bought each product."""
    rows = con.execute(
        f"""SELECT o.product_name, count(DISTINCT o.customer_id) / (SELECT count(*) FROM {group_table})
            FROM orders o JOIN (SELECT DISTINCT customer_id FROM {group_table}) g USING (customer_id)
            WHERE NOT o.is_return AND o.product_name IS NOT NULL GROUP BY 1""").fetchall()
    return {str(name): float(share) for name, share in rows}


def mostly_owned(con: duckdb.DuckDBPyConnection, group_table: str, share: float = 0.5) -> set[str]:
    """Products more than ``share`` of the group already own: never worth cross-selling to it."""
    return {name for name, owned in owned_shares(con, group_table).items() if owned > share}


def group_next_products(model: CoPurchaseModel, members: list[str], owned: dict[str, float],
                        limit: int) -> list[NextProduct]:
    """The items that appear most often in the members' own next-product lists (co-purchase only)."""
    suggestions = model.recommend(members, NEXT_PRODUCTS_PER_CUSTOMER, fill=False)
    counts: dict[str, int] = {}
    for items in suggestions.values():
        for suggestion in items:
            if suggestion.source == "co-purchase":
                counts[suggestion.item] = counts.get(suggestion.item, 0) + 1
    scored = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
    base = max(1, len(members))
    return [NextProduct(name, count, round(count / base, 4), round(owned.get(name, 0.0), 4),
                        f"a next product for {count / base:.0%} of the group (co-purchase); "
                        f"{owned.get(name, 0.0):.0%} already own it") for name, count in scored]


def _promote(con: duckdb.DuckDBPyConnection, table: str, kind: str, recent: set[str],
             request: RecommendRequest) -> list[Recommendation]:
    rows = top_by_lift(con, table, kind, request.limit + len(recent) + 10, request.min_support)
    label = "category" if kind == "category" else "product"
    return [_recommendation(row, label) for row in rows
            if row.lift > 1 and row.name not in recent and (kind == "category" or is_merchandise(row.name))
            ][: request.limit]


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
            CROSS JOIN n WHERE p.together >= ? AND p.together * n.orders > ia.orders * ib.orders
            ORDER BY lift DESC, p.together DESC, p.anchor, p.other""", [anchors, min_orders]).fetchall()
    chosen: list[Pairing] = []
    per_anchor: dict[str, int] = {}
    seen = set(exclude or ())
    chosen_pairs: set[frozenset[str]] = set()
    for anchor, other, together, confidence, lift in rows:
        pair = frozenset((str(anchor), str(other)))
        if other in seen or pair in chosen_pairs or per_anchor.get(anchor, 0) >= MAX_PAIRS_PER_ANCHOR:
            continue
        chosen_pairs.add(pair)
        seen.add(other)
        per_anchor[anchor] = per_anchor.get(anchor, 0) + 1
        chosen.append(Pairing(str(anchor), str(other), int(together), round(float(confidence), 3),
                              round(float(lift), 2)))
        if len(chosen) >= limit:
            break
    return chosen


def _warnings(con: duckdb.DuckDBPyConnection, share: float, size: int, found: list[Recommendation],
              excluded: list[str], request: RecommendRequest) -> list[str]:
    warnings = []
    if share > 0.5:
        warnings.append(f"This group is {share:.0%} of all customers, so it buys much like everyone else and "
                        "lifts stay close to 1.")
    if size < SMALL_GROUP:
        warnings.append(f"This group has only {size} customers: its shares and lifts move with a handful of "
                        "people, so treat them as hints.")
    if not con.execute("SELECT count(category) FROM orders").fetchone()[0]:
        warnings.append("The orders have no category column, so only products are ranked.")
    if not found and excluded:
        warnings.append(f"Most of this group already bought every candidate item in the last {request.recent_days} "
                        "days; see excluded, or shorten recent_days.")
    elif not found:
        warnings.append("No item is bought more by this group than by all customers with the minimum support; "
                        "lower min_support or widen the group.")
    return warnings


def _thin(rules: list[ItemRule], pairs: list[Pairing], next_products: list[NextProduct], members: int) -> list[str]:
    """Small-sample warnings for the co-purchase lists."""
    warnings = []
    thin = [r for r in rules if r.together < THIN_EVIDENCE] + [p for p in pairs if p.orders_together < THIN_EVIDENCE]
    if thin:
        warnings.append(f"{len(thin)} of the pairings rest on fewer than {THIN_EVIDENCE} customers or orders "
                        "(see the counts): treat them as hints.")
    if members and not next_products:
        warnings.append("No co-purchase pattern reaches this group's customers yet; promote by lift instead.")
    return warnings
