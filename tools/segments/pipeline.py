"""The steps of a segmentation run, each a plain function: vectors, clusters, profiles, names.

:func:`tools.segments.reading.run_segmentation` strings them together (documents → embeddings → pooled customer
vectors → K-means → stable ids → profiles → one transaction); keeping the steps here lets benchmarks and
tests run any one of them on its own.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from tools.privacy.redaction import PiiDirectory
from tools.segments.clustering import Clustering, combine_features, unit_rows
from tools.segments.documents import PRODUCT, TEXT, CustomerDocuments
from tools.segments.embeddings import TextVectors, pool_vectors
from tools.segments.naming import Item, SegmentEvidence, SegmentNamer, slugify, unique_names, unique_slugs
from tools.segments.profiles import SegmentGroups, distinctive_terms, lift_lists, representative_texts, segment_numbers
from tools.segments.runs import IdMatch, PreviousRun, RunRecord

if TYPE_CHECKING:
    import duckdb
    import pandas as pd

    from tools.segments.embeddings import EmbeddingStats

BEHAVIOUR_COLUMNS = ("recency_days", "frequency", "monetary", "aov", "tenure_days")


@dataclass
class CustomerVectors:
    """One unit vector per segmented customer (sorted ids), and which of them wrote their own texts."""

    customer_ids: list[str]
    vectors: np.ndarray
    writers: np.ndarray


def customer_vectors(docs: CustomerDocuments, piece_vectors: TextVectors, product_weight: float
                     ) -> CustomerVectors:
    """Pool piece vectors per customer: texts for writers (blended with purchases by ``product_weight``),
    purchases for everyone else; customers with no pieces are dropped."""
    count = len(docs.customer_ids)
    pooled = {}
    for kind in (TEXT, PRODUCT):
        index = np.flatnonzero(docs.kinds == kind)
        pooled[kind] = pool_vectors(docs.owners[index], piece_vectors.distinct, docs.weights[index], count,
                                    rows=piece_vectors.index[index]) if len(index) else None
    dim = piece_vectors.dim
    texts = pooled[TEXT] if pooled[TEXT] is not None else np.zeros((count, dim), dtype=np.float32)
    products = pooled[PRODUCT] if pooled[PRODUCT] is not None else np.zeros((count, dim), dtype=np.float32)
    writers = np.linalg.norm(texts, axis=1) > 0
    blended = np.where(writers[:, None], (1.0 - product_weight) * texts + product_weight * products, products)
    vectors = unit_rows(blended)
    keep = np.linalg.norm(vectors, axis=1) > 0
    ids = [c for c, k in zip(docs.customer_ids, keep, strict=True) if k]
    return CustomerVectors(ids, vectors[keep], writers[keep])


def behaviour_matrix(features: pd.DataFrame | None, customer_ids: list[str]) -> np.ndarray | None:
    """Log-scaled RFM columns aligned to ``customer_ids`` (missing customers get the median)."""
    if features is None or features.empty:
        return None
    columns = [c for c in BEHAVIOUR_COLUMNS if c in features.columns]
    frame = features.set_index("customer_id")[columns].astype(float).reindex(customer_ids)
    frame = frame.fillna(frame.median()).fillna(0.0)
    values = frame.to_numpy()
    return np.sign(values) * np.log1p(np.abs(values))


def clustering_space(vectors: CustomerVectors, features: pd.DataFrame | None, behaviour_weight: float
                     ) -> np.ndarray:
    """The points K-means sees: text vectors, plus behaviour columns when ``behaviour_weight`` > 0."""
    behaviour = behaviour_matrix(features, vectors.customer_ids) if behaviour_weight > 0 else None
    return combine_features(vectors.vectors, behaviour, behaviour_weight)


def segment_pieces(docs: CustomerDocuments, piece_vectors: TextVectors, customer_ids: list[str],
                   labels: np.ndarray, k: int) -> list[dict[str, Any]]:
    """Per segment: the texts its members wrote (or, in a shop without texts, the products they bought)."""
    kind = TEXT if (docs.kinds == TEXT).any() else PRODUCT
    position = {c: i for i, c in enumerate(customer_ids)}
    segment_of_owner = np.array([labels[position[c]] if c in position else -1 for c in docs.customer_ids])
    index = np.flatnonzero(docs.kinds == kind)
    owner_segments = segment_of_owner[docs.owners[index]]
    per_segment = []
    for segment in range(k):
        chosen = index[owner_segments == segment]
        per_segment.append({
            "texts": [docs.pieces[i] for i in chosen],
            "authors": [docs.customer_ids[docs.owners[i]] for i in chosen],
            # read per segment when quoting, one segment at a time: all pieces' rows at once cost 412 MB on
            # Online Retail (268k product pieces) and are never needed for products
            "vectors": lambda chosen=chosen: piece_vectors.rows(chosen),
            "kind": kind,
        })
    return per_segment


def build_profiles(con: duckdb.DuckDBPyConnection, vectors: CustomerVectors, clustering: Clustering,
                   pieces: list[dict[str, Any]], features: pd.DataFrame | None
                   ) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Evidence per cluster (canonical order): numbers, lift lists, distinctive terms, redacted quotes."""
    groups = SegmentGroups(vectors.customer_ids, clustering.labels, clustering.k)
    numbers, shop = segment_numbers(con, groups, features)
    pii = PiiDirectory.load(con)
    terms = distinctive_terms([p["texts"] for p in pieces], pii.tokens())
    lifts = lift_lists(con, groups)
    profiles = []
    for index in range(clustering.k):
        members = clustering.labels == index
        part = pieces[index]
        quotes = representative_texts(part["texts"], part["authors"], part["vectors"](),
                                      clustering.centroids[index], pii) if part["kind"] == TEXT else []
        profiles.append({
            **numbers[index],
            **lifts[index],
            "terms": [t["term"] for t in terms[index]],
            "representative_texts": quotes,
            "writers_share": round(float(vectors.writers[members].mean()), 4) if members.any() else 0.0,
            "cohesion": round(float(np.median(clustering.similarities[members])), 4) if members.any() else None,
        })
    return profiles, shop


def name_profiles(profiles: list[dict[str, Any]], match: IdMatch, previous: PreviousRun | None,
                  namer: SegmentNamer, rename: bool) -> None:
    """Set id, name, slug and status on each profile: continued segments keep their name and slug (so a
    segment means the same thing to its readers next week) unless ``rename``; others are named afresh."""
    kept = {s.segment_id: s for s in previous.segments} if previous else {}
    keeps = [continued and not rename and segment_id in kept
             for segment_id, continued in zip(match.segment_ids, match.continued, strict=True)]
    held = [kept[i] for i, keep in zip(match.segment_ids, keeps, strict=True) if keep]
    fresh = [namer.name(evidence_of(p)) for p, keep in zip(profiles, keeps, strict=True) if not keep]
    fresh_names = iter(unique_names(fresh, {s.name for s in held}))
    names = [kept[i].name if keep else next(fresh_names) for i, keep in zip(match.segment_ids, keeps, strict=True)]
    fresh_slugs = iter(unique_slugs([slugify(n) for n, keep in zip(names, keeps, strict=True) if not keep],
                                    {s.slug for s in held}))
    for index, profile in enumerate(profiles):
        segment_id = match.segment_ids[index]
        profile.update({"id": segment_id, "name": names[index],
                        "slug": kept[segment_id].slug if keeps[index] else next(fresh_slugs),
                        "status": "continued" if match.continued[index] else "new",
                        "match_similarity": match.similarity[index]})


def evidence_of(profile: dict[str, Any]) -> SegmentEvidence:
    """The namer's view of a profile."""
    return SegmentEvidence(
        terms=list(profile.get("terms", [])),
        categories=[Item(c["name"], c["lift"], c["buyer_share"]) for c in profile.get("top_categories", [])],
        products=[Item(p["name"], p["lift"], p["buyer_share"]) for p in profile.get("top_products", [])],
        quotes=list(profile.get("representative_texts", [])),
        size=int(profile.get("size", 0)),
        share=float(profile.get("share", 0.0)),
    )


def match_to_previous(con: duckdb.DuckDBPyConnection, clustering: Clustering, customer_ids: list[str], space: str,
                      threshold: float) -> tuple[PreviousRun | None, IdMatch]:
    """Ids for the new clusters from the latest stored run (by centroids, or members if the space changed)."""
    from tools.segments.runs import match_ids, members_of_run, previous_run

    previous = previous_run(con)
    new_members = old_members = None
    if previous is not None and previous.space != space:
        new_members = [{c for c, label in zip(customer_ids, clustering.labels, strict=True) if label == index}
                       for index in range(clustering.k)]
        old_members = members_of_run(con, previous.run_id)
    return previous, match_ids(previous, clustering.centroids, space, threshold, new_members, old_members)


def run_summary(clustering: Clustering, vectors: CustomerVectors, docs: CustomerDocuments, stats: EmbeddingStats,
                match: IdMatch, previous: PreviousRun | None, retired: list[int], shop: dict[str, Any],
                warnings: list[str], stage_seconds: dict[str, float]) -> dict[str, Any]:
    """The JSON summary stored with a run: how K was chosen, embedding work, id matching, shop numbers."""
    continued = int(sum(match.continued))
    return {
        "k_chosen_by": clustering.k_chosen_by, "reason": clustering.reason,
        "scores": [asdict(s) for s in clustering.scores], "embedding": asdict(stats),
        "documents": {"customers_with_orders": len(docs.customer_ids), "segmented": len(vectors.customer_ids),
                      "writers": int(vectors.writers.sum()), "pieces": len(docs.pieces),
                      "without_document": len(docs.without_document)},
        "matching": {"method": match.method, "previous_run_id": previous.run_id if previous else None,
                     "continued": continued, "new": len(match.continued) - continued, "retired_ids": retired},
        "shop": shop, "stage_seconds": stage_seconds, "warnings": warnings,
    }


def run_record(clustering: Clustering, vectors: CustomerVectors, profiles: list[dict[str, Any]], match: IdMatch,
               previous: PreviousRun | None, summary: dict[str, Any], seed: int, model: str, space: str
               ) -> RunRecord:
    """Everything :func:`tools.segments.runs.save_run` writes for one run."""
    ids = np.asarray(match.segment_ids)
    first_runs = {s.segment_id: s.first_run_id for s in previous.segments} if previous else {}
    kept = {i: first_runs[i] for i, c in zip(match.segment_ids, match.continued, strict=True) if c and i in first_runs}
    return RunRecord(clustering.k, seed, model, space, summary, profiles, clustering.centroids, vectors.customer_ids,
                     ids[clustering.labels], clustering.similarities, first_run_ids=kept)
