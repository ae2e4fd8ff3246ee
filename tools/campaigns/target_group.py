"""Resolve "who is this for" — a segment reference, audience filters, or both — into an audience table.

Campaign drafts, recommendations and exports all target a group the same way, through the audience
filters of ``find_customers``, so "lapsing VIPs in the outdoor segment" means the same customers in every
tool. The group's customer ids stay in the store as a temporary table that the tools join.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tools.behaviour.customers import AudienceFilter, audience_table
from tools.behaviour.feature_store import require_features
from tools.errors import UserError

if TYPE_CHECKING:
    import duckdb

    from tools.runtime.shop import Shop


@dataclass(frozen=True)
class TargetGroup:
    """The customers a tool works on: the temp table holding their ids, and a plain-words label."""

    label: str
    kind: str  # "segment" or "audience"
    table: str
    size: int
    base_customers: int
    as_of: str
    filters: AudienceFilter
    segment_name: str | None = None
    warnings: tuple[str, ...] = ()
    product: str | None = None

    @property
    def share(self) -> float:
        """The group's share of all customers with features."""
        return self.size / self.base_customers if self.base_customers else 0.0


@contextmanager
def target_group(shop: Shop, segment: str | None, audience: AudienceFilter | None,
                 product: str | None = None) -> Iterator[TargetGroup]:
    """The customers of ``segment`` (id or slug) narrowed by ``audience`` filters and, with ``product``, to
    those who bought that product; at least one of the three is needed."""
    if segment is None and (audience is None or audience.is_everyone()) and not product:
        raise UserError("Say who this is for: pass --segment ID|SLUG, --product NAME or audience filters such as "
                        "--lifecycle lapsing --value high.")
    filters = (audience or AudienceFilter()).who()
    if segment is not None:
        filters = filters.model_copy(update={"segment": str(segment)})
    warnings = tuple(require_features(shop))
    with shop.reading() as con, audience_table(shop, filters) as table:
        segment_name = _segment_name(con, filters.segment) if filters.segment is not None else None
        name, size = table.name, table.size
        if product:
            product = known_product(con, product)
            name = f"{table.name}_buyers"
            con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT customer_id FROM {table.name} WHERE "
                        "customer_id IN (SELECT customer_id FROM orders WHERE product_name = ? AND NOT is_return)",
                        [product])
            size = con.execute(f"SELECT count(*) FROM {name}").fetchone()[0]
        label = _label(filters, segment_name, product)
        try:
            if not size:
                raise UserError(f"No customers match {label}; loosen the filters "
                                "(segment-agent customers with the same options shows the counts).")
            rest_is_everyone = filters.model_copy(update={"segment": None}).is_everyone()
            kind = "segment" if filters.segment is not None and rest_is_everyone and not product else "audience"
            yield TargetGroup(label, kind, name, int(size), table.base, table.as_of, filters, segment_name,
                              warnings, product)
        finally:
            if product:
                con.execute(f"DROP TABLE IF EXISTS temp.{name}")


def known_product(con: duckdb.DuckDBPyConnection, name: str) -> str:
    """The catalogue's spelling of product ``name`` (case-insensitive), or a UserError naming close ones."""
    import difflib

    exact = con.execute("SELECT DISTINCT product_name FROM orders WHERE lower(product_name) = lower(?) LIMIT 1",
                        [name.strip()]).fetchone()
    if exact:
        return str(exact[0])
    known = [str(row[0]) for row in con.execute(
        "SELECT DISTINCT product_name FROM orders WHERE product_name IS NOT NULL").fetchall()]
    if not known:
        raise UserError("The orders have no product_name column, so customers cannot be picked by product.")
    by_lower = {k.lower(): k for k in known}
    close = difflib.get_close_matches(name.lower().strip(), list(by_lower), n=3, cutoff=0.5)
    contains = [k for k in known if name.lower().strip() in k.lower()][:3]
    hints = list(dict.fromkeys([*(by_lower[c] for c in close), *contains]))[:3]
    hint = f" Did you mean {', '.join(repr(h) for h in hints)}?" if hints else ""
    raise UserError(f"No product '{name}' in the orders.{hint}")


def _segment_name(con: object, reference: str) -> str:
    from tools.segments.runs import latest_profiles, resolve_segment

    return str(resolve_segment(latest_profiles(con), reference)["name"])  # type: ignore[arg-type]


def _label(filters: AudienceFilter, segment_name: str | None, product: str | None = None) -> str:
    """"lapsing high-value customers in the Trail runners segment", or the filters' own description."""
    if product:
        rest = filters.model_copy(update={"segment": None})
        who = "customers" if rest.is_everyone() else rest.describe()
        where = f" in the {segment_name} segment" if segment_name else ""
        return f"{who} who bought the {product}{where}"
    if filters.segment is None or not segment_name:
        return filters.describe()
    rest = filters.model_copy(update={"segment": None})
    if rest.is_everyone():
        return f"the {segment_name} segment"
    return f"{rest.describe()} in the {segment_name} segment"
