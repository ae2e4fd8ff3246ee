"""A summary of what a workspace holds, for ``status`` and for the agent's context."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from tools.results import Column, Kind, Table, ToolResult

if TYPE_CHECKING:
    from tools.runtime.shop import Shop


@dataclass(frozen=True)
class SourceEntry:
    """One active file in the ingest log."""

    table: str
    file: str
    rows_kept: int
    rows_skipped: int
    finished_at: str


@dataclass
class WorkspaceSummary(ToolResult):
    """Row and customer counts per table (``counts``), the order dates, the files loaded, the store's snapshot."""

    path: str
    counts: dict[str, dict[str, int]]
    order_dates: list[str] | None
    snapshot: int
    sources: list[SourceEntry] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def facts(self) -> dict[str, Any]:
        return {"tables": self.counts, "order_dates": self.order_dates}

    def tables(self) -> list[Table]:
        counts = Table("Tables", [Column("table"), Column("rows", Kind.COUNT), Column("customers", Kind.COUNT)],
                       [[name, n["rows"], n["customers"]] for name, n in self.counts.items()])
        files = Table("Files loaded", [Column("loaded"), Column("table"), Column("file"),
                                       Column("rows_kept", Kind.COUNT, "kept"),
                                       Column("rows_skipped", Kind.COUNT, "skipped")],
                      [[s.finished_at, s.table, s.file, s.rows_kept, s.rows_skipped] for s in self.sources])
        return [counts, files]


def describe_workspace(shop: Shop) -> WorkspaceSummary:
    """Summarise the workspace (read-only)."""
    with shop.reading() as con:
        counts = {}
        for name in ("orders", "customers", "texts"):
            rows, customers = con.execute(f"SELECT count(*), count(DISTINCT customer_id) FROM {name}").fetchone()
            counts[name] = {"rows": int(rows), "customers": int(customers)}
        first, last = con.execute("SELECT min(order_date), max(order_date) FROM orders").fetchone()
        sources = [
            SourceEntry(table, file, kept, skipped, str(finished)[:19])
            for table, file, kept, skipped, finished in con.execute(
                "SELECT table_name, file, rows_kept, rows_skipped, finished_at FROM ingest_log "
                "WHERE active ORDER BY id").fetchall()
        ]
        snapshot = shop.store.snapshot_id()
    dates = [str(first.date()), str(last.date())] if first else None
    return WorkspaceSummary(str(shop.root), counts, dates, snapshot, sources)
