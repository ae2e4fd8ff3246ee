"""K-means with automatic K: the product's FAISS path vs scikit-learn KMeans doing exactly the same work.

Synthetic clustered data: ``--n`` unit vectors (default 200,000 × 384) around ``--true-k`` directions.
Both sides run the product's procedure with their own K-means plugged in: fit K = 3..12 on the same
20,000-point sample with the same restarts and iterations, score each K (silhouette and Davies–Bouldin on
the same 3,000 points — identical code on both sides), pick K by the same rule, then fit the chosen K on
every point. Prints wall and CPU seconds per phase (CPU counts every thread of the process), the speed
ratios (sklearn, the baseline, over FAISS), the K each chose, the ARI between the two final labelings (and
against the planted truth), the product's ``cluster()`` end to end, and the load average.

    .venv/bin/python bench/kmeans_faiss_vs_sklearn.py [--n 200000] [--dim 384] [--restarts 5]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tools.segments.clustering import (  # noqa: E402
    DEFAULT_ITERATIONS,
    DEFAULT_K_RANGE,
    K_SAMPLE_SIZE,
    SCORE_SAMPLE_SIZE,
    KScore,
    cluster,
    fit_kmeans,
    pick_k,
    unit_rows,
)


def synthetic(count: int, dim: int, groups: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Unit vectors around ``groups`` random directions with uneven sizes and overlap, like real segments."""
    rng = np.random.default_rng(seed)
    centres = unit_rows(rng.standard_normal((groups, dim)))
    weights = rng.dirichlet(np.full(groups, 4.0))
    truth = rng.choice(groups, size=count, p=weights)
    noise = rng.standard_normal((count, dim)).astype(np.float32) * (1.6 / np.sqrt(dim))
    return unit_rows(centres[truth] + noise), truth


Fit = Callable[[np.ndarray, int], np.ndarray]


def faiss_fit(seed: int, restarts: int) -> Fit:
    """The product's K-means (tools.segments.clustering.fit_kmeans): spherical, every point, FAISS."""
    return lambda points, k: fit_kmeans(points, k, seed, restarts, DEFAULT_ITERATIONS)[1]


def sklearn_fit(seed: int, restarts: int) -> Fit:
    """scikit-learn's KMeans (Lloyd) with the same restarts and iterations."""
    from sklearn.cluster import KMeans

    return lambda points, k: KMeans(k, n_init=restarts, max_iter=DEFAULT_ITERATIONS,
                                    random_state=seed).fit_predict(points)


Times = dict[str, tuple[float, float]]
PHASES = ("K-search fits", "K scoring", "final fit")


def _clock() -> tuple[float, float]:
    return time.perf_counter(), time.process_time()


def _add(times: Times, phase: str, start: tuple[float, float], end: tuple[float, float]) -> None:
    wall, cpu = times.get(phase, (0.0, 0.0))
    times[phase] = (wall + end[0] - start[0], cpu + end[1] - start[1])


def auto_k(points: np.ndarray, fit: Fit, seed: int) -> tuple[Times, int, np.ndarray]:
    """The product's procedure (tools.segments.clustering.score_k_range + pick_k + a final fit) with ``fit`` plugged in,
    timing (wall, CPU) the K-search fits, the scoring and the final fit separately."""
    from sklearn.metrics import davies_bouldin_score, silhouette_score

    rng = np.random.default_rng(seed)
    sample = points[np.sort(rng.choice(len(points), size=min(len(points), K_SAMPLE_SIZE), replace=False))]
    scored = rng.choice(len(sample), size=min(len(sample), SCORE_SAMPLE_SIZE), replace=False)
    times: Times = {phase: (0.0, 0.0) for phase in PHASES}
    scores = []
    for k in range(DEFAULT_K_RANGE[0], DEFAULT_K_RANGE[1] + 1):
        started = _clock()
        labels = fit(sample, k)
        fitted = _clock()
        scores.append(KScore(k, round(float(silhouette_score(sample[scored], labels[scored])), 4),
                             round(float(davies_bouldin_score(sample[scored], labels[scored])), 4),
                             round(float(np.bincount(labels).min() / len(labels)), 4)))
        _add(times, "K-search fits", started, fitted)
        _add(times, "K scoring", fitted, _clock())
    k, _ = pick_k(scores, len(sample))
    started = _clock()
    labels = fit(points, k)
    _add(times, "final fit", started, _clock())
    return times, k, labels


def _row(name: str, faiss: tuple[float, float], sklearn: tuple[float, float]) -> str:
    return (f"{name:<14} {faiss[0]:>9.2f} {sklearn[0]:>10.2f} {sklearn[0] / faiss[0]:>8.1f}× "
            f"{faiss[1]:>9.2f} {sklearn[1]:>11.2f} {sklearn[1] / faiss[1]:>8.1f}×")


def _sum(times: Times, phases: tuple[str, ...]) -> tuple[float, float]:
    return sum(times[p][0] for p in phases), sum(times[p][1] for p in phases)


def main() -> None:
    from sklearn.metrics import adjusted_rand_score

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200_000, help="points (default %(default)s)")
    parser.add_argument("--dim", type=int, default=384, help="dimensions (default %(default)s)")
    parser.add_argument("--true-k", type=int, default=8, help="planted clusters (default %(default)s)")
    parser.add_argument("--restarts", type=int, default=5, help="restarts per fit (default %(default)s)")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    points, truth = synthetic(args.n, args.dim, args.true_k, args.seed)
    print(f"{args.n:,} × {args.dim} vectors, {args.true_k} planted clusters, K range {DEFAULT_K_RANGE}, "
          f"{args.restarts} restarts, {DEFAULT_ITERATIONS} iterations")
    f_times, f_k, f_labels = auto_k(points, faiss_fit(args.seed, args.restarts), args.seed)
    s_times, s_k, s_labels = auto_k(points, sklearn_fit(args.seed, args.restarts), args.seed)
    started = _clock()
    product = cluster(points, None, DEFAULT_K_RANGE, args.seed, args.restarts, DEFAULT_ITERATIONS)
    product_wall, product_cpu = (end - start for end, start in zip(_clock(), started, strict=True))
    print(f"\n{'phase':<14} {'FAISS s':>9} {'sklearn s':>10} {'speed-up':>9} {'FAISS CPU':>9} {'sklearn CPU':>11} "
          f"{'CPU ratio':>9}")
    for phase in PHASES:
        print(_row(phase, f_times[phase], s_times[phase]))
    print(_row("total", _sum(f_times, PHASES), _sum(s_times, PHASES)))
    fits = ("K-search fits", "final fit")
    print(_row("all fits", _sum(f_times, fits), _sum(s_times, fits)))
    print(f"\nproduct tools.segments.clustering.cluster() end to end: {product_wall:.2f}s wall, "
          f"{product_cpu:.2f}s CPU, K={product.k}, same labels as the FAISS column: "
          f"{bool((product.labels == f_labels).all())}")
    print(f"\nchosen K: FAISS {f_k}, sklearn {s_k} (planted {args.true_k})")
    print(f"ARI FAISS vs sklearn: {adjusted_rand_score(f_labels, s_labels):.4f}")
    print(f"ARI vs planted truth: FAISS {adjusted_rand_score(truth, f_labels):.4f}, "
          f"sklearn {adjusted_rand_score(truth, s_labels):.4f}")
    print(f"load average (1, 5, 15 min): {', '.join(f'{x:.2f}' for x in os.getloadavg())}; CPUs: {os.cpu_count()}")

if __name__ == "__main__":
    main()
