"""What a workspace holds, as a comparable value: the fault harnesses check "unchanged" and "never partial" with it.

``state(root)`` is, per table of the store, its row count and a hash of its contents (timestamp columns that
only say *when* something was written are left out, floats are rounded to 6 decimals), so two workspaces
with the same data compare equal and any lost, added or changed row shows. ``commits_since(root, snapshot)``
lists the commits after a snapshot with the time each one started committing (the store stamps it in the
snapshot's commit message).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def _open(root: Path) -> Any:
    from tools.store.store import Store

    return Store(root)


def state(root: Path) -> dict[str, Any] | None:
    """Per table: (rows, content hash); plus the snapshot id under the key ``_snapshot``. None without a store."""
    import pandas as pd

    from tools.store.store import store_exists

    if not store_exists(root):
        return None
    store = _open(root)
    try:
        with store.reading() as con:
            tables = [row[0] for row in con.execute(
                "SELECT table_name FROM duckdb_tables() WHERE database_name = ? ORDER BY 1", [store.lake]).fetchall()]
            result: dict[str, Any] = {"_snapshot": store.snapshot_id()}
            for table in tables:
                columns = con.execute(
                    "SELECT column_name, data_type FROM duckdb_columns() WHERE database_name = ? AND table_name = ? "
                    "ORDER BY column_index", [store.lake, table]).fetchall()
                kept = [name for name, kind in columns if not (name.endswith("_at") and "TIMESTAMP" in kind)]
                frame = con.execute(f"SELECT {', '.join(kept)} FROM {table}").df() if kept else pd.DataFrame()
                # DuckDB sums in parallel, so the last bits of a float differ between identical runs
                floats = frame.select_dtypes("float").columns
                frame[floats] = frame[floats].round(6)
                digest = int(pd.util.hash_pandas_object(frame.astype(str), index=False).sum()) if len(frame) else 0
                result[table] = (len(frame), digest)
        return result
    finally:
        store.close()


def same_data(a: dict[str, Any] | None, b: dict[str, Any] | None) -> bool:
    """Equal contents, whatever the snapshot ids."""
    if a is None or b is None:
        return a is b
    return {k: v for k, v in a.items() if k != "_snapshot"} == {k: v for k, v in b.items() if k != "_snapshot"}


def commits_since(root: Path, snapshot: int) -> list[dict[str, Any]]:
    """The snapshots after ``snapshot``: id, commit message and the wall time its commit started."""
    store = _open(root)
    try:
        with store.reading() as con:
            rows = con.execute(f"SELECT snapshot_id, commit_message, commit_extra_info FROM {store.lake}.snapshots() "
                               "WHERE snapshot_id > ? ORDER BY 1", [snapshot]).fetchall()
    finally:
        store.close()
    commits = []
    for snapshot_id, message, extra in rows:
        info = json.loads(extra) if extra else {}
        commits.append({"snapshot": snapshot_id, "message": message, "committing_at": info.get("committing_at")})
    return commits
