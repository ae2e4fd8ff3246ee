"""Bringing a workspace's lake up to this release's schema (the migrations themselves are in
:mod:`tools.store.migrations`): which have run, refusing a workspace from a newer release, running the rest."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from tools.errors import UserError
from tools.store.migrations import MIGRATIONS, WORKSPACE_FORMAT

if TYPE_CHECKING:
    import duckdb


def applied_migrations(con: duckdb.DuckDBPyConnection, lake: str) -> list[str]:
    """Names of the migrations the lake has run, in order ([] for a new lake)."""
    # one statement, not a catalog look-up first: every command opens the store, and each statement on the
    # lake costs a catalog read (~20-30 ms on a 100k-customer workspace)
    import duckdb

    try:
        return [row[0] for row in con.execute(f"SELECT name FROM {lake}.schema_migrations ORDER BY seq").fetchall()]
    except duckdb.CatalogException:
        return []


def refuse_newer(applied: list[str], root: Path) -> None:
    """A workspace holding a migration this release does not know was made by a newer one: say so."""
    known = {name for name, _ in MIGRATIONS}
    unknown = [name for name in applied if name not in known]
    if unknown:
        raise UserError(
            f"The workspace {root} was created by a newer segment-agent (it has migration '{unknown[0]}', "
            f"this version knows format {WORKSPACE_FORMAT}); upgrade segment-agent to use it.")


def apply_missing(con: duckdb.DuckDBPyConnection, applied: list[str]) -> None:
    """Run every migration not in ``applied``, recording each (call inside one write transaction)."""
    con.execute("CREATE TABLE IF NOT EXISTS schema_migrations (seq INTEGER, name VARCHAR, applied_at TIMESTAMP)")
    for seq, (name, statements) in enumerate(MIGRATIONS):
        if name in applied:
            continue
        for statement in statements:
            con.execute(statement)
        con.execute("INSERT INTO schema_migrations VALUES (?, ?, now()::TIMESTAMP)", [seq, name])
