"""The workspace's files on disk: creating the catalog, recognising it, and cleaning up after a failed write.

A write that fails (a full disk, Ctrl-C, a bug) is rolled back in the catalog, but DuckLake may already have
written some of its Parquet files: :func:`remove_new_files` deletes what appeared in ``data/`` during the
write, so a full disk does not stay full of half-written files. The writer lock is held meanwhile, so no
other process adds files there.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from pathlib import Path

from tools.store.faults import unreadable_catalog

SQLITE_MAGIC = b"SQLite format 3\x00"


def create_catalog(path: Path) -> None:
    """An empty SQLite catalog in WAL mode: readers then never wait on a writer's catalog commit."""
    partial = path.with_name(path.name + ".part")
    partial.unlink(missing_ok=True)
    connection = sqlite3.connect(partial)
    try:
        connection.execute("PRAGMA journal_mode=WAL")
    finally:
        connection.close()
    partial.replace(path)


def data_files(folder: Path) -> set[str]:
    """Every file under the lake's data folder (the writer lock is held: nobody else adds any meanwhile)."""
    return {os.path.join(root, name) for root, _, names in os.walk(folder) for name in names}


def remove_new_files(folder: Path, before: set[str]) -> None:
    """Delete the files that appeared in ``folder`` since ``before`` was listed (a rolled-back write's)."""
    for path in data_files(folder) - before:
        with contextlib.suppress(OSError):
            os.unlink(path)


def check_is_sqlite(path: Path) -> None:
    """Refuse a catalog that is not a SQLite file before DuckDB tries to make sense of it."""
    with path.open("rb") as handle:
        head = handle.read(16)
    if head != SQLITE_MAGIC:
        raise unreadable_catalog(path, "it is not a SQLite database file")
