"""How long ingesting the UCI Online Retail file takes, against plain ``pandas.read_csv`` of the same file.

Each step runs as a fresh process (so Python start-up and imports count, as they do for a user), several
times; the table shows the median and best wall time and the ratio of the median to the baseline's.

    .venv/bin/python bench/ingest_speed.py [--file PATH] [--repeats 3]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DEFAULT_FILE = Path("/work/shared/datasets/online_retail/online_retail.csv.gz")
CONSOLE_SCRIPT = Path(sys.executable).parent / "segment-agent"


def _timed(command: list[str]) -> float:
    started = time.perf_counter()
    completed = subprocess.run(command, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if completed.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed ({completed.returncode}):\n{completed.stderr}")
    return elapsed


def _ingest(workspace: Path, file: Path) -> list[str]:
    return [str(CONSOLE_SCRIPT), "-w", str(workspace), "ingest", "orders", str(file), "--preset", "online-retail",
            "--json"]


def measure(file: Path, repeats: int) -> dict[str, list[float]]:
    """Wall seconds per run for the baseline, a cold ingest into a new workspace, and the no-op repeat."""
    baseline = [sys.executable, "-c", f"import pandas; pandas.read_csv({str(file)!r})"]
    times: dict[str, list[float]] = {"pandas.read_csv (baseline)": [], "ingest, new workspace": [],
                                     "ingest again (unchanged)": []}
    for _ in range(repeats):
        times["pandas.read_csv (baseline)"].append(_timed(baseline))
        workspace = Path(tempfile.mkdtemp(prefix="ingest-bench-"))
        try:
            times["ingest, new workspace"].append(_timed(_ingest(workspace / "ws", file)))
            times["ingest again (unchanged)"].append(_timed(_ingest(workspace / "ws", file)))
        finally:
            shutil.rmtree(workspace, ignore_errors=True)
    return times


def render(times: dict[str, list[float]]) -> str:
    """A fixed-width table: median, best, and median relative to the baseline's median."""
    baseline = statistics.median(next(iter(times.values())))
    lines = [f"{'step':<30} {'median s':>9} {'best s':>8} {'x baseline':>11}"]
    for step, runs in times.items():
        median = statistics.median(runs)
        lines.append(f"{step:<30} {median:>9.2f} {min(runs):>8.2f} {median / baseline:>11.2f}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--file", type=Path, default=DEFAULT_FILE)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    if not args.file.exists():
        raise SystemExit(f"{args.file} not found; pass --file with the Online Retail CSV.")
    print(f"{args.file} ({args.file.stat().st_size / 1e6:.1f} MB), {args.repeats} runs each")
    print(render(measure(args.file, args.repeats)))


if __name__ == "__main__":
    main()
