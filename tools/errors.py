"""The one exception type for mistakes a user can fix.

The CLI catches :class:`UserError` at the top, prints its single sentence and exits 1, so every
message must say what went wrong *and* what to do about it. Anything else is a bug.
"""

from __future__ import annotations


class UserError(Exception):
    """A problem with the user's input or workspace, explained in one actionable sentence."""


class NotInstalled(UserError):
    """An optional dependency is missing; the message carries the install hint."""

    def __init__(self, package: str, purpose: str) -> None:
        super().__init__(f"{purpose} needs the '{package}' package: run  pip install {package}")
