"""End to end on UCI Online Retail: ingest, then a cold and a warm ``segment`` run, with time per stage and peak RSS.

The shop has no customer texts, so each customer's product descriptions are their document (DESIGN.md §3).
The cold run starts from an empty embedding cache and is the baseline; the warm run repeats it unchanged
(nothing is embedded, the ids must all continue). Prints wall and CPU seconds per stage (CPU counts every
thread of this process, measured between the stage notices the segmentation sends), warm/cold ratios and
the load average. Uses the real bundled model; a temp workspace is created and removed. ``--rows N`` keeps
only the first N order lines of the file, for a quick check.

    .venv/bin/python bench/segment_online_retail.py [--data PATH] [--k K] [--rows N]
"""

from __future__ import annotations

import argparse
import gzip
import multiprocessing
import os
import resource
import sys
import tempfile
import time
from itertools import islice
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from tools.ingest.load import ingest_file  # noqa: E402
from tools.runtime.shop import Shop  # noqa: E402
from tools.segments.segmentation import SegmentationRun, run_segmentation  # noqa: E402
from tools.segments.settings import SegmentationArgs  # noqa: E402

DATA = Path("/work/shared/datasets/online_retail/online_retail.csv.gz")
STAGES = ("features", "documents", "embedding", "clustering", "profiles", "saving")


class StageCpu:
    """A segmentation progress callback that notes the CPU clock when each stage starts."""

    def __init__(self) -> None:
        self.starts: list[tuple[str, float]] = []

    def __call__(self, stage: str, done: int | None, _total: int | None) -> None:
        if done is None:
            self.starts.append((stage, time.process_time()))

    def seconds(self, end: float) -> dict[str, float]:
        ends = [cpu for _, cpu in self.starts[1:]] + [end]
        return {stage: stop - start for (stage, start), stop in zip(self.starts, ends, strict=True)}


def timed_run(shop: Shop, k: int | None) -> tuple[SegmentationRun, float, float, dict[str, float]]:
    """One segmentation: the run, its wall and CPU seconds, and CPU seconds per stage."""
    stages = StageCpu()
    started, started_cpu = time.perf_counter(), time.process_time()
    run = run_segmentation(shop, SegmentationArgs(k=k), progress=stages)
    ended_cpu = time.process_time()
    return run, time.perf_counter() - started, ended_cpu - started_cpu, stages.seconds(ended_cpu)


def ingest(workspace: Path, data: Path) -> None:
    """Create the workspace and ingest the orders (in a child process: its memory is not the segment runs')."""
    with Shop(workspace, create=True) as shop:
        started, started_cpu = time.perf_counter(), time.process_time()
        report = ingest_file(shop, "orders", data, preset="online-retail")
        ingest_seconds, ingest_cpu = time.perf_counter() - started, time.process_time() - started_cpu
    print(f"ingest (with features): {report.rows_kept:,} order lines, {report.customers:,} customers in "
          f"{ingest_seconds:.1f}s wall, {ingest_cpu:.1f}s CPU", flush=True)


def peak_rss_mib() -> float:
    """This process's peak resident set so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def head_of(path: Path, rows: int, folder: Path) -> Path:
    """The header and the first ``rows`` lines of a (gzipped) CSV, byte for byte, as a new gzipped file."""
    opener = gzip.open if path.suffix == ".gz" else open
    target = folder / f"head-{rows}-{path.name.removesuffix('.gz')}.gz"
    with opener(path, "rb") as source, gzip.open(target, "wb") as out:
        out.writelines(islice(source, rows + 1))
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA, help="online_retail.csv(.gz)")
    parser.add_argument("--k", type=int, default=None, help="fixed K (default: automatic)")
    parser.add_argument("--rows", type=int, default=None, help="only the first N order lines (default: all)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data = head_of(args.data, args.rows, Path(tmp)) if args.rows else args.data
        # the ingest runs in a child process, so this process's peak RSS is the segment runs' own, as a
        # `segment-agent segment` command would see it
        child = multiprocessing.get_context("fork").Process(target=ingest, args=(Path(tmp) / "ws", data))
        child.start()
        child.join()
        if child.exitcode != 0:
            raise SystemExit(f"the ingest failed (exit {child.exitcode})")
        with Shop(Path(tmp) / "ws") as shop:
            before = peak_rss_mib()
            cold, cold_total, cold_cpu, cold_stages = timed_run(shop, args.k)
            cold_peak = peak_rss_mib()
            warm, warm_total, warm_cpu, warm_stages = timed_run(shop, args.k)
            warm_peak = peak_rss_mib()
    print(f"\n{'stage':<12} {'cold s':>8} {'warm s':>8} {'cold CPU':>9} {'warm CPU':>9} {'warm/cold':>10}")
    for stage in STAGES:
        cold_s, warm_s = cold.stage_seconds.get(stage, 0), warm.stage_seconds.get(stage, 0)
        ratio = f"{warm_s / cold_s:>10.2f}" if cold_s else f"{'-':>10}"
        print(f"{stage:<12} {cold_s:>8.2f} {warm_s:>8.2f} {cold_stages.get(stage, 0):>9.2f} "
              f"{warm_stages.get(stage, 0):>9.2f} {ratio}")
    print(f"{'total':<12} {cold_total:>8.2f} {warm_total:>8.2f} {cold_cpu:>9.2f} {warm_cpu:>9.2f} "
          f"{warm_total / cold_total:>10.2f}   (CPU warm/cold = {warm_cpu / cold_cpu:.2f})")
    stats = cold.embedding
    print(f"\ncold: {cold.customers:,} customers, {stats.texts:,} pieces, {stats.distinct:,} distinct texts embedded "
          f"at {stats.texts_per_second:,.0f} texts/s; warm: {warm.embedding.embedded} embedded, "
          f"{warm.embedding.cached:,} from cache")
    print(f"peak RSS of the segmenting process: {before:,.0f} MiB before (imports), {cold_peak:,.0f} MiB after "
          f"the cold run, {warm_peak:,.0f} MiB after the warm run")
    print(f"K={cold.k} ({cold.reason})")
    kept = sum(s.status == "continued" for s in warm.segments)
    print(f"warm run kept {kept} of {len(warm.segments)} segment ids")
    for segment in cold.segments:
        print(f"  {segment.id:>2} {segment.name:<48} {segment.size:>6,} customers  {segment.share:6.1%}  "
              f"terms: {', '.join(segment.terms[:5])}")
    print(f"load average (1, 5, 15 min): {', '.join(f'{x:.2f}' for x in os.getloadavg())}; CPUs: {os.cpu_count()}")


if __name__ == "__main__":
    main()
