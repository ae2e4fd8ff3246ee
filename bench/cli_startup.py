"""How long ``segment-agent --help`` takes, against a bare ``python -c pass`` measured in the same run.

Start-up speed is a product target (0.5 s for --help) but not a test: on a shared 2-core machine wall-clock
assertions fail for reasons that have nothing to do with the code. The test suite checks the cause instead
(tests/test_cli_basics.py: --help imports no heavy library); this script prints the seconds.

    python bench/cli_startup.py [--runs 7]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

SCRIPT = Path(sys.executable).parent / "segment-agent"


def _measure(command: list[str], runs: int) -> tuple[float, float]:
    """Median wall seconds and median CPU seconds (children) over ``runs`` runs."""
    walls, cpus = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        subprocess.run(command, capture_output=True, check=True)
        walls.append(time.perf_counter() - started)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    return statistics.median(walls), statistics.median(cpus)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    baseline = _measure([sys.executable, "-c", "pass"], args.runs)
    help_run = _measure([str(SCRIPT), "--help"], args.runs)
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"{'command':<28}{'wall s':>9}{'CPU s':>9}{'× python':>10}")
    for name, (wall, cpu) in (("python -c pass", baseline), ("segment-agent --help", help_run)):
        print(f"{name:<28}{wall:>9.3f}{cpu:>9.3f}{wall / baseline[0]:>10.1f}")


if __name__ == "__main__":
    main()
