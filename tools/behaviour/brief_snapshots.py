"""What each brief saw, kept so the next brief can say what changed (DESIGN.md §15).

A brief stores one row per customer — lifecycle stage, value tier, segment id, net revenue as of the brief's
date — plus a header row, keyed by the brief's name and date. Writing the same brief for the same date again
replaces its own rows in one transaction (briefs are idempotent); the next brief compares against the latest
snapshot of the same name dated *before* its own, so re-running last week's brief never changes this week's.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from tools.store.store import registered

if TYPE_CHECKING:
    import duckdb
    import pyarrow as pa

    from tools.runtime.shop import Shop

CURRENT_STATE_SQL = """
SELECT f.customer_id, f.lifecycle, f.value_tier, s.segment_id, f.monetary
FROM customer_features f LEFT JOIN current_segments s USING (customer_id)
ORDER BY f.customer_id
"""
# One brief's stored snapshot; parameters: brief name, brief date.
SNAPSHOT_SQL = ("SELECT customer_id, lifecycle, value_tier, segment_id, monetary FROM brief_snapshots "
                "WHERE brief = ? AND brief_date = ?::DATE")


@dataclass(frozen=True)
class BriefRecord:
    """One brief written: its name, date, period, when, how many customers, and its summary (files, counts)."""

    brief: str
    brief_date: str
    period_start: str
    period_end: str
    created_at: str
    customers: int
    segment_run_id: int | None
    summary: dict[str, Any]


def current_state(con: duckdb.DuckDBPyConnection) -> pa.Table:
    """Each customer's stage, tier, segment and revenue as the connection sees them now (an as-of view
    included): what a brief keeps as its snapshot."""
    return con.execute(CURRENT_STATE_SQL).to_arrow_table()


def current_segment_run(con: duckdb.DuckDBPyConnection) -> int | None:
    """The latest segmentation run's id, or None before the first."""
    return con.execute("SELECT max(run_id) FROM segment_runs").fetchone()[0]


def save_brief(shop: Shop, record: BriefRecord, state: pa.Table) -> None:
    """Store ``record`` and its customers' ``state`` in one write, replacing any earlier run of the same
    brief and date."""
    key = [record.brief, record.brief_date]
    with shop.writing() as con:
        con.execute("DELETE FROM brief_runs WHERE brief = ? AND brief_date = ?::DATE", key)
        con.execute("DELETE FROM brief_snapshots WHERE brief = ? AND brief_date = ?::DATE", key)
        con.execute("INSERT INTO brief_runs VALUES (?, ?::DATE, ?::DATE, ?::DATE, ?::TIMESTAMP, ?, ?, ?)",
                    [*key, record.period_start, record.period_end, record.created_at, record.customers,
                     record.segment_run_id, json.dumps(record.summary, default=str)])
        with registered(con, "brief_state", state):
            con.execute("INSERT INTO brief_snapshots SELECT ?, ?::DATE, customer_id, lifecycle, value_tier, "
                        "segment_id, monetary FROM brief_state", key)


def previous_brief_date(con: duckdb.DuckDBPyConnection, brief: str, before: date) -> date | None:
    """The date of the latest snapshot of ``brief`` taken strictly before ``before``."""
    found = con.execute("SELECT max(brief_date) FROM brief_runs WHERE brief = ? AND brief_date < ?::DATE",
                        [brief, before.isoformat()]).fetchone()[0]
    return found


def brief_history(con: duckdb.DuckDBPyConnection, brief: str | None = None, limit: int = 50) -> list[BriefRecord]:
    """Briefs written, newest first (of one name, or all)."""
    where, params = ("WHERE brief = ?", [brief]) if brief else ("", [])
    rows = con.execute(f"SELECT brief, brief_date, period_start, period_end, created_at, customers, segment_run_id, "
                       f"summary FROM brief_runs {where} ORDER BY brief_date DESC, brief LIMIT ?",
                       [*params, limit]).fetchall()
    return [BriefRecord(name, str(day), str(start), str(end), _seconds(created), int(customers or 0),
                        segment_run, json.loads(summary or "{}"))
            for name, day, start, end, created, customers, segment_run, summary in rows]


def _seconds(value: datetime | None) -> str:
    return str(value)[:19] if value is not None else ""
