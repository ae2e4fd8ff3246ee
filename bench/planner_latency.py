"""Embedded planner latency on a warm workspace: planning alone and full answers (plan + tools).

Builds the sample shop workspace (features + segments) once, then answers each question REPEAT times in
one process and prints p50/p95 per question, against a baseline measured in the same run: the same tool
call made directly, without planning.

    python bench/planner_latency.py [--workspace DIR] [--repeat 10]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from agent.answering import Session, answer_embedded  # noqa: E402
from agent.planner import plan  # noqa: E402
from agent.toolbox import run_tool  # noqa: E402

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


def build(root: Path) -> None:
    from tools.behaviour.feature_store import refresh_features
    from tools.ingest.load import ingest_file
    from tools.ingest.sample_shop import sample_files
    from tools.segments.reading import run_segmentation

    for table, path in sample_files().items():
        ingest_file(root, table, path)
    refresh_features(root)
    run_segmentation(root)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workspace", type=Path)
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()
    folder = tempfile.TemporaryDirectory()
    root = args.workspace or Path(folder.name) / "ws"
    if not (root / "shop.duckdb").exists():
        print("building the sample shop workspace (features + segments)…", flush=True)
        build(root)
    session = Session(root)
    answer_embedded(session, QUESTIONS[0])  # warm: vocabulary, imports, DuckDB caches
    plan_times, answer_times, direct_times = [], [], []
    print(f"{'question':<72} {'p50 ms':>7} {'p95 ms':>7} {'direct ms':>9}")
    for question in QUESTIONS:
        times, direct = [], []
        planned = plan(question, session.shop_vocabulary())
        for _ in range(args.repeat):
            started = time.perf_counter()
            plan(question, session.shop_vocabulary())
            plan_times.append(time.perf_counter() - started)
            started = time.perf_counter()
            answer_embedded(Session(root, vocabulary=session.shop_vocabulary()), question)
            times.append(time.perf_counter() - started)
            started = time.perf_counter()
            for call in planned.calls:
                run_tool(root, call.tool, call.args)
            direct.append(time.perf_counter() - started)
        answer_times += times
        direct_times += direct
        print(f"{question[:72]:<72} {statistics.median(times) * 1000:>7.0f} {percentile(times, 0.95) * 1000:>7.0f} "
              f"{statistics.median(direct) * 1000:>9.0f}")
    p95, direct95 = percentile(answer_times, 0.95), percentile(direct_times, 0.95)
    print(f"\nplanning only:      p50 {statistics.median(plan_times) * 1000:.2f} ms, "
          f"p95 {percentile(plan_times, 0.95) * 1000:.2f} ms")
    print(f"full answer:        p50 {statistics.median(answer_times) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms")
    print(f"direct tool calls:  p95 {direct95 * 1000:.0f} ms  (answer/direct ratio {p95 / direct95:.2f})")


if __name__ == "__main__":
    main()
