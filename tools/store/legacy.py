"""Upgrade a round-1 workspace (one DuckDB file, ``shop.duckdb``) to the DuckLake store, once.

Every table the round-1 format held is copied in one write transaction; the old file is then renamed to
``shop.duckdb.round1`` (kept as a backup, never read again). A failed copy leaves the old file untouched
and no half-built store behind, so the next command simply tries again. Round-1 ask logs stay in the
backup file: the new ask log is a separate store.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tools.errors import UserError

if TYPE_CHECKING:
    from tools.store.store import Store

# Tables with a fixed schema in both formats, copied column by column (by name).
FIXED_TABLES = ("ingest_log", "orders", "customers", "texts", "lifecycle_history", "embedding_cache",
                "segment_runs", "segment_definitions", "segment_assignments")
# Tables whose columns follow the data, copied whole.
DERIVED_TABLES = ("customer_features", "feature_runs")
BACKUP_SUFFIX = ".round1"
LEGACY_FILENAME = "shop.duckdb"


def migrate_round_one(store: Store) -> None:
    """Copy ``shop.duckdb`` into the freshly created lake of ``store`` and retire the old file."""
    import duckdb

    legacy = store.root / LEGACY_FILENAME
    store.notice(f"Upgrading the workspace {store.root} to the new store format (once; {legacy.name} is kept "
                 f"as {legacy.name}{BACKUP_SUFFIX}) …")
    path = str(legacy.resolve()).replace("'", "''")
    con = store.connection()
    try:
        con.execute(f"ATTACH '{path}' AS round_one (READ_ONLY)")
    except duckdb.Error as exc:
        raise UserError(f"{legacy} is a round-1 workspace that cannot be read ({str(exc).splitlines()[0]}); "
                        "move the workspace folder aside and run the ingest again to rebuild it.") from exc
    try:
        with store.writing() as con:
            present = {row[0] for row in con.execute(
                "SELECT table_name FROM duckdb_tables() WHERE database_name = 'round_one'").fetchall()}
            for table in FIXED_TABLES:
                if table in present:
                    columns = [row[0] for row in con.execute(
                        "SELECT column_name FROM duckdb_columns() WHERE database_name = ? AND table_name = ? "
                        "ORDER BY column_index", [store.lake, table]).fetchall()]
                    listed = ", ".join(columns)
                    con.execute(f"INSERT INTO {store.lake}.{table} ({listed}) SELECT {listed} FROM round_one.{table}")
            for table in DERIVED_TABLES:
                if table in present:
                    con.execute(f"CREATE TABLE {store.lake}.{table} AS SELECT * FROM round_one.{table}")
    finally:
        con.execute("DETACH round_one")
    legacy.replace(legacy.with_name(legacy.name + BACKUP_SUFFIX))

