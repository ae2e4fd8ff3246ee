"""End to end on UCI Online Retail: ingest, then a cold and a warm ``segment`` run, with time per stage.

The shop has no customer texts, so each customer's product descriptions are their document (DESIGN.md §3).
The cold run starts from an empty embedding cache; the warm run repeats it unchanged (nothing is embedded,
the ids must all continue). Uses the real bundled model; a temp workspace is created and removed.

    .venv/bin/python bench/segment_online_retail.py [--data PATH] [--k K]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from tools.ingest.load import ingest_file  # noqa: E402
from tools.segments.reading import SegmentationRun, run_segmentation  # noqa: E402

DATA = Path("/work/shared/datasets/online_retail/online_retail.csv.gz")
STAGES = ("features", "documents", "embedding", "clustering", "profiles", "saving")


def timed_run(workspace: Path, k: int | None) -> tuple[SegmentationRun, float]:
    started = time.perf_counter()
    run = run_segmentation(workspace, k=k)
    return run, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA, help="online_retail.csv(.gz)")
    parser.add_argument("--k", type=int, default=None, help="fixed K (default: automatic)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        workspace = Path(tmp) / "ws"
        started = time.perf_counter()
        report = ingest_file(workspace, "orders", args.data, preset="online-retail")
        ingest_seconds = time.perf_counter() - started
        print(f"ingest: {report.rows_kept:,} order lines, {report.customers:,} customers in {ingest_seconds:.1f}s")
        cold, cold_total = timed_run(workspace, args.k)
        warm, warm_total = timed_run(workspace, args.k)
    print(f"\n{'stage':<12} {'cold s':>8} {'warm s':>8}")
    for stage in STAGES:
        print(f"{stage:<12} {cold.stage_seconds.get(stage, 0):>8.2f} {warm.stage_seconds.get(stage, 0):>8.2f}")
    print(f"{'total':<12} {cold_total:>8.2f} {warm_total:>8.2f}   (warm/cold = {warm_total / cold_total:.2f})")
    stats = cold.embedding
    print(f"\ncold: {cold.customers:,} customers, {stats.texts:,} pieces, {stats.distinct:,} distinct texts embedded "
          f"at {stats.texts_per_second:,.0f} texts/s; warm: {warm.embedding.embedded} embedded, "
          f"{warm.embedding.cached:,} from cache")
    print(f"K={cold.k} ({cold.reason})")
    kept = sum(s.status == "continued" for s in warm.segments)
    print(f"warm run kept {kept} of {len(warm.segments)} segment ids")
    for segment in cold.segments:
        print(f"  {segment.id:>2} {segment.name:<48} {segment.size:>6,} customers  {segment.share:6.1%}  "
              f"terms: {', '.join(segment.terms[:5])}")


if __name__ == "__main__":
    main()
