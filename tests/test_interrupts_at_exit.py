"""A Ctrl-C after the command, while the process exits, still ends in exit 130 and the "saved" sentence.

bench/interrupt_writers.py found runs that exited 0 with no message although a SIGINT was delivered: the
signal landed in the interpreter's teardown (some 0.3 s after a command, about 7 % of a short run), where
SIGINT used to be ignored. These tests deliver the Ctrl-C at two known points of the exit of a real console
script process: during the exit work of the libraries (an atexit function registered after the command, as
DuckDB's and pandas' are), and after the CLI's last step has put SIGINT on hold (only recorded from then on).
The points are reached by wrapping functions from the test's own launcher code, not through product hooks.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from shop_builders import good_orders, workspace_snapshot

from agent.cli import INTERRUPTED_SAVED

CTRL_C = "lambda: os.kill(os.getpid(), signal.SIGINT)"
LAUNCH = "from agent.launcher import main; sys.argv = ['segment-agent', *sys.argv[1:]]; main()"
WHEN = {
    # the command has returned; exit work registered after it (LIFO, so before the CLI's last step) presses Ctrl-C
    "during the libraries' exit work": (
        "import agent.cli; real = agent.cli.app\n"
        "def app():\n"
        "    try: real()\n"
        f"    finally: atexit.register({CTRL_C})\n"
        "agent.cli.app = app\n"),
    # the CLI's last step has begun (SIGINT only recorded from now on): the Ctrl-C lands right before the check
    "after SIGINT is held for the exit": (
        "from tools.store import interrupts; real = interrupts.hold\n"
        "def hold():\n"
        "    real(); os.kill(os.getpid(), signal.SIGINT)\n"
        "interrupts.hold = hold\n"),
}


@pytest.mark.parametrize("when", sorted(WHEN))
def test_ctrl_c_while_the_process_exits_is_exit_130_and_says_it_saved(tmp_path: Path, when: str) -> None:
    workspace = tmp_path / "ws"
    code = "import atexit, os, signal, sys\n" + WHEN[when] + LAUNCH
    process = subprocess.run([sys.executable, "-c", code, "-w", str(workspace), "ingest", "orders",
                              str(good_orders(tmp_path))], capture_output=True, text=True, timeout=300)

    assert process.returncode == 130, process.stderr
    assert INTERRUPTED_SAVED in process.stderr and "Traceback" not in process.stderr
    assert process.stdout.strip()  # the command's own report was flushed before the exit
    assert workspace_snapshot(workspace)["orders"] == 3  # the ingest had committed: the message is true


def test_without_a_ctrl_c_the_exit_status_is_the_commands(tmp_path: Path) -> None:
    """The last step keeps the command's own status: 0 after a clean ingest, 1 after a user error."""
    launch = f"import sys\n{LAUNCH}"
    ok = subprocess.run([sys.executable, "-c", launch, "-w", str(tmp_path / "ws"), "ingest", "orders",
                         str(good_orders(tmp_path))], capture_output=True, text=True, timeout=300)
    missing = subprocess.run([sys.executable, "-c", launch, "-w", str(tmp_path / "ws"), "ingest", "orders",
                              str(tmp_path / "missing.csv")], capture_output=True, text=True, timeout=300)

    assert (ok.returncode, missing.returncode) == (0, 1), (ok.stderr, missing.stderr)
    assert ok.stdout.strip() and "Interrupted" not in ok.stderr + missing.stderr
    assert missing.stderr.strip() and "Traceback" not in missing.stderr
