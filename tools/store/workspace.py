"""The workspace: one directory per shop holding an embedded DuckDB database and derived files.

Every write goes through :meth:`Workspace.transaction`, so a failure or Ctrl-C mid-way rolls back and
the previous state stays readable. DuckDB lets one process write at a time; a second writer waits
briefly and then gets a clear "busy" message instead of a corrupted file.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from tools.errors import UserError
from tools.store.migrations import MIGRATIONS, WORKSPACE_FORMAT

if TYPE_CHECKING:
    import duckdb

DB_FILENAME = "shop.duckdb"
DEFAULT_WORKSPACE = ".segment-agent"
WORKSPACE_ENV = "SEGMENT_AGENT_WORKSPACE"
BUSY_WAIT_SECONDS = 10.0
DUCKDB_MAGIC = b"DUCK"  # bytes 8-11 of every DuckDB database file
# DuckDB would otherwise fetch extensions from the internet to open, say, a SQLite file found in its place.
DUCKDB_CONFIG = {"autoinstall_known_extensions": False, "autoload_known_extensions": False}


def default_workspace_path() -> Path:
    """Where the workspace lives when no --workspace is given: env var, else ./.segment-agent."""
    return Path(os.environ.get(WORKSPACE_ENV) or DEFAULT_WORKSPACE)


@dataclass(frozen=True)
class Workspace:
    """A shop's local state. Cheap to construct; connections are opened per operation."""

    root: Path

    @property
    def db_path(self) -> Path:
        return self.root / DB_FILENAME

    @property
    def reports_dir(self) -> Path:
        return self.root / "reports"

    @property
    def vectors_dir(self) -> Path:
        return self.root / "vectors"

    def exists(self) -> bool:
        return self.db_path.is_file()

    @classmethod
    def create(cls, root: Path, *, migrate: bool = True) -> Workspace:
        """Create (or upgrade) the workspace at ``root`` and return it.

        ``migrate=False`` only makes the directory, for callers about to open a write transaction anyway
        (which applies migrations itself); it saves one open/close of the database.
        """
        if root.exists() and not root.is_dir():
            raise UserError(f"Workspace path {root} is a file; pass --workspace with a directory path.")
        root.mkdir(parents=True, exist_ok=True)
        workspace = cls(root)
        if migrate:
            with workspace.transaction():
                pass  # opening read-write applies pending migrations
        return workspace

    @classmethod
    def open_existing(cls, root: Path) -> Workspace:
        """Open a workspace that must already hold data; explain how to create one otherwise."""
        workspace = cls(root)
        if not workspace.exists():
            raise UserError(
                f"No workspace at {root}: run  segment-agent ingest orders FILE  (or  segment-agent demo) first, "
                "or pass --workspace PATH."
            )
        with workspace.connect(read_only=True):
            pass  # validates the format version
        return workspace

    @contextmanager
    def connect(self, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        """Yield a connection; read-write connections apply migrations first."""
        con = self._open(read_only)
        try:
            if read_only and _is_outdated(con, self.root):
                con.close()
                with self.connect(read_only=False):
                    pass  # upgrade once, then reopen read-only
                con = self._open(read_only)
            if not read_only:
                _migrate(con, self.root)
            yield con
        finally:
            con.close()

    @contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """Yield a connection inside one transaction: commit on success, roll back on any exception."""
        with self.connect(read_only=False) as con:
            con.execute("BEGIN TRANSACTION")
            try:
                yield con
            except BaseException:
                con.execute("ROLLBACK")
                raise
            con.execute("COMMIT")

    def _open(self, read_only: bool) -> duckdb.DuckDBPyConnection:
        import duckdb

        if read_only and not self.exists():
            raise UserError(f"No workspace at {self.root}: run  segment-agent ingest orders FILE  first.")
        _check_is_duckdb(self.db_path)
        deadline = time.monotonic() + BUSY_WAIT_SECONDS
        while True:
            try:
                return duckdb.connect(str(self.db_path), read_only=read_only, config=DUCKDB_CONFIG)
            except duckdb.IOException as exc:
                message = str(exc)
                if not _is_lock_conflict(message) or time.monotonic() > deadline:
                    raise _explain_open_failure(self.db_path, message) from exc
                time.sleep(0.2)
            except duckdb.Error as exc:
                raise _explain_open_failure(self.db_path, str(exc)) from exc


def _check_is_duckdb(db_path: Path) -> None:
    """Refuse a file that is not a DuckDB database before DuckDB tries to make sense of it."""
    if not db_path.is_file():
        return
    with db_path.open("rb") as handle:
        head = handle.read(12)
    if head[8:12] != DUCKDB_MAGIC:
        raise _explain_open_failure(db_path, "it is not a DuckDB database file")


def _is_lock_conflict(message: str) -> bool:
    # Match DuckDB's own wording: a bare "lock" would also match "block" in corruption errors.
    lowered = message.lower()
    return "could not set lock" in lowered or "conflicting lock" in lowered


def _explain_open_failure(db_path: Path, message: str) -> UserError:
    lowered = message.lower()
    if _is_lock_conflict(message):
        return UserError(
            f"The workspace {db_path.parent} is busy: another segment-agent process is writing to it; "
            "try again when it has finished."
        )
    if "version" in lowered or "serialization" in lowered:
        return UserError(
            f"{db_path} was written by an incompatible DuckDB version; upgrade segment-agent, or move that "
            "file aside and run the ingest again to rebuild the workspace."
        )
    return UserError(
        f"{db_path} is not a readable segment-agent workspace ({message.splitlines()[0]}); move that file aside "
        "and run the ingest again, or pass --workspace with another directory."
    )


def _applied_migrations(con: duckdb.DuckDBPyConnection) -> list[str]:
    exists = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_migrations'"
    ).fetchone()[0]
    if not exists:
        return []
    return [row[0] for row in con.execute("SELECT name FROM schema_migrations ORDER BY seq").fetchall()]


def _is_outdated(con: duckdb.DuckDBPyConnection, root: Path) -> bool:
    """True when migrations are pending; raises when the workspace is from a newer release."""
    applied = _applied_migrations(con)
    known = [name for name, _ in MIGRATIONS]
    unknown = [name for name in applied if name not in known]
    if unknown:
        raise UserError(
            f"The workspace {root} was created by a newer segment-agent (it has migration '{unknown[0]}', "
            f"this version knows format {WORKSPACE_FORMAT}); upgrade segment-agent to use it."
        )
    return len(applied) < len(known)


def _migrate(con: duckdb.DuckDBPyConnection, root: Path) -> None:
    """Apply pending migrations in order; each one is recorded so upgrades are append-only."""
    if not _is_outdated(con, root):
        return
    applied = _applied_migrations(con)
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (seq INTEGER, name VARCHAR, applied_at TIMESTAMP)"
        )
        for seq, (name, statements) in enumerate(MIGRATIONS):
            if name in applied:
                continue
            for statement in statements:
                con.execute(statement)
            con.execute(
                "INSERT INTO schema_migrations VALUES (?, ?, current_timestamp)", [seq, name]
            )
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


@contextmanager
def registered(con: duckdb.DuckDBPyConnection, name: str, data: object) -> Iterator[str]:
    """Expose a DataFrame/Arrow table to SQL as ``name`` for the duration of the block, then drop it."""
    con.register(name, data)
    try:
        yield name
    finally:
        con.unregister(name)
