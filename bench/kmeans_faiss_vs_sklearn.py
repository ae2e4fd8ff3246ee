"""K-means with automatic K: the product's ``cluster()`` vs scikit-learn as a data scientist would write it.

Synthetic clustered data: ``--n`` unit vectors (default 200,000 × 384) around ``--true-k`` directions with
uneven sizes. The baseline is plain scikit-learn: for every K in 3..12, ``KMeans(K, random_state=seed)`` with
its defaults on all points, ``silhouette_score(X, labels, sample_size=10_000, random_state=seed)`` (its own
sampling, the budget the product may use too) and ``davies_bouldin_score(X, labels)``, then the product's
rule picks K (``pick_k``). The product is ``tools.segments.clustering.cluster`` end to end (search on a fixed
sample, the chosen K finished on every point). Then the same with K fixed: ``KMeans(true_k)`` defaults vs
``fit_kmeans``. Every variant runs ``--repeat`` times alternating; prints min/median wall and CPU seconds
(CPU counts every thread), the ratios, the K each chose, ARI against the planted truth and between the two,
and the load average.

    .venv/bin/python bench/kmeans_faiss_vs_sklearn.py [--n 200000] [--dim 384] [--repeat 3]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from timing import alternate, load_line, table  # noqa: E402

from tools.segments.clustering import DEFAULT_K_RANGE, KScore, cluster, fit_kmeans, pick_k, unit_rows  # noqa: E402

SILHOUETTE_SAMPLE = 10_000


def synthetic(count: int, dim: int, groups: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Unit vectors around ``groups`` random directions with uneven sizes and overlap, like real segments."""
    rng = np.random.default_rng(seed)
    centres = unit_rows(rng.standard_normal((groups, dim)))
    weights = rng.dirichlet(np.full(groups, 4.0))
    truth = rng.choice(groups, size=count, p=weights)
    noise = rng.standard_normal((count, dim)).astype(np.float32) * (1.6 / np.sqrt(dim))
    return unit_rows(centres[truth] + noise), truth


def sklearn_auto_k(points: np.ndarray, seed: int) -> tuple[int, np.ndarray]:
    """scikit-learn KMeans per K with silhouette (sampled) and Davies–Bouldin; K picked by the product's rule."""
    from sklearn.cluster import KMeans
    from sklearn.metrics import davies_bouldin_score, silhouette_score

    scores, labelings = [], {}
    for k in range(DEFAULT_K_RANGE[0], DEFAULT_K_RANGE[1] + 1):
        labels = KMeans(k, random_state=seed).fit_predict(points)
        labelings[k] = labels
        scores.append(KScore(k, round(float(silhouette_score(points, labels, sample_size=SILHOUETTE_SAMPLE,
                                                             random_state=seed)), 4),
                             round(float(davies_bouldin_score(points, labels)), 4),
                             round(float(np.bincount(labels).min() / len(labels)), 4)))
    k, _ = pick_k(scores, len(points))
    return k, labelings[k]


def main() -> None:
    from sklearn.cluster import KMeans
    from sklearn.metrics import adjusted_rand_score

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200_000, help="points (default %(default)s)")
    parser.add_argument("--dim", type=int, default=384, help="dimensions (default %(default)s)")
    parser.add_argument("--true-k", type=int, default=8, help="planted clusters (default %(default)s)")
    parser.add_argument("--repeat", type=int, default=3, help="alternating repetitions (default %(default)s)")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    points, truth = synthetic(args.n, args.dim, args.true_k, args.seed)
    print(f"{args.n:,} × {args.dim} vectors, {args.true_k} planted clusters, K range {DEFAULT_K_RANGE}, "
          f"{args.repeat} alternating repetitions\n{load_line()}\n")
    auto = alternate({
        "sklearn KMeans + silhouette/DB (baseline)": lambda: sklearn_auto_k(points, args.seed),
        "product cluster(), automatic K": lambda: (lambda c: (c.k, c.labels))(cluster(points, None, seed=args.seed)),
    }, args.repeat)
    print("automatic K\n" + table(auto, "sklearn KMeans + silhouette/DB (baseline)"))
    (s_k, s_labels), (p_k, p_labels) = (t.result for t in auto.values())
    print(f"chosen K: sklearn {s_k}, product {p_k} (planted {args.true_k}); ARI vs truth: sklearn "
          f"{adjusted_rand_score(truth, s_labels):.4f}, product {adjusted_rand_score(truth, p_labels):.4f}; "
          f"ARI between them {adjusted_rand_score(s_labels, p_labels):.4f}\n")
    fixed = alternate({
        "sklearn KMeans(K) defaults (baseline)":
            lambda: KMeans(args.true_k, random_state=args.seed).fit_predict(points),
        "product fit_kmeans(K)": lambda: fit_kmeans(points, args.true_k, args.seed)[1],
    }, args.repeat)
    print(f"K fixed at {args.true_k}\n" + table(fixed, "sklearn KMeans(K) defaults (baseline)"))
    s_fixed, p_fixed = (t.result for t in fixed.values())
    print(f"ARI vs truth: sklearn {adjusted_rand_score(truth, s_fixed):.4f}, product "
          f"{adjusted_rand_score(truth, p_fixed):.4f}\n{load_line()}")


if __name__ == "__main__":
    main()
