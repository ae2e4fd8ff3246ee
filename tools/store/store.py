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
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from tools.errors import UserError
from tools.store import interrupts
from tools.store.catalog_copy import copy_catalog, remove_copy
from tools.store.extensions import load_store_extensions
from tools.store.faults import as_resource_error, commit_failure, disk_cause, resource_error, unreadable_catalog
from tools.store.files import check_is_sqlite, create_catalog, data_files, remove_new_files
from tools.store.legacy import LEGACY_FILENAME, migrate_round_one
from tools.store.migrations import MIGRATIONS
from tools.store.schema import applied_migrations, apply_missing, refuse_newer
from tools.store.snapshots import expire_snapshots_older_than
from tools.store.writer_lock import HOLDER_FILENAME, LOCK_FILENAME, WriterLock

if TYPE_CHECKING:
    import duckdb

CATALOG_FILENAME = "catalog.sqlite"
DATA_DIRNAME = "data"
# DuckDB would otherwise fetch extensions from the internet to read, say, an unexpected file format.
DUCKDB_CONFIG = {"autoinstall_known_extensions": False, "autoload_known_extensions": False}
EXPIRE_EVERY_SECONDS = 60.0

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
        self._writer_lock = WriterLock(root, self.settings.writer_wait_seconds, self.notice, self.command)
        self.lake = f"lake_{next(_lake_numbers)}"  # this store's name for its catalog on the shared database
        self.commits = 0  # data commits made through this store (migrations not counted)
        self.read_only_cause: str | None = None  # set when the disk cannot be written: reads use a copy
        self._committed = False  # the current write's COMMIT went through
        self._expired_at: float | None = None  # monotonic time of the last snapshot expiry
        self._catalog_copy: Path | None = None

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
        self._make_root()
        with self.exclusive():  # a second process opening now waits, then finds the finished catalog
            if self.catalog_path.is_file():
                return self._attach_and_migrate()
            try:
                create_catalog(self.catalog_path)
            except (OSError, sqlite3.Error) as exc:
                raise (as_resource_error(exc, self.root, "create") or exc) from exc
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

        try:
            check_is_sqlite(self.catalog_path)
        except OSError as exc:
            raise as_resource_error(exc, self.root, "read") or unreadable_catalog(self.catalog_path, str(exc)) from exc
        con = _database().cursor()
        try:
            self._attach_catalog(con, self.catalog_path)
        except duckdb.Error as exc:
            cause = disk_cause(exc, self.root)
            if cause is None:
                con.close()
                raise unreadable_catalog(self.catalog_path, str(exc)) from exc
            # The disk is full or read-only: SQLite cannot open the WAL catalog in place, but the committed
            # state is intact, so reads go on from a private copy and writes say why they cannot run.
            self._catalog_copy = copy_catalog(self.catalog_path)
            self.read_only_cause = cause
            try:
                self._attach_catalog(con, self._catalog_copy, read_only=True)
            except duckdb.Error as copy_exc:
                con.close()
                raise resource_error(cause, self.root, "read") from copy_exc
        return con

    def _attach_catalog(self, con: duckdb.DuckDBPyConnection, catalog: Path, read_only: bool = False) -> None:
        # The data always lives in <workspace>/data: a copied or moved workspace keeps working.
        options = ", READ_ONLY" if read_only else ""
        con.execute(f"ATTACH 'ducklake:sqlite:{_quoted(catalog)}' AS {self.lake} "
                    f"(DATA_PATH '{_quoted(self.data_path)}/', OVERRIDE_DATA_PATH true{options})")
        con.execute(f"USE {self.lake}")

    def _make_root(self) -> None:
        try:
            self.root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise as_resource_error(exc, self.root, "create") or UserError(
                f"Cannot create the workspace folder {self.root} ({exc.strerror or exc}); pass --workspace with "
                "a folder you can write to.") from exc

    def close(self) -> None:
        """Close the connection (rolling back an unfinished transaction) and detach the lake."""
        if self._con is not None:
            _end(self._con, "ROLLBACK")
            _end(self._con, "USE memory")
            _end(self._con, f"DETACH {self.lake}")
            self._con.close()
            self._con = None
            self._transaction = None
        remove_copy(self._catalog_copy)
        self._catalog_copy = None

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
        No commit starts after a Ctrl-C (:mod:`tools.store.interrupts`), and a full disk, a file-size limit or
        a read-only mount is reported as such (:mod:`tools.store.faults`), with nothing changed.
        """
        with self._write(record=True) as con:
            yield con

    @contextmanager
    def _write(self, record: bool) -> Iterator[duckdb.DuckDBPyConnection]:
        con = self.connection()
        if self._transaction == "write":
            yield con
            return
        if self.read_only_cause:
            raise resource_error(self.read_only_cause, self.root)
        resume_read = self._transaction == "read"
        if resume_read:
            _end(con, "ROLLBACK")
        with self.exclusive():
            before = data_files(self.data_path)
            self._committed = False
            try:
                con.execute("BEGIN TRANSACTION")
                self._transaction = "write"
                try:
                    yield con
                except BaseException as exc:
                    self._transaction = None
                    _end(con, "ROLLBACK")
                    raise self._translated(exc) from exc
                self._transaction = None
                self._commit(con, record)
            finally:
                self._transaction = None
                if not self._committed:  # a failed write's half-written Parquet files must not fill the disk
                    remove_new_files(self.data_path, before)
                if resume_read:
                    con.execute("BEGIN TRANSACTION")
                    self._transaction = "read"
            if not resume_read:
                self._expire_old_snapshots()

    def _commit(self, con: duckdb.DuckDBPyConnection, record: bool) -> None:
        """COMMIT, unless Ctrl-C was pressed (even one a library swallowed); a Ctrl-C during the commit waits
        for it to finish, so a commit is never cut short and never starts after an interrupt."""
        with interrupts.deferred():
            try:
                interrupts.check()
                self._stamp(con)
                con.execute("COMMIT")
                self._committed = True
            except BaseException as exc:
                _end(con, "ROLLBACK")
                raise commit_failure(self.root, exc) from exc
            self.commits += record
            if record:
                interrupts.record_commit()

    def _stamp(self, con: duckdb.DuckDBPyConnection) -> None:
        """Record who commits and when (the snapshot's commit message): `status` can show it, and the interrupt
        harness (bench/interrupt_writers.py) checks that no commit started after a Ctrl-C."""
        info = json.dumps({"pid": os.getpid(), "committing_at": datetime.now().timestamp()})
        with contextlib.suppress(Exception):  # an audit note must never cost the write
            con.execute(f"CALL ducklake_set_commit_message('{self.lake}', 'segment-agent', ?, extra_info => ?)",
                        [self.command, info])

    def _translated(self, exc: BaseException) -> BaseException:
        """A disk problem inside a write as its one-sentence UserError; anything else unchanged."""
        if isinstance(exc, UserError | KeyboardInterrupt) or not isinstance(exc, Exception):
            return exc
        return as_resource_error(exc, self.root) or exc

    @contextmanager
    def exclusive(self) -> Iterator[None]:
        """Hold the workspace's writer lock for the block (re-entrant): one writing process at a time.

        Long jobs (a segmentation that embeds for minutes and commits several times) hold it throughout, so
        two writers never interleave; readers are unaffected.
        """
        if not self._writer_lock._depth:
            if not self.exists() and not self._may_create:
                raise _no_workspace(self.root)  # never leave a stray folder behind for a mistyped --workspace
            self._make_root()
        with self._writer_lock.held():
            yield

    # -- schema and housekeeping -------------------------------------------------------------------------

    def _apply_migrations(self) -> None:
        with self.reading() as con:
            applied = applied_migrations(con, self.lake)
        refuse_newer(applied, self.root)
        if len(applied) == len(MIGRATIONS):
            return
        with self._write(record=False) as con:
            apply_missing(con, applied_migrations(con, self.lake))

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
        # at most once a minute per store (never less often than the retention itself): a segmentation commits
        # its vectors every few thousand texts, and a re-run's one small write paid a fifth of its cost here
        now = time.monotonic()
        if self._expired_at is not None and now - self._expired_at < min(EXPIRE_EVERY_SECONDS, keep):
            return
        self._expired_at = now
        expire_snapshots_older_than(self.connection(), self.lake, keep)

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


def _end(con: duckdb.DuckDBPyConnection, statement: str) -> None:
    with contextlib.suppress(Exception):  # the transaction is already gone (e.g. the connection failed)
        con.execute(statement)


def _quoted(path: Path) -> str:
    return str(path.resolve()).replace("'", "''")


@contextmanager
def registered(con: duckdb.DuckDBPyConnection, name: str, data: object) -> Iterator[str]:
    """Expose a DataFrame/Arrow table to SQL as ``name`` for the duration of the block, then drop it."""
    con.register(name, data)
    try:
        yield name
    finally:
        con.unregister(name)
