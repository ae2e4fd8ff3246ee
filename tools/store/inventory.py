"""A summary of what a workspace holds, for ``status`` and for the agent's context."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from tools.store.workspace import Workspace


@dataclass(frozen=True)
class SourceEntry:
    """One active file in the ingest log."""

    table: str
    file: str
    rows_kept: int
    rows_skipped: int
    finished_at: str


@dataclass(frozen=True)
class WorkspaceSummary:
    """Row and customer counts per table, the order date range and the files loaded."""

    path: str
    tables: dict[str, tuple[int, int]]
    order_dates: tuple[str, str] | None
    sources: list[SourceEntry] = field(default_factory=list)


def describe_workspace(root: Path) -> WorkspaceSummary:
    """Summarise the workspace at ``root`` (read-only)."""
    workspace = Workspace.open_existing(root)
    with workspace.connect(read_only=True) as con:
        tables = {
            name: tuple(con.execute(f"SELECT count(*), count(DISTINCT customer_id) FROM {name}").fetchone())
            for name in ("orders", "customers", "texts")
        }
        first, last = con.execute("SELECT min(order_date), max(order_date) FROM orders").fetchone()
        sources = [
            SourceEntry(table, file, kept, skipped, str(finished)[:19])
            for table, file, kept, skipped, finished in con.execute(
                "SELECT table_name, file, rows_kept, rows_skipped, finished_at FROM ingest_log "
                "WHERE active ORDER BY id"
            ).fetchall()
        ]
    dates = (str(first.date()), str(last.date())) if first else None
    return WorkspaceSummary(str(root), tables, dates, sources)
