"""What went wrong with the disk under a workspace, in one sentence a person can act on.

A full disk, a file-size limit (``ulimit -f``), a read-only mount or missing permissions reach us as DuckDB
"IO Error" texts, SQLite "disk I/O error"s or ``OSError``s with an errno, depending on which layer hit the
wall first. :func:`resource_error` turns any of them into a :class:`UserError` naming the cause (checked on
the file system itself when the message is vague), and never into "this is a bug" or the advice to move the
workspace aside — the workspace is fine, the disk is not.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

from tools.errors import UserError

_CAUSES = (
    ("disk_full", ("no space left on device", "disk is full", "database or disk is full", "enospc",
                   "disk quota exceeded")),
    ("too_large", ("file too large", "efbig", "file size limit")),
    ("read_only", ("read-only file system", "readonly database", "read only database", "erofs",
                   "attempt to write a readonly")),
    ("permission", ("permission denied", "operation not permitted", "eacces")),
)
_ERRNO_CAUSES = {errno.ENOSPC: "disk_full", errno.EDQUOT: "disk_full", errno.EFBIG: "too_large",
                 errno.EROFS: "read_only", errno.EACCES: "permission", errno.EPERM: "permission"}
_VAGUE = ("disk i/o error", "unable to open database file", "could not write", "could not open", "io error",
          "failed to create directory", "cannot open file")


def disk_cause(exc: BaseException | None, root: Path) -> str | None:
    """``disk_full``, ``too_large``, ``read_only`` or ``permission`` when ``exc`` (or, for a vague I/O error,
    the file system under ``root``) says so; None for anything else."""
    if isinstance(exc, OSError) and exc.errno in _ERRNO_CAUSES:
        return _ERRNO_CAUSES[exc.errno]
    text = str(exc).lower() if exc is not None else ""
    for cause, phrases in _CAUSES:
        if any(phrase in text for phrase in phrases):
            return cause
    if exc is None or any(phrase in text for phrase in _VAGUE):
        return probe(root)
    return None


def probe(root: Path) -> str | None:
    """Look at the file system holding ``root``: full, read-only or not writable by us (None when fine)."""
    folder = root if root.is_dir() else root.parent
    try:
        stats = os.statvfs(folder)
    except OSError:
        return None
    if stats.f_flag & os.ST_RDONLY:
        return "read_only"
    if not os.access(folder, os.W_OK):
        return "permission"
    if stats.f_bavail == 0 or (stats.f_favail == 0 and stats.f_files):
        return "disk_full"
    return None


_REASONS = {
    "disk_full": ("the disk is full (no space left on device)", "free some space on that disk"),
    "too_large": ("a file grew past this process's file-size limit (ulimit -f)", "raise the limit (ulimit -f "
                  "unlimited)"),
    "read_only": ("it is on a read-only file system", "remount it read-write or use a folder on a writable disk"),
    "permission": ("permission denied", "make the folder writable for this user (or run as its owner)"),
}


def resource_error(cause: str, root: Path, doing: str = "save to", what: str = "the workspace") -> UserError:
    """The one-sentence error for ``cause`` while trying to ``doing`` ``what`` at ``root``."""
    reason, advice = _REASONS[cause]
    return UserError(f"Could not {doing} {what} {root}: {reason}; {advice} and run the command again — nothing "
                     "was changed.")


def as_resource_error(exc: BaseException, root: Path, doing: str = "save to", what: str = "the workspace"
                      ) -> UserError | None:
    """``exc`` as a resource :class:`UserError`, or None when it is not about the disk."""
    cause = disk_cause(exc, root)
    return resource_error(cause, root, doing, what) if cause else None


def unreadable_catalog(path: Path, message: str) -> UserError:
    """The catalog itself is damaged (not a disk problem): say so, and how to get a working workspace back."""
    first = message.strip().splitlines()[0] if message.strip() else "unknown error"
    return UserError(f"{path} is not a readable segment-agent workspace catalog ({first[:200]}); restore the "
                     "workspace from a backup, or move the workspace folder aside and run the ingest again.")


def commit_failure(root: Path, exc: BaseException) -> BaseException:
    """What a failed COMMIT is reported as: the disk's cause when it is one, else the store's own first line."""
    if not isinstance(exc, Exception):
        return exc  # Ctrl-C and friends stay what they are
    if (resource := as_resource_error(exc, root)) is not None:
        return resource
    first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    return UserError(f"Could not save to the workspace {root} ({first[:200]}); nothing was changed.")
