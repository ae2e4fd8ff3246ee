"""What changed between two feature refreshes: stage counts and who moved between stages."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from tools.store.workspace import Workspace


@dataclass
class ChangeReport:
    """Counts then and now, and the number of customers who moved from one stage to another."""

    current_as_of: str
    previous_as_of: str | None
    current_computed_at: str
    previous_computed_at: str | None
    counts_now: dict[str, int]
    counts_then: dict[str, int]
    moves: list[dict[str, Any]] = field(default_factory=list)
    new_customers: int = 0
    high_value_now_lapsing: int = 0
    note: str = ""


def whats_changed(workspace_root: Path, since: datetime | None = None) -> ChangeReport:
    """Compare the latest feature refresh with the last one computed before ``since`` (default: previous)."""
    from tools.behaviour.feature_store import ensure_features

    ensure_features(workspace_root)
    with Workspace(workspace_root).connect(read_only=True) as con:
        runs = con.execute("SELECT run_id, any_value(computed_at), any_value(as_of) FROM lifecycle_history "
                           "GROUP BY run_id ORDER BY run_id").fetchall()
        latest = runs[-1]
        earlier = [run for run in runs[:-1] if since is None or run[1] <= since]
        counts_now = _counts(con, latest[0])
        if not earlier:
            return ChangeReport(str(latest[2])[:10], None, str(latest[1])[:19], None, counts_now, {},
                                note="This is the first refresh; there is nothing earlier to compare with yet.")
        previous = earlier[-1]
        moves = con.execute(
            """SELECT o.lifecycle, n.lifecycle, count(*) FROM lifecycle_history n
               JOIN lifecycle_history o ON o.customer_id = n.customer_id AND o.run_id = ?
               WHERE n.run_id = ? AND o.lifecycle <> n.lifecycle GROUP BY 1, 2 ORDER BY 3 DESC""",
            [previous[0], latest[0]]).fetchall()
        new_customers = con.execute(
            "SELECT count(*) FROM lifecycle_history WHERE run_id = ? AND customer_id NOT IN "
            "(SELECT customer_id FROM lifecycle_history WHERE run_id = ?)", [latest[0], previous[0]]).fetchone()[0]
        vip_slipping = con.execute(
            """SELECT count(*) FROM lifecycle_history n JOIN lifecycle_history o
               ON o.customer_id = n.customer_id AND o.run_id = ?
               WHERE n.run_id = ? AND n.value_tier = 'high' AND n.lifecycle = 'lapsing' AND o.lifecycle <> 'lapsing'
            """, [previous[0], latest[0]]).fetchone()[0]
        counts_then = _counts(con, previous[0])
    return ChangeReport(str(latest[2])[:10], str(previous[2])[:10], str(latest[1])[:19], str(previous[1])[:19],
                        counts_now, counts_then,
                        [{"from": a, "to": b, "customers": int(c)} for a, b, c in moves],
                        int(new_customers), int(vip_slipping))


def _counts(con: Any, run_id: int) -> dict[str, int]:
    rows = con.execute("SELECT lifecycle, count(*) FROM lifecycle_history WHERE run_id = ? GROUP BY 1",
                       [run_id]).fetchall()
    return {stage: int(count) for stage, count in rows}
