"""Snapshot retention: DuckLake keeps every committed snapshot (time travel) until it is expired, so the
store drops the ones past the retention that no reader can still be on, and deletes their files."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import duckdb


def expire_snapshots_older_than(con: duckdb.DuckDBPyConnection, lake: str, keep_seconds: float) -> None:
    """Expire snapshots superseded more than ``keep_seconds`` ago; never raises (housekeeping must never fail a
    write that already committed)."""
    try:
        expired = con.execute(
            f"""SELECT list(snapshot_id) FROM (
                    SELECT snapshot_id, lead(snapshot_time) OVER (ORDER BY snapshot_id) AS superseded_at
                    FROM {lake}.snapshots())
                WHERE superseded_at < now() - to_seconds(?)""", [keep_seconds]).fetchone()[0]
        if expired:
            con.execute(f"CALL ducklake_expire_snapshots('{lake}', versions => ?)", [expired])
            con.execute(f"CALL ducklake_cleanup_old_files('{lake}', cleanup_all => true)")
    except Exception:
        return
