"""Explain one customer: their numbers, their stage and tier, and the thresholds that decided them."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field

from tools.behaviour.customers import buy_again_is_probability
from tools.behaviour.feature_store import require_features
from tools.errors import UserError
from tools.jsonable import to_plain
from tools.results import Column, Table, ToolResult
from tools.segments.runs import has_segment_runs

if TYPE_CHECKING:
    import duckdb

    from tools.runtime.shop import Shop

NUMBER_COLUMNS = ("first_order", "last_order", "recency_days", "frequency", "purchase_days", "monetary",
                  "tenure_days", "aov", "typical_gap_days", "days_overdue", "top_category", "top_category_share",
                  "country", "p_alive", "expected_orders_90d", "buy_again_score", "predicted_value_12m")


class ExplainArgs(BaseModel):
    """Arguments of ``explain_customer``."""

    customer_id: str = Field(description="The customer's id exactly as in the shop's data.")


@dataclass
class CustomerExplanation(ToolResult):
    """Everything needed to say, in plain words, why a customer is where they are."""

    customer_id: str
    lifecycle: str
    value_tier: str
    lifecycle_reason: str
    value_reason: str
    numbers: dict[str, Any]
    segment: dict[str, Any] | None = None
    as_of: str = ""
    thresholds: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def facts(self) -> dict[str, Any]:
        return {"customer_id": self.customer_id, "lifecycle": self.lifecycle, "value_tier": self.value_tier,
                "as_of": self.as_of, **self.numbers, "segment": self.segment}

    def tables(self) -> list[Table]:
        return [Table(f"Customer {self.customer_id}", [Column("measure"), Column("value")],
                      [[key, value] for key, value in self.numbers.items()])]

    def row_count(self) -> int:
        return 1


def explain_customer(shop: Shop, args: ExplainArgs) -> CustomerExplanation:
    """Stage, tier and the evidence behind them for one customer."""
    warnings = require_features(shop)
    wanted = str(args.customer_id).strip()
    with shop.reading() as con:
        frame = con.execute("SELECT * FROM customer_features WHERE customer_id = ?", [wanted]).df()
        if frame.empty:
            frame = con.execute("SELECT * FROM customer_features WHERE customer_id = regexp_replace(?, '\\.0+$', '')",
                                [wanted]).df()
        if frame.empty:
            raise UserError(_unknown_customer_message(con, wanted))
        run = json.loads(con.execute("SELECT run FROM feature_runs").fetchone()[0])
        segment = _segment_of(con, frame["customer_id"].iloc[0])
        show_buy_again = buy_again_is_probability(con)
    row = frame.iloc[0]
    tiers = run["rules"]["value_tiers"]
    value_reason = (f"net revenue {row['monetary']:,.2f} ranks in the top {rank_share(row['value_rank_share'])} of "
                    f"customers (high = top {tiers['high_share']:.0%}, mid = next {tiers['mid_share']:.0%})")
    numbers = {name: to_plain(row[name]) for name in NUMBER_COLUMNS if name in row.index
               and (name != "buy_again_score" or show_buy_again)}
    return CustomerExplanation(str(row["customer_id"]), row["lifecycle"], row["value_tier"], row["lifecycle_reason"],
                               value_reason, numbers, segment, run["as_of"], run["rules"], warnings)


def rank_share(share: float) -> str:
    """A 'top x%' rank that never reads 'top 0%': 0.0002 -> '0.02%', 0.004 -> '0.4%', 0.12 -> '12%'."""
    percent = float(share) * 100
    if percent >= 1:
        return f"{percent:.0f}%"
    return f"{max(percent, 0.01):.2g}%"


def _unknown_customer_message(con: duckdb.DuckDBPyConnection, wanted: str) -> str:
    import difflib

    like = con.execute("SELECT customer_id FROM customer_features WHERE customer_id ILIKE ? LIMIT 200",
                       [f"%{wanted[:4]}%"]).fetchall()
    close = difflib.get_close_matches(wanted, [r[0] for r in like], n=3, cutoff=0.6)
    hint = f" Did you mean {', '.join(close)}?" if close else " List customers with  segment-agent customers."
    return f"No customer '{wanted}' with purchases in this workspace.{hint}"


def _segment_of(con: duckdb.DuckDBPyConnection, customer_id: str) -> dict[str, Any] | None:
    if not has_segment_runs(con):
        return None
    row = con.execute("SELECT segment_id, segment_name, segment_slug FROM current_segments WHERE customer_id = ?",
                      [customer_id]).fetchone()
    return None if row is None else {"id": int(row[0]), "name": row[1], "slug": row[2]}
