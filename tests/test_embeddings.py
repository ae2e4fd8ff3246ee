"""Each distinct text is embedded once per model; vectors come back identical from the cache."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import FakeEncoder

from tools.segments.documents import recency_weights
from tools.segments.embeddings import (
    DEFAULT_MODEL,
    Encoder,
    SentenceTransformerEncoder,
    embed_texts,
    load_vectors,
    normalise_text,
    pool_vectors,
    resolve_model,
    store_vectors,
    text_hash,
)
from tools.store.store import Store

TEXTS = ["Love these trail shoes", "Sourdough every weekend", "My dog adores the lead"]


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    """A fresh, empty workspace store (the embedding cache lives in it)."""
    store = Store(tmp_path / "ws", create=True)
    try:
        yield store
    finally:
        store.close()


def test_second_pass_embeds_nothing(store: Store, fake_encoder: FakeEncoder) -> None:
    first, stats = embed_texts(store, TEXTS, fake_encoder)
    assert (stats.embedded, stats.cached) == (3, 0)
    calls = fake_encoder.calls
    again, stats = embed_texts(store, TEXTS, fake_encoder)
    assert fake_encoder.calls == calls, "a re-run with unchanged texts must not call the encoder"
    assert (stats.embedded, stats.cached) == (0, 3)
    np.testing.assert_array_equal(first, again)


def test_only_new_or_changed_texts_are_embedded(store: Store, fake_encoder: FakeEncoder) -> None:
    embed_texts(store, TEXTS, fake_encoder)
    fake_encoder.texts.clear()
    changed = [TEXTS[0], "Sourdough every single weekend", TEXTS[2], "A brand new review"]
    vectors, stats = embed_texts(store, changed, fake_encoder)
    assert sorted(fake_encoder.texts) == ["A brand new review", "Sourdough every single weekend"]
    assert stats.embedded == 2 and vectors.shape == (4, fake_encoder.encode(["x"]).shape[1])


def test_a_text_cached_twice_by_racing_writers_comes_back_once(store: Store, fake_encoder: FakeEncoder) -> None:
    """Two runs that embed the same new text at once both append it; the look-up still gives one vector."""
    digest = text_hash(normalise_text(TEXTS[0]))
    vector = fake_encoder.encode([TEXTS[0]])
    for _ in range(2):
        with store.writing() as con:
            store_vectors(con, fake_encoder.name, [digest], vector)
    with store.reading() as con:
        found = load_vectors(con, fake_encoder.name, [digest, text_hash("not cached")])
    assert list(found) == [digest]
    np.testing.assert_array_equal(found[digest], vector[0])
    vectors, stats = embed_texts(store, [TEXTS[0], TEXTS[1]], fake_encoder)
    assert (stats.embedded, stats.cached) == (1, 1) and vectors.shape[0] == 2


def test_duplicates_and_spacing_variants_share_one_vector(store: Store, fake_encoder: FakeEncoder) -> None:
    vectors, stats = embed_texts(store, ["Great  shoes ", "Great shoes", "Great shoes"], fake_encoder)
    assert fake_encoder.texts == ["Great shoes"] and stats.distinct == 1
    np.testing.assert_array_equal(vectors[0], vectors[2])


def test_cache_is_per_model(store: Store) -> None:
    one, other = FakeEncoder("model-a"), FakeEncoder("model-b")
    embed_texts(store, TEXTS, one)
    embed_texts(store, TEXTS, other)
    assert len(other.texts) == 3, "vectors of another model must never be reused"


def test_vectors_are_unit_length_and_aligned_to_input(store: Store, fake_encoder: FakeEncoder) -> None:
    vectors, _ = embed_texts(store, [*TEXTS, TEXTS[0]], fake_encoder)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, rtol=1e-5)
    np.testing.assert_array_equal(vectors[0], vectors[3])


def test_progress_reports_texts_done(store: Store, fake_encoder: FakeEncoder) -> None:
    seen: list[tuple[int, int]] = []
    embed_texts(store, TEXTS, fake_encoder, progress=lambda done, total: seen.append((done, total)))
    assert seen[0] == (0, 3) and seen[-1] == (3, 3)


def test_pooling_is_a_weighted_mean_renormalised() -> None:
    vectors = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 0.0]], dtype=np.float32)
    pooled = pool_vectors(np.array([0, 0, 1]), vectors, np.array([3.0, 1.0, 1.0]), groups=3)
    np.testing.assert_allclose(pooled[0], np.array([3.0, 1.0]) / np.sqrt(10), rtol=1e-6)
    np.testing.assert_allclose(pooled[1], [1.0, 0.0])
    np.testing.assert_array_equal(pooled[2], [0.0, 0.0])  # a customer with no pieces stays empty


def test_recency_weight_halves_every_half_life() -> None:
    dates = pd.Series(pd.to_datetime(["2024-12-31", "2023-12-31", None]))
    weights = recency_weights(dates, pd.Timestamp("2024-12-31"), half_life_days=366.0)
    np.testing.assert_allclose(weights, [1.0, 0.5, 1.0])


def test_real_encoder_is_lazy_and_resolves_the_bundled_model() -> None:
    encoder = SentenceTransformerEncoder()
    assert isinstance(encoder, Encoder)
    assert encoder._model is None, "constructing the encoder must not load torch or the model"
    assert encoder.name == f"{DEFAULT_MODEL}@128"
    assert (Path(resolve_model(DEFAULT_MODEL)) / "modules.json").is_file()
    assert resolve_model("/no/such/dir") == "/no/such/dir"


@pytest.mark.slow
def test_real_model_embeds_offline(store: Store) -> None:
    vectors, _ = embed_texts(store, ["trail running shoes", "running shoes for trails", "sourdough bread"],
                             SentenceTransformerEncoder())
    assert vectors.shape == (3, 384)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2]
