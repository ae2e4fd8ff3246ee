"""The workspace store: a DuckLake lakehouse (a SQLite catalog plus Parquet files) inside the workspace.

Why DuckLake (DESIGN.md §4): plain DuckDB lets one read-write process exclude every other process, so a
Slack bot could not answer while the weekly job re-segments. DuckLake gives multi-process snapshot
isolation: every read runs in one transaction on the last committed snapshot and never waits for a
writer; a write commits atomically across tables or not at all. The SQLite catalog runs in WAL mode so
readers never wait on the catalog file either. Writers queue on a lock file (one writer at a time, so
commits never conflict); the lock holder is recorded so a waiting writer can say who it waits for.

One :class:`Store` holds one DuckDB connection for the whole command (``reading`` and ``writing`` open
transactions on it). Old snapshots are expired after each write once they are older than the retention
(time travel keeps the recent ones) and no reader can still be on them.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import sqlite3
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from tools.errors import UserError
from tools.store.extensions import load_store_extensions
from tools.store.legacy import LEGACY_FILENAME, migrate_round_one
from tools.store.migrations import MIGRATIONS, WORKSPACE_FORMAT

if TYPE_CHECKING:
    import duckdb

CATALOG_FILENAME = "catalog.sqlite"
DATA_DIRNAME = "data"
LOCK_FILENAME = "writer.lock"
HOLDER_FILENAME = "writer.json"
SQLITE_MAGIC = b"SQLite format 3\x00"
# DuckDB would otherwise fetch extensions from the internet to read, say, an unexpected file format.
DUCKDB_CONFIG = {"autoinstall_known_extensions": False, "autoload_known_extensions": False}

Notice = Callable[[str], None]


@dataclass(frozen=True)
class StoreSettings:
    """``[store]`` of segment-agent.toml.

    ``keep_snapshots_days``: how long superseded snapshots stay readable for time travel.
    ``writer_wait_seconds``: how long a writer waits for another process's write before giving up.
    ``reader_grace_seconds``: a snapshot superseded more recently than this is kept even past retention,
    because a reader may still be on it (no read transaction lasts longer).
    ``writer_nice``: how much a writing command lowers its own CPU priority, so people and bots reading the
    workspace at the same time stay responsive (0 = not at all).
    """

    keep_snapshots_days: float = 7.0
    writer_wait_seconds: float = 600.0
    reader_grace_seconds: float = 3600.0
    writer_nice: int = 10


def store_exists(root: Path) -> bool:
    """True when ``root`` holds a workspace (this format, or a round-1 one that opening will migrate)."""
    return (root / CATALOG_FILENAME).is_file() or (root / LEGACY_FILENAME).is_file()


class Store:
    """One open connection to a workspace's DuckLake, with snapshot reads and queued, atomic writes."""

    def __init__(self, root: Path, settings: StoreSettings | None = None, *, create: bool = False,
                 notice: Notice | None = None, command: str = "") -> None:
        self.root = root
        self.settings = settings or StoreSettings()
        self.notice = notice or (lambda _message: None)
        self.command = command or " ".join(Path(sys.argv[0]).name.split()[:1] + sys.argv[1:3])
        self._may_create = create
        self._con: duckdb.DuckDBPyConnection | None = None
        self._transaction: Literal["read", "write"] | None = None
        self._lock_depth = 0
        self._lock: object | None = None
        self.lake = f"lake_{next(_lake_numbers)}"  # this store's name for its catalog on the shared database

    # -- opening -----------------------------------------------------------------------------------------

    @property
    def catalog_path(self) -> Path:
        return self.root / CATALOG_FILENAME

    @property
    def data_path(self) -> Path:
        return self.root / DATA_DIRNAME

    def exists(self) -> bool:
        return store_exists(self.root)

    def connection(self) -> duckdb.DuckDBPyConnection:
        """The open connection (opened on first use); prefer ``reading``/``writing`` for statements."""
        if self._con is None:
            self._con = self._open()
        return self._con

    def _open(self) -> duckdb.DuckDBPyConnection:
        if self.root.exists() and not self.root.is_dir():
            raise UserError(f"Workspace path {self.root} is a file; pass --workspace with a directory path.")
        if self.catalog_path.is_file():
            return self._attach_and_migrate()
        has_legacy = (self.root / LEGACY_FILENAME).is_file()
        if not has_legacy and not self._may_create:
            raise _no_workspace(self.root)
        self.root.mkdir(parents=True, exist_ok=True)
        with self.exclusive():  # a second process opening now waits, then finds the finished catalog
            if self.catalog_path.is_file():
                return self._attach_and_migrate()
            _create_catalog(self.catalog_path)
            try:
                con = self._attach_and_migrate()
                if has_legacy:
                    migrate_round_one(self)
            except BaseException:
                self.discard(keep_folder=True)
                raise
            return con

    def _attach_and_migrate(self) -> duckdb.DuckDBPyConnection:
        self._con = self._attach()
        self._apply_migrations()
        return self._con

    def _attach(self) -> duckdb.DuckDBPyConnection:
        import duckdb

        _check_is_sqlite(self.catalog_path)
        con = _database().cursor()
        try:
            # The data always lives in <workspace>/data: a copied or moved workspace keeps working.
            con.execute(f"ATTACH 'ducklake:sqlite:{_quoted(self.catalog_path)}' AS {self.lake} "
                        f"(DATA_PATH '{_quoted(self.data_path)}/', OVERRIDE_DATA_PATH true)")
            con.execute(f"USE {self.lake}")
        except duckdb.Error as exc:
            con.close()
            raise _unreadable(self.catalog_path, str(exc)) from exc
        return con

    def close(self) -> None:
        """Close the connection (rolling back an unfinished transaction) and detach the lake."""
        if self._con is not None:
            _end(self._con, "ROLLBACK")
            _end(self._con, "USE memory")
            _end(self._con, f"DETACH {self.lake}")
            self._con.close()
            self._con = None
            self._transaction = None

    # -- transactions ------------------------------------------------------------------------------------

    @contextmanager
    def reading(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A read on one consistent snapshot; nested reads (and reads inside a write) share it."""
        con = self.connection()
        if self._transaction is not None:
            yield con
            return
        con.execute("BEGIN TRANSACTION")
        self._transaction = "read"
        try:
            yield con
        finally:
            self._transaction = None
            _end(con, "ROLLBACK")  # a read has nothing to commit

    @contextmanager
    def writing(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """One atomic write: commit when the block ends, roll back on any exception (Ctrl-C included).

        Writers queue on the workspace's lock; readers in other processes keep reading the last commit.
        Inside a read, the read's snapshot is given up, the write runs, and a fresh read continues after it.
        """
        con = self.connection()
        if self._transaction == "write":
            yield con
            return
        resume_read = self._transaction == "read"
        if resume_read:
            _end(con, "ROLLBACK")
        with self.exclusive():
            con.execute("BEGIN TRANSACTION")
            self._transaction = "write"
            try:
                yield con
            except BaseException:
                self._transaction = None
                _end(con, "ROLLBACK")
                raise
            else:
                self._transaction = None
                try:
                    con.execute("COMMIT")
                except BaseException as exc:
                    _end(con, "ROLLBACK")
                    raise _commit_failure(self.root, exc) from exc
            finally:
                self._transaction = None
                if resume_read:
                    con.execute("BEGIN TRANSACTION")
                    self._transaction = "read"
            if not resume_read:
                self._expire_old_snapshots()

    @contextmanager
    def exclusive(self) -> Iterator[None]:
        """Hold the workspace's writer lock for the block (re-entrant): one writing process at a time.

        Long jobs (a segmentation that embeds for minutes and commits several times) hold it throughout, so
        two writers never interleave; readers are unaffected.
        """
        from filelock import FileLock, Timeout

        if self._lock_depth:
            self._lock_depth += 1
            try:
                yield
            finally:
                self._lock_depth -= 1
            return
        if not self.exists() and not self._may_create:
            raise _no_workspace(self.root)  # never leave a stray folder behind for a mistyped --workspace
        self.root.mkdir(parents=True, exist_ok=True)
        lock = FileLock(str(self.root / LOCK_FILENAME), thread_local=False)
        try:
            lock.acquire(timeout=0)
        except Timeout:
            self.notice(f"Waiting for another segment-agent process to finish writing ({self._holder()}) …")
            try:
                lock.acquire(timeout=self.settings.writer_wait_seconds)
            except Timeout:
                raise UserError(
                    f"The workspace {self.root} is still being written by another segment-agent process "
                    f"({self._holder()}) after {self.settings.writer_wait_seconds:g} s; try again when it has "
                    "finished, or raise writer_wait_seconds in [store] of segment-agent.toml.") from None
        except OSError as exc:
            raise UserError(f"Cannot lock the workspace {self.root} for writing ({exc.strerror or exc}); check "
                            "that the folder is writable.") from exc
        self._lock, self._lock_depth = lock, 1
        self._record_holder()
        try:
            yield
        finally:
            self._lock_depth = 0
            (self.root / HOLDER_FILENAME).unlink(missing_ok=True)
            lock.release()
            self._lock = None

    def _record_holder(self) -> None:
        holder = {"pid": os.getpid(), "command": self.command, "since": datetime.now().isoformat(timespec="seconds")}
        with contextlib.suppress(OSError):  # only used to make a waiting writer's message friendlier
            (self.root / HOLDER_FILENAME).write_text(json.dumps(holder), encoding="utf-8")

    def _holder(self) -> str:
        try:
            holder = json.loads((self.root / HOLDER_FILENAME).read_text(encoding="utf-8"))
            return f"pid {holder['pid']}: {holder['command']}, since {holder['since'][11:19]}"
        except (OSError, ValueError, KeyError, TypeError):
            return "another process"

    # -- schema and housekeeping -------------------------------------------------------------------------

    def _apply_migrations(self) -> None:
        with self.reading() as con:
            applied = _applied_migrations(con, self.lake)
        _refuse_newer(applied, self.root)
        if len(applied) == len(MIGRATIONS):
            return
        with self.writing() as con:
            applied = _applied_migrations(con, self.lake)
            con.execute("CREATE TABLE IF NOT EXISTS schema_migrations (seq INTEGER, name VARCHAR, "
                        "applied_at TIMESTAMP)")
            for seq, (name, statements) in enumerate(MIGRATIONS):
                if name in applied:
                    continue
                for statement in statements:
                    con.execute(statement)
                con.execute("INSERT INTO schema_migrations VALUES (?, ?, now()::TIMESTAMP)", [seq, name])

    def has_table(self, name: str) -> bool:
        """Whether the store holds table or view ``name`` (tables such as customer_features come later)."""
        with self.reading() as con:
            return bool(con.execute(
                "SELECT count(*) FROM (SELECT table_name AS n FROM duckdb_tables() WHERE database_name = ? "
                "UNION ALL SELECT view_name FROM duckdb_views() WHERE database_name = ?) WHERE n = ?",
                [self.lake, self.lake, name]).fetchone()[0])

    def snapshot_id(self) -> int:
        """The snapshot the current (or next) read sees: answers record it so they can be reproduced."""
        with self.reading() as con:
            return int(con.execute(f"SELECT id FROM {self.lake}.current_snapshot()").fetchone()[0])

    def _expire_old_snapshots(self) -> None:
        """Drop snapshots past the retention that no reader can still be on, then delete their files."""
        keep = max(self.settings.keep_snapshots_days * 86400.0, self.settings.reader_grace_seconds)
        con = self.connection()
        try:
            expired = con.execute(
                f"""SELECT list(snapshot_id) FROM (
                        SELECT snapshot_id, lead(snapshot_time) OVER (ORDER BY snapshot_id) AS superseded_at
                        FROM {self.lake}.snapshots())
                    WHERE superseded_at < now() - to_seconds(?)""", [keep]).fetchone()[0]
            if expired:
                con.execute(f"CALL ducklake_expire_snapshots('{self.lake}', versions => ?)", [expired])
                con.execute(f"CALL ducklake_cleanup_old_files('{self.lake}', cleanup_all => true)")
        except Exception:  # housekeeping must never fail a write that already committed
            return

    def discard(self, keep_folder: bool = False) -> None:
        """Remove a workspace this process just created and never filled (a failed first ingest)."""
        import shutil

        self.close()
        if not self.root.is_dir():
            return
        for name in (CATALOG_FILENAME, f"{CATALOG_FILENAME}-wal", f"{CATALOG_FILENAME}-shm"):
            (self.root / name).unlink(missing_ok=True)
        shutil.rmtree(self.data_path, ignore_errors=True)
        if keep_folder:
            return
        for name in (HOLDER_FILENAME, LOCK_FILENAME):
            (self.root / name).unlink(missing_ok=True)
        with contextlib.suppress(OSError):  # the folder holds other files (a config, reports): leave it
            self.root.rmdir()


def _no_workspace(root: Path) -> UserError:
    return UserError(f"No workspace at {root}: run  segment-agent ingest orders FILE  (or  segment-agent demo) "
                     "first, or pass --workspace PATH.")


@cache
def _database() -> duckdb.DuckDBPyConnection:
    """The process's one in-memory DuckDB database with the store extensions loaded (loading them takes
    ~0.2 s, so it happens once per process). Each Store works on its own cursor — its own connection with
    its own transactions and temp tables — and attaches its workspace's lake under its own name."""
    import duckdb

    con = duckdb.connect(config=DUCKDB_CONFIG)
    load_store_extensions(con)
    return con


_lake_numbers = itertools.count(1)


def _create_catalog(path: Path) -> None:
    """An empty SQLite catalog in WAL mode: readers then never wait on a writer's catalog commit."""
    partial = path.with_name(path.name + ".part")
    partial.unlink(missing_ok=True)
    connection = sqlite3.connect(partial)
    try:
        connection.execute("PRAGMA journal_mode=WAL")
    finally:
        connection.close()
    partial.replace(path)


def _end(con: duckdb.DuckDBPyConnection, statement: str) -> None:
    with contextlib.suppress(Exception):  # the transaction is already gone (e.g. the connection failed)
        con.execute(statement)


def _quoted(path: Path) -> str:
    return str(path.resolve()).replace("'", "''")


def _check_is_sqlite(path: Path) -> None:
    """Refuse a catalog that is not a SQLite file before DuckDB tries to make sense of it."""
    with path.open("rb") as handle:
        head = handle.read(16)
    if head != SQLITE_MAGIC:
        raise _unreadable(path, "it is not a SQLite database file")


def _unreadable(path: Path, message: str) -> UserError:
    first = message.strip().splitlines()[0] if message.strip() else "unknown error"
    return UserError(f"{path} is not a readable segment-agent workspace catalog ({first[:200]}); restore the "
                     "workspace from a backup, or move the workspace folder aside and run the ingest again.")


def _commit_failure(root: Path, exc: BaseException) -> BaseException:
    if isinstance(exc, KeyboardInterrupt):
        return exc
    first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    return UserError(f"Could not save to the workspace {root} ({first[:200]}); nothing was changed.")


def _applied_migrations(con: duckdb.DuckDBPyConnection, lake: str) -> list[str]:
    exists = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE database_name = ? AND table_name = 'schema_migrations'",
        [lake]).fetchone()[0]
    if not exists:
        return []
    return [row[0] for row in con.execute("SELECT name FROM schema_migrations ORDER BY seq").fetchall()]


def _refuse_newer(applied: list[str], root: Path) -> None:
    known = {name for name, _ in MIGRATIONS}
    unknown = [name for name in applied if name not in known]
    if unknown:
        raise UserError(
            f"The workspace {root} was created by a newer segment-agent (it has migration '{unknown[0]}', "
            f"this version knows format {WORKSPACE_FORMAT}); upgrade segment-agent to use it.")


@contextmanager
def registered(con: duckdb.DuckDBPyConnection, name: str, data: object) -> Iterator[str]:
    """Expose a DataFrame/Arrow table to SQL as ``name`` for the duration of the block, then drop it."""
    con.register(name, data)
    try:
        yield name
    finally:
        con.unregister(name)
