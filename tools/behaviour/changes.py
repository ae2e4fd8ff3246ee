"""What changed between two feature refreshes: stage counts and who moved between stages."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field

from tools.behaviour.feature_store import require_features
from tools.results import Column, Kind, Table, ToolResult

if TYPE_CHECKING:
    from tools.runtime.shop import Shop


class ChangesArgs(BaseModel):
    """Arguments of ``whats_changed``."""

    since: date | None = Field(None, description="Compare with the last refresh before this date (YYYY-MM-DD); "
                                                 "default: the previous refresh.")


@dataclass
class ChangeReport(ToolResult):
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
    warnings: list[str] = field(default_factory=list)

    def facts(self) -> dict[str, Any]:
        return {"current_as_of": self.current_as_of, "previous_as_of": self.previous_as_of,
                "counts_now": self.counts_now, "counts_then": self.counts_then, "moves": self.moves,
                "new_customers": self.new_customers, "high_value_now_lapsing": self.high_value_now_lapsing}

    def tables(self) -> list[Table]:
        stages = sorted(set(self.counts_now) | set(self.counts_then))
        return [Table("Customers per lifecycle stage",
                      [Column("stage"), Column("before", Kind.COUNT), Column("now", Kind.COUNT)],
                      [[s, self.counts_then.get(s, 0), self.counts_now.get(s, 0)] for s in stages])]


def whats_changed(shop: Shop, args: ChangesArgs) -> ChangeReport:
    """Compare the latest feature refresh with the last one computed before ``since`` (default: previous)."""
    warnings = require_features(shop)
    since = datetime.combine(args.since, datetime.min.time()) if args.since else None
    with shop.reading() as con:
        runs = con.execute("SELECT run_id, any_value(computed_at), any_value(as_of) FROM lifecycle_history "
                           "GROUP BY run_id ORDER BY run_id").fetchall()
        latest = runs[-1]
        earlier = [run for run in runs[:-1] if since is None or run[1] <= since]
        counts_now = _counts(con, latest[0])
        if not earlier:
            return ChangeReport(str(latest[2])[:10], None, str(latest[1])[:19], None, counts_now, {},
                                note="This is the first refresh; there is nothing earlier to compare with yet.",
                                warnings=warnings)
        previous = earlier[-1]
        moves = con.execute(
            """SELECT o.lifecycle, n.lifecycle, count(*) FROM lifecycle_history n
               JOIN lifecycle_history o ON o.customer_id = n.customer_id AND o.run_id = ?
               WHERE n.run_id = ? AND o.lifecycle <> n.lifecycle GROUP BY 1, 2 ORDER BY 3 DESC, 1, 2""",
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
                        counts_now, counts_then, [{"from": a, "to": b, "customers": int(c)} for a, b, c in moves],
                        int(new_customers), int(vip_slipping), warnings=warnings)


def _counts(con: Any, run_id: int) -> dict[str, int]:
    rows = con.execute("SELECT lifecycle, count(*) FROM lifecycle_history WHERE run_id = ? GROUP BY 1 ORDER BY 1",
                       [run_id]).fetchall()
    return {stage: int(count) for stage, count in rows}
