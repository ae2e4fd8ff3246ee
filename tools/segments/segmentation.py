"""Run a segmentation (DESIGN.md §6): documents → embeddings → pooled customer vectors → K-means → stable ids
→ profiles → one write.

The whole run holds the workspace's writer lock (so two segmentations never interleave) while readers in
other processes keep answering from the previous run; the run itself becomes visible in one commit.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from tools.errors import UserError
from tools.results import Column, Kind, Table, ToolResult
from tools.segments.clustering import KScore, cluster
from tools.segments.naming import RuleBasedNamer
from tools.segments.settings import SegmentationArgs, SegmentSettings, load_settings

if TYPE_CHECKING:
    import duckdb
    import pandas as pd

    from tools.runtime.shop import Shop
    from tools.segments.documents import CustomerDocuments
    from tools.segments.embeddings import EmbeddingStats, Encoder, TextVectors
    from tools.segments.ray_engine import RayEngine

Progress = Callable[[str, int | None, int | None], None]
"""Called with (stage, done, total); done/total are texts while embedding, None otherwise."""

MISSING_DOCUMENTS = ("No customer has texts, product names or categories to describe them: load texts with  "
                     "segment-agent ingest texts FILE  or orders with a product name column, then run  "
                     "segment-agent segment  again.")
OVERVIEW_COLUMNS = [Column("segment_id", Kind.ID, "id"), Column("name", label="segment"),
                    Column("customers", Kind.COUNT), Column("share", Kind.SHARE),
                    Column("revenue_share", Kind.SHARE, "revenue"), Column("top_categories", label="buys more of"),
                    Column("terms", label="talks about")]


@dataclass
class SegmentSummary:
    """One segment in a run or overview: who, how many, and the headline evidence."""

    id: int
    name: str
    slug: str
    size: int
    share: float
    revenue_share: float | None
    top_categories: list[str]
    terms: list[str]
    status: str


def overview_table(title: str, segments: list[SegmentSummary], with_status: bool = False) -> Table:
    """Segments as rows: id, name, size, shares and headline evidence (used by overview and runs alike)."""
    columns = OVERVIEW_COLUMNS + ([Column("status")] if with_status else [])
    rows = [[s.id, s.name, s.size, s.share, s.revenue_share, ", ".join(s.top_categories[:3]),
             ", ".join(s.terms[:5]), *([s.status] if with_status else [])] for s in segments]
    return Table(title, columns, rows)


@dataclass
class SegmentationRun(ToolResult):
    """What ``run_segmentation`` did: K and why, quality scores, segments, embedding work, stage timings."""

    run_id: int
    k: int
    k_chosen_by: str
    reason: str
    scores: list[KScore]
    seed: int
    model: str
    customers: int
    segments: list[SegmentSummary]
    embedding: EmbeddingStats
    stage_seconds: dict[str, float]
    retired_ids: list[int] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def facts(self) -> dict[str, Any]:
        return {"run_id": self.run_id, "k": self.k, "k_chosen_by": self.k_chosen_by, "customers": self.customers,
                "segments": [{"id": s.id, "name": s.name, "customers": s.size, "status": s.status}
                             for s in self.segments]}

    def tables(self) -> list[Table]:
        tables = [overview_table(f"{self.k} segments (run {self.run_id})", self.segments, with_status=True)]
        if self.scores:
            tables.append(Table("K search", [Column("k", Kind.COUNT, "K"), Column("silhouette", Kind.NUMBER),
                                             Column("davies_bouldin", Kind.NUMBER, "Davies–Bouldin"),
                                             Column("chosen")],
                                [[s.k, s.silhouette, s.davies_bouldin, "←" if s.k == self.k else ""]
                                 for s in self.scores]))
        return tables

    def row_count(self) -> int:
        return len(self.segments)


def run_segmentation(shop: Shop, args: SegmentationArgs | None = None, *, progress: Progress | None = None,
                     engine: RayEngine | None = None) -> SegmentationRun:
    """Segment the shop's customers by what they say (or buy) and store the run as the current segments.

    K is chosen automatically unless ``args.k`` is given; the same data, settings and seed give the same
    segments and ids. Segments that continue a previous run's segment keep its id and name. The encoder and
    the namer come from the shop's providers (the bundled model and the rule-based namer by default).
    ``engine`` (``segment --engine ray``) embeds and assigns on Ray instead of in this process.
    """
    from tools.segments import pipeline as steps
    from tools.segments.runs import save_run

    args = args or SegmentationArgs()
    notify = progress or (lambda _stage, _done, _total: None)
    settings = load_settings(shop.settings, k=args.k, seed=args.seed, model=args.model)
    encoder = shop.encoder(settings)
    timer = _StageTimer(notify)
    warnings: list[str] = []
    with shop.store.exclusive():
        with timer("features"):
            features = _features(shop, warnings)
        with timer("documents"), shop.reading() as con:
            docs = _documents(con, settings)
        with timer("embedding"):
            piece_vectors, stats = (engine.embed if engine else _embed)(shop, docs.pieces, encoder, notify)
        with timer("clustering"):
            vectors = steps.customer_vectors(docs, piece_vectors, settings.product_weight)
            points = steps.clustering_space(vectors, features, settings.behaviour_weight)
            fit = engine.cluster if engine else cluster
            clustering = fit(points, settings.k, (settings.k_min, settings.k_max), settings.seed,
                             settings.restarts, settings.iterations)
        with timer("profiles"), shop.reading() as con:
            pieces = steps.segment_pieces(docs, piece_vectors, vectors.customer_ids, clustering.labels, clustering.k)
            profiles, shop_numbers = steps.build_profiles(con, vectors, clustering, pieces, features)
            previous, match = steps.match_to_previous(con, clustering, vectors.customer_ids,
                                                      _space(encoder, settings), settings.match_threshold)
            steps.name_profiles(profiles, match, previous, shop.providers.namer or RuleBasedNamer(), settings.rename)
        if docs.without_document:
            warnings.append(f"{len(docs.without_document):,} customers have no texts and no product names, so they "
                            "are not in any segment.")
        retired = sorted({s.segment_id for s in previous.segments} - set(match.segment_ids)) if previous else []
        with timer("saving"), shop.writing() as con:
            summary = steps.run_summary(clustering, vectors, docs, stats, match, previous, retired, shop_numbers,
                                        warnings, timer.seconds) | {"settings": asdict(settings)}
            record = steps.run_record(clustering, vectors, profiles, match, previous, summary, settings.seed,
                                      encoder.name, _space(encoder, settings))
            record.created_at = shop.now().isoformat(sep=" ", timespec="seconds")
            run_id = save_run(con, record)
    return SegmentationRun(run_id, clustering.k, clustering.k_chosen_by, clustering.reason, clustering.scores,
                           settings.seed, encoder.name, len(vectors.customer_ids),
                           [summary_of(p) for p in profiles], stats, timer.seconds, retired, warnings)


class _StageTimer:
    """Times named stages and tells the progress callback when each starts."""

    def __init__(self, notify: Progress) -> None:
        self.notify = notify
        self.seconds: dict[str, float] = {}

    def __call__(self, stage: str) -> _StageTimer:
        self._stage = stage
        return self

    def __enter__(self) -> None:
        self.notify(self._stage, None, None)
        self._started = time.perf_counter()

    def __exit__(self, *exc: object) -> None:
        self.seconds[self._stage] = round(time.perf_counter() - self._started, 2)


def _space(encoder: Encoder, settings: SegmentSettings) -> str:
    """Runs in the same space have comparable centroids: same encoder and same behaviour block."""
    return f"{encoder.name}|behaviour={settings.behaviour_weight:g}"


def _features(shop: Shop, warnings: list[str]) -> pd.DataFrame | None:
    """The stored customer features, else plain RFM from the orders (segmenting never writes features)."""
    from tools.behaviour.feature_store import feature_warnings, has_features
    from tools.behaviour.features import behaviour_features, last_order_date

    with shop.reading() as con:
        if not con.execute("SELECT count(*) FROM orders").fetchone()[0]:
            raise UserError("The workspace has no orders yet: run  segment-agent ingest orders FILE  first.")
        if has_features(shop):
            warnings.extend(feature_warnings(shop))
            return con.execute("SELECT * FROM customer_features").df()
        warnings.append("Lifecycle and value mix left out: features are not computed yet (run  segment-agent "
                        "features).")
        return behaviour_features(con, last_order_date(con))


def _documents(con: duckdb.DuckDBPyConnection, settings: SegmentSettings) -> CustomerDocuments:
    from tools.segments.documents import load_documents

    docs = load_documents(con, settings.half_life_days, include_products_for_writers=settings.product_weight > 0)
    if not docs.pieces:
        raise UserError(MISSING_DOCUMENTS)
    return docs


def _embed(shop: Shop, pieces: list[str], encoder: Encoder, notify: Progress) -> tuple[TextVectors, EmbeddingStats]:
    from tools.segments.embeddings import embed_distinct

    return embed_distinct(shop.store, pieces, encoder, lambda done, total: notify("embedding", done, total))


def summary_of(profile: dict[str, Any]) -> SegmentSummary:
    """The headline of a stored profile."""
    return SegmentSummary(profile["id"], profile["name"], profile["slug"], profile["size"], profile["share"],
                          profile.get("revenue_share"), [c["name"] for c in profile.get("top_categories", [])],
                          list(profile.get("terms", [])), profile.get("status", ""))
