"""Segments per embedding backend on the bundled sample shop: does a faster backend change the segments?

Each backend in ``--backends`` segments the sample shop cold, in its own fresh workspace (``[segments] backend``
in that workspace's segment-agent.toml), with the same seed and settings. The first backend (default 'torch',
plain sentence-transformers in fp32) is the baseline. Prints wall and CPU seconds of the whole run and of its
embedding stage, the ratio to the baseline, the chosen K, the ARI of each backend's segments to the baseline's
(issue 14 asks ≥0.98) and to the planted personas in ground_truth.csv (≥0.90), with the load average. The
ground truth is read by this bench only, never by the product.

    .venv/bin/python bench/segment_backends.py [--backends torch,onnx,onnx-int8]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from sklearn.metrics import adjusted_rand_score  # noqa: E402
from timing import load_line, timed  # noqa: E402

from tools.ingest.load import ingest_file  # noqa: E402
from tools.ingest.sample_shop import sample_files  # noqa: E402
from tools.runtime.shop import Shop  # noqa: E402
from tools.segments.embeddings import make_encoder  # noqa: E402
from tools.segments.segmentation import run_segmentation  # noqa: E402

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"


def segment_with(backend: str, directory: Path) -> tuple[dict[str, int], int, float, float, dict[str, float]]:
    """Assignments, K, wall and CPU seconds of one cold run, and the per-stage wall seconds it reported."""
    workspace = directory / backend
    workspace.mkdir()
    (workspace / "segment-agent.toml").write_text(f'[segments]\nbackend = "{backend}"\n')
    make_encoder(backend=backend).encode(["warm-up: load (and export once) outside the timing"])
    with Shop(workspace, create=True) as shop:
        for table, path in sample_files().items():
            ingest_file(shop, table, path)
        run, wall, cpu = timed(lambda: run_segmentation(shop))
        with shop.reading() as con:
            assigned = dict(con.execute("SELECT customer_id, segment_id FROM current_segments").fetchall())
    return assigned, run.k, wall, cpu, dict(run.stage_seconds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backends", default="torch,onnx,onnx-int8", help="comma-separated; the first is the baseline")
    args = parser.parse_args()
    truth = pd.read_csv(SAMPLE / "ground_truth.csv", dtype=str).set_index("customer_id")["persona"]
    print(f"sample shop: {len(truth):,} customers, {truth.nunique()} planted personas\n{load_line()}\n")
    backends = args.backends.split(",")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        results = {backend: segment_with(backend, Path(tmp)) for backend in backends}
    base_assigned, _, base_wall, base_cpu, _ = results[backends[0]]
    ids = sorted(base_assigned)
    print(f"{'backend':<10} {'K':>3} {'wall s':>7} {'CPU s':>7} {'embed s':>8} {'×CPU':>6} "
          f"{'ARI vs ' + backends[0]:>14} {'ARI personas':>13}")
    for backend, (assigned, k, wall, cpu, timings) in results.items():
        labels = [assigned[c] for c in ids]
        to_base = adjusted_rand_score([base_assigned[c] for c in ids], labels)
        to_truth = adjusted_rand_score(truth.loc[ids], labels)
        rows.append(backend)
        print(f"{backend:<10} {k:>3} {wall:>7.1f} {cpu:>7.1f} {timings.get('embedding', float('nan')):>8.1f} "
              f"{base_cpu / cpu:>5.2f}× {to_base:>14.4f} {to_truth:>13.4f}")
    print(f"\n(baseline {backends[0]}: {base_wall:.1f} s wall, {base_cpu:.1f} CPU-s)\n{load_line()}")


if __name__ == "__main__":
    main()
