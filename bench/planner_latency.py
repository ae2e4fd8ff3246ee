"""Embedded planner latency on a warm workspace: planning alone and full answers (plan + tools).

Builds the sample shop workspace (features + segments) once, then answers each question REPEAT times in
one process and prints p50/p95 wall and p50 CPU per question, against a baseline measured in the same run:
the same tool calls made directly, without planning (run_tool on the same shop). Ends with the
answer/direct ratios in wall and CPU and the load average.

    python bench/planner_latency.py [--workspace DIR] [--repeat 10]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from agent.answering import Session, answer_embedded  # noqa: E402
from agent.planner import plan  # noqa: E402
from agent.toolbox import run_tool  # noqa: E402
from tools.runtime.shop import Shop  # noqa: E402

QUESTIONS = [
    "who are my lapsing high-value customers?",
    "who r my lapsng VIPs in germany",
    "customers who haven't ordered in 6 months and bought more than 3 times",
    "what segments do we have?",
    "tell me about segment 2",
    "compare segment 1 and 3",
    "why is customer C00042 lapsed?",
    "how are we doing this month?",
    "what should we recommend to segment 2?",
    "what changed since last week?",
]


def build(shop: Shop) -> None:
    """The sample shop: ingesting orders and customers computes the features; then one segmentation."""
    from tools.ingest.load import ingest_file
    from tools.ingest.sample_shop import sample_files
    from tools.segments.segmentation import run_segmentation

    for table, path in sample_files().items():
        ingest_file(shop, table, path)
    run_segmentation(shop)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


class Clock:
    """Wall and CPU seconds since construction (CPU counts every thread of this process)."""

    def __init__(self) -> None:
        self.wall, self.cpu = time.perf_counter(), time.process_time()

    def lap(self) -> tuple[float, float]:
        return time.perf_counter() - self.wall, time.process_time() - self.cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workspace", type=Path)
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()
    folder = tempfile.TemporaryDirectory()
    root = args.workspace or Path(folder.name) / "ws"
    with Shop(root, create=True) as shop:
        if not shop.exists():
            print("building the sample shop workspace (features + segments)…", flush=True)
            build(shop)
        session = Session(shop)
        answer_embedded(session, QUESTIONS[0])  # warm: vocabulary, imports, DuckDB caches
        measure(shop, session, args.repeat)
    print(f"load average (1, 5, 15 min): {', '.join(f'{x:.2f}' for x in os.getloadavg())}; CPUs: {os.cpu_count()}")


def measure(shop: Shop, session: Session, repeat: int) -> None:
    """Per question: planning alone, the full answer and the planned tool calls made directly."""
    plan_wall, answer_wall, answer_cpu, direct_wall, direct_cpu = [], [], [], [], []
    print(f"{'question':<72} {'p50 ms':>7} {'p95 ms':>7} {'CPU ms':>7} {'direct ms':>9} {'direct CPU':>10}")
    for question in QUESTIONS:
        wall, cpu, d_wall, d_cpu = [], [], [], []
        planned = plan(question, session.shop_vocabulary())
        for _ in range(repeat):
            clock = Clock()
            plan(question, session.shop_vocabulary())
            plan_wall.append(clock.lap()[0])
            clock = Clock()
            answer_embedded(Session(shop, vocabulary=session.shop_vocabulary()), question)
            elapsed, used = clock.lap()
            wall.append(elapsed)
            cpu.append(used)
            clock = Clock()
            for call in planned.calls:
                run_tool(shop, call.tool, call.args)
            elapsed, used = clock.lap()
            d_wall.append(elapsed)
            d_cpu.append(used)
        answer_wall += wall
        answer_cpu += cpu
        direct_wall += d_wall
        direct_cpu += d_cpu
        print(f"{question[:72]:<72} {statistics.median(wall) * 1000:>7.0f} {percentile(wall, 0.95) * 1000:>7.0f} "
              f"{statistics.median(cpu) * 1000:>7.0f} {statistics.median(d_wall) * 1000:>9.0f} "
              f"{statistics.median(d_cpu) * 1000:>10.0f}")
    p95, direct95 = percentile(answer_wall, 0.95), percentile(direct_wall, 0.95)
    cpu50, direct_cpu50 = statistics.median(answer_cpu), statistics.median(direct_cpu)
    print(f"\nplanning only:      p50 {statistics.median(plan_wall) * 1000:.2f} ms, "
          f"p95 {percentile(plan_wall, 0.95) * 1000:.2f} ms")
    print(f"full answer:        p50 {statistics.median(answer_wall) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, "
          f"CPU p50 {cpu50 * 1000:.0f} ms")
    print(f"direct tool calls:  p95 {direct95 * 1000:.0f} ms, CPU p50 {direct_cpu50 * 1000:.0f} ms  "
          f"(answer/direct ratio: wall p95 {p95 / direct95:.2f}, CPU p50 {cpu50 / max(direct_cpu50, 1e-9):.2f})")


if __name__ == "__main__":
    main()
