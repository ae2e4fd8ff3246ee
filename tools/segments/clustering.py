"""K-means in a FAISS vector space, with K chosen by silhouette and Davies–Bouldin when not given.

Customer vectors are unit length, so squared L2 distance is 2 − 2·cosine and spherical K-means clusters by
cosine similarity. Every point trains the centroids (FAISS otherwise subsamples 256 points per centroid),
several restarts keep the best objective, and clusters come out in a canonical order (largest first), so
the same vectors and seed always give the same labels.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np

DEFAULT_K_RANGE = (3, 12)
DEFAULT_RESTARTS = 5
DEFAULT_ITERATIONS = 30
K_SAMPLE_SIZE = 20_000  # points the K search trains on: enough to find the shape, fast on any shop
SCORE_SAMPLE_SIZE = 3_000  # points silhouette is computed on (it is quadratic in the sample)
# One FAISS thread by default: with more OpenMP threads than free cores, spin-waiting made a 2-thread search
# 7× slower than one thread on this project's busy 2-core box, and a load-adaptive choice measured no better
# (bench/kmeans_faiss_vs_sklearn.py). Results are identical for any thread count.
DEFAULT_THREADS = 1
SEED_SAMPLE_SIZE = 10_000  # points k-means++ seeds are drawn from
STEP = 5  # iterations per FAISS training block between convergence checks
CONVERGED = 1e-6  # an iteration that improves the objective by less than this share has converged
# Silhouettes this close count as a tie, settled by Davies–Bouldin. Kept small: on real embeddings the
# silhouette gap between the right K and its neighbour is often under 0.01 while Davies–Bouldin barely moves.
SILHOUETTE_TOLERANCE = 0.002
# A K whose smallest cluster is under 2% of customers (or 5 people) is not offered: a "segment" of a handful
# of near-identical customers scores well on silhouette but is useless to a marketer.
MIN_SEGMENT_SHARE = 0.02
MIN_SEGMENT_SIZE = 5


@dataclass(frozen=True)
class KScore:
    """Quality of one K on the search sample: silhouette (higher is better), Davies–Bouldin (lower is better),
    and the smallest cluster's share of the sample."""

    k: int
    silhouette: float
    davies_bouldin: float
    smallest_share: float = 1.0


@dataclass
class Clustering:
    """Labels and unit centroids (in canonical order), plus how K was chosen and why."""

    k: int
    labels: np.ndarray
    centroids: np.ndarray
    similarities: np.ndarray
    k_chosen_by: str
    reason: str
    scores: list[KScore] = field(default_factory=list)


def unit_rows(matrix: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length (zero rows stay zero)."""
    matrix = np.asarray(matrix, dtype=np.float32)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return np.where(norms > 0, matrix / np.maximum(norms, 1e-12), 0.0).astype(np.float32)


def combine_features(text_vectors: np.ndarray, behaviour: np.ndarray | None, weight: float) -> np.ndarray:
    """Append standardised behaviour columns carrying ``weight`` of each vector's squared length.

    Text vectors are unit length; the behaviour block is z-scored and scaled to unit length on average,
    then the blocks are mixed as sqrt(1-w)·text ⊕ sqrt(w)·behaviour and re-normalised, so cosine geometry
    holds and ``weight`` reads as "share of the similarity that comes from behaviour".
    """
    if behaviour is None or weight <= 0 or behaviour.shape[1] == 0:
        return unit_rows(text_vectors)
    columns = np.asarray(behaviour, dtype=np.float64)
    spread = columns.std(axis=0)
    z = (columns - columns.mean(axis=0)) / np.where(spread > 0, spread, 1.0)
    z /= np.sqrt(columns.shape[1])
    mixed = np.hstack([np.sqrt(1.0 - weight) * text_vectors, np.sqrt(weight) * z])
    return unit_rows(mixed)


def fit_kmeans(points: np.ndarray, k: int, seed: int, restarts: int = DEFAULT_RESTARTS,
               iterations: int = DEFAULT_ITERATIONS, threads: int = DEFAULT_THREADS
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Spherical K-means on all ``points``; returns (unit centroids, labels, cosine to own centroid).

    Each restart starts from k-means++ seeds and trains in FAISS; the restart with the highest total
    cosine similarity wins. Clusters are then ordered by size (largest first, ties by centroid values) so
    labels never depend on FAISS's internal numbering.
    """
    points = np.ascontiguousarray(points, dtype=np.float32)
    best_objective, centroids = -np.inf, np.zeros((k, points.shape[1]), dtype=np.float32)
    with _faiss_threads(threads):
        for restart in range(max(1, restarts)):
            candidate, objective = _train_from(points, _kmeans_plus_plus(points, k, seed + restart), iterations,
                                               seed + restart)
            if objective > best_objective:
                best_objective, centroids = objective, candidate
    labels, similarities = assign(points, centroids)
    sizes = np.bincount(labels, minlength=k)
    order = sorted(range(k), key=lambda c: (-sizes[c], tuple(np.round(centroids[c], 6))))
    remap = np.empty(k, dtype=np.int64)
    remap[order] = np.arange(k)
    return centroids[order], remap[labels], similarities


def _kmeans_plus_plus(points: np.ndarray, k: int, seed: int) -> np.ndarray:
    """Greedy k-means++ seeds (2 + log k candidates per pick, as scikit-learn does) from a sample.

    FAISS's own random seeding lands in poor optima far more often when segment sizes are uneven
    (bench/kmeans_faiss_vs_sklearn.py); on unit vectors the squared distance is 2 − 2·cosine, one matmul.
    """
    rng = np.random.default_rng(seed)
    sample = points[np.sort(rng.choice(len(points), size=min(len(points), SEED_SAMPLE_SIZE), replace=False))]
    trials = 2 + int(np.log(k))
    chosen = [int(rng.integers(len(sample)))]
    closest = np.maximum(0.0, 2.0 - 2.0 * sample @ sample[chosen[0]]).astype(np.float64)
    for _ in range(1, k):
        total = float(closest.sum())
        if total <= 0:  # fewer distinct points than clusters: any point will do
            chosen.append(int(rng.integers(len(sample))))
            continue
        candidates = rng.choice(len(sample), size=trials, p=closest / total)
        distances = np.minimum(closest[:, None], np.maximum(0.0, 2.0 - 2.0 * sample @ sample[candidates].T))
        best = int(np.argmin(distances.sum(axis=0)))
        chosen.append(int(candidates[best]))
        closest = distances[:, best]
    return unit_rows(sample[chosen])


def _train_from(points: np.ndarray, start: np.ndarray, iterations: int, seed: int) -> tuple[np.ndarray, float]:
    """FAISS spherical K-means from ``start`` on every point, in blocks of STEP iterations, stopping once an
    iteration gains less than CONVERGED of the objective (sum of cosines); returns (unit centroids, objective).

    FAISS itself has no convergence test, so without the blocks every fit would run all ``iterations``."""
    import faiss

    count, dim = points.shape
    centroids, done, objective = start, 0, -np.inf
    while done < iterations:
        step = min(STEP, iterations - done)
        kmeans = faiss.Kmeans(dim, len(start), niter=step, nredo=1, seed=seed, spherical=True, verbose=False,
                              max_points_per_centroid=count + 1, min_points_per_centroid=1)
        kmeans.train(points, init_centroids=centroids)
        history = [objective, *map(float, kmeans.obj)]
        centroids, objective, done = unit_rows(kmeans.centroids), history[-1], done + step
        if history[-1] - history[-2] <= CONVERGED * abs(history[-1]):  # the last iteration changed ~nothing
            break
    return centroids, objective


@contextmanager
def _faiss_threads(threads: int) -> Iterator[None]:
    """Run FAISS with ``threads`` OpenMP threads, restoring the previous setting afterwards."""
    import faiss

    before = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(threads)
    try:
        yield
    finally:
        faiss.omp_set_num_threads(before)


def assign(points: np.ndarray, centroids: np.ndarray, chunk: int = 65_536) -> tuple[np.ndarray, np.ndarray]:
    """Nearest centroid by cosine for each point, in chunks so a million customers fit in memory."""
    labels = np.empty(len(points), dtype=np.int64)
    best = np.empty(len(points), dtype=np.float32)
    for start in range(0, len(points), chunk):
        sims = points[start:start + chunk] @ centroids.T
        labels[start:start + chunk] = sims.argmax(axis=1)
        best[start:start + chunk] = sims.max(axis=1)
    return labels, best


def score_k_range(points: np.ndarray, k_range: tuple[int, int], seed: int, restarts: int = DEFAULT_RESTARTS,
                  iterations: int = DEFAULT_ITERATIONS, sample_size: int = K_SAMPLE_SIZE,
                  score_size: int = SCORE_SAMPLE_SIZE) -> list[KScore]:
    """Silhouette and Davies–Bouldin for each K in ``k_range`` (inclusive), on a seeded sample."""
    from sklearn.metrics import davies_bouldin_score, silhouette_score

    rng = np.random.default_rng(seed)
    sample = points[np.sort(rng.choice(len(points), size=min(len(points), sample_size), replace=False))]
    scored = rng.choice(len(sample), size=min(len(sample), score_size), replace=False)
    low, high = k_range
    scores = []
    for k in range(low, min(high, len(sample) - 1) + 1):
        _, labels, _ = fit_kmeans(sample, k, seed, restarts, iterations)
        if len(np.unique(labels[scored])) < 2:
            continue
        scores.append(KScore(k, round(float(silhouette_score(sample[scored], labels[scored])), 4),
                             round(float(davies_bouldin_score(sample[scored], labels[scored])), 4),
                             round(float(np.bincount(labels).min() / len(labels)), 4)))
    return scores


def pick_k(scores: list[KScore], sample_size: int | None = None) -> tuple[int, str]:
    """The K with the best silhouette among those whose smallest cluster is big enough to market to;
    near-ties (within SILHOUETTE_TOLERANCE) go to the lowest Davies–Bouldin."""
    floor = max(MIN_SEGMENT_SHARE, MIN_SEGMENT_SIZE / sample_size) if sample_size else MIN_SEGMENT_SHARE
    usable = [s for s in scores if s.smallest_share >= floor] or scores
    best = max(s.silhouette for s in usable)
    contenders = [s for s in usable if s.silhouette >= best - SILHOUETTE_TOLERANCE]
    chosen = min(contenders, key=lambda s: (s.davies_bouldin, s.k))
    runner_up = max((s for s in usable if s.k != chosen.k), key=lambda s: s.silhouette, default=None)
    reason = f"K={chosen.k} has silhouette {chosen.silhouette:.3f} and Davies–Bouldin {chosen.davies_bouldin:.2f}"
    if len(contenders) > 1:
        others = ", ".join(f"K={s.k}" for s in contenders if s.k != chosen.k)
        reason += f"; it ties on silhouette with {others} and separates clusters best (lowest Davies–Bouldin)"
    elif runner_up is not None:
        reason += f"; the best silhouette of K={scores[0].k}–{scores[-1].k} (next: K={runner_up.k} at " \
                  f"{runner_up.silhouette:.3f})"
    skipped = [s.k for s in scores if s not in usable]
    if skipped:
        reason += f"; K={', '.join(map(str, skipped))} left out (a segment under {floor:.0%} of customers)"
    return chosen.k, reason


def cluster(points: np.ndarray, k: int | None = None, k_range: tuple[int, int] = DEFAULT_K_RANGE, seed: int = 0,
            restarts: int = DEFAULT_RESTARTS, iterations: int = DEFAULT_ITERATIONS) -> Clustering:
    """Cluster unit ``points``: K as given, else chosen over ``k_range`` by :func:`pick_k`."""
    count = len(points)
    if k is not None:
        k = max(1, min(k, count))
        chosen_by, reason, scores = "given", f"K={k} was given", []
    else:
        high = min(k_range[1], max(2, count - 1))
        low = min(k_range[0], high)
        scores = score_k_range(points, (low, high), seed, restarts, iterations)
        if scores:
            k, reason = pick_k(scores, min(count, K_SAMPLE_SIZE))
        else:
            k, reason = max(1, min(low, count)), f"K={min(low, count)}: too few distinct customers to score K"
        chosen_by = "auto"
    centroids, labels, similarities = fit_kmeans(points, k, seed, restarts, iterations)
    return Clustering(k, labels, centroids, similarities, chosen_by, reason, scores)
