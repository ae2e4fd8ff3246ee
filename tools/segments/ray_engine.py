"""The Ray Data engine for ``segment --engine ray``: embedding and assignment on a Ray cluster (DESIGN.md §12).

What grows with the shop runs on Ray; what does not stays on the driver. New texts are embedded by a Ray Data
``map_batches`` over an actor class that loads the model once per actor (a model per batch would cost more
than the batch), and every customer is assigned to the centroids by ``map_batches`` tasks over blocks of
points. K-means itself trains on a sample on the driver with exactly the local engine's code
(:mod:`tools.segments.clustering`: the sample is bounded by K, not by the shop), so both engines agree. The
results go through the normal store path: vectors into the same embedding cache (keyed by encoder and text
hash, written by the driver, every FLUSH_EVERY texts), the run through ``save_run`` with the same stable ids.

Ray is an optional extra (``pip install 'segment-agent[ray]'``); this module imports it only when used.
Without ``--address`` a local Ray is started for the run (and stopped after); with it the driver joins a
running cluster, whose nodes need segment-agent installed (the actor and tasks import ``tools``).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from tools.errors import UserError
from tools.segments.clustering import (
    ASSIGN_CHUNK,
    DEFAULT_ITERATIONS,
    DEFAULT_K_RANGE,
    DEFAULT_RESTARTS,
    MAX_POINTS_PER_CENTROID,
    POLISH_PASSES,
    Clustering,
    _fit_sample,
    _one_thread,
    _sample,
    fit_kmeans,
    pick_k,
    score_k_range,
    unit_rows,
)
from tools.segments.embeddings import (
    FLUSH_EVERY,
    EmbeddingStats,
    load_vectors,
    normalise_text,
    store_vectors,
    text_hash,
    text_vectors,
)

if TYPE_CHECKING:
    from tools.runtime.shop import Shop
    from tools.segments.embeddings import Encoder, TextVectors
    from tools.segments.segmentation import Progress

ENGINES = ("local", "ray")
INSTALL_HINT = "The Ray engine needs Ray, which is not installed: run  pip install 'segment-agent[ray]'  first."
EMBED_BATCH = 256  # texts per actor call: big enough for the model's own length-sorted batches of 32
ACTORS = 1  # model-holding actors (each loads the model once); more only pays on a cluster with free cores


def require_ray() -> Any:
    """The ``ray`` module, or the one-sentence install hint when the [ray] extra is missing."""
    try:
        import ray
        import ray.data  # noqa: F401  (Ray without its Data library cannot run this engine either)
    except ImportError:
        raise UserError(INSTALL_HINT) from None
    return ray


@contextmanager
def open_engine(name: str, address: str | None = None, actors: int = ACTORS) -> Iterator[RayEngine | None]:
    """The engine ``segment --engine NAME`` asked for: None for the local engine, else a started RayEngine
    (stopped again on exit when this call started Ray)."""
    if name not in ENGINES:
        raise UserError(f"Unknown engine '{name}'; use  --engine local  or  --engine ray.")
    if name == "local":
        if address is not None:
            raise UserError("--address names a Ray cluster, so it only applies with  --engine ray.")
        yield None
        return
    engine = RayEngine(address, actors)
    started = engine.start()
    try:
        yield engine
    finally:
        if started:
            require_ray().shutdown()


@dataclass
class RayEngine:
    """Embeds new texts and assigns customers on Ray; plugs into ``run_segmentation(engine=…)``."""

    address: str | None = None
    actors: int = ACTORS
    embed_batch: int = EMBED_BATCH
    block_rows: int = ASSIGN_CHUNK

    def start(self) -> bool:
        """Join ``address`` (or start a local Ray) unless Ray is already up; True when this call started it."""
        ray = require_ray()
        if ray.is_initialized():
            return False
        try:
            ray.init(address=self.address, include_dashboard=False, log_to_driver=False,
                     logging_level=logging.WARNING, configure_logging=False)
        except (ConnectionError, ValueError, RuntimeError) as exc:
            where = f"the Ray cluster at {self.address}" if self.address else "a local Ray"
            raise UserError(f"Could not start {where} ({_first_line(exc)}); check  --address  or run "
                            "without it.") from None
        return True

    # --- embedding -------------------------------------------------------------------------------------

    def embed(self, shop: Shop, texts: Sequence[str], encoder: Encoder, notify: Progress
              ) -> tuple[TextVectors, EmbeddingStats]:
        """Vectors for ``texts`` (text i's is row ``index[i]``); only texts the cache lacks are embedded, on Ray."""
        started = time.perf_counter()
        clean = [normalise_text(t) for t in texts]
        hashes = [text_hash(t) for t in clean]
        first_of = dict(zip(hashes, clean, strict=True))
        with shop.store.reading() as con:  # one query for what is cached, read with the vectors it holds
            stored = load_vectors(con, encoder.name, list(first_of))
        missing = [(h, first_of[h]) for h in sorted((h for h in first_of if h not in stored),
                                                    key=lambda h: len(first_of[h]))]  # tight batches, as locally
        fresh = self._encode_missing(shop, encoder, missing, notify)
        stored.update(fresh)
        vectors = text_vectors(hashes, list(first_of), stored)
        seconds = time.perf_counter() - started
        stats = EmbeddingStats(encoder.name, len(texts), len(first_of), len(fresh), len(first_of) - len(fresh),
                               round(seconds, 2), round(len(fresh) / seconds, 1) if fresh and seconds else 0.0)
        return vectors, stats

    def _encode_missing(self, shop: Shop, encoder: Encoder, items: list[tuple[str, str]], notify: Progress
                        ) -> dict[str, np.ndarray]:
        """Stream ``items`` (hash, text) through the actor pool, caching every FLUSH_EVERY results."""
        notify("embedding", 0, len(items))
        if not items:
            return {}
        import pandas as pd

        ray = require_ray()
        _quiet(ray)
        frame = pd.DataFrame(items, columns=["text_hash", "text"])
        blocks = [frame.iloc[i:i + FLUSH_EVERY] for i in range(0, len(frame), FLUSH_EVERY)]
        vectors = ray.data.from_pandas(blocks).map_batches(
            EmbeddingActor, fn_constructor_args=(portable(encoder),), batch_size=self.embed_batch,
            batch_format="numpy", compute=ray.data.ActorPoolStrategy(size=self.actors))
        fresh: dict[str, np.ndarray] = {}
        pending: list[str] = []
        try:
            for batch in vectors.iter_batches(batch_size=None, batch_format="numpy"):
                found = [str(h) for h in batch["text_hash"]]
                fresh.update(zip(found, np.asarray(batch["vector"], dtype=np.float32), strict=True))
                pending += found
                if len(pending) >= FLUSH_EVERY:
                    _flush(shop, encoder.name, pending, fresh)
                    pending = []
                notify("embedding", len(fresh), len(items))
        except ray.exceptions.RayError as exc:
            _flush(shop, encoder.name, pending, fresh)  # keep what was embedded, as the local engine does
            raise UserError(f"Embedding on Ray failed ({_first_line(exc)}); vectors embedded so far are "
                            "cached, so running  segment  again resumes from them.") from None
        _flush(shop, encoder.name, pending, fresh)
        if len(fresh) != len(items):
            raise UserError(f"Ray returned vectors for {len(fresh):,} of {len(items):,} new texts; run  segment "
                            "again (the vectors it did return are cached).")
        return fresh

    # --- clustering ------------------------------------------------------------------------------------

    def cluster(self, points: np.ndarray, k: int | None = None, k_range: tuple[int, int] = DEFAULT_K_RANGE,
                seed: int = 0, restarts: int = DEFAULT_RESTARTS, iterations: int = DEFAULT_ITERATIONS
                ) -> Clustering:
        """K chosen and centroids trained on a sample on the driver (the local engine's code), then polished
        and every point assigned on Ray; same signature and result as :func:`clustering.cluster`."""
        points = np.ascontiguousarray(points, dtype=np.float32)
        count = len(points)
        if k is not None:
            k = max(1, min(k, count))
            with _one_thread():
                start = _fit_sample(_sample(points, MAX_POINTS_PER_CENTROID * k, seed), k, seed, restarts,
                                    iterations)
            centroids, labels, similarities = self.finish(points, start)
            return Clustering(k, labels, centroids, similarities, "given", f"K={k} was given", [])
        high = min(k_range[1], max(2, count - 1))
        low = min(k_range[0], high)
        search = score_k_range(points, (low, high), seed, restarts, iterations)
        if not search.scores:  # a handful of distinct customers: nothing worth distributing
            k = max(1, min(low, count))
            centroids, labels, similarities = fit_kmeans(points, k, seed, restarts, iterations)
            return Clustering(k, labels, centroids, similarities, "auto",
                              f"K={k}: too few distinct customers to score K", [])
        k, reason = pick_k(search.scores, search.sample_size)
        centroids, labels, similarities = self.finish(points, search.centroids[k])
        return Clustering(k, labels, centroids, similarities, "auto", reason, search.scores)

    def finish(self, points: np.ndarray, centroids: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """:func:`clustering.finish` on Ray: POLISH_PASSES passes moving each centroid to its members' mean,
        one assigning pass, then the canonical order (largest cluster first, ties by centroid values).

        The local engine stops polishing early once labels stop changing; a pass over unchanged labels
        returns the same means, so always running both passes gives the same centroids."""
        ray = require_ray()
        _quiet(ray)
        import pandas as pd
        from ray.data.extensions import TensorArray

        frames = [pd.DataFrame({"row": np.arange(s, min(s + self.block_rows, len(points))),
                                "vector": TensorArray(points[s:s + self.block_rows])})
                  for s in range(0, len(points), self.block_rows)]
        dataset = ray.data.from_pandas(frames)
        k = len(centroids)
        for _ in range(POLISH_PASSES):
            sums = np.zeros((k, points.shape[1]), dtype=np.float64)
            for batch in dataset.map_batches(member_sums, fn_kwargs={"centroids": centroids}, batch_size=None,
                                             batch_format="numpy").iter_batches(batch_size=None,
                                                                                batch_format="numpy"):
                np.add.at(sums, batch["cluster"], batch["sum"])
            means = unit_rows(sums)
            empty = np.linalg.norm(means, axis=1) == 0
            means[empty] = centroids[empty]  # an empty cluster keeps its centroid, as locally
            centroids = means
        labels = np.empty(len(points), dtype=np.int64)
        similarities = np.empty(len(points), dtype=np.float32)
        for batch in dataset.map_batches(nearest, fn_kwargs={"centroids": centroids}, batch_size=None,
                                         batch_format="numpy").iter_batches(batch_size=None, batch_format="numpy"):
            labels[batch["row"]] = batch["label"]
            similarities[batch["row"]] = batch["similarity"]
        sizes = np.bincount(labels, minlength=k)
        order = sorted(range(k), key=lambda c: (-sizes[c], tuple(np.round(centroids[c], 6))))
        remap = np.empty(k, dtype=np.int64)
        remap[order] = np.arange(k)
        return centroids[order], remap[labels], similarities


class EmbeddingActor:
    """One model-holding worker of the embedding pool: the encoder (and so the model) is loaded once, on
    the first batch, and reused for every batch this actor gets."""

    def __init__(self, encoder: Encoder) -> None:
        self.encoder = encoder

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        texts = [str(t) for t in batch["text"]]
        vectors = np.asarray(self.encoder.encode(texts), dtype=np.float32)
        if vectors.shape[0] != len(texts):
            raise ValueError(f"encoder {self.encoder.name} returned {vectors.shape[0]} vectors for {len(texts)} "
                             "texts")
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return {"text_hash": batch["text_hash"], "vector": vectors / np.maximum(norms, 1e-12)}


def member_sums(batch: dict[str, np.ndarray], centroids: np.ndarray) -> dict[str, np.ndarray]:
    """Per cluster of this block: the sum of the points nearest to it (k rows out, however many came in)."""
    points = np.asarray(batch["vector"], dtype=np.float32)
    labels = (points @ centroids.T).argmax(axis=1)
    onehot = np.zeros((len(points), len(centroids)), dtype=np.float32)
    onehot[np.arange(len(points)), labels] = 1.0
    return {"cluster": np.arange(len(centroids)), "sum": (onehot.T @ points).astype(np.float64)}


def nearest(batch: dict[str, np.ndarray], centroids: np.ndarray) -> dict[str, np.ndarray]:
    """Nearest centroid by cosine, and that cosine, for each point of this block (rows carried along)."""
    sims = np.asarray(batch["vector"], dtype=np.float32) @ centroids.T
    return {"row": batch["row"], "label": sims.argmax(axis=1), "similarity": sims.max(axis=1)}


def portable(encoder: Encoder) -> Encoder:
    """The encoder as it should travel to an actor: the bundled model's wrappers (sentence-transformers or ONNX
    Runtime) are rebuilt from their settings without the model, session or lock they may hold (each actor
    loads its own model); anything else travels as it is."""
    from tools.segments.embeddings import SentenceTransformerEncoder

    if isinstance(encoder, SentenceTransformerEncoder):
        return SentenceTransformerEncoder(encoder.model, encoder.batch_size, encoder.max_seq_length)
    try:
        from tools.segments.onnx_encoder import OnnxEncoder
    except ImportError:  # onnxruntime missing: the encoder cannot be one of these
        return encoder
    if isinstance(encoder, OnnxEncoder):
        return _Rebuilt(OnnxEncoder, (encoder.model, encoder.backend, encoder.batch_size, encoder.max_seq_length),
                        encoder.name)
    return encoder


class _Rebuilt:
    """An encoder that travels as (class, arguments) and is built on first use, in the actor."""

    def __init__(self, factory: Any, args: tuple[Any, ...], name: str) -> None:
        self.factory, self.args, self.name = factory, args, name
        self._encoder: Encoder | None = None

    def __getstate__(self) -> dict[str, Any]:
        return {"factory": self.factory, "args": self.args, "name": self.name, "_encoder": None}

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if self._encoder is None:
            self._encoder = self.factory(*self.args)
        return self._encoder.encode(texts)


def _flush(shop: Shop, model: str, pending: list[str], fresh: dict[str, np.ndarray]) -> None:
    if pending:
        with shop.store.writing() as con:
            store_vectors(con, model, pending, np.vstack([fresh[h] for h in pending]))


def _quiet(ray: Any) -> None:
    """No progress bars or per-dataset INFO lines: the CLI draws its own progress on stderr."""
    context = ray.data.DataContext.get_current()
    context.enable_progress_bars = False
    context.print_on_execution_start = False
    logging.getLogger("ray.data").setLevel(logging.WARNING)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0].rstrip(".") if text else type(exc).__name__
