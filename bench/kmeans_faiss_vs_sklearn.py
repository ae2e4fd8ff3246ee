"""K-means with automatic K: the product's FAISS path vs scikit-learn KMeans doing exactly the same work.

Synthetic clustered data: ``--n`` unit vectors (default 200,000 × 384) around ``--true-k`` directions.
Both sides run the product's procedure with their own K-means plugged in: fit K = 3..12 on the same
20,000-point sample with the same restarts and iterations, score each K (silhouette and Davies–Bouldin on
the same 3,000 points — identical code on both sides), pick K by the same rule, then fit the chosen K on
every point. Prints seconds per phase, the speed ratio, the K each chose, and the ARI between the two final
labelings (and against the planted truth); finally the product's ``cluster()`` end to end.

    .venv/bin/python bench/kmeans_faiss_vs_sklearn.py [--n 200000] [--dim 384] [--restarts 5]
"""

from __future__ import annotations

import argparse
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


def auto_k(points: np.ndarray, fit: Fit, seed: int) -> tuple[dict[str, float], int, np.ndarray]:
    """The product's procedure (tools.segments.clustering.score_k_range + pick_k + a final fit) with ``fit`` plugged in,
    timing the K-search fits, the scoring and the final fit separately."""
    from sklearn.metrics import davies_bouldin_score, silhouette_score

    rng = np.random.default_rng(seed)
    sample = points[np.sort(rng.choice(len(points), size=min(len(points), K_SAMPLE_SIZE), replace=False))]
    scored = rng.choice(len(sample), size=min(len(sample), SCORE_SAMPLE_SIZE), replace=False)
    times = {"K-search fits": 0.0, "K scoring": 0.0}
    scores = []
    for k in range(DEFAULT_K_RANGE[0], DEFAULT_K_RANGE[1] + 1):
        started = time.perf_counter()
        labels = fit(sample, k)
        fitted = time.perf_counter()
        scores.append(KScore(k, round(float(silhouette_score(sample[scored], labels[scored])), 4),
                             round(float(davies_bouldin_score(sample[scored], labels[scored])), 4),
                             round(float(np.bincount(labels).min() / len(labels)), 4)))
        times["K-search fits"] += fitted - started
        times["K scoring"] += time.perf_counter() - fitted
    k, _ = pick_k(scores, len(sample))
    started = time.perf_counter()
    labels = fit(points, k)
    times["final fit"] = time.perf_counter() - started
    return times, k, labels


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
    started = time.perf_counter()
    product = cluster(points, None, DEFAULT_K_RANGE, args.seed, args.restarts, DEFAULT_ITERATIONS)
    product_seconds = time.perf_counter() - started
    print(f"\n{'phase':<14} {'FAISS s':>9} {'sklearn s':>10} {'speed-up':>9}")
    for phase in ("K-search fits", "K scoring", "final fit"):
        print(f"{phase:<14} {f_times[phase]:>9.2f} {s_times[phase]:>10.2f} {s_times[phase] / f_times[phase]:>8.1f}×")
    f_total, s_total = sum(f_times.values()), sum(s_times.values())
    print(f"{'total':<14} {f_total:>9.2f} {s_total:>10.2f} {s_total / f_total:>8.1f}×")
    fits = f_times["K-search fits"] + f_times["final fit"], s_times["K-search fits"] + s_times["final fit"]
    print(f"{'all fits':<14} {fits[0]:>9.2f} {fits[1]:>10.2f} {fits[1] / fits[0]:>8.1f}×")
    print(f"\nproduct tools.segments.clustering.cluster() end to end: {product_seconds:.2f}s, K={product.k}, "
          f"same labels as the FAISS column: {bool((product.labels == f_labels).all())}")
    print(f"\nchosen K: FAISS {f_k}, sklearn {s_k} (planted {args.true_k})")
    print(f"ARI FAISS vs sklearn: {adjusted_rand_score(f_labels, s_labels):.4f}")
    print(f"ARI vs planted truth: FAISS {adjusted_rand_score(truth, f_labels):.4f}, "
          f"sklearn {adjusted_rand_score(truth, s_labels):.4f}")


if __name__ == "__main__":
    main()
