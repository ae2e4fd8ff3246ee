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


# -- movers between two dates, with ids (the weekly brief's "who moved") ------------------------------------

STAGE_ORDER = ("new", "active", "lapsing", "lapsed")
NOW_SQL = ("SELECT customer_id, lifecycle, value_tier, monetary, predicted_value_12m, recency_days "
           "FROM customer_features")


class MoversArgs(BaseModel):
    """Arguments of ``lifecycle_movers``: what to compare today's stages with."""

    brief: str | None = Field(None, description="Compare with the latest snapshot this brief (by name) took before "
                                                "the data's date, e.g. 'brief'.")
    since: date | None = Field(None, description="Otherwise (or when that brief has no earlier snapshot) compare "
                                                 "with the stages recomputed as of this date (YYYY-MM-DD).")
    limit: int = Field(100, ge=1, le=100_000, description="List at most this many movers with their ids (all are "
                                                          "counted).")


@dataclass
class LifecycleMovers(ToolResult):
    """Who moved between lifecycle stages since a baseline: counts, the moves, and the movers by id.

    ``baseline`` is "brief" (a previous brief's snapshot), "recomputed" (stages as of ``baseline_date``
    recomputed from the orders) or "none" (nothing to compare with yet). Newly lapsing VIPs are high-value
    customers lapsing now who were not lapsing VIPs at the baseline.
    """

    as_of: str
    baseline: str
    baseline_date: str | None
    counts_then: dict[str, int]
    counts_now: dict[str, int]
    counts_change: dict[str, int] = field(default_factory=dict)
    moves: list[dict[str, Any]] = field(default_factory=list)
    movers_total: int = 0
    movers: list[dict[str, Any]] = field(default_factory=list)
    new_lapsing_vips_total: int = 0
    new_lapsing_vips: list[dict[str, Any]] = field(default_factory=list)
    new_customers: int = 0
    note: str = ""
    warnings: list[str] = field(default_factory=list)

    def facts(self) -> dict[str, Any]:
        return {"as_of": self.as_of, "baseline": self.baseline, "baseline_date": self.baseline_date,
                "counts_then": self.counts_then, "counts_now": self.counts_now, "counts_change": self.counts_change,
                "moves": self.moves, "movers_total": self.movers_total, "new_lapsing_vips": self.new_lapsing_vips_total,
                "new_customers": self.new_customers}

    def tables(self) -> list[Table]:
        if self.baseline == "none":
            return [Table("Customers per lifecycle stage", [Column("stage"), Column("now", Kind.COUNT)],
                          [[s, self.counts_now.get(s, 0)] for s in _stages(self.counts_now)])]
        stages = _stages({**self.counts_then, **self.counts_now})
        tables = [
            Table(f"Customers per lifecycle stage, {self.baseline_date} → {self.as_of}",
                  [Column("stage"), Column("then", Kind.COUNT), Column("now", Kind.COUNT),
                   Column("change", Kind.COUNT)],
                  [[s, self.counts_then.get(s, 0), self.counts_now.get(s, 0), self.counts_change.get(s, 0)]
                   for s in stages]),
            Table("Moves between stages", [Column("from"), Column("to"), Column("customers", Kind.COUNT)],
                  [[m["from"], m["to"], m["customers"]] for m in self.moves])]
        tables.append(Table("Newly lapsing VIPs", [
            Column("customer_id", Kind.ID, "customer"), Column("was"), Column("monetary", Kind.MONEY, "net revenue"),
            Column("predicted_value_12m", Kind.MONEY, "pred. value 12m"),
            Column("recency_days", Kind.DAYS, "days since order")],
            [[v["customer_id"], v["was"], v["monetary"], v["predicted_value_12m"], v["recency_days"]]
             for v in self.new_lapsing_vips], self.new_lapsing_vips_total))
        tables.append(Table("Customers who changed stage", [
            Column("customer_id", Kind.ID, "customer"), Column("from"), Column("to"),
            Column("value_tier", label="value"), Column("monetary", Kind.MONEY, "net revenue")],
            [[m["customer_id"], m["from"], m["to"], m["value_tier"], m["monetary"]] for m in self.movers],
            self.movers_total))
        return tables

    def row_count(self) -> int:
        return self.movers_total


def lifecycle_movers(shop: Shop, args: MoversArgs) -> LifecycleMovers:
    """Who moved between lifecycle stages since the previous brief (or a date), listed by customer id.

    Use for "who moved since last week?" and "who newly became a lapsing VIP?". Today's stages are the
    customer features; the baseline is the named brief's latest snapshot before today's data date, else the
    stages recomputed as of ``since``.
    """
    from tools.behaviour.as_of_view import compute_features
    from tools.behaviour.brief_snapshots import SNAPSHOT_SQL, previous_brief_date
    from tools.jsonable import to_plain
    from tools.store.store import registered

    warnings = require_features(shop)
    with shop.reading() as con:
        as_of = con.execute("SELECT max(as_of) FROM customer_features").fetchone()[0].date()
        counts_now = _stage_counts(con, NOW_SQL, [])
        previous = previous_brief_date(con, args.brief, as_of) if args.brief else None
        if previous is not None:
            result = _compare(con, SNAPSHOT_SQL, [args.brief, previous.isoformat()], args.limit)
            kind, baseline_day = "brief", previous
        elif args.since is not None and args.since < as_of:
            frame, run = compute_features(shop, con, args.since)
            warnings += [w for w in run.warnings if w not in warnings]
            with registered(con, "movers_baseline", frame):
                result = _compare(con, "SELECT * FROM movers_baseline", [], args.limit)
            kind, baseline_day = "recomputed", args.since
        else:
            note = ("There is no earlier snapshot of this brief and no earlier date to compare with yet."
                    if args.brief else "Pass since=DATE (before the data's date) or a brief name to compare with.")
            return LifecycleMovers(as_of.isoformat(), "none", None, {}, counts_now, note=note, warnings=warnings)
    counts_then, moves, movers, vips, new_customers = result
    plain = [{key: to_plain(value, 2) for key, value in row.items()} for row in movers]
    vip_rows = [{key: to_plain(value, 2) for key, value in row.items()} for row in vips[1]]
    change = {s: counts_now.get(s, 0) - counts_then.get(s, 0) for s in _stages({**counts_then, **counts_now})}
    return LifecycleMovers(as_of.isoformat(), kind, baseline_day.isoformat(), counts_then, counts_now, change, moves,
                           sum(m["customers"] for m in moves), plain, vips[0], vip_rows, new_customers,
                           warnings=warnings)


def _compare(con: Any, then_sql: str, params: list[Any], limit: int) -> tuple[Any, ...]:
    """Counts then, moves, the movers (first ``limit``), newly lapsing VIPs (count, first ``limit``), new
    customers — between the baseline ``then_sql`` and the current features."""
    pair = f"WITH n AS ({NOW_SQL}), t AS ({then_sql}) "
    moves = con.execute(pair + "SELECT t.lifecycle, n.lifecycle, count(*) FROM n JOIN t USING (customer_id) "
                        "WHERE t.lifecycle <> n.lifecycle GROUP BY 1, 2 ORDER BY 3 DESC, 1, 2", params).fetchall()
    movers = con.execute(
        pair + "SELECT n.customer_id, t.lifecycle AS \"from\", n.lifecycle AS \"to\", n.value_tier, n.monetary "
        "FROM n JOIN t USING (customer_id) WHERE t.lifecycle <> n.lifecycle "
        "ORDER BY n.monetary DESC NULLS LAST, n.customer_id LIMIT ?", [*params, limit]).fetchdf()
    vip_where = ("WHERE n.value_tier = 'high' AND n.lifecycle = 'lapsing' "
                 "AND NOT coalesce(t.lifecycle = 'lapsing' AND t.value_tier = 'high', false)")
    vip_total = con.execute(pair + f"SELECT count(*) FROM n LEFT JOIN t USING (customer_id) {vip_where}",
                            params).fetchone()[0]
    vips = con.execute(
        pair + "SELECT n.customer_id, coalesce(t.lifecycle, 'not a customer yet') AS was, n.monetary, "
        f"n.predicted_value_12m, n.recency_days FROM n LEFT JOIN t USING (customer_id) {vip_where} "
        "ORDER BY n.predicted_value_12m DESC NULLS LAST, n.monetary DESC, n.customer_id LIMIT ?",
        [*params, limit]).fetchdf()
    new_customers = con.execute(pair + "SELECT count(*) FROM n ANTI JOIN t USING (customer_id)",
                                params).fetchone()[0]
    counts_then = _stage_counts(con, then_sql, params)
    return (counts_then, [{"from": a, "to": b, "customers": int(c)} for a, b, c in moves],
            movers.to_dict("records"), (int(vip_total), vips.to_dict("records")), int(new_customers))


def _stage_counts(con: Any, sql: str, params: list[Any]) -> dict[str, int]:
    rows = dict(con.execute(f"SELECT lifecycle, count(*) FROM ({sql}) GROUP BY 1", params).fetchall())
    return {stage: int(rows[stage]) for stage in _stages(rows)}


def _stages(counts: dict[str, Any]) -> list[str]:
    return [s for s in STAGE_ORDER if s in counts] + sorted(s for s in counts if s not in STAGE_ORDER)
