"""The CLI starts instantly, imports nothing heavy, and separates usage mistakes from bugs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from shop_builders import RUNNER, good_orders, query, run_cli

from agent.cli import app

HEAVY_MODULES = ("torch", "sentence_transformers", "faiss", "langchain", "pandas", "duckdb")
CONSOLE_SCRIPT = Path(sys.executable).parent / "segment-agent"
# The §8 answer object every data command prints with --json.
ANSWER_KEYS = {"question", "planner", "status", "steps", "answer", "tables", "drafts", "reproduce", "warnings"}


@pytest.mark.skipif(not CONSOLE_SCRIPT.exists(), reason="console script not installed in this environment")
def test_help_imports_nothing_heavy() -> None:
    # "Instant" is checked structurally (no test measures wall-clock time on a shared machine): the console
    # script's --help imports none of the heavy libraries. bench/cli_startup.py measures the seconds.
    completed = subprocess.run([sys.executable, "-X", "importtime", str(CONSOLE_SCRIPT), "--help"],
                               capture_output=True, text=True, check=True, env={**os.environ, "COLUMNS": "120"})
    assert "ingest" in completed.stdout and "status" in completed.stdout
    imported = {line.split("|")[-1].strip().split(".")[0] for line in completed.stderr.splitlines()
                if line.startswith("import time:")}
    assert imported.isdisjoint(HEAVY_MODULES), sorted(imported & set(HEAVY_MODULES))


def test_importing_the_cli_loads_no_heavy_library() -> None:
    code = ("import json, sys, agent.cli; "
            f"print(json.dumps([m for m in {HEAVY_MODULES!r} if m in sys.modules]))")
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(completed.stdout) == []


def test_version_prints_the_installed_version_without_a_workspace(tmp_path: Path) -> None:
    from importlib.metadata import version

    for flag in ("--version", "-V"):
        result = RUNNER.invoke(app, ["--workspace", str(tmp_path / "none"), flag])
        assert result.exit_code == 0, result.output
        assert result.output.strip() == f"segment-agent {version('segment-agent')}"
    assert not (tmp_path / "none").exists()


def test_ingest_json_report_is_valid_json(tmp_path: Path) -> None:
    result = run_cli(tmp_path / "ws", "ingest", "orders", str(good_orders(tmp_path)), "--json")

    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    assert set(answer) == ANSWER_KEYS
    assert (answer["planner"], answer["status"], [step["tool"] for step in answer["steps"]]) == (
        "direct", "answered", ["ingest"])
    report = answer["steps"][0]["data"]
    assert (report["status"], report["rows_kept"], report["customers"], report["net_amount"]) == (
        "loaded", 3, 2, 35.75)
    assert answer["tables"][0]["columns"] == ["measure", "value"]


def test_workspace_option_may_follow_the_subcommand(tmp_path: Path) -> None:
    workspace = tmp_path / "after"
    result = RUNNER.invoke(app, ["ingest", "orders", str(good_orders(tmp_path)), "-w", str(workspace), "--json"])

    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["steps"][0]["data"]["rows_kept"] == 3
    assert query(workspace, "SELECT count(*) FROM orders") == [(3,)]


def test_ingest_without_a_file_is_a_usage_error(tmp_path: Path) -> None:
    result = run_cli(tmp_path / "ws", "ingest", "orders")

    assert result.exit_code == 2
    assert "Traceback" not in result.output


def test_an_unknown_option_is_a_usage_error_not_a_bug(tmp_path: Path) -> None:
    result = run_cli(tmp_path / "ws", "ingest", "customers", str(good_orders(tmp_path)), "--preset", "cdnow")

    assert result.exit_code == 2
    assert "No such option" in result.output
    assert "bug" not in result.output


@pytest.mark.parametrize("output", ["table", "csv"])
def test_a_reader_closing_the_pipe_early_ends_quietly_with_sigpipes_status(sample_workspace: Path,
                                                                          output: str) -> None:
    """`segment-agent customers --all | head -1`: no "unexpected error", no traceback, exit 141 (128 + SIGPIPE)."""
    code = "import sys; from agent.launcher import main; sys.argv = ['segment-agent', *sys.argv[1:]]; main()"
    arguments = ["-w", str(sample_workspace), "customers", "--all", "--format", output]
    process = subprocess.Popen([sys.executable, "-c", code, *arguments], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE)
    assert process.stdout is not None and process.stdout.readline()
    process.stdout.close()  # what `head -1` does after its line
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 141 and stderr.decode() == ""
