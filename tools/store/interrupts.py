"""Ctrl-C that never half-happens: a command either stops before its commit or reports that it had saved.

Python turns SIGINT into a ``KeyboardInterrupt`` at whatever line happens to run, and libraries do not all
let it through: DuckDB turns it into its own "Query interrupted" error, an import cut short surfaces later
as an ``ImportError``, and a Ctrl-C that lands while DuckDB imports pandas is swallowed altogether (the run
would then commit and exit 0). So the command line listens for SIGINT itself and *records* it:

- :func:`command` (entered by the CLI around one command) raises ``KeyboardInterrupt`` as usual, and the CLI
  treats any failure after a recorded Ctrl-C as the interrupt it is (exit 130, one sentence);
- :func:`deferred` wraps a commit: a Ctrl-C inside it is recorded but held until the commit finished, and
  :func:`check` right before the commit refuses to start one after a Ctrl-C, even a swallowed one;
- :func:`record_commit` notes that this command saved something, so the CLI never claims "unchanged"
  after a commit.
- :func:`hold` blocks SIGINT for the process's last step (the CLI's exit), so a Ctrl-C pressed while it exits
  stays pending and :func:`received` still sees it.

The state is process-wide because signals are: one command runs per process (tests run commands one after
another and :func:`command` resets it). Outside a command (library use, threads other than the main one)
nothing is installed and Python's own behaviour applies.
"""

from __future__ import annotations

import signal
import threading
import time
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # kept out of the import: the console script loads this module before anything else
    from collections.abc import Iterator
    from typing import Any


class _State:
    received_at: float | None = None  # wall time of the first Ctrl-C of this command
    raising = False  # the handler raises KeyboardInterrupt (inside a command, outside a commit)
    deferring = 0  # depth of deferred() blocks
    committed = False  # this command committed data
    reported = False  # the CLI has printed the interrupt message
    listening = False
    holding = False  # SIGINT is blocked until the process exits (see hold())


_state = _State()


def _on_sigint(_signum: int, _frame: Any) -> None:
    if _state.received_at is None:
        _state.received_at = time.time()
    if _state.raising and not _state.deferring:
        raise KeyboardInterrupt


def _is_main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


def listen(already: float | None = None) -> None:
    """Record Ctrl-C from now on without raising (the console script calls this before importing anything
    heavy, so an interrupt during start-up is reported cleanly instead of as an import traceback).
    ``already``: when a Ctrl-C came even earlier (the launcher's own first handler saw it)."""
    if already is not None and _state.received_at is None:
        _state.received_at = already
    if _is_main_thread() and signal.getsignal(signal.SIGINT) is not signal.SIG_IGN:
        signal.signal(signal.SIGINT, _on_sigint)  # an inherited "ignore" (nohup, a background job) is kept
        _state.listening = True


@contextmanager
def command() -> Iterator[None]:
    """Run one CLI command: Ctrl-C raises ``KeyboardInterrupt`` (except inside :func:`deferred`) and is
    recorded. A Ctrl-C recorded during start-up stays recorded (the CLI then stops at once, see
    :func:`check`). Restores the previous handler."""
    if not _state.listening:
        _state.received_at = None  # a new command in a process that runs several (tests)
    _state.committed, _state.reported, _state.deferring = False, False, 0
    previous = signal.getsignal(signal.SIGINT) if _is_main_thread() else signal.SIG_IGN
    if previous is signal.SIG_IGN:
        yield
        return
    _state.raising = True
    signal.signal(signal.SIGINT, _on_sigint)
    try:
        yield
    finally:
        _state.raising = False
        signal.signal(signal.SIGINT, previous if previous is not None else signal.default_int_handler)


def received() -> bool:
    """Whether Ctrl-C was pressed during this command (also when some library swallowed it, or while
    :func:`hold` keeps it pending)."""
    if _state.received_at is None and _state.holding and signal.SIGINT in signal.sigpending():
        _state.received_at = time.time()
    return _state.received_at is not None


def received_at() -> float | None:
    """Wall-clock time of the first Ctrl-C of this command, if any."""
    return _state.received_at


def hold() -> None:
    """Block SIGINT for the rest of the process (its last step, right before it exits): a Ctrl-C from now on
    waits in the kernel as a pending signal, where :func:`received` still sees it, instead of being lost or
    killing the process with no message. Only the main thread of a process that is about to exit calls it."""
    if _is_main_thread() and hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        _state.holding = True


def check() -> None:
    """Raise ``KeyboardInterrupt`` if Ctrl-C was pressed: called right before a commit, so no commit starts
    after an interrupt, even one a library swallowed."""
    if received():
        raise KeyboardInterrupt


@contextmanager
def deferred() -> Iterator[None]:
    """Hold Ctrl-C for the block (a commit must finish or not start); a Ctrl-C pressed meanwhile is raised
    right after the block."""
    _state.deferring += 1
    try:
        yield
    finally:
        _state.deferring -= 1
    if _state.raising and not _state.deferring and received():
        raise KeyboardInterrupt


def record_commit() -> None:
    """Note that this command saved data (the interrupt message then says so)."""
    _state.committed = True


def committed() -> bool:
    """Whether this command has committed data to the workspace."""
    return _state.committed


def mark_reported() -> None:
    """The interrupt has been reported to the user (printed once per command)."""
    _state.reported = True


def reported() -> bool:
    """Whether the interrupt message was already printed for this command."""
    return _state.reported


def forget() -> None:
    """The caller handled the Ctrl-C (chat drops the answer in progress and asks for the next question), so it
    no longer stops later commits or the command's exit code."""
    if not _state.deferring:
        _state.received_at = None
