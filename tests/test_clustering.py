"""K-means in FAISS finds obvious groups, picks their number, is deterministic, and keeps ids stable."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import adjusted_rand_score

from tools.segments.clustering import KScore, cluster, combine_features, fit_kmeans, pick_k, unit_rows
from tools.segments.runs import PreviousRun, PreviousSegment, match_ids


def blobs(groups: int, per_group: int, dim: int = 24, spread: float = 0.15, seed: int = 0,
          sizes: list[int] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Unit vectors around ``groups`` random directions, with their true group."""
    rng = np.random.default_rng(seed)
    centres = unit_rows(rng.standard_normal((groups, dim)))
    counts = sizes or [per_group] * groups
    truth = np.repeat(np.arange(groups), counts)
    points = centres[truth] + spread * rng.standard_normal((len(truth), dim))
    return unit_rows(points), truth


def test_finds_planted_groups_and_chooses_their_number() -> None:
    points, truth = blobs(4, 60)
    result = cluster(points, k=None, k_range=(2, 8), seed=3)
    assert result.k == 4 and result.k_chosen_by == "auto"
    assert adjusted_rand_score(truth, result.labels) == 1.0
    assert "K=4" in result.reason and [s.k for s in result.scores] == list(range(2, 9))


def test_given_k_is_used() -> None:
    points, _ = blobs(4, 30)
    result = cluster(points, k=6, seed=1)
    assert result.k == 6 and result.k_chosen_by == "given" and result.scores == []


def test_same_input_and_seed_give_identical_output() -> None:
    points, _ = blobs(5, 40, spread=0.6)
    first = fit_kmeans(points, 5, seed=11)
    second = fit_kmeans(points.copy(), 5, seed=11)
    np.testing.assert_array_equal(first[1], second[1])
    np.testing.assert_array_equal(first[0], second[0])


def test_clusters_are_numbered_largest_first() -> None:
    points, _ = blobs(3, 0, sizes=[20, 70, 45])
    _, labels, _ = fit_kmeans(points, 3, seed=0)
    assert list(np.bincount(labels)) == [70, 45, 20]


def test_every_point_trains_the_centroids() -> None:
    # FAISS by default samples 256 points per centroid; then centroids would not be the members' mean.
    points, _ = blobs(2, 1500, spread=0.3)
    centroids, labels, _ = fit_kmeans(points, 2, seed=0)
    for index in range(2):
        mean = unit_rows(points[labels == index].mean(axis=0, keepdims=True))[0]
        np.testing.assert_allclose(centroids[index], mean, atol=1e-4)


def test_ties_on_silhouette_go_to_the_lowest_davies_bouldin() -> None:
    scores = [KScore(3, 0.30, 1.4), KScore(4, 0.305, 1.1), KScore(5, 0.20, 1.0)]
    k, reason = pick_k(scores)
    assert k == 4 and "Davies–Bouldin" in reason


def test_behaviour_weight_sets_its_share_of_the_vector() -> None:
    text = unit_rows(np.eye(4, 8))
    behaviour = np.arange(8.0).reshape(4, 2)
    mixed = combine_features(text, behaviour, weight=0.2)
    np.testing.assert_allclose(np.linalg.norm(mixed, axis=1), 1.0, rtol=1e-5)
    assert mixed.shape == (4, 10)
    np.testing.assert_array_equal(combine_features(text, behaviour, weight=0.0), text)


def _previous(centroids: np.ndarray, ids: list[int], max_id: int | None = None, space: str = "s") -> PreviousRun:
    segments = [PreviousSegment(i, f"name {i}", f"slug-{i}", 1, c.astype(np.float32))
                for i, c in zip(ids, centroids, strict=True)]
    return PreviousRun(1, space, segments, max_id or max(ids))


def test_continuing_clusters_keep_their_ids_whatever_the_order() -> None:
    centres = unit_rows(np.eye(3, 6))
    previous = _previous(centres, [5, 2, 9])
    match = match_ids(previous, centres[[2, 0, 1]], "s", threshold=0.8)
    assert match.segment_ids == [9, 5, 2] and all(match.continued) and match.method == "centroids"


def test_a_new_kind_of_cluster_gets_a_never_used_id() -> None:
    centres = unit_rows(np.eye(3, 6))
    previous = _previous(centres[:2], [1, 2], max_id=7)  # ids up to 7 were used by earlier runs
    match = match_ids(previous, centres, "s", threshold=0.8)
    assert match.segment_ids == [1, 2, 8] and match.continued == [True, True, False]


def test_first_run_numbers_segments_from_one() -> None:
    match = match_ids(None, unit_rows(np.eye(3, 6)), "s", threshold=0.8)
    assert match.segment_ids == [1, 2, 3] and match.method == "first run"


def test_another_vector_space_matches_on_shared_customers() -> None:
    previous = _previous(unit_rows(np.eye(2, 6)), [1, 2], space="old-model")
    new_members = [{"c", "d", "e"}, {"a", "b"}]
    old_members = {1: {"a", "b"}, 2: {"c", "d"}}
    match = match_ids(previous, unit_rows(np.eye(2, 4)), "new-model", 0.8, new_members, old_members)
    assert match.method == "members" and match.segment_ids == [2, 1]


@pytest.mark.parametrize("count", [1, 2, 3])
def test_tiny_inputs_do_not_crash(count: int) -> None:
    points, _ = blobs(1, count)
    result = cluster(points, seed=0)
    assert 1 <= result.k <= count and len(result.labels) == count
