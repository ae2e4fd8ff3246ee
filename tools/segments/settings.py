"""The ``[segments]`` section of segment-agent.toml and the argument schemas of the segment tools.

Defaults live here once; the config file overrides them and CLI options or tool arguments override the
config. The pydantic models are the single definition of each tool's arguments (DESIGN.md §7), shared by
the CLI, the embedded planner and the LLM tools.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field

from tools.errors import UserError
from tools.segments.clustering import DEFAULT_ITERATIONS, DEFAULT_K_RANGE, DEFAULT_RESTARTS
from tools.segments.embeddings import (
    BACKENDS,
    DEFAULT_BACKEND,
    DEFAULT_BATCH_SIZE,
    DEFAULT_MAX_SEQ_LENGTH,
    DEFAULT_MODEL,
)

if TYPE_CHECKING:
    from tools.runtime.settings import Settings

DEFAULTS: dict[str, Any] = {
    "model": DEFAULT_MODEL,
    "backend": DEFAULT_BACKEND,
    "k": None,
    "k_min": DEFAULT_K_RANGE[0],
    "k_max": DEFAULT_K_RANGE[1],
    "seed": 7,
    "restarts": DEFAULT_RESTARTS,
    "iterations": DEFAULT_ITERATIONS,
    "batch_size": DEFAULT_BATCH_SIZE,
    "max_seq_length": DEFAULT_MAX_SEQ_LENGTH,
    "half_life_days": 365.0,
    "product_weight": 0.2,
    "behaviour_weight": 0.0,
    "match_threshold": 0.8,
    "rename": False,
}


@dataclass(frozen=True)
class SegmentSettings:
    """Everything that shapes a segmentation run; see DEFAULTS for the values used out of the box.

    ``product_weight`` is the share of a writing customer's vector that comes from what they bought (the
    rest from what they wrote); customers who wrote nothing are always described by their purchases. A
    little purchase signal (0.2) lifted agreement with the sample shop's planted personas from ARI 0.905 to
    0.917 and brings writers and silent customers into one space; more starts to drown out the voice.
    ``behaviour_weight`` is the share of similarity that comes from scaled RFM behaviour (0 keeps segments
    about interests, independent of lifecycle and value). ``match_threshold`` is the centroid cosine a
    new cluster needs to keep a previous segment's id. ``rename`` re-derives names of kept segments.
    ``backend`` runs the model: 'onnx-int8' (default; ONNX Runtime with int8 weights, several times faster
    than plain sentence-transformers at cosine ≥0.99 to fp32), 'onnx' (ONNX Runtime fp32) or 'torch'
    (sentence-transformers itself); each backend has its own cache entries.
    """

    model: str
    backend: str
    k: int | None
    k_min: int
    k_max: int
    seed: int
    restarts: int
    iterations: int
    batch_size: int
    max_seq_length: int
    half_life_days: float
    product_weight: float
    behaviour_weight: float
    match_threshold: float
    rename: bool


def load_settings(config: Settings, **overrides: Any) -> SegmentSettings:
    """Defaults, then ``[segments]`` of the workspace config, then non-None ``overrides``."""
    values = config.section("segments", DEFAULTS)
    values.update({key: value for key, value in overrides.items() if value is not None})
    settings = SegmentSettings(**values)
    if settings.backend not in BACKENDS:
        raise UserError(f"[segments] backend must be one of {', '.join(BACKENDS)} in segment-agent.toml "
                        f"(got {settings.backend!r}).")
    if settings.k is not None and settings.k < 2:
        raise UserError(f"K must be at least 2 (got {settings.k}); pass --k 2 or more, or leave it out.")
    if not 2 <= settings.k_min <= settings.k_max:
        raise UserError("[segments] k_min and k_max must satisfy 2 <= k_min <= k_max in segment-agent.toml.")
    for name in ("product_weight", "behaviour_weight"):
        if not 0.0 <= getattr(settings, name) < 1.0:
            raise UserError(f"[segments] {name} must be between 0 and 1 (exclusive) in segment-agent.toml.")
    return settings


class SegmentationArgs(BaseModel):
    """Arguments of ``run_segmentation``."""

    k: int | None = Field(None, ge=2, le=50, description="Number of segments; omit to let the tool choose "
                          "(3–12, by silhouette and Davies–Bouldin).")
    seed: int | None = Field(None, description="Random seed; the same data and seed give the same segments.")
    model: str | None = Field(None, description="sentence-transformers model name or local path; omit for the "
                              "configured default (all-MiniLM-L6-v2).")


class SegmentArgs(BaseModel):
    """Arguments of ``profile_segment``."""

    segment: str = Field(description="Segment id, slug or name as listed by segment_overview.")


class CompareArgs(BaseModel):
    """Arguments of ``compare_segments``."""

    segments: list[str] = Field(min_length=2, max_length=2,
                                description="Exactly two segment ids, slugs or names to compare.")
