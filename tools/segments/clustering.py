"""K-means in a FAISS vector space, with K chosen by silhouette and Davies–Bouldin when not given.

Customer vectors are unit length, so squared L2 distance is 2 − 2·cosine and spherical K-means clusters by
cosine similarity. Work is sized by the shape of the problem, not by the shop (DESIGN.md §12): each K trains
on a seeded sample of at most MAX_POINTS_PER_CENTROID points per centroid (FAISS's own knob), is judged on a
fixed K_SAMPLE_SIZE sample (silhouette on SCORE_SAMPLE_SIZE of them, from one distance matrix shared by every
K), and only the chosen K touches every point: two chunked passes that move each centroid to the mean of its
members, then the assignment. Several restarts keep the best objective and clusters come out in a canonical
order (largest first), so the same vectors and seed always give the same labels.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np

DEFAULT_K_RANGE = (3, 12)
DEFAULT_RESTARTS = 5
DEFAULT_ITERATIONS = 30
K_SAMPLE_SIZE = 20_000  # points each K is judged on (cluster sizes, Davies–Bouldin): enough to see the shape
SCORE_SAMPLE_SIZE = 3_000  # points silhouette is computed on (quadratic: one 3k × 3k distance matrix)
# FAISS's max_points_per_centroid: a centroid is a mean, and 512 members pin it down; sampling more only costs
# time (bench/kmeans_faiss_vs_sklearn.py: same ARI at 512 as with every point of 200k).
MAX_POINTS_PER_CENTROID = 512
SCOUT_POINTS_PER_CENTROID = 64  # scouting fits: enough to land in the right basin, cheap enough to try many
SCOUTS_PER_RESTART = 4  # scouting fits per configured restart
KEEP_SCOUTS = 2  # best scouts refined on the full training sample
SEED_SAMPLE_SIZE = 10_000  # points k-means++ seeds are drawn from
STEP = 10  # iterations per FAISS training block between convergence checks
CONVERGED = 1e-6  # an iteration that improves the objective by less than this share has converged
POLISH_PASSES = 2  # full passes moving the chosen centroids to their members' mean
ASSIGN_CHUNK = 65_536  # points per assignment block: bounded memory at any shop size
# Each FAISS call runs on one OpenMP thread: with more OpenMP threads than free cores, spin-waiting made a
# 2-thread fit 3× more CPU and 4× more wall time than one thread on this project's busy 2-core box. Both cores
# are used instead by fitting different K in parallel Python threads (FAISS releases the GIL), which cannot
# oversubscribe. Results are identical for any worker count.
DEFAULT_WORKERS = 2
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


@dataclass
class KSearch:
    """Scores per K and the centroids each K was scored with (trained on the search sample)."""

    scores: list[KScore]
    centroids: dict[int, np.ndarray]
    sample_size: int


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
               iterations: int = DEFAULT_ITERATIONS, points_per_centroid: int = MAX_POINTS_PER_CENTROID
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Spherical K-means; returns (unit centroids, labels, cosine to own centroid) in canonical order.

    The centroids train on a seeded sample of at most ``points_per_centroid`` × k points (every point of a
    small shop), then move to the mean of their members over all points; clusters are ordered by size
    (largest first, ties by centroid values) so labels never depend on FAISS's internal numbering.
    """
    points = np.ascontiguousarray(points, dtype=np.float32)
    train = _sample(points, points_per_centroid * k, seed)
    with _one_thread():
        return finish(points, _fit_sample(train, k, seed, restarts, iterations))


def finish(points: np.ndarray, centroids: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Polish ``centroids`` on every point (chunked), assign every point, and put clusters in canonical order."""
    k = len(centroids)
    labels, _ = assign(points, centroids)
    for _ in range(POLISH_PASSES):
        centroids = _member_means(points, labels, centroids)
        moved, labels = labels, assign(points, centroids)[0]
        if np.array_equal(moved, labels):
            break
    labels, similarities = assign(points, centroids)
    sizes = np.bincount(labels, minlength=k)
    order = sorted(range(k), key=lambda c: (-sizes[c], tuple(np.round(centroids[c], 6))))
    remap = np.empty(k, dtype=np.int64)
    remap[order] = np.arange(k)
    return centroids[order], remap[labels], similarities


def _member_means(points: np.ndarray, labels: np.ndarray, centroids: np.ndarray) -> np.ndarray:
    """Unit mean of each cluster's members, accumulated chunk by chunk; an empty cluster keeps its centroid."""
    k = len(centroids)
    sums = np.zeros_like(centroids, dtype=np.float64)
    for start in range(0, len(points), ASSIGN_CHUNK):
        block = labels[start:start + ASSIGN_CHUNK]
        onehot = np.zeros((len(block), k), dtype=np.float32)
        onehot[np.arange(len(block)), block] = 1.0
        sums += onehot.T @ points[start:start + ASSIGN_CHUNK]
    means = unit_rows(sums)
    empty = np.linalg.norm(means, axis=1) == 0
    means[empty] = centroids[empty]
    return means


def _sample(points: np.ndarray, size: int, seed: int) -> np.ndarray:
    """A seeded sample of ``size`` rows in their original order (all rows when there are not more)."""
    if len(points) <= size:
        return points
    rng = np.random.default_rng(seed)
    return points[np.sort(rng.choice(len(points), size=size, replace=False))]


def _fit_sample(train: np.ndarray, k: int, seed: int, restarts: int, iterations: int) -> np.ndarray:
    """The best K-means of ``train``: many k-means++-seeded scouting fits on a small sample, the best few
    refined on all of ``train``, the highest total cosine kept.

    On overlapping segments only about one k-means++ start in three finds the right optimum (the others merge
    two segments and split a third), so five full restarts still all missed it now and then; twenty cheap
    scouts (SCOUT_POINTS_PER_CENTROID) almost never do, and ranking them by objective picks a good one.
    """
    scouts = _sample(train, SCOUT_POINTS_PER_CENTROID * k, seed)
    tries = [_train_from(scouts, _kmeans_plus_plus(scouts, k, seed + attempt), iterations, seed + attempt)
             for attempt in range(max(1, restarts) * SCOUTS_PER_RESTART)]
    best = sorted(tries, key=lambda t: -t[1])[:1 if len(scouts) == len(train) else KEEP_SCOUTS]
    if len(scouts) < len(train):
        best = [_train_from(train, centroids, iterations, seed) for centroids, _ in best]
    return max(best, key=lambda t: t[1])[0]


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
    """FAISS spherical K-means from ``start`` on every point given, in blocks of STEP iterations, stopping once
    an iteration gains less than CONVERGED of the objective (sum of cosines); returns (unit centroids, objective).

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
def _one_thread() -> Iterator[None]:
    """BLAS on one thread, and FAISS on one OpenMP thread in the calling thread, for the duration (see
    DEFAULT_WORKERS); entered once by each public entry point, never inside the worker threads (BLAS limits
    are process-wide, and nested restores from two threads could leave the wrong one behind)."""
    import faiss
    from threadpoolctl import threadpool_limits

    before = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(1)
    try:
        with threadpool_limits(1):
            yield
    finally:
        faiss.omp_set_num_threads(before)


def assign(points: np.ndarray, centroids: np.ndarray, chunk: int = ASSIGN_CHUNK) -> tuple[np.ndarray, np.ndarray]:
    """Nearest centroid by cosine for each point, in chunks so a million customers fit in memory."""
    labels = np.empty(len(points), dtype=np.int64)
    best = np.empty(len(points), dtype=np.float32)
    for start in range(0, len(points), chunk):
        sims = points[start:start + chunk] @ centroids.T
        labels[start:start + chunk] = sims.argmax(axis=1)
        best[start:start + chunk] = sims.max(axis=1)
    return labels, best


def silhouettes(points: np.ndarray, labelings: list[np.ndarray], chunk: int = 1024) -> list[float]:
    """Mean silhouette (Euclidean, as scikit-learn's ``silhouette_score``) of each labeling of ``points``.

    The pairwise distances do not depend on the labels, so they are computed once, a block of rows at a time,
    and every labeling's per-cluster distance sums come from one product with their stacked one-hot columns.
    """
    count = len(points)
    codes = [np.unique(labels, return_inverse=True)[1] for labels in labelings]
    widths = [int(c.max()) + 1 for c in codes]
    offsets = np.concatenate([[0], np.cumsum(widths)])
    onehot = np.zeros((count, int(offsets[-1])), dtype=np.float64)
    for code, offset in zip(codes, offsets, strict=False):
        onehot[np.arange(count), offset + code] = 1.0
    squares = np.einsum("ij,ij->i", points, points).astype(np.float64)
    sums = np.empty_like(onehot)
    for start in range(0, count, chunk):
        block = points[start:start + chunk]
        distances = np.sqrt(np.maximum(squares[start:start + chunk, None] + squares[None, :]
                                       - 2.0 * (block @ points.T).astype(np.float64), 0.0))
        distances[np.arange(len(block)), np.arange(start, start + len(block))] = 0.0
        sums[start:start + chunk] = distances @ onehot
    results = []
    for code, width, offset in zip(codes, widths, offsets, strict=False):
        sizes = np.bincount(code, minlength=width).astype(np.float64)
        per_cluster = sums[:, offset:offset + width]
        own = per_cluster[np.arange(count), code]
        inside = np.where(sizes[code] > 1, own / np.maximum(sizes[code] - 1, 1), 0.0)
        means = per_cluster / sizes
        means[np.arange(count), code] = np.inf
        nearest = means.min(axis=1)
        score = np.where(sizes[code] > 1, (nearest - inside) / np.maximum(np.maximum(inside, nearest), 1e-12), 0.0)
        results.append(float(score.mean()))
    return results


def score_k_range(points: np.ndarray, k_range: tuple[int, int], seed: int, restarts: int = DEFAULT_RESTARTS,
                  iterations: int = DEFAULT_ITERATIONS, sample_size: int = K_SAMPLE_SIZE,
                  score_size: int = SCORE_SAMPLE_SIZE, workers: int = DEFAULT_WORKERS) -> KSearch:
    """Silhouette and Davies–Bouldin for each K in ``k_range`` (inclusive), on a seeded sample.

    Each K trains on at most MAX_POINTS_PER_CENTROID × K of the sample's points; the K fits run on ``workers``
    threads. The returned centroids let the caller finish the chosen K without fitting it again.
    """
    from sklearn.metrics import davies_bouldin_score

    rng = np.random.default_rng(seed)
    sample = points[np.sort(rng.choice(len(points), size=min(len(points), sample_size), replace=False))]
    scored = np.sort(rng.choice(len(sample), size=min(len(sample), score_size), replace=False))
    low, high = k_range
    ks = list(range(low, min(high, len(sample) - 1) + 1))

    def fit(k: int) -> np.ndarray:
        import faiss

        faiss.omp_set_num_threads(1)  # per thread: OpenMP settings belong to the calling thread
        return _fit_sample(_sample(sample, MAX_POINTS_PER_CENTROID * k, seed), k, seed, restarts, iterations)

    with _one_thread(), ThreadPoolExecutor(max(1, min(workers, len(ks) or 1))) as pool:
        fitted = dict(zip(ks, pool.map(fit, ks), strict=True))
        labels = {k: assign(sample, centroids)[0] for k, centroids in fitted.items()}
        usable = [k for k in ks if len(np.unique(labels[k][scored])) >= 2]
        silhouette = dict(zip(usable, silhouettes(sample[scored], [labels[k][scored] for k in usable]), strict=True))
    scores = [KScore(k, round(silhouette[k], 4),
                     round(float(davies_bouldin_score(sample[scored], labels[k][scored])), 4),
                     round(float(np.bincount(labels[k], minlength=k).min() / len(sample)), 4)) for k in usable]
    return KSearch(scores, {k: fitted[k] for k in usable}, len(sample))


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
            restarts: int = DEFAULT_RESTARTS, iterations: int = DEFAULT_ITERATIONS,
            workers: int = DEFAULT_WORKERS) -> Clustering:
    """Cluster unit ``points``: K as given, else chosen over ``k_range`` by :func:`pick_k`."""
    points = np.ascontiguousarray(points, dtype=np.float32)
    count = len(points)
    if k is not None:
        k = max(1, min(k, count))
        centroids, labels, similarities = fit_kmeans(points, k, seed, restarts, iterations)
        return Clustering(k, labels, centroids, similarities, "given", f"K={k} was given", [])
    high = min(k_range[1], max(2, count - 1))
    low = min(k_range[0], high)
    search = score_k_range(points, (low, high), seed, restarts, iterations, workers=workers)
    if search.scores:
        k, reason = pick_k(search.scores, search.sample_size)
        with _one_thread():
            centroids, labels, similarities = finish(points, search.centroids[k])
    else:
        k = max(1, min(low, count))
        reason = f"K={k}: too few distinct customers to score K"
        centroids, labels, similarities = fit_kmeans(points, k, seed, restarts, iterations)
    return Clustering(k, labels, centroids, similarities, "auto", reason, search.scores)
