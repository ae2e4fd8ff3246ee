"""The ONNX Runtime embedding backends ([segments] backend): selection, cache keys, and agreement with torch.

The export is built once per machine from the bundled model into the per-user cache (never downloaded), so
only the first run on a machine pays for it; the agreement test loads sentence-transformers once for the module.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from shop_builders import error_message, run_cli

from tools.errors import UserError
from tools.runtime.settings import Settings
from tools.segments.embeddings import (
    DEFAULT_BACKEND,
    Encoder,
    SentenceTransformerEncoder,
    embed_texts,
    make_encoder,
)
from tools.segments.onnx_encoder import OnnxEncoder
from tools.segments.settings import load_settings
from tools.store.store import Store

TEXTS = ["Great shoes, fast delivery.", "ok", "Trail running shoes that grip on muddy hills",
         "Where is my order? It was due on Tuesday.", "Sourdough starter kit (Kitchen)",
         "The pram folds with one hand but the basket is small. " * 5]


def test_backend_setting_selects_the_encoder_and_names_it(tmp_path: Path) -> None:
    (tmp_path / "segment-agent.toml").write_text('[segments]\nbackend = "torch"\n')
    settings = load_settings(Settings.load(tmp_path))
    assert settings.backend == "torch"
    assert isinstance(make_encoder(backend="torch"), SentenceTransformerEncoder)
    onnx = make_encoder(backend=DEFAULT_BACKEND)
    assert isinstance(onnx, OnnxEncoder) and isinstance(onnx, Encoder)
    assert onnx._session is None, "choosing the backend must not load or export the model"
    names = {make_encoder(backend=b).name for b in ("torch", "onnx", "onnx-int8")}
    assert len(names) == 3, "each backend must key its own cache entries"


def test_unknown_backend_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "segment-agent.toml").write_text('[segments]\nbackend = "gpu"\n')
    with pytest.raises(UserError, match=r"backend must be one of torch, onnx, onnx-int8"):
        load_settings(Settings.load(tmp_path))


def test_unknown_backend_exits_1_without_traceback(segment_shop: Path) -> None:
    (segment_shop / "segment-agent.toml").write_text('[segments]\nbackend = "gpu"\n')
    result = run_cli(segment_shop, "segment")
    assert result.exit_code == 1
    assert "backend must be one of" in error_message(result) and "Traceback" not in result.output


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    store = Store(tmp_path / "ws", create=True)
    try:
        yield store
    finally:
        store.close()


# 300 real customer texts of the bundled sample shop, as the product embeds them (every 20th row)
SAMPLE_TEXTS = pd.read_csv(Path(__file__).resolve().parents[1] / "data" / "sample" / "texts.csv",
                           dtype=str, keep_default_na=False)["text"].tolist()[::20][:300]


@pytest.fixture(scope="module")
def reference() -> np.ndarray:
    return SentenceTransformerEncoder().encode(TEXTS + SAMPLE_TEXTS)


@pytest.mark.slow
@pytest.mark.parametrize(("backend", "mean", "low", "worst"),
                         [("onnx", 0.9999, 0.9999, 0.9999), ("onnx-int8", 0.99, 0.97, 0.95)])
def test_onnx_backends_agree_with_sentence_transformers(reference: np.ndarray, backend: str, mean: float,
                                                        low: float, worst: float) -> None:
    """On real texts the int8 model keeps the bounds of DESIGN.md §6 (cosine to fp32 ≥0.99 mean, ≥0.97 min);
    odd probes such as the one-word "ok" (the quantisation's worst case, ~0.967) stay above ``worst``."""
    vectors = OnnxEncoder("all-MiniLM-L6-v2", backend).encode(TEXTS + SAMPLE_TEXTS)
    cosine = np.sum(vectors * reference, axis=1)
    assert vectors.shape == reference.shape and vectors.dtype == np.float32
    real = cosine[len(TEXTS):]
    assert real.mean() >= mean and real.min() >= low, (real.mean(), real.min())
    assert cosine[:len(TEXTS)].min() >= worst, cosine[:len(TEXTS)]
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_batches_close_before_padding_dominates() -> None:
    """A 1% re-run's few texts of mixed length are not padded to the longest; equal lengths fill batches."""
    from tools.segments.onnx_encoder import tight_batches

    lengths = np.array([5, 6, 7, 30, 31, 120, 8] + [20] * 70)
    order = np.argsort(lengths, kind="stable")
    batches = tight_batches(lengths, order, 32)
    assert sorted(int(i) for batch in batches for i in batch) == list(range(len(lengths)))
    for batch in batches:
        widths = lengths[batch]
        assert len(batch) <= 32 and widths.max() <= 1.25 * widths.min() + 8
    # 5–8 | 32 × 20 | 32 × 20 | 6 × 20, 30, 31 | 120
    assert [len(b) for b in batches] == [4, 32, 32, 8, 1]


@pytest.mark.slow
def test_batching_does_not_change_vectors(store: Store) -> None:
    encoder = OnnxEncoder("all-MiniLM-L6-v2", "onnx", batch_size=2)
    whole = OnnxEncoder("all-MiniLM-L6-v2", "onnx", batch_size=64).encode(TEXTS)
    np.testing.assert_allclose(encoder.encode(TEXTS), whole, atol=1e-5)
    cached, stats = embed_texts(store, TEXTS, encoder)
    assert stats.embedded == len(TEXTS) and stats.model.endswith("+onnx")
    np.testing.assert_allclose(cached, whole, atol=1e-5)
