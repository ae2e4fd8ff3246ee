"""What the planner knows about this shop: countries, categories, segments, and customer ids.

Loaded once per session from the workspace, so slot filling can match "germany" to the data's
"Germany" and "the runners" to the segment whose name or terms mention running.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class SegmentRef:
    """A segment as the planner sees it: id, slug, name and the words that describe it."""

    id: int
    slug: str
    name: str
    words: tuple[str, ...]


@dataclass
class ShopVocabulary:
    """Values present in the shop's data that questions may refer to."""

    countries: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    segments: list[SegmentRef] = field(default_factory=list)
    customer_lookup: Callable[[str], str | None] = lambda _candidate: None


def load_vocabulary(workspace_root: Path) -> ShopVocabulary:
    """Read countries, categories, segments and a customer-id lookup from the workspace."""
    from tools.store.workspace import Workspace

    workspace = Workspace(workspace_root)
    if not workspace.exists():
        return ShopVocabulary()
    with workspace.connect(read_only=True) as con:
        countries = _distinct(con, "SELECT DISTINCT country FROM orders WHERE country IS NOT NULL "
                                   "UNION SELECT DISTINCT country FROM customers WHERE country IS NOT NULL")
        categories = _distinct(con, "SELECT DISTINCT category FROM orders WHERE category IS NOT NULL")
        ids = {row[0] for row in con.execute("SELECT DISTINCT customer_id FROM orders").fetchall()}
    segments = _segments(workspace_root)
    return ShopVocabulary(countries, categories, segments, lambda candidate: _lookup(ids, candidate))


def _distinct(con: object, sql: str) -> list[str]:
    return sorted(str(row[0]) for row in con.execute(sql).fetchall())  # type: ignore[attr-defined]


def _lookup(ids: set[str], candidate: str) -> str | None:
    for variant in (candidate, candidate.upper(), candidate.removesuffix(".0")):
        if variant in ids:
            return variant
    return None


def _segments(workspace_root: Path) -> list[SegmentRef]:
    """Current segments with their describing words (name, slug, terms, top categories)."""
    try:
        from tools.segments.reading import segment_vocabulary
    except ImportError:
        return []
    return [SegmentRef(int(s["id"]), str(s["slug"]), str(s["name"]), tuple(s.get("words", ())))
            for s in segment_vocabulary(workspace_root)]
