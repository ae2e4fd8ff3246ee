"""How long ingesting the UCI Online Retail file takes, against plain ``pandas.read_csv`` of the same file.

Each step runs as a fresh process (so Python start-up and imports count, as they do for a user), several
times. An ingest of orders also computes every customer's features in the same transaction, so the
ingest rows include that. The table shows the median and best wall time, the median CPU seconds of the
child process (user + system, from ``resource.getrusage``), and the ratios of the medians to the
baseline's; the load average is printed with it.

    .venv/bin/python bench/ingest_speed.py [--file PATH] [--repeats 3]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DEFAULT_FILE = Path("/work/shared/datasets/online_retail/online_retail.csv.gz")
CONSOLE_SCRIPT = Path(sys.executable).parent / "segment-agent"
BASELINE = "pandas.read_csv (baseline)"


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _timed(command: list[str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the child) for one run of ``command``; a failure stops the bench."""
    started, started_cpu = time.perf_counter(), _children_cpu()
    completed = subprocess.run(command, capture_output=True, text=True)
    elapsed, cpu = time.perf_counter() - started, _children_cpu() - started_cpu
    if completed.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed ({completed.returncode}):\n{completed.stderr}")
    return elapsed, cpu


def _ingest(workspace: Path, file: Path) -> list[str]:
    return [str(CONSOLE_SCRIPT), "-w", str(workspace), "ingest", "orders", str(file), "--preset", "online-retail",
            "--json"]


def measure(file: Path, repeats: int) -> dict[str, list[tuple[float, float]]]:
    """(wall, CPU) seconds per run for the baseline, a cold ingest into a new workspace, and the no-op repeat."""
    baseline = [sys.executable, "-c", f"import pandas; pandas.read_csv({str(file)!r})"]
    times: dict[str, list[tuple[float, float]]] = {BASELINE: [], "ingest + features, new workspace": [],
                                                   "ingest again (unchanged)": []}
    for _ in range(repeats):
        times[BASELINE].append(_timed(baseline))
        workspace = Path(tempfile.mkdtemp(prefix="ingest-bench-"))
        try:
            times["ingest + features, new workspace"].append(_timed(_ingest(workspace / "ws", file)))
            times["ingest again (unchanged)"].append(_timed(_ingest(workspace / "ws", file)))
        finally:
            shutil.rmtree(workspace, ignore_errors=True)
    return times


def render(times: dict[str, list[tuple[float, float]]]) -> str:
    """A fixed-width table: median and best wall, median CPU, and the medians relative to the baseline's."""
    base_wall = statistics.median(wall for wall, _ in times[BASELINE])
    base_cpu = statistics.median(cpu for _, cpu in times[BASELINE])
    lines = [f"{'step':<34} {'median s':>9} {'best s':>8} {'CPU s':>7} {'x baseline':>11} {'CPU x base':>11}"]
    for step, runs in times.items():
        wall = statistics.median(w for w, _ in runs)
        cpu = statistics.median(c for _, c in runs)
        lines.append(f"{step:<34} {wall:>9.2f} {min(w for w, _ in runs):>8.2f} {cpu:>7.2f} "
                     f"{wall / base_wall:>11.2f} {cpu / base_cpu:>11.2f}")
    lines.append(f"load average (1, 5, 15 min): {', '.join(f'{x:.2f}' for x in os.getloadavg())}; "
                 f"CPUs: {os.cpu_count()}")
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
