"""Timing helpers shared by the segment benches: alternating repetitions, CPU and wall seconds, min/median.

The machine is shared and noisy, so every variant runs ``repeat`` times, interleaved with the others (A B C,
then B C A, ...) so a burst of someone else's load hits every variant alike; CPU seconds count every thread
of this process, so they are the figure to compare when the load average is high. Not a test: benches print.
"""

from __future__ import annotations

import os
import resource
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Timings:
    """Wall and CPU seconds of one variant over its repetitions, plus what its last run returned."""

    name: str
    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    result: Any = None

    def stat(self, which: str, how: str) -> float:
        values = self.wall if which == "wall" else self.cpu
        return min(values) if how == "min" else statistics.median(values)


def timed(fn: Callable[[], Any]) -> tuple[Any, float, float]:
    """(result, wall seconds, CPU seconds) of one call."""
    started, started_cpu = time.perf_counter(), time.process_time()
    result = fn()
    return result, time.perf_counter() - started, time.process_time() - started_cpu


def alternate(variants: dict[str, Callable[[], Any]], repeat: int) -> dict[str, Timings]:
    """Run each variant ``repeat`` times, rotating the order every round; keep each one's last result."""
    names = list(variants)
    timings = {name: Timings(name) for name in names}
    for round_ in range(max(1, repeat)):
        for name in names[round_ % len(names):] + names[:round_ % len(names)]:
            result, wall, cpu = timed(variants[name])
            timings[name].wall.append(wall)
            timings[name].cpu.append(cpu)
            timings[name].result = result
    return timings


def table(timings: dict[str, Timings], baseline: str, items: int | None = None) -> str:
    """Min and median wall/CPU per variant and the baseline/variant ratios of the medians (× > 1 = faster)."""
    base = timings[baseline]
    header = (f"{'variant':<44} {'wall min':>8} {'wall med':>8} {'CPU min':>8} {'CPU med':>8} "
              f"{'×wall':>6} {'×CPU':>6}" + (f" {'items/CPU-s':>11}" if items else ""))
    lines = [header]
    for t in timings.values():
        line = (f"{t.name:<44} {t.stat('wall', 'min'):>8.2f} {t.stat('wall', 'med'):>8.2f} "
                f"{t.stat('cpu', 'min'):>8.2f} {t.stat('cpu', 'med'):>8.2f} "
                f"{base.stat('wall', 'med') / t.stat('wall', 'med'):>5.2f}× "
                f"{base.stat('cpu', 'med') / t.stat('cpu', 'med'):>5.2f}×")
        if items:
            line += f" {items / t.stat('cpu', 'med'):>11,.0f}"
        lines.append(line)
    return "\n".join(lines)


def load_line() -> str:
    """The load average and core count, to print with every figure."""
    return f"load average (1, 5, 15 min): {', '.join(f'{x:.2f}' for x in os.getloadavg())}; CPUs: {os.cpu_count()}"


def peak_rss_mib() -> float:
    """Peak resident memory of this process so far, in MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
