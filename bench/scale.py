"""Scale bench (issue 17, DESIGN.md §12): ingest → features → clustering at 10k / 100k / 1M customers.

    python bench/scale.py [--sizes 10000 100000 1000000] [--dir /tmp/scale] [--dim 384]

For each size the synthetic shop is generated once (``python -m data.generate --customers N``, cached in
``--dir``; its time is reported but is not a product step), then every step runs in its own child process so
its peak RSS is its own (``os.wait4``): ingest of customers, ingest of orders (which recomputes features in
the same transaction, as the product does), a separate ``features`` refresh, and clustering of injected
vectors (``--dim``-wide unit vectors around the planted personas, as the pooled text vectors would be: the
bench measures K-means, not the embedding model). Prints wall seconds, CPU seconds, peak RSS per step and the
growth exponent between sizes (log(time ratio) / log(size ratio); 1.0 = linear), with the load average, since
the project's machine is 2 shared cores.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STEPS = ("ingest customers", "ingest orders+features", "features", "clustering (given vectors)")


def child(step: str, customers: int, directory: Path, dim: int) -> None:
    """Run one step in this (child) process."""
    sys.path.insert(0, str(ROOT))
    from tools.runtime.shop import Shop

    files, workspace = directory / f"shop-{customers}", directory / f"ws-{customers}"
    if step == "ingest customers":
        import shutil

        shutil.rmtree(workspace, ignore_errors=True)
        from tools.ingest.load import ingest_file

        with Shop(workspace, create=True) as shop:
            ingest_file(shop, "customers", files / "customers.csv")
    elif step == "ingest orders+features":
        from tools.ingest.load import ingest_file

        with Shop(workspace) as shop:
            ingest_file(shop, "orders", files / "orders.csv")
    elif step == "features":
        from tools.behaviour.feature_store import refresh_features

        with Shop(workspace) as shop:
            refresh_features(shop)
    else:
        import numpy as np
        import pandas as pd

        from tools.segments.clustering import cluster, unit_rows

        personas = pd.read_csv(files / "ground_truth.csv", usecols=["persona"])["persona"].astype("category")
        rng = np.random.default_rng(7)
        centres = unit_rows(rng.standard_normal((len(personas.cat.categories), dim)))
        points = unit_rows(centres[personas.cat.codes.to_numpy()] + 0.06 * rng.standard_normal((len(personas), dim))
                           .astype(np.float32))
        result = cluster(points, None, seed=7)
        print(json.dumps({"k": result.k}), file=sys.stderr)


def generate(customers: int, directory: Path) -> float:
    """The synthetic shop's files (generated once per size and kept); returns generation seconds (0 if cached)."""
    out = directory / f"shop-{customers}"
    if (out / "ground_truth.csv").is_file():
        return 0.0
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "data.generate", "--customers", str(customers), "--out", str(out)],
                   cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def measure(step: str, customers: int, directory: Path, dim: int) -> dict[str, float]:
    """Wall seconds, CPU seconds (user + system) and peak RSS of one step, in a fresh child process."""
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, __file__, "--child", step, "--sizes", str(customers),
                                "--dir", str(directory), "--dim", str(dim)], cwd=ROOT)
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise SystemExit(f"step {step!r} at {customers:,} customers failed (exit {process.returncode})")
    return {"wall": time.perf_counter() - started, "cpu": usage.ru_utime + usage.ru_stime,
            "rss_mib": usage.ru_maxrss / 1024}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--dir", type=Path, default=Path("/tmp/segment-agent-scale"))
    parser.add_argument("--dim", type=int, default=384)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.sizes[0], args.dir, args.dim)
        return
    args.dir.mkdir(parents=True, exist_ok=True)
    results: dict[int, dict[str, dict[str, float]]] = {}
    for size in args.sizes:
        generated = generate(size, args.dir)
        load = os.getloadavg()
        print(f"\n{size:,} customers (generated in {generated:.0f} s{' , cached' if not generated else ''}; "
              f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f})", flush=True)
        print(f"{'step':<28}{'wall s':>9}{'CPU s':>9}{'peak RSS MiB':>14}", flush=True)
        results[size] = {}
        for step in STEPS:
            row = results[size][step] = measure(step, size, args.dir, args.dim)
            print(f"{step:<28}{row['wall']:>9.1f}{row['cpu']:>9.1f}{row['rss_mib']:>14.0f}", flush=True)
    sizes = sorted(results)
    for small, large in zip(sizes, sizes[1:], strict=False):
        print(f"\ngrowth exponent {small:,} → {large:,} (CPU s; 1.0 = linear):")
        for step in STEPS:
            a, b = results[small][step]["cpu"], results[large][step]["cpu"]
            print(f"  {step:<28}{math.log(max(b, 1e-3) / max(a, 1e-3)) / math.log(large / small):>6.2f}")
    print(f"\nload average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
