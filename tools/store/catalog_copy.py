"""A private, read-only copy of a workspace's catalog, for reading a workspace whose disk cannot be written.

The catalog is SQLite in WAL mode, and opening a WAL database needs its ``-shm`` file: on a full disk or a
read-only mount SQLite cannot create it, so even a plain question would fail. The committed state is still
there, though, so readers fall back to a copy of the catalog in a writable temp folder (``/dev/shm`` first:
it is memory, not the full disk) and read the Parquet files in place. Writers never use it: they get the
one-sentence reason instead (:mod:`tools.store.faults`).
"""

from __future__ import annotations

import contextlib
import shutil
import sqlite3
import tempfile
from pathlib import Path

from tools.errors import UserError

TEMP_FOLDERS = ("/dev/shm",)


def copy_catalog(catalog: Path) -> Path:
    """A consistent copy of ``catalog`` in a new temp folder; returns the copy's path (remove its folder
    with :func:`remove_copy`). Raises :class:`UserError` when no temp folder can hold it."""
    wal = catalog.with_name(catalog.name + "-wal")
    failures: list[str] = []
    for base in (*TEMP_FOLDERS, tempfile.gettempdir()):
        if not Path(base).is_dir():
            continue
        try:
            folder = Path(tempfile.mkdtemp(prefix="segment-agent-catalog-", dir=base))
        except OSError as exc:
            failures.append(f"{base}: {exc.strerror or exc}")
            continue
        target = folder / catalog.name
        try:
            _copy(catalog, wal, target)
            return target
        except (OSError, sqlite3.Error) as exc:
            failures.append(f"{base}: {exc}")
            shutil.rmtree(folder, ignore_errors=True)
    raise UserError(f"Cannot read the workspace catalog {catalog}: its disk cannot be written and no temp folder "
                    f"could hold a read-only copy ({'; '.join(failures) or 'no temp folder'}); free some space and "
                    "run the command again.")


def _copy(catalog: Path, wal: Path, target: Path) -> None:
    """SQLite's backup API where the live file can be opened (a consistent snapshot even with a writer);
    else the files themselves: without a usable ``-shm`` no writer can be committing."""
    try:
        _backup(f"{catalog.resolve().as_uri()}?mode=ro", target)
        return
    except sqlite3.Error:
        target.unlink(missing_ok=True)
    if not wal.is_file() or wal.stat().st_size == 0:
        # nothing in the WAL: the main file is the whole committed state
        _backup(f"{catalog.resolve().as_uri()}?immutable=1", target)
        return
    shutil.copyfile(catalog, target)
    shutil.copyfile(wal, target.with_name(target.name + "-wal"))


def _backup(uri: str, target: Path) -> None:
    source = sqlite3.connect(uri, uri=True)
    try:
        destination = sqlite3.connect(target)
        try:
            source.backup(destination)
        finally:
            destination.close()
    finally:
        source.close()


def remove_copy(copy: Path | None) -> None:
    """Delete a copy made by :func:`copy_catalog` (its whole temp folder)."""
    if copy is not None:
        with contextlib.suppress(OSError):
            shutil.rmtree(copy.parent)
