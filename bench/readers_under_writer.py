"""Readers under a writer: does a reader process keep answering, correctly and fast, while another process
re-ingests, refreshes features and re-segments the same workspace in a loop?

Two order files give two known states (A and B). The reader runs ``ask`` / ``customers`` / ``segments`` /
``kpis`` in-process (as the Slack bot would), first with no writer (the baseline measured in the same run),
then while a writer process loops ``ingest orders --replace``, ``features`` and ``segment`` between A and B.
Every reader answer must equal state A's or state B's answer (anything else is a partial state). Prints
errors, partial answers, p50/p95 wall and CPU per call, the ratio to the idle baseline, and the load average.

    python bench/readers_under_writer.py [--calls 200] [--workspace DIR]
    python bench/readers_under_writer.py write-loop WORKSPACE A.csv B.csv STOPFILE   (the writer, used by it)
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from itertools import cycle
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

READER_COMMANDS: list[list[str]] = [
    ["ask", "how many lapsing customers do we have?", "--json"],
    ["customers", "--json"],
    ["segments", "--json"],
    ["kpis", "--json"],
]


def projection(command: list[str], payload: dict[str, Any]) -> Any:
    """The part of an answer that identifies the state it was read from (volatile ids and timings left out)."""
    data = payload["steps"][0]["data"]
    if command[0] in ("ask", "customers"):
        return data["total"], [tuple(row[:3]) for row in data["rows"]], data["stats"].get("net_revenue")
    if command[0] == "segments":
        return sorted(segment["size"] for segment in data["segments"])
    return data["current"], data["previous"], data["lifecycle_counts"]


def cli(workspace: Path, args: list[str]) -> tuple[int, str]:
    """Run one command in this process, as a long-running reader (a bot) would; returns exit code and stdout."""
    from typer.testing import CliRunner

    from agent.cli import app

    result = CliRunner().invoke(app, ["-w", str(workspace), *args])
    return result.exit_code, result.stdout if result.exit_code == 0 else result.output


def run(workspace: Path, args: list[str]) -> None:
    """Run a writing command as its own process (the way cron or a user would)."""
    subprocess.run([sys.executable, "-c", "from agent.cli import main; main()", "-w", str(workspace), *args],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def write_state(workspace: Path, orders: Path) -> None:
    """One cycle of the writer: replace the orders (features refresh with them), refresh again, re-segment."""
    run(workspace, ["ingest", "orders", str(orders), "--replace"])
    run(workspace, ["features"])
    run(workspace, ["segment", "--k", "3"])


def write_loop(workspace: Path, files: list[Path], stop: Path) -> int:
    """Alternate the states until ``stop`` exists; returns the number of write commands run."""
    count = 0
    for orders in cycle(files):
        if stop.exists():
            return count
        write_state(workspace, orders)
        count += 3


def expected_states(workspace: Path, files: list[Path]) -> list[dict[str, Any]]:
    """For each order file: the projection of every reader command once that state is committed."""
    states = []
    for orders in files:
        write_state(workspace, orders)
        state = {}
        for command in READER_COMMANDS:
            code, output = cli(workspace, command)
            if code != 0:
                raise RuntimeError(f"{' '.join(command)} failed on a settled workspace: {output[:500]}")
            state[" ".join(command)] = projection(command, json.loads(output))
        states.append(state)
    return states


def read_many(workspace: Path, calls: int, states: list[dict[str, Any]]) -> dict[str, Any]:
    """``calls`` reader commands in rotation: errors, answers matching no state, wall and CPU per call."""
    errors, partial, wall, cpu, messages = 0, 0, [], [], []
    for index in range(calls):
        command = READER_COMMANDS[index % len(READER_COMMANDS)]
        started, started_cpu = time.perf_counter(), time.process_time()
        code, output = cli(workspace, command)
        wall.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
        if code != 0:
            errors += 1
            messages.append(output.strip()[:300])
            continue
        seen = projection(command, json.loads(output))
        if all(seen != state[" ".join(command)] for state in states):
            partial += 1
    return {"calls": calls, "errors": errors, "partial": partial, "wall": wall, "cpu": cpu, "messages": messages}


def under_writer(workspace: Path, files: list[Path], calls: int,
                 reader: Callable[[Path, int, list[dict[str, Any]]], dict[str, Any]] = read_many
                 ) -> tuple[dict[str, Any], dict[str, Any], int]:
    """(idle reads, reads while the writer loops, write commands the writer completed meanwhile)."""
    states = expected_states(workspace, files)
    idle = reader(workspace, calls, states)
    stop = workspace.parent / "stop-writer"
    stop.unlink(missing_ok=True)
    writer = subprocess.Popen([sys.executable, __file__, "write-loop", str(workspace), *map(str, files), str(stop)],
                              stdout=subprocess.PIPE, text=True)
    try:
        time.sleep(1.0)  # let the first write start
        busy = reader(workspace, calls, states)
    finally:
        stop.touch()
        out, _ = writer.communicate(timeout=600)
    return idle, busy, int(out.strip() or 0)


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) >= 20 else max(values)


def prepare(root: Path) -> tuple[Path, list[Path]]:
    """The sample shop, with its orders as state B and the orders before the last 60 days as state A."""
    import pandas as pd

    from tools.ingest.sample_shop import sample_files

    files = sample_files()
    workspace = root / "ws"
    for table in ("customers", "texts", "orders"):
        run(workspace, ["ingest", table, str(files[table])])
    orders = pd.read_csv(files["orders"])
    cut = pd.to_datetime(orders["order_date"]).max() - pd.Timedelta(days=60)
    state_a = root / "orders-a.csv"
    orders[pd.to_datetime(orders["order_date"]) <= cut].to_csv(state_a, index=False)
    return workspace, [state_a, files["orders"]]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--workspace", type=Path, default=None, help="Folder to build the workspace in.")
    options = parser.parse_args()
    root = options.workspace or Path(tempfile.mkdtemp(prefix="readers-under-writer-"))
    root.mkdir(parents=True, exist_ok=True)
    print(f"Building the sample shop workspace in {root} (first segmentation embeds every text) …", flush=True)
    workspace, files = prepare(root)
    idle, busy, writes = under_writer(workspace, files, options.calls)
    print(f"\nreader calls per phase: {options.calls} ({', '.join(' '.join(c[:1]) for c in READER_COMMANDS)} in "
          f"rotation); writer commands completed during the busy phase: {writes}")
    print(f"{'phase':<14}{'errors':>8}{'partial':>9}{'p50 wall s':>12}{'p95 wall s':>12}{'p95 CPU s':>11}"
          f"{'p95 ratio':>11}")
    base = _p95(idle["wall"])
    for name, phase in (("idle", idle), ("under writer", busy)):
        print(f"{name:<14}{phase['errors']:>8}{phase['partial']:>9}{statistics.median(phase['wall']):>12.3f}"
              f"{_p95(phase['wall']):>12.3f}{_p95(phase['cpu']):>11.3f}{_p95(phase['wall']) / base:>11.2f}")
    for message in busy["messages"][:3]:
        print("error:", message)
    print(f"load average (1, 5, 15 min): {', '.join(f'{x:.2f}' for x in os.getloadavg())}; CPUs: {os.cpu_count()}")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "write-loop":
        print(write_loop(Path(sys.argv[2]), [Path(p) for p in sys.argv[3:-1]], Path(sys.argv[-1])))
    else:
        main()
