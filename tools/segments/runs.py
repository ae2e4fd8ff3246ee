"""Segment runs in the workspace: every run kept, ids that survive re-runs, and ``current_segments``.

A new run's clusters are matched to the previous run's segments (Hungarian matching on centroid cosine
similarity when both runs share a vector space, else on customer overlap), so "segment 3" keeps meaning
the same customers' concerns next week. A cluster that matches nothing gets a fresh id that has never
been used, so an old id is never silently re-purposed. The whole run is written in one transaction.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

import numpy as np

from tools.errors import UserError
from tools.store.store import registered

if TYPE_CHECKING:
    import duckdb

@dataclass(frozen=True)
class PreviousSegment:
    """A segment of the latest stored run, as needed to match a new run against it."""

    segment_id: int
    name: str
    slug: str
    first_run_id: int
    centroid: np.ndarray


@dataclass
class PreviousRun:
    """The latest stored run: its vector space, segments, and the highest segment id ever used."""

    run_id: int
    space: str
    segments: list[PreviousSegment]
    max_segment_id: int


@dataclass
class IdMatch:
    """Segment id per new cluster (canonical order), and which previous segment each one continues."""

    segment_ids: list[int]
    continued: list[bool]
    similarity: list[float | None]
    method: str


@dataclass
class RunRecord:
    """Everything one run stores: header fields, a JSON summary, segments and customer assignments."""

    k: int
    seed: int
    model: str
    space: str
    summary: dict[str, Any]
    segments: list[dict[str, Any]]
    centroids: np.ndarray
    customer_ids: list[str]
    segment_of_customer: np.ndarray
    similarities: np.ndarray
    run_id: int = 0
    created_at: str = ""
    first_run_ids: dict[int, int] = field(default_factory=dict)


def has_segment_runs(con: duckdb.DuckDBPyConnection) -> bool:
    """True once at least one segmentation has been stored."""
    return bool(con.execute("SELECT count(*) FROM segment_runs").fetchone()[0])


def previous_run(con: duckdb.DuckDBPyConnection) -> PreviousRun | None:
    """The latest run with its centroids, or None before the first run."""
    header = con.execute("SELECT run_id, space FROM segment_runs ORDER BY run_id DESC LIMIT 1").fetchone()
    if header is None:
        return None
    rows = con.execute(
        "SELECT segment_id, name, slug, first_run_id, centroid FROM segment_definitions WHERE run_id = ? "
        "ORDER BY segment_id", [header[0]]).fetchall()
    segments = [PreviousSegment(int(i), str(n), str(s), int(f), np.frombuffer(c, dtype=np.float32))
                for i, n, s, f, c in rows]
    max_id = con.execute("SELECT coalesce(max(segment_id), 0) FROM segment_definitions").fetchone()[0]
    return PreviousRun(int(header[0]), str(header[1]), segments, int(max_id))


def match_ids(previous: PreviousRun | None, centroids: np.ndarray, space: str, threshold: float,
              new_members: list[set[str]] | None = None, old_members: dict[int, set[str]] | None = None,
              overlap_threshold: float = 0.5) -> IdMatch:
    """Give each new cluster the id of the previous segment it continues, or a never-used id.

    In the same vector space, clusters and previous segments are paired by the Hungarian algorithm on
    centroid cosine similarity and a pair counts only at ``threshold`` or above. When the space changed
    (another model or feature mix), centroids are not comparable and pairs are made on customer overlap
    (Jaccard of members, at ``overlap_threshold`` or above) instead.
    """
    count = len(centroids)
    if previous is None or not previous.segments:
        return IdMatch(list(range(1, count + 1)), [False] * count, [None] * count, "first run")
    old_ids = [s.segment_id for s in previous.segments]
    same_space = previous.space == space and all(s.centroid.shape[0] == centroids.shape[1]
                                                 for s in previous.segments)
    if same_space:
        similarity, cutoff, method = centroids @ np.vstack([s.centroid for s in previous.segments]).T, threshold, \
            "centroids"
    else:
        similarity, cutoff, method = _jaccard(new_members or [], old_members or {}, old_ids), overlap_threshold, \
            "members"
    return _hungarian(similarity, old_ids, cutoff, previous.max_segment_id, method)


def _hungarian(similarity: np.ndarray, old_ids: list[int], cutoff: float, max_id: int, method: str) -> IdMatch:
    from scipy.optimize import linear_sum_assignment

    count = similarity.shape[0]
    ids: list[int | None] = [None] * count
    scores: list[float | None] = [None] * count
    rows, cols = linear_sum_assignment(-similarity)
    for row, col in zip(rows, cols, strict=True):
        scores[row] = round(float(similarity[row, col]), 4)
        if similarity[row, col] >= cutoff:
            ids[row] = old_ids[col]
    continued = [i is not None for i in ids]
    next_id = max_id
    for row in range(count):
        if ids[row] is None:
            next_id += 1
            ids[row] = next_id
    return IdMatch([int(i) for i in ids if i is not None], continued, scores, method)


def _jaccard(new_members: list[set[str]], old_members: dict[int, set[str]], old_ids: list[int]) -> np.ndarray:
    matrix = np.zeros((len(new_members), len(old_ids)))
    for row, members in enumerate(new_members):
        for col, old_id in enumerate(old_ids):
            old = old_members.get(old_id, set())
            union = len(members | old)
            matrix[row, col] = len(members & old) / union if union else 0.0
    return matrix


def members_of_run(con: duckdb.DuckDBPyConnection, run_id: int) -> dict[int, set[str]]:
    """Customer ids per segment of a stored run (for matching across a change of vector space)."""
    members: dict[int, set[str]] = {}
    for customer_id, segment_id in con.execute(
            "SELECT customer_id, segment_id FROM segment_assignments WHERE run_id = ?", [run_id]).fetchall():
        members.setdefault(int(segment_id), set()).add(str(customer_id))
    return members


def save_run(con: duckdb.DuckDBPyConnection, record: RunRecord) -> int:
    """Store ``record`` as the next run (call inside one workspace transaction); returns its run id."""
    import pyarrow as pa

    run_id = int(con.execute("SELECT coalesce(max(run_id), 0) + 1 FROM segment_runs").fetchone()[0])
    con.execute("INSERT INTO segment_runs VALUES (?, ?::TIMESTAMP, ?, ?, ?, ?, ?, ?)",
                [run_id, record.created_at or datetime.now(), record.k, record.seed, record.model, record.space,
                 len(record.customer_ids),
                 json.dumps(record.summary, default=str)])
    for segment, centroid in zip(record.segments, record.centroids, strict=True):
        first_run = record.first_run_ids.get(segment["id"], run_id)
        segment["first_run_id"] = first_run
        con.execute("INSERT INTO segment_definitions VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    [run_id, segment["id"], segment["name"], segment["slug"], segment["size"], first_run,
                     np.asarray(centroid, dtype=np.float32).tobytes(), json.dumps(segment, default=str)])
    assignments = pa.table({"customer_id": pa.array(record.customer_ids, pa.string()),
                            "segment_id": pa.array(record.segment_of_customer.astype(np.int32)),
                            "similarity": pa.array(record.similarities.astype(np.float64))})
    with registered(con, "new_assignments", assignments):
        con.execute("INSERT INTO segment_assignments SELECT ?, customer_id, segment_id, similarity "
                    "FROM new_assignments", [run_id])
    return run_id


def latest_run_header(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    """The latest run's header and summary; a UserError says how to create one when there is none."""
    row = con.execute("SELECT run_id, created_at, k, seed, model, customers, summary FROM segment_runs "
                      "ORDER BY run_id DESC LIMIT 1").fetchone()
    if row is None:
        raise UserError("No segments yet: run  segment-agent segment  first.")
    run_id, created_at, k, seed, model, customers, summary = row
    return {"run_id": int(run_id), "created_at": str(created_at)[:19], "k": int(k), "seed": int(seed),
            "model": model, "customers": int(customers), **json.loads(summary)}


def latest_profiles(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """Stored profiles of the latest run's segments, by segment id."""
    rows = con.execute(
        "SELECT profile FROM segment_definitions WHERE run_id = (SELECT max(run_id) FROM segment_runs) "
        "ORDER BY segment_id").fetchall()
    return [json.loads(profile) for (profile,) in rows]


def resolve_segment(profiles: list[dict[str, Any]], reference: str | int) -> dict[str, Any]:
    """The profile whose id ("3", "segment 3", "#3"), slug or name is ``reference``; a UserError lists the
    valid ones otherwise."""
    import re

    wanted = str(reference).strip().lower()
    number = re.fullmatch(r"(?:segment\s*)?#?(\d+)", wanted)
    for profile in profiles:
        if (number and int(number.group(1)) == profile["id"]) or wanted in {profile["slug"].lower(),
                                                                           profile["name"].lower()}:
            return profile
    listing = ", ".join(f"{p['id']} ({p['slug']})" for p in profiles)
    raise UserError(f"No segment '{reference}'; segments are: {listing}.")
