"""Explain one customer: their numbers, their stage and tier, and the thresholds that decided them."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tools.errors import UserError
from tools.jsonable import to_plain


@dataclass
class CustomerExplanation:
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


NUMBER_COLUMNS = ("first_order", "last_order", "recency_days", "frequency", "purchase_days", "monetary",
                  "tenure_days", "aov", "typical_gap_days", "days_overdue", "top_category", "top_category_share",
                  "country", "p_alive", "expected_orders_90d", "predicted_value_12m")


def explain_customer(workspace_root: Path, customer_id: str) -> CustomerExplanation:
    """Stage, tier and the evidence behind them for ``customer_id``."""
    from tools.behaviour.feature_store import ensure_features
    from tools.store.workspace import Workspace

    ensure_features(workspace_root)
    wanted = str(customer_id).strip()
    with Workspace(workspace_root).connect(read_only=True) as con:
        frame = con.execute("SELECT * FROM customer_features WHERE customer_id = ?", [wanted]).df()
        if frame.empty:
            frame = con.execute("SELECT * FROM customer_features WHERE customer_id = regexp_replace(?, '\\.0+$', '')",
                                [wanted]).df()
        if frame.empty:
            raise UserError(_unknown_customer_message(con, wanted))
        run = json.loads(con.execute("SELECT run FROM feature_runs").fetchone()[0])
        segment = _segment_of(con, frame["customer_id"].iloc[0])
    row = frame.iloc[0]
    tiers = run["rules"]["value_tiers"]
    value_reason = (f"net revenue {row['monetary']:,.2f} ranks in the top {row['value_rank_share']:.0%} of customers "
                    f"(high = top {tiers['high_share']:.0%}, mid = next {tiers['mid_share']:.0%})")
    numbers = {name: to_plain(row[name]) for name in NUMBER_COLUMNS if name in row.index}
    return CustomerExplanation(str(row["customer_id"]), row["lifecycle"], row["value_tier"], row["lifecycle_reason"],
                               value_reason, numbers, segment, run["as_of"], run["rules"])


def _unknown_customer_message(con: Any, wanted: str) -> str:
    import difflib

    ids = [r[0] for r in con.execute("SELECT customer_id FROM customer_features").fetchall()]
    close = difflib.get_close_matches(wanted, ids, n=3, cutoff=0.6)
    hint = f" Did you mean {', '.join(close)}?" if close else " List customers with  segment-agent customers."
    return f"No customer '{wanted}' with purchases in this workspace.{hint}"


def _segment_of(con: Any, customer_id: str) -> dict[str, Any] | None:
    exists = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'current_segments'").fetchone()[0]
    if not exists:
        return None
    row = con.execute("SELECT segment_id, segment_name, segment_slug FROM current_segments WHERE customer_id = ?",
                      [customer_id]).fetchone()
    return None if row is None else {"id": int(row[0]), "name": row[1], "slug": row[2]}
