"""Ctrl-C at any moment: exit 130 with one sentence, and never a commit after it — even when a library eats it.

These run the CLI in-process and deliver a real SIGINT to the test process at the awkward moments the issue
found: swallowed by a library (DuckDB's pandas import), turned into "Query interrupted", followed by a user
error, and in the middle of the commit. bench/interrupt_writers.py does the same from outside, at random
moments, with real processes (and kill -9).
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from shop_builders import good_orders, run_cli, workspace_snapshot, write_rows

import tools.ingest.load
from agent.cli import INTERRUPTED_SAVED, INTERRUPTED_UNCHANGED
from tools.errors import UserError
from tools.store.store import Store


def _ctrl_c() -> None:
    """Press Ctrl-C (the handler runs before this returns)."""
    os.kill(os.getpid(), signal.SIGINT)


@pytest.fixture
def loaded(tmp_path: Path) -> tuple[Path, Path, dict]:
    workspace = tmp_path / "ws"
    assert run_cli(workspace, "ingest", "orders", str(good_orders(tmp_path))).exit_code == 0
    other = write_rows(tmp_path, "other.csv", [("c9", "2024-03-01", "99")])
    return workspace, other, workspace_snapshot(workspace)


def _replace_with(monkeypatch: pytest.MonkeyPatch, during: Any) -> None:
    """Run ``during`` where the ingest recomputes features, inside its write transaction."""
    real = tools.ingest.load.refresh_features

    def refresh(shop: Any, **options: Any) -> Any:
        during()
        return real(shop, **options)

    monkeypatch.setattr(tools.ingest.load, "refresh_features", refresh)


def test_a_swallowed_ctrl_c_still_stops_the_commit(loaded: tuple[Path, Path, dict],
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    workspace, other, before = loaded

    def swallowing_library() -> None:
        with contextlib.suppress(KeyboardInterrupt):  # what a Ctrl-C during DuckDB's pandas import looked like
            _ctrl_c()

    _replace_with(monkeypatch, swallowing_library)
    result = run_cli(workspace, "ingest", "orders", str(other), "--replace")

    assert result.exit_code == 130, result.output
    assert INTERRUPTED_UNCHANGED in result.stderr and "Traceback" not in result.output
    assert workspace_snapshot(workspace) == before


@pytest.mark.parametrize("library_error", [RuntimeError("Query interrupted"), ImportError("partially initialized"),
                                           UserError("Could not read something")])
def test_an_interrupt_turned_into_another_error_is_still_an_interrupt(
        library_error: Exception, loaded: tuple[Path, Path, dict], monkeypatch: pytest.MonkeyPatch) -> None:
    workspace, other, before = loaded

    def converting_library() -> None:
        try:
            _ctrl_c()
        except KeyboardInterrupt:
            raise library_error from None

    _replace_with(monkeypatch, converting_library)
    result = run_cli(workspace, "ingest", "orders", str(other), "--replace")

    assert result.exit_code == 130, result.output
    assert INTERRUPTED_UNCHANGED in result.stderr and "bug" not in result.stderr
    assert workspace_snapshot(workspace) == before


def test_ctrl_c_during_the_commit_waits_for_it_and_says_it_saved(loaded: tuple[Path, Path, dict],
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    workspace, other, _ = loaded
    real_stamp = Store._stamp

    def stamp_then_ctrl_c(self: Store, con: Any) -> None:
        real_stamp(self, con)
        if self.commits == 0 and "ingest" in self.command:
            _ctrl_c()  # arrives after the last check, while COMMIT is about to run

    monkeypatch.setattr(Store, "_stamp", stamp_then_ctrl_c)
    result = run_cli(workspace, "ingest", "orders", str(other), "--replace")

    assert result.exit_code == 130, result.output
    assert INTERRUPTED_SAVED in result.stderr
    assert workspace_snapshot(workspace)["orders"] == 1  # committed whole, not half


def test_the_handler_is_put_back_after_each_command(tmp_path: Path) -> None:
    before = signal.getsignal(signal.SIGINT)
    run_cli(tmp_path / "ws", "status")
    assert signal.getsignal(signal.SIGINT) is before


def test_without_the_cli_the_store_behaves_like_plain_python(tmp_path: Path) -> None:
    store = Store(tmp_path / "ws", create=True)
    try:
        with store.writing() as con:
            con.execute("CREATE TABLE t (x INTEGER)")
        with pytest.raises(KeyboardInterrupt), store.writing() as con:
            con.execute("INSERT INTO t VALUES (1)")
            _ctrl_c()
        with store.reading() as con:
            assert con.execute("SELECT count(*) FROM t").fetchone()[0] == 0
    finally:
        store.close()


def test_ctrl_c_at_the_chat_prompt_is_a_normal_goodbye(loaded: tuple[Path, Path, dict],
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    from agent.answering import Session
    from agent.chat_loop import run_chat
    from tools.runtime.shop import Shop
    from tools.store import interrupts

    def press_ctrl_c(_prompt: str) -> str:
        _ctrl_c()
        return "unreachable"

    with interrupts.command(), Shop(loaded[0]) as shop:
        run_chat(Session(shop), "embedded", input_fn=press_ctrl_c)
        assert not interrupts.received()
    assert "bye" in capsys.readouterr().out


def test_the_console_script_listens_before_any_python_level_import() -> None:
    """The launcher's handler is on before anything that runs Python code is imported: ``signal`` alone spends
    milliseconds building enums, in which a Ctrl-C would be the interpreter's traceback (DESIGN.md §13)."""
    code = ("import sys, _signal; before = set(sys.modules); import agent.launcher; "
            "print(sorted(set(sys.modules) - before), _signal.getsignal(_signal.SIGINT).__module__)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)

    assert result.stdout.split() == ["['agent',", "'agent.launcher']", "agent.launcher"]


def test_a_ctrl_c_before_the_cli_is_imported_is_the_clean_interrupt(tmp_path: Path) -> None:
    """Pressed while the launcher is loaded but Typer, rich and the commands are not: exit 130, the sentence,
    no traceback, nothing written."""
    workspace = tmp_path / "ws"
    code = ("import os, sys, agent.launcher; os.kill(os.getpid(), 2); "
            f"sys.argv = ['segment-agent', '-w', {str(workspace)!r}, 'ingest', 'orders', "
            f"{str(good_orders(tmp_path))!r}]; agent.launcher.main()")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)

    assert (result.returncode, result.stderr.strip()) == (130, INTERRUPTED_UNCHANGED)
    assert not workspace.exists() or not any(workspace.iterdir())


def test_the_last_step_leaves_sigint_to_the_main_thread_and_sees_it_from_any_thread() -> None:
    """While the process exits, SIGINT stays unblocked in the main thread (a blocked one is handed by the kernel
    to some library's worker thread, whose handler may run after the exit: CI saw exit 0 with no message), and a
    Ctrl-C handled in another thread still counts."""
    code = ("import os, signal, threading\n"
            "from tools.store import interrupts\n"
            "interrupts.listen(); interrupts.hold()\n"
            "blocked = signal.SIGINT in signal.pthread_sigmask(signal.SIG_BLOCK, [])\n"
            "go = threading.Event()\n"
            "worker = threading.Thread(target=lambda: go.wait() and os.kill(os.getpid(), signal.SIGINT))\n"
            "worker.start()  # started before the block, like a library's pool: SIGINT open in it\n"
            "signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})  # now only the worker can take it\n"
            "go.set(); worker.join()\n"
            "print(blocked, interrupts.received())\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)

    assert (result.returncode, result.stdout.split()) == (0, ["False", "True"]), result.stderr
