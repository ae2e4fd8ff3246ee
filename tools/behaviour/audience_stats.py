"""Aggregates about a set of customers: safe to show an LLM (no rows, no PII) and to cite in answers."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from tools.jsonable import to_plain

if TYPE_CHECKING:
    import duckdb

MIX_COLUMNS = ("lifecycle", "value_tier", "country")


def summarise_audience(con: duckdb.DuckDBPyConnection, audience: str, with_segments: bool) -> dict[str, Any]:
    """Count, revenue and its share of the base, medians, and the lifecycle/value/country (/segment) mix of
    the customers in table ``audience``."""
    stats = con.execute(
        f"""SELECT count(*), sum(monetary),
                   sum(monetary) / (SELECT nullif(sum(monetary), 0) FROM customer_features),
                   median(recency_days), median(frequency), median(p_alive), sum(predicted_value_12m)
            FROM customer_features JOIN {audience} USING (customer_id)""").fetchone()
    mixes = {column: dict(con.execute(
        f"SELECT {column}, count(*) FROM customer_features JOIN {audience} USING (customer_id) "
        f"WHERE {column} IS NOT NULL GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 5").fetchall()) for column in MIX_COLUMNS}
    if with_segments:
        mixes["segment"] = {f"{sid} · {name}": count for sid, name, count in con.execute(
            f"SELECT segment_id, segment_name, count(*) FROM current_segments JOIN {audience} USING (customer_id) "
            "GROUP BY 1, 2 ORDER BY 3 DESC, 1 LIMIT 5").fetchall()}
    keys = ("customers", "net_revenue", "share_of_revenue", "median_days_since_order", "median_orders",
            "median_p_alive", "predicted_value_12m")
    summary = {key: to_plain(value, 4 if key.startswith("share") else 2) for key, value in zip(keys, stats,
                                                                                              strict=True)}
    summary.update({f"{column}_mix": mix for column, mix in mixes.items()})
    return summary


def rule_thresholds(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    """The lifecycle and value rules the stored features used, plus the revenue cut-offs they imply here."""
    run = json.loads(con.execute("SELECT run FROM feature_runs").fetchone()[0])
    cutoffs = dict(con.execute("SELECT value_tier, min(monetary) FROM customer_features GROUP BY 1").fetchall())
    return {
        "as_of": run["as_of"],
        "lifecycle_rules": run["rules"]["lifecycle"],
        "value_rules": run["rules"]["value_tiers"],
        "shop_typical_gap_days": round(run["shop_typical_gap_days"], 1),
        "high_value_min_revenue": to_plain(cutoffs.get("high"), 2),
        "mid_value_min_revenue": to_plain(cutoffs.get("mid"), 2),
    }
