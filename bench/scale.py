"""Scale bench (issue 17, DESIGN.md §12): ingest → features → clustering at 10k / 100k / 1M customers.

    python bench/scale.py [--sizes 10000 100000 1000000] [--dir /tmp/scale] [--dim 384]

For each size the synthetic shop is generated once (``python -m data.generate --customers N``, cached in
``--dir``; its time is reported but is not a product step), then every step runs in its own child process so
its peak RSS is its own (``os.wait4``): ingest of customers, ingest of orders (which recomputes features in
the same transaction, as the product does), a separate ``features`` refresh, and clustering of injected
vectors (``--dim``-wide unit vectors around the planted personas, as the pooled text vectors would be: the
bench measures K-means, not the embedding model), then `ask` latency (p50/p95 in ms, in process and as the
whole command, on questions that need features only). Prints wall seconds, CPU seconds, peak RSS per step and the
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
STEPS = ("ingest customers", "ingest orders+features", "features", "clustering (given vectors)", "ask")
QUESTIONS = [
    "who are my lapsing high-value customers?",
    "how many lapsing customers do I have?",
    "who r my lapsng VIPs in germany",
    "customers who haven't ordered in 6 months and bought more than 3 times",
    "why is customer C00042 lapsed?",
    "how are we doing this month?",
    "which country has the most lapsing customers?",
    "which customers are likely to buy again in the next 90 days?",
]
ASK_REPEAT = 3


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
    elif step == "ask":
        ask_latency(workspace, directory / f"ask-{customers}.json")
    else:
        import numpy as np
        import pandas as pd

        from tools.segments.clustering import cluster, unit_rows

        personas = pd.read_csv(files / "ground_truth.csv", usecols=["persona"])["persona"].astype("category")
        rng = np.random.default_rng(7)
        centres = unit_rows(rng.standard_normal((len(personas.cat.categories), dim)))
        codes = personas.cat.codes.to_numpy()
        points = np.empty((len(codes), dim), dtype=np.float32)  # built in float32 chunks: the bench's own
        for start in range(0, len(codes), 100_000):             # memory must not hide the product's
            part = slice(start, start + 100_000)
            noise = rng.standard_normal((len(codes[part]), dim), dtype=np.float32)
            points[part] = unit_rows(centres[codes[part]].astype(np.float32) + 0.06 * noise)
        result = cluster(points, None, seed=7)
        print(json.dumps({"k": result.k}), file=sys.stderr)


def ask_latency(workspace: Path, out: Path) -> None:
    """Milliseconds per ``ask``, two ways: in this process, everything one ``ask`` does after start-up (open the
    shop, plan, run the tools, log; a fresh session each time, as the command has), and the whole
    ``segment-agent ask`` command as a user runs it (interpreter start-up and imports included)."""
    from agent.answering import Session, answer_question
    from tools.runtime.shop import Shop

    def one(question: str) -> float:
        started = time.perf_counter()
        with Shop(workspace) as shop:
            answer_question(Session(shop), question, "embedded")
        return (time.perf_counter() - started) * 1000

    one(QUESTIONS[0])  # imports and the planner's vocabulary compiled once, as in a warm process
    in_process = [one(question) for _ in range(ASK_REPEAT) for question in QUESTIONS]
    command = [str(Path(sys.executable).with_name("segment-agent")), "ask", "--workspace", str(workspace),
               "--planner", "embedded"]
    whole = []
    for question in QUESTIONS:
        started = time.perf_counter()
        subprocess.run([*command, question], check=True, stdout=subprocess.DEVNULL, cwd=ROOT)
        whole.append((time.perf_counter() - started) * 1000)
    out.write_text(json.dumps({"in_process": in_process, "command": whole}))


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


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
    parser.add_argument("--steps", nargs="+", choices=STEPS, default=list(STEPS), metavar="STEP",
                        help=f"steps to run (default all: {', '.join(STEPS)}); later steps need the earlier ones' "
                             "workspace")
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
        for step in args.steps:
            row = results[size][step] = measure(step, size, args.dir, args.dim)
            print(f"{step:<28}{row['wall']:>9.1f}{row['cpu']:>9.1f}{row['rss_mib']:>14.0f}", flush=True)
        if "ask" not in args.steps:
            continue
        asks = json.loads((args.dir / f"ask-{size}.json").read_text())
        for label, key in (("in process", "in_process"), ("whole command", "command")):
            print(f"  ask {label}: p50 {percentile(asks[key], 0.5):.0f} ms, p95 {percentile(asks[key], 0.95):.0f} ms "
                  f"over {len(asks[key])} questions", flush=True)
    sizes = sorted(results)
    for small, large in zip(sizes, sizes[1:], strict=False):
        print(f"\ngrowth exponent {small:,} → {large:,} (CPU s; 1.0 = linear):")
        for step in [step for step in args.steps if step != "ask"]:
            a, b = results[small][step]["cpu"], results[large][step]["cpu"]
            print(f"  {step:<28}{math.log(max(b, 1e-3) / max(a, 1e-3)) / math.log(large / small):>6.2f}")
    print(f"\nload average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
