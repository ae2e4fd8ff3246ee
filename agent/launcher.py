"""The ``segment-agent`` console script: listen for Ctrl-C first, then load the command line.

Importing Typer, rich and the commands takes a few tenths of a second; a Ctrl-C in that window would
otherwise end in an import traceback. This module records a Ctrl-C from its very first line (with nothing
but the C module ``_signal``: ``signal`` itself spends milliseconds building its enums, a window in which a
Ctrl-C would still be a traceback), hands it to :mod:`tools.store.interrupts`, and the CLI then reports it
like any other interrupt (exit 130, one sentence). What runs before this line (the interpreter's start-up,
``site``, the console-script wrapper's ``import re``) is outside the package: see DESIGN.md §13. Only the
console script imports this module, so importing :mod:`agent.cli` (tests, other programs) never changes how
the importing process handles Ctrl-C.
"""

import _signal  # first, and nothing before it: not even ``from __future__`` (a module of its own to import)
import time as _time

_EARLY: list[float] = []


def _record(_signum: int, _frame: object) -> None:
    if not _EARLY:
        _EARLY.append(_time.time())


if _signal.getsignal(_signal.SIGINT) != _signal.SIG_IGN:  # an inherited "ignore" (nohup, &) is kept
    _signal.signal(_signal.SIGINT, _record)


def main() -> None:
    """Entry point named in pyproject.toml."""
    from tools.store import interrupts

    interrupts.listen(_EARLY[0] if _EARLY else None)
    from agent.cli import main as cli_main

    cli_main()
