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
- :func:`hold` prepares the process's last step (the CLI's exit): from then on a Ctrl-C is only recorded, and
  :func:`received` sees one that lands in the middle of the final check too.

The state is process-wide because signals are: one command runs per process (tests run commands one after
another and :func:`command` resets it). Outside a command (library use, threads other than the main one)
nothing is installed and Python's own behaviour applies.
"""

from __future__ import annotations

import os
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
    holding = False  # the process is in its last step (see hold())
    wakeup: int | None = None  # read end of the pipe Python's C-level SIGINT handler writes to (see hold())


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
    """Whether Ctrl-C was pressed during this command (also when some library swallowed it, or, after
    :func:`hold`, when only Python's C-level handler has seen it so far)."""
    if _state.received_at is None and _state.holding and (_woken() or signal.SIGINT in signal.sigpending()):
        _state.received_at = time.time()
    return _state.received_at is not None


def _woken() -> bool:
    """Whether Python's C-level handler has seen SIGINT since :func:`hold` (in any thread; the Python-level
    handler may not have run yet)."""
    if _state.wakeup is None:
        return False
    try:
        return signal.SIGINT in os.read(_state.wakeup, 4096)
    except BlockingIOError:
        return False


def received_at() -> float | None:
    """Wall-clock time of the first Ctrl-C of this command, if any."""
    return _state.received_at


def hold() -> None:
    """Prepare the process's last step (right before it exits): a Ctrl-C from now on is only recorded, never
    raised, and :func:`received` sees it even when it lands during the final check.

    Why not block SIGINT until the exit (as this once did): the kernel then hands a Ctrl-C to any other thread
    that does not block it (DuckDB's workers, ONNX Runtime's), and Python's C handler ran there only once that
    thread was scheduled, which on a busy 2-core machine was after the process had exited with 0 and no
    message. With the main thread unblocked the kernel delivers to it, at once; and wherever the C handler
    runs, it writes the signal number to a wake-up pipe (``signal.set_wakeup_fd``) that :func:`received` reads,
    so a Ctrl-C whose Python-level handler has not run yet still counts. Only the main thread of a process that
    is about to exit calls it (the wake-up fd is process-wide: no event loop may run after it)."""
    if not _is_main_thread():
        return
    _state.raising, _state.holding = False, True
    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        return  # an inherited "ignore" (nohup, a background job) stays as it is
    read_end, write_end = os.pipe()
    os.set_blocking(read_end, False)
    os.set_blocking(write_end, False)
    signal.signal(signal.SIGINT, _on_sigint)
    signal.set_wakeup_fd(write_end, warn_on_full_buffer=False)
    _state.wakeup = read_end


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
