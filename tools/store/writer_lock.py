"""The workspace's writer lock: one writing process at a time, and a waiting writer says whom it waits for.

A lock file (filelock, released by the OS when its holder dies, so a killed writer never blocks the next)
plus a small ``writer.json`` naming the holder's pid, command and start time for the waiting writer's
message. Re-entrant within one process, so a long job can hold it around several commits.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from tools.errors import UserError
from tools.store.faults import as_resource_error

LOCK_FILENAME = "writer.lock"
HOLDER_FILENAME = "writer.json"


class WriterLock:
    """The lock of the workspace at ``root``; ``notice`` is told when this writer has to wait."""

    def __init__(self, root: Path, wait_seconds: float, notice: Callable[[str], None], command: str) -> None:
        self.root = root
        self.wait_seconds = wait_seconds
        self.notice = notice
        self.command = command
        self._depth = 0
        self._lock: Any = None

    @contextmanager
    def held(self) -> Iterator[None]:
        """Hold the lock for the block (re-entrant); a UserError when another writer keeps it too long or
        the folder cannot hold a lock file (read-only, full, no permission)."""
        from filelock import FileLock, Timeout

        if self._depth:
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
            return
        lock = FileLock(str(self.root / LOCK_FILENAME), thread_local=False)
        try:
            lock.acquire(timeout=0)
        except Timeout:
            self.notice(f"Waiting for another segment-agent process to finish writing ({self.holder()}) …")
            try:
                lock.acquire(timeout=self.wait_seconds)
            except Timeout:
                raise UserError(
                    f"The workspace {self.root} is still being written by another segment-agent process "
                    f"({self.holder()}) after {self.wait_seconds:g} s; try again when it has finished, or raise "
                    "writer_wait_seconds in [store] of segment-agent.toml.") from None
        except OSError as exc:
            raise as_resource_error(exc, self.root, "lock") or UserError(
                f"Cannot lock the workspace {self.root} for writing ({exc.strerror or exc}); check that the folder "
                "is writable.") from exc
        self._lock, self._depth = lock, 1
        self._record_holder()
        try:
            yield
        finally:
            self._depth = 0
            with contextlib.suppress(OSError):
                (self.root / HOLDER_FILENAME).unlink(missing_ok=True)
            lock.release()
            self._lock = None

    def _record_holder(self) -> None:
        holder = {"pid": os.getpid(), "command": self.command, "since": datetime.now().isoformat(timespec="seconds")}
        with contextlib.suppress(OSError):  # only used to make a waiting writer's message friendlier
            (self.root / HOLDER_FILENAME).write_text(json.dumps(holder), encoding="utf-8")

    def holder(self) -> str:
        """Who holds the lock, as shown to a waiting writer."""
        try:
            holder = json.loads((self.root / HOLDER_FILENAME).read_text(encoding="utf-8"))
            return f"pid {holder['pid']}: {holder['command']}, since {holder['since'][11:19]}"
        except (OSError, ValueError, KeyError, TypeError):
            return "another process"
